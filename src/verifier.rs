//! Verifying: `QC1:` text → Base45 → zlib → COSE_Sign1 → signature → claims → credential.
//!
//! Cheap structural checks run first, each with its own error; then the
//! key is looked up by kid and the signature checked with `verify_strict`;
//! only then are the claims decoded and the time and key policy applied.
//! No claim is visible before the signature has verified: [`UnverifiedCode`]
//! exposes only the kid and algorithm, and [`Verified`] can only be made here.

use alloc::{
    borrow::Cow,
    string::{String, ToString},
    vec,
    vec::Vec,
};
use chrono::{DateTime, TimeDelta, Utc};
use core::sync::atomic::{AtomicI64, Ordering};

use crate::claims::{self, Claims};
use crate::cose::{Document, UnverifiedSign1};
use crate::error::{
    Base45Error, ClaimsError, Error, KeyError, LimitsError, Result, RevokedError, TimeError, TrustError, UnixTime,
};
use crate::keys::{Kid, PublicKey};
use crate::limits::Limits;
use crate::model::{Credential, Kind};
use crate::trust::{KeyResolver, RevocationId, TrustedKey};
use crate::{base45, compression, prefix};

/// A code that parsed but whose signature has not been checked.
///
/// Its `Debug` shows only the algorithm, the key id and the lengths of the
/// protected header and payload: nothing of the unverified claims.
#[derive(Debug, Clone)]
pub struct UnverifiedCode {
    sign1: UnverifiedSign1,
}

impl UnverifiedCode {
    /// Parses a code text down to its COSE structure, within `limits`.
    pub fn parse(text: &str, limits: &Limits) -> Result<Self> {
        limits.check()?;
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
        limits.check()?;
        let cose = compression::decompress(payload, limits)?;
        Ok(UnverifiedCode {
            sign1: UnverifiedSign1::parse(&cose, limits, Document::Code)?,
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

/// Something a scanner should show next to an accepted code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The trust bundle expired (plus the grace) and the stale policy only
    /// warns: revocations published since may be missing.
    StaleTrust {
        /// When the bundle expired.
        expired_at: DateTime<Utc>,
    },
}

impl Warning {
    /// The stable code (`trust.stale`), shared with the refusal of a failing policy.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::StaleTrust { .. } => "trust.stale",
        }
    }
}

/// What the verifier does with stale trust data: a bundle past its
/// `expires_at` plus `grace`.
///
/// The default warns, with no grace: codes keep verifying (signatures,
/// expiry, revocations known to the bundle) and each result carries
/// [`Warning::StaleTrust`] from the moment the bundle expires. A door that
/// stops admitting everyone when its update channel fails is the outage
/// this library exists to prevent, and the codes themselves are short-lived
/// (a health status lasts at most 72 hours); what staleness risks is
/// missing revocations published since, which the warning makes visible.
/// Sites that must not run on old revocation data choose
/// [`StalePolicy::refuse_after`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StalePolicy {
    /// How long after the bundle's `expires_at` it still counts as current.
    pub grace: TimeDelta,
    /// Whether stale trust refuses (`trust.stale`) or only warns.
    pub refuse: bool,
}

impl StalePolicy {
    /// Warn from the bundle's expiry on; never refuse.
    pub const DEFAULT: StalePolicy = StalePolicy {
        grace: TimeDelta::zero(),
        refuse: false,
    };

    /// Warn once the bundle is `grace` past its expiry.
    pub fn warn_after(grace: TimeDelta) -> StalePolicy {
        StalePolicy { grace, refuse: false }
    }

    /// Refuse every code (`trust.stale`) once the bundle is `grace` past its expiry.
    pub fn refuse_after(grace: TimeDelta) -> StalePolicy {
        StalePolicy { grace, refuse: true }
    }
}

impl Default for StalePolicy {
    fn default() -> Self {
        StalePolicy::DEFAULT
    }
}

