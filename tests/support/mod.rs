//! Reads the test vectors of `test-vectors/valid`, `test-vectors/invalid`,
//! `test-vectors/bundle` and `test-vectors/rules` (format: test-vectors/README.md) and runs them
//! through the public API.
//!
//! Written independently of the generator (examples/gen_vectors.rs): this
//! is what another implementation's harness would do.

// Each test binary that includes this module uses a part of it.
#![allow(dead_code)]

pub mod rules;

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{
    Credential, Kind, Limits, PublicKey, StalePolicy, TrustBundle, TrustState, TrustStore, TrustedKey, Verified,
    Verifier,
};
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
    json_files(dir)
        .into_iter()
        .map(|path| {
            let json = std::fs::read_to_string(&path).expect("read vector");
            let case: Case = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_stem().expect("stem").to_string_lossy().into_owned();
            (name, case)
        })
        .collect()
}

/// Every code case, valid first.
pub fn load_all() -> Vec<(String, Case)> {
    let mut all = load("valid");
    all.extend(load("invalid"));
    all
}

/// A trust store of `entries`, added in order.
pub fn trust_store(entries: &[TrustJson]) -> TrustStore {
    let mut store = TrustStore::new();
    for t in entries {
        let key: [u8; 32] = bytes(&t.public_key).try_into().expect("32-byte key");
        let key = PublicKey::from_bytes(&key).expect("trusted key");
        let entry = TrustedKey::new(key, &t.issuer)
            .with_window(t.valid_from.as_deref().map(time), t.valid_until.as_deref().map(time))
            .with_kinds(&t.kinds);
        store.add(entry);
    }
    store
}

