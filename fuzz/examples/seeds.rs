//! Writes the seed corpora in `fuzz/seeds/<target>/`, deterministically
//! (fixed key, fixed times, derived `cti`): `.ci/fuzz.sh` runs it and fails
//! when the committed seeds differ.
//!
//! ```text
//! cd fuzz && cargo run --example seeds
//! ```
//!
//! - From each sample credential `<kind>` (`examples/credentials/*.json`),
//!   signed with the fuzz key so that it verifies at the fuzz `now`: the
//!   plain code, a variant `<kind>_iss_nbf_cti` (with `iss`, a later `nbf`
//!   and a fixed `cti`) and `<kind>_zlib` (the payload zlib-compressed
//!   although that is longer, which readers accept). `text/` and
//!   `verifier/` get the code text, `cose/` the payload bytes, `claims/`
//!   and `verifier/` the claims bytes (the verifier target signs those).
//! - From each test vector (`test-vectors/{valid,invalid}/*.json`, other
//!   keys): its text, payload and claims bytes, where it has them, as
//!   `vector_<name>`.
//! - For `scan/`: frames (4-byte size header, then pixels) of a short and
//!   a sample code, rendered at 1 and 2 pixels per module.
//! - For `bundle/`: from each trust bundle vector (`test-vectors/bundle/`,
//!   signed by the vectors' `root-a`, the root the bundle target pins), its
//!   payload (`vector_bundle_<name>.cbor`) and its file (`.bundle`).
//! - For `rules/`: from each rules vector (`test-vectors/rules/`), the rule
//!   set as JSON text (`vector_rules_<name>.json`: the decision cases'
//!   rule sets, pretty, and the malformed cases' texts) and as CBOR
//!   (`.cbor`: bundle field 9).
//!
//! - For `hcert/`: from each file of the EU DCC test data
//!   (`test-vectors/third-party/dgc-testdata/`), its `COSE` bytes, the
//!   claims inside them, its `CBOR` and its DSC (`TESTCTX.CERTIFICATE`, DER).
//!
//! A seed whose bytes another seed of its target already has is left out.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::TimeDelta;
use flate2::{Compression, write::ZlibEncoder};
use qrcred::{
    Credential, CtiPolicy, EccLevel, IssueOptions, Issuer, Limits, PREFIX, QrCode, RenderOptions, layers, scan_luma,
};
use qrcred_fuzz::{ISSUER, bundle_root, bundle_state, issued_at, issuer_key, now, sign_claims, verifier};

const TARGETS: [&str; 8] = ["text", "cose", "claims", "verifier", "scan", "bundle", "rules", "hcert"];

