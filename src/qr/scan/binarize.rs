//! Local-average binarization: zxing's `HybridBinarizer` (as rxing ports
//! it), written for speed, with one rule made to follow the image's noise
//! ([`Flat`]).
//!
//! The image is cut into 8×8 blocks (the last column and row of blocks
//! moved in to end at the image's edge, so overlapping their neighbours).
//! Each block gets a black point: the mean of its pixels, or, for a flat
//! block (range at most 24 grey levels in zxing; in a noisy image, up to
//! [`flat_limit`]), half its minimum, raised to the
//! mean of its upper and left neighbours' black points when its minimum lies
//! below that. A block's threshold is the mean black point of the 5×5 blocks
//! around it (moved in at the edges), and a pixel is black when it is at or
//! below the threshold of any block covering it.
//!
//! rxing computes this per pixel through `BitMatrix::set`; here each band of
//! eight rows expands its thresholds to one per pixel once, and every row is
//! compared against that a machine word of pixels at a time. With zxing's
//! flat limit the result is rxing's matrix, which `tests` checks on many
//! images.

use alloc::vec::Vec;

use rxing::common::{BitArray, BitMatrix, HybridBinarizer};
use rxing::{Binarizer, Luma8Source};

const BLOCK: usize = 8;
/// Pixels a word: rxing's `BitMatrix` word is a `usize`.
pub(super) const WORD: usize = usize::BITS as usize;
/// zxing's widest range of a flat block.
const MIN_DYNAMIC_RANGE: u8 = 24;
/// The widest a noise estimate makes it ([`flat_limit`]): a block spanning
/// more holds an edge of some contrast, whatever the noise.
const MAX_FLAT: u8 = 60;

/// How the widest range of a flat block is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Flat {
    /// zxing's fixed 24 grey levels: the same matrix as rxing's binarizer.
    #[cfg_attr(not(test), allow(dead_code))]
    Zxing,
    /// From the image's noise ([`flat_limit`]).
    FromNoise,
}

/// A binarized image: the matrix rxing's detector samples, and its rows as
/// words of [`WORD`] pixels (bit `i` of word `j` is pixel `WORD × j + i`,
/// set for black), `row_words` words a row.
pub(super) struct Binary {
    pub matrix: BitMatrix,
    pub words: Vec<usize>,
    pub row_words: usize,
    /// The flat limit used ([`Flat`]).
    pub flat_limit: u8,
}

impl Binary {
    /// Whether the image's noise set the flat limit (above zxing's 24,
    /// below the cap). Stretching such an image's contrast stretches its
    /// noise as much: its blocks are judged the same, so a pass over the
    /// stretched image would find what this one found.
    pub fn noise_sets_flat_limit(&self) -> bool {
        MIN_DYNAMIC_RANGE < self.flat_limit && self.flat_limit < MAX_FLAT
    }

    /// The words of row `y`.
    pub fn row(&self, y: usize) -> &[usize] {
        &self.words[y * self.row_words..(y + 1) * self.row_words]
    }
}

/// Binarizes a `width`×`height` greyscale image (the caller has checked
/// `pixels.len() == width * height` and that neither is zero). `None` when
/// rxing's binarizer has no matrix for it either.
pub(super) fn binarize(width: usize, height: usize, pixels: &[u8], flat: Flat) -> Option<Binary> {
    let row_words = width.div_ceil(WORD);
    if width < 5 * BLOCK || height < 5 * BLOCK {
        // Too small for 5×5 blocks: rxing's global-histogram fallback.
        let source = Luma8Source::new_with_slice(pixels, width as u32, height as u32).ok()?;
        let matrix = HybridBinarizer::new(source).get_black_matrix().ok()?.clone();
        let mut words = Vec::with_capacity(row_words * height);
        for y in 0..height as u32 {
            words.extend_from_slice(matrix.getRow(y).getBitArray());
        }
        return Some(Binary {
            matrix,
            words,
            row_words,
            flat_limit: MIN_DYNAMIC_RANGE,
        });
    }
    let thresholds = thresholds(width, height, pixels, flat);
    let words = threshold_rows(width, height, pixels, &thresholds);
    let mut matrix = BitMatrix::new(width as u32, height as u32).ok()?;
    let mut row = BitArray::with_size(width);
    for (y, chunk) in words.chunks_exact(row_words).enumerate() {
        for (j, &word) in chunk.iter().enumerate() {
            row.setBulk(WORD * j, word);
        }
        matrix.setRow(y as u32, &row);
    }
    Some(Binary {
        matrix,
        words,
        row_words,
        flat_limit: thresholds.limit,
    })
}

