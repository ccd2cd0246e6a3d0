//! One trust bundle vector (`test-vectors/bundle/`): the scanner's prior
//! state, the bundle file and its payload, the expected load result, and
//! optionally a code verified with the loaded bundle; its JSON form and the
//! self-check through the public API.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{BundleDraft, Kid, Limits, PublicKey, StalePolicy, TrustBundle, TrustState, Verified, Verifier};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::bundle_wire;
use super::case::{Case, Expect, Result, ValidExpect};
use super::fixture::TestKey;
use super::json::{self, ExpectedJson, KeyJson, hex_of, rfc3339};
use super::wire::Cbor;

/// What a scanner holds before loading: its roots, the sequence number of
/// the newest bundle loaded and the newest issue time seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// Trusted root keys, in order.
    pub roots: Vec<PublicKey>,
    /// The held sequence number.
    pub sequence: Option<u64>,
    /// The newest issue time seen.
    pub newest_seen: Option<DateTime<Utc>>,
    /// SHA-256 of the held bundle's payload; `None` in a state persisted
    /// before digests were kept.
    pub bundle_digest: Option<[u8; 32]>,
}

impl State {
    /// A fresh state pinning `roots`.
    pub fn fresh(roots: &[&TestKey]) -> State {
        State {
            roots: roots.iter().map(|r| *r.key.public_key()).collect(),
            sequence: None,
            newest_seen: None,
            bundle_digest: None,
        }
    }

    /// The state holding this digest of the bundle at its sequence number.
    pub fn with_digest(mut self, payload: &[u8]) -> State {
        self.bundle_digest = Some(Sha256::digest(payload).into());
        self
    }

    /// The state holding a sequence number and a newest-seen time.
    pub fn holding(mut self, sequence: Option<u64>, newest_seen: Option<DateTime<Utc>>) -> State {
        self.sequence = sequence;
        self.newest_seen = newest_seen;
        self
    }

    /// The state after a bundle signed by `signer` loads (SPEC.md §12.4):
    /// its sequence, `newest_seen` raised to its issue time, and the roots
    /// reduced to the signer plus the announced ones.
    fn after(&self, signer: Kid, draft: &BundleDraft, payload: &[u8]) -> State {
        let mut roots: Vec<PublicKey> = self.roots.iter().filter(|r| r.kid() == signer).copied().collect();
        for next in &draft.next_roots {
            if !roots.contains(next) {
                roots.push(*next);
            }
        }
        State {
            roots,
            sequence: Some(draft.sequence),
            newest_seen: Some(self.newest_seen.map_or(draft.issued_at, |t| t.max(draft.issued_at))),
            bundle_digest: Some(Sha256::digest(payload).into()),
        }
    }

    /// The library's state, read from its persisted form (SPEC.md §12.5),
    /// written here by hand: the only way to give it a held sequence.
    fn to_trust_state(&self) -> Result<TrustState> {
        let roots = self.roots.iter().map(|r| Cbor::Bytes(r.to_bytes().to_vec())).collect();
        let mut entries = vec![(1, Cbor::Array(roots))];
        if let Some(sequence) = self.sequence {
            entries.push((2, Cbor::Uint(sequence)));
        }
        if let Some(seen) = self.newest_seen {
            entries.push((3, Cbor::int(seen.timestamp())));
        }
        if let Some(digest) = self.bundle_digest {
            entries.push((4, Cbor::Bytes(digest.to_vec())));
        }
        let state = TrustState::from_bytes(&Cbor::map(entries).encode())?;
        if self.sequence.is_none() {
            let mut fresh = TrustState::new(&self.roots);
            if let Some(seen) = self.newest_seen {
                fresh.observe(seen);
            }
            if fresh != state {
                return Err("the persisted state form differs from TrustState::new".into());
            }
        }
        Ok(state)
    }

    fn matches(&self, state: &TrustState) -> bool {
        state.roots() == self.roots.as_slice()
            && state.sequence() == self.sequence
            && state.newest_seen() == self.newest_seen
            && state.bundle_digest() == self.bundle_digest
    }
}

