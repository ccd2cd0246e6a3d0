//! Scanning speed: a 300×300 greyscale image of a 262-character code (QR
//! version 9-M, 4 px per module), as a camera frame and as a PNG file; the
//! same image without a code (every pass runs); and a 1280×720 frame with
//! the code in a photo-like scene, and that scene without the code; the
//! code blurred (σ = 2.25 px) and at 1.5 px modules, read by the sharpened
//! and the doubled pass. Hostile frames: walls of finder patterns
//! (1, 2 and 3 px modules with a gap of one module) and 1:1:3:1:1 stripes,
//! at 1920×1080 and at 4096×4096 (the default `max_image_pixels`).
//!
//! `cargo bench --bench scan`

use criterion::{Criterion, criterion_group, criterion_main};
use qrcred::{EccLevel, Limits, QrCode, scan_image, scan_luma};
use std::hint::black_box;

#[allow(dead_code)]
#[path = "../tests/scan/transform.rs"]
mod transform;

use transform::{Gray, SplitMix, draw_modules, finder_wall, in_photo};

/// "QC1:" and 258 characters of the Base45 alphabet: 262 in all, the
/// alphanumeric capacity of version 9-M.
fn text() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let mut rng = SplitMix(262);
    let tail: String = (0..258)
        .map(|_| char::from(ALPHABET[(rng.next_u64() % 45) as usize]))
        .collect();
    format!("QC1:{tail}")
}

fn code_image(text: &str) -> Gray {
    let symbol = QrCode::encode(text, EccLevel::M).expect("fits");
    assert_eq!(symbol.version(), 9, "version 9-M");
    let size = symbol.size();
    let modules: Vec<bool> = (0..size * size).map(|i| symbol.is_dark(i % size, i / size)).collect();
    draw_modules(&modules, size as u32, 4, 300)
}

fn png(img: &Gray) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, img.width, img.height);
    encoder.set_color(png::ColorType::Grayscale);
    let mut writer = encoder.write_header().expect("header");
    writer.write_image_data(&img.pixels).expect("data");
    writer.finish().expect("end");
    bytes
}

/// Vertical stripes in the ratio 1:1:3:1:1, `module` px per unit.
fn stripes(width: usize, height: usize, module: usize) -> Vec<u8> {
    const BARS: [u8; 8] = [0, 255, 0, 0, 0, 255, 0, 255];
    (0..width * height).map(|i| BARS[i % width / module % 8]).collect()
}

fn hostile(c: &mut Criterion) {
    let limits = Limits::DEFAULT;
    let mut group = c.benchmark_group("hostile frames");
    group.sample_size(10);
    for (width, height) in [(1920usize, 1080usize), (4096, 4096)] {
        for module in 1..=3 {
            let wall = finder_wall(width as u32, height as u32, module as u32, module as u32).pixels;
            for (name, pixels) in [("wall", wall), ("stripes", stripes(width, height, module))] {
                let (w, h) = (width as u32, height as u32);
                assert_eq!(scan_luma(w, h, &pixels, &limits).map(|t| t.len()), Ok(0));
                group.bench_function(format!("scan_luma {width}x{height} {name}, {module} px"), |b| {
                    b.iter(|| scan_luma(w, h, black_box(&pixels), &limits))
                });
            }
        }
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let text = text();
    let img = code_image(&text);
    let limits = Limits::DEFAULT;
    let found = scan_luma(img.width, img.height, &img.pixels, &limits).expect("scans");
    assert_eq!(found, [text.as_str()], "the benchmark image reads");
    c.bench_function("scan_luma 300x300, 262-char code (9-M)", |b| {
        b.iter(|| scan_luma(300, 300, black_box(&img.pixels), &limits))
    });
    let file = png(&img);
    c.bench_function("scan_image 300x300 PNG, 262-char code", |b| {
        b.iter(|| scan_image(black_box(&file), &limits))
    });
    let blank = transform::noise(&Gray::filled(300, 300, 200), 10.0, 1);
    c.bench_function("scan_luma 300x300, no code (all passes)", |b| {
        b.iter(|| scan_luma(300, 300, black_box(&blank.pixels), &limits))
    });
    let frame = in_photo(&img, 1280, 720, (600, 200), 5);
    let found = scan_luma(frame.width, frame.height, &frame.pixels, &limits).expect("scans");
    assert_eq!(found, [text.as_str()], "the camera frame reads");
    c.bench_function("scan_luma 1280x720 frame, 262-char code", |b| {
        b.iter(|| scan_luma(1280, 720, black_box(&frame.pixels), &limits))
    });
    // What a scanner sees between guests: the scene without a code.
    let empty = in_photo(&Gray::filled(16, 16, 200), 1280, 720, (600, 200), 5);
    assert_eq!(scan_luma(1280, 720, &empty.pixels, &limits).map(|t| t.len()), Ok(0));
    c.bench_function("scan_luma 1280x720 frame, no code", |b| {
        b.iter(|| scan_luma(1280, 720, black_box(&empty.pixels), &limits))
    });
    // Read by the later passes: sharpened (blur), doubled (small modules).
    for (name, hard) in [
        (
            "blurred σ = 2.25 px (sharpened pass)",
            transform::gaussian_blur(&img, 2.25),
        ),
        ("1.5 px modules (doubled pass)", transform::scale(&img, 0.375)),
    ] {
        let found = scan_luma(hard.width, hard.height, &hard.pixels, &limits).expect("scans");
        assert_eq!(found, [text.as_str()], "{name} reads");
        c.bench_function(&format!("scan_luma 300x300 code, {name}"), |b| {
            b.iter(|| scan_luma(hard.width, hard.height, black_box(&hard.pixels), &limits))
        });
    }
}

criterion_group!(benches, bench, hostile);
criterion_main!(benches);