/// The top-left corner of block `index` of `count` along an axis of
/// `length` pixels: the last block ends at the edge.
fn block_offset(index: usize, length: usize) -> usize {
    (index * BLOCK).min(length - BLOCK)
}

/// Each block's threshold, `sub_width` a row.
struct Thresholds {
    sub_width: usize,
    sub_height: usize,
    values: Vec<u8>,
    /// The flat limit they were computed with.
    limit: u8,
}

/// What the thresholds are computed from: per block, the sum, minimum,
/// maximum and roughness (the sum of the absolute differences between
/// horizontal neighbours inside it, 56 pairs) of its pixels.
struct BlockStats {
    sum: Vec<u32>,
    min: Vec<u8>,
    max: Vec<u8>,
    roughness: Vec<u16>,
}

fn block_stats(width: usize, height: usize, pixels: &[u8]) -> BlockStats {
    let (sub_width, sub_height) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let blocks = sub_width * sub_height;
    let mut stats = BlockStats {
        sum: Vec::with_capacity(blocks),
        min: Vec::with_capacity(blocks),
        max: Vec::with_capacity(blocks),
        roughness: Vec::with_capacity(blocks),
    };
    // Per column of the band of eight rows: minimum, maximum, sum, and the
    // differences to the next column; each a whole-row operation the
    // compiler turns into vector instructions.
    let (mut low, mut high) = (alloc::vec![0u8; width], alloc::vec![0u8; width]);
    let (mut sums, mut steps) = (alloc::vec![0u16; width], alloc::vec![0u16; width]);
    for by in 0..sub_height {
        let top = block_offset(by, height);
        let rows = pixels[top * width..(top + BLOCK) * width].chunks_exact(width);
        low.fill(u8::MAX);
        high.fill(u8::MIN);
        sums.fill(0);
        steps.fill(0);
        for row in rows {
            for (((l, h), s), &p) in low.iter_mut().zip(high.iter_mut()).zip(sums.iter_mut()).zip(row) {
                *l = (*l).min(p);
                *h = (*h).max(p);
                *s += u16::from(p);
            }
            for ((d, &p), &q) in steps.iter_mut().zip(row).zip(&row[1..]) {
                *d += u16::from(p.abs_diff(q));
            }
        }
        for bx in 0..sub_width {
            let left = block_offset(bx, width);
            let columns = left..left + BLOCK;
            stats
                .min
                .push(low[columns.clone()].iter().copied().fold(u8::MAX, u8::min));
            stats
                .max
                .push(high[columns.clone()].iter().copied().fold(u8::MIN, u8::max));
            stats.sum.push(sums[columns].iter().map(|&s| u32::from(s)).sum());
            // Seven pairs a row inside the block: 7 × 8 × 255 fits.
            stats.roughness.push(steps[left..left + BLOCK - 1].iter().sum());
        }
    }
    stats
}

/// The widest range of grey levels a block may span and still count as
/// flat (no edge in it, only noise): zxing's 24, or, in a noisy image, six
/// times the noise's estimated standard deviation, at most [`MAX_FLAT`].
///
/// The noise is estimated from the smoothest tenth of the blocks (a camera
/// frame's background, a code's quiet zone): for Gaussian noise of
/// deviation σ, neighbouring pixels differ by 2σ/√π on average. zxing's
/// fixed 24 takes a flat area under noise of σ ≥ 6 for texture and
/// thresholds it at its mean: salt and pepper over the whole frame, in which
/// the finder search then meets thousands of false candidates (5,361 in the
/// 1280×720 frame of `benches/scan.rs`, noise σ = 8).
fn flat_limit(roughness: &[u16]) -> u8 {
    let mut sorted = roughness.to_vec();
    let tenth = sorted.len() / 10;
    let (_, &mut smooth, _) = sorted.select_nth_unstable(tenth);
    // Mean difference of neighbours → σ: × √π / 2; over the 56 pairs of a block.
    let sigma = f32::from(smooth) / 56.0 * 0.886_226_9;
    (6.0 * sigma)
        .round()
        .clamp(f32::from(MIN_DYNAMIC_RANGE), f32::from(MAX_FLAT)) as u8
}

