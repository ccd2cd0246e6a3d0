//! `HC1:` health certificates: the EU Digital COVID Certificate format,
//! which WHO's Global Digital Health Certification Network runs worldwide
//! (feature `hcert`, SPEC.md §14).
//!
//! ```text
//! "HC1:" ⇄ Base45 ⇄ zlib ⇄ COSE_Sign1 (ES256 / PS256) ⇄ CWT claims ⇄ -260 → 1: the certificate
//! ```
//!
//! [`Verifier::verify`](crate::Verifier::verify) reads these codes beside
//! `QC1:` ones, against the Document Signer Certificates ([`Dsc`]) its
//! [`KeyResolver`] holds. The functions here are the
//! layers one at a time, for tools and tests; nothing here mints `HC1:` codes.

mod cert;
mod dsc;
mod sig;

use alloc::{string::String, vec::Vec};
use ciborium::value::Value;

pub use cert::{Entry, HealthCertificate, Names, RecoveryEntry, TestEntry, VaccinationEntry};
pub use dsc::{Dsc, MAX_DSC_LEN};

use crate::cbor;
use crate::error::{
    Base45Error, ClaimsError, CoseError, Error, HcertError, KeyError, LimitsError, Result, SignatureError,
};
use crate::keys::Kid;
use crate::limits::Limits;
use crate::trust::{DccHash, KeyResolver, RevocationId};
use sha2::{Digest, Sha256};

/// The context prefix of HCERT version 1 codes.
pub const PREFIX: &str = "HC1:";

/// The claim key of the health certificate container (`hcert`).
pub const HCERT_CLAIM_KEY: i64 = -260;

/// Longest signature read: an RSA-8192 one (1024 bytes).
const MAX_SIGNATURE_LEN: usize = 1024;

/// The signature algorithms of `HC1:` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Alg {
    /// ECDSA P-256 with SHA-256 (COSE -7).
    Es256,
    /// RSASSA-PSS with SHA-256 (COSE -37).
    Ps256,
}

impl Alg {
    /// The COSE algorithm value.
    pub fn cose(self) -> i64 {
        match self {
            Alg::Es256 => -7,
            Alg::Ps256 => -37,
        }
    }

    /// The JOSE / COSE name.
    pub fn name(self) -> &'static str {
        match self {
            Alg::Es256 => "ES256",
            Alg::Ps256 => "PS256",
        }
    }
}

/// Whether `text` is an `HC1:` code (by its prefix).
pub fn is_hcert(text: &str) -> bool {
    text.starts_with(PREFIX)
}

/// The Base45 text after the `HC1:` prefix.
pub fn unprefix(text: &str) -> Result<&str> {
    text.strip_prefix(PREFIX).ok_or_else(|| {
        let head: String = text.chars().take(8).collect();
        match head.find(':') {
            Some(colon) if colon > 0 => crate::PrefixError::Unknown {
                found: head[..=colon].into(),
            }
            .into(),
            _ => crate::PrefixError::Missing.into(),
        }
    })
}

/// Decodes the Base45 text after the prefix.
pub fn base45_decode(text: &str) -> Result<Vec<u8>> {
    if text.is_empty() {
        return Err(Base45Error::Empty.into());
    }
    crate::base45::decode(text, PREFIX.len())
}

/// Inflates the zlib payload within `limits`; HCERT requires zlib, so a
/// payload that is not a zlib stream is refused (`hcert.not_compressed`).
pub fn inflate(payload: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    limits.check()?;
    if !payload.first().is_some_and(|&b| crate::compression::is_zlib_header(b)) {
        return Err(HcertError::NotCompressed.into());
    }
    crate::compression::inflate(payload, limits.max_inflated_len)
}

/// A parsed `HC1:` COSE_Sign1 whose signature has not been checked.
#[derive(Clone)]
pub struct Sign1 {
    alg: Alg,
    kid: Kid,
    protected: Vec<u8>,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl core::fmt::Debug for Sign1 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sign1")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("payload_len", &self.payload.len())
            .finish_non_exhaustive()
    }
}

fn malformed(field: &'static str) -> Error {
    HcertError::Malformed { field }.into()
}

/// An integer label of a header or claims map.
fn label(key: &Value) -> Option<i128> {
    match key {
        Value::Integer(i) => Some(i128::from(*i)),
        _ => None,
    }
}

