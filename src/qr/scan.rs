//! Scanning: greyscale pixels or an image file → every QR code text in it.
//!
//! The detector is zxing-cpp's QR reader as ported by the `rxing` crate,
//! with the work per pass bounded. A scan makes up to four passes and stops
//! at the first that finds a symbol: the image as it is; stretched to the
//! full grey range if its contrast is low; at half size, which averages
//! noise away; inverted at half size (light modules on a dark ground, as
//! some phone screens show them).

mod binarize;
mod detect;
mod file;
mod finder;

use alloc::{string::String, vec::Vec};
use chrono::{DateTime, Utc};

use crate::error::{LimitsError, Result, ScanError};
use crate::limits::Limits;
use crate::trust::KeyResolver;
use crate::verifier::{Verified, Verifier};
use detect::Symbol;

/// Every QR code text in an 8-bit greyscale image, such as a camera frame's
/// luma plane: `pixels` holds `height` rows of `width` bytes, 0 black to 255
/// white.
///
/// The texts come top to bottom, then left to right (symbols whose centres
/// lie within the height of a row's first symbol form one row), each text
/// once. Every text is returned as the decoder read it, `QC1:` code or not;
/// the [`Verifier`] judges it. An image without a readable QR code gives an
/// empty list.
///
/// # Errors
///
/// `scan.buffer_size` when `pixels.len()` is not `width × height`,
/// `scan.empty_image` for zero pixels, `limits.image_too_large` above
/// [`Limits::max_image_pixels`], `scan.decoder_failed` if the decoder broke
/// down on the image.
///
/// # Example
///
/// ```
/// use qrcred::{Limits, scan_luma};
///
/// let blank = vec![255u8; 64 * 48];
/// assert!(scan_luma(64, 48, &blank, &Limits::DEFAULT)?.is_empty());
/// assert_eq!(scan_luma(64, 48, &blank[1..], &Limits::DEFAULT).unwrap_err().code(), "scan.buffer_size");
/// # Ok::<(), qrcred::Error>(())
/// ```
pub fn scan_luma(width: u32, height: u32, pixels: &[u8], limits: &Limits) -> Result<Vec<String>> {
    let length = pixels.len();
    if u64::from(width) * u64::from(height) != length as u64 {
        let channels = 1;
        return Err(ScanError::BufferSize {
            width,
            height,
            channels,
            length,
        }
        .into());
    }
    check_dimensions(width, height, limits)?;
    let symbols = passes(width, height, pixels)?;
    Ok(reading_order(symbols))
}

/// Every QR code text in an 8-bit RGBA image (4 bytes a pixel, as a
/// browser canvas's `ImageData` or a camera API gives), read as
/// [`scan_image`] reads an RGBA PNG: Rec. 601 luma, composited over white
/// where transparent, then [`scan_luma`].
///
/// # Errors
///
/// `scan.buffer_size` when `rgba.len()` is not `4 × width × height`, then
/// those of [`scan_luma`]; the size and pixel limit are checked before the
/// luma plane is allocated.
///
/// ```
/// use qrcred::{Limits, scan_rgba};
///
/// let white = vec![255u8; 64 * 48 * 4];
/// assert!(scan_rgba(64, 48, &white, &Limits::DEFAULT)?.is_empty());
/// assert_eq!(scan_rgba(64, 48, &white[4..], &Limits::DEFAULT).unwrap_err().code(), "scan.buffer_size");
/// # Ok::<(), qrcred::Error>(())
/// ```
pub fn scan_rgba(width: u32, height: u32, rgba: &[u8], limits: &Limits) -> Result<Vec<String>> {
    let length = rgba.len();
    if u64::from(width) * u64::from(height) * 4 != length as u64 {
        let channels = 4;
        return Err(ScanError::BufferSize {
            width,
            height,
            channels,
            length,
        }
        .into());
    }
    check_dimensions(width, height, limits)?;
    let luma: Vec<u8> = rgba.chunks_exact(4).map(file::luma).collect();
    scan_luma(width, height, &luma, limits)
}

/// Every QR code text in a PNG or JPEG file, as [`scan_luma`] finds them in
/// its greyscale version (colours weighted as Rec. 601 luma, transparent
/// pixels on white).
///
/// The image's size is read from its header and checked against
/// [`Limits::max_image_pixels`] before any pixel is decoded.
///
/// # Errors
///
/// `scan.unsupported_format` for bytes that are neither PNG nor JPEG,
/// `scan.invalid_image` for a corrupt or truncated file,
/// `limits.image_too_large`, and the errors of [`scan_luma`].
pub fn scan_image(bytes: &[u8], limits: &Limits) -> Result<Vec<String>> {
    let image = file::decode(bytes, limits)?;
    scan_luma(image.width, image.height, &image.pixels, limits)
}

impl<R: KeyResolver> Verifier<R> {
    /// Scans a PNG or JPEG file and verifies every QR code in it at `now`,
    /// within this verifier's limits (feature `scan`).
    ///
    /// The outer error means the image could not be read (see
    /// [`scan_image`]); otherwise there is one result per code found, in
    /// the order of [`scan_luma`]. No code in the image gives an empty list.
    pub fn verify_image(&self, bytes: &[u8], now: DateTime<Utc>) -> Result<Vec<Result<Verified>>> {
        let texts = scan_image(bytes, self.limits())?;
        Ok(texts.iter().map(|text| self.verify(text, now)).collect())
    }
}