fn thresholds(width: usize, height: usize, pixels: &[u8], flat: Flat) -> Thresholds {
    let (sub_width, sub_height) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let stats = block_stats(width, height, pixels);
    let limit = match flat {
        Flat::Zxing => MIN_DYNAMIC_RANGE,
        Flat::FromNoise => flat_limit(&stats.roughness),
    };
    let mut black = alloc::vec![0u32; sub_width * sub_height];
    for by in 0..sub_height {
        for bx in 0..sub_width {
            let block = by * sub_width + bx;
            let (min, max) = (stats.min[block], stats.max[block]);
            let mut point = stats.sum[block] >> 6;
            if max - min <= limit {
                // Flat: half the minimum (taken for background), or the
                // neighbours' black point when the minimum lies below it.
                point = u32::from(min) / 2;
                if by > 0 && bx > 0 {
                    let up = block - sub_width;
                    let neighbours = (black[up] + 2 * black[block - 1] + black[up - 1]) / 4;
                    if u32::from(min) < neighbours {
                        point = neighbours;
                    }
                }
            }
            black[block] = point;
        }
    }
    let mut values = Vec::with_capacity(sub_width * sub_height);
    for by in 0..sub_height {
        let top = by.clamp(2, sub_height - 3);
        for bx in 0..sub_width {
            let left = bx.clamp(2, sub_width - 3);
            let sum: u32 = (top - 2..=top + 2)
                .map(|y| {
                    black[y * sub_width + left - 2..=y * sub_width + left + 2]
                        .iter()
                        .sum::<u32>()
                })
                .sum();
            // A mean of black points, each at most 255.
            values.push((sum / 25) as u8);
        }
    }
    Thresholds {
        sub_width,
        sub_height,
        values,
        limit,
    }
}

/// Compares every pixel with the highest threshold of the blocks covering
/// it: black when at or below.
fn threshold_rows(width: usize, height: usize, pixels: &[u8], t: &Thresholds) -> Vec<usize> {
    let row_words = width.div_ceil(WORD);
    let mut words = alloc::vec![0usize; row_words * height];
    // One threshold a pixel for the band of rows being compared, padded to
    // whole words.
    let mut band = alloc::vec![0u8; row_words * WORD];
    let mut cover = alloc::vec![0u8; row_words * WORD];
    let mut band_of = usize::MAX;
    for y in 0..height {
        // The block rows covering row y: its own, and the last one where
        // that was moved in to end at the bottom edge.
        let own = (y / BLOCK).min(t.sub_height - 1);
        let last = t.sub_height - 1;
        let covers_last = own != last && y >= block_offset(last, height);
        let key = own * 2 + usize::from(covers_last);
        if key != band_of {
            band_of = key;
            expand(&t.values[own * t.sub_width..(own + 1) * t.sub_width], width, &mut band);
            if covers_last {
                expand(&t.values[last * t.sub_width..], width, &mut cover);
                for (b, c) in band.iter_mut().zip(&cover) {
                    *b = (*b).max(*c);
                }
            }
        }
        let row = &pixels[y * width..(y + 1) * width];
        let out = &mut words[y * row_words..(y + 1) * row_words];
        let whole = width / WORD * WORD;
        let (full, rest) = row.split_at(whole);
        for ((word, p), th) in out.iter_mut().zip(full.chunks_exact(WORD)).zip(band.chunks_exact(WORD)) {
            *word = below_or_at(p.try_into().expect("a word"), th.try_into().expect("a word"));
        }
        if !rest.is_empty() {
            let mut p = [u8::MAX; WORD];
            p[..rest.len()].copy_from_slice(rest);
            let mut th = [0u8; WORD];
            th[..rest.len()].copy_from_slice(&band[whole..width]);
            // Padding pixels (255 against 0) stay white.
            out[row_words - 1] = below_or_at(&p, &th);
        }
    }
    words
}

/// A band's thresholds, one per pixel: each pixel gets the highest of the
/// block columns covering it.
fn expand(blocks: &[u8], width: usize, out: &mut [u8]) {
    let last = blocks.len() - 1;
    for (bx, &value) in blocks.iter().enumerate() {
        let left = block_offset(bx, width);
        for (x, slot) in out.iter_mut().enumerate().skip(left).take(BLOCK) {
            // Where the last block overlaps the one before it, the higher.
            *slot = if bx == last && x < last * BLOCK {
                (*slot).max(value)
            } else {
                value
            };
        }
    }
}

