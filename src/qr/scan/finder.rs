//! The finder-pattern search with its work bounded: zxing-cpp's
//! `FindFinderPatterns` (as ported by rxing), which scans every third row for
//! runs in the ratio 1:1:3:1:1 and locates a concentric pattern around each,
//! written again here with two caps, so that no image can make the search
//! cost more than a fixed amount of work.
//!
//! The upstream search compares every candidate with every pattern already
//! found and has no cap: a picture that is a wall of finder patterns (1-pixel
//! modules, 1-pixel gaps) yields one pattern per 64 pixels, 262 144 in a
//! 4096 × 4096 image, and the comparisons alone took minutes. A real frame
//! holds three patterns per symbol.

use alloc::vec::Vec;

use rxing::Point;
use rxing::common::BitMatrix;
use rxing::common::cpp_essentials::{
    ConcentricPattern, FindLeftGuardBy, FixedPattern, GetPatternRowTP, IsPattern, LocateConcentricPattern, PatternRow,
    PatternView,
};

/// Most finder patterns kept per pass: a frame of dozens of symbols has a
/// few hundred; a hostile wall stops here.
pub(super) const MAX_PATTERNS: usize = 256;

/// Most concentric-pattern locations tried per pass (each follows the
/// pattern's edges, the costly step of the search). Runs inside a pattern
/// already found are not tried; noise that looks like 1:1:3:1:1 in a row
/// and fails the check in two dimensions counts here.
pub(super) const MAX_LOCATE_ATTEMPTS: usize = 8192;

const PATTERN: FixedPattern<5, 7, false> = FixedPattern::new([1, 1, 3, 1, 1]);

/// What one search found, and how much work it did.
#[derive(Debug, Default)]
pub(super) struct Search {
    /// The finder patterns, in the order found.
    pub patterns: Vec<ConcentricPattern>,
    /// Concentric-pattern locations tried.
    pub attempts: usize,
}

impl Search {
    /// Whether a cap ended the search early.
    pub fn capped(&self) -> bool {
        self.patterns.len() >= MAX_PATTERNS || self.attempts >= MAX_LOCATE_ATTEMPTS
    }
}

