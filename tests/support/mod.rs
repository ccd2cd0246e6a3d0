//! Reads the test vectors of `test-vectors/valid` and `test-vectors/invalid`
//! (format: test-vectors/README.md) and runs them through the public API.
//!
//! Written independently of the generator (examples/gen_vectors.rs): this
//! is what another implementation's harness would do.

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, Kind, Limits, PublicKey, TrustStore, TrustedKey, Verified, Verifier};
use serde::Deserialize;

/// One case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub description: String,
    pub now: String,
    #[serde(default)]
    pub skew_seconds: Option<i64>,
    #[serde(default)]
    pub limits: Option<LimitsJson>,
    pub keys: Vec<KeyJson>,
    pub trust: Vec<TrustJson>,
    #[serde(default)]
    pub credential: Option<Credential>,
    #[serde(default)]
    pub claims_hex: Option<String>,
    #[serde(default)]
    pub cose_hex: Option<String>,
    #[serde(default)]
    pub payload_hex: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    pub expected: Expected,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsJson {
    pub max_text_len: usize,
    pub max_inflated_len: usize,
    pub max_cbor_depth: usize,
    pub max_cbor_items: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyJson {
    pub label: String,
    pub test_only: bool,
    pub seed: String,
    pub public_key: String,
    pub kid: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustJson {
    pub public_key: String,
    pub kid: String,
    pub issuer: String,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub kinds: Vec<Kind>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Expected {
    Valid(Box<ValidJson>),
    Invalid(InvalidJson),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidJson {
    pub valid: bool,
    pub kind: Kind,
    pub issuer: String,
    pub kid: String,
    pub issued_at: String,
    pub valid_from: String,
    pub expires_at: String,
    pub cti: Option<String>,
    pub credential: Credential,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvalidJson {
    pub valid: bool,
    pub error: String,
}

/// The directory of the vectors.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors")
}

/// Every case of `valid` or `invalid`, by file name (without `.json`), sorted.
pub fn load(dir: &str) -> Vec<(String, Case)> {
    let dir = root().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("vector directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let json = std::fs::read_to_string(&path).expect("read vector");
            let case: Case = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_stem().expect("stem").to_string_lossy().into_owned();
            (name, case)
        })
        .collect()
}

/// Every case, valid first.
pub fn load_all() -> Vec<(String, Case)> {
    let mut all = load("valid");
    all.extend(load("invalid"));
    all
}

pub fn time(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).expect("RFC 3339").to_utc()
}

pub fn bytes(hex_text: &str) -> Vec<u8> {
    hex::decode(hex_text).expect("hex")
}

impl Case {
    /// The scanner's clock.
    pub fn now(&self) -> DateTime<Utc> {
        time(&self.now)
    }

    /// The trust store, entries added in file order.
    pub fn trust_store(&self) -> TrustStore {
        let mut store = TrustStore::new();
        for t in &self.trust {
            let key: [u8; 32] = bytes(&t.public_key).try_into().expect("32-byte key");
            let key = PublicKey::from_bytes(&key).expect("trusted key");
            let entry = TrustedKey::new(key, &t.issuer)
                .with_window(t.valid_from.as_deref().map(time), t.valid_until.as_deref().map(time))
                .with_kinds(&t.kinds);
            store.add(entry);
        }
        store
    }

    /// The limits: the file's when given, else the defaults.
    pub fn limits(&self) -> Limits {
        self.limits.map_or(Limits::DEFAULT, |l| {
            Limits::DEFAULT
                .with_max_text_len(l.max_text_len)
                .with_max_inflated_len(l.max_inflated_len)
                .with_max_cbor_depth(l.max_cbor_depth)
                .with_max_cbor_items(l.max_cbor_items)
        })
    }

    /// A verifier with the case's trust store, skew and limits.
    pub fn verifier(&self) -> Verifier<TrustStore> {
        let mut v = Verifier::new(self.trust_store()).with_limits(self.limits());
        if let Some(s) = self.skew_seconds {
            v = v.with_clock_skew(TimeDelta::seconds(s));
        }
        v
    }

    /// Verifies the text, or the payload bytes when the case has no text.
    pub fn verify(&self) -> qrcred::Result<Verified> {
        let verifier = self.verifier();
        match (&self.text, &self.payload_hex) {
            (Some(text), _) => verifier.verify(text, self.now()),
            (None, Some(payload)) => verifier.verify_bytes(&bytes(payload), self.now()),
            (None, None) => panic!("a case needs a text or a payload"),
        }
    }
}
