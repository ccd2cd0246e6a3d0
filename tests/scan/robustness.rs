//! The robustness set: every sample code drawn at 4 px per module on a
//! 300×300 white image, then transformed as a camera or a copy might, each
//! image read by our scanner and by zbarimg from the same file. We must read
//! every image zbarimg reads; the printed table (rates of both) is the one
//! in README.md.

use qrcred::{Limits, scan_image};

use crate::samples::{KINDS, Zbarimg, code, draw, jpeg, png};
use crate::transform::*;

/// One test image as a file.
struct Image {
    bytes: Vec<u8>,
    ext: &'static str,
}

fn as_png(img: Gray) -> Image {
    Image {
        bytes: png(&img),
        ext: "png",
    }
}

/// A transformation: its name in the table, and its variants of an image
/// (the second argument seeds the noise).
type Transformation = (&'static str, fn(&Gray, u64) -> Vec<Image>);

const SET: [Transformation; 13] = [
    ("none", |img, _| vec![as_png(img.clone())]),
    ("rotation 5°–45° (steps of 5°)", |img, _| {
        (1..=9).map(|i| as_png(rotate(img, 5.0 * i as f32))).collect()
    }),
    ("scaled to 3.5, 3, 2.5, 2 px per module", |img, _| {
        [0.875, 0.75, 0.625, 0.5]
            .iter()
            .map(|&f| as_png(scale(img, f)))
            .collect()
    }),
    ("Gaussian blur σ = 0.5–2.5 px", |img, _| {
        [0.5, 1.0, 1.5, 2.0, 2.5]
            .iter()
            .map(|&s| as_png(gaussian_blur(img, s)))
            .collect()
    }),
    ("Gaussian noise σ = 10–60 grey levels", |img, seed| {
        (1..=6).map(|i| as_png(noise(img, 10.0 * i as f32, seed + i))).collect()
    }),
    ("low contrast: black/white as 60/200 … 120/140", |img, _| {
        let levels = [(60, 200), (80, 180), (100, 160), (110, 150), (120, 140)];
        levels.iter().map(|&(d, l)| as_png(contrast(img, d, l))).collect()
    }),
    ("JPEG quality 40 at 4, 3, 2 px per module", |img, _| {
        let sizes = [1.0, 0.75, 0.5];
        sizes
            .iter()
            .map(|&f| Image {
                bytes: jpeg(&scale(img, f), 40),
                ext: "jpg",
            })
            .collect()
    }),
    ("perspective tilt: top edge 90 % … 50 % wide", |img, _| {
        [0.9, 0.8, 0.7, 0.6, 0.5]
            .iter()
            .map(|&t| as_png(tilt(img, t)))
            .collect()
    }),
    ("inverted: plain, blurred σ = 1, noisy σ = 20", |img, seed| {
        let inverted = invert(img);
        vec![
            as_png(inverted.clone()),
            as_png(gaussian_blur(&inverted, 1.0)),
            as_png(noise(&inverted, 20.0, seed)),
        ]
    }),
    ("heavy blur: Gaussian σ = 2–3 px", |img, _| {
        [2.0, 2.25, 2.5, 2.75, 3.0]
            .iter()
            .map(|&s| as_png(gaussian_blur(img, s)))
            .collect()
    }),
    (
        "small modules: scaled to 2, 1.75, 1.5, 1.25, 1 px per module",
        |img, _| {
            [0.5, 0.4375, 0.375, 0.3125, 0.25]
                .iter()
                .map(|&f| as_png(scale(img, f)))
                .collect()
        },
    ),
    ("heavy perspective: top edge 60 % … 40 % wide", |img, _| {
        [0.6, 0.55, 0.5, 0.45, 0.4]
            .iter()
            .map(|&t| as_png(tilt(img, t)))
            .collect()
    }),
    (
        "inside an 800×600 photo-like scene, 4 and 3 px per module",
        |img, seed| {
            let small = scale(img, 0.75);
            vec![
                as_png(in_photo(img, 800, 600, (250, 150), seed)),
                as_png(in_photo(img, 800, 600, (20, 280), seed + 1)),
                as_png(in_photo(&small, 800, 600, (520, 40), seed + 2)),
            ]
        },
    ),
];

/// How one transformation went: images, read by us, read by zbarimg.
#[derive(Default)]
struct Tally {
    images: usize,
    ours: usize,
    zbarimg: usize,
}

fn rate(n: usize, of: usize) -> String {
    format!("{n}/{of} ({:.0} %)", 100.0 * n as f64 / of as f64)
}

/// Reads every variant of every code with both scanners; returns the tally
/// and the images zbarimg read and we did not.
fn run(index: usize, (name, variants): Transformation, codes: &[String], compare: bool) -> (Tally, Vec<String>) {
    let mut zbarimg = compare.then(|| Zbarimg::new(&format!("robustness-{index}")));
    let mut tally = Tally::default();
    let mut misses = Vec::new();
    for (kind, text) in KINDS.iter().zip(codes) {
        let images = variants(&draw(text, 4, 300), 7 + index as u64);
        for (i, image) in images.iter().enumerate() {
            let ours = scan_image(&image.bytes, &Limits::DEFAULT).expect("a readable image");
            let we_read = ours == [text.clone()];
            let they_read = zbarimg.as_mut().is_some_and(|z| z.reads(&image.bytes, image.ext, text));
            if they_read && !we_read {
                misses.push(format!("{name}, variant {i}, {kind}: we read {ours:?}"));
            }
            tally.images += 1;
            tally.ours += usize::from(we_read);
            tally.zbarimg += usize::from(they_read);
        }
    }
    (tally, misses)
}

#[test]
fn reads_every_image_zbarimg_reads() {
    // Without zbarimg our scanner still reads every image; only the comparison is skipped.
    let compare = crate::outside::zbarimg("tests/scan robustness: the comparison with zbarimg");
    let codes: Vec<String> = KINDS.iter().map(|kind| code(kind)).collect();
    let results: Vec<(Tally, Vec<String>)> = std::thread::scope(|scope| {
        let runs: Vec<_> = (SET.iter().enumerate())
            .map(|(i, &transformation)| {
                scope.spawn({
                    let codes = &codes;
                    move || run(i, transformation, codes, compare)
                })
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("a transformation ran"))
            .collect()
    });
    let mut table = String::from("| transformation | images | qrcred | zbarimg |\n|---|---|---|---|\n");
    for ((name, _), (tally, _)) in SET.iter().zip(&results) {
        let ours = rate(tally.ours, tally.images);
        let theirs = if compare {
            rate(tally.zbarimg, tally.images)
        } else {
            "skipped".into()
        };
        table.push_str(&format!("| {name} | {} | {ours} | {theirs} |\n", tally.images));
    }
    println!("{table}");
    let misses: Vec<&String> = results.iter().flat_map(|(_, misses)| misses).collect();
    assert!(misses.is_empty(), "zbarimg read images we did not:\n{misses:#?}");
    assert_eq!(results[0].0.ours, KINDS.len(), "every untransformed code reads");
    let total: usize = results.iter().map(|(tally, _)| tally.images).sum();
    assert_eq!(total, 5 * 59, "the set has 59 variants of each code");
}
