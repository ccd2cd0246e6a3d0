//! Finding and decoding QR symbols in one greyscale image: zxing-cpp's QR
//! reader (finder-pattern search, sampling, decoding) as ported by rxing,
//! driven here so that the work per image is bounded.

use alloc::{string::String, vec::Vec};
use std::panic::{self, AssertUnwindSafe};

use rxing::Point;
use rxing::common::cpp_essentials::ConcentricPattern;
use rxing::common::{BitMatrix, DetectorRXingResult};
use rxing::qrcode::cpp_port::decoder;
use rxing::qrcode::cpp_port::detector::{self, FinderPatternSet};

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

/// Most regions a pass reports ([`Pass::regions`]).
const MAX_REGIONS: usize = 4;

/// A rectangle of an image, in its pixels: columns `left..right`, rows
/// `top..bottom`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Region {
    pub left: u32,
    pub top: u32,
    pub right: u32,
    pub bottom: u32,
}

impl Region {
    /// Its width and height.
    pub fn size(&self) -> (u32, u32) {
        (self.right - self.left, self.bottom - self.top)
    }

    fn overlaps(&self, other: &Region) -> bool {
        self.left < other.right && other.left < self.right && self.top < other.bottom && other.top < self.bottom
    }

    fn union(&self, other: &Region) -> Region {
        Region {
            left: self.left.min(other.left),
            top: self.top.min(other.top),
            right: self.right.max(other.right),
            bottom: self.bottom.max(other.bottom),
        }
    }

    /// The regions, overlapping ones merged until none overlap.
    pub fn merged(mut regions: Vec<Region>) -> Vec<Region> {
        let mut merged: Vec<Region> = Vec::with_capacity(regions.len());
        while let Some(mut region) = regions.pop() {
            while let Some(at) = merged.iter().position(|m| m.overlaps(&region)) {
                region = region.union(&merged.swap_remove(at));
            }
            merged.push(region);
        }
        merged
    }
}

/// What one pass over an image found.
#[derive(Debug, Default)]
pub(super) struct Pass {
    /// The symbols decoded.
    pub symbols: Vec<Symbol>,
    /// Where pattern triples framed a symbol that did not decode (the most
    /// plausible [`MAX_REGIONS`] triples whose symbol was sampled): each
    /// triple's quadrilateral, its fourth corner completing the
    /// parallelogram, widened by the largest pattern's size and a quarter of
    /// its extent; with one to three patterns located and no such triple,
    /// the region around them. None when the finder search ran into a cap.
    pub regions: Vec<Region>,
    /// Whether the image's noise set the binarizer's flat limit
    /// ([`Binary::noise_sets_flat_limit`]).
    pub noisy: bool,
}

/// Every QR symbol in a `width`×`height` greyscale image, in no particular
/// order, with positions multiplied by `scale` and moved by `origin` (for a
/// resized copy of the image, or a part of it). The caller has checked
/// `pixels.len() == width * height`.
pub(super) fn find_symbols(
    width: u32,
    height: u32,
    pixels: &[u8],
    scale: f32,
    origin: (f32, f32),
) -> Result<Pass, ScanError> {
    // The decoder is a large port of C++ and Java code; a panic on some
    // pixel pattern must not take the scanner app down with it.
    let mut pass = panic::catch_unwind(AssertUnwindSafe(|| one_pass(width, height, pixels)))
        .map_err(|_| ScanError::DecoderFailed)?;
    for symbol in &mut pass.symbols {
        symbol.centre = (origin.0 + symbol.centre.0 * scale, origin.1 + symbol.centre.1 * scale);
        symbol.bottom = origin.1 + symbol.bottom * scale;
    }
    Ok(pass)
}

fn one_pass(width: u32, height: u32, pixels: &[u8]) -> Pass {
    match super::binarize::binarize(
        width as usize,
        height as usize,
        pixels,
        super::binarize::Flat::FromNoise,
    ) {
        Some(binary) => decode_all(&binary),
        None => Pass::default(),
    }
}

