//! Issuing: credential → claims → COSE_Sign1 → zlib → Base45 → `QC1:` text.

use alloc::{string::String, vec::Vec};
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

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
    issuer_id: String,
    iss_claim: bool,
}

impl Issuer {
    /// An issuer with its signing key and its id (as scanners' trust stores name it).
    pub fn new(key: IssuerKey, issuer_id: &str) -> Self {
        Issuer {
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
        let cose = cose::sign(claims_bytes, &self.key)?;
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

    /// `SHA-256("qrcred-cti-v1" || seed || claims without cti)[..8]`: unique
    /// per distinct code, unguessable without the key, and reproducible, so
    /// issuing needs no random source.
    fn derive_cti(&self, claims: &[u8]) -> [u8; 8] {
        let seed = self.key.seed();
        let digest = Sha256::new()
            .chain_update(b"qrcred-cti-v1")
            .chain_update(seed.as_ref())
            .chain_update(claims)
            .finalize();
        let mut cti = [0u8; 8];
        cti.copy_from_slice(&digest[..8]);
        cti
    }
}
