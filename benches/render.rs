//! Rendering speed: a 261-character code (the sample test result, QR 9-M)
//! to a QR symbol and to PNG bytes. Target: symbol + PNG ≤ 0.3 ms.
//!
//! `cargo bench --bench render`

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use qrcred::{Credential, EccLevel, Issuer, IssuerKey, QrCode, RenderOptions};

fn sample_code() -> String {
    let json = include_str!("../examples/credentials/test_result.json");
    let credential: Credential = serde_json::from_str(json).expect("sample");
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc();
    Issuer::new(IssuerKey::from_seed(&[1; 32]), "CN-SN-XA")
        .issue(&credential, TimeDelta::hours(72), now)
        .expect("issues")
}

fn render(c: &mut Criterion) {
    let text = sample_code();
    let options = RenderOptions::DEFAULT;
    let symbol = QrCode::encode(&text, EccLevel::M).expect("encodes");
    println!("code: {} characters, QR version {}-M", text.len(), symbol.version());
    let mut group = c.benchmark_group("render");
    group.bench_function("encode (text to QR symbol)", |b| {
        b.iter(|| QrCode::encode(black_box(&text), EccLevel::M))
    });
    group.bench_function("png (symbol to PNG bytes, 4 px)", |b| {
        b.iter(|| black_box(&symbol).to_png(&options))
    });
    group.bench_function("render_png (text to PNG bytes)", |b| {
        b.iter(|| qrcred::render_png(black_box(&text), &options))
    });
    group.bench_function("svg (symbol to SVG)", |b| {
        b.iter(|| black_box(&symbol).to_svg(&options))
    });
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