/// What loading the bundle must give.
#[derive(Debug, Clone)]
pub enum LoadExpect {
    /// The bundle loads: its summary and the state after.
    Loaded(Box<Summary>),
    /// A refusal with this exact error code.
    Error(&'static str),
}

/// The summary of a loaded bundle.
#[derive(Debug, Clone)]
pub struct Summary {
    sequence: u64,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    signed_by: Kid,
    keys: usize,
    revoked: usize,
    state_after: State,
}

impl Summary {
    fn matches(&self, bundle: &TrustBundle, state: &TrustState) -> bool {
        bundle.sequence() == self.sequence
            && bundle.issued_at() == self.issued_at
            && bundle.expires_at() == self.expires_at
            && bundle.signed_by() == self.signed_by
            && bundle.keys().count() == self.keys
            && bundle.revoked_count() == self.revoked
            && self.state_after.matches(state)
    }
}

/// A code verified with the loaded bundle.
#[derive(Debug, Clone)]
pub struct VerifyStep {
    /// The scanner's clock when it verifies.
    pub now: DateTime<Utc>,
    /// A stale policy other than the default.
    pub stale: Option<StalePolicy>,
    /// The code text.
    pub text: String,
    /// The expected result.
    pub expect: Expect,
    /// The issuer's display name the bundle gives (valid results).
    pub issuer_name: Option<String>,
    /// The warning codes (valid results).
    pub warnings: Vec<&'static str>,
}

/// A trust bundle test vector.
#[derive(Debug, Clone)]
pub struct BundleCase {
    /// File name without `.json`.
    pub name: String,
    /// What the case tests.
    pub description: String,
    /// The scanner's clock when it loads the bundle.
    pub now: DateTime<Utc>,
    /// A clock-skew allowance other than the default 300 s (load and verify).
    pub skew_seconds: Option<i64>,
    /// Bundle limits other than the defaults.
    pub limits: Option<Limits>,
    /// Root keys: the pinned ones and the one that signed the bundle.
    pub roots: Vec<TestKey>,
    /// Issuer keys the bundle lists or that signed the code.
    pub keys: Vec<TestKey>,
    /// The scanner's state before loading.
    pub state: State,
    /// The unsigned payload the bundle carries.
    pub payload: Vec<u8>,
    /// The bundle file.
    pub bundle: Vec<u8>,
    /// The draft the bundle was signed from, when it was.
    pub draft: Option<BundleDraft>,
    /// The kid of the key that signed the bundle.
    pub signer: Option<Kid>,
    /// The expected load result.
    pub expect: LoadExpect,
    /// The field a refusal must name (checked here, not written).
    pub field: Option<&'static str>,
    /// A code verified with the loaded bundle.
    pub verify: Option<VerifyStep>,
}

impl BundleCase {
    /// A case with its roots and prior state, and nothing signed yet.
    pub fn new(name: &str, description: &str, now: DateTime<Utc>, roots: &[&TestKey], state: State) -> BundleCase {
        BundleCase {
            name: name.into(),
            description: description.into(),
            now,
            skew_seconds: None,
            limits: None,
            roots: roots.iter().map(|r| (*r).clone()).collect(),
            keys: Vec::new(),
            state,
            payload: Vec::new(),
            bundle: Vec::new(),
            draft: None,
            signer: None,
            expect: LoadExpect::Error("unset"),
            field: None,
            verify: None,
        }
    }

    /// Renames the case and replaces its description.
    pub fn named(mut self, name: &str, description: &str) -> BundleCase {
        self.name = name.into();
        self.description = description.into();
        self
    }