/// A row run that may be the 1:1:3:1:1 cross-section of a finder pattern.
fn find_pattern(view: PatternView<'_>) -> Option<PatternView<'_>> {
    FindLeftGuardBy::<5, _>(view, 5, |view: &PatternView, space: Option<f32>| {
        // The fast plausibility test of zxing-cpp before the ratio check.
        let bar = |i: usize| -> u16 { view[i] };
        if bar(2) < 3 || bar(2) < bar(0).max(bar(4)).saturating_mul(2) || bar(2) < bar(1).max(bar(3)) {
            return false;
        }
        IsPattern::<true, 5, 7, false>(view, &PATTERN, space, 0.1, 0.0, 0.0) != 0.0
    })
    .ok()
}

/// Every finder pattern of a binarized image, scanning every third row (as
/// zxing-cpp does when trying harder), within [`MAX_PATTERNS`] and
/// [`MAX_LOCATE_ATTEMPTS`].
pub(super) fn find_finder_patterns(image: &BitMatrix) -> Search {
    const SKIP: u32 = 3;
    let mut search = Search::default();
    let mut row = PatternRow::default();
    let mut y = SKIP - 1;
    while y < image.height() && !search.capped() {
        GetPatternRowTP(image, y, &mut row, false);
        let mut next = PatternView::new(&row);
        while let Some(found) = find_pattern(next) {
            next = found;
            if !next.isValid() || search.capped() {
                break;
            }
            let centre = Point {
                x: f32::from(next.pixelsInFront()) + f32::from(next[0]) + f32::from(next[1]) + f32::from(next[2]) / 2.0,
                y: y as f32 + 0.5,
            };
            // Not inside a pattern already found: at most MAX_PATTERNS to compare with.
            let inside = search
                .patterns
                .iter()
                .any(|old| Point::distance(centre, old.p) < old.size as f32 / 2.0);
            if !inside {
                search.attempts += 1;
                let range = i32::from(next.iter().sum::<u16>()) * 3; // 3 for very skewed samples
                if let Some(pattern) = LocateConcentricPattern::<true, 5, 7>(image, &PATTERN.into(), centre, range) {
                    search.patterns.push(pattern);
                }
            }
            next.skipPair();
            next.skipPair();
            next.extend();
        }
        y += SKIP;
    }
    search
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::HybridBinarizer;
    use rxing::{Binarizer, Luma8Source};

    /// A `width`×`height` wall of finder patterns: `module` pixels per
    /// module, `gap` white pixels between patterns.
    pub(crate) fn wall(width: usize, height: usize, module: usize, gap: usize) -> Vec<u8> {
        let pitch = 7 * module + gap;
        let mut pixels = alloc::vec![255u8; width * height];
        for (i, p) in pixels.iter_mut().enumerate() {
            let (x, y) = (i % width % pitch, i / width % pitch);
            if x < 7 * module && y < 7 * module {
                let (mx, my) = (x / module, y / module);
                let ring = mx.min(my).min(6 - mx).min(6 - my);
                if ring != 1 {
                    *p = 0;
                }
            }
        }
        pixels
    }

    fn search(width: usize, height: usize, pixels: Vec<u8>) -> Search {
        let source = Luma8Source::new_with_slice(&pixels, width as u32, height as u32).expect("a source");
        let matrix = HybridBinarizer::new(source)
            .get_black_matrix()
            .expect("binarizes")
            .clone();
        find_finder_patterns(&matrix)
    }

    #[test]
    fn walls_of_finder_patterns_stop_at_the_caps() {
        let sizes = [(1920, 1080), (4096, 4096)];
        for (width, height) in sizes {
            for module in 1..=3 {
                for gap in [0, 1, module] {
                    let found = search(width, height, wall(width, height, module, gap));
                    let what = alloc::format!("{width}×{height}, {module} px modules, gap {gap}");
                    assert!(found.patterns.len() <= MAX_PATTERNS, "{what}");
                    assert!(found.attempts <= MAX_LOCATE_ATTEMPTS, "{what}");
                    // Touching patterns (no gap) are no finder patterns at
                    // all; with a gap, every one is, and the cap ends it.
                    assert_eq!(found.capped(), gap > 0, "{what}: {} found", found.patterns.len());
                }
            }
        }
    }

    /// Vertical stripes in the ratio 1:1:3:1:1: every row is full of
    /// candidates, and none is a pattern in two dimensions.
    fn stripes(width: usize, height: usize, module: usize) -> Vec<u8> {
        const BARS: [u8; 8] = [0, 255, 0, 0, 0, 255, 0, 255];
        (0..width * height).map(|i| BARS[i % width / module % 8]).collect()
    }

    #[test]
    fn stripes_that_look_like_patterns_in_every_row_stop_at_the_attempt_cap() {
        for (width, height) in [(1920, 1080), (4096, 4096)] {
            for module in 1..=3 {
                let found = search(width, height, stripes(width, height, module));
                assert!(found.patterns.is_empty(), "{width}×{height}, {module} px");
                assert_eq!(found.attempts, MAX_LOCATE_ATTEMPTS, "{width}×{height}, {module} px");
            }
        }
    }

    #[test]
    fn a_lone_pattern_is_found_without_reaching_a_cap() {
        let (width, height) = (200, 200);
        let mut pixels = alloc::vec![255u8; width * height];
        let one = wall(28, 28, 4, 0);
        for y in 0..28 {
            pixels[(80 + y) * width + 80..(80 + y) * width + 108].copy_from_slice(&one[y * 28..y * 28 + 28]);
        }
        let found = search(width, height, pixels);
        assert_eq!(found.patterns.len(), 1);
        assert!(!found.capped());
        let centre = found.patterns[0].p;
        assert!(
            (centre.x - 94.0).abs() < 1.5 && (centre.y - 94.0).abs() < 1.5,
            "{centre:?}"
        );
    }
}
