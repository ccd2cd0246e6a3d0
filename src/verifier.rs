//! Verifying: `QC1:` text → Base45 → zlib → COSE_Sign1 → signature → claims → credential.
//!
//! Cheap structural checks run first, each with its own error; then the
//! key is looked up by kid and the signature checked with `verify_strict`;
//! only then are the claims decoded and the time and key policy applied.
//! No claim is visible before the signature has verified: [`UnverifiedCode`]
//! exposes only the kid and algorithm, and [`Verified`] can only be made here.

use alloc::{
    string::{String, ToString},
    vec::Vec,
};
use chrono::{DateTime, TimeDelta, Utc};

use crate::claims::{self, Claims};
use crate::cose::UnverifiedSign1;
use crate::error::{Base45Error, ClaimsError, Error, KeyError, LimitsError, Result, TimeError};
use crate::keys::Kid;
use crate::limits::Limits;
use crate::model::{Credential, Kind};
use crate::trust::{KeyResolver, TrustedKey};
use crate::{base45, compression, prefix};

/// A code that parsed but whose signature has not been checked.
#[derive(Debug, Clone)]
pub struct UnverifiedCode {
    sign1: UnverifiedSign1,
}

impl UnverifiedCode {
    /// Parses a code text down to its COSE structure, within `limits`.
    pub fn parse(text: &str, limits: &Limits) -> Result<Self> {
        if text.len() > limits.max_text_len {
            return Err(LimitsError::TextTooLong {
                max: limits.max_text_len,
            }
            .into());
        }
        let base45 = prefix::strip(text)?;
        if base45.is_empty() {
            return Err(Base45Error::Empty.into());
        }
        let payload = base45::decode(base45, text.len() - base45.len())?;
        UnverifiedCode::parse_bytes(payload, limits)
    }

    /// Parses payload bytes (the Base45-decoded form), within `limits`.
    pub fn parse_bytes(payload: Vec<u8>, limits: &Limits) -> Result<Self> {
        let cose = compression::decompress(payload, limits)?;
        Ok(UnverifiedCode {
            sign1: UnverifiedSign1::parse(&cose, limits)?,
        })
    }

    /// The key id, to find the key with.
    pub fn kid(&self) -> Kid {
        self.sign1.kid()
    }

    /// The COSE algorithm (-8 EdDSA or -19 Ed25519).
    pub fn alg(&self) -> i64 {
        self.sign1.alg()
    }
}

/// A credential whose signature, key policy and time window have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    credential: Credential,
    issuer: String,
    kid: Kid,
    issued_at: DateTime<Utc>,
    valid_from: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    cti: Option<[u8; 8]>,
}

impl Verified {
    /// The credential.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The credential, by value.
    pub fn into_credential(self) -> Credential {
        self.credential
    }

    /// The credential's kind.
    pub fn kind(&self) -> Kind {
        self.credential.kind()
    }

    /// The issuer, as the trust store names the key's owner.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The key id that verified.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// `iat`.
    pub fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }

    /// `nbf`, or `iat` when the code has no `nbf`.
    pub fn valid_from(&self) -> DateTime<Utc> {
        self.valid_from
    }

    /// `exp`.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// `cti`, when the code has one.
    pub fn cti(&self) -> Option<[u8; 8]> {
        self.cti
    }
}

/// Verifies codes offline against the keys a [`KeyResolver`] trusts.
#[derive(Debug, Clone)]
pub struct Verifier<R> {
    resolver: R,
    limits: Limits,
    clock_skew: TimeDelta,
}

impl<R: KeyResolver> Verifier<R> {
    /// The default clock-skew allowance: 5 minutes.
    pub const DEFAULT_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

    /// A verifier with default limits and clock skew.
    pub fn new(resolver: R) -> Self {
        Verifier {
            resolver,
            limits: Limits::DEFAULT,
            clock_skew: Self::DEFAULT_CLOCK_SKEW,
        }
    }

    /// Replaces the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Replaces the clock-skew allowance (how far before `nbf` a code is
    /// already accepted, for scanners whose clock runs slow).
    pub fn with_clock_skew(mut self, skew: TimeDelta) -> Self {
        self.clock_skew = skew;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Verifies a code text at `now`.
    pub fn verify(&self, text: &str, now: DateTime<Utc>) -> Result<Verified> {
        self.verify_code(UnverifiedCode::parse(text, &self.limits)?, now)
    }

    /// Verifies payload bytes (the Base45-decoded form) at `now`.
    pub fn verify_bytes(&self, payload: &[u8], now: DateTime<Utc>) -> Result<Verified> {
        self.verify_code(UnverifiedCode::parse_bytes(payload.to_vec(), &self.limits)?, now)
    }

    /// Verifies an already parsed code at `now`.
    pub fn verify_code(&self, code: UnverifiedCode, now: DateTime<Utc>) -> Result<Verified> {
        let kid = code.kid();
        let candidates = self.resolver.keys_for(kid);
        if candidates.is_empty() {
            return Err(KeyError::UnknownKid { kid: kid.to_string() }.into());
        }
        let (payload, keys) = code
            .sign1
            .verify_with(candidates.iter(), |k: &TrustedKey| &k.public_key)?;
        let claims = claims::decode(&payload, &self.limits)?;
        let key = choose_key(&keys, &claims)?;
        self.check_time(&claims, now)?;
        Ok(Verified {
            issuer: key.issuer.clone(),
            kid,
            issued_at: instant(claims.iat),
            valid_from: instant(claims.valid_from()),
            expires_at: instant(claims.exp),
            cti: claims.cti,
            credential: claims.credential,
        })
    }

    fn check_time(&self, claims: &Claims, now: DateTime<Utc>) -> Result<()> {
        let now = i128::from(now.timestamp());
        if now >= i128::from(claims.exp) {
            return Err(TimeError::Expired {
                expired_at: claims.exp.into(),
            }
            .into());
        }
        let valid_from = i128::from(claims.valid_from());
        if now < valid_from - i128::from(self.clock_skew.num_seconds()) {
            return Err(TimeError::NotYetValid {
                valid_from: claims.valid_from().into(),
            }
            .into());
        }
        Ok(())
    }
}

/// The first key that verified and may have issued these claims; else the
/// first key's refusal.
fn choose_key<'k>(keys: &[&'k TrustedKey], claims: &Claims) -> Result<&'k TrustedKey> {
    let iat = i64::from(claims.iat);
    let mut first_error = None;
    for key in keys {
        match key.permits(claims.credential.kind(), iat) {
            Ok(()) => {
                if claims.iss.as_ref().is_some_and(|iss| *iss != key.issuer) {
                    first_error.get_or_insert(Error::from(ClaimsError::IssuerMismatch));
                    continue;
                }
                return Ok(key);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| Error::from(KeyError::OutsideValidity)))
}

/// A claims time as an instant (32-bit seconds are always in range).
fn instant(t: u32) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(t.into())
}
