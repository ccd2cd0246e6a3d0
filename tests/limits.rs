//! Hostile inputs are refused with a `limits.*` code, cheaply: a counting
//! allocator checks that no hostile code makes the library allocate more
//! than 1 MiB beyond the input it was handed, and no hostile trust bundle
//! more than a legitimate bundle of a million revocations needs
//! ([`BUNDLE_PEAK`]).

use std::io::Write;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{BirthDate, Colour, Credential, CredentialBody, HealthStatus, Issuer, IssuerKey, Subject};
use qrcred::{Limits, RuleSet, TrustState, TrustStore, TrustedKey, Verifier};

#[path = "support/counting.rs"]
mod counting;
#[cfg(feature = "scan")]
#[allow(dead_code)]
#[path = "scan/transform.rs"]
mod transform;
use counting::{SERIAL, peak_during};

const MIB: usize = 1 << 20;

/// What loading the bundle of 1,000,000 revocations allocates beyond its
/// 8 MB file (`tests/bundle_scale.rs` measured 23.2 MiB): no hostile bundle
/// may cost more than the largest legitimate one of the README's scale.
const BUNDLE_PEAK: usize = 23 * MIB;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

fn key() -> IssuerKey {
    IssuerKey::from_seed(&[1; 32])
}

fn verifier() -> Verifier<TrustStore> {
    Verifier::new(TrustStore::new().with(TrustedKey::new(*key().public_key(), "CN-SN-XA")))
}

/// A correctly signed COSE_Sign1 around `payload` (so only the payload is hostile).
fn signed(payload: &[u8]) -> Vec<u8> {
    let bstr = |b: &[u8]| {
        let mut out = match b.len() {
            n @ 0..=23 => vec![0x40 | n as u8],
            n @ 24..=255 => vec![0x58, n as u8],
            n => vec![0x59, (n >> 8) as u8, n as u8],
        };
        out.extend_from_slice(b);
        out
    };
    let mut protected = vec![0xa2, 0x01, 0x27, 0x04];
    protected.extend(bstr(&key().kid().0));
    let mut tbs = vec![0x84, 0x6a];
    tbs.extend_from_slice(b"Signature1");
    tbs.extend(bstr(&protected));
    tbs.extend(bstr(qrcred::layers::Document::Code.external_aad()));
    tbs.extend(bstr(payload));
    let mut out = vec![0xd2, 0x84];
    out.extend(bstr(&protected));
    out.push(0xa0);
    out.extend(bstr(payload));
    out.extend(bstr(&key().sign(&tbs)));
    out
}

fn refused_cheaply(input_len: usize, f: impl FnOnce() -> qrcred::Result<qrcred::Verified>) -> &'static str {
    let (result, peak) = peak_during(f);
    let code = result.expect_err("must be refused").code();
    assert!(
        peak <= input_len + MIB,
        "{code}: allocated {peak} bytes for {input_len} bytes of input"
    );
    code
}

#[test]
fn a_64_mib_inflate_bomb() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; 64 * MIB]).expect("write");
    let bomb = z.finish().expect("finish");
    let v = verifier();
    assert_eq!(
        refused_cheaply(bomb.len(), || v.verify_bytes(&bomb, now())),
        "limits.inflated_too_large"
    );
}

#[test]
fn cbor_nested_10000_deep() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut deep = vec![0x81; 10_000];
    deep.push(0x00);
    let cose = signed(&deep);
    let v = verifier();
    assert_eq!(
        refused_cheaply(cose.len(), || v.verify_bytes(&cose, now())),
        "limits.cbor_too_deep"
    );
    // Unsigned, in the COSE structure itself.
    let mut outer = vec![0xd2];
    outer.extend(vec![0x81; 10_000]);
    outer.push(0x00);
    assert_eq!(
        refused_cheaply(outer.len(), || v.verify_bytes(&outer, now())),
        "limits.cbor_too_deep"
    );
}

#[test]
fn a_10_mib_text() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let text = format!("QC1:{}", "0".repeat(10 * MIB));
    let v = verifier();
    assert_eq!(
        refused_cheaply(text.len(), || v.verify(&text, now())),
        "limits.text_too_long"
    );
}

#[test]
fn a_cose_structure_claiming_a_4_gib_string() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let v = verifier();
    for claim in [
        // The protected header bstr claims 4 GiB - 1.
        vec![0xd2, 0x84, 0x5a, 0xff, 0xff, 0xff, 0xff, 0xa0],
        // A valid start, then a 4 GiB payload.
        [&signed(b"\xa0")[..17], &[0x5a, 0xff, 0xff, 0xff, 0xff][..]].concat(),
        // 2^64 - 1 array items.
        vec![0xd2, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ] {
        assert_eq!(
            refused_cheaply(claim.len(), || v.verify_bytes(&claim, now())),
            "limits.cbor_length"
        );
    }
}

