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
use rxing::common::cpp_essentials::{ConcentricPattern, FixedPattern, IsPattern, LocateConcentricPattern, PatternView};

use super::binarize::{Binary, WORD};

/// Most finder patterns kept per pass: a frame of dozens of symbols has a
/// few hundred; a hostile wall stops here.
pub(super) const MAX_PATTERNS: usize = 256;

/// Most concentric-pattern locations tried per pass (each follows the
/// pattern's rings, the costly step of the search): the row runs in the
/// ratio 1:1:3:1:1 whose column, row and diagonals pass the ratio check too.
/// Runs inside a pattern already found are not tried.
pub(super) const MAX_LOCATE_ATTEMPTS: usize = 8192;

/// Most row runs in the ratio 1:1:3:1:1 checked per pass along a column, a
/// row and two diagonals ([`cross_passes`], walks of at most 6, 6, 12 and 12
/// times the run's width). Camera noise makes hundreds of them in a frame
/// (704 in the 1280×720 frame of `benches/scan.rs`, whose code has 3
/// finder patterns), thousands when binarized with zxing's flat limit.
pub(super) const MAX_CANDIDATES: usize = 65_536;

const PATTERN: FixedPattern<5, 7, false> = FixedPattern::new([1, 1, 3, 1, 1]);

/// What one search found, and how much work it did.
#[derive(Debug, Default)]
pub(super) struct Search {
    /// The finder patterns, in the order found.
    pub patterns: Vec<ConcentricPattern>,
    /// Concentric-pattern locations tried.
    pub attempts: usize,
    /// Row runs whose column was checked.
    pub candidates: usize,
}

impl Search {
    /// Whether a cap ended the search early.
    pub fn capped(&self) -> bool {
        self.patterns.len() >= MAX_PATTERNS || self.attempts >= MAX_LOCATE_ATTEMPTS || self.candidates >= MAX_CANDIDATES
    }
}

/// Whether five runs (black first) may be the 1:1:3:1:1 cross-section of a
/// finder pattern, `space` pixels of white before them: zxing-cpp's fast
/// plausibility test, then its ratio check.
fn plausible(window: &[u16], space: f32) -> bool {
    let bar = |i: usize| window[i];
    if bar(2) < 3 || bar(2) < bar(0).max(bar(4)).saturating_mul(2) || bar(2) < bar(1).max(bar(3)) {
        return false;
    }
    IsPattern::<true, 5, 7, false>(&PatternView::from_slice(window), &PATTERN, Some(space), 0.1, 0.0, 0.0) != 0.0
}

/// The windows of one row's runs that may be finder patterns, left to
/// right, as zxing-cpp's `FindLeftGuardBy` loop finds them: five runs
/// starting at a black one, stepping a pair of runs at a time, and after a
/// window found, past its first four runs. `found` gets each window's start
/// and its centre's x (the middle of its third run), and returns whether to
/// go on.
fn row_windows(runs: &[u16], mut found: impl FnMut(&[u16], f32) -> bool) {
    let len = runs.len();
    let mut j = 1;
    // The pixels in front of run j.
    let mut front = runs.first().map_or(0, |&run| u32::from(run));
    while (j == 1 && len >= 6) || j + 5 < len {
        let window = &runs[j..j + 5];
        // The first bar of the row has no run in front to measure a quiet zone by.
        let space = if j == 1 { f32::MAX } else { f32::from(runs[j - 1]) };
        let [a, b, c, d, _] = window else {
            unreachable!("five runs")
        };
        if plausible(window, space) {
            let centre = (front + u32::from(*a) + u32::from(*b)) as f32 + f32::from(*c) / 2.0;
            if !found(window, centre) {
                return;
            }
            front += u32::from(*a) + u32::from(*b) + u32::from(*c) + u32::from(*d);
            j += 4;
        } else {
            front += u32::from(*a) + u32::from(*b);
            j += 2;
        }
    }
}

