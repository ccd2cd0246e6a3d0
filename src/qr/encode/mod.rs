//! A QR Code Model 2 encoder (ISO/IEC 18004) for alphanumeric text.
//!
//! Written here because encoding is most of the cost of drawing a code and
//! issuers draw millions: the eight mask trials are scored on bit-packed
//! rows and columns, which takes half the instructions of `fast_qr` 0.14
//! and a tenth of those of `qrcode` 0.14 for a version 9-M symbol (see
//! README and `benches/render.rs`). The capacity tables are the standard's,
//! as tabulated by Project Nayuki's QR Code generator (MIT licence).

use alloc::{vec, vec::Vec};

use super::render::EccLevel;

/// EC codewords per block, by ECC level (L, M, Q, H) and version (index 0 unused).
const EC_PER_BLOCK: [[u8; 41]; 4] = [
    [
        0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ],
    [
        0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
];

/// Error-correction blocks, by ECC level and version (index 0 unused).
const EC_BLOCKS: [[u8; 41]; 4] = [
    [
        0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18,
        19, 19, 20, 21, 22, 24, 25,
    ],
    [
        0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
        31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ],
    [
        0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40,
        43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ],
    [
        0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45,
        48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ],
];

impl EccLevel {
    fn index(self) -> usize {
        match self {
            EccLevel::L => 0,
            EccLevel::M => 1,
            EccLevel::Q => 2,
            EccLevel::H => 3,
        }
    }

    /// The two format-information bits.
    fn format_bits(self) -> u32 {
        match self {
            EccLevel::L => 1,
            EccLevel::M => 0,
            EccLevel::Q => 3,
            EccLevel::H => 2,
        }
    }
}

/// Modules that carry data and EC codewords (all but function patterns).
fn raw_data_modules(version: usize) -> usize {
    let mut result = (16 * version + 128) * version + 64;
    if version >= 2 {
        let aligns = version / 7 + 2;
        result -= (25 * aligns - 10) * aligns - 55;
        if version >= 7 {
            result -= 36;
        }
    }
    result
}

fn data_codewords(version: usize, ecc: EccLevel) -> usize {
    let e = ecc.index();
    raw_data_modules(version) / 8 - usize::from(EC_PER_BLOCK[e][version]) * usize::from(EC_BLOCKS[e][version])
}

/// Bits of the character count in alphanumeric mode.
fn count_bits(version: usize) -> usize {
    match version {
        1..=9 => 9,
        10..=26 => 11,
        _ => 13,
    }
}

/// The value of an alphanumeric character (the caller has checked the set).
fn alnum_value(c: u8) -> u32 {
    const SET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    SET.iter().position(|&s| s == c).map_or(0, |p| p as u32)
}

/// An encoded symbol: `size` × `size` modules, row-major, true = dark.
pub(super) struct Symbol {
    pub size: usize,
    pub dark: Vec<bool>,
}

/// Encodes alphanumeric `text` at the smallest version that fits, or `None`
/// when no version does.
pub(super) fn encode(text: &[u8], ecc: EccLevel) -> Option<Symbol> {
    let bits = |v: usize| 4 + count_bits(v) + 11 * (text.len() / 2) + 6 * (text.len() % 2);
    let version = (1..=40).find(|&v| bits(v) <= data_codewords(v, ecc) * 8)?;
    let data = data_bytes(text, version, ecc);
    let codewords = add_ec_and_interleave(&data, version, ecc);
    let mut m = Matrix::new(version);
    m.draw_function_patterns();
    m.draw_codewords(&codewords);
    m.apply_best_mask(ecc);
    Some(Symbol {
        size: m.size,
        dark: m.dark.iter().map(|&d| d != 0).collect(),
    })
}

/// Appends bits MSB first.
struct BitWriter {
    bytes: Vec<u8>,
    len: usize,
}

impl BitWriter {
    fn push(&mut self, value: u32, bits: usize) {
        for i in (0..bits).rev() {
            if self.len.is_multiple_of(8) {
                self.bytes.push(0);
            }
            if (value >> i) & 1 == 1 {
                let last = self.bytes.len() - 1;
                self.bytes[last] |= 0x80 >> (self.len % 8);
            }
            self.len += 1;
        }
    }
}

/// Mode indicator, count, character pairs, terminator and pad codewords.
fn data_bytes(text: &[u8], version: usize, ecc: EccLevel) -> Vec<u8> {
    let capacity = data_codewords(version, ecc);
    let mut w = BitWriter {
        bytes: Vec::with_capacity(capacity),
        len: 0,
    };
    w.push(0b0010, 4);
    w.push(text.len() as u32, count_bits(version));
    for pair in text.chunks(2) {
        match *pair {
            [a, b] => w.push(alnum_value(a) * 45 + alnum_value(b), 11),
            [a] => w.push(alnum_value(a), 6),
            _ => {}
        }
    }
    let terminator = (capacity * 8 - w.len).min(4);
    w.push(0, terminator);
    w.push(0, (8 - w.len % 8) % 8);
    let mut bytes = w.bytes;
    for pad in [0xEC, 0x11].into_iter().cycle().take(capacity - bytes.len()) {
        bytes.push(pad);
    }
    bytes
}

/// Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1.
fn gf_mul(x: u8, y: u8) -> u8 {
    let mut z: u8 = 0;
    for i in (0..8).rev() {
        z = (z << 1) ^ ((z >> 7) * 0x1D);
        z ^= ((y >> i) & 1) * x;
    }
    z
}

/// The Reed-Solomon generator polynomial of `degree` (leading term omitted).
fn rs_divisor(degree: usize) -> Vec<u8> {
    let mut result = vec![0u8; degree];
    result[degree - 1] = 1;
    let mut root: u8 = 1;
    for _ in 0..degree {
        for j in 0..degree {
            result[j] = gf_mul(result[j], root);
            if j + 1 < degree {
                result[j] ^= result[j + 1];
            }
        }
        root = gf_mul(root, 0x02);
    }
    result
}

fn rs_remainder(data: &[u8], divisor: &[u8]) -> Vec<u8> {
    let mut result = vec![0u8; divisor.len()];
    for &b in data {
        let factor = b ^ result[0];
        result.rotate_left(1);
        let last = result.len() - 1;
        result[last] = 0;
        for (r, &d) in result.iter_mut().zip(divisor) {
            *r ^= gf_mul(d, factor);
        }
    }
    result
}

/// Splits data into blocks, appends each block's EC codewords, interleaves.
fn add_ec_and_interleave(data: &[u8], version: usize, ecc: EccLevel) -> Vec<u8> {
    let blocks = usize::from(EC_BLOCKS[ecc.index()][version]);
    let ec_len = usize::from(EC_PER_BLOCK[ecc.index()][version]);
    let raw = raw_data_modules(version) / 8;
    let short_blocks = blocks - raw % blocks;
    let short_len = raw / blocks;
    let divisor = rs_divisor(ec_len);
    let mut all = Vec::with_capacity(blocks);
    let mut k = 0;
    for i in 0..blocks {
        let data_len = short_len - ec_len + usize::from(i >= short_blocks);
        let mut block = data[k..k + data_len].to_vec();
        k += data_len;
        let ec = rs_remainder(&block, &divisor);
        if i < short_blocks {
            block.push(0);
        }
        block.extend_from_slice(&ec);
        all.push(block);
    }
    let mut result = Vec::with_capacity(raw);
    for i in 0..=short_len {
        for (j, block) in all.iter().enumerate() {
            // Short blocks have a dummy byte at index short_len - ec_len.
            if i != short_len - ec_len || j >= short_blocks {
                result.push(block[i]);
            }
        }
    }
    result
}

mod matrix;
use matrix::Matrix;

#[cfg(test)]
mod tests;