#[test]
fn a_valid_code_costs_little_too() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let credential = Credential {
        subject: Subject::new("王", "小明", BirthDate::Year(1990)),
        body: CredentialBody::HealthStatus(HealthStatus {
            colour: Colour::Green,
            reason: None,
        }),
    };
    let code = Issuer::new(key(), "CN-SN-XA")
        .issue(&credential, TimeDelta::hours(1), now())
        .expect("issues");
    let v = verifier();
    let (result, peak) = peak_during(|| v.verify(&code, now()));
    assert!(result.is_ok());
    assert!(peak < 64 * 1024, "verifying one code allocated {peak} bytes");
}

/// An image file whose header claims more pixels than `max_image_pixels`
/// is refused from that header, before any pixel buffer exists.
#[cfg(feature = "scan")]
#[test]
fn an_image_header_claiming_10_gigapixels() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut header = Vec::new();
    let mut encoder = png::Encoder::new(&mut header, 100_000, 100_000);
    encoder.set_color(png::ColorType::Rgba);
    drop(encoder.write_header().expect("signature and IHDR"));
    let (result, peak) = peak_during(|| qrcred::scan_image(&header, &qrcred::Limits::DEFAULT));
    assert_eq!(result.expect_err("too large").code(), "limits.image_too_large");
    assert!(peak < MIB, "refusing the header allocated {peak} bytes");
}

/// Reading and scanning a real image costs a few bytes per pixel: the
/// bound `Limits::max_image_pixels` documents (about 5 for RGBA PNG).
#[cfg(feature = "scan")]
#[test]
fn scanning_a_4_megapixel_rgba_png_allocates_under_6_bytes_per_pixel() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let side = 2048u32;
    // A low-contrast gradient, so that the contrast-stretch pass runs too.
    let rgba: Vec<u8> = (0..side * side)
        .flat_map(|i| {
            let v = (100 + (i % side) * 60 / side) as u8;
            [v, v, v, 255]
        })
        .collect();
    let file = png_file(side, side, png::ColorType::Rgba, &rgba);
    drop(rgba);
    let (result, peak) = peak_during(|| qrcred::scan_image(&file, &qrcred::Limits::DEFAULT));
    assert_eq!(result.expect("scans"), Vec::<String>::new());
    let pixels = (side * side) as usize;
    assert!(peak < 6 * pixels, "{} bytes per pixel", peak as f64 / pixels as f64);
    println!("peak {:.2} bytes per pixel", peak as f64 / pixels as f64);
}

/// The largest picture the default limits let through (4096×4096), a wall
/// of 1-px finder patterns with 1-px gaps in a 36 KB PNG: answered within
/// 200 MiB (README, Scanning, gives the peak this prints).
#[cfg(feature = "scan")]
#[test]
fn scanning_the_largest_wall_of_finder_patterns_stays_under_200_mib() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let wall = transform::finder_wall(4096, 4096, 1, 1);
    let file = png_file(wall.width, wall.height, png::ColorType::Grayscale, &wall.pixels);
    drop(wall);
    let (result, peak) = peak_during(|| qrcred::scan_image(&file, &qrcred::Limits::DEFAULT));
    assert_eq!(result.expect("scans"), Vec::<String>::new());
    assert!(peak < 200 * MIB, "peak {} MiB", peak / MIB);
    println!(
        "peak {:.1} MiB for a {} byte file",
        peak as f64 / MIB as f64,
        file.len()
    );
}

/// `pixels` (rows of `color` samples) as a PNG file.
#[cfg(feature = "scan")]
fn png_file(width: u32, height: u32, color: png::ColorType, pixels: &[u8]) -> Vec<u8> {
    let mut file = Vec::new();
    let mut encoder = png::Encoder::new(&mut file, width, height);
    encoder.set_color(color);
    let mut writer = encoder.write_header().expect("header");
    writer.write_image_data(pixels).expect("data");
    writer.finish().expect("end");
    file
}

/// A CBOR head: major type and argument, shortest form.
fn head(major: u8, n: u64) -> Vec<u8> {
    let m = major << 5;
    match n {
        0..=23 => vec![m | n as u8],
        24..=0xff => vec![m | 24, n as u8],
        0x100..=0xffff => [&[m | 25][..], &(n as u16).to_be_bytes()].concat(),
        0x1_0000..=0xffff_ffff => [&[m | 26][..], &(n as u32).to_be_bytes()].concat(),
        _ => [&[m | 27][..], &n.to_be_bytes()].concat(),
    }
}

