//! Fixtures the binding tests in C and Java read (tests/c_abi.rs,
//! tests/jvm.rs): a test issuer key, a trust list, rules, a root and two
//! signed bundles, a camera frame with a code, and the valid and invalid
//! test vectors as tab-separated lines. The including test declares
//! `transform` (tests/scan/transform.rs) beside this module.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{TimeDelta, Utc};
use qrcred::{BundleDraft, IssuerKey, RuleSet, TrustedKey};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every valid and invalid vector with a text, one line each: name, now
/// (ms), the scanner options, the text in hex, and the expected result:
/// `valid:KIND` or the error code.
fn vectors_tsv() -> String {
    let mut names: Vec<PathBuf> = Vec::new();
    for dir in ["valid", "invalid"] {
        names.extend(
            std::fs::read_dir(root().join("test-vectors").join(dir))
                .expect("vectors")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|x| x == "json")),
        );
    }
    names.sort();
    let mut out = String::new();
    for path in names {
        let case: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
        let Some(text) = case["text"].as_str() else { continue };
        let now = chrono::DateTime::parse_from_rfc3339(case["now"].as_str().expect("now")).expect("time");
        let mut options = serde_json::json!({ "trust": case["trust"] });
        if let Some(skew) = case.get("skew_seconds") {
            options["clock_skew_seconds"] = skew.clone();
        }
        if let Some(limits) = case.get("limits") {
            options["limits"] = limits.clone();
        }
        let name = path.file_stem().expect("stem").to_string_lossy();
        let expected = &case["expected"];
        let code = match expected["valid"].as_bool() {
            Some(true) => format!("valid:{}", expected["kind"].as_str().expect("kind")),
            _ => expected["error"]
                .as_str()
                .expect("an invalid case names its error")
                .to_owned(),
        };
        out.push_str(&format!(
            "{name}\t{}\t{options}\t{}\t{code}\n",
            now.timestamp_millis(),
            hex::encode(text)
        ));
    }
    out
}

/// The fixtures the C test reads.
/// Builds a binding's crate (`cargo build -p package`, debug) in
/// `target/<subdir>`, a target directory of its own: the calling test runs
/// inside `cargo test`, which holds the main one. Returns the directory of
/// the built libraries.
pub fn build_package(package: &str, subdir: &str) -> PathBuf {
    let target = root().join("target").join(subdir);
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", package])
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build -p {package} failed");
    target.join("debug")
}

pub fn write(dir: &Path) {
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write fixture");
    // The public test key issuer-a of test-vectors/ (its seed is public: tests only).
    let seed: [u8; 32] = hex::decode("113980411b7c40d05c0a3825029323bea98e2af4b06965006c25ff682612a947")
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    let issuer = IssuerKey::from_seed(&seed);
    write("issuer.pem", issuer.to_pkcs8_pem().expect("pem").as_bytes());
    let public = *issuer.public_key();
    write(
        "trust.json",
        serde_json::json!([{ "public_key": hex::encode(public.to_bytes()), "issuer": "CN-SN-XA" }])
            .to_string()
            .as_bytes(),
    );
    let rules_json = include_str!("../../examples/rules/city.json");
    write("rules.json", rules_json.as_bytes());
    let root_key = IssuerKey::from_seed(&[0x52; 32]);
    write("root.pem", root_key.public_key().to_spki_pem().expect("pem").as_bytes());
    let now = Utc::now();
    let rules = RuleSet::from_json(rules_json).expect("rules");
    for sequence in [1u64, 2] {
        let mut draft = BundleDraft::new(
            sequence,
            now - TimeDelta::hours(4 - sequence as i64),
            TimeDelta::days(7),
        );
        draft.add_key(TrustedKey::new(public, "CN-SN-XA").with_display_name("西安市卫生健康委员会"));
        draft.rules = Some(rules.clone());
        write(
            &format!("bundle-{sequence}.bin"),
            &draft.sign(&root_key).expect("signs"),
        );
    }
    // A frame with a code in it.
    let text =
        "QC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE$VK G2EM-0KI6ASG4LPPY0IVTHBLRCFS/SR6KG4V0:FC1M5N$HHQ8*06";
    let frame = super::transform::in_frame(&super::transform::rendered(text, 4), 640, 480, 150);
    write("frame.gray", &frame.pixels);
    write("frame.txt", text.as_bytes());
    write("vectors.tsv", vectors_tsv().as_bytes());
}