/// Refuses an image without pixels or with more than `max_image_pixels`.
fn check_dimensions(width: u32, height: u32, limits: &Limits) -> Result<()> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 {
        return Err(ScanError::EmptyImage.into());
    }
    if pixels > limits.max_image_pixels as u64 {
        let max = limits.max_image_pixels;
        return Err(LimitsError::ImageTooLarge { width, height, max }.into());
    }
    Ok(())
}

/// Runs the detector on the image, then on variants of it, and returns the
/// symbols of the first pass that finds any: the image as it is; stretched to
/// the full grey range if its contrast is low; at half size (each pixel the
/// mean of four, which halves the noise); inverted at half size. A frame
/// without a code costs two to three full-size passes.
fn passes(width: u32, height: u32, pixels: &[u8]) -> Result<Vec<Symbol>, ScanError> {
    let symbols = detect::find_symbols(width, height, pixels, 1.0)?;
    if !symbols.is_empty() {
        return Ok(symbols);
    }
    let stretched = stretch_contrast(pixels);
    let pixels = stretched.as_deref().unwrap_or(pixels);
    if stretched.is_some() {
        let symbols = detect::find_symbols(width, height, pixels, 1.0)?;
        if !symbols.is_empty() {
            return Ok(symbols);
        }
    }
    let Some((half_width, half_height, half)) = half_size(width, height, pixels) else {
        let inverted: Vec<u8> = pixels.iter().map(|p| !p).collect();
        return detect::find_symbols(width, height, &inverted, 1.0);
    };
    let symbols = detect::find_symbols(half_width, half_height, &half, 2.0)?;
    if !symbols.is_empty() {
        return Ok(symbols);
    }
    let inverted: Vec<u8> = half.iter().map(|p| !p).collect();
    detect::find_symbols(half_width, half_height, &inverted, 2.0)
}

/// The image at half its width and height, each pixel the mean of a 2×2
/// block; `None` when that would be smaller than the smallest QR symbol.
fn half_size(width: u32, height: u32, pixels: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let (half_width, half_height) = (width / 2, height / 2);
    if half_width < 21 || half_height < 21 {
        return None;
    }
    let (w, hw) = (width as usize, half_width as usize);
    let mut half = Vec::with_capacity(hw * half_height as usize);
    for rows in pixels.chunks_exact(2 * w).take(half_height as usize) {
        let (top, bottom) = rows.split_at(w);
        for (t, b) in top.chunks_exact(2).zip(bottom.chunks_exact(2)).take(hw) {
            let sum = u16::from(t[0]) + u16::from(t[1]) + u16::from(b[0]) + u16::from(b[1]);
            half.push(((sum + 2) / 4) as u8);
        }
    }
    Some((half_width, half_height, half))
}

/// The image with its darkest and brightest 0.1 % of pixels clipped and the
/// rest spread linearly over 0–255; `None` when it already spans most of
/// the range. The detector's binarizer takes a flat block for background
/// unless its darkest pixels are near black, so low-contrast symbols need this.
fn stretch_contrast(pixels: &[u8]) -> Option<Vec<u8>> {
    let mut histogram = [0usize; 256];
    for &p in pixels {
        histogram[usize::from(p)] += 1;
    }
    let clip = pixels.len() / 1000;
    let low = percentile(histogram.iter().enumerate(), clip)?;
    let high = percentile(histogram.iter().enumerate().rev(), clip)?;
    if high <= low || (low <= 32 && high >= 223) {
        return None;
    }
    let span = high - low;
    let table: [u8; 256] = core::array::from_fn(|v| ((v.clamp(low, high) - low) * 255 / span) as u8);
    Some(pixels.iter().map(|&p| table[usize::from(p)]).collect())
}

/// The first grey level, in the iterator's order, after `clip` pixels.
fn percentile<'h>(levels: impl Iterator<Item = (usize, &'h usize)>, clip: usize) -> Option<usize> {
    let mut seen = 0;
    for (level, &count) in levels {
        seen += count;
        if seen > clip {
            return Some(level);
        }
    }
    None
}

/// Texts top to bottom, then left to right, each once.
fn reading_order(mut symbols: Vec<Symbol>) -> Vec<String> {
    symbols.sort_by(|a, b| {
        a.centre
            .1
            .total_cmp(&b.centre.1)
            .then(a.centre.0.total_cmp(&b.centre.0))
    });
    let mut rows: Vec<Vec<Symbol>> = Vec::new();
    for symbol in symbols {
        match rows.last_mut() {
            Some(row) if symbol.centre.1 <= row[0].bottom => row.push(symbol),
            _ => rows.push(alloc::vec![symbol]),
        }
    }
    let mut texts: Vec<String> = Vec::new();
    for mut row in rows {
        row.sort_by(|a, b| a.centre.0.total_cmp(&b.centre.0));
        for symbol in row {
            if !texts.contains(&symbol.text) {
                texts.push(symbol.text);
            }
        }
    }
    texts
}
