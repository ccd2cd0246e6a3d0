//! Hostile inputs are refused with a `limits.*` code, cheaply: a counting
//! allocator checks that none makes the library allocate more than 1 MiB
//! beyond the input it was handed.

use std::io::Write;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{BirthDate, Colour, Credential, CredentialBody, HealthStatus, Issuer, IssuerKey, Subject};
use qrcred::{TrustStore, TrustedKey, Verifier};

#[path = "support/counting.rs"]
mod counting;
use counting::{SERIAL, peak_during};

const MIB: usize = 1 << 20;

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
    let mut file = Vec::new();
    let mut encoder = png::Encoder::new(&mut file, side, side);
    encoder.set_color(png::ColorType::Rgba);
    let mut writer = encoder.write_header().expect("header");
    writer.write_image_data(&rgba).expect("data");
    writer.finish().expect("end");
    drop(rgba);
    let (result, peak) = peak_during(|| qrcred::scan_image(&file, &qrcred::Limits::DEFAULT));
    assert_eq!(result.expect("scans"), Vec::<String>::new());
    let pixels = (side * side) as usize;
    assert!(peak < 6 * pixels, "{} bytes per pixel", peak as f64 / pixels as f64);
    println!("peak {:.2} bytes per pixel", peak as f64 / pixels as f64);
}
