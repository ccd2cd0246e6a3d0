//! Scanning: greyscale pixels or an image file → every QR code text in it.
//!
//! The detector is zxing-cpp's QR reader as ported by the `rxing` crate,
//! with our own binarizer and finder search and the work per pass bounded.
//! A scan makes up to six passes and stops at the first that finds a
//! symbol: the image as it is; stretched to the full grey range if its
//! contrast is low; where pattern triples did not decode, those regions
//! sharpened, then at twice their size (blur, small modules, steep
//! angles); at half size, which averages noise away; inverted at half size
//! (light modules on a dark ground, as some phone screens show them).

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
    check_buffer(width, height, 1, pixels.len(), limits)?;
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
    check_buffer(width, height, 4, rgba.len(), limits)?;
    let luma: Vec<u8> = rgba.chunks_exact(4).map(file::luma).collect();
    let symbols = passes(width, height, &luma)?;
    Ok(reading_order(symbols))
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

/// Refuses a buffer of `length` bytes that is not `width × height` pixels
/// of `channels` bytes (`scan.buffer_size`), then what [`check_dimensions`]
/// refuses.
fn check_buffer(width: u32, height: u32, channels: u8, length: usize, limits: &Limits) -> Result<()> {
    if u64::from(width) * u64::from(height) * u64::from(channels) != length as u64 {
        return Err(ScanError::BufferSize {
            width,
            height,
            channels,
            length,
        }
        .into());
    }
    check_dimensions(width, height, limits)
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
/// symbols of the first pass that finds any:
///
/// 1. the image as it is;
/// 2. stretched to the full grey range, if its contrast is low and its
///    noise did not set the binarizer's flat limit;
/// 3. where those passes found pattern triples that did not decode
///    ([`detect::Pass::regions`]): those regions sharpened (unsharp
///    masking), then those regions at twice their size (at most
///    [`DOUBLE_AT_MOST`] pixels of them): blur, modules of 2 px and less,
///    the narrow far edge of a symbol seen at a steep angle;
/// 4. at half size (each pixel the mean of four, which halves the noise);
/// 5. inverted at half size.
///
/// A frame without a code costs two to four full-size passes, and the
/// regions (with no triple in the frame, none).
fn passes(width: u32, height: u32, pixels: &[u8]) -> Result<Vec<Symbol>, ScanError> {
    let first = detect::find_symbols(width, height, pixels, 1.0, (0.0, 0.0))?;
    if !first.symbols.is_empty() {
        return Ok(first.symbols);
    }
    let mut regions = first.regions;
    // A noisy image stretched is binarized as it was (its noise, and so
    // its flat limit, stretched too): that pass would find nothing new.
    let stretched = if first.noisy { None } else { stretch_contrast(pixels) };
    let pixels = stretched.as_deref().unwrap_or(pixels);
    if stretched.is_some() {
        let pass = detect::find_symbols(width, height, pixels, 1.0, (0.0, 0.0))?;
        if !pass.symbols.is_empty() {
            return Ok(pass.symbols);
        }
        regions.extend(pass.regions);
    }
    // A region narrower than the smallest symbol (21 modules) holds none.
    let regions: Vec<detect::Region> = detect::Region::merged(regions)
        .into_iter()
        .filter(|r| r.size().0 >= 21 && r.size().1 >= 21)
        .collect();
    // Each region copied out once, for both passes (merged regions do not
    // overlap: at most the image's pixels in all).
    let parts: Vec<(detect::Region, Vec<u8>)> = regions
        .into_iter()
        .map(|region| (region, crop(width, pixels, &region)))
        .collect();
    let mut symbols = Vec::new();
    for (region, part) in &parts {
        let (w, h) = region.size();
        let origin = (region.left as f32, region.top as f32);
        symbols.extend(detect::find_symbols(w, h, &sharpen(w, h, part), 1.0, origin)?.symbols);
    }
    if !symbols.is_empty() {
        return Ok(symbols);
    }
    let mut doubled = 0;
    for (region, part) in &parts {
        let (w, h) = region.size();
        doubled += u64::from(w) * u64::from(h);
        if doubled > DOUBLE_AT_MOST {
            break;
        }
        let (w, h, part) = double_size(w, h, part);
        let origin = (region.left as f32, region.top as f32);
        symbols.extend(detect::find_symbols(w, h, &part, 0.5, origin)?.symbols);
    }
    if !symbols.is_empty() {
        return Ok(symbols);
    }
    let Some((half_width, half_height, half)) = half_size(width, height, pixels) else {
        let inverted: Vec<u8> = pixels.iter().map(|p| !p).collect();
        return Ok(detect::find_symbols(width, height, &inverted, 1.0, (0.0, 0.0))?.symbols);
    };
    let pass = detect::find_symbols(half_width, half_height, &half, 2.0, (0.0, 0.0))?;
    if !pass.symbols.is_empty() {
        return Ok(pass.symbols);
    }
    let inverted: Vec<u8> = half.iter().map(|p| !p).collect();
    Ok(detect::find_symbols(half_width, half_height, &inverted, 2.0, (0.0, 0.0))?.symbols)
}

/// The most pixels of regions the doubled pass takes, all regions together:
/// 2 MiP (a 1920×1080 frame is just under), so that the doubled copies
/// stay at most 8 MiB.
const DOUBLE_AT_MOST: u64 = 1 << 21;

/// A region of an image `width` pixels wide, copied out: its pixels, rows
/// as wide as the region.
fn crop(width: u32, pixels: &[u8], region: &detect::Region) -> Vec<u8> {
    let (w, h) = region.size();
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for row in pixels
        .chunks_exact(width as usize)
        .skip(region.top as usize)
        .take(h as usize)
    {
        out.extend_from_slice(&row[region.left as usize..region.right as usize]);
    }
    out
}

/// The image unsharp-masked: each pixel pushed away from the mean of the
/// 5×5 pixels around it by four times its difference (`5 p − 4 mean`,
/// clamped), the edge rows and columns repeated outwards. Restores enough
/// contrast to modules blurred by σ up to about 2.5 px (4 px modules).
fn sharpen(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    let clamp = |i: isize, n: usize| i.clamp(0, n as isize - 1) as usize;
    // Sums of five along each row, then of five such sums down each column.
    let mut across = alloc::vec![0u16; w * h];
    for (row, sums) in pixels.chunks_exact(w).zip(across.chunks_exact_mut(w)) {
        for (x, sum) in sums.iter_mut().enumerate() {
            *sum = (-2..=2).map(|d| u16::from(row[clamp(x as isize + d, w)])).sum();
        }
    }
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let rows: [&[u16]; 5] = core::array::from_fn(|k| {
            let r = clamp(y as isize + k as isize - 2, h);
            &across[r * w..(r + 1) * w]
        });
        for x in 0..w {
            let box_sum: i32 = rows.iter().map(|row| i32::from(row[x])).sum();
            let p = i32::from(pixels[y * w + x]);
            // 5 p − 4 (box_sum / 25), rounded.
            let value = (125 * p - 4 * box_sum + 12).div_euclid(25);
            out.push(value.clamp(0, 255) as u8);
        }
    }
    out
}