/// Every finder pattern of a binarized image, scanning every third row (as
/// zxing-cpp does when trying harder), within [`MAX_PATTERNS`],
/// [`MAX_CANDIDATES`] and [`MAX_LOCATE_ATTEMPTS`].
pub(super) fn find_finder_patterns(binary: &Binary) -> Search {
    const SKIP: usize = 3;
    let image = &binary.matrix;
    let mut search = Search::default();
    let mut runs = Vec::new();
    let mut y = SKIP - 1;
    while y < image.height() as usize && !search.capped() {
        pattern_row(binary.row(y), image.width() as usize, &mut runs);
        row_windows(&runs, |window, x| {
            if search.capped() {
                return false;
            }
            let centre = Point { x, y: y as f32 + 0.5 };
            // Not inside a pattern already found: at most MAX_PATTERNS to compare with.
            let inside = search
                .patterns
                .iter()
                .any(|old| Point::distance(centre, old.p) < old.size as f32 / 2.0);
            if !inside {
                let range = window.iter().map(|&run| i32::from(run)).sum::<i32>() * 3; // 3 for very skewed samples
                search.candidates += 1;
                if cross_passes(binary, x as usize, y, range) {
                    search.attempts += 1;
                    if let Some(pattern) = LocateConcentricPattern::<true, 5, 7>(image, &PATTERN.into(), centre, range)
                    {
                        search.patterns.push(pattern);
                    }
                }
            }
            true
        });
        y += SKIP;
    }
    search
}

/// The checks `LocateConcentricPattern` makes before its costly
/// fine-tuning, done here on the binarized words without its per-pixel
/// index arithmetic: along the column through (`x`, `y`), then the row
/// through the middle of the column's centre run, then both diagonals
/// through the middle of the row's, the pixels must show runs in the ratio
/// 1:1:3:1:1 within `range` pixels (twice that on the diagonals), the
/// widest of the four no more than five times the narrowest (zxing-cpp's
/// `CheckSymmetricPattern` both ways from the centre, each run counted from
/// where the last ended, the range shrinking by each). Where this fails,
/// `LocateConcentricPattern` returns nothing, so the search need not call
/// it; `tests` checks the two agree.
fn cross_passes(binary: &Binary, x: usize, y: usize, range: i32) -> bool {
    let (width, height) = (i64::from(binary.matrix.width()), i64::from(binary.matrix.height()));
    let black = |x: i64, y: i64| binary.row(y as usize)[x as usize / WORD] >> (x as usize % WORD) & 1 == 1;
    let (mut x, mut y, range) = (x as i64, y as i64, i64::from(range));
    let Some((shift, down)) = symmetric(|t| black(x, y + t), height - 1 - y, y, range) else {
        return false;
    };
    y += shift;
    let Some((shift, across)) = symmetric(|t| black(x + t, y), width - 1 - x, x, range) else {
        return false;
    };
    x += shift;
    let falling = (width - 1 - x).min(height - 1 - y);
    let Some((_, diagonal)) = symmetric(|t| black(x + t, y + t), falling, x.min(y), 2 * range) else {
        return false;
    };
    let rising = (width - 1 - x).min(y);
    let Some((_, antidiagonal)) = symmetric(|t| black(x + t, y - t), rising, x.min(height - 1 - y), 2 * range) else {
        return false;
    };
    let spreads = [down, across, diagonal, antidiagonal];
    let (least, most) = (spreads.iter().min(), spreads.iter().max());
    matches!((least, most), (Some(&least), Some(&most)) if most <= 5 * least)
}

/// zxing-cpp's `CheckSymmetricPattern` for 1:1:3:1:1 along one line
/// through a point, `black(t)` reading the pixel `t` steps from it, the
/// image's edge `ahead` steps forward and `behind` steps back. When the runs
/// pass: how far the middle of the centre run lies from the point (where its
/// cursor moves), and the runs' total width.
fn symmetric(black: impl Fn(i64) -> bool, ahead: i64, behind: i64, mut range: i64) -> Option<(i64, i64)> {
    let mut forward = EdgeCounter::new(1, ahead);
    let mut backward = EdgeCounter::new(-1, behind);
    let centre_ahead = forward.step(range, &black);
    if centre_ahead == 0 {
        return None;
    }
    let centre_behind = backward.step(range, &black);
    if centre_behind == 0 {
        return None;
    }
    let mut runs = [0u16; 5];
    runs[2] = (centre_ahead + centre_behind - 1) as u16;
    range -= centre_ahead + centre_behind - 1;
    for i in 1..=2 {
        let steps = forward.step(range, &black);
        if steps == 0 {
            return None;
        }
        runs[2 + i] = steps as u16;
        range -= steps;
        let steps = backward.step(range, &black);
        if steps == 0 {
            return None;
        }
        runs[2 - i] = steps as u16;
        range -= steps;
    }
    let passes = IsPattern::<true, 5, 7, false>(&PatternView::from_slice(&runs), &PATTERN, None, 0.0, 0.0, 0.0) != 0.0;
    let spread = runs.iter().map(|&run| i64::from(run)).sum();
    passes.then(|| (i64::from(runs[2] / 2) - (centre_behind - 1), spread))
}

