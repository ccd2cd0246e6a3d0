//! Credential ⇄ CWT claims set (RFC 8392), both directions.
//!
//! The claims map carries `iss` (1, optional), `exp` (4), `nbf` (5, only
//! when it differs from `iat`), `iat` (6), `cti` (7, optional) and the
//! credential body under the private-use claim key -65537. Inside the body
//! every key is a small unsigned integer; SPEC.md §7 lists them all.
//! Times are unsigned seconds since 1970-01-01 UTC that fit in 32 bits
//! (until 2106-02-07), so each costs at most 5 bytes.

mod body;

use alloc::{string::String, vec, vec::Vec};
use ciborium::value::Value;

use crate::cbor;
use crate::error::{ClaimsError, Result};
use crate::fields::{Fields, int};
use crate::limits::Limits;
use crate::model::{Credential, check_text};

/// Claim key of `iss`.
const ISS: i64 = 1;
/// Claim key of `exp`.
const EXP: i64 = 4;
/// Claim key of `nbf`.
const NBF: i64 = 5;
/// Claim key of `iat`.
const IAT: i64 = 6;
/// Claim key of `cti`.
const CTI: i64 = 7;
/// Longest `iss` in bytes.
const MAX_ISS: usize = 80;
/// The private-use claim key that carries the credential body.
pub const CREDENTIAL_CLAIM_KEY: i64 = -65537;

/// The signed claims of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Claims {
    /// `iss`, when the issuer chose to include it.
    pub iss: Option<String>,
    /// `iat`, seconds since the epoch.
    pub iat: u32,
    /// `exp`, seconds since the epoch.
    pub exp: u32,
    /// `nbf`, when it differs from `iat`.
    pub nbf: Option<u32>,
    /// `cti`, when the code may need revoking.
    pub cti: Option<[u8; 8]>,
    /// The credential.
    pub credential: Credential,
}

impl Claims {
    /// The start of validity: `nbf` when present, else `iat`.
    pub fn valid_from(&self) -> u32 {
        self.nbf.unwrap_or(self.iat)
    }

    /// Checks the relations between the claims and the credential's rules.
    fn validate(&self) -> Result<()> {
        if self.valid_from() < self.iat || self.exp <= self.valid_from() {
            return Err(ClaimsError::InvalidWindow.into());
        }
        if let Some(max_hours) = self.credential.kind().max_validity_hours()
            && self.exp - self.iat > max_hours * 3600
        {
            return Err(ClaimsError::ValidityTooLong { max_hours }.into());
        }
        if let Some(iss) = &self.iss {
            check_text("iss", iss, MAX_ISS)?;
        }
        self.credential.validate()
    }
}

/// Encodes claims deterministically.
pub(crate) fn encode(claims: &Claims) -> Result<Vec<u8>> {
    claims.validate()?;
    let mut entries = entries(claims)?;
    if let Some(cti) = claims.cti {
        entries.push((int(CTI), Value::Bytes(cti.to_vec())));
    }
    cbor::encode(&cbor::map(entries)?)
}

/// The claims map's entries, all but `cti`, unsorted.
fn entries(claims: &Claims) -> Result<Vec<(Value, Value)>> {
    let mut entries = vec![
        (int(EXP), Value::Integer(claims.exp.into())),
        (int(IAT), Value::Integer(claims.iat.into())),
        (int(CREDENTIAL_CLAIM_KEY), body::encode(&claims.credential)?),
    ];
    if let Some(iss) = &claims.iss {
        entries.push((int(ISS), Value::Text(iss.clone())));
    }
    if let Some(nbf) = claims.nbf.filter(|&n| n != claims.iat) {
        entries.push((int(NBF), Value::Integer(nbf.into())));
    }
    Ok(entries)
}

/// Encodes `claims` (which must have no `cti`) twice over: as they are, for
/// `derive` to compute a `cti` from, and then with that `cti`, by splicing
/// the `cti` entry into the first encoding rather than encoding again. The
/// result is byte for byte `encode` of the claims with the `cti`.
pub(crate) fn encode_with_cti(claims: &Claims, derive: impl FnOnce(&[u8]) -> [u8; 8]) -> Result<(Vec<u8>, [u8; 8])> {
    debug_assert!(claims.cti.is_none());
    claims.validate()?;
    let Value::Map(sorted) = cbor::map(entries(claims)?)? else {
        return Err(crate::error::CborError::Encode.into());
    };
    // At most five entries: the map header is one byte, 0xA0 + count.
    let count = u8::try_from(sorted.len()).map_err(|_| crate::error::CborError::Encode)?;
    let mut without = vec![0xA0 | count];
    // Keys 1 to 6 (one byte each) sort before the cti's 7, the credential's
    // negative key after it: the cti goes just before the credential.
    let mut splice_at = 0;
    for (k, v) in &sorted {
        if *k == int(CREDENTIAL_CLAIM_KEY) {
            splice_at = without.len();
        }
        without.extend_from_slice(&cbor::encode(k)?);
        without.extend_from_slice(&cbor::encode(v)?);
    }
    let cti = derive(&without);
    let mut with = Vec::with_capacity(without.len() + 10);
    with.push(0xA0 | (count + 1));
    with.extend_from_slice(&without[1..splice_at]);
    with.extend_from_slice(&[0x07, 0x48]);
    with.extend_from_slice(&cti);
    with.extend_from_slice(&without[splice_at..]);
    Ok((with, cti))
}

/// Decodes and validates strictly-encoded claims.
pub(crate) fn decode(bytes: &[u8], limits: &Limits) -> Result<Claims> {
    let value = cbor::decode(bytes, limits)?;
    let Value::Map(entries) = value else {
        return Err(ClaimsError::NotAMap.into());
    };
    let mut f = Fields::new(
        entries,
        &[
            (ISS, "iss"),
            (EXP, "exp"),
            (NBF, "nbf"),
            (IAT, "iat"),
            (CTI, "cti"),
            (CREDENTIAL_CLAIM_KEY, "credential"),
        ],
        "claims",
    )?;
    let mut claims = Claims {
        iss: f.opt_text(ISS)?,
        exp: f.time(EXP)?,
        nbf: f.opt_time(NBF)?,
        iat: f.time(IAT)?,
        cti: f.opt_bytes::<8>(CTI)?,
        credential: body::decode(f.value(CREDENTIAL_CLAIM_KEY)?)?,
    };
    // A reader accepts `nbf = iat`, which a writer never writes (SPEC §6):
    // the same claims as no `nbf`, so they compare and re-encode as such.
    claims.nbf = claims.nbf.filter(|&nbf| nbf != claims.iat);
    claims.validate()?;
    Ok(claims)
}

#[cfg(test)]
mod tests;