/// zxing-cpp's `QRCode::Reader::decode` for QR Model 2, with the finder
/// search bounded ([`super::finder`]) and a cap on the finder-pattern
/// triples tried. A pattern that is part of a decoded symbol
/// is not tried again.
fn decode_all(binary: &Binary) -> Pass {
    let matrix = &binary.matrix;
    let search = super::finder::find_finder_patterns(binary);
    // A search that ran into a cap is a frame of hostile texture, not a
    // symbol to look at more closely: it reports no regions.
    let capped = search.capped();
    let mut patterns = search.patterns;
    // Sorts the patterns, largest first.
    let sets = detector::GenerateFinderPatternSets(&mut patterns);
    let mut used = Vec::new();
    let mut found = Vec::new();
    let mut failed = Vec::new();
    let mut tried = 0;
    for set in &sets {
        if tried == MAX_PATTERN_SETS {
            break;
        }
        tried += 1;
        if try_set(matrix, set, &mut used, &mut found) == Some(false) && failed.len() < MAX_REGIONS {
            failed.push(*set);
        }
    }
    if found.is_empty() && tried < MAX_PATTERN_SETS {
        for set in steep_sets(&patterns, &sets) {
            if tried == MAX_PATTERN_SETS {
                break;
            }
            tried += 1;
            if try_set(matrix, &set, &mut used, &mut found) == Some(false) && failed.len() < MAX_REGIONS {
                failed.push(set);
            }
        }
    }
    let (width, height) = (matrix.width(), matrix.height());
    let mut regions: Vec<Region> = failed.iter().map(|set| framed(set, width, height)).collect();
    if found.is_empty() && regions.is_empty() && (1..=3).contains(&patterns.len()) {
        // A symbol too blurred for all three patterns to be found, or to
        // frame one: the region around the patterns that were.
        regions.extend(around(&patterns, width, height));
    }
    if capped {
        regions.clear();
    }
    Pass {
        symbols: found,
        regions: Region::merged(regions),
        noisy: binary.noise_sets_flat_limit(),
    }
}

/// The region around a few located patterns in which their symbol lies:
/// their centres' bounding box widened by its own extent, or by eight
/// pattern sizes (56 modules, a version 10 symbol) if that is more.
fn around(patterns: &[ConcentricPattern], width: u32, height: u32) -> Option<Region> {
    let size = patterns.iter().map(|p| p.size).max()? as f32;
    let low = |f: fn(&ConcentricPattern) -> f32| patterns.iter().map(f).fold(f32::INFINITY, f32::min);
    let high = |f: fn(&ConcentricPattern) -> f32| patterns.iter().map(f).fold(f32::NEG_INFINITY, f32::max);
    let (x0, x1, y0, y1) = (low(|p| p.p.x), high(|p| p.p.x), low(|p| p.p.y), high(|p| p.p.y));
    let margin = (x1 - x0).max(y1 - y0).max(8.0 * size);
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    Some(Region {
        left: clamp(x0 - margin, width),
        top: clamp(y0 - margin, height),
        right: clamp(x1 + margin + 1.0, width),
        bottom: clamp(y1 + margin + 1.0, height),
    })
}

/// The region a pattern triple frames ([`Pass::regions`]), within the image.
fn framed(set: &FinderPatternSet, width: u32, height: u32) -> Region {
    let corners = [set.bl.p, set.tl.p, set.tr.p, set.tr.p + set.bl.p - set.tl.p];
    let low = |f: fn(&Point) -> f32| corners.iter().map(f).fold(f32::INFINITY, f32::min);
    let high = |f: fn(&Point) -> f32| corners.iter().map(f).fold(f32::NEG_INFINITY, f32::max);
    let (x0, x1, y0, y1) = (low(|p| p.x), high(|p| p.x), low(|p| p.y), high(|p| p.y));
    let pattern = [set.bl.size, set.tl.size, set.tr.size].into_iter().max().unwrap_or(0) as f32;
    let (mx, my) = (pattern + (x1 - x0) / 4.0, pattern + (y1 - y0) / 4.0);
    // Float to integer casts saturate: NaN and negatives become 0.
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    Region {
        left: clamp(x0 - mx, width),
        top: clamp(y0 - my, height),
        right: clamp(x1 + mx + 1.0, width),
        bottom: clamp(y1 + my + 1.0, height),
    }
}

/// Samples and decodes the symbol one pattern triple frames, unless one of
/// its patterns belongs to a symbol already decoded.
/// `None` when skipped, else whether it decoded.
fn try_set(
    matrix: &BitMatrix,
    set: &FinderPatternSet,
    used: &mut Vec<ConcentricPattern>,
    found: &mut Vec<Symbol>,
) -> Option<bool> {
    if [set.bl, set.tl, set.tr].iter().any(|p| used.contains(p)) {
        return None;
    }
    let Ok(sampled) = detector::SampleQR(matrix, set) else {
        return None;
    };
    let Ok(decoded) = decoder::Decode(sampled.getBits()) else {
        return Some(false);
    };
    if !decoded.isValid() {
        return Some(false);
    }
    used.extend([set.bl, set.tl, set.tr]);
    found.push(Symbol::new(decoded.text(), sampled.getPoints()));
    Some(true)
}

/// The largest patterns considered for [`steep_sets`]: at most C(16, 3) =
/// 560 triples.
const STEEP_PATTERNS: usize = 16;

