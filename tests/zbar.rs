//! Every PNG the library writes is read back by a real scanner, `zbarimg`
//! (Debian package `zbar-tools`; `.ci/run` installs it). Without it these
//! checks skip and say so, except under `CI=true` (tests/support/outside.rs).

#![cfg(feature = "render")]

#[path = "support/outside.rs"]
mod outside;

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, EccLevel, Issuer, IssuerKey, QrCode, RenderOptions};

const KINDS: [&str; 5] = ["health_status", "vaccination", "test_result", "recovery", "access_pass"];

fn code(kind: &str) -> String {
    let path = format!("{}/examples/credentials/{kind}.json", env!("CARGO_MANIFEST_DIR"));
    let credential: Credential = serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc();
    Issuer::new(IssuerKey::from_seed(&[3; 32]), "CN-SN-XA")
        .issue(&credential, TimeDelta::hours(24), now)
        .expect("issues")
}

/// What `zbarimg --raw` reads from a PNG file, without its one trailing newline.
fn zbarimg(path: &Path) -> String {
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("zbarimg not runnable ({e}): apt-get install -y zbar-tools"));
    assert!(out.status.success(), "zbarimg read nothing from {}", path.display());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    text.strip_suffix('\n').expect("one trailing newline").to_owned()
}

#[test]
fn zbarimg_reads_every_sample_at_every_ecc_level_and_module_size() {
    if !outside::zbarimg("tests/zbar.rs: zbarimg reads every sample at every ECC level and module size") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("qrcred-zbar-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut read = 0;
    for kind in KINDS {
        let text = code(kind);
        for ecc in EccLevel::ALL {
            let symbol = QrCode::encode(&text, ecc).expect("encodes");
            for px in 2..=8 {
                let png = symbol
                    .to_png(&RenderOptions::DEFAULT.with_ecc(ecc).with_module_px(px))
                    .expect("png");
                let path = dir.join(format!("{kind}-{ecc:?}-{px}.png"));
                std::fs::write(&path, png).expect("write");
                assert_eq!(zbarimg(&path), text, "{kind} at {ecc:?}, {px} px");
                read += 1;
            }
        }
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert_eq!(read, 5 * 4 * 7);
}

/// Texts that fill versions 1 to 40 exactly, so every layout (alignment
/// patterns, version information, block structure) is read back.
#[test]
fn zbarimg_reads_full_symbols_of_many_versions() {
    if !outside::zbarimg("tests/zbar.rs: zbarimg reads full symbols of many versions") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("qrcred-zbar-v-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    // (characters, level): the largest texts of versions 1, 2, 6, 7, 14 and 40,
    // and two between.
    let cases = [
        (25, EccLevel::L),
        (38, EccLevel::M),
        (108, EccLevel::Q),
        (93, EccLevel::H),
        (528, EccLevel::M),
        (600, EccLevel::H),
        (1900, EccLevel::L),
        (2420, EccLevel::Q),
    ];
    let mut versions = Vec::new();
    for (len, ecc) in cases {
        let text: String = alphabet.chars().cycle().skip(len % 45).take(len).collect();
        let symbol = QrCode::encode(&text, ecc).expect("encodes");
        versions.push(symbol.version());
        let path = dir.join(format!("v{}.png", symbol.version()));
        std::fs::write(
            &path,
            symbol.to_png(&RenderOptions::DEFAULT.with_module_px(3)).expect("png"),
        )
        .expect("write");
        assert_eq!(zbarimg(&path), text, "version {}", symbol.version());
    }
    assert_eq!(versions[..5], [1, 2, 6, 7, 14]);
    assert_eq!(versions[7], 40);
    std::fs::remove_dir_all(&dir).expect("clean up");
}
