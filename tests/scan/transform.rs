//! Image transformations for the robustness set, in plain code: 8-bit grey
//! pixels, row-major, white (255) outside the image.

/// An 8-bit greyscale image.
#[derive(Clone, Debug)]
pub struct Gray {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Gray {
    /// A uniform image.
    pub fn filled(width: u32, height: u32, value: u8) -> Gray {
        let pixels = vec![value; (width * height) as usize];
        Gray { width, height, pixels }
    }

    fn at(&self, x: i64, y: i64) -> f32 {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return 255.0;
        }
        f32::from(self.pixels[y as usize * self.width as usize + x as usize])
    }

    /// Bilinear sample at (x, y), pixel centres at integer coordinates.
    fn sample(&self, x: f32, y: f32) -> f32 {
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let top = self.at(x0, y0) * (1.0 - fx) + self.at(x0 + 1, y0) * fx;
        let bottom = self.at(x0, y0 + 1) * (1.0 - fx) + self.at(x0 + 1, y0 + 1) * fx;
        top * (1.0 - fy) + bottom * fy
    }

    /// Copies `other` in with its top-left corner at (x, y), clipped.
    pub fn paste(&mut self, other: &Gray, x: u32, y: u32) {
        for row in 0..other.height.min(self.height.saturating_sub(y)) {
            let width = other.width.min(self.width.saturating_sub(x)) as usize;
            let from = (row * other.width) as usize;
            let to = ((y + row) * self.width + x) as usize;
            self.pixels[to..to + width].copy_from_slice(&other.pixels[from..from + width]);
        }
    }
}

/// A `width`×`height` frame of `background` grey with `image` pasted in
/// its middle, as a camera sees a code held up in front of it.
#[allow(dead_code)] // the binding tests and the side-by-side bench, not the scan tests
pub fn in_frame(image: &Gray, width: u32, height: u32, background: u8) -> Gray {
    let mut frame = Gray::filled(width, height, background);
    frame.paste(
        image,
        width.saturating_sub(image.width) / 2,
        height.saturating_sub(image.height) / 2,
    );
    frame
}

/// The library's own rendering of `text` (ECC level M, `module` pixels a
/// module, with its quiet zone) as an image.
#[allow(dead_code)] // as in_frame
pub fn rendered(text: &str, module: u32) -> Gray {
    let (side, pixels) = qrcred::QrCode::encode(text, qrcred::EccLevel::M)
        .expect("fits")
        .to_luma(&qrcred::RenderOptions::default().with_module_px(module))
        .expect("draws");
    Gray {
        width: side,
        height: side,
        pixels,
    }
}

/// A square matrix of modules (true = dark), `module` pixels each, centred
/// on a white `canvas`×`canvas` image.
pub fn draw_modules(modules: &[bool], size: u32, module: u32, canvas: u32) -> Gray {
    let offset = canvas.saturating_sub(size * module) / 2;
    map_pixels(canvas, canvas, |x, y| {
        let (mx, my) = ((x as u32).checked_sub(offset), (y as u32).checked_sub(offset));
        let dark = match (mx, my) {
            (Some(mx), Some(my)) if mx / module < size && my / module < size => {
                modules[(my / module * size + mx / module) as usize]
            }
            _ => false,
        };
        if dark { 0.0 } else { 255.0 }
    })
}

/// A hostile picture: a `width`×`height` wall of QR finder patterns (7×7
/// modules: dark ring, light ring, dark 3×3 centre), `module` pixels per
/// module, `gap` light pixels between patterns.
pub fn finder_wall(width: u32, height: u32, module: u32, gap: u32) -> Gray {
    let pitch = 7 * module + gap;
    let pixels = (0..width * height)
        .map(|i| {
            let (x, y) = (i % width % pitch, i / width % pitch);
            let (mx, my) = (x / module, y / module);
            let dark = mx < 7 && my < 7 && mx.min(my).min(6 - mx).min(6 - my) != 1;
            if dark { 0 } else { 255 }
        })
        .collect();
    Gray { width, height, pixels }
}

