//! The C ABI (`bindings/c`), tested from C: builds the crate `qrcred-ffi`
//! (static library), checks that the checked-in header is what cbindgen
//! generates, writes fixtures, and compiles `bindings/c/tests/test_qrcred.c`
//! with `-Wall -Wextra -Werror` under AddressSanitizer, LeakSanitizer and
//! UndefinedBehaviorSanitizer. The C test calls every function (misuse
//! included: null pointers, text that is not UTF-8, wrong lengths), shares
//! one scanner between four threads, and runs every invalid test vector
//! through `qrcred_verify` expecting its code. The README's C example is
//! compiled and run too.
//!
//! Needs a C compiler with the sanitizers (Debian's gcc has them) and
//! cbindgen (`cargo install cbindgen`); skips loudly without them, and fails
//! under `CI=true` (`.ci/run` installs cbindgen).

#![cfg(all(feature = "render", feature = "scan"))]

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/outside.rs"]
mod outside;
#[allow(dead_code)]
#[path = "scan/transform.rs"]
mod transform;

use std::path::Path;
use std::process::Command;

const CBINDGEN_INSTALL: &str = "cargo install cbindgen --version 0.29.4";
const CC_INSTALL: &str = "apt-get install -y gcc (its AddressSanitizer runtime comes with it)";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles C sources against the header and the library, with the sanitizers.
fn compile(sources: &[&Path], out: &Path, library: &Path) {
    let output = Command::new("cc")
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-g",
            "-O1",
            "-fno-omit-frame-pointer",
        ])
        .args([
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=undefined",
            "-D_POSIX_C_SOURCE=200809L",
        ])
        .arg("-I")
        .arg(root().join("bindings/c/include"))
        .args(sources)
        .arg(library)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(out)
        .output()
        .expect("cc runs");
    assert!(
        output.status.success(),
        "cc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs a sanitized program; its standard output.
fn run(program: &Path, args: &[&std::ffi::OsStr]) -> String {
    let output = Command::new(program)
        .args(args)
        .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:halt_on_error=1")
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        .output()
        .expect("the test program runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{} failed:\n{stdout}\n{}",
        program.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The C example of the README (the first ```c block after its marker).
fn readme_example() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let marker = "<!-- tests/c_abi.rs compiles and runs this example -->";
    let from = readme.find(marker).expect("the README marks its C example");
    let rest = &readme[from..];
    let start = rest.find("```c\n").expect("a C block after the marker") + 5;
    let end = rest[start..].find("```").expect("the block ends") + start;
    rest[start..end].to_owned()
}

/// Whether `cc` builds and runs a program under the three sanitizers with
/// leak detection on (LeakSanitizer is missing on some platforms, macOS
/// among them).
fn sanitizers_work(dir: &Path) -> bool {
    let source = dir.join("probe.c");
    let program = dir.join("probe");
    if std::fs::write(
        &source,
        "#include <stdlib.h>\nint main(void) { free(malloc(8)); return 0; }\n",
    )
    .is_err()
    {
        return false;
    }
    let built = Command::new("cc")
        .args(["-fsanitize=address,undefined", "-o"])
        .arg(&program)
        .arg(&source)
        .output()
        .is_ok_and(|o| o.status.success());
    built
        && Command::new(&program)
            .env("ASAN_OPTIONS", "detect_leaks=1")
            .output()
            .is_ok_and(|o| o.status.success())
}

#[test]
fn the_c_abi_passes_its_c_tests_under_the_sanitizers() {
    let check = "the C ABI's tests";
    let dir = std::env::temp_dir().join(format!("qrcred-c-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    if !outside::available(
        "a C compiler with AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer",
        sanitizers_work(&dir),
        CC_INSTALL,
        check,
    ) {
        return;
    }

    // The header is what cbindgen makes of the source.
    let cbindgen = Command::new("cbindgen")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if outside::available("cbindgen", cbindgen, CBINDGEN_INSTALL, "the C header is current") {
        let fresh = dir.join("qrcred.h");
        let status = Command::new("cbindgen")
            .args([
                "--config",
                "bindings/c/cbindgen.toml",
                "--crate",
                "qrcred-ffi",
                "--output",
            ])
            .arg(&fresh)
            .arg("bindings/c")
            .current_dir(root())
            .status()
            .expect("cbindgen runs");
        assert!(status.success(), "cbindgen failed");
        assert_eq!(
            std::fs::read_to_string(&fresh).expect("fresh header"),
            std::fs::read_to_string(root().join("bindings/c/include/qrcred.h")).expect("header"),
            "bindings/c/include/qrcred.h is stale: regenerate it with cbindgen --config bindings/c/cbindgen.toml \
             --crate qrcred-ffi --output bindings/c/include/qrcred.h bindings/c"
        );
    }

    let library = fixtures::build_package("qrcred-ffi", "ffi").join("libqrcred_ffi.a");
    fixtures::write(&dir);
    let test = dir.join("test_qrcred");
    compile(&[&root().join("bindings/c/tests/test_qrcred.c")], &test, &library);
    let out = run(&test, &[dir.as_os_str()]);
    assert!(out.contains(", 0 failed"), "{out}");
    eprintln!("C test: {}", out.trim().replace('\n', "; "));
    assert!(out.contains("invalid ones refused with their codes"), "{out}");

    // The README's example, with the trust list and a code of the fixtures.
    let example = dir.join("example.c");
    std::fs::write(&example, readme_example()).expect("write example");
    let program = dir.join("example");
    compile(&[&example], &program, &library);
    let trust = std::fs::read_to_string(dir.join("trust.json")).expect("trust");
    let code = "QC1:";
    let printed = run(&program, &[std::ffi::OsStr::new(&trust), std::ffi::OsStr::new(code)]);
    assert!(
        printed.contains("base45.empty"),
        "the README example printed: {printed}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