/// Pattern triples zxing-cpp's `GenerateFinderPatternSets` leaves out that
/// a symbol seen at a steep angle makes, tried when its sets decode nothing.
///
/// zxing-cpp scales each distance by the ratio of the two patterns' sizes,
/// taking a smaller pattern for a farther one, and then wants the two sides
/// at the corner within a factor of two. A symbol tilted away (its far edge
/// narrower) shrinks its far patterns in one direction only: the scaling
/// then stretches the long side, and the triple is refused (a top edge half
/// as wide as the bottom is enough). Here the sides are compared unscaled,
/// within a factor of three, with the same right-angle test (60° to 120° at
/// the corner) and the same orientation rule.
fn steep_sets(patterns: &[ConcentricPattern], tried: &[FinderPatternSet]) -> Vec<FinderPatternSet> {
    let patterns = &patterns[..patterns.len().min(STEEP_PATTERNS)];
    let same = |set: &FinderPatternSet, a: &ConcentricPattern, b: &ConcentricPattern, c: &ConcentricPattern| {
        let members = [set.bl, set.tl, set.tr];
        [a, b, c].iter().all(|p| members.contains(p))
    };
    let mut sets = Vec::new();
    for (i, first) in patterns.iter().enumerate() {
        for (j, second) in patterns.iter().enumerate().skip(i + 1) {
            for third in &patterns[j + 1..] {
                if tried.iter().any(|set| same(set, first, second, third)) {
                    continue;
                }
                sets.extend(corner_set(*first, *second, *third));
            }
        }
    }
    sets.sort_by(|a, b| a.0.total_cmp(&b.0));
    sets.into_iter().map(|(_, set)| set).collect()
}

/// The three patterns as bottom-left, top-left (the corner, opposite the
/// longest side) and top-right, with zxing-cpp's plausibility score (lower
/// first), if they can frame a symbol seen at a steep angle.
fn corner_set(a: ConcentricPattern, b: ConcentricPattern, c: ConcentricPattern) -> Option<(f64, FinderPatternSet)> {
    let squared = |p: ConcentricPattern, q: ConcentricPattern| f64::from(ConcentricPattern::dot(p - q, p - q));
    let (mut a, mut b, mut c) = (a, b, c);
    let (mut ab, mut bc, mut ac) = (squared(a, b), squared(b, c), squared(a, c));
    if bc >= ab && bc >= ac {
        core::mem::swap(&mut a, &mut b);
        core::mem::swap(&mut bc, &mut ac);
    } else if ab >= ac && ab >= bc {
        core::mem::swap(&mut b, &mut c);
        core::mem::swap(&mut ab, &mut ac);
    }
    if ab > 9.0 * bc || bc > 9.0 * ab {
        return None;
    }
    let (side_ab, side_bc) = (ab.sqrt(), bc.sqrt());
    let module = 2.0 * f64::from(a.size + b.size + c.size) / 21.0;
    let modules = (side_ab + side_bc) / module + 7.0;
    if !(21.0 * 0.9..=177.0 * 1.5).contains(&modules) {
        return None;
    }
    let cos = (ab + bc - ac) / (2.0 * side_ab * side_bc);
    if cos.is_nan() || !(-0.5..=0.5).contains(&cos) {
        return None;
    }
    if ConcentricPattern::cross(c - b, a - b) < 0.0 {
        core::mem::swap(&mut a, &mut c);
    }
    let score = side_ab + side_bc + (side_ab - side_bc).abs();
    Some((score, FinderPatternSet { bl: a, tl: b, tr: c }))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(x: f32, y: f32, size: i32) -> ConcentricPattern {
        ConcentricPattern {
            p: Point { x, y },
            size,
        }
    }

    /// The finder patterns of a symbol whose top edge is half as wide as
    /// its bottom (measured on the robustness set's tilted image).
    #[test]
    fn a_steep_triple_zxing_refuses_is_tried() {
        let (bl, tl, tr) = (
            pattern(81.0, 192.3, 29),
            pattern(102.8, 37.3, 15),
            pattern(197.2, 37.5, 15),
        );
        let mut patterns = alloc::vec![tr, bl, tl];
        assert!(detector::GenerateFinderPatternSets(&mut patterns).is_empty());
        let sets = steep_sets(&patterns, &[]);
        assert_eq!(sets.len(), 1);
        assert_eq!((sets[0].bl, sets[0].tl, sets[0].tr), (bl, tl, tr));
        // A line of three is no corner.
        let line = [
            pattern(10.0, 10.0, 14),
            pattern(60.0, 12.0, 14),
            pattern(110.0, 14.0, 14),
        ];
        assert!(steep_sets(&line, &[]).is_empty());
    }

    #[test]
    fn overlapping_regions_merge() {
        let r = |left, top, right, bottom| Region {
            left,
            top,
            right,
            bottom,
        };
        let merged = Region::merged(alloc::vec![
            r(0, 0, 10, 10),
            r(50, 50, 60, 60),
            r(5, 5, 20, 20),
            r(19, 0, 30, 6)
        ]);
        assert_eq!(merged.len(), 2, "{merged:?}");
        assert!(
            merged.contains(&r(0, 0, 30, 20)) && merged.contains(&r(50, 50, 60, 60)),
            "{merged:?}"
        );
        // The region a triple frames stays inside the image.
        let set = FinderPatternSet {
            bl: pattern(5.0, 95.0, 21),
            tl: pattern(5.0, 5.0, 21),
            tr: pattern(95.0, 5.0, 21),
        };
        assert_eq!(framed(&set, 100, 100), r(0, 0, 100, 100));
    }
}
