//! Rendering: alphanumeric mode, sizes, and the three output forms agree.

use super::*;

/// A 262-character code-like text (the upper bound for version 9-M).
fn text(len: usize) -> String {
    "QC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE$VK G2EHRJF6$GP4T 0O06W9I7R$/0HN0QA7-1FKX"
        .chars()
        .cycle()
        .take(len)
        .collect()
}

#[test]
fn alphanumeric_mode_gives_the_smallest_version() {
    // Byte mode would need version 13 for 262 characters at M (9-M holds 180 bytes).
    for (len, ecc, version) in [
        (221, EccLevel::M, 8),
        (222, EccLevel::M, 9),
        (262, EccLevel::M, 9),
        (263, EccLevel::M, 10),
        (262, EccLevel::L, 8),
        (262, EccLevel::Q, 12),
        (262, EccLevel::H, 14),
        (4296, EccLevel::L, 40),
    ] {
        let code = QrCode::encode(&text(len), ecc).expect("encodes");
        assert_eq!(
            (len, code.version(), code.size()),
            (len, version, 17 + 4 * version as usize)
        );
    }
}

#[test]
fn refusals() {
    let e = QrCode::encode("QC1:abc", EccLevel::M).expect_err("lower case");
    assert_eq!(e, RenderError::NotAlphanumeric { position: 4 }.into());
    let e = QrCode::encode(&text(4297), EccLevel::L).expect_err("too long");
    assert_eq!(e.code(), "render.too_long");
    let code = QrCode::encode(&text(40), EccLevel::M).expect("encodes");
    for bad in [
        RenderOptions::DEFAULT.with_module_px(0),
        RenderOptions::DEFAULT.with_quiet_zone(17),
    ] {
        assert_eq!(code.to_png(&bad).expect_err("options").code(), "render.invalid_options");
    }
}

#[test]
fn png_matches_luma_pixel_for_pixel() {
    let code = QrCode::encode(&text(262), EccLevel::M).expect("encodes");
    for px in [1, 3, 4, 8] {
        let options = RenderOptions::DEFAULT.with_module_px(px);
        let (width, luma) = code.to_luma(&options).expect("luma");
        assert_eq!(width as usize, (code.size() + 8) * px as usize);
        let png = code.to_png(&options).expect("png");
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .expect("png header");
        let info = reader.info();
        assert_eq!(
            (info.width, info.bit_depth, info.color_type),
            (width, png::BitDepth::One, png::ColorType::Grayscale)
        );
        let mut raw = vec![0; reader.output_buffer_size().expect("size")];
        reader.next_frame(&mut raw).expect("frame");
        let row_bytes = (width as usize).div_ceil(8);
        for (i, &l) in luma.iter().enumerate() {
            let (y, x) = (i / width as usize, i % width as usize);
            let bit = raw[y * row_bytes + x / 8] & (0x80 >> (x % 8)) != 0;
            assert_eq!(bit, l == 255, "pixel {x},{y} at {px} px");
        }
    }
}

#[test]
fn svg_and_terminal_draw_every_dark_module() {
    let code = QrCode::encode(&text(100), EccLevel::Q).expect("encodes");
    let dark = (0..code.size())
        .flat_map(|y| (0..code.size()).map(move |x| (x, y)))
        .filter(|&(x, y)| code.is_dark(x, y))
        .count();
    let svg = code.to_svg(&RenderOptions::DEFAULT).expect("svg");
    let path = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|p| p.split('"').next())
        .expect("path");
    // Each run is "M{x} {y}h{len}v1h-{len}z".
    let drawn: usize = path
        .split('z')
        .filter(|run| !run.is_empty())
        .map(|run| {
            let len = run.split('h').nth(1).and_then(|h| h.strip_suffix("v1"));
            len.and_then(|n| n.parse::<usize>().ok()).expect("run")
        })
        .sum();
    assert_eq!(drawn, dark);
    let side = (code.size() + 8) * 4;
    assert!(svg.starts_with(&format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{side}\"")));
    let terminal = code.to_terminal(4);
    let lines: Vec<&str> = terminal.lines().collect();
    assert_eq!(lines.len(), (code.size() + 8).div_ceil(2));
    let cells = |l: &str| l.chars().filter(|c| matches!(c, '█' | '▀' | '▄' | ' ')).count();
    assert!(lines.iter().all(|l| cells(l) == code.size() + 8));
    // Dark modules are the black background: spaces and half blocks.
    let dark_halves: usize = lines
        .iter()
        .flat_map(|l| l.chars())
        .map(|c| match c {
            ' ' => 2,
            '▀' | '▄' => 1,
            _ => 0,
        })
        .sum();
    assert_eq!(dark_halves, dark);
}