/// The image at twice its width and height, bilinear (pixel centres kept):
/// each new pixel three quarters its source pixel and a quarter the
/// neighbour on its side, across and then down.
fn double_size(width: u32, height: u32, pixels: &[u8]) -> (u32, u32, Vec<u8>) {
    let (w, h) = (width as usize, height as usize);
    let blend = |near: u8, far: u8| ((3 * u16::from(near) + u16::from(far) + 2) / 4) as u8;
    let mut wide = Vec::with_capacity(2 * w * h);
    for row in pixels.chunks_exact(w) {
        for x in 0..w {
            wide.push(blend(row[x], row[x.saturating_sub(1)]));
            wide.push(blend(row[x], row[(x + 1).min(w - 1)]));
        }
    }
    let mut out = Vec::with_capacity(4 * w * h);
    for y in 0..h {
        let row = |r: usize| &wide[r * 2 * w..(r + 1) * 2 * w];
        let (above, here, below) = (row(y.saturating_sub(1)), row(y), row((y + 1).min(h - 1)));
        out.extend(here.iter().zip(above).map(|(&p, &q)| blend(p, q)));
        out.extend(here.iter().zip(below).map(|(&p, &q)| blend(p, q)));
    }
    (2 * width, 2 * height, out)
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

/// A xorshift64 generator (never zero: the seed's lowest bit is set), for
/// the scanner's unit tests.
#[cfg(test)]
fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed | 1;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubling_keeps_pixel_centres() {
        // 0 and 200 side by side: the new pixels between them blend a quarter.
        let (w, h, out) = double_size(2, 1, &[0, 200]);
        assert_eq!((w, h), (4, 2));
        assert_eq!(out, [0, 50, 150, 200, 0, 50, 150, 200]);
        let (_, _, flat) = double_size(3, 3, &[77; 9]);
        assert_eq!(flat, [77; 36]);
    }

    #[test]
    fn sharpening_leaves_flat_areas_and_steepens_edges() {
        assert_eq!(sharpen(7, 6, &[90; 42]), [90; 42]);
        // A soft vertical edge from 80 to 160 over four columns.
        let row = [80u8, 80, 80, 100, 120, 140, 160, 160, 160, 160];
        let pixels: Vec<u8> = row.iter().copied().cycle().take(10 * 6).collect();
        let sharp = sharpen(10, 6, &pixels);
        let (before, after) = (&pixels[20..30], &sharp[20..30]);
        // Darker before the edge, lighter after it, the middle kept.
        assert!(after[2] < before[2] && after[6] > before[6], "{after:?}");
        assert_eq!(after[4], before[4]);
        assert_eq!((after[0], after[9]), (80, 160));
    }
}