/// A credential whose signature, key policy, revocation and time window
/// have been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    credential: Credential,
    issuer: String,
    issuer_name: Option<String>,
    warnings: Vec<Warning>,
    kid: Kid,
    issued_at: DateTime<Utc>,
    valid_from: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    cti: Option<[u8; 8]>,
    /// What the revocation id derives from.
    origin: Origin,
}

/// The format a verified code came in, with what its revocation id needs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// A `QC1:` code: its COSE signature, for the id of a code without a `cti`.
    Code { signature: [u8; 64] },
    /// An `HC1:` code: the certificate and the part of its signature the
    /// EU signature hash covers, for its revocation ids.
    #[cfg(feature = "hcert")]
    Hcert {
        certificate: alloc::boxed::Box<crate::hcert::HealthCertificate>,
        hashed_signature: Vec<u8>,
    },
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

    /// The issuer's display name, when the trust data gives one.
    pub fn issuer_name(&self) -> Option<&str> {
        self.issuer_name.as_deref()
    }

    /// Warnings to show with the accepted code (e.g. stale trust).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
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

    /// The id a trust bundle revokes this code by (SPEC.md §12.3): the `cti`
    /// id under the verifying entry's issuer name when the code has a `cti`,
    /// else the signature id.
    ///
    /// A code's text is not unique: the same signed COSE_Sign1 can travel
    /// stored or compressed, and several zlib streams (differing only in
    /// ignored padding bits, for one) inflate to it. Everything after
    /// verification that tells codes apart (deduplication, logs, a list of
    /// codes already seen) keys on this id, never on the text.
    ///
    /// An `HC1:` code's id is its UVCI hash ([`DccHash::Uci`](crate::DccHash));
    /// [`revocation_ids`](Self::revocation_ids) gives all three EU kinds.
    pub fn revocation_id(&self) -> RevocationId {
        match (&self.origin, &self.cti) {
            (Origin::Code { .. }, Some(cti)) => RevocationId::for_cti(&self.issuer, cti),
            (Origin::Code { signature }, None) => RevocationId::for_signature(signature),
            #[cfg(feature = "hcert")]
            (Origin::Hcert { certificate, .. }, _) => crate::hcert::uvci_id(certificate),
        }
    }

    /// Every id a trust bundle may revoke this code by: the one of
    /// [`revocation_id`](Self::revocation_id) for a `QC1:` code with a
    /// `cti`, else the signature's too; for an `HC1:` code the UVCI,
    /// country + UVCI and signature hashes, in that order.
    pub fn revocation_ids(&self) -> Vec<RevocationId> {
        match (&self.origin, &self.cti) {
            (Origin::Code { signature }, Some(cti)) => {
                vec![
                    RevocationId::for_cti(&self.issuer, cti),
                    RevocationId::for_signature(signature),
                ]
            }
            (Origin::Code { signature }, None) => vec![RevocationId::for_signature(signature)],
            #[cfg(feature = "hcert")]
            (
                Origin::Hcert {
                    certificate,
                    hashed_signature,
                },
                _,
            ) => crate::hcert::revocation_ids(certificate, hashed_signature).to_vec(),
        }
    }

    /// The health certificate of an `HC1:` code, as it was signed (feature
    /// `hcert`); `None` for a `QC1:` code.
    #[cfg(feature = "hcert")]
    pub fn health_certificate(&self) -> Option<&crate::hcert::HealthCertificate> {
        match &self.origin {
            Origin::Hcert { certificate, .. } => Some(certificate),
            Origin::Code { .. } => None,
        }
    }
}

/// Verifies codes offline against the keys a [`KeyResolver`] trusts.
///
/// The verifier remembers the newest issue time it has accepted (and takes
/// its resolver's bundle issue time), so a clock set back behind it gives
/// `time.clock_behind`; seed it from the persisted
/// [`TrustState`](crate::TrustState) with [`Verifier::with_newest_seen`] and
/// hand [`Verifier::newest_seen`] back to it.
#[derive(Debug)]
pub struct Verifier<R> {
    resolver: R,
    limits: Limits,
    clock_skew: TimeDelta,
    stale: StalePolicy,
    /// Newest accepted `iat` in seconds; `i64::MIN` when none.
    newest_seen: AtomicI64,
}