/// `levels` containers nested in each other (arrays, or maps whose first
/// key is 0), each declaring as many elements as both the bytes left after
/// it and the `items` limit left can hold, padded with zeros to `len`
/// bytes: every declared count fits the input and the item budget, so only
/// reading the elements can find the input too large or too deep.
fn nested_declared(prefix: &[u8], levels: usize, map: bool, len: usize, items: usize) -> Vec<u8> {
    let mut out = prefix.to_vec();
    let per = if map { 2 } else { 1 };
    for level in 0..levels {
        let bytes_left = (len - out.len() - 9) / per;
        let items_left = (items - 2 * (level + 1) - prefix.len()) / per;
        out.extend(head(if map { 5 } else { 4 }, bytes_left.min(items_left) as u64));
        if map {
            out.push(0x00);
        }
    }
    out.resize(len, 0x00);
    out
}

/// One container declaring as many elements as the rest of `len` bytes
/// holds, whatever the item limit.
fn wide_declared(prefix: &[u8], map: bool, len: usize) -> Vec<u8> {
    nested_declared(prefix, 1, map, len, usize::MAX)
}

fn refused_code_cheaply(name: &str, input: &[u8], via_text: bool) -> &'static str {
    let v = verifier();
    let text = via_text.then(|| {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(input).expect("write");
        format!("QC1:{}", qrcred::layers::base45_encode(&z.finish().expect("finish")))
    });
    let (result, peak) = peak_during(|| match &text {
        Some(text) => v.verify(text, now()),
        None => v.verify_bytes(input, now()),
    });
    let code = result.expect_err("must be refused").code();
    eprintln!("{name}: {code}, peak {peak} bytes beyond the input");
    assert!(peak <= MIB, "{name} ({code}): allocated {peak} bytes");
    code
}

/// Codes of 16 KiB (the inflate cap) whose containers declare thousands of
/// elements, nested: nothing is reserved for elements not yet read.
#[test]
fn codes_declaring_huge_nested_arrays_and_maps() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let len = 16 * 1024;
    let items = Limits::DEFAULT.max_cbor_items;
    let nested_arrays = nested_declared(&[0xd2], 15, false, len, items);
    let nested_maps = nested_declared(&[0xd2], 15, true, len, items);
    for (name, input, code) in [
        (
            "array",
            wide_declared(&[0xd2], false, len),
            "limits.cbor_too_many_items",
        ),
        ("map", wide_declared(&[0xd2], true, len), "limits.cbor_too_many_items"),
        // Each declaring what the bytes left allow (8 MiB reserved before the fix).
        (
            "nested arrays, bytes",
            nested_declared(&[0xd2], 15, false, len, usize::MAX),
            "limits.cbor_too_many_items",
        ),
        (
            "nested maps, bytes",
            nested_declared(&[0xd2], 15, true, len, usize::MAX),
            "limits.cbor_too_many_items",
        ),
        // Each declaring what the item limit has left: read until it runs out.
        ("nested arrays", nested_arrays.clone(), "limits.cbor_too_many_items"),
        // The innermost map is read whole: its keys are all 0.
        ("nested maps", nested_maps.clone(), "cbor.duplicate_key"),
    ] {
        for via_text in [false, true] {
            assert_eq!(refused_code_cheaply(name, &input, via_text), code, "{name}");
        }
    }
    // The same inside a correctly signed payload (the claims layer).
    for (name, input) in [
        ("signed nested arrays", &nested_arrays[1..]),
        ("signed nested maps", &nested_maps[1..]),
    ] {
        let cose = signed(&input[..len - 200]);
        let code = refused_code_cheaply(name, &cose, false);
        assert!(
            code.starts_with("limits.") || code.starts_with("cbor."),
            "{name}: {code}"
        );
    }
}

fn root() -> IssuerKey {
    IssuerKey::from_seed(&[0xA0; 32])
}

fn refused_bundle_cheaply(name: &str, bytes: &[u8]) -> &'static str {
    let state = TrustState::new(&[*root().public_key()]);
    let (result, peak) = peak_during(|| state.check(bytes, now()));
    let code = result.expect_err("must be refused").code();
    eprintln!(
        "{name}: {} MiB file, {code}, peak {:.1} MiB beyond the file",
        bytes.len() >> 20,
        peak as f64 / MIB as f64
    );
    assert!(peak <= BUNDLE_PEAK, "{name} ({code}): allocated {peak} bytes");
    code
}

