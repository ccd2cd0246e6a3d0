//! What `scan_luma`, `scan_image` and `Verifier::verify_image` promise:
//! every text, in reading order, once; file variants; one verification
//! result per code.

use qrcred::{Limits, Verifier, scan_image, scan_luma};

use crate::samples::{KINDS, code, draw, now, png, trust};
use crate::transform::Gray;

/// Four different codes in a 2×2 grid, the right column 12 px lower.
fn grid(texts: [&str; 4]) -> Gray {
    let mut sheet = Gray::filled(640, 640, 255);
    for (i, text) in texts.iter().enumerate() {
        let (col, row) = ((i % 2) as u32, (i / 2) as u32);
        sheet.paste(&draw(text, 4, 300), 10 + 320 * col, 10 + 320 * row + 12 * col);
    }
    sheet
}

#[test]
fn luma_and_png_give_the_same_text() {
    let text = code("vaccination");
    let img = draw(&text, 4, 300);
    let from_luma = scan_luma(img.width, img.height, &img.pixels, &Limits::DEFAULT).expect("scans");
    assert_eq!(from_luma, [text.as_str()]);
    assert_eq!(scan_image(&png(&img), &Limits::DEFAULT).expect("scans"), [text]);
}

#[test]
fn texts_come_top_to_bottom_then_left_to_right_each_once() {
    let codes: Vec<String> = KINDS[..4].iter().map(|kind| code(kind)).collect();
    let texts = [&*codes[0], &*codes[1], &*codes[2], &*codes[3]];
    let sheet = grid(texts);
    let found = scan_luma(sheet.width, sheet.height, &sheet.pixels, &Limits::DEFAULT).expect("scans");
    assert_eq!(found, texts);
    // The same code twice, and another: two texts.
    let sheet = grid([texts[0], texts[1], texts[0], texts[2]]);
    let found = scan_luma(sheet.width, sheet.height, &sheet.pixels, &Limits::DEFAULT).expect("scans");
    assert_eq!(found, [texts[0], texts[1], texts[2]]);
}

#[test]
fn every_qr_text_is_returned_not_only_qrcred_codes() {
    let texts = [
        "HELLO WORLD",
        "https://example.org/?q=1",
        "HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE",
        "x",
    ];
    let sheet = grid(texts);
    let found = scan_luma(sheet.width, sheet.height, &sheet.pixels, &Limits::DEFAULT).expect("scans");
    assert_eq!(found, texts);
}

#[test]
fn bytes_that_are_not_utf8_come_back_as_decoded_text() {
    let symbol = qrcode::QrCode::new([0xFF, 0xFE, 0x80, b'Q', b'C']).expect("fits");
    let modules: Vec<bool> = symbol.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect();
    let img = crate::transform::draw_modules(&modules, symbol.width() as u32, 6, 300);
    let found = scan_luma(img.width, img.height, &img.pixels, &Limits::DEFAULT).expect("scans");
    // Byte mode without an ECI is read as ISO 8859-1 (ISO 18004 default).
    assert_eq!(found, ["ÿþ\u{80}QC"]);
    let verifier = Verifier::new(trust());
    assert_eq!(
        verifier.verify(&found[0], now()).expect_err("refused").code(),
        "prefix.missing"
    );
}

#[test]
fn png_variants_read_one_bit_palette_alpha_and_sixteen_bit() {
    let text = code("health_status");
    let img = draw(&text, 4, 300);
    for (name, bytes) in png_variants(&img) {
        let found = scan_image(&bytes, &Limits::DEFAULT).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(found, [text.as_str()], "{name}");
    }
}

/// The image as 1-bit grey, 2-colour palette, RGBA with transparent light
/// modules, and 16-bit grey PNG files.
fn png_variants(img: &Gray) -> Vec<(&'static str, Vec<u8>)> {
    let dark: Vec<bool> = img.pixels.iter().map(|&p| p < 128).collect();
    let bits: Vec<u8> = dark
        .chunks(img.width as usize)
        .flat_map(|row| {
            row.chunks(8)
                .map(|c| c.iter().enumerate().fold(0, |b, (i, &d)| b | (u8::from(!d) << (7 - i))))
        })
        .collect();
    let indices: Vec<u8> = dark.iter().map(|&d| u8::from(d)).collect();
    let rgba: Vec<u8> = dark
        .iter()
        .flat_map(|&d| if d { [0, 0, 0, 255] } else { [0, 0, 0, 0] })
        .collect();
    let grey16: Vec<u8> = img.pixels.iter().flat_map(|&p| [p, p]).collect();
    use png::{BitDepth::*, ColorType::*};
    vec![
        ("1-bit grey", encode(img, Grayscale, One, &bits, None)),
        (
            "palette",
            encode(img, Indexed, Eight, &indices, Some(vec![255, 255, 255, 20, 20, 60])),
        ),
        ("RGBA", encode(img, Rgba, Eight, &rgba, None)),
        ("16-bit grey", encode(img, Grayscale, Sixteen, &grey16, None)),
    ]
}

fn encode(img: &Gray, color: png::ColorType, depth: png::BitDepth, data: &[u8], palette: Option<Vec<u8>>) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, img.width, img.height);
    encoder.set_color(color);
    encoder.set_depth(depth);
    if let Some(palette) = palette {
        encoder.set_palette(palette);
    }
    let mut writer = encoder.write_header().expect("header");
    writer.write_image_data(data).expect("data");
    writer.finish().expect("end");
    bytes
}

#[test]
fn verify_image_gives_one_result_per_code() {
    let foreign = qrcred::Issuer::new(qrcred::IssuerKey::from_seed(&[9; 32]), "XX");
    let credential = serde_json::from_str(include_str!("../../examples/credentials/recovery.json")).expect("sample");
    let untrusted = foreign
        .issue(&credential, chrono::TimeDelta::hours(24), now())
        .expect("issues");
    let trusted = code("test_result");
    let sheet = grid([&trusted, &untrusted, "HELLO", &trusted]);
    let verifier = Verifier::new(trust());
    let results = verifier.verify_image(&png(&sheet), now()).expect("readable");
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().expect("valid").kind(), qrcred::Kind::TestResult);
    assert_eq!(results[1].as_ref().expect_err("untrusted").code(), "key.unknown_kid");
    assert_eq!(results[2].as_ref().expect_err("not a code").code(), "prefix.missing");
    let blank = png(&Gray::filled(200, 100, 255));
    assert!(verifier.verify_image(&blank, now()).expect("readable").is_empty());
    let err = verifier.verify_image(b"GIF89a", now()).expect_err("not PNG or JPEG");
    assert_eq!(err.code(), "scan.unsupported_format");
}
