//! Writes the seed corpora in `fuzz/seeds/<target>/` from the sample
//! credentials (`examples/credentials/*.json`), signed with the fuzz key so
//! that every seed of the `verifier` target verifies at the fuzz `now`.
//!
//! ```text
//! cd fuzz && cargo run --example seeds
//! ```
//!
//! Deterministic (fixed key, fixed times, derived `cti`): `.ci/fuzz.sh`
//! runs it and fails when the committed seeds differ.
//!
//! Per sample `<kind>`, and for one extra variant `<kind>_iss_nbf_cti`
//! (with `iss`, a later `nbf` and a fixed `cti`) and one `<kind>_zlib` (the
//! payload zlib-compressed although that is longer, which readers accept):
//! `text/` and `verifier/` get the code text, `cose/` the payload bytes,
//! `claims/` and `verifier/` the claims bytes (but for the zlib variant,
//! whose claims are the plain ones); the verifier target signs those itself.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use flate2::{Compression, write::ZlibEncoder};
use qrcred::{Credential, CtiPolicy, IssueOptions, Issuer, PREFIX, layers};
use qrcred_fuzz::{ISSUER, issued_at, issuer_key, now, sign_claims, verifier};

const TARGETS: [&str; 4] = ["text", "cose", "claims", "verifier"];

fn main() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = fuzz.join("seeds");
    for target in TARGETS {
        let dir = seeds.join(target);
        if dir.exists() {
            fs::remove_dir_all(&dir).expect("remove old seeds");
        }
        fs::create_dir_all(&dir).expect("create seed directory");
    }
    let mut samples: Vec<PathBuf> = fs::read_dir(fuzz.join("../examples/credentials"))
        .expect("examples/credentials")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    samples.sort();
    for path in samples {
        let kind = path.file_stem().expect("file name").to_string_lossy().into_owned();
        let json = fs::read_to_string(&path).expect("read sample");
        let credential: Credential = serde_json::from_str(&json).expect("sample credential");
        for (name, payload) in payloads(&kind, &credential) {
            write_seeds(&seeds, &name, &payload);
        }
    }
}

/// The plain payload, one with every optional claim, and a zlib one.
fn payloads(kind: &str, credential: &Credential) -> Vec<(String, Vec<u8>)> {
    let plain = Issuer::new(issuer_key(), ISSUER)
        .issue_bytes(credential, TimeDelta::hours(24), issued_at())
        .expect("issue");
    let options = IssueOptions {
        validity: TimeDelta::hours(23),
        not_before: Some(issued_at() + TimeDelta::minutes(30)),
        cti: CtiPolicy::Fixed(*b"fuzz-cti"),
    };
    let full = Issuer::new(issuer_key(), ISSUER)
        .with_iss_claim(true)
        .issue_bytes_with(credential, &options, issued_at())
        .expect("issue with options");
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::best());
    zlib.write_all(&plain).expect("compress");
    let zlib = zlib.finish().expect("compress");
    vec![
        (kind.to_string(), plain),
        (format!("{kind}_iss_nbf_cti"), full),
        (format!("{kind}_zlib"), zlib),
    ]
}

fn write_seeds(seeds: &Path, name: &str, payload: &[u8]) {
    let text = format!("{PREFIX}{}", layers::base45_encode(payload));
    verifier()
        .verify(&text, now())
        .expect("every seed verifies at the fuzz now");
    let cose = layers::decompress(payload.to_vec(), &qrcred::Limits::DEFAULT).expect("inflate");
    let write = |target: &str, extension: &str, bytes: &[u8]| {
        let path = seeds.join(target).join(format!("{name}.{extension}"));
        fs::write(&path, bytes).expect("write seed");
    };
    write("text", "txt", text.as_bytes());
    write("verifier", "txt", text.as_bytes());
    write("cose", "bin", payload);
    if !name.ends_with("_zlib") {
        let claims = claims_of(&cose);
        let signed = sign_claims(claims);
        verifier()
            .verify(&signed, now())
            .expect("the claims, signed by hand, verify");
        write("claims", "cbor", claims);
        write("verifier", "cbor", claims);
    }
}

/// The claims bytes inside COSE_Sign1 bytes written by this library, which
/// have the fixed layout of SPEC §4.1: `d2 84 4d <protected, 13 bytes> a0`,
/// then the payload bstr (`58 LL` or `59 LLLL`), then the signature.
fn claims_of(cose: &[u8]) -> &[u8] {
    assert_eq!(cose[..3], [0xD2, 0x84, 0x4D], "tag 18, array(4), bstr(13)");
    assert_eq!(cose[16], 0xA0, "empty unprotected header");
    let (start, len) = match cose[17] {
        0x58 => (19, usize::from(cose[18])),
        0x59 => (20, usize::from(u16::from_be_bytes([cose[18], cose[19]]))),
        other => panic!("unexpected payload header {other:#04x}"),
    };
    &cose[start..start + len]
}
