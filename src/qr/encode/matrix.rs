//! The module matrix: function patterns, codeword placement, masking and
//! the mask penalty score.

use alloc::{vec, vec::Vec};

use super::EccLevel;

/// Penalty weights of ISO/IEC 18004 §7.8.3.
const N1: u32 = 3;
const N2: u32 = 3;
const N3: u32 = 40;
const N4: u32 = 10;

pub(super) struct Matrix {
    pub size: usize,
    version: usize,
    /// 1 = dark.
    pub dark: Vec<u8>,
    function: Vec<bool>,
}

impl Matrix {
    pub fn new(version: usize) -> Matrix {
        let size = version * 4 + 17;
        Matrix {
            size,
            version,
            dark: vec![0; size * size],
            function: vec![false; size * size],
        }
    }

    fn set_function(&mut self, x: usize, y: usize, dark: bool) {
        let i = y * self.size + x;
        self.dark[i] = u8::from(dark);
        self.function[i] = true;
    }

    pub fn draw_function_patterns(&mut self) {
        let size = self.size;
        for i in 0..size {
            self.set_function(6, i, i % 2 == 0);
            self.set_function(i, 6, i % 2 == 0);
        }
        self.draw_finder(3, 3);
        self.draw_finder(size - 4, 3);
        self.draw_finder(3, size - 4);
        let positions = self.alignment_positions();
        let last = positions.len().saturating_sub(1);
        for (i, &x) in positions.iter().enumerate() {
            for (j, &y) in positions.iter().enumerate() {
                // The three corners that hold finder patterns.
                let on_finder = (i == 0 && (j == 0 || j == last)) || (i == last && j == 0);
                if !on_finder {
                    self.draw_alignment(x, y);
                }
            }
        }
        // Reserve the format areas (drawn per mask) and draw the version.
        self.draw_format_bits(EccLevel::M, 0);
        self.draw_version();
    }

    fn draw_finder(&mut self, cx: usize, cy: usize) {
        for dy in -4i32..=4 {
            for dx in -4i32..=4 {
                let (x, y) = (cx as i32 + dx, cy as i32 + dy);
                if (0..self.size as i32).contains(&x) && (0..self.size as i32).contains(&y) {
                    let dist = dx.abs().max(dy.abs());
                    self.set_function(x as usize, y as usize, dist != 2 && dist != 4);
                }
            }
        }
    }

    fn draw_alignment(&mut self, cx: usize, cy: usize) {
        for dy in 0..5 {
            for dx in 0..5 {
                let dist = (dx as i32 - 2).abs().max((dy as i32 - 2).abs());
                self.set_function(cx + dx - 2, cy + dy - 2, dist != 1);
            }
        }
    }

    /// Centres of the alignment patterns along one axis.
    fn alignment_positions(&self) -> Vec<usize> {
        if self.version == 1 {
            return Vec::new();
        }
        let count = self.version / 7 + 2;
        let step = (self.version * 8 + count * 3 + 5) / (count * 4 - 4) * 2;
        let mut result: Vec<usize> = (0..count - 1).map(|i| self.size - 7 - i * step).collect();
        result.push(6);
        result.reverse();
        result
    }

    pub fn draw_format_bits(&mut self, ecc: EccLevel, mask: u8) {
        let data = ecc.format_bits() << 3 | u32::from(mask);
        let mut rem = data;
        for _ in 0..10 {
            rem = (rem << 1) ^ ((rem >> 9) * 0x537);
        }
        let bits = (data << 10 | rem) ^ 0x5412;
        let bit = |i: usize| (bits >> i) & 1 == 1;
        for i in 0..6 {
            self.set_function(8, i, bit(i));
        }
        self.set_function(8, 7, bit(6));
        self.set_function(8, 8, bit(7));
        self.set_function(7, 8, bit(8));
        for i in 9..15 {
            self.set_function(14 - i, 8, bit(i));
        }
        let size = self.size;
        for i in 0..8 {
            self.set_function(size - 1 - i, 8, bit(i));
        }
        for i in 8..15 {
            self.set_function(8, size - 15 + i, bit(i));
        }
        self.set_function(8, size - 8, true);
    }

    fn draw_version(&mut self) {
        if self.version < 7 {
            return;
        }
        let data = self.version as u32;
        let mut rem = data;
        for _ in 0..12 {
            rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
        }
        let bits = data << 12 | rem;
        for i in 0..18 {
            let dark = (bits >> i) & 1 == 1;
            let (a, b) = (self.size - 11 + i % 3, i / 3);
            self.set_function(a, b, dark);
            self.set_function(b, a, dark);
        }
    }