/// zxing-cpp's `FastEdgeToEdgeCounter` along a line, border behaviour
/// included: a run that reaches the image's edge ends one past it, and every
/// step after that counts one pixel without reading any.
struct EdgeCounter {
    /// Steps from the starting point.
    at: i64,
    direction: i64,
    to_border: i64,
}

impl EdgeCounter {
    fn new(direction: i64, to_border: i64) -> Self {
        EdgeCounter {
            at: 0,
            direction,
            to_border,
        }
    }

    /// Steps to the next pixel of another colour within `range`; 0 when
    /// there is none that near (and the border is farther).
    fn step(&mut self, range: i64, black: &impl Fn(i64) -> bool) -> i64 {
        let most = self.to_border.min(range);
        let mut steps = 1;
        if most >= 1 {
            let colour = black(self.at);
            while steps <= most && black(self.at + self.direction * steps) == colour {
                steps += 1;
            }
        }
        if steps > most && most != self.to_border {
            return 0;
        }
        self.at += self.direction * steps;
        self.to_border -= steps;
        steps
    }
}

/// The runs of one binarized row (bit set for black), alternating and
/// starting with white (a first run of 0 when the row starts black), with a
/// closing white run of 0 when it ends black: zxing-cpp's `PatternRow`.
/// A run longer than a run length can hold is split by an empty run of the
/// other colour, so that every sum of runs stays a pixel position.
fn pattern_row(words: &[usize], width: usize, runs: &mut Vec<u16>) {
    runs.clear();
    let mut black = false;
    let mut x = 0;
    while x < width {
        let end = next_change(words, x, black, width);
        let mut run = end - x;
        while run > usize::from(u16::MAX) {
            runs.extend([u16::MAX, 0]);
            run -= usize::from(u16::MAX);
        }
        runs.push(run as u16);
        x = end;
        black = !black;
    }
    // `black` is now the colour after the last run: white after a black one.
    if width > 0 && !black {
        runs.push(0);
    }
}