fn entry(map: &[(Value, Value)], key: i128) -> Option<&Value> {
    map.iter().find(|(k, _)| label(k) == Some(key)).map(|(_, v)| v)
}

impl Sign1 {
    /// Parses a whole `HC1:` text down to its COSE_Sign1, within `limits`.
    pub fn parse_text(text: &str, limits: &Limits) -> Result<Sign1> {
        limits.check()?;
        if text.len() > limits.max_text_len {
            return Err(LimitsError::TextTooLong {
                max: limits.max_text_len,
            }
            .into());
        }
        let payload = base45_decode(unprefix(text)?)?;
        Sign1::parse(&inflate(&payload, limits)?, limits)
    }

    /// Parses COSE_Sign1 bytes (tagged 18 or untagged): the algorithm and
    /// kid from the protected header, the kid from the unprotected header
    /// only when the protected one has none.
    pub fn parse(cose: &[u8], limits: &Limits) -> Result<Sign1> {
        let value = cbor::decode_lenient(cose, limits)?;
        // COSE_Sign1 tagged (18) or not; also inside the CWT tag (61),
        // which some issuers add.
        let value = match value {
            Value::Tag(61, inner) => *inner,
            other => other,
        };
        let array = match value {
            Value::Tag(18, inner) => *inner,
            Value::Tag(..) => return Err(malformed("tag")),
            other => other,
        };
        let Value::Array(items) = array else {
            return Err(malformed("COSE_Sign1"));
        };
        let Ok([protected, unprotected, payload, signature]) = <[Value; 4]>::try_from(items) else {
            return Err(malformed("COSE_Sign1"));
        };
        let (Value::Bytes(protected), Value::Map(unprotected), Value::Bytes(payload), Value::Bytes(signature)) =
            (protected, unprotected, payload, signature)
        else {
            return Err(malformed("COSE_Sign1"));
        };
        let header = if protected.is_empty() {
            Vec::new()
        } else {
            match cbor::decode_lenient(&protected, limits)? {
                Value::Map(m) => m,
                _ => return Err(malformed("protected")),
            }
        };
        // The algorithm from the protected header, else the unprotected
        // one: the DSC's key type fixes the algorithm in any case (a P-256
        // key verifies only ES256, an RSA key only PS256), so an unprotected
        // `alg` cannot substitute another.
        let alg = match entry(&header, 1).or_else(|| entry(&unprotected, 1)) {
            None => return Err(CoseError::MissingAlg.into()),
            Some(Value::Integer(i)) => match i128::from(*i) {
                -7 => Alg::Es256,
                -37 => Alg::Ps256,
                other => {
                    return Err(HcertError::UnsupportedAlg {
                        alg: i64::try_from(other).unwrap_or(i64::MIN),
                    }
                    .into());
                }
            },
            Some(_) => return Err(malformed("alg")),
        };
        let kid = match entry(&header, 4).or_else(|| entry(&unprotected, 4)) {
            None => return Err(HcertError::MissingKid.into()),
            Some(Value::Bytes(kid)) => Kid(<[u8; 8]>::try_from(kid.as_slice()).map_err(|_| malformed("kid"))?),
            Some(_) => return Err(malformed("kid")),
        };
        if signature.is_empty() || signature.len() > MAX_SIGNATURE_LEN {
            return Err(SignatureError::InvalidLength {
                length: signature.len(),
            }
            .into());
        }
        Ok(Sign1 {
            alg,
            kid,
            protected,
            payload,
            signature,
        })
    }

    /// The signature algorithm.
    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The kid that names the Document Signer Certificate.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The unverified payload (CWT claims). Read it only to inspect a code
    /// whose signature did not verify, never to decide on it.
    pub fn unverified_payload(&self) -> &[u8] {
        &self.payload
    }

    /// `Sig_structure` (RFC 9052 §4.4): `["Signature1", protected, h'', payload]`.
    fn to_be_signed(&self) -> Vec<u8> {
        crate::cose::sig_structure_with_aad(&self.protected, &[], &self.payload)
    }

    /// Whether the signature verifies under `dsc`'s key.
    pub fn verifies_with(&self, dsc: &Dsc) -> bool {
        dsc.verifies(self.alg, &self.to_be_signed(), &self.signature)
    }
}

