//! Test material: codes issued for the sample credentials, drawn as
//! greyscale QR images, written as PNG or JPEG files, and read back by the
//! reference scanner zbarimg.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, EccLevel, Issuer, IssuerKey, PublicKey, QrCode, TrustStore, TrustedKey};

use crate::transform::{Gray, draw_modules};

/// The sample credentials in examples/credentials/.
pub const KINDS: [&str; 5] = ["health_status", "vaccination", "test_result", "recovery", "access_pass"];

const SEED: [u8; 32] = [1; 32];
const ISSUER: &str = "CN-SN-XA";

/// The fixed issue time.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

/// The code issued for one sample credential, valid for a day.
pub fn code(kind: &str) -> String {
    let path = format!("{}/examples/credentials/{kind}.json", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(&path).expect("sample credential");
    let credential: Credential = serde_json::from_str(&json).expect("sample parses");
    let issuer = Issuer::new(IssuerKey::from_seed(&SEED), ISSUER);
    issuer.issue(&credential, TimeDelta::hours(24), now()).expect("issues")
}

/// The trust store that accepts the sample codes.
pub fn trust() -> TrustStore {
    let public: PublicKey = *IssuerKey::from_seed(&SEED).public_key();
    TrustStore::new().with(TrustedKey::new(public, ISSUER))
}

/// `text` as the library's renderer encodes it (error-correction level M,
/// the smallest version that holds it, alphanumeric mode), `module` pixels
/// per module, centred on a white `canvas`×`canvas` image.
pub fn draw(text: &str, module: u32, canvas: u32) -> Gray {
    let symbol = QrCode::encode(text, EccLevel::M).expect("fits");
    let size = symbol.size();
    let modules: Vec<bool> = (0..size * size).map(|i| symbol.is_dark(i % size, i / size)).collect();
    let size = size as u32;
    assert!(size * module + 8 * module <= canvas, "a 4-module quiet zone fits");
    draw_modules(&modules, size, module, canvas)
}

/// The image as an 8-bit greyscale PNG file.
pub fn png(img: &Gray) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, img.width, img.height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&img.pixels).expect("png data");
    writer.finish().expect("png end");
    bytes
}

/// The image as a greyscale JPEG file at `quality` (1-100).
pub fn jpeg(img: &Gray, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    let (w, h) = (
        u16::try_from(img.width).expect("w"),
        u16::try_from(img.height).expect("h"),
    );
    let encoder = jpeg_encoder::Encoder::new(&mut bytes, quality);
    encoder
        .encode(&img.pixels, w, h, jpeg_encoder::ColorType::Luma)
        .expect("jpeg");
    bytes
}

/// zbarimg, the reference scanner, reading image files from a private
/// temporary folder.
pub struct Zbarimg {
    dir: PathBuf,
    count: usize,
}

impl Zbarimg {
    /// A private folder for zbarimg's input files; the caller has checked
    /// with [`crate::outside::zbarimg`] that zbarimg is installed.
    pub fn new(name: &str) -> Zbarimg {
        let dir = std::env::temp_dir().join(format!("qrcred-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Zbarimg { dir, count: 0 }
    }

    /// Whether zbarimg reads exactly `text` (its one trailing newline
    /// stripped) from the file `bytes` with extension `ext`.
    pub fn reads(&mut self, bytes: &[u8], ext: &str, text: &str) -> bool {
        self.count += 1;
        let path = self.dir.join(format!("{}.{ext}", self.count));
        std::fs::write(&path, bytes).expect("write image");
        let out = run_zbarimg(&path);
        std::fs::remove_file(&path).expect("remove image");
        out.strip_suffix('\n') == Some(text)
    }
}

impl Drop for Zbarimg {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run_zbarimg(path: &Path) -> String {
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(path)
        .output()
        .expect("zbarimg runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
