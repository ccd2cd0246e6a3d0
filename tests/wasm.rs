//! The WebAssembly package, tested from JavaScript: builds
//! `bindings/wasm/pkg` with `bindings/wasm/build.sh` and runs its Node tests
//! (`node --test bindings/wasm/tests/`): every file of `test-vectors/`
//! through the package with the verdicts and error codes the Rust tests
//! expect, the API (issue, verify, decide, scan frames, the trust state
//! across restarts), hostile arguments, and `npm install` of the package.
//!
//! Needs Node.js >= 20 and the build tools (the wasm32 target,
//! wasm-bindgen-cli, wasm-opt); it skips loudly without them, and fails
//! under `CI=true`. The tools are not installed from here: `bash
//! bindings/wasm/build.sh` (and `.ci/run`) installs them.

#[path = "support/dcc.rs"]
mod dcc;
#[path = "support/outside.rs"]
mod outside;
mod support;

use std::path::Path;
use std::process::Command;

use qrcred::report::{Labels, RefusedReport, ValidReport};

#[test]
fn the_webassembly_package_passes_its_javascript_tests() {
    let check = "the WebAssembly package's Node tests";
    if !outside::node(check) {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !outside::wasm_build("bindings/wasm/build.sh", check) {
        return;
    }
    // The reports the Rust library writes for every valid/ and invalid/
    // vector, labelled in English: the package must write the same JSON.
    let reports: serde_json::Map<String, serde_json::Value> = support::load_all()
        .into_iter()
        .map(|(name, case)| {
            let labels = Labels::new(None, Some("en"));
            let report = match case.verify() {
                Ok(v) => serde_json::to_value(ValidReport::new(&v, &labels)),
                Err(e) => serde_json::to_value(RefusedReport::new(&e, &labels)),
            };
            (name, report.expect("a report is JSON"))
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("qrcred-wasm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let reports_path = dir.join("rust-reports.json");
    std::fs::write(&reports_path, serde_json::to_vec(&reports).expect("JSON")).expect("write reports");
    let hcert_path = dir.join("rust-hcert.json");
    std::fs::write(&hcert_path, serde_json::to_vec(&hcert_fixture()).expect("JSON")).expect("write HC1 cases");
    let tests = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .arg(root.join("bindings/wasm/tests/"))
        .env("QRCRED_RUST_REPORTS", &reports_path)
        .env("QRCRED_RUST_HCERT", &hcert_path)
        .output()
        .expect("node runs");
    let _ = std::fs::remove_dir_all(&dir);
    let out = String::from_utf8_lossy(&tests.stdout);
    assert!(
        tests.status.success(),
        "node --test bindings/wasm/tests/ failed:\n{out}\n{}",
        String::from_utf8_lossy(&tests.stderr)
    );
    // Every test file ran: the vectors and the API.
    for name in [
        "every valid/ vector",
        "every bundle/ vector",
        "every rules/ vector",
        "every EU DCC test code",
        "DSCs as PEM (options.dscs)",
        "npm install of the package",
    ] {
        assert!(out.contains(name), "the Node tests did not run \"{name}\":\n{out}");
    }
}

/// The EU DCC test codes (test-vectors/third-party/dgc-testdata) for the
/// package: a trust bundle carrying every file's DSC, signed by a test
/// root, and for each file with a code and a clock the report the Rust
/// library writes at that clock (labelled in English from the bundle).
fn hcert_fixture() -> serde_json::Value {
    use base64::Engine;
    use chrono::{DateTime, TimeDelta, Utc};
    use qrcred::hcert::Dsc;
    use qrcred::{BundleDraft, IssuerKey, TrustState, Verifier};
    let root_key = IssuerKey::from_seed(&[0xA0; 32]);
    let issued: DateTime<Utc> = "2021-01-01T00:00:00Z".parse().expect("time");
    let mut draft = BundleDraft::new(1, issued, TimeDelta::days(3 * 365));
    let mut cases = Vec::new();
    for dcc::DccFile { name, case, .. } in dcc::files() {
        let (Some(text), Some(cert), Some(clock)) = (
            case["PREFIX"].as_str(),
            case["TESTCTX"]["CERTIFICATE"].as_str(),
            case["TESTCTX"]["VALIDATIONCLOCK"].as_str(),
        ) else {
            continue;
        };
        let Some(dsc) = base64::engine::general_purpose::STANDARD
            .decode(cert)
            .ok()
            .and_then(|der| Dsc::from_der(&der).ok())
        else {
            continue;
        };
        let Ok(now) = DateTime::parse_from_rfc3339(clock) else {
            continue;
        };
        draft.add_dsc(&dsc);
        cases.push((name, text.to_owned(), now.with_timezone(&Utc), dsc.to_pem()));
    }
    let bundle = draft.sign(&root_key).expect("sign");
    let reports: Vec<serde_json::Value> = cases
        .into_iter()
        .map(|(name, text, now, pem)| {
            let loaded = TrustState::new(&[*root_key.public_key()])
                .load(&bundle, now)
                .expect("load");
            let labels = Labels::new(Some(&loaded), Some("en"));
            let report = match Verifier::new(&loaded).verify(&text, now) {
                Ok(v) => serde_json::to_value(ValidReport::new(&v, &labels)),
                Err(e) => serde_json::to_value(RefusedReport::new(&e, &labels)),
            };
            serde_json::json!({
                "name": name,
                "text": text,
                "now_ms": now.timestamp_millis(),
                "dsc_pem": pem,
                "report": report.expect("JSON"),
            })
        })
        .collect();
    serde_json::json!({
        "root_pem": root_key.public_key().to_spki_pem().expect("PEM"),
        "bundle_hex": hex::encode(&bundle),
        "cases": reports,
    })
}