    /// Sets the clock-skew allowance.
    pub fn skew(mut self, seconds: i64) -> BundleCase {
        self.skew_seconds = Some(seconds);
        self
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> BundleCase {
        self.limits = Some(limits);
        self
    }

    /// Replaces the prior state.
    pub fn state(mut self, state: State) -> BundleCase {
        self.state = state;
        self
    }

    /// Lists issuer keys (once each).
    pub fn with_keys(mut self, keys: &[&TestKey]) -> BundleCase {
        for key in keys {
            if !self.keys.iter().any(|k| k.label == key.label) {
                self.keys.push((*key).clone());
            }
        }
        self
    }

    /// The bundle `root` signs from `draft` through the library; the
    /// payload is also written by hand and must be the library's.
    pub fn signed(mut self, draft: &BundleDraft, root: &TestKey) -> Result<BundleCase> {
        let payload = draft.to_payload()?;
        if bundle_wire::payload_of(draft).encode() != payload {
            return Err(format!("{}: the hand-written payload differs from the library's", self.name).into());
        }
        self.bundle = draft.sign(&root.key)?;
        self.payload = payload;
        self.draft = Some(draft.clone());
        Ok(self.signer(root))
    }

    /// The bundle `root` signs over hand-built payload bytes.
    pub fn signed_payload(mut self, payload: Vec<u8>, root: &TestKey) -> Result<BundleCase> {
        self.bundle = qrcred::layers::sign_cose(payload.clone(), &root.key, qrcred::layers::Document::Bundle)?;
        self.payload = payload;
        self.draft = None;
        Ok(self.signer(root))
    }

    /// Records the signer; a signer the case does not list yet is listed
    /// with the roots (e.g. a root the scanner does not pin).
    fn signer(mut self, key: &TestKey) -> BundleCase {
        self.signer = Some(key.key.kid());
        if !self.roots.iter().chain(&self.keys).any(|k| k.label == key.label) {
            self.roots.push(key.clone());
        }
        self
    }

    /// Replaces the bundle file and the payload it carries (tampering).
    pub fn tampered(mut self, bundle: Vec<u8>, payload: Vec<u8>) -> BundleCase {
        self.bundle = bundle;
        self.payload = payload;
        self
    }

    /// Expects the bundle to load, with the summary of its draft.
    pub fn loads(mut self) -> Result<BundleCase> {
        let (Some(draft), Some(signer)) = (&self.draft, self.signer) else {
            return Err(format!("{}: only a bundle signed from a draft has a summary", self.name).into());
        };
        self.expect = LoadExpect::Loaded(Box::new(Summary {
            sequence: draft.sequence,
            issued_at: draft.issued_at,
            expires_at: draft.expires_at,
            signed_by: signer,
            keys: draft.keys.len(),
            revoked: draft.revoked.len(),
            state_after: self.state.after(signer, draft, &self.payload),
        }));
        Ok(self)
    }

    /// Expects the bundle to be refused with `code`.
    pub fn refused(mut self, code: &'static str) -> BundleCase {
        self.expect = LoadExpect::Error(code);
        self.verify = None;
        self
    }

    /// Requires the refusal to name `field` (as the library's error does).
    pub fn naming(mut self, field: &'static str) -> BundleCase {
        self.field = Some(field);
        self
    }

    /// Verifies `code` (a case minted by the library's issuer) at `now`,
    /// expecting the minted result, with the bundle's display name and the
    /// given warnings.
    pub fn verifies(mut self, code: &Case, now: DateTime<Utc>, warnings: &[&'static str]) -> Result<BundleCase> {
        let Expect::Valid(v) = &code.expect else {
            return Err(format!("{}: the code to verify is not a valid one", self.name).into());
        };
        let issuer_name = self
            .draft
            .as_ref()
            .and_then(|d| d.keys.iter().find(|k| k.kid() == v.kid))
            .and_then(|k| k.display_name.clone());
        self.verify = Some(VerifyStep {
            now,
            stale: None,
            text: code.text.clone().ok_or("a minted code has a text")?,
            expect: code.expect.clone(),
            issuer_name,
            warnings: warnings.to_vec(),
        });
        Ok(self.with_keys(&code.keys.iter().collect::<Vec<_>>()))
    }

    /// Verifies `code` at `now`, expecting a refusal with `error`.
    pub fn rejects(self, code: &Case, now: DateTime<Utc>, error: &'static str) -> Result<BundleCase> {
        let mut case = self.verifies(code, now, &[])?;
        if let Some(v) = &mut case.verify {
            v.expect = Expect::Error(error);
            v.issuer_name = None;
        }
        Ok(case)
    }

    /// Sets the stale policy of the verify step.
    pub fn stale_policy(mut self, policy: StalePolicy) -> BundleCase {
        if let Some(v) = &mut self.verify {
            v.stale = Some(policy);
        }
        self
    }

    /// Whether the bundle is expected to load.
    pub fn loads_ok(&self) -> bool {
        matches!(self.expect, LoadExpect::Loaded(_))
    }
}

#[derive(Serialize)]
struct BundleJson<'a> {
    description: &'a str,
    now: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    skew_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limits: Option<LimitsJson>,
    roots: Vec<KeyJson>,
    keys: Vec<KeyJson>,
    state: StateJson,
    bundle_hex: String,
    payload_hex: String,
    expected: LoadJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify: Option<VerifyJson<'a>>,
}

#[derive(Serialize)]
struct LimitsJson {
    max_bundle_len: usize,
    max_bundle_items: usize,
}

#[derive(Serialize)]
struct StateJson {
    roots: Vec<String>,
    sequence: Option<u64>,
    newest_seen: Option<String>,
    bundle_digest: Option<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LoadJson {
    Loaded {
        ok: bool,
        sequence: u64,
        issued_at: String,
        expires_at: String,
        signed_by: String,
        keys: usize,
        revoked: usize,
        state_after: StateJson,
    },
    Refused {
        ok: bool,
        error: &'static str,
    },
}

#[derive(Serialize)]
struct VerifyJson<'a> {
    now: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_policy: Option<PolicyJson>,
    text: &'a str,
    expected: VerifyExpectedJson<'a>,
}

#[derive(Serialize)]
struct PolicyJson {
    grace_seconds: i64,
    refuse: bool,
}

#[derive(Serialize)]
#[serde(untagged)]
enum VerifyExpectedJson<'a> {
    Valid {
        valid: bool,
        kind: &'static str,
        issuer: &'a str,
        issuer_name: Option<&'a str>,
        kid: String,
        issued_at: String,
        valid_from: String,
        expires_at: String,
        cti: Option<String>,
        warnings: &'a [&'static str],
        credential: &'a qrcred::Credential,
    },
    Refused(ExpectedJson<'a>),
}

fn state_json(s: &State) -> StateJson {
    StateJson {
        roots: s.roots.iter().map(|r| hex_of(&r.to_bytes())).collect(),
        sequence: s.sequence,
        newest_seen: s.newest_seen.map(rfc3339),
        bundle_digest: s.bundle_digest.map(|d| hex_of(&d)),
    }
}

fn verify_json(v: &VerifyStep) -> VerifyJson<'_> {
    let expected = match &v.expect {
        Expect::Valid(e) => valid_json(e, v),
        Expect::Error(_) => VerifyExpectedJson::Refused(json::expected_json(&v.expect)),
    };
    VerifyJson {
        now: rfc3339(v.now),
        stale_policy: v.stale.map(|p| PolicyJson {
            grace_seconds: p.grace.num_seconds(),
            refuse: p.refuse,
        }),
        text: &v.text,
        expected,
    }
}

