//! Finding and decoding QR symbols in one greyscale image: zxing-cpp's QR
//! reader (finder-pattern search, sampling, decoding) as ported by rxing,
//! driven here so that the work per image is bounded.

use alloc::{string::String, vec::Vec};
use std::panic::{self, AssertUnwindSafe};

use rxing::Point;
use rxing::common::DetectorRXingResult;
use rxing::qrcode::cpp_port::{decoder, detector};

use super::binarize::Binary;
use crate::error::ScanError;

/// Most finder-pattern triples sampled per pass. A real image yields a few
/// per symbol; a hostile one (a wall of finder patterns) yields millions,
/// each costing a sampling and a Reed-Solomon decode.
const MAX_PATTERN_SETS: usize = 1024;

/// A decoded symbol and where it lies in the image.
#[derive(Debug)]
pub(super) struct Symbol {
    /// The symbol's text as the decoder read it.
    pub text: String,
    /// Centre of the symbol's corner points, in pixels.
    pub centre: (f32, f32),
    /// Lowest edge of the symbol (largest y), in pixels.
    pub bottom: f32,
}

/// Every QR symbol in a `width`×`height` greyscale image, in no particular
/// order, with positions multiplied by `scale` (for a reduced copy of the
/// image). The caller has checked `pixels.len() == width * height`.
pub(super) fn find_symbols(width: u32, height: u32, pixels: &[u8], scale: f32) -> Result<Vec<Symbol>, ScanError> {
    // The decoder is a large port of C++ and Java code; a panic on some
    // pixel pattern must not take the scanner app down with it.
    let mut symbols = panic::catch_unwind(AssertUnwindSafe(|| symbols(width, height, pixels)))
        .map_err(|_| ScanError::DecoderFailed)?;
    for symbol in &mut symbols {
        symbol.centre = (symbol.centre.0 * scale, symbol.centre.1 * scale);
        symbol.bottom *= scale;
    }
    Ok(symbols)
}

fn symbols(width: u32, height: u32, pixels: &[u8]) -> Vec<Symbol> {
    match super::binarize::binarize(
        width as usize,
        height as usize,
        pixels,
        super::binarize::Flat::FromNoise,
    ) {
        Some(binary) => decode_all(&binary),
        None => Vec::new(),
    }
}

/// zxing-cpp's `QRCode::Reader::decode` for QR Model 2, with the finder
/// search bounded ([`super::finder`]) and a cap on the finder-pattern
/// triples tried. A pattern that is part of a decoded symbol
/// is not tried again.
fn decode_all(binary: &Binary) -> Vec<Symbol> {
    let matrix = &binary.matrix;
    let mut patterns = super::finder::find_finder_patterns(binary).patterns;
    let sets = detector::GenerateFinderPatternSets(&mut patterns);
    let mut used = Vec::new();
    let mut found = Vec::new();
    for set in sets.iter().take(MAX_PATTERN_SETS) {
        if [set.bl, set.tl, set.tr].iter().any(|p| used.contains(p)) {
            continue;
        }
        let Ok(sampled) = detector::SampleQR(matrix, set) else {
            continue;
        };
        let Ok(decoded) = decoder::Decode(sampled.getBits()) else {
            continue;
        };
        if decoded.isValid() {
            used.extend([set.bl, set.tl, set.tr]);
            found.push(Symbol::new(decoded.text(), sampled.getPoints()));
        }
    }
    found
}

impl Symbol {
    fn new(text: String, corners: &[Point]) -> Symbol {
        let count = corners.len().max(1) as f32;
        let x = corners.iter().map(|p| p.x).sum::<f32>() / count;
        let y = corners.iter().map(|p| p.y).sum::<f32>() / count;
        let bottom = corners.iter().map(|p| p.y).fold(y, f32::max);
        Symbol {
            text,
            centre: (x, y),
            bottom,
        }
    }
}