    /// Places the codewords in the zigzag order, skipping function modules.
    pub fn draw_codewords(&mut self, codewords: &[u8]) {
        let size = self.size;
        let total_bits = codewords.len() * 8;
        let mut i = 0;
        let mut right = size - 1;
        loop {
            if right == 6 {
                right = 5;
            }
            for vert in 0..size {
                for j in 0..2 {
                    let x = right - j;
                    let upward = (right + 1) & 2 == 0;
                    let y = if upward { size - 1 - vert } else { vert };
                    let at = y * size + x;
                    if !self.function[at] && i < total_bits {
                        self.dark[at] = (codewords[i >> 3] >> (7 - (i & 7))) & 1;
                        i += 1;
                    }
                }
            }
            if right < 2 {
                break;
            }
            right -= 2;
        }
    }

    /// The data modules that mask pattern `mask` (0-7) inverts, as 0/1 bytes.
    fn mask_pattern(&self, mask: u8) -> Vec<u8> {
        match mask {
            0 => self.pattern(|x, y| (x + y) % 2 == 0),
            1 => self.pattern(|_, y| y % 2 == 0),
            2 => self.pattern(|x, _| x % 3 == 0),
            3 => self.pattern(|x, y| (x + y) % 3 == 0),
            4 => self.pattern(|x, y| (x / 3 + y / 2) % 2 == 0),
            5 => self.pattern(|x, y| x * y % 2 + x * y % 3 == 0),
            6 => self.pattern(|x, y| (x * y % 2 + x * y % 3) % 2 == 0),
            _ => self.pattern(|x, y| ((x + y) % 2 + x * y % 3) % 2 == 0),
        }
    }

    fn pattern(&self, inverts: impl Fn(usize, usize) -> bool) -> Vec<u8> {
        let size = self.size;
        let mut out = vec![0u8; size * size];
        for y in 0..size {
            for x in 0..size {
                let at = y * size + x;
                out[at] = u8::from(inverts(x, y) & !self.function[at]);
            }
        }
        out
    }

    /// Applies the mask with the lowest penalty (the first on ties) and its
    /// format information.
    pub fn apply_best_mask(&mut self, ecc: EccLevel) {
        let mut best: Option<(u32, u8, Vec<u8>)> = None;
        let mut trial = Matrix {
            size: self.size,
            version: self.version,
            dark: vec![0; self.dark.len()],
            function: self.function.clone(),
        };
        let (mut rows, mut cols) = (Vec::with_capacity(self.size), Vec::with_capacity(self.size));
        for mask in 0..8u8 {
            let pattern = self.mask_pattern(mask);
            for ((t, &d), &p) in trial.dark.iter_mut().zip(&self.dark).zip(&pattern) {
                *t = d ^ p;
            }
            trial.draw_format_bits(ecc, mask);
            let score = trial.penalty(&mut rows, &mut cols);
            if best.as_ref().is_none_or(|(s, _, _)| score < *s) {
                best = Some((score, mask, pattern));
            }
        }
        if let Some((_, mask, pattern)) = best {
            for (d, p) in self.dark.iter_mut().zip(pattern) {
                *d ^= p;
            }
            self.draw_format_bits(ecc, mask);
        }
    }

    /// The penalty score of ISO/IEC 18004 §7.8.3 (N1 runs, N2 blocks, N3
    /// finder-like patterns, N4 balance), on bit-packed rows and columns.
    pub(super) fn penalty(&self, rows: &mut Vec<Bits>, cols: &mut Vec<Bits>) -> u32 {
        let n = self.size;
        rows.clear();
        rows.resize(n, Bits::default());
        cols.clear();
        cols.resize(n, Bits::default());
        for (y, row) in self.dark.chunks_exact(n).enumerate() {
            for (x, _) in row.iter().enumerate().filter(|(_, d)| **d != 0) {
                rows[y].set(x + PAD);
                cols[x].set(y + PAD);
            }
        }
        let masks = LineMasks::new(n);
        let mut score = 0;
        for line in rows.iter().chain(cols.iter()) {
            score += masks.penalty(*line);
        }
        let pairs = Bits::range(PAD, PAD + n - 1);
        for y in 0..n - 1 {
            let (a, b) = (rows[y], rows[y + 1]);
            let same = a.xor(a.shr(1)).or(a.xor(b)).or(b.xor(b.shr(1))).not().and(pairs);
            score += N2 * same.count();
        }
        let dark = rows.iter().map(|r| r.count() as usize).sum::<usize>();
        let total = n * n;
        let k = (dark * 20).abs_diff(total * 10).div_ceil(total) - 1;
        score + k as u32 * N4
    }
}

