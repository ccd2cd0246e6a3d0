//! Refusals at the payload layer: zlib streams and the inflate limit
//! (SPEC.md §3; step 5 of §8.2), and an empty payload.

use std::io::Write;

use qrcred::Limits;

use super::case::{Case, Result};
use super::fixture::{Fixture, green};

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let base = fx.mint().issue(fx.case("", ""), &green()?)?;
    let mut all = zlib(fx, &base)?;
    all.extend(inflate_limits(&base)?);
    Ok(all)
}

fn deflate(data: &[u8]) -> Result<Vec<u8>> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data)?;
    Ok(z.finish()?)
}

/// `base` with a new payload; the layers above it are dropped.
fn with_payload(base: &Case, name: &str, description: &str, payload: Vec<u8>, code: &'static str) -> Case {
    base.clone()
        .named(name, description)
        .payload_only()
        .payload(payload)
        .refused(code)
}

fn zlib(fx: &Fixture, base: &Case) -> Result<Vec<Case>> {
    let cose = base.cose.clone().ok_or("no cose")?;
    let z = deflate(&cose)?;
    let n = z.len();
    let mut adler = z.clone();
    adler[n - 1] ^= 0x01;
    let mut dict = vec![0x78, 0xbb, 0x00, 0x00, 0x00, 0x01];
    dict.extend_from_slice(&z[2..]);
    let mut check = z.clone();
    check[1] ^= 0x01;
    let p = |name, description, payload, code| with_payload(base, name, description, payload, code);
    Ok(vec![
        p(
            "zlib_truncated",
            "the zlib stream of a valid COSE_Sign1 without its last 4 bytes (the Adler-32)",
            z[..n - 4].to_vec(),
            "compression.invalid",
        ),
        p(
            "zlib_bad_adler32",
            "the last bit of the Adler-32 flipped",
            adler,
            "compression.invalid",
        ),
        p(
            "zlib_trailing_bytes",
            "a zero byte after the end of the zlib stream",
            [&z[..], &[0]].concat(),
            "compression.trailing_bytes",
        ),
        p(
            "zlib_preset_dictionary",
            "header 78 bb (FDICT set) and a DICTID: a preset dictionary is refused",
            dict,
            "compression.invalid",
        ),
        p(
            "zlib_bad_header_check",
            "header check bits wrong: (CMF*256 + FLG) is not a multiple of 31",
            check,
            "compression.invalid",
        ),
        p(
            "zlib_reserved_block_type",
            "a deflate block of the reserved type 3 after a valid header 78 9c",
            vec![0x78, 0x9c, 0x07, 0x00, 0x00, 0x00, 0x00],
            "compression.invalid",
        ),
        fx.case(
            "cbor_payload_empty",
            "an empty payload, given as bytes (no text can carry it): refused by the CBOR layer",
        )
        .payload(Vec::new())
        .without_text()
        .refused("cbor.truncated"),
    ])
}

fn inflate_limits(base: &Case) -> Result<Vec<Case>> {
    let cose = base.cose.clone().ok_or("no cose")?;
    let mut padded = cose.clone();
    padded.resize(16384, 0);
    let at_cap = with_payload(
        base,
        "limits_inflated_at_default_cap",
        "inflates to exactly 16384 bytes, the default cap (accepted): a COSE_Sign1 and zeros, refused by CBOR",
        deflate(&padded)?,
        "cbor.trailing_bytes",
    );
    padded.push(0);
    let over = with_payload(
        base,
        "limits_inflated_too_large",
        "inflates to 16385 bytes, one more than the default max_inflated_len of 16384",
        deflate(&padded)?,
        "limits.inflated_too_large",
    );
    let bomb = with_payload(
        base,
        "limits_inflate_bomb",
        "a zlib bomb: about 1 KiB that inflates to 1 MiB of zeros; inflating must stop at the cap",
        deflate(&vec![0; 1 << 20])?,
        "limits.inflated_too_large",
    );
    let one_over = base
        .clone()
        .named(
            "limits_inflated_one_over_cap",
            "a valid code sent as zlib, with max_inflated_len one below the inflated length",
        )
        .payload(deflate(&cose)?)
        .limits(Limits::DEFAULT.with_max_inflated_len(cose.len() - 1))
        .refused("limits.inflated_too_large");
    Ok(vec![at_cap, over, bomb, one_over])
}