/// Rotates by `degrees` about the centre, on a canvas grown to hold it.
pub fn rotate(img: &Gray, degrees: f32) -> Gray {
    let (s, c) = degrees.to_radians().sin_cos();
    let (w, h) = (img.width as f32, img.height as f32);
    let out_w = (w * c.abs() + h * s.abs()).ceil() as u32;
    let out_h = (w * s.abs() + h * c.abs()).ceil() as u32;
    let (cx, cy) = ((w - 1.0) / 2.0, (h - 1.0) / 2.0);
    let (ox, oy) = ((out_w as f32 - 1.0) / 2.0, (out_h as f32 - 1.0) / 2.0);
    map_pixels(out_w, out_h, |x, y| {
        let (dx, dy) = (x - ox, y - oy);
        img.sample(c * dx + s * dy + cx, -s * dx + c * dy + cy)
    })
}

/// Resizes by `factor` (below 1 shrinks), averaging the covered area.
pub fn scale(img: &Gray, factor: f32) -> Gray {
    let out_w = (img.width as f32 * factor).round().max(1.0) as u32;
    let out_h = (img.height as f32 * factor).round().max(1.0) as u32;
    let step = 1.0 / factor;
    let taps = step.ceil().max(1.0) as u32;
    map_pixels(out_w, out_h, |x, y| {
        let mut sum = 0.0;
        for j in 0..taps {
            for i in 0..taps {
                let sx = x * step + (i as f32 + 0.5) * step / taps as f32 - 0.5;
                let sy = y * step + (j as f32 + 0.5) * step / taps as f32 - 0.5;
                sum += img.sample(sx, sy);
            }
        }
        sum / (taps * taps) as f32
    })
}

/// Separable Gaussian blur, standard deviation `sigma` pixels (edges
/// repeated).
pub fn gaussian_blur(img: &Gray, sigma: f32) -> Gray {
    let radius = (sigma * 3.0).ceil() as usize;
    let weights: Vec<f32> = (0..=2 * radius)
        .map(|i| (-((i as f32 - radius as f32).powi(2)) / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f32 = weights.iter().sum();
    let kernel: Vec<f32> = weights.iter().map(|w| w / total).collect();
    let (w, h) = (img.width as usize, img.height as usize);
    let input: Vec<f32> = img.pixels.iter().map(|&p| f32::from(p)).collect();
    let mut across = vec![0.0f32; w * h];
    for y in 0..h {
        let row = &input[y * w..(y + 1) * w];
        for x in 0..w {
            let mut acc = 0.0;
            for (k, weight) in kernel.iter().enumerate() {
                acc += weight * row[(x + k).saturating_sub(radius).min(w - 1)];
            }
            across[y * w + x] = acc;
        }
    }
    let mut down = vec![0.0f32; w * h];
    for y in 0..h {
        let out = &mut down[y * w..(y + 1) * w];
        for (k, weight) in kernel.iter().enumerate() {
            let from = (y + k).saturating_sub(radius).min(h - 1) * w;
            for (o, v) in out.iter_mut().zip(&across[from..from + w]) {
                *o += weight * v;
            }
        }
    }
    Gray {
        pixels: down.into_iter().map(clamp).collect(),
        ..*img
    }
}

/// A small seeded generator (SplitMix64), so every image is reproducible.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f32 {
        let u = self.unit().max(1e-7);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f32::consts::PI * v).cos()
    }
}

/// Adds Gaussian noise, standard deviation `sigma` grey levels.
pub fn noise(img: &Gray, sigma: f32, seed: u64) -> Gray {
    let mut rng = SplitMix(seed);
    let pixels = img
        .pixels
        .iter()
        .map(|&p| clamp(f32::from(p) + sigma * rng.normal()))
        .collect();
    Gray { pixels, ..*img }
}

