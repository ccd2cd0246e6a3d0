//! One test vector: its inputs, every layer that applies, and the
//! expected result, with a builder to make cases from one another.

use chrono::{DateTime, Utc};
use qrcred::{Credential, Kid, Limits};

use super::fixture::{TestKey, Trust};

/// Errors of the generator.
pub type Error = Box<dyn std::error::Error>;
/// Results of the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What verifying the case must give.
#[derive(Debug, Clone)]
pub enum Expect {
    /// A verified credential.
    Valid(Box<ValidExpect>),
    /// A refusal with this exact error code.
    Error(&'static str),
}

/// The expected result of a valid case; times in seconds.
#[derive(Debug, Clone)]
pub struct ValidExpect {
    /// The trust entry's issuer name.
    pub issuer: String,
    /// The kid that verified.
    pub kid: Kid,
    /// `iat`.
    pub iat: i64,
    /// `nbf`, else `iat`.
    pub start: i64,
    /// `exp`.
    pub exp: i64,
    /// `cti`.
    pub cti: Option<[u8; 8]>,
    /// The credential.
    pub credential: Credential,
}

/// A test vector.
#[derive(Debug, Clone)]
pub struct Case {
    /// File name without `.json`.
    pub name: String,
    /// What the case tests.
    pub description: String,
    /// The scanner's clock.
    pub now: DateTime<Utc>,
    /// A clock-skew allowance other than the default 300 s.
    pub skew_seconds: Option<i64>,
    /// Limits other than the defaults.
    pub limits: Option<Limits>,
    /// The keys whose seeds made the case's signatures.
    pub keys: Vec<TestKey>,
    /// The trust store, in insertion order.
    pub trust: Vec<Trust>,
    /// The credential the claims carry, where they carry a valid one.
    pub credential: Option<Credential>,
    /// The CBOR claims (the COSE payload).
    pub claims: Option<Vec<u8>>,
    /// The COSE_Sign1 bytes.
    pub cose: Option<Vec<u8>>,
    /// The Base45-decoded payload (COSE bytes, or zlib of them).
    pub payload: Option<Vec<u8>>,
    /// The code text.
    pub text: Option<String>,
    /// The expected result.
    pub expect: Expect,
}

impl Case {
    /// A case with nothing but its name, description and clock.
    pub fn new(name: &str, description: &str, now: DateTime<Utc>) -> Case {
        Case {
            name: name.into(),
            description: description.into(),
            now,
            skew_seconds: None,
            limits: None,
            keys: Vec::new(),
            trust: Vec::new(),
            credential: None,
            claims: None,
            cose: None,
            payload: None,
            text: None,
            expect: Expect::Error("unset"),
        }
    }

    /// Whether the case belongs in `valid/`.
    pub fn is_valid(&self) -> bool {
        matches!(self.expect, Expect::Valid(_))
    }

    /// Renames the case and replaces its description.
    pub fn named(mut self, name: &str, description: &str) -> Case {
        self.name = name.into();
        self.description = description.into();
        self
    }

    /// Adds a signing key (once).
    pub fn signed_by(mut self, key: &TestKey) -> Case {
        if !self.keys.iter().any(|k| k.label == key.label) {
            self.keys.push(key.clone());
        }
        self
    }

    /// Sets the scanner's clock.
    pub fn at(mut self, now: DateTime<Utc>) -> Case {
        self.now = now;
        self
    }

    /// Sets the clock-skew allowance.
    pub fn skew(mut self, seconds: i64) -> Case {
        self.skew_seconds = Some(seconds);
        self
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> Case {
        self.limits = Some(limits);
        self
    }

    /// Replaces the trust store.
    pub fn trust(mut self, trust: Vec<Trust>) -> Case {
        self.trust = trust;
        self
    }

    /// Sets the credential.
    pub fn with_credential(mut self, credential: Credential) -> Case {
        self.credential = Some(credential);
        self
    }

    /// Sets the claims bytes.
    pub fn claims(mut self, claims: Vec<u8>) -> Case {
        self.claims = Some(claims);
        self
    }

    /// Sets the COSE bytes and, uncompressed, the payload and text.
    pub fn cose(mut self, cose: Vec<u8>) -> Case {
        self.cose = Some(cose.clone());
        self.payload(cose)
    }

    /// Sets the payload and the text that carries it.
    pub fn payload(mut self, payload: Vec<u8>) -> Case {
        let text = format!("{}{}", qrcred::PREFIX, qrcred::layers::base45_encode(&payload));
        self.payload = Some(payload);
        self.text = Some(text);
        self
    }

    /// Sets the text only, dropping every layer below it.
    pub fn text(mut self, text: String) -> Case {
        self.credential = None;
        self.claims = None;
        self.cose = None;
        self.payload = None;
        self.text = Some(text);
        self
    }

    /// Drops the text: the case is verified from its payload bytes.
    pub fn without_text(mut self) -> Case {
        self.text = None;
        self
    }

    /// Drops the credential, claims and COSE layers (they no longer
    /// describe what the payload holds).
    pub fn payload_only(mut self) -> Case {
        self.credential = None;
        self.claims = None;
        self.cose = None;
        self
    }

    /// Drops the credential and claims (the COSE bytes do not carry them).
    pub fn without_claims(mut self) -> Case {
        self.credential = None;
        self.claims = None;
        self
    }

    /// Sets the expected result.
    pub fn expect(mut self, expect: Expect) -> Case {
        self.expect = expect;
        self
    }

    /// Expects a refusal with `code`.
    pub fn refused(self, code: &'static str) -> Case {
        self.expect(Expect::Error(code))
    }

    /// Changes the expected issuer of a valid case.
    pub fn valid_issuer(mut self, issuer: &str) -> Case {
        if let Expect::Valid(v) = &mut self.expect {
            v.issuer = issuer.into();
        }
        self
    }
}