/// Light modules of padding on each side of a packed line: the area
/// outside the symbol, which counts as light for N3.
const PAD: usize = 4;

/// A line of up to 177 modules plus padding, bit `PAD + i` = module `i`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub(super) struct Bits([u64; 3]);

impl Bits {
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// Bits `start..end` set (end <= 192).
    fn range(start: usize, end: usize) -> Bits {
        let word = |w: usize| {
            let (lo, hi) = (
                start.clamp(64 * w, 64 * w + 64) - 64 * w,
                end.clamp(64 * w, 64 * w + 64) - 64 * w,
            );
            let below = |k: usize| if k >= 64 { u64::MAX } else { (1u64 << k) - 1 };
            below(hi) & !below(lo)
        };
        Bits([word(0), word(1), word(2)])
    }

    /// Bit `i` of the result is bit `i + k` of `self` (k < 64).
    fn shr(self, k: usize) -> Bits {
        if k == 0 {
            return self;
        }
        let [a, b, c] = self.0;
        Bits([a >> k | b << (64 - k), b >> k | c << (64 - k), c >> k])
    }

    /// Bit `i` of the result is bit `i - 1` of `self`.
    fn shl1(self) -> Bits {
        let [a, b, c] = self.0;
        Bits([a << 1, b << 1 | a >> 63, c << 1 | b >> 63])
    }

    fn and(self, o: Bits) -> Bits {
        Bits([self.0[0] & o.0[0], self.0[1] & o.0[1], self.0[2] & o.0[2]])
    }

    fn or(self, o: Bits) -> Bits {
        Bits([self.0[0] | o.0[0], self.0[1] | o.0[1], self.0[2] | o.0[2]])
    }

    fn xor(self, o: Bits) -> Bits {
        Bits([self.0[0] ^ o.0[0], self.0[1] ^ o.0[1], self.0[2] ^ o.0[2]])
    }

    fn not(self) -> Bits {
        Bits([!self.0[0], !self.0[1], !self.0[2]])
    }

    fn count(self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }
}

/// The finder-like pattern 1011101 with four light modules before it
/// (bit j of the window is module i + j).
const FINDER_AFTER_LIGHT: [bool; 11] = [false, false, false, false, true, false, true, true, true, false, true];

/// The fixed bit ranges of a line of `n` modules.
pub(super) struct LineMasks {
    /// Pairs of neighbouring modules (i, i + 1) inside the symbol.
    pairs: Bits,
    /// The padded line.
    padded: Bits,
    /// Start positions of 11-module windows inside the padded line.
    windows: Bits,
}

impl LineMasks {
    pub(super) fn new(n: usize) -> Self {
        LineMasks {
            pairs: Bits::range(PAD, PAD + n - 1),
            padded: Bits::range(0, 2 * PAD + n),
            windows: Bits::range(0, 2 * PAD + n - 10),
        }
    }

    /// N1 (runs of five or more: 3 + the excess) and N3 (1:1:3:1:1 with
    /// four light modules on a side, 40 each) for one packed line.
    pub(super) fn penalty(&self, line: Bits) -> u32 {
        // equal[i]: modules i and i + 1 have the same colour.
        let equal = line.xor(line.shr(1)).not().and(self.pairs);
        // Four equal neighbours in a row = a window of five in one run.
        let windows = equal.and(equal.shr(1)).and(equal.shr(2)).and(equal.shr(3));
        let runs = windows.and(windows.shl1().not());
        // A run of L >= 5 holds L - 4 windows: its penalty is 3 + (L - 5).
        let n1 = N1 * runs.count() + windows.count() - runs.count();
        let light = line.not().and(self.padded);
        let (mut before, mut after) = (self.windows, self.windows);
        for (j, &dark) in FINDER_AFTER_LIGHT.iter().enumerate() {
            before = before.and(if dark { line } else { light }.shr(j));
            after = after.and(if FINDER_AFTER_LIGHT[10 - j] { line } else { light }.shr(j));
        }
        n1 + N3 * (before.count() + after.count())
    }
}