/// Maps black to `dark` and white to `light`.
pub fn contrast(img: &Gray, dark: u8, light: u8) -> Gray {
    let span = f32::from(light) - f32::from(dark);
    let pixels = img
        .pixels
        .iter()
        .map(|&p| clamp(f32::from(dark) + span * f32::from(p) / 255.0))
        .collect();
    Gray { pixels, ..*img }
}

/// Light for dark.
pub fn invert(img: &Gray) -> Gray {
    Gray {
        pixels: img.pixels.iter().map(|&p| 255 - p).collect(),
        ..*img
    }
}

/// Perspective tilt: the top edge shrinks to `top` times the width, as a
/// code leaning away from the camera.
pub fn tilt(img: &Gray, top: f32) -> Gray {
    let (w, h) = (img.width as f32 - 1.0, img.height as f32 - 1.0);
    let inset = w * (1.0 - top) / 2.0;
    let seen = [(inset, 0.0), (w - inset, 0.0), (w, h), (0.0, h)];
    let flat = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    let m = homography(&seen, &flat);
    map_pixels(img.width, img.height, |x, y| {
        let d = m[6] * x + m[7] * y + 1.0;
        img.sample((m[0] * x + m[1] * y + m[2]) / d, (m[3] * x + m[4] * y + m[5]) / d)
    })
}

/// The homography taking each `from` corner to its `to` corner.
fn homography(from: &[(f32, f32); 4], to: &[(f32, f32); 4]) -> [f32; 8] {
    let mut a = [[0f64; 9]; 8];
    for (i, (&(x, y), &(u, v))) in from.iter().zip(to).enumerate() {
        let (x, y, u, v) = (f64::from(x), f64::from(y), f64::from(u), f64::from(v));
        a[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        a[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    // Gauss-Jordan elimination with partial pivoting.
    for col in 0..8 {
        let pivot = (col..8)
            .max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        let pivot_row = a[col];
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                row.iter_mut().zip(pivot_row).for_each(|(v, p)| *v -= f * p);
            }
        }
    }
    std::array::from_fn(|i| (a[i][8] / a[i][i]) as f32)
}

/// A photo-like `width`×`height` scene (a lit gradient, soft blobs, grain)
/// with `code` pasted at (x, y). The smooth part is computed on a grid of
/// 8×8-pixel cells and interpolated.
pub fn in_photo(code: &Gray, width: u32, height: u32, at: (u32, u32), seed: u64) -> Gray {
    let mut rng = SplitMix(seed);
    let (w, h) = (width as f32, height as f32);
    let blobs: Vec<[f32; 4]> = (0..12)
        .map(|_| {
            [
                rng.unit() * w,
                rng.unit() * h,
                20.0 + rng.unit() * 80.0,
                rng.unit() * 120.0 - 60.0,
            ]
        })
        .collect();
    let coarse = map_pixels(width / 8 + 2, height / 8 + 2, |cx, cy| {
        let (x, y) = (cx * 8.0, cy * 8.0);
        let lit = 60.0 + 140.0 * (x / w + y / h) / 2.0;
        let blobs: f32 = blobs
            .iter()
            .map(|[bx, by, r, amp]| amp * (-((x - bx).powi(2) + (y - by).powi(2)) / (r * r)).exp())
            .sum();
        lit + blobs
    });
    let mut photo = map_pixels(width, height, |x, y| coarse.sample(x / 8.0, y / 8.0));
    photo.paste(code, at.0, at.1);
    noise(&photo, 8.0, seed ^ 0x5EED)
}

fn clamp(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

fn map_pixels(width: u32, height: u32, mut f: impl FnMut(f32, f32) -> f32) -> Gray {
    let mut pixels = Vec::with_capacity((width * height) as usize);
    for y in 0..height {
        for x in 0..width {
            pixels.push(clamp(f(x as f32, y as f32)));
        }
    }
    Gray { width, height, pixels }
}