impl<R: Clone> Clone for Verifier<R> {
    fn clone(&self) -> Self {
        Verifier {
            resolver: self.resolver.clone(),
            limits: self.limits,
            clock_skew: self.clock_skew,
            stale: self.stale,
            newest_seen: AtomicI64::new(self.newest_seen.load(Ordering::Relaxed)),
        }
    }
}

/// A code whose signature verified under a trusted key that may have issued
/// it; its time window not yet checked.
pub(crate) struct Opened {
    pub claims: Claims,
    pub key: TrustedKey,
    pub kid: Kid,
    pub signature: [u8; 64],
    pub cti: Option<[u8; 8]>,
}

/// A parsed code with the trust entries that carry its kid and the bytes
/// its signature covers: steps 7 and 8 of SPEC.md §8.2 held apart, so that
/// a batch can check the signatures of many codes together.
pub(crate) struct Candidates<'r> {
    sign1: UnverifiedSign1,
    keys: Cow<'r, [TrustedKey]>,
    tbs: Vec<u8>,
}

impl<'r> Candidates<'r> {
    /// Step 7: the trust entries with the code's kid (`key.unknown_kid` when none).
    pub(crate) fn find(code: UnverifiedCode, resolver: &'r impl KeyResolver) -> Result<Self> {
        let kid = code.kid();
        let keys = resolver.keys_for(kid);
        if keys.is_empty() {
            return Err(KeyError::UnknownKid { kid: kid.to_string() }.into());
        }
        Ok(Candidates {
            tbs: code.sign1.to_be_signed(),
            sign1: code.sign1,
            keys,
        })
    }

    /// One signature check per candidate, in order.
    fn checks(&self) -> impl Iterator<Item = (&PublicKey, &[u8], &[u8; 64])> {
        self.keys
            .iter()
            .map(|key| (&key.public_key, self.tbs.as_slice(), self.sign1.signature()))
    }

    /// Steps 8 to 10, given the verdicts of [`checks`](Self::checks):
    /// decodes the claims and applies the key's policy (state, kinds,
    /// window, `iss`).
    fn open(self, verdicts: &[bool], limits: &Limits) -> Result<Opened> {
        let kid = self.sign1.kid();
        let signature = *self.sign1.signature();
        let (payload, keys) = self.sign1.accept(&self.keys, verdicts)?;
        let claims = claims::decode(&payload, limits)?;
        let key = choose_key(&keys, &claims)?.clone();
        Ok(Opened {
            cti: claims.cti,
            claims,
            key,
            kid,
            signature,
        })
    }
}

/// Finds the key, checks the signature, decodes the claims and applies the
/// key's policy (state, kinds, window, `iss`).
pub(crate) fn open(code: UnverifiedCode, resolver: &impl KeyResolver, limits: &Limits) -> Result<Opened> {
    let candidates = Candidates::find(code, resolver)?;
    let verdicts: Vec<bool> = candidates
        .checks()
        .map(|(key, message, signature)| key.verify_strict(message, signature))
        .collect();
    candidates.open(&verdicts, limits)
}

impl<R: KeyResolver> Verifier<R> {
    /// How many codes [`verify_batch`](Self::verify_batch) checks in one
    /// Ed25519 batch; a longer slice is taken this many at a time.
    pub const BATCH_SIZE: usize = 256;

    /// The default clock-skew allowance: 5 minutes.
    pub const DEFAULT_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

    /// A verifier with default limits and clock skew.
    pub fn new(resolver: R) -> Self {
        Verifier {
            resolver,
            limits: Limits::DEFAULT,
            clock_skew: Self::DEFAULT_CLOCK_SKEW,
            stale: StalePolicy::DEFAULT,
            newest_seen: AtomicI64::new(i64::MIN),
        }
    }

    /// Replaces the stale-trust policy.
    pub fn with_stale_policy(mut self, policy: StalePolicy) -> Self {
        self.stale = policy;
        self
    }