/// The seed directories, and the bytes each already has.
struct Seeds {
    root: PathBuf,
    seen: HashSet<(&'static str, Vec<u8>)>,
}

impl Seeds {
    fn add(&mut self, target: &'static str, name: &str, bytes: &[u8]) {
        if self.seen.insert((target, bytes.to_vec())) {
            fs::write(self.root.join(target).join(name), bytes).expect("write seed");
        }
    }
}

fn main() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Seeds {
        root: fuzz.join("seeds"),
        seen: HashSet::new(),
    };
    for target in TARGETS {
        let dir = seeds.root.join(target);
        if dir.exists() {
            fs::remove_dir_all(&dir).expect("remove old seeds");
        }
        fs::create_dir_all(&dir).expect("create seed directory");
    }
    let mut sample_text = String::new();
    for path in json_files(&fuzz.join("../examples/credentials")) {
        let kind = stem(&path);
        let credential: Credential = serde_json::from_str(&read(&path)).expect("sample credential");
        for (name, payload) in payloads(&kind, &credential) {
            let text = add_sample(&mut seeds, &name, &payload);
            if name == "health_status" {
                sample_text = text; // the shortest sample: QR version 8
            }
        }
    }
    for validity in ["valid", "invalid"] {
        for path in json_files(&fuzz.join("../test-vectors").join(validity)) {
            add_vector(&mut seeds, &format!("vector_{validity}_{}", stem(&path)), &read(&path));
        }
    }
    let mut loaded = 0;
    for path in json_files(&fuzz.join("../test-vectors/bundle")) {
        loaded += add_bundle(&mut seeds, &format!("vector_bundle_{}", stem(&path)), &read(&path));
    }
    assert!(
        loaded > 0,
        "no bundle vector loads under the bundle target's root at the fuzz now"
    );
    let mut decided = 0;
    for path in json_files(&fuzz.join("../test-vectors/rules")) {
        decided += add_rules(&mut seeds, &format!("vector_rules_{}", stem(&path)), &read(&path));
    }
    assert!(decided > 0, "no rules vector has a rule set that reads");
    let hcert = add_hcert(&mut seeds, &fuzz.join("../test-vectors/third-party/dgc-testdata"));
    assert!(hcert > 100, "the EU DCC test data gave {hcert} certificates");
    for (name, text) in [("short", "QC1:"), ("sample", sample_text.as_str())] {
        for px in [1, 2] {
            seeds.add("scan", &format!("{name}_{px}px.frame"), &frame(text, px));
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

/// Adds the seeds of one fuzz-key payload, each checked to verify; returns its text.
fn add_sample(seeds: &mut Seeds, name: &str, payload: &[u8]) -> String {
    let text = format!("{PREFIX}{}", layers::base45_encode(payload));
    verifier()
        .verify(&text, now())
        .expect("every sample seed verifies at the fuzz now");
    let cose = layers::decompress(payload.to_vec(), &Limits::DEFAULT).expect("inflate");
    let claims = claims_of(&cose);
    verifier()
        .verify(&sign_claims(claims), now())
        .expect("the claims, signed by hand, verify");
    seeds.add("text", &format!("{name}.txt"), text.as_bytes());
    seeds.add("verifier", &format!("{name}.txt"), text.as_bytes());
    seeds.add("cose", &format!("{name}.bin"), payload);
    seeds.add("claims", &format!("{name}.cbor"), claims);
    seeds.add("verifier", &format!("{name}.cbor"), claims);
    text
}

/// Adds what a test vector has of text, payload and claims bytes.
fn add_vector(seeds: &mut Seeds, name: &str, json: &str) {
    let vector: serde_json::Value = serde_json::from_str(json).expect("test vector");
    if let Some(text) = vector["text"].as_str() {
        seeds.add("text", &format!("{name}.txt"), text.as_bytes());
    }
    if let Some(payload) = vector["payload_hex"].as_str() {
        seeds.add("cose", &format!("{name}.bin"), &from_hex(payload));
    }
    if let Some(claims) = vector["claims_hex"].as_str() {
        seeds.add("claims", &format!("{name}.cbor"), &from_hex(claims));
        seeds.add("verifier", &format!("{name}.cbor"), &from_hex(claims));
    }
}

/// Adds a bundle vector's payload and file; returns 1 when the file loads
/// in the bundle target's world (a fresh state pinning its root, the fuzz
/// `now`), else 0. The vectors must be signed by that root.
fn add_bundle(seeds: &mut Seeds, name: &str, json: &str) -> usize {
    let vector: serde_json::Value = serde_json::from_str(json).expect("bundle vector");
    let root = hex_of(&bundle_root().public_key().to_bytes());
    let roots = vector["roots"].as_array().expect("roots");
    assert!(
        roots.iter().any(|r| r["public_key"].as_str() == Some(root.as_str())),
        "{name}: the bundle target's root is not a root of the vectors"
    );
    let payload = from_hex(vector["payload_hex"].as_str().expect("payload_hex"));
    let file = from_hex(vector["bundle_hex"].as_str().expect("bundle_hex"));
    seeds.add("bundle", &format!("{name}.cbor"), &payload);
    seeds.add("bundle", &format!("{name}.bundle"), &file);
    usize::from(bundle_state().check(&file, now()).is_ok())
}

/// Adds a rules vector's rule set as JSON text and as CBOR; returns 1 when
/// it is a decision case (a rule set that reads).
fn add_rules(seeds: &mut Seeds, name: &str, json: &str) -> usize {
    let vector: serde_json::Value = serde_json::from_str(json).expect("rules vector");
    let text = match (&vector["rules"], &vector["rules_json"]) {
        (serde_json::Value::Object(_), _) => Some(serde_json::to_string_pretty(&vector["rules"]).expect("JSON")),
        (_, serde_json::Value::String(text)) if text.len() <= 4096 => Some(text.clone()),
        _ => None,
    };
    if let Some(text) = &text {
        seeds.add("rules", &format!("{name}.json"), text.as_bytes());
    }
    let cbor = vector["rules_cbor_hex"]
        .as_str()
        .or(vector["bundle"]["rules_cbor_hex"].as_str());
    if let Some(cbor) = cbor {
        seeds.add("rules", &format!("{name}.cbor"), &from_hex(cbor));
    }
    usize::from(vector["rules"].is_object())
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A scan target input: width − 1 and height − 1 (u16, little-endian),
/// then the pixels of `text` rendered at `px` pixels per module with a
/// 2-module quiet zone; checked to scan back.
fn frame(text: &str, px: u32) -> Vec<u8> {
    let options = RenderOptions::DEFAULT.with_module_px(px).with_quiet_zone(2);
    let symbol = QrCode::encode(text, EccLevel::M).expect("encode");
    let (side, pixels) = symbol.to_luma(&options).expect("render");
    assert_eq!(
        scan_luma(side, side, &pixels, &Limits::DEFAULT).expect("scan"),
        [text],
        "{px} px per module"
    );
    let size = u16::try_from(side - 1).expect("side").to_le_bytes();
    [&size[..], &size[..], &pixels[..]].concat()
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

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().expect("file name").to_string_lossy().into_owned()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn from_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The `hcert/` seeds of every EU DCC test file under `dir` (recursively);
/// returns how many of them hold a certificate that reads.
fn add_hcert(seeds: &mut Seeds, dir: &Path) -> usize {
    let mut read = 0;
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).expect("dgc-testdata").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            read += add_hcert(seeds, &path);
            continue;
        }
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let case: serde_json::Value = serde_json::from_str(&read_lossy(&path)).expect("json");
        let name = path
            .strip_prefix(dir.ancestors().find(|a| a.ends_with("dgc-testdata")).expect("root"))
            .expect("under the root")
            .to_string_lossy()
            .replace(['/', '.'], "_");
        let hex = |field: &str| case[field].as_str().and_then(hex_bytes);
        if let Some(cose) = hex("COSE") {
            if let Ok(sign1) = qrcred::hcert::Sign1::parse(&cose, &Limits::DEFAULT) {
                let payload = sign1.unverified_payload().to_vec();
                read += usize::from(qrcred::hcert::Claims::parse(&payload, &Limits::DEFAULT).is_ok());
                seeds.add("hcert", &format!("{name}_claims.cbor"), &payload);
            }
            seeds.add("hcert", &format!("{name}_cose.cbor"), &cose);
        }
        if let Some(cbor) = hex("CBOR") {
            seeds.add("hcert", &format!("{name}_cbor.cbor"), &cbor);
        }
        if let Some(der) = case["TESTCTX"]["CERTIFICATE"].as_str().and_then(from_base64) {
            seeds.add("hcert", &format!("{name}_dsc.der"), &der);
        }
    }
    read
}

/// A file as text, invalid UTF-8 replaced (every test file is UTF-8).
fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).expect("read")).into_owned()
}

/// Hex digits (either case) to bytes; `None` for anything else.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if digits.is_empty() || digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// Standard base64 (with padding) to bytes; `None` for anything else.
fn from_base64(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
