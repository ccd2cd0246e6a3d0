//! The scanner page (`web/`) in a real browser: Debian's Chromium, headless,
//! driven by playwright-core from `web/tests/` (no browser download), its
//! camera a fake device fed from a Y4M video of a rendered code.
//!
//! This test builds the page (`bash web/build.sh`), writes the trust files
//! (a signed bundle with entry rules and one revoked code, its root) and one
//! video per case, and runs `node web/tests/browser.mjs`: a valid code is
//! admitted, an expired one denied `time.expired`, a tampered one
//! `signature.invalid`, a revoked one `revoked.credential`; a code drawn
//! small, and one blurred, are still read; a reload with the network cut
//! still scans; a code with an identity digest asks for the ID document
//! (CHECK ID) and the number typed is matched; the page sends no request
//! while scanning; the trust state in
//! IndexedDB keeps an older bundle out after a reload. Screenshots of each
//! verdict go to `target/browser-screenshots/`.
//!
//! Needs Node.js >= 20, Chromium (`apt-get install -y chromium
//! chromium-driver`), playwright-core (`npm ci --prefix web/tests`) and the
//! WebAssembly build tools; it skips loudly without them and fails under
//! `CI=true` (`.ci/run` installs them all).

#![cfg(feature = "render")]

#[path = "support/outside.rs"]
mod outside;
#[allow(dead_code)]
#[path = "scan/transform.rs"]
mod transform;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::layers::{base45_decode, base45_encode, compress_if_shorter, decompress, strip_prefix};
use qrcred::{BundleDraft, Credential, IdDigest, Issuer, IssuerKey, Limits, RuleSet, TrustedKey};
use transform::{Gray, contrast, gaussian_blur, in_frame, rendered};

const WIDTH: usize = 640;
/// The number on the ID document of the CHECK ID case (a test number).
const ID_NUMBER: &str = "11010519491231002X";
const HEIGHT: usize = 480;

/// A Y4M video (4:2:0, grey chroma) of `frames` copies of a luma frame.
fn y4m(frame: &Gray, frames: usize) -> Vec<u8> {
    let luma = &frame.pixels;
    let mut out = format!("YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..frames {
        out.extend_from_slice(b"FRAME\n");
        out.extend_from_slice(luma);
        out.extend(std::iter::repeat_n(128u8, WIDTH * HEIGHT / 2));
    }
    out
}

/// A 640×480 grey frame with `text` drawn in the middle at `px` pixels a
/// module, printed as paper is: dark modules at 30, paper at 230.
fn frame(text: &str, px: u32) -> Gray {
    in_frame(
        &contrast(&rendered(text, px), 30, 230),
        WIDTH as u32,
        HEIGHT as u32,
        150,
    )
}

/// The code with one byte of its signature changed, re-packed: it decodes
/// and parses, and fails only at the signature.
fn tampered(text: &str) -> String {
    let payload = base45_decode(strip_prefix(text).expect("prefix")).expect("base45");
    let mut cose = decompress(payload, &Limits::DEFAULT).expect("inflates");
    let at = cose.len() - 64 + 5;
    cose[at] ^= 0x20;
    format!("QC1:{}", base45_encode(&compress_if_shorter(cose).expect("compresses")))
}

struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn the_scanner_page_decides_from_the_camera_offline_in_chromium() {
    let check = "the scanner page in Chromium";
    if !outside::node(check) || !outside::chromium(check) || !outside::playwright(check) {
        return;
    }
    let root_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !outside::wasm_build("web/build.sh", check) {
        return;
    }

    let fixture = Fixture {
        dir: std::env::temp_dir().join(format!("qrcred-browser-{}", std::process::id())),
    };
    let _ = std::fs::remove_dir_all(&fixture.dir);
    let dist = fixture.dir.join("dist");
    copy_dir(&root_dir.join("web/dist"), &dist);
    let screenshots = root_dir.join("target/browser-screenshots");
    std::fs::create_dir_all(&screenshots).expect("screenshot dir");

    // Trust: a root, an issuer, bundles 1 and 2 with the city's rules; bundle 2 revokes one code.
    let now: DateTime<Utc> = Utc::now();
    let root = IssuerKey::from_seed(&[0x52; 32]);
    let issuer = Issuer::new(IssuerKey::from_seed(&[0x49; 32]), "CN-SN-XA");
    let credential: Credential =
        serde_json::from_str(include_str!("../examples/credentials/health_status.json")).expect("credential");
    let valid = issuer
        .issue(&credential, TimeDelta::hours(24), now - TimeDelta::hours(1))
        .expect("issues");
    let expired = issuer
        .issue(&credential, TimeDelta::hours(24), now - TimeDelta::hours(30))
        .expect("issues");
    let revoked = issuer
        .issue(&credential, TimeDelta::hours(24), now - TimeDelta::hours(2))
        .expect("issues");
    // With an identity digest, the city's rules (check_id on) ask for the ID document.
    let mut with_id = credential.clone();
    with_id.subject.id_digest = Some(IdDigest::compute([0x5a, 0x17, 0xc3, 0x09], ID_NUMBER));
    let check_id = issuer
        .issue(&with_id, TimeDelta::hours(24), now - TimeDelta::hours(1))
        .expect("issues");
    let rules = RuleSet::from_json(include_str!("../examples/rules/city.json")).expect("rules");
    let bundle = |sequence: u64, revoke: bool| {
        let mut draft = BundleDraft::new(
            sequence,
            now - TimeDelta::hours(3 - sequence as i64),
            TimeDelta::days(7),
        );
        draft
            .add_key(TrustedKey::new(*issuer.key().public_key(), "CN-SN-XA").with_display_name("西安市卫生健康委员会"));
        draft.rules = Some(rules.clone());
        if revoke {
            draft.revoke_code(&revoked, &Limits::DEFAULT).expect("revokes");
        }
        draft.sign(&root).expect("signs")
    };
    let newer = fixture.write("bundle-2.bundle", bundle(2, true));
    let older = fixture.write("bundle-1.bundle", bundle(1, false));
    std::fs::copy(&newer, dist.join("trust.bundle")).expect("copy bundle");
    std::fs::write(dist.join("root.pub.pem"), root.public_key().to_spki_pem().expect("pem")).expect("root");

    let video = |name: &str, frame: Gray| fixture.write(&format!("{name}.y4m"), y4m(&frame, 5));
    let case = |path: PathBuf, verdict: &str, reason: &str| serde_json::json!({ "video": path, "verdict": verdict, "reason": reason });
    let videos = serde_json::json!({
        "valid": case(video("valid", frame(&valid, 4)), "admit", "status.green"),
        "expired": case(video("expired", frame(&expired, 4)), "deny", "time.expired"),
        "tampered": case(video("tampered", frame(&tampered(&valid), 4)), "deny", "signature.invalid"),
        "revoked": case(video("revoked", frame(&revoked, 4)), "deny", "revoked.credential"),
        "small": case(video("small", frame(&valid, 2)), "admit", "status.green"),
        "blurred": case(video("blurred", gaussian_blur(&frame(&valid, 4), 1.0)), "admit", "status.green"),
        "check_id": case(video("check_id", frame(&check_id, 4)), "check_id", "status.green"),
    });
    let spec = serde_json::json!({
        "dist": dist,
        "screenshots": screenshots,
        "videos": videos,
        "bundles": { "newer": newer, "older": older, "newer_sequence": 2 },
        "id_number": ID_NUMBER,
    });
    let spec_path = fixture.write("fixture.json", serde_json::to_vec_pretty(&spec).expect("json"));

    let run = Command::new("node")
        .arg(root_dir.join("web/tests/browser.mjs"))
        .arg(&spec_path)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "web/tests/browser.mjs failed:\n{stdout}\n{stderr}"
    );
    let figures = stdout.lines().last().unwrap_or_default();
    let mut err = std::io::stderr().lock();
    let _ = std::io::Write::write_fmt(&mut err, format_args!("\nbrowser figures: {figures}\n"));
    let _ = std::fs::remove_dir_all(&fixture.dir);
}