/// Bundle files of 16 MiB and of the default maximum (32 MiB) whose COSE
/// structure (read before the root signature is checked) declares millions
/// of elements: an array, a map, containers nested to the depth limit, and
/// a protected header holding such a map.
#[test]
fn bundles_declaring_huge_arrays_and_maps_before_the_signature() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (max, items) = (Limits::DEFAULT.max_bundle_len, Limits::DEFAULT.max_bundle_items);
    let protected_map = {
        let header = wide_declared(&[], true, 16 * MIB);
        let mut cose = vec![0xd2, 0x84];
        cose.extend(head(2, header.len() as u64));
        cose.extend(header);
        cose.extend([0xa0, 0x40, 0x58, 0x40]);
        cose.extend([0u8; 64]);
        cose
    };
    for (name, bytes, code) in [
        (
            "array",
            wide_declared(&[0xd2], false, 16 * MIB),
            "limits.cbor_too_many_items",
        ),
        (
            "array",
            wide_declared(&[0xd2], false, max),
            "limits.cbor_too_many_items",
        ),
        (
            "map",
            wide_declared(&[0xd2], true, 16 * MIB),
            "limits.cbor_too_many_items",
        ),
        ("map", wide_declared(&[0xd2], true, max), "limits.cbor_too_many_items"),
        (
            "nested arrays",
            nested_declared(&[0xd2], 40, false, max, items),
            "limits.cbor_too_deep",
        ),
        (
            "nested maps",
            nested_declared(&[0xd2], 40, true, max, items),
            "limits.cbor_too_deep",
        ),
        (
            "nested arrays",
            nested_declared(&[0xd2], 20, false, 16 * MIB, items),
            "limits.cbor_too_many_items",
        ),
        ("protected header map", protected_map, "limits.cbor_too_many_items"),
    ] {
        assert_eq!(refused_bundle_cheaply(name, &bytes), code, "{name}");
    }
}

/// A correctly signed bundle whose payload declares millions of elements in
/// its rule set (field 9), wide and nested as a rule set nests: refused by
/// the bounded reader before any field is read.
#[test]
fn signed_bundles_with_hostile_rule_sets() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let text = |s: &str| [head(3, s.len() as u64), s.as_bytes().to_vec()].concat();
    // {0: "qrcred-bundle", 1: 1, 2: 1, 3: t, 4: t + 1, 5: [], 6: h'', 7: {}, 9: ...}
    let mut start = head(5, 9);
    for (key, value) in [
        (0, text("qrcred-bundle")),
        (1, vec![0x01]),
        (2, vec![0x01]),
        (3, head(0, 1_790_000_000)),
        (4, head(0, 1_790_000_001)),
        (5, vec![0x80]),
        (6, vec![0x40]),
        (7, vec![0xa0]),
    ] {
        start.extend(head(0, key));
        start.extend(value);
    }
    start.push(0x09);
    let wide = wide_declared(&start, false, 4 * MIB);
    // {"require": {"all_of": [{"any_of": [...], ...
    let mut nested = start.clone();
    for level in 0..12 {
        nested.extend(
            [
                &[0xa1][..],
                &text("require"),
                &[0xa1],
                &text(["all_of", "any_of"][level % 2]),
            ]
            .concat(),
        );
        // Within the bundle item limit, so each level is read.
        let left = (4 * MIB - nested.len() - 9).min(Limits::DEFAULT.max_bundle_items - 8 * (level + 1));
        nested.extend(head(4, left as u64));
    }
    nested.resize(4 * MIB, 0);
    for (name, payload) in [("wide rule set", wide), ("nested rule set", nested)] {
        let bundle = qrcred::layers::sign_cose(payload, &root(), qrcred::layers::Document::Bundle).expect("signs");
        assert!(refused_bundle_cheaply(name, &bundle).starts_with("limits."), "{name}");
    }
}

