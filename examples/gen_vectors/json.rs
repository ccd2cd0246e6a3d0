//! A case's JSON form (fixed field order, trailing newline) and the
//! self-check that the library gives exactly the expected result.

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use qrcred::{Credential, Kid, TrustStore, Verified, Verifier};
use serde::Serialize;

use super::case::{Case, Expect, Result, ValidExpect};
use super::fixture::{TestKey, Trust, instant};

/// Hex, lower case.
pub fn hex_of(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// RFC 3339 in UTC with `Z`, fractions only when present.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[derive(Serialize)]
struct CaseJson<'a> {
    description: &'a str,
    now: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    skew_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limits: Option<LimitsJson>,
    keys: Vec<KeyJson>,
    trust: Vec<TrustJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credential: Option<&'a Credential>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cose_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    expected: ExpectedJson<'a>,
}

#[derive(Serialize)]
struct LimitsJson {
    max_text_len: usize,
    max_inflated_len: usize,
    max_cbor_depth: usize,
    max_cbor_items: usize,
}

#[derive(Serialize)]
pub struct KeyJson {
    label: &'static str,
    test_only: bool,
    seed: String,
    public_key: String,
    kid: String,
}

#[derive(Serialize)]
pub struct TrustJson {
    public_key: String,
    kid: String,
    issuer: String,
    valid_from: Option<String>,
    valid_until: Option<String>,
    kinds: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum ExpectedJson<'a> {
    Valid {
        valid: bool,
        kind: &'static str,
        issuer: &'a str,
        kid: String,
        issued_at: String,
        valid_from: String,
        expires_at: String,
        cti: Option<String>,
        credential: &'a Credential,
    },
    Invalid {
        valid: bool,
        error: &'static str,
    },
}

impl Case {
    /// The file contents: pretty JSON, fixed field order, trailing newline.
    pub fn to_json(&self) -> Result<String> {
        let json = CaseJson {
            description: &self.description,
            now: rfc3339(self.now),
            skew_seconds: self.skew_seconds,
            limits: self.limits.map(|l| LimitsJson {
                max_text_len: l.max_text_len,
                max_inflated_len: l.max_inflated_len,
                max_cbor_depth: l.max_cbor_depth,
                max_cbor_items: l.max_cbor_items,
            }),
            keys: self.keys.iter().map(key_json).collect(),
            trust: self.trust.iter().map(trust_json).collect(),
            credential: self.credential.as_ref(),
            claims_hex: self.claims.as_deref().map(hex_of),
            cose_hex: self.cose.as_deref().map(hex_of),
            payload_hex: self.payload.as_deref().map(hex_of),
            text: self.text.as_deref(),
            expected: expected_json(&self.expect),
        };
        Ok(serde_json::to_string_pretty(&json)? + "\n")
    }
}

pub fn key_json(k: &TestKey) -> KeyJson {
    KeyJson {
        label: k.label,
        test_only: true,
        seed: hex_of(k.key.seed().as_ref()),
        public_key: hex_of(&k.key.public_key().to_bytes()),
        kid: k.key.kid().to_string(),
    }
}

pub fn trust_json(t: &Trust) -> TrustJson {
    TrustJson {
        public_key: hex_of(&t.public_key),
        kid: Kid::of(&t.public_key).to_string(),
        issuer: t.issuer.clone(),
        valid_from: t.valid_from.map(rfc3339),
        valid_until: t.valid_until.map(rfc3339),
        kinds: t.kinds.iter().map(|k| k.as_str()).collect(),
    }
}

pub fn expected_json(expect: &Expect) -> ExpectedJson<'_> {
    match expect {
        Expect::Valid(v) => ExpectedJson::Valid {
            valid: true,
            kind: v.credential.kind().as_str(),
            issuer: &v.issuer,
            kid: v.kid.to_string(),
            issued_at: rfc3339(instant(v.iat)),
            valid_from: rfc3339(instant(v.start)),
            expires_at: rfc3339(instant(v.exp)),
            cti: v.cti.map(|c| hex_of(&c)),
            credential: &v.credential,
        },
        Expect::Error(code) => ExpectedJson::Invalid {
            valid: false,
            error: code,
        },
    }
}

impl Case {
    /// Verifies the case with the library and checks the expected result,
    /// so no case is refused for another reason than the one it names.
    pub fn check(&self) -> Result<()> {
        let outcome = self.verify()?;
        match (&self.expect, outcome) {
            (Expect::Error(code), Err(e)) if e.code() == *code => Ok(()),
            (Expect::Valid(v), Ok(got)) if matches(v, &got) => Ok(()),
            (expect, outcome) => Err(format!("{}: expected {expect:?}, got {outcome:?}", self.name).into()),
        }
    }

    fn verify(&self) -> Result<qrcred::Result<Verified>> {
        let mut store = TrustStore::new();
        for t in &self.trust {
            store.add(t.to_trusted_key()?);
        }
        let mut verifier = Verifier::new(store);
        if let Some(s) = self.skew_seconds {
            verifier = verifier.with_clock_skew(TimeDelta::seconds(s));
        }
        if let Some(l) = self.limits {
            verifier = verifier.with_limits(l);
        }
        Ok(match (&self.text, &self.payload) {
            (Some(text), _) => verifier.verify(text, self.now),
            (None, Some(payload)) => verifier.verify_bytes(payload, self.now),
            (None, None) => return Err(format!("{}: neither text nor payload", self.name).into()),
        })
    }
}

pub fn matches(v: &ValidExpect, got: &Verified) -> bool {
    got.credential() == &v.credential
        && got.issuer() == v.issuer
        && got.kid() == v.kid
        && got.issued_at().timestamp() == v.iat
        && got.valid_from().timestamp() == v.start
        && got.expires_at().timestamp() == v.exp
        && got.cti() == v.cti
}