/// The CWT claims of an `HC1:` code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `iss` (1): the issuing country, when given.
    pub iss: Option<String>,
    /// `iat` (6), seconds since 1970.
    pub iat: i64,
    /// `exp` (4), seconds since 1970.
    pub exp: i64,
    /// The certificate under `hcert` (-260) → 1.
    pub certificate: HealthCertificate,
}

impl Claims {
    /// Reads the claims from payload bytes and checks the certificate
    /// against the schema's rules.
    pub fn parse(payload: &[u8], limits: &Limits) -> Result<Claims> {
        let claims = cbor::decode_lenient(payload, limits)?;
        let Value::Map(claims) = claims else {
            return Err(malformed("claims"));
        };
        let iss = match entry(&claims, 1) {
            None => None,
            Some(Value::Text(t)) if t.len() <= 80 => Some(t.clone()),
            Some(_) => return Err(malformed("iss")),
        };
        let time = |key: i128, field: &'static str| -> Result<i64> {
            match entry(&claims, key) {
                Some(Value::Integer(i)) => i64::try_from(i128::from(*i)).map_err(|_| malformed(field)),
                // Some issuers wrote whole seconds as floats.
                Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(*f as i64),
                Some(_) => Err(malformed(field)),
                None => Err(ClaimsError::Missing { field }.into()),
            }
        };
        // From 1970 to the end of year 9999, as every time this library reads.
        let in_range = |t: i64, field: &'static str| {
            (0..=253_402_300_799)
                .contains(&t)
                .then_some(t)
                .ok_or_else(|| malformed(field))
        };
        let iat = in_range(time(6, "iat")?, "iat")?;
        let exp = in_range(time(4, "exp")?, "exp")?;
        if exp <= iat {
            return Err(ClaimsError::InvalidWindow.into());
        }
        let certificate = HealthCertificate::from_value(take_hcert(claims)?)?;
        Ok(Claims {
            iss,
            iat,
            exp,
            certificate,
        })
    }
}

/// The value under -260 → 1.
fn hcert_value(claims: &[(Value, Value)]) -> Result<&Value> {
    let Some(Value::Map(container)) = entry(claims, HCERT_CLAIM_KEY.into()) else {
        return Err(malformed("hcert"));
    };
    entry(container, 1).ok_or_else(|| malformed("hcert"))
}

/// The value under -260 → 1, moved out of the claims.
fn take_hcert(claims: Vec<(Value, Value)>) -> Result<Value> {
    let container = claims
        .into_iter()
        .find(|(k, _)| label(k) == Some(HCERT_CLAIM_KEY.into()))
        .map(|(_, v)| v);
    let Some(Value::Map(container)) = container else {
        return Err(malformed("hcert"));
    };
    container
        .into_iter()
        .find(|(k, _)| label(k) == Some(1))
        .map(|(_, v)| v)
        .ok_or_else(|| malformed("hcert"))
}

/// The certificate under -260 → 1 of payload bytes, as JSON, unchecked
/// (for comparing with a JSON form, as the EU test data does).
pub fn certificate_json(payload: &[u8], limits: &Limits) -> Result<serde_json::Value> {
    let Value::Map(claims) = cbor::decode_lenient(payload, limits)? else {
        return Err(malformed("claims"));
    };
    Ok(cert::to_json(hcert_value(&claims)?))
}

/// Any well-formed CBOR item as JSON (text keys; lenient reading as for
/// `HC1:` codes), e.g. the test data's `CBOR` field, a certificate alone.
pub fn cbor_json(bytes: &[u8], limits: &Limits) -> Result<serde_json::Value> {
    Ok(cert::to_json(&cbor::decode_lenient(bytes, limits)?))
}

impl HealthCertificate {
    /// Reads and checks a certificate given alone as CBOR (the value of
    /// claim -260 → 1).
    pub fn from_cbor(bytes: &[u8], limits: &Limits) -> Result<HealthCertificate> {
        HealthCertificate::from_value(cbor::decode_lenient(bytes, limits)?)
    }
}

/// An `HC1:` code whose signature verified under a Document Signer
/// Certificate whose window and key usage admit it.
pub(crate) struct Opened {
    pub claims: Claims,
    /// The DSC that verified: its kid, algorithm, subject country and common name.
    pub dsc: Signer,
    pub signature: Vec<u8>,
}

/// What a verified code reports of the DSC that signed it (not the
/// certificate itself: no copy of its DER per code).
pub(crate) struct Signer {
    pub kid: Kid,
    pub alg: Alg,
    pub country: Option<String>,
    pub common_name: Option<String>,
}

