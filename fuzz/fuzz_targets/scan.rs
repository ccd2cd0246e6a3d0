//! The QR scanner on arbitrary greyscale frames.
//!
//! Input: width and height (bytes 0..2 and 2..4, little-endian, each taken
//! modulo 512, plus 1), then the pixels, row by row, padded with white to
//! width × height. Oracles: never a panic; every text read that our encoder
//! can write (QR alphanumeric), rendered cleanly and scanned again, reads
//! back as exactly itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qrcred::{EccLevel, Limits, QrCode, RenderOptions, scan_luma};

const LIMITS: Limits = Limits::DEFAULT;

fuzz_target!(|data: &[u8]| {
    let [w0, w1, h0, h1, pixels @ ..] = data else {
        return;
    };
    let width = u32::from(u16::from_le_bytes([*w0, *w1])) % 512 + 1;
    let height = u32::from(u16::from_le_bytes([*h0, *h1])) % 512 + 1;
    let mut pixels = pixels.to_vec();
    pixels.resize((width * height) as usize, 255);
    let Ok(texts) = scan_luma(width, height, &pixels, &LIMITS) else {
        return;
    };
    for text in texts {
        let Ok(symbol) = QrCode::encode(&text, EccLevel::M) else {
            continue;
        };
        let (side, luma) = symbol.to_luma(&RenderOptions::DEFAULT).expect("renders");
        assert_eq!(scan_luma(side, side, &luma, &LIMITS), Ok(vec![text]));
    }
});