fn valid_json<'a>(e: &'a ValidExpect, v: &'a VerifyStep) -> VerifyExpectedJson<'a> {
    let instant = super::fixture::instant;
    VerifyExpectedJson::Valid {
        valid: true,
        kind: e.credential.kind().as_str(),
        issuer: &e.issuer,
        issuer_name: v.issuer_name.as_deref(),
        kid: e.kid.to_string(),
        issued_at: rfc3339(instant(e.iat)),
        valid_from: rfc3339(instant(e.start)),
        expires_at: rfc3339(instant(e.exp)),
        cti: e.cti.map(|c| hex_of(&c)),
        warnings: &v.warnings,
        credential: &e.credential,
    }
}

impl BundleCase {
    /// The file contents: pretty JSON, fixed field order, trailing newline.
    pub fn to_json(&self) -> Result<String> {
        let expected = match &self.expect {
            LoadExpect::Loaded(s) => LoadJson::Loaded {
                ok: true,
                sequence: s.sequence,
                issued_at: rfc3339(s.issued_at),
                expires_at: rfc3339(s.expires_at),
                signed_by: s.signed_by.to_string(),
                keys: s.keys,
                revoked: s.revoked,
                state_after: state_json(&s.state_after),
            },
            LoadExpect::Error(code) => LoadJson::Refused { ok: false, error: code },
        };
        let json = BundleJson {
            description: &self.description,
            now: rfc3339(self.now),
            skew_seconds: self.skew_seconds,
            limits: self.limits.map(|l| LimitsJson {
                max_bundle_len: l.max_bundle_len,
                max_bundle_items: l.max_bundle_items,
            }),
            roots: self.roots.iter().map(json::key_json).collect(),
            keys: self.keys.iter().map(json::key_json).collect(),
            state: state_json(&self.state),
            bundle_hex: hex_of(&self.bundle),
            payload_hex: hex_of(&self.payload),
            expected,
            verify: self.verify.as_ref().map(verify_json),
        };
        Ok(serde_json::to_string_pretty(&json)? + "\n")
    }

