//! Scanning speed: a 300×300 greyscale image of a 262-character code (QR
//! version 9-M, 4 px per module), as a camera frame and as a PNG file; the
//! same image without a code (every pass runs); and a 1280×720 frame with
//! the code in a photo-like scene.
//!
//! `cargo bench --features scan --bench scan`

use criterion::{Criterion, criterion_group, criterion_main};
use qrcred::{Limits, scan_image, scan_luma};
use std::hint::black_box;

#[allow(dead_code)]
#[path = "../tests/scan/transform.rs"]
mod transform;

use transform::{Gray, SplitMix, draw_modules, in_photo};

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
    let symbol = qrcode::QrCode::with_version(text, qrcode::Version::Normal(9), qrcode::EcLevel::M).expect("fits 9-M");
    let modules: Vec<bool> = symbol.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect();
    draw_modules(&modules, symbol.width() as u32, 4, 300)
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
