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
    let tests = Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .arg(root.join("bindings/wasm/tests/"))
        .env("QRCRED_RUST_REPORTS", &reports_path)
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
        "npm install of the package",
    ] {
        assert!(out.contains(name), "the Node tests did not run \"{name}\":\n{out}");
    }
}
