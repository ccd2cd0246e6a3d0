//! PNG and JPEG files → 8-bit greyscale, with the size checked from the
//! file's header before any pixel is decoded.

use alloc::{vec, vec::Vec};
use std::io::Cursor;

use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use super::check_dimensions;
use crate::error::{Error, Result, ScanError};
use crate::limits::Limits;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_SIGNATURE: &[u8] = &[0xFF, 0xD8, 0xFF];

/// An 8-bit greyscale image, rows top to bottom.
pub(super) struct LumaImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Decodes a PNG or JPEG file to greyscale, recognised by its signature.
pub(super) fn decode(bytes: &[u8], limits: &Limits) -> Result<LumaImage> {
    if bytes.starts_with(PNG_SIGNATURE) {
        png_luma(bytes, limits)
    } else if bytes.starts_with(JPEG_SIGNATURE) {
        jpeg_luma(bytes, limits)
    } else {
        Err(ScanError::UnsupportedFormat.into())
    }
}

/// Maps any decoder error to `scan.invalid_image` for `format`.
fn invalid<E>(format: &'static str) -> impl Fn(E) -> Error {
    move |_| ScanError::InvalidImage { format }.into()
}

fn png_luma(bytes: &[u8], limits: &Limits) -> Result<LumaImage> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    // Palette and low bit depths to 8-bit samples, transparency to alpha,
    // 16-bit samples to 8.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let header = decoder.read_header_info().map_err(invalid("PNG"))?;
    check_dimensions(header.width, header.height, limits)?;
    let mut reader = decoder.read_info().map_err(invalid("PNG"))?;
    let size = reader
        .output_buffer_size()
        .ok_or(ScanError::InvalidImage { format: "PNG" })?;
    let mut buffer = vec![0; size];
    let frame = reader.next_frame(&mut buffer).map_err(invalid("PNG"))?;
    buffer.truncate(frame.buffer_size());
    let channels = frame.color_type.samples();
    let pixels = buffer.chunks_exact(channels).map(luma).collect();
    Ok(LumaImage {
        width: frame.width,
        height: frame.height,
        pixels,
    })
}

/// One pixel of 1 to 4 8-bit samples (grey, grey+alpha, RGB, RGBA) as
/// Rec. 601 luma, composited over white where it is transparent.
pub(super) fn luma(samples: &[u8]) -> u8 {
    let (grey, alpha) = match *samples {
        [g] => (u32::from(g), 255),
        [g, a] => (u32::from(g), u32::from(a)),
        [r, g, b] => (rec601(r, g, b), 255),
        [r, g, b, a, ..] => (rec601(r, g, b), u32::from(a)),
        [] => (255, 255),
    };
    ((grey * alpha + 255 * (255 - alpha) + 127) / 255) as u8
}

fn rec601(r: u8, g: u8, b: u8) -> u32 {
    (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) + 500) / 1000
}

fn jpeg_luma(bytes: &[u8], limits: &Limits) -> Result<LumaImage> {
    // The pixel limit decides, not the decoder's default 16384 per side.
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::Luma)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX));
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(invalid("JPEG"))?;
    let (width, height) = decoder.dimensions().ok_or(ScanError::InvalidImage { format: "JPEG" })?;
    // JPEG sides are 16-bit numbers.
    let side = |n: usize| u32::try_from(n).map_err(invalid("JPEG"));
    let (width, height) = (side(width)?, side(height)?);
    check_dimensions(width, height, limits)?;
    let mut pixels = vec![0; width as usize * height as usize];
    decoder.decode_into(&mut pixels).map_err(invalid("JPEG"))?;
    Ok(LumaImage { width, height, pixels })
}