    /// Starts from a newest-seen issue time (from the persisted
    /// [`TrustState`](crate::TrustState)); `None` leaves it as it is.
    pub fn with_newest_seen(self, seen: Option<DateTime<Utc>>) -> Self {
        if let Some(seen) = seen {
            self.newest_seen.fetch_max(seen.timestamp(), Ordering::Relaxed);
        }
        self
    }

    /// The newest issue time this verifier has seen: the latest `iat` it
    /// accepted, its resolver's bundle issue time, or what it was seeded with.
    pub fn newest_seen(&self) -> Option<DateTime<Utc>> {
        let own = self.newest_seen.load(Ordering::Relaxed);
        let bundle = self
            .resolver
            .trust_validity()
            .map_or(i64::MIN, |v| v.issued_at.timestamp());
        let newest = own.max(bundle);
        (newest != i64::MIN)
            .then(|| DateTime::<Utc>::from_timestamp(newest, 0))
            .flatten()
    }

    /// The resolver.
    pub fn resolver(&self) -> &R {
        &self.resolver
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

    /// Verifies a code text at `now`: a `QC1:` code, or (feature `hcert`)
    /// an `HC1:` health certificate against the resolver's Document Signer
    /// Certificates (SPEC.md §14).
    pub fn verify(&self, text: &str, now: DateTime<Utc>) -> Result<Verified> {
        #[cfg(feature = "hcert")]
        if crate::hcert::is_hcert(text) {
            return self.verify_hcert(text, now);
        }
        self.verify_code(UnverifiedCode::parse(text, &self.limits)?, now)
    }

    /// The `HC1:` path: signature, claims and schema, the DSC's window and
    /// key usage; then, as for `QC1:` codes, revocation, clock behind,
    /// expiry and start of validity (`iat`), stale trust; last, the mapping
    /// to a [`Credential`].
    #[cfg(feature = "hcert")]
    fn verify_hcert(&self, text: &str, now: DateTime<Utc>) -> Result<Verified> {
        let opened = crate::hcert::open(text, &self.resolver, &self.limits)?;
        let certificate = &opened.claims.certificate;
        if self.resolver.revokes_credentials() && opened.revocation_ids().iter().any(|id| self.resolver.is_revoked(*id))
        {
            return Err(RevokedError::Credential.into());
        }
        let (iat, exp) = (opened.claims.iat, opened.claims.exp);
        self.check_time(iat, exp, now)?;
        let warnings = self.check_freshness(now)?;
        let credential = certificate.to_credential()?;
        self.newest_seen.fetch_max(iat, Ordering::Relaxed);
        let time =
            |t: i64| DateTime::<Utc>::from_timestamp(t, 0).ok_or(crate::error::HcertError::Malformed { field: "iat" });
        let issuer = opened
            .claims
            .iss
            .clone()
            .or_else(|| opened.dsc.country.clone())
            .unwrap_or_else(|| certificate.country().into());
        Ok(Verified {
            credential,
            issuer,
            issuer_name: opened.dsc.common_name.clone(),
            warnings,
            kid: opened.dsc.kid,
            issued_at: time(iat)?,
            valid_from: time(iat)?,
            expires_at: time(exp)?,
            cti: None,
            origin: Origin::Hcert {
                hashed_signature: opened.hashed_signature().to_vec(),
                certificate: alloc::boxed::Box::new(opened.claims.certificate),
            },
        })
    }

    /// Verifies payload bytes (the Base45-decoded form) at `now`.
    pub fn verify_bytes(&self, payload: &[u8], now: DateTime<Utc>) -> Result<Verified> {
        self.verify_code(UnverifiedCode::parse_bytes(payload.to_vec(), &self.limits)?, now)
    }

    /// Verifies an already parsed code at `now`.
    ///
    /// The checks run in this order, the first failure deciding: key lookup
    /// and signature; claims; key state, kinds and window; revocation;
    /// clock behind; expiry and start of validity; stale trust.
    pub fn verify_code(&self, code: UnverifiedCode, now: DateTime<Utc>) -> Result<Verified> {
        let opened = open(code, &self.resolver, &self.limits)?;
        self.accept(opened, now)
    }

    /// Verifies many code texts at `now`: the same results, in the same
    /// order, as [`verify`](Self::verify) on each in turn (including what
    /// each accepted code does to [`newest_seen`](Self::newest_seen) for the
    /// codes after it), with the signatures of up to [`BATCH_SIZE`] codes at
    /// a time checked together by Ed25519 batch verification
    /// ([`PublicKey::verify_strict_batch`], SPEC.md §4.5). For a gate
    /// server, an audit, or a re-check after a trust bundle update.
    ///
    /// The results equal `verify`'s on every input but one, which only a
    /// holder of a trusted signing key can make: two or more *distinct*
    /// codes among the same [`BATCH_SIZE`] whose signatures each fail only
    /// by a small-order component of `R`, crafted so those components add
    /// up to the identity, can be accepted together where `verify` refuses
    /// each (SPEC.md §4.5 says exactly when). The same code given several
    /// times, or tried under a key listed twice in the trust store, is
    /// checked once and cannot do it; a lone such code is always refused.
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use qrcred::{
    ///     BirthDate, Colour, Credential, CredentialBody, HealthStatus, Issuer, IssuerKey, Subject,
    ///     TrustStore, TrustedKey, Verifier,
    /// };
    ///
    /// let key = IssuerKey::from_seed(&[7; 32]);
    /// let trust = TrustStore::new().with(TrustedKey::new(*key.public_key(), "CN-BJ-HC"));
    /// let issuer = Issuer::new(key, "CN-BJ-HC");
    /// let credential = Credential {
    ///     subject: Subject::new("王", "小明", BirthDate::Year(1990)),
    ///     body: CredentialBody::HealthStatus(HealthStatus { colour: Colour::Green, reason: None }),
    /// };
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
    /// // A code issued each hour for 100 hours, valid for 24 hours each.
    /// let codes = (0..100)
    ///     .map(|h| issuer.issue(&credential, TimeDelta::hours(24), now - TimeDelta::hours(h)))
    ///     .collect::<Result<Vec<String>, _>>()?;
    /// let results = Verifier::new(trust).verify_batch(&codes, now);
    /// assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 24);
    /// assert_eq!(results[99].as_ref().unwrap_err().code(), "time.expired");
    /// # Ok::<(), qrcred::Error>(())
    /// ```
    ///
    /// [`BATCH_SIZE`]: Self::BATCH_SIZE
    pub fn verify_batch<S: AsRef<str>>(&self, texts: &[S], now: DateTime<Utc>) -> Vec<Result<Verified>> {
        let mut results = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(Self::BATCH_SIZE) {
            // `None`: an `HC1:` code, verified on its own in its turn.
            let found: Vec<Option<Result<Candidates<'_>>>> = chunk
                .iter()
                .map(|text| {
                    #[cfg(feature = "hcert")]
                    if crate::hcert::is_hcert(text.as_ref()) {
                        return None;
                    }
                    Some(
                        UnverifiedCode::parse(text.as_ref(), &self.limits)
                            .and_then(|c| Candidates::find(c, &self.resolver)),
                    )
                })
                .collect();
            let verdicts = {
                let checks: Vec<(&PublicKey, &[u8], &[u8; 64])> =
                    found.iter().flatten().flatten().flat_map(Candidates::checks).collect();
                PublicKey::verify_strict_batch(&checks)
            };
            let mut rest = verdicts.as_slice();
            for (candidates, text) in found.into_iter().zip(chunk) {
                let Some(candidates) = candidates else {
                    results.push(self.verify(text.as_ref(), now));
                    continue;
                };
                let result = candidates.and_then(|c| {
                    let (own, after) = rest.split_at(c.keys.len());
                    rest = after;
                    c.open(own, &self.limits)
                });
                results.push(result.and_then(|opened| self.accept(opened, now)));
            }
        }
        results
    }

    /// Steps 11 to 14 for a code whose signature verified.
    fn accept(&self, opened: Opened, now: DateTime<Utc>) -> Result<Verified> {
        let Opened {
            claims,
            key,
            kid,
            signature,
            cti,
        } = opened;
        // The ids are hashed only for a resolver that revokes credentials;
        // `Verified::revocation_id` derives its own when asked.
        if self.resolver.revokes_credentials() {
            let by_signature = RevocationId::for_signature(&signature);
            let by_cti = cti.map(|cti| RevocationId::for_cti(&key.issuer, &cti));
            if self.resolver.is_revoked(by_signature) || by_cti.is_some_and(|id| self.resolver.is_revoked(id)) {
                return Err(RevokedError::Credential.into());
            }
        }
        self.check_time(claims.valid_from().into(), claims.exp.into(), now)?;
        let warnings = self.check_freshness(now)?;
        self.newest_seen.fetch_max(i64::from(claims.iat), Ordering::Relaxed);
        Ok(Verified {
            issuer: key.issuer,
            issuer_name: key.display_name,
            warnings,
            kid,
            issued_at: instant(claims.iat),
            valid_from: instant(claims.valid_from()),
            expires_at: instant(claims.exp),
            cti: claims.cti,
            origin: Origin::Code { signature },
            credential: claims.credential,
        })
    }

    /// Clock behind, expiry and start of validity, in seconds since 1970.
    fn check_time(&self, valid_from: i64, exp: i64, now: DateTime<Utc>) -> Result<()> {
        if let Some(seen) = self.newest_seen()
            && clock_behind(now, seen, self.clock_skew)
        {
            return Err(TimeError::ClockBehind {
                newest_seen: seen.into(),
            }
            .into());
        }
        let now = i128::from(now.timestamp());
        if now >= i128::from(exp) {
            return Err(TimeError::Expired {
                expired_at: UnixTime(exp),
            }
            .into());
        }
        if now < i128::from(valid_from) - i128::from(self.clock_skew.num_seconds()) {
            return Err(TimeError::NotYetValid {
                valid_from: UnixTime(valid_from),
            }
            .into());
        }
        Ok(())
    }

    /// The stale-trust policy: no warning, a warning, or `trust.stale`.
    fn check_freshness(&self, now: DateTime<Utc>) -> Result<Vec<Warning>> {
        let Some(validity) = self.resolver.trust_validity() else {
            return Ok(Vec::new());
        };
        // A grace beyond the range of time never ends (and never panics).
        let current = validity
            .expires_at
            .checked_add_signed(self.stale.grace)
            .map_or(self.stale.grace > TimeDelta::zero(), |end| now < end);
        if current {
            return Ok(Vec::new());
        }
        if self.stale.refuse {
            return Err(TrustError::Stale {
                expires_at: validity.expires_at.into(),
            }
            .into());
        }
        Ok(vec![Warning::StaleTrust {
            expired_at: validity.expires_at,
        }])
    }
}

/// The first key that verified and may have issued these claims; else the
/// first key's refusal.
fn choose_key<'k>(keys: &[&'k TrustedKey], claims: &Claims) -> Result<&'k TrustedKey> {
    let (iat, exp) = (i64::from(claims.iat), i64::from(claims.exp));
    // Every entry's state first: a revocation or retirement on any entry for
    // a public key vetoes every entry for it, so a key also trusted another
    // way (a second entry, a key given next to a bundle) cannot undo it.
    for key in keys {
        key.state_permits(iat, exp)?;
    }
    let mut first_error = None;
    for key in keys {
        match key.scope_permits(claims.credential.kind(), iat) {
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

/// Whether `now` is more than `skew` behind `seen` (`time.clock_behind`);
/// for a skew beyond the range of time, never (a negative one: always),
/// rather than an overflow.
pub(crate) fn clock_behind(now: DateTime<Utc>, seen: DateTime<Utc>, skew: TimeDelta) -> bool {
    seen.checked_sub_signed(skew)
        .map_or(skew < TimeDelta::zero(), |earliest| now < earliest)
}

/// A claims time as an instant (32-bit seconds are always in range).
fn instant(t: u32) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(t.into())
}
