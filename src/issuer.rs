//! Issuing: credential → claims → COSE_Sign1 → zlib → Base45 → `QC1:` text.

use alloc::{string::String, vec::Vec};
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::claims::{self, Claims};
use crate::error::{ClaimsError, Result, TimeError};
use crate::keys::IssuerKey;
use crate::model::Credential;
use crate::{base45, compression, cose, prefix};

/// Whether and how a code gets a `cti` (credential id) for revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CtiPolicy {
    /// A derived `cti` for kinds that may need revoking
    /// ([`Kind::revocable_by_default`](crate::Kind::revocable_by_default)), none otherwise.
    #[default]
    Auto,
    /// Always a derived `cti`.
    Always,
    /// Never a `cti` (saves 10 bytes).
    Never,
    /// This exact `cti`, e.g. from the issuer's own database.
    Fixed([u8; 8]),
}

/// Options for [`Issuer::issue_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueOptions {
    /// How long the code is valid from its start (`not_before`, else `now`),
    /// in whole seconds. For a health status, `exp - iat` may not exceed
    /// [`HealthStatus::MAX_VALIDITY_HOURS`](crate::HealthStatus::MAX_VALIDITY_HOURS).
    pub validity: TimeDelta,
    /// A start of validity later than `now`, if any.
    pub not_before: Option<DateTime<Utc>>,
    /// The `cti` policy.
    pub cti: CtiPolicy,
}

impl IssueOptions {
    /// Options with this validity and the defaults otherwise.
    pub fn valid_for(validity: TimeDelta) -> Self {
        IssueOptions {
            validity,
            not_before: None,
            cti: CtiPolicy::Auto,
        }
    }
}

/// Signs credentials with one key on behalf of one issuer.
#[derive(Debug, Clone)]
pub struct Issuer {
    key: IssuerKey,
    cti_key: CtiKey,
    issuer_id: String,
    iss_claim: bool,
}

/// The key that derives `cti`s, separate from the signing seed:
/// `HMAC-SHA256(seed, "qrcred cti key v1")` (SPEC.md §6). Zeroized on drop,
/// never shown by `Debug`.
#[derive(Clone)]
struct CtiKey(Zeroizing<[u8; 32]>);

impl CtiKey {
    const LABEL: &'static [u8] = b"qrcred cti key v1";

    fn of(key: &IssuerKey) -> CtiKey {
        CtiKey(hmac(&key.seed(), &[Self::LABEL]))
    }
}

impl core::fmt::Debug for CtiKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CtiKey(..)")
    }
}

/// HMAC-SHA256 (RFC 2104) of the concatenated `parts` under a 32-byte
/// `key`, zero-padded to SHA-256's 64-byte block as RFC 2104 pads it.
fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut block = Zeroizing::new([0u8; 64]);
    block[..32].copy_from_slice(key);
    let mut mac = <Hmac<Sha256> as KeyInit>::new((&*block).into());
    for part in parts {
        mac.update(part);
    }
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

impl Issuer {
    /// An issuer with its signing key and its id (as scanners' trust stores name it).
    pub fn new(key: IssuerKey, issuer_id: &str) -> Self {
        Issuer {
            cti_key: CtiKey::of(&key),
            key,
            issuer_id: issuer_id.into(),
            iss_claim: false,
        }
    }

    /// Also writes the issuer id into the code as the `iss` claim. Off by
    /// default: scanners take the issuer from the key they trust, and the
    /// claim costs a few bytes per code.
    pub fn with_iss_claim(mut self, on: bool) -> Self {
        self.iss_claim = on;
        self
    }

    /// The signing key.
    pub fn key(&self) -> &IssuerKey {
        &self.key
    }

    /// The issuer id.
    pub fn issuer_id(&self) -> &str {
        &self.issuer_id
    }

    /// Issues a code text valid for `validity` from `now`.
    pub fn issue(&self, credential: &Credential, validity: TimeDelta, now: DateTime<Utc>) -> Result<String> {
        self.issue_with(credential, &IssueOptions::valid_for(validity), now)
    }

    /// Issues a code text with explicit options.
    pub fn issue_with(&self, credential: &Credential, options: &IssueOptions, now: DateTime<Utc>) -> Result<String> {
        let payload = self.issue_bytes_with(credential, options, now)?;
        Ok(prefix::add(&base45::encode(&payload)))
    }