impl Opened {
    /// The part of the signature the EU signature hash covers: of ES256,
    /// `r` only; of PS256, all of it (SPEC.md §14.5).
    pub(crate) fn hashed_signature(&self) -> &[u8] {
        match self.dsc.alg {
            Alg::Es256 => &self.signature[..self.signature.len() / 2],
            Alg::Ps256 => &self.signature[..],
        }
    }

    /// The three EU revocation ids of this code ([`revocation_ids`]).
    pub(crate) fn revocation_ids(&self) -> [RevocationId; 3] {
        revocation_ids(&self.claims.certificate, self.hashed_signature())
    }
}

/// The first 16 bytes of the SHA-256 of `parts` in turn: an EU revocation hash.
fn eu_hash(parts: &[&[u8]]) -> [u8; 16] {
    let mut sha = Sha256::new();
    for part in parts {
        sha.update(part);
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&sha.finalize()[..16]);
    out
}

/// The UVCI revocation id of a certificate ([`DccHash::Uci`]): the one id a
/// verified `HC1:` code is told apart by.
pub(crate) fn uvci_id(certificate: &HealthCertificate) -> RevocationId {
    RevocationId::for_dcc(DccHash::Uci, &eu_hash(&[certificate.uvci().as_bytes()]))
}

/// The three EU revocation ids ([`DccHash`]), in that order: UVCI, country +
/// UVCI, signature (`hashed_signature`, see [`Opened::hashed_signature`]),
/// each hash the first 16 bytes of a SHA-256 (SPEC.md §14.5).
pub(crate) fn revocation_ids(certificate: &HealthCertificate, hashed_signature: &[u8]) -> [RevocationId; 3] {
    let uvci = certificate.uvci().as_bytes();
    [
        uvci_id(certificate),
        RevocationId::for_dcc(
            DccHash::CountryCodeUci,
            &eu_hash(&[certificate.country().as_bytes(), uvci]),
        ),
        RevocationId::for_dcc(DccHash::Signature, &eu_hash(&[hashed_signature])),
    ]
}

/// Finds the DSC by kid, checks the signature, reads the claims and checks
/// the DSC's validity window at `iat` and its key usage.
pub(crate) fn open(text: &str, resolver: &impl KeyResolver, limits: &Limits) -> Result<Opened> {
    let sign1 = Sign1::parse_text(text, limits)?;
    let dscs = resolver.dscs_for(sign1.kid);
    if dscs.is_empty() {
        return Err(KeyError::UnknownKid {
            kid: alloc::string::ToString::to_string(&sign1.kid),
        }
        .into());
    }
    let tbs = sign1.to_be_signed();
    let verified: Vec<&Dsc> = dscs
        .iter()
        .filter(|dsc| dsc.verifies(sign1.alg, &tbs, &sign1.signature))
        .collect();
    if verified.is_empty() {
        return Err(SignatureError::Invalid.into());
    }
    let claims = Claims::parse(&sign1.payload, limits)?;
    let kind = claims.certificate.kind();
    // Every verifying entry's state first, as for issuer keys: a retirement
    // or revocation on any of them vetoes. A retired or withdrawn DSC's
    // earlier codes keep verifying until their own `exp` (no withdrawal
    // grant: the issuing state sets a DCC's validity, often a year), hence
    // `iat` as the expiry given to the shared check.
    for dsc in &verified {
        crate::trust::state_permits(&dsc.state(), claims.iat, claims.iat)?;
    }
    let mut first_error = None;
    for dsc in verified {
        let in_window = dsc.not_before().timestamp() <= claims.iat && claims.iat <= dsc.not_after().timestamp();
        let refusal: Option<Error> = if !in_window {
            Some(KeyError::OutsideValidity.into())
        } else if !dsc.permits(kind) {
            Some(KeyError::KindNotAllowed { kind: kind.as_str() }.into())
        } else {
            None
        };
        match refusal {
            None => {
                return Ok(Opened {
                    claims,
                    dsc: Signer {
                        kid: dsc.kid(),
                        alg: dsc.alg(),
                        country: dsc.country().map(String::from),
                        common_name: dsc.common_name().map(String::from),
                    },
                    signature: sign1.signature,
                });
            }
            Some(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| KeyError::OutsideValidity.into()))
}
