//! Code text → QR symbol → PNG, SVG or terminal text.
//!
//! The code text is always encoded in the QR alphanumeric mode: Base45 was
//! designed around that 45-character set, and byte mode would need about a
//! third more modules. A text outside the set is refused rather than
//! silently encoded in byte mode.

use alloc::{format, string::String, vec::Vec};
use core::fmt::Write as _;

use super::encode;
use crate::error::{RenderError, Result};

/// QR error-correction level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EccLevel {
    /// About 7% of the symbol can be restored.
    L,
    /// About 15%: the default, for screens.
    #[default]
    M,
    /// About 25%: recommended for print, which scuffs and folds.
    Q,
    /// About 30%.
    H,
}

impl EccLevel {
    /// Every level, from least to most redundancy.
    pub const ALL: [EccLevel; 4] = [EccLevel::L, EccLevel::M, EccLevel::Q, EccLevel::H];

    /// Parses `L`, `M`, `Q` or `H` (either case).
    pub fn parse(s: &str) -> Option<EccLevel> {
        match s {
            "L" | "l" => Some(EccLevel::L),
            "M" | "m" => Some(EccLevel::M),
            "Q" | "q" => Some(EccLevel::Q),
            "H" | "h" => Some(EccLevel::H),
            _ => None,
        }
    }
}

/// How to draw a symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Error-correction level. Default M.
    pub ecc: EccLevel,
    /// Pixels per module edge in PNG (1 to 64) and user units in SVG. Default 4.
    pub module_px: u32,
    /// Light modules around the symbol (0 to 16). Default 4, what the QR
    /// standard requires for reliable scanning.
    pub quiet_zone: u32,
}

impl RenderOptions {
    /// The defaults: ECC level M, 4 px modules, a 4-module quiet zone.
    pub const DEFAULT: RenderOptions = RenderOptions {
        ecc: EccLevel::M,
        module_px: 4,
        quiet_zone: 4,
    };

    /// Replaces the ECC level.
    pub fn with_ecc(mut self, ecc: EccLevel) -> Self {
        self.ecc = ecc;
        self
    }

    /// Replaces the module size.
    pub fn with_module_px(mut self, px: u32) -> Self {
        self.module_px = px;
        self
    }

    /// Replaces the quiet zone.
    pub fn with_quiet_zone(mut self, modules: u32) -> Self {
        self.quiet_zone = modules;
        self
    }

    fn check(&self) -> Result<()> {
        if (1..=64).contains(&self.module_px) && self.quiet_zone <= 16 {
            Ok(())
        } else {
            Err(RenderError::InvalidOptions.into())
        }
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions::DEFAULT
    }
}

/// Whether `c` is in the QR alphanumeric set (which equals the Base45 alphabet).
fn is_alphanumeric(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'A'..=b'Z' | b' ' | b'$' | b'%' | b'*' | b'+' | b'-' | b'.' | b'/' | b':')
}

/// An encoded QR symbol: a square of dark and light modules.
#[derive(Clone, PartialEq, Eq)]
pub struct QrCode {
    size: usize,
    ecc: EccLevel,
    dark: Vec<bool>,
}

impl QrCode {
    /// Encodes `text` in alphanumeric mode at the smallest version that fits.
    pub fn encode(text: &str, ecc: EccLevel) -> Result<QrCode> {
        if let Some(position) = text.bytes().position(|c| !is_alphanumeric(c)) {
            return Err(RenderError::NotAlphanumeric { position }.into());
        }
        let symbol = encode::encode(text.as_bytes(), ecc).ok_or(RenderError::TooLong { length: text.len() })?;
        Ok(QrCode {
            size: symbol.size,
            ecc,
            dark: symbol.dark,
        })
    }

    /// Modules per side (21 for version 1, +4 per version).
    pub fn size(&self) -> usize {
        self.size
    }

    /// The QR version, 1 to 40.
    pub fn version(&self) -> u8 {
        u8::try_from((self.size - 17) / 4).unwrap_or(u8::MAX)
    }

    /// The error-correction level.
    pub fn ecc(&self) -> EccLevel {
        self.ecc
    }