    /// Issues the payload bytes (COSE_Sign1, zlib-compressed when shorter)
    /// that the text form carries in Base45.
    pub fn issue_bytes(&self, credential: &Credential, validity: TimeDelta, now: DateTime<Utc>) -> Result<Vec<u8>> {
        self.issue_bytes_with(credential, &IssueOptions::valid_for(validity), now)
    }

    /// Issues the payload bytes with explicit options.
    pub fn issue_bytes_with(
        &self,
        credential: &Credential,
        options: &IssueOptions,
        now: DateTime<Utc>,
    ) -> Result<Vec<u8>> {
        let claims_bytes = self.claims_bytes(credential, options, now)?;
        let cose = cose::sign(claims_bytes, &self.key, cose::Document::Code)?;
        compression::compress_if_shorter(cose)
    }

    fn claims_bytes(&self, credential: &Credential, options: &IssueOptions, now: DateTime<Utc>) -> Result<Vec<u8>> {
        let seconds = |t: DateTime<Utc>| u32::try_from(t.timestamp()).map_err(|_| TimeError::OutOfRange);
        let iat = seconds(now)?;
        let validity = options.validity.num_seconds();
        if validity <= 0 {
            return Err(ClaimsError::InvalidWindow.into());
        }
        let validity = u32::try_from(validity).map_err(|_| TimeError::OutOfRange)?;
        let start = match options.not_before {
            Some(nbf) => seconds(nbf)?.max(iat),
            None => iat,
        };
        let mut claims = Claims {
            iss: self.iss_claim.then(|| self.issuer_id.clone()),
            iat,
            exp: start.checked_add(validity).ok_or(TimeError::OutOfRange)?,
            nbf: Some(start),
            cti: None,
            credential: credential.clone(),
        };
        let derive = match options.cti {
            CtiPolicy::Auto => credential.kind().revocable_by_default(),
            CtiPolicy::Always => true,
            CtiPolicy::Never => false,
            CtiPolicy::Fixed(cti) => {
                claims.cti = Some(cti);
                false
            }
        };
        if !derive {
            return claims::encode(&claims);
        }
        let (bytes, _) = claims::encode_with_cti(&claims, |without_cti| self.derive_cti(without_cti))?;
        Ok(bytes)
    }

    /// `HMAC-SHA256(cti key, claims without cti)[..8]`, the cti key derived
    /// from the seed under its own label ([`CtiKey`]): unique per distinct
    /// code, unguessable without the key, and reproducible, so issuing needs
    /// no random source; the signing seed itself never enters a hash.
    fn derive_cti(&self, claims: &[u8]) -> [u8; 8] {
        let digest = hmac(&self.cti_key.0, &[claims]);
        let mut cti = [0u8; 8];
        cti.copy_from_slice(&digest[..8]);
        cti
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// HMAC-SHA256 with any key length, as RFC 2104 defines it.
    fn reference_hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn cti_comes_from_a_key_derived_under_its_own_label() {
        let key = IssuerKey::from_seed(&[0x5A; 32]);
        let issuer = Issuer::new(key.clone(), "CN-SN-XA");
        let claims = b"claims without cti";
        let cti_key = reference_hmac(key.seed().as_ref(), b"qrcred cti key v1");
        let expected = reference_hmac(&cti_key, claims);
        assert_eq!(issuer.derive_cti(claims), expected[..8]);
        // The seed is not the cti key: no hash ever sees the seed next to claims.
        assert_ne!(
            issuer.derive_cti(claims),
            reference_hmac(key.seed().as_ref(), claims)[..8]
        );
    }

    #[test]
    fn debug_shows_neither_seed_nor_cti_key() {
        let issuer = Issuer::new(IssuerKey::from_seed(&[0x5A; 32]), "CN-SN-XA");
        let shown = alloc::format!("{issuer:?}");
        let cti_key = hex::encode(*issuer.cti_key.0);
        assert!(!shown.contains("5a5a") && !shown.contains(&cti_key[..8]), "{shown}");
        assert!(shown.contains("CtiKey(..)"), "{shown}");
    }
}