/// A rule set file (JSON) nested 100,000 deep, holding 100,000
/// requirements, or as many as fit the length limit, is refused at little
/// cost.
#[test]
fn hostile_json_rule_sets() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let start = r#"{"version":1,"name":"n","require":"#;
    let many = |n: usize| {
        format!(
            r#"{start}{{"any_of":[{}{{"access_pass":{{}}}}]}}}}"#,
            r#"{"access_pass":{}},"#.repeat(n)
        )
    };
    let deep = format!("{start}{}", r#"{"all_of":["#.repeat(100_000));
    let longest = RuleSet::MAX_JSON_LEN;
    let fitting = many((longest - start.len() - 40) / 19);
    assert!(fitting.len() <= longest);
    for (name, json, code) in [
        ("deep", deep, "limits.field_too_long"),
        ("wide", many(100_000), "limits.field_too_long"),
        ("wide within the length limit", fitting, "rules.too_large"),
        (
            "deep within the length limit",
            format!("{start}{}", r#"{"all_of":["#.repeat(5000)),
            "rules.malformed",
        ),
    ] {
        let (result, peak) = peak_during(|| RuleSet::from_json(&json));
        let got = result.expect_err("must be refused").code();
        eprintln!(
            "{name} JSON rule set: {got}, peak {peak} bytes for {} bytes",
            json.len()
        );
        assert_eq!(got, code, "{name}");
        assert!(peak <= MIB, "{name}: allocated {peak} bytes");
    }
}

/// `n` arrays of one element nested around a 0.
fn nested_arrays(n: usize) -> Vec<u8> {
    let mut deep = vec![0x81; n];
    deep.push(0x00);
    deep
}

/// A caller asking for a depth above the ceiling gets `limits.out_of_range`
/// before any input is read, from every reader, so no input can recurse
/// deeper than the ceiling (before the ceiling, a million nested arrays
/// overflowed the stack here).
#[test]
fn a_depth_above_the_ceiling_is_refused_before_reading() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let deep = nested_arrays(1_000_000);
    for depth in [usize::MAX, 1_000_000, Limits::CBOR_DEPTH_CEILING + 1] {
        // Items too, or the item limit would stop the recursion first.
        let limits = Limits::DEFAULT
            .with_max_cbor_depth(depth)
            .with_max_cbor_items(2_000_000);
        assert_eq!(limits.check().map_err(|e| e.code()), Err("limits.out_of_range"));
        let verifier = verifier().with_limits(limits);
        let outer = [&[0xd2][..], &deep].concat();
        let inner = signed(&deep[deep.len() - 40_000..]);
        for input in [&outer, &inner] {
            let code = verifier.verify_bytes(input, now()).expect_err("refused").code();
            assert_eq!(code, "limits.out_of_range");
        }
        let code = verifier.verify("QC1:", now()).expect_err("refused").code();
        assert_eq!(code, "limits.out_of_range", "before the text is read");
        let state = TrustState::new(&[*root().public_key()]).with_limits(limits);
        let code = state.check(&outer, now()).expect_err("refused").code();
        assert_eq!(code, "limits.out_of_range");
        let code = qrcred::layers::check_cbor(&deep, &limits).expect_err("refused").code();
        assert_eq!(code, "limits.out_of_range");
    }
    assert!(
        Limits::DEFAULT
            .with_max_cbor_depth(Limits::CBOR_DEPTH_CEILING)
            .check()
            .is_ok()
    );
}

/// At the ceiling the readers fit a small stack (256 KiB, a quarter of
/// wasm's default): a code, a bundle and bare CBOR nested to the ceiling
/// are read, a million levels refused.
#[test]
fn the_depth_ceiling_fits_a_small_stack() {
    let reader = std::thread::Builder::new().stack_size(256 * 1024).spawn(|| {
        let limits = Limits::DEFAULT.with_max_cbor_depth(Limits::CBOR_DEPTH_CEILING);
        // The tag and 63 arrays: 64 levels.
        assert!(qrcred::layers::check_cbor(&[&[0xd2][..], &nested_arrays(63)].concat(), &limits).is_ok());
        let deep = nested_arrays(1_000_000);
        let code = qrcred::layers::check_cbor(&deep, &limits).expect_err("refused").code();
        assert_eq!(code, "limits.cbor_too_deep");
        let verifier = verifier().with_limits(limits);
        // The claims are nested to the ceiling: read, then refused as claims.
        let code = verifier
            .verify_bytes(&signed(&nested_arrays(63)), now())
            .expect_err("not claims")
            .code();
        assert_eq!(code, "claims.not_a_map");
        let code = verifier
            .verify_bytes(&signed(&deep[..40_001]), now())
            .expect_err("deep")
            .code();
        assert_eq!(code, "limits.cbor_too_deep");
        let state = TrustState::new(&[*root().public_key()]).with_limits(limits);
        let bundle =
            qrcred::layers::sign_cose(nested_arrays(63), &root(), qrcred::layers::Document::Bundle).expect("signs");
        assert_eq!(
            state.check(&bundle, now()).expect_err("not a bundle").code(),
            "trust.not_a_bundle"
        );
    });
    reader.expect("spawns").join().expect("no overflow");
}