    /// Whether the module at column `x`, row `y` is dark (false outside the symbol).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.dark[y * self.size + x]
    }

    /// Whether the module at (`x`, `y`) of the symbol with a `quiet`-module
    /// margin is dark.
    fn is_dark_with_margin(&self, x: usize, y: usize, quiet: usize) -> bool {
        x >= quiet && y >= quiet && self.is_dark(x - quiet, y - quiet)
    }

    /// An 8-bit greyscale image (0 dark, 255 light), row-major, with its width
    /// (the image is square).
    pub fn to_luma(&self, options: &RenderOptions) -> Result<(u32, Vec<u8>)> {
        options.check()?;
        let (px, quiet) = (options.module_px as usize, options.quiet_zone as usize);
        let modules = self.size + 2 * quiet;
        let width = modules * px;
        let mut pixels = Vec::with_capacity(width * width);
        for my in 0..modules {
            let start = pixels.len();
            for mx in 0..modules {
                let value = if self.is_dark_with_margin(mx, my, quiet) {
                    0
                } else {
                    255
                };
                pixels.extend(core::iter::repeat_n(value, px));
            }
            for _ in 1..px {
                pixels.extend_from_within(start..start + width);
            }
        }
        Ok((dimension(width)?, pixels))
    }

    /// A 1-bit greyscale PNG.
    pub fn to_png(&self, options: &RenderOptions) -> Result<Vec<u8>> {
        options.check()?;
        let (px, quiet) = (options.module_px as usize, options.quiet_zone as usize);
        let modules = self.size + 2 * quiet;
        let width = modules * px;
        let row_bytes = width.div_ceil(8);
        let mut raw = alloc::vec![0xFFu8; row_bytes * width];
        for my in 0..modules {
            let row = &mut raw[my * px * row_bytes..(my * px + 1) * row_bytes];
            for mx in (0..modules).filter(|&mx| self.is_dark_with_margin(mx, my, quiet)) {
                for col in mx * px..(mx + 1) * px {
                    row[col / 8] &= !(0x80 >> (col % 8));
                }
            }
            for copy in 1..px {
                raw.copy_within(
                    my * px * row_bytes..(my * px + 1) * row_bytes,
                    (my * px + copy) * row_bytes,
                );
            }
        }
        write_png(dimension(width)?, &raw)
    }

    /// An SVG document: one path of dark runs on a white square, sized
    /// `module_px` user units per module.
    pub fn to_svg(&self, options: &RenderOptions) -> Result<String> {
        options.check()?;
        let quiet = options.quiet_zone as usize;
        let modules = self.size + 2 * quiet;
        let side = modules * options.module_px as usize;
        let mut path = String::with_capacity(self.size * self.size * 2);
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while self.is_dark(x, y) {
                    x += 1;
                }
                let _ = write!(path, "M{} {}h{}v1h-{}z", start + quiet, y + quiet, x - start, x - start);
            }
        }
        Ok(format!(
            concat!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\" height=\"{side}\" ",
                "viewBox=\"0 0 {m} {m}\" shape-rendering=\"crispEdges\">",
                "<rect width=\"{m}\" height=\"{m}\" fill=\"#fff\"/>",
                "<path fill=\"#000\" d=\"{path}\"/></svg>\n"
            ),
            side = side,
            m = modules,
            path = path
        ))
    }

    /// Text for a terminal: two module rows per line with Unicode half
    /// blocks, light modules drawn in white foreground on a black
    /// background (ANSI colours), so it scans off any terminal theme.
    pub fn to_terminal(&self, quiet_zone: u32) -> String {
        let quiet = quiet_zone.min(16) as usize;
        let modules = self.size + 2 * quiet;
        let mut out = String::with_capacity((modules + 12) * modules.div_ceil(2) * 3);
        for y in (0..modules).step_by(2) {
            out.push_str("\x1b[97;40m");
            for x in 0..modules {
                let top = self.is_dark_with_margin(x, y, quiet);
                // Past the last row (odd module counts) is light.
                let bottom = y + 1 < modules && self.is_dark_with_margin(x, y + 1, quiet);
                out.push(match (top, bottom) {
                    (false, false) => '█',
                    (false, true) => '▀',
                    (true, false) => '▄',
                    (true, true) => ' ',
                });
            }
            out.push_str("\x1b[0m\n");
        }
        out
    }
}

impl core::fmt::Debug for QrCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("QrCode")
            .field("version", &self.version())
            .field("ecc", &self.ecc)
            .finish_non_exhaustive()
    }
}

fn dimension(pixels: usize) -> Result<u32> {
    u32::try_from(pixels).map_err(|_| RenderError::InvalidOptions.into())
}

fn write_png(width: u32, raw: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(raw.len() / 4 + 128);
    let mut encoder = png::Encoder::new(&mut out, width, width);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|_| RenderError::Png)?;
    writer.write_image_data(raw).map_err(|_| RenderError::Png)?;
    writer.finish().map_err(|_| RenderError::Png)?;
    Ok(out)
}

/// Encodes `text` and draws it as a PNG.
pub fn render_png(text: &str, options: &RenderOptions) -> Result<Vec<u8>> {
    QrCode::encode(text, options.ecc)?.to_png(options)
}

/// Encodes `text` and draws it as an SVG document.
pub fn render_svg(text: &str, options: &RenderOptions) -> Result<String> {
    QrCode::encode(text, options.ecc)?.to_svg(options)
}

/// Encodes `text` and draws it for a terminal.
pub fn render_terminal(text: &str, options: &RenderOptions) -> Result<String> {
    Ok(QrCode::encode(text, options.ecc)?.to_terminal(options.quiet_zone))
}

#[cfg(test)]
mod tests;