/// Bit `i` set when `pixels[i] <= thresholds[i]`: one byte a pixel first
/// (a vector compare), then eight bytes of 0 or 1 gathered into eight bits
/// by one multiplication.
#[inline]
fn below_or_at(pixels: &[u8; WORD], thresholds: &[u8; WORD]) -> usize {
    let mut bytes = [0u8; WORD];
    for ((b, &p), &t) in bytes.iter_mut().zip(pixels).zip(thresholds) {
        *b = u8::from(p <= t);
    }
    let mut word = 0usize;
    for (k, eight) in bytes.chunks_exact(8).enumerate() {
        let eight = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
        // Byte j (0 or 1) lands on bit 56 + j of the product.
        word |= ((eight.wrapping_mul(0x0102_0408_1020_4080) >> 56) as usize) << (8 * k);
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rxing's matrix for the same image.
    fn reference(width: usize, height: usize, pixels: &[u8]) -> BitMatrix {
        let source = Luma8Source::new_with_slice(pixels, width as u32, height as u32).expect("source");
        HybridBinarizer::new(source)
            .get_black_matrix()
            .expect("binarizes")
            .clone()
    }

    /// A deterministic image: smooth shading, flat areas, edges and noise.
    fn image(width: usize, height: usize, seed: u64) -> Vec<u8> {
        let mut next = crate::qr::scan::xorshift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let noise = (next() % 40) as i32;
        (0..width * height)
            .map(|i| {
                let (x, y) = (i % width, i / width);
                let shade = (x * 90 / width + y * 70 / height) as i32 + 40;
                let square = if (x / 13 + y / 9) % 3 == 0 { -60 } else { 40 };
                let flat = if x > width * 2 / 3 { 0 } else { square };
                let n = if noise > 0 {
                    (next() % (noise as u64 + 1)) as i32 - noise / 2
                } else {
                    0
                };
                (shade + flat + n).clamp(0, 255) as u8
            })
            .collect()
    }

    /// Grey `level` with Gaussian noise of deviation `sigma` (a sum of
    /// twelve uniforms), `width`×`height`.
    fn noisy(width: usize, height: usize, level: f32, sigma: f32) -> Vec<u8> {
        let mut next = crate::qr::scan::xorshift(0x0123_4567_89AB_CDEF);
        let mut uniform = move || (next() >> 11) as f32 / (1u64 << 53) as f32;
        (0..width * height)
            .map(|_| {
                let normal: f32 = (0..12).map(|_| uniform()).sum::<f32>() - 6.0;
                (level + sigma * normal).round().clamp(0.0, 255.0) as u8
            })
            .collect()
    }

    #[test]
    fn the_flat_limit_follows_the_noise() {
        let (width, height) = (320, 240);
        let limit = |pixels: &[u8]| flat_limit(&block_stats(width, height, pixels).roughness);
        assert_eq!(limit(&noisy(width, height, 128.0, 0.0)), MIN_DYNAMIC_RANGE);
        assert_eq!(limit(&noisy(width, height, 128.0, 2.0)), MIN_DYNAMIC_RANGE);
        let eight = limit(&noisy(width, height, 128.0, 8.0));
        // Six σ, a little less: the smoothest tenth of blocks is smoother than the mean.
        println!("σ = 8: flat limit {eight}");
        assert!((36..=48).contains(&eight), "σ = 8: {eight}");
        assert_eq!(limit(&noisy(width, height, 128.0, 30.0)), MAX_FLAT);
        // A noisy flat frame binarizes white with the limit, half black without.
        let pixels = noisy(width, height, 128.0, 8.0);
        let black = |flat| {
            let binary = binarize(width, height, &pixels, flat).expect("binarizes");
            binary.words.iter().map(|w| w.count_ones() as usize).sum::<usize>()
        };
        assert!(
            black(Flat::FromNoise) < width * height / 100,
            "{}",
            black(Flat::FromNoise)
        );
        assert!(black(Flat::Zxing) > width * height / 3, "{}", black(Flat::Zxing));
    }

    #[test]
    fn the_matrix_is_rxings() {
        let sizes = [
            (40, 40),
            (41, 47),
            (64, 64),
            (100, 57),
            (300, 300),
            (301, 299),
            (333, 41),
            (640, 480),
            (1001, 77),
            (39, 120),
            (120, 39),
            (10, 10),
        ];
        for (seed, (width, height)) in sizes.into_iter().enumerate() {
            for variant in 0..4u64 {
                let pixels = image(width, height, seed as u64 * 4 + variant);
                let ours = binarize(width, height, &pixels, Flat::Zxing).expect("binarizes");
                let theirs = reference(width, height, &pixels);
                assert_eq!(ours.matrix, theirs, "{width}×{height}, variant {variant}");
                for y in 0..height {
                    assert_eq!(
                        ours.row(y),
                        theirs.getRow(y as u32).getBitArray(),
                        "{width}×{height} row {y}"
                    );
                }
            }
        }
    }
}
