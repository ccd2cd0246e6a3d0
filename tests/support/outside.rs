//! Checks against outside tools (zbarimg, Python peers, OpenSSL): whether
//! the tool is here, and what to do when it is not.
//!
//! On a machine with only the Rust toolchain the README's test command must
//! pass: a check whose tool is missing is skipped, and says so on the
//! terminal with how to enable it (written straight to the process's
//! standard error, past the test harness's capture, so it shows even for a
//! passing test). Under `CI=true`, as `.ci/run` runs, a missing tool fails
//! the test instead: CI installs every tool and never skips.

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};

/// `apt-get` line for zbarimg.
pub const ZBARIMG_INSTALL: &str = "apt-get install -y zbar-tools";
/// `pip` line for the Python peers.
pub const PYTHON_INSTALL: &str = "python3 -m pip install pycose cwt base45 cryptography";
/// `apt-get` line for OpenSSL's command-line tool.
pub const OPENSSL_INSTALL: &str = "apt-get install -y openssl";

/// How to get Node.js for the WebAssembly package's tests.
pub const NODE_INSTALL: &str = "install Node.js 20 or newer with npm (Debian: apt-get install -y nodejs npm)";
/// How to get the WebAssembly build tools.
pub const WASM_TOOLS_INSTALL: &str =
    "bash bindings/wasm/build.sh (it installs the wasm32 target, wasm-bindgen-cli and wasm-opt)";

/// Runs a build script of the WebAssembly package (`bindings/wasm/build.sh`,
/// `web/build.sh`, relative to the crate) with `QRCRED_NO_INSTALL=1`:
/// `true` when it built; `false` when a tool is missing (exit status 3),
/// after [`available`] has reported it; panics when the build failed.
pub fn wasm_build(script: &str, check: &str) -> bool {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    let build = Command::new("bash")
        .arg(&path)
        .env("QRCRED_NO_INSTALL", "1")
        .output()
        .expect("bash runs");
    let stderr = String::from_utf8_lossy(&build.stderr);
    if build.status.code() == Some(3) {
        let tool = stderr
            .lines()
            .find(|l| l.contains("MISSING TOOL"))
            .unwrap_or("a build tool");
        return available(tool, false, WASM_TOOLS_INSTALL, check);
    }
    assert!(build.status.success(), "{script} failed:\n{stderr}");
    true
}

/// Whether Node.js 20 or newer runs, with npm; see [`available`].
pub fn node(check: &str) -> bool {
    let version = Command::new("node")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let major: u32 = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    available(
        "Node.js >= 20 with npm",
        major >= 20 && runs("npm", &["--version"]),
        NODE_INSTALL,
        check,
    )
}

/// `apt-get` line for the browser.
pub const CHROMIUM_INSTALL: &str = "apt-get install -y chromium chromium-driver";
/// How to get playwright-core (no browser download: it drives the system Chromium).
pub const PLAYWRIGHT_INSTALL: &str = "npm ci --prefix web/tests";

/// Whether Debian's Chromium runs (`/usr/bin/chromium`, or `$CHROMIUM`); see [`available`].
pub fn chromium(check: &str) -> bool {
    let program = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    available("Chromium", runs(&program, &["--version"]), CHROMIUM_INSTALL, check)
}

/// Whether playwright-core is installed in `web/tests/node_modules`; see [`available`].
pub fn playwright(check: &str) -> bool {
    let present = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("web/tests/node_modules/playwright-core/package.json")
        .exists();
    available("playwright-core", present, PLAYWRIGHT_INSTALL, check)
}

/// Whether `zbarimg` runs; see [`available`].
pub fn zbarimg(check: &str) -> bool {
    available("zbarimg", runs("zbarimg", &["--version"]), ZBARIMG_INSTALL, check)
}

/// Whether python3 runs with pycose, cwt, base45 and cryptography; see [`available`].
pub fn python(check: &str) -> bool {
    let imports = "import pycose, cwt, base45, cbor2, cryptography";
    available(
        "python3 with pycose, cwt, base45 and cryptography",
        runs("python3", &["-c", imports]),
        PYTHON_INSTALL,
        check,
    )
}

/// Whether the `openssl` command runs; see [`available`].
pub fn openssl(check: &str) -> bool {
    available("openssl", runs("openssl", &["version"]), OPENSSL_INSTALL, check)
}

/// Whether `program args` runs and exits 0.
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `present` as it is, when true. When false: under `CI=true` the calling
/// test fails with the install line; elsewhere a `SKIPPED` line names the
/// check, the missing tool and how to enable it, and this returns false so
/// the caller returns early.
pub fn available(tool: &str, present: bool, install: &str, check: &str) -> bool {
    if present {
        return true;
    }
    let message = format!("{check}: needs {tool}, which is not installed here (enable it with: {install})");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and a check would skip: {message}");
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "\nSKIPPED {message}");
    false
}