    /// Loads the bundle (and verifies the code) with the library and checks
    /// the expected results, so no case is refused for another reason than
    /// the one it names.
    pub fn check(&self) -> Result<()> {
        let fail = |what: String| -> Result<()> { Err(format!("{}: {what}", self.name).into()) };
        if !bundle_wire::carries(&self.bundle, &self.payload) {
            return fail("the bundle does not carry the payload".into());
        }
        let mut state = self.state.to_trust_state()?;
        if let Some(s) = self.skew_seconds {
            state = state.with_clock_skew(TimeDelta::seconds(s));
        }
        if let Some(l) = self.limits {
            state = state.with_limits(l);
        }
        let loaded = state.load(&self.bundle, self.now);
        let bundle = match (&self.expect, loaded) {
            (LoadExpect::Error(code), Err(e)) if e.code() == *code && self.verify.is_none() => {
                let named = self.field.is_none_or(|f| format!("{e:?}").contains(&format!("{f:?}")));
                return if named {
                    Ok(())
                } else {
                    fail(format!("{e:?} does not name the field {:?}", self.field))
                };
            }
            (LoadExpect::Loaded(s), Ok(bundle)) if s.matches(&bundle, &state) => bundle,
            (expect, outcome) => return fail(format!("expected {expect:?}, got {outcome:?} and {state:?}")),
        };
        let Some(v) = &self.verify else {
            return Ok(());
        };
        let mut verifier = Verifier::new(&bundle).with_newest_seen(state.newest_seen());
        if let Some(s) = self.skew_seconds {
            verifier = verifier.with_clock_skew(TimeDelta::seconds(s));
        }
        if let Some(p) = v.stale {
            verifier = verifier.with_stale_policy(p);
        }
        match (&v.expect, verifier.verify(&v.text, v.now)) {
            (Expect::Error(code), Err(e)) if e.code() == *code => Ok(()),
            (Expect::Valid(e), Ok(got)) if verified_as(e, v, &got) => Ok(()),
            (expect, outcome) => fail(format!("verify: expected {expect:?}, got {outcome:?}")),
        }
    }
}

fn verified_as(e: &ValidExpect, v: &VerifyStep, got: &Verified) -> bool {
    let warnings: Vec<&str> = got.warnings().iter().map(|w| w.code()).collect();
    json::matches(e, got) && got.issuer_name() == v.issuer_name.as_deref() && warnings == v.warnings
}
