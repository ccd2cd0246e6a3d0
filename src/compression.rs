//! The optional zlib layer (RFC 1950), both directions.
//!
//! The issuer compresses the COSE bytes only when that makes them shorter.
//! The reader tells the two forms apart by the first byte: a zlib stream
//! starts with a CMF byte whose low nibble is 8 (deflate) and high nibble
//! at most 7 (0x08, 0x18, ... 0x78); anything else is handed to the COSE
//! layer as it is (a COSE_Sign1 starts with tag 18, 0xD2, which is never a
//! CMF byte). Inflating is always capped at `Limits::max_inflated_len`.

use alloc::vec::Vec;
use flate2::{Compress, Compression, FlushCompress, Status};

use crate::error::{CompressionError, LimitsError, Result};
use crate::limits::Limits;

/// Repeated runs must promise at least this many bytes before zlib is
/// tried: its header and checksum alone cost 6.
const MIN_PROMISED_SAVING: usize = 8;

/// Returns the zlib form of `cose` when it is shorter, else `cose` itself.
///
/// Setting up a deflate compressor costs more than an Ed25519 signature,
/// and a typical code (small integers, an 8-byte kid, a 64-byte random
/// signature) never shrinks; so zlib is only tried when a quick scan finds
/// repeated runs that could save at least 8 bytes (SPEC.md §3).
pub(crate) fn compress_if_shorter(cose: Vec<u8>) -> Result<Vec<u8>> {
    if promised_saving(&cose) < MIN_PROMISED_SAVING {
        return Ok(cose);
    }
    let mut z = Compress::new(Compression::best(), true);
    // Anything not shorter than the input is useless: stop there.
    let mut out = Vec::with_capacity(cose.len());
    let status = z
        .compress_vec(&cose, &mut out, FlushCompress::Finish)
        .map_err(|_| CompressionError::Failed)?;
    match status {
        Status::StreamEnd if out.len() < cose.len() => Ok(out),
        _ => Ok(cose),
    }
}

/// What LZ77 could remove from `bytes`, roughly: for every run of 4 or
/// more bytes that repeats an earlier one (found through a 256-entry table
/// of the last position of each 4-byte hash), its length less the 3 bytes
/// a match costs. Linear in the input, no allocation.
fn promised_saving(bytes: &[u8]) -> usize {
    let mut last = [usize::MAX; 256];
    let (mut saving, mut i) = (0usize, 0usize);
    while i + 4 <= bytes.len() {
        let word = u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let mixed = (word ^ (word >> 15)).wrapping_mul(0x2C1B_3C6D);
        let slot = ((mixed ^ (mixed >> 12)).wrapping_mul(0x297A_2D39) >> 24) as usize;
        let earlier = last[slot];
        last[slot] = i;
        if earlier != usize::MAX && bytes[earlier..earlier + 4] == bytes[i..i + 4] {
            let mut len = 4;
            while i + len < bytes.len() && bytes[earlier + len] == bytes[i + len] {
                len += 1;
            }
            saving += len - 3;
            i += len;
        } else {
            i += 1;
        }
    }
    saving
}

/// Whether `first` can start a zlib stream: CM = 8 (deflate) and
/// CINFO <= 7 (window <= 32 KiB), RFC 1950 §2.2.
pub(crate) fn is_zlib_header(first: u8) -> bool {
    first & 0x0F == 8 && first >> 4 <= 7
}

/// Returns the COSE bytes of a payload, inflating it when it is zlib.
pub(crate) fn decompress(payload: Vec<u8>, limits: &Limits) -> Result<Vec<u8>> {
    match payload.first() {
        Some(&b) if is_zlib_header(b) => inflate(&payload, limits.max_inflated_len),
        _ => Ok(payload),
    }
}