/// The first x at or after `from` whose pixel is not of colour `black`, or `width`.
fn next_change(words: &[usize], from: usize, black: bool, width: usize) -> usize {
    let mut index = from / WORD;
    // Bits set where the colour differs, from `from` on.
    let differs = |word: usize| if black { !word } else { word };
    let mut bits = differs(words[index]) & (usize::MAX << (from % WORD));
    loop {
        if bits != 0 {
            return (index * WORD + bits.trailing_zeros() as usize).min(width);
        }
        index += 1;
        if index == words.len() {
            return width;
        }
        bits = differs(words[index]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        find_finder_patterns(
            &super::super::binarize::binarize(width, height, &pixels, super::super::binarize::Flat::FromNoise)
                .expect("binarizes"),
        )
    }

    /// The runs of every row are those of zxing-cpp's `GetPatternRowTP`, and
    /// a run too long for a run length is split.
    #[test]
    fn pattern_rows_are_zxings() {
        use rxing::common::cpp_essentials::GetPatternRowTP;
        for (width, height) in [(300, 300), (97, 41), (1280, 45)] {
            let pixels: Vec<u8> = wall(width, height, 3, 2)
                .iter()
                .enumerate()
                .map(|(i, &p)| if i % 7 == 3 { !p } else { p })
                .collect();
            let binary =
                super::super::binarize::binarize(width, height, &pixels, super::super::binarize::Flat::FromNoise)
                    .expect("binarizes");
            let mut ours = Vec::new();
            for y in 0..height {
                pattern_row(binary.row(y), width, &mut ours);
                let mut theirs = rxing::common::cpp_essentials::PatternRow::default();
                GetPatternRowTP(&binary.matrix, y as u32, &mut theirs, false);
                let theirs: Vec<u16> = theirs.into_iter().collect();
                assert_eq!(ours, theirs, "{width}×{height} row {y}");
            }
        }
        let mut runs = Vec::new();
        let words = alloc::vec![0usize; 70_000usize.div_ceil(WORD)];
        pattern_row(&words, 70_000, &mut runs);
        assert_eq!(runs, [u16::MAX, 0, (70_000 - 65_535) as u16]);
        let words = alloc::vec![usize::MAX; 2];
        pattern_row(&words, 2 * WORD - 3, &mut runs);
        assert_eq!(runs, [0, (2 * WORD - 3) as u16, 0]);
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
    fn stripes_that_look_like_patterns_in_every_row_fail_the_column_check() {
        for (width, height) in [(1920, 1080), (4096, 4096)] {
            for module in 1..=3 {
                let found = search(width, height, stripes(width, height, module));
                let what = alloc::format!("{width}×{height}, {module} px");
                assert!(found.patterns.is_empty(), "{what}");
                // No column of a stripe is 1:1:3:1:1: nothing is located.
                assert_eq!(found.attempts, 0, "{what}");
                assert!(found.candidates <= MAX_CANDIDATES, "{what}");
            }
        }
    }

    /// The windows are those zxing-cpp's `FindLeftGuardBy` loop finds, at
    /// the same centres and with the same widths.
    #[test]
    fn row_windows_are_zxings() {
        use rxing::common::cpp_essentials::{FindLeftGuardBy, PatternRow};
        let reference = |runs: &[u16]| -> Vec<(f32, u16)> {
            let row = PatternRow::new(runs.to_vec());
            let mut next = PatternView::new(&row);
            let mut centres = Vec::new();
            while let Ok(found) = FindLeftGuardBy::<5, _>(next, 5, |view: &PatternView, space: Option<f32>| {
                let window: Vec<u16> = (0..5).map(|i| view[i]).collect();
                plausible(&window, space.unwrap_or_default())
            }) {
                next = found;
                if !next.isValid() {
                    break;
                }
                centres.push((
                    f32::from(next.pixelsInFront())
                        + f32::from(next[0])
                        + f32::from(next[1])
                        + f32::from(next[2]) / 2.0,
                    next.iter().sum::<u16>(),
                ));
                next.skipPair();
                next.skipPair();
                next.extend();
            }
            centres
        };
        let mut next = crate::qr::scan::xorshift(0x9E37_79B9_7F4A_7C15u64);
        let mut windows = 0;
        for case in 0..4000 {
            let len = (next() % 40) as usize;
            let mut runs: Vec<u16> = (0..len)
                .map(|_| [1, 1, 2, 3, 4, 6, 9, 12][(next() % 8) as usize])
                .collect();
            if case % 3 == 0 && len > 8 {
                // A finder pattern's cross-section somewhere in the row.
                let at = 1 + 2 * (next() as usize % ((len - 6) / 2));
                runs[at..at + 5].copy_from_slice(&[2, 2, 6, 2, 2]);
            }
            if case % 5 == 0 && !runs.is_empty() {
                runs[0] = 0;
            }
            let mut ours = Vec::new();
            row_windows(&runs, |window, x| {
                ours.push((x, window.iter().sum::<u16>()));
                true
            });
            windows += ours.len();
            assert_eq!(ours, reference(&runs), "{runs:?}");
        }
        assert!(windows > 500, "{windows} windows");
    }

    /// Where the column check fails, so does `LocateConcentricPattern`: on
    /// walls of patterns, speckle, and near every edge, at every range.
    #[test]
    fn the_column_check_refuses_only_what_locating_refuses() {
        let (width, height) = (160, 120);
        let mut next = crate::qr::scan::xorshift(0x2545_F491_4F6C_DD1Du64);
        let speckle: Vec<u8> = (0..width * height)
            .map(|_| if next().is_multiple_of(3) { 0 } else { 255 })
            .collect();
        let mut walls = wall(width, height, 2, 1);
        walls.iter_mut().step_by(11).for_each(|p| *p = !*p);
        let (mut passed, mut located) = (0, 0);
        for pixels in [speckle, walls, wall(width, height, 3, 3)] {
            let binary =
                super::super::binarize::binarize(width, height, &pixels, super::super::binarize::Flat::FromNoise)
                    .expect("binarizes");
            for y in 0..height {
                for x in (0..width).step_by(3) {
                    for range in [-1, 0, 1, 5, 21, 60, 200] {
                        let centre = Point {
                            x: x as f32 + 0.5,
                            y: y as f32 + 0.5,
                        };
                        let found =
                            LocateConcentricPattern::<true, 5, 7>(&binary.matrix, &PATTERN.into(), centre, range);
                        if cross_passes(&binary, x, y, range) {
                            passed += 1;
                            located += usize::from(found.is_some());
                        } else {
                            assert!(found.is_none(), "({x}, {y}) range {range}");
                        }
                    }
                }
            }
        }
        assert!(passed > 1000 && located > 100, "{passed} passed, {located} located");
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
