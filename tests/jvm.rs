//! The JVM library (`bindings/jvm`), tested from Java: builds the native
//! library `qrcred_jni`, compiles the Java classes and the test with
//! `javac -Xlint:all -Werror`, and runs `org.qrcred.ScannerTest` on the
//! fixtures the C tests read: every valid and invalid test vector with a
//! text (the Rust verdict and code), issuing and deciding, misuse (nulls,
//! closed handles, bad options), the trust state across a restart, and one
//! scanner shared by four threads.
//!
//! Needs a JDK 17 (Debian `openjdk-17-jdk-headless`); skips loudly without
//! one, and fails under `CI=true` (`.ci/run` installs it).

#![cfg(all(feature = "render", feature = "scan"))]

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/outside.rs"]
mod outside;
#[allow(dead_code)]
#[path = "scan/transform.rs"]
mod transform;

use std::path::{Path, PathBuf};
use std::process::Command;

const JDK_INSTALL: &str = "apt-get install -y openjdk-17-jdk-headless";

fn java_sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("sources") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            java_sources(&path, out);
        } else if path.extension().is_some_and(|x| x == "java") {
            out.push(path);
        }
    }
}

#[test]
fn the_jvm_library_passes_its_java_tests() {
    let check = "the JVM library's Java tests";
    let jdk = ["javac", "java"].iter().all(|tool| {
        Command::new(tool)
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if !outside::available("a JDK (javac, java)", jdk, JDK_INSTALL, check) {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let library_dir = fixtures::build_package("qrcred-jni", "jni");

    let dir = std::env::temp_dir().join(format!("qrcred-jvm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    fixtures::write(&dir);
    let mut sources = Vec::new();
    java_sources(&root.join("bindings/jvm/src"), &mut sources);
    let classes = dir.join("classes");
    let javac = Command::new("javac")
        .args(["-Xlint:all", "-Werror", "--release", "17", "-encoding", "UTF-8", "-d"])
        .arg(&classes)
        .args(&sources)
        .output()
        .expect("javac runs");
    assert!(
        javac.status.success(),
        "javac failed:\n{}",
        String::from_utf8_lossy(&javac.stderr)
    );
    let run = Command::new("java")
        .arg("-ea")
        .arg(format!("-Djava.library.path={}", library_dir.display()))
        .arg("-cp")
        .arg(&classes)
        .arg("org.qrcred.ScannerTest")
        .arg(&dir)
        .output()
        .expect("java runs");
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "org.qrcred.ScannerTest failed:\n{out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.contains(", 0 failed"), "{out}");
    eprintln!("Java test: {}", out.trim());

    // The README's example, against the fixtures' trust list.
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let from = readme
        .find("<!-- tests/jvm.rs compiles and runs this example -->")
        .expect("the README marks its Java example");
    let block = &readme[from..];
    let start = block.find("```java\n").expect("a Java block") + 8;
    let end = block[start..].find("```").expect("the block ends") + start;
    let example_dir = dir.join("example");
    std::fs::create_dir_all(&example_dir).expect("example dir");
    std::fs::write(example_dir.join("Example.java"), &block[start..end]).expect("write example");
    let javac = Command::new("javac")
        .args(["-Xlint:all", "-Werror", "--release", "17", "-encoding", "UTF-8", "-cp"])
        .arg(&classes)
        .arg("-d")
        .arg(&example_dir)
        .arg(example_dir.join("Example.java"))
        .output()
        .expect("javac runs");
    assert!(
        javac.status.success(),
        "the README example does not compile:\n{}",
        String::from_utf8_lossy(&javac.stderr)
    );
    let trust = std::fs::read_to_string(dir.join("trust.json")).expect("trust");
    let separator = if cfg!(windows) { ";" } else { ":" };
    let run = Command::new("java")
        .arg(format!("-Djava.library.path={}", library_dir.display()))
        .arg("-cp")
        .arg(format!("{}{separator}{}", classes.display(), example_dir.display()))
        .args(["Example", &trust, "QC1:"])
        .output()
        .expect("java runs");
    let printed = String::from_utf8_lossy(&run.stdout);
    assert!(
        printed.contains("REFUSED base45.empty"),
        "the README example printed: {printed}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
