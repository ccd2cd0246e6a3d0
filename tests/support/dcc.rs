//! The EU DCC test files (test-vectors/third-party/dgc-testdata, from the
//! EU's dgc-testdata repository; licence beside them): every
//! `<country>/2DCode/raw/*.json`, read once, in name order. Include it with
//! `#[path = "support/dcc.rs"] mod dcc;` (`"../support/dcc.rs"` from a
//! test's subfolder).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One test file.
pub struct DccFile {
    /// `COUNTRY/file.json`.
    pub name: String,
    /// The country folder's name.
    pub country: String,
    pub path: PathBuf,
    /// The file's JSON.
    pub case: Value,
}

/// The folder of the test data.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/third-party/dgc-testdata")
}

/// Every test file, sorted by name.
pub fn files() -> Vec<DccFile> {
    let mut out = Vec::new();
    for country in std::fs::read_dir(root()).expect("dgc-testdata") {
        let dir = country.expect("entry").path();
        let raw = dir.join("2DCode/raw");
        if !raw.is_dir() {
            continue;
        }
        let country = dir.file_name().expect("name").to_string_lossy().into_owned();
        for file in std::fs::read_dir(raw).expect("raw folder") {
            let path = file.expect("entry").path();
            let case = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
            let name = format!("{country}/{}", path.file_name().expect("name").to_string_lossy());
            out.push(DccFile {
                name,
                country: country.clone(),
                path,
                case,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