/// Inflates a zlib stream (header, Adler-32 checked) into at most `max`
/// bytes. The output buffer is the decompressor's window (miniz_oxide's
/// core with a non-wrapping output buffer): no 32 KiB window is set up per
/// code, and the buffer grows by doubling from about 4× the input, never
/// past `max + 1` (one byte over tells "exactly max" from "more").
pub(crate) fn inflate(input: &[u8], max: usize) -> Result<Vec<u8>> {
    use miniz_oxide::inflate::TINFLStatus;
    use miniz_oxide::inflate::core::{DecompressorOxide, decompress, inflate_flags};
    let cap = max.saturating_add(1);
    let mut out = alloc::vec![0u8; cap.min(input.len().saturating_mul(4).max(256))];
    let mut state = alloc::boxed::Box::<DecompressorOxide>::default();
    let flags = inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER
        | inflate_flags::TINFL_FLAG_COMPUTE_ADLER32
        | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (mut read, mut written) = (0, 0);
    loop {
        let (status, consumed, produced) = decompress(&mut state, &input[read..], &mut out, written, flags);
        read += consumed;
        written += produced;
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput if out.len() < cap => {
                let grown = out.len().saturating_mul(2).min(cap);
                out.resize(grown, 0);
            }
            TINFLStatus::HasMoreOutput => return Err(LimitsError::InflatedTooLarge { max }.into()),
            // Truncated, corrupt, a bad header or checksum, a preset dictionary.
            _ => return Err(CompressionError::Invalid.into()),
        }
    }
    if written > max {
        return Err(LimitsError::InflatedTooLarge { max }.into());
    }
    if read != input.len() {
        return Err(CompressionError::TrailingBytes.into());
    }
    out.truncate(written);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::ZlibEncoder;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::best());
        e.write_all(data).expect("write");
        e.finish().expect("finish")
    }

    #[test]
    fn round_trip_and_passthrough() {
        let mut cose = alloc::vec![0xD2];
        cose.extend_from_slice(&[0x41; 200]);
        let packed = compress_if_shorter(cose.clone()).expect("compress");
        assert!(packed.len() < cose.len());
        assert_eq!(decompress(packed, &Limits::DEFAULT).expect("inflate"), cose);
        // Incompressible input stays as it is.
        let raw = alloc::vec![0xD2, 0x84];
        assert_eq!(compress_if_shorter(raw.clone()).expect("same"), raw);
        assert_eq!(decompress(raw.clone(), &Limits::DEFAULT).expect("raw"), raw);
    }

    #[test]
    fn zlib_is_only_tried_when_runs_repeat() {
        // Distinct bytes: nothing repeats, zlib is not tried.
        let distinct: Vec<u8> = (0..=255u8).collect();
        assert_eq!(promised_saving(&distinct), 0);
        assert_eq!(compress_if_shorter(distinct.clone()).expect("same"), distinct);
        // A repeated 16-byte run promises up to 13 bytes (a hash collision
        // may cost the first byte of the match); one of 8 at most 5.
        let run: Vec<u8> = (100..116u8).collect();
        let twice = [&run[..], &[0, 1, 2][..], &run[..]].concat();
        assert!((12..=13).contains(&promised_saving(&twice)));
        assert!(promised_saving(&[&run[..8], &[0][..], &run[..8]].concat()) <= 5);
        // Every zlib stream shorter than its input repeats something: on
        // inputs where zlib wins, the scan does not stop it.
        for n in [64usize, 200, 1000] {
            let text: Vec<u8> = b"QC1 qrcred ".iter().copied().cycle().take(n).collect();
            assert!(promised_saving(&text) >= MIN_PROMISED_SAVING);
            assert!(compress_if_shorter(text.clone()).expect("packs").len() < text.len());
        }
    }

    #[test]
    fn refusals() {
        let l = Limits::DEFAULT;
        // Not zlib: handed on unchanged for the COSE layer to judge.
        assert_eq!(decompress(alloc::vec![0xD8, 0x3D], &l).expect("as is"), [0xD8, 0x3D]);
        for b in 0..=255u8 {
            assert_eq!(
                is_zlib_header(b),
                [0x08, 0x18, 0x28, 0x38, 0x48, 0x58, 0x68, 0x78].contains(&b)
            );
        }
        let mut z = zlib(b"\xd2hello");
        z.truncate(z.len() - 3);
        assert_eq!(decompress(z, &l).expect_err("cut").code(), "compression.invalid");
        let mut z = zlib(b"\xd2hello");
        z.push(0);
        assert_eq!(
            decompress(z, &l).expect_err("tail").code(),
            "compression.trailing_bytes"
        );
        let mut z = zlib(b"\xd2hello");
        let n = z.len();
        z[n - 1] ^= 1; // adler32
        assert_eq!(decompress(z, &l).expect_err("adler").code(), "compression.invalid");
    }

    #[test]
    fn inflate_is_capped_exactly() {
        let data = alloc::vec![0xD2; 1000];
        let l = Limits::DEFAULT.with_max_inflated_len(1000);
        assert_eq!(decompress(zlib(&data), &l).expect("at cap").len(), 1000);
        let l = Limits::DEFAULT.with_max_inflated_len(999);
        assert_eq!(
            decompress(zlib(&data), &l).expect_err("over"),
            LimitsError::InflatedTooLarge { max: 999 }.into()
        );
        let bomb = zlib(&alloc::vec![0u8; 64 << 20]);
        assert!(bomb.len() < 70_000);
        assert_eq!(
            decompress(bomb, &Limits::DEFAULT).expect_err("bomb").code(),
            "limits.inflated_too_large"
        );
    }
}
