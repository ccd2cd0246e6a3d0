//! Hostile input: every refusal is a typed error with its code, nothing
//! panics, and an image's size is refused from its header.

use qrcred::{Limits, scan_image, scan_luma};

use crate::samples::{code, draw, jpeg, png};
use crate::transform::{Gray, SplitMix, finder_wall, noise};

fn scan_code(bytes: &[u8]) -> Result<usize, &'static str> {
    scan_image(bytes, &Limits::DEFAULT)
        .map(|texts| texts.len())
        .map_err(|e| e.code())
}

fn luma_code(width: u32, height: u32, pixels: &[u8]) -> Result<usize, &'static str> {
    scan_luma(width, height, pixels, &Limits::DEFAULT)
        .map(|texts| texts.len())
        .map_err(|e| e.code())
}

fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = SplitMix(seed);
    (0..len).map(|_| rng.next_u64() as u8).collect()
}

#[test]
fn random_bytes_are_an_unsupported_format() {
    for (seed, len) in [(1, 0), (2, 1), (3, 7), (4, 100), (5, 100_000)] {
        let mut bytes = random_bytes(seed, len);
        if bytes.first() == Some(&0x89) || bytes.first() == Some(&0xFF) {
            bytes[0] = 0;
        }
        assert_eq!(scan_code(&bytes), Err("scan.unsupported_format"), "{len} bytes");
    }
}

#[test]
fn random_bytes_behind_a_signature_are_an_invalid_image() {
    for (signature, seed) in [(&b"\x89PNG\r\n\x1a\n"[..], 10), (&[0xFF, 0xD8, 0xFF][..], 20)] {
        for len in [0, 1, 20, 5000] {
            let bytes = [signature, &random_bytes(seed + len as u64, len)].concat();
            assert_eq!(scan_code(&bytes), Err("scan.invalid_image"), "{signature:x?} + {len}");
        }
    }
}

#[test]
fn truncated_files_are_refused_or_read_without_panic() {
    let img = draw(&code("recovery"), 4, 300);
    for file in [png(&img), jpeg(&img, 90)] {
        for cut in (0..file.len()).step_by(97).chain([file.len() - 1]) {
            match scan_code(&file[..cut]) {
                Err("scan.invalid_image" | "scan.unsupported_format") | Ok(_) => {}
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
    }
    // A PNG cut in the middle of its pixel data is refused. (A JPEG cut
    // short decodes with its missing part grey, as camera files often are.)
    let file = png(&img);
    assert_eq!(scan_code(&file[..file.len() / 2]), Err("scan.invalid_image"));
}

#[test]
fn flipped_bytes_never_panic() {
    let img = draw(&code("access_pass"), 4, 300);
    let mut rng = SplitMix(99);
    for file in [png(&img), jpeg(&img, 60)] {
        for _ in 0..150 {
            let mut bytes = file.clone();
            for _ in 0..1 + rng.next_u64() % 4 {
                let at = (rng.next_u64() as usize) % bytes.len();
                bytes[at] ^= 1 << (rng.next_u64() % 8);
            }
            match scan_code(&bytes) {
                Ok(_) | Err("scan.invalid_image" | "scan.unsupported_format" | "limits.image_too_large") => {}
                other => panic!("{other:?}"),
            }
        }
    }
}

/// A PNG that is only a signature and an IHDR chunk for `width`×`height`
/// 8-bit grey pixels.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut chunk = b"IHDR".to_vec();
    chunk.extend(width.to_be_bytes());
    chunk.extend(height.to_be_bytes());
    chunk.extend([8, 0, 0, 0, 0]);
    let crc = crc32(&chunk);
    [
        &b"\x89PNG\r\n\x1a\n"[..],
        &13u32.to_be_bytes(),
        &chunk,
        &crc.to_be_bytes(),
    ]
    .concat()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_huge_image_is_refused_from_its_header() {
    assert_eq!(scan_code(&png_header(100_000, 100_000)), Err("limits.image_too_large"));
    let err = scan_image(&png_header(100_000, 100_000), &Limits::DEFAULT).expect_err("too large");
    assert!(err.to_string().contains("100000×100000"), "{err}");
    // A real JPEG whose frame header is patched to 65535×65535.
    let mut file = jpeg(&Gray::filled(16, 16, 255), 90);
    let sof = file
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline frame header");
    file[sof + 5..sof + 9].copy_from_slice(&[0xFF; 4]);
    assert_eq!(scan_code(&file), Err("limits.image_too_large"));
    // The limit is configurable, and inclusive.
    let small = png(&Gray::filled(100, 100, 255));
    let limits = Limits::DEFAULT.with_max_image_pixels(9_999);
    assert_eq!(
        scan_image(&small, &limits).expect_err("over").code(),
        "limits.image_too_large"
    );
    assert_eq!(scan_image(&small, &limits.with_max_image_pixels(10_000)), Ok(vec![]));
    let limits = Limits::DEFAULT.with_max_image_pixels(99);
    assert_eq!(
        scan_luma(10, 10, &[0; 100], &limits).expect_err("over").code(),
        "limits.image_too_large"
    );
}

#[test]
fn zero_size_and_mismatched_buffers_are_typed_errors() {
    assert_eq!(luma_code(0, 0, &[]), Err("scan.empty_image"));
    assert_eq!(luma_code(0, 7, &[]), Err("scan.empty_image"));
    assert_eq!(luma_code(0, 7, &[1]), Err("scan.buffer_size"));
    assert_eq!(luma_code(10, 10, &[0; 99]), Err("scan.buffer_size"));
    assert_eq!(luma_code(10, 10, &[0; 101]), Err("scan.buffer_size"));
    assert_eq!(luma_code(u32::MAX, u32::MAX, &[0; 16]), Err("scan.buffer_size"));
    assert_eq!(luma_code(65_536, 65_536, &[]), Err("scan.buffer_size"));
    // A PNG header claiming zero pixels.
    assert_eq!(scan_code(&png_header(0, 10)), Err("scan.invalid_image"));
}

#[test]
fn tiny_flat_and_noisy_images_give_no_text() {
    for (w, h) in [(1, 1), (1, 500), (500, 1), (3, 3), (21, 21), (41, 41), (43, 90)] {
        for value in [0, 128, 255] {
            assert_eq!(
                luma_code(w, h, &vec![value; (w * h) as usize]),
                Ok(0),
                "{w}×{h} of {value}"
            );
        }
        let noisy = noise(&Gray::filled(w, h, 128), 80.0, u64::from(w * h));
        assert_eq!(luma_code(w, h, &noisy.pixels), Ok(0), "{w}×{h} noise");
    }
}

#[test]
fn a_wall_of_finder_patterns_is_scanned_in_bounded_work() {
    // 7×7-module finder patterns with a 2-module gap, 3 px per module:
    // thousands of candidate patterns, millions of triples.
    let n = 1200u32;
    let wall = finder_wall(n, n, 3, 6);
    assert_eq!(luma_code(n, n, &wall.pixels), Ok(0));
}

#[test]
fn the_largest_wall_the_limits_allow_is_answered() {
    // 4096×4096 is the default max_image_pixels: the finder search stops at
    // its caps (src/qr/scan/finder.rs pins the work), so this answers in
    // tens of milliseconds where it took minutes (README, Scanning).
    let file = png(&finder_wall(4096, 4096, 1, 1));
    assert!(file.len() < 64 * 1024, "a small file: {} bytes", file.len());
    assert_eq!(scan_code(&file), Ok(0));
    let frame = png(&finder_wall(1920, 1920, 1, 1));
    assert_eq!(scan_code(&frame), Ok(0));
}