/// A health status credential of `colour` for "Person `n`", born
/// 1980-02-03: many distinct codes for the batch tests.
pub fn status(n: impl std::fmt::Display, colour: qrcred::Colour) -> Credential {
    Credential {
        subject: qrcred::Subject {
            family_name: format!("Person {n}"),
            given_name: None,
            family_name_icao: None,
            given_name_icao: None,
            birth_date: qrcred::BirthDate::parse("1980-02-03").expect("date"),
            id_digest: None,
        },
        body: qrcred::CredentialBody::HealthStatus(qrcred::HealthStatus { colour, reason: None }),
    }
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
        trust_store(&self.trust)
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

/// One trust bundle case file of `test-vectors/bundle/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleCase {
    pub description: String,
    pub now: String,
    #[serde(default)]
    pub skew_seconds: Option<i64>,
    #[serde(default)]
    pub limits: Option<BundleLimitsJson>,
    pub roots: Vec<KeyJson>,
    pub keys: Vec<KeyJson>,
    pub state: StateJson,
    pub bundle_hex: String,
    pub payload_hex: String,
    pub expected: LoadJson,
    #[serde(default)]
    pub verify: Option<VerifyJson>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleLimitsJson {
    pub max_bundle_len: usize,
    pub max_bundle_items: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateJson {
    pub roots: Vec<String>,
    pub sequence: Option<u64>,
    pub newest_seen: Option<String>,
    pub bundle_digest: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum LoadJson {
    Loaded(Box<LoadedJson>),
    Refused(RefusedJson),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadedJson {
    pub ok: bool,
    pub sequence: u64,
    pub issued_at: String,
    pub expires_at: String,
    pub signed_by: String,
    pub keys: usize,
    pub revoked: usize,
    pub state_after: StateJson,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusedJson {
    pub ok: bool,
    pub error: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyJson {
    pub now: String,
    #[serde(default)]
    pub stale_policy: Option<PolicyJson>,
    pub text: String,
    pub expected: VerifyExpected,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyJson {
    pub grace_seconds: i64,
    pub refuse: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum VerifyExpected {
    Valid(Box<BundleValidJson>),
    Invalid(InvalidJson),
}

/// A valid code's expected result with a bundle: the fields of
/// `valid/` plus the issuer's display name and the warning codes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleValidJson {
    pub valid: bool,
    pub kind: Kind,
    pub issuer: String,
    pub issuer_name: Option<String>,
    pub kid: String,
    pub issued_at: String,
    pub valid_from: String,
    pub expires_at: String,
    pub cti: Option<String>,
    pub warnings: Vec<String>,
    pub credential: Credential,
}

impl BundleValidJson {
    /// The fields a `valid/` vector has.
    pub fn as_valid(&self) -> ValidJson {
        ValidJson {
            valid: self.valid,
            kind: self.kind,
            issuer: self.issuer.clone(),
            kid: self.kid.clone(),
            issued_at: self.issued_at.clone(),
            valid_from: self.valid_from.clone(),
            expires_at: self.expires_at.clone(),
            cti: self.cti.clone(),
            credential: self.credential.clone(),
        }
    }
}

/// Every case of `bundle/`, by file name (without `.json`), sorted.
pub fn load_bundles() -> Vec<(String, BundleCase)> {
    json_files("bundle")
        .into_iter()
        .map(|path| {
            let json = std::fs::read_to_string(&path).expect("read vector");
            let case: BundleCase = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_stem().expect("stem").to_string_lossy().into_owned();
            (name, case)
        })
        .collect()
}

pub(crate) fn json_files(dir: &str) -> Vec<PathBuf> {
    let dir = root().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("vector directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// A CBOR head: major type and argument, shortest form.
pub(crate) fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

impl StateJson {
    /// The state in the persisted form of SPEC.md §12.5: `{1: [roots],
    /// 2: sequence, 3: newest_seen, 4: bundle_digest}`, the optional entries
    /// only when set.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let entries = 1
            + u64::from(self.sequence.is_some())
            + u64::from(self.newest_seen.is_some())
            + u64::from(self.bundle_digest.is_some());
        cbor_head(&mut out, 5, entries);
        cbor_head(&mut out, 0, 1);
        cbor_head(&mut out, 4, self.roots.len() as u64);
        for root in &self.roots {
            let key = bytes(root);
            cbor_head(&mut out, 2, key.len() as u64);
            out.extend(key);
        }
        if let Some(sequence) = self.sequence {
            cbor_head(&mut out, 0, 2);
            cbor_head(&mut out, 0, sequence);
        }
        if let Some(seen) = &self.newest_seen {
            cbor_head(&mut out, 0, 3);
            let t = time(seen).timestamp();
            match u64::try_from(t) {
                Ok(t) => cbor_head(&mut out, 0, t),
                Err(_) => cbor_head(&mut out, 1, t.unsigned_abs() - 1),
            }
        }
        if let Some(digest) = &self.bundle_digest {
            cbor_head(&mut out, 0, 4);
            let digest = bytes(digest);
            cbor_head(&mut out, 2, digest.len() as u64);
            out.extend(digest);
        }
        out
    }

    /// Whether the library's state is this one (the roots as a set).
    pub fn is(&self, state: &TrustState) -> bool {
        let mut roots: Vec<String> = state.roots().iter().map(|r| hex::encode(r.to_bytes())).collect();
        let mut want = self.roots.clone();
        roots.sort();
        want.sort();
        roots == want
            && state.sequence() == self.sequence
            && state.newest_seen() == self.newest_seen.as_deref().map(time)
            && state.bundle_digest().map(hex::encode) == self.bundle_digest
    }
}

impl BundleCase {
    /// The scanner's clock at loading.
    pub fn now(&self) -> DateTime<Utc> {
        time(&self.now)
    }

    /// The clock skew: the file's, else 300 seconds.
    pub fn skew(&self) -> TimeDelta {
        TimeDelta::seconds(self.skew_seconds.unwrap_or(300))
    }

    /// The scanner's state before loading, with the case's skew and limits.
    pub fn trust_state(&self) -> TrustState {
        let limits = self.limits.map_or(Limits::DEFAULT, |l| {
            Limits::DEFAULT
                .with_max_bundle_len(l.max_bundle_len)
                .with_max_bundle_items(l.max_bundle_items)
        });
        TrustState::from_bytes(&self.state.to_cbor())
            .expect("the prior state reads")
            .with_clock_skew(self.skew())
            .with_limits(limits)
    }

    /// Loads the bundle at `now`: the state after, and the result.
    pub fn load(&self) -> (TrustState, qrcred::Result<TrustBundle>) {
        let mut state = self.trust_state();
        let result = state.load(&bytes(&self.bundle_hex), self.now());
        (state, result)
    }

    /// Verifies the case's code with a loaded bundle, the verifier seeded
    /// with the state's newest issue time.
    pub fn verify(&self, bundle: &TrustBundle, state: &TrustState) -> Option<qrcred::Result<Verified>> {
        let v = self.verify.as_ref()?;
        let mut verifier = Verifier::new(bundle)
            .with_newest_seen(state.newest_seen())
            .with_clock_skew(self.skew());
        if let Some(p) = v.stale_policy {
            verifier = verifier.with_stale_policy(StalePolicy {
                grace: TimeDelta::seconds(p.grace_seconds),
                refuse: p.refuse,
            });
        }
        Some(verifier.verify(&v.text, time(&v.now)))
    }
}
