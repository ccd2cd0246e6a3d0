//! Which public keys a scanner trusts, for which issuer, when and for what.
//!
//! Key lookup goes through the small [`KeyResolver`] trait, with ready
//! implementations for one key, a closure, a [`TrustStore`] and a signed
//! [`TrustBundle`](crate::TrustBundle), which also answers for revocations
//! and for how fresh its trust data is.

use alloc::{borrow::Cow, collections::BTreeMap, string::String, vec::Vec};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::{KeyError, Result, RevokedError};
use crate::keys::{Hex, Kid, PublicKey};
use crate::model::Kind;

/// A set of credential kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KindSet(u8);

impl KindSet {
    /// Every kind.
    pub const ALL: KindSet = KindSet(0b1_1111);

    /// Exactly the given kinds.
    pub fn of(kinds: &[Kind]) -> KindSet {
        KindSet(kinds.iter().fold(0, |bits, k| bits | KindSet::bit(*k)))
    }

    fn bit(kind: Kind) -> u8 {
        match kind {
            Kind::HealthStatus => 1,
            Kind::Vaccination => 2,
            Kind::TestResult => 4,
            Kind::Recovery => 8,
            Kind::AccessPass => 16,
        }
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: Kind) -> bool {
        self.0 & KindSet::bit(kind) != 0
    }

    /// The kinds in the set.
    pub fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::ALL.into_iter().filter(move |k| self.contains(*k))
    }

    /// The wire form (SPEC.md §12): bit 0 health status, 1 vaccination,
    /// 2 test result, 3 recovery, 4 access pass.
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The set with this wire form; `None` for bits no kind has.
    pub fn from_bits(bits: u64) -> Option<KindSet> {
        u8::try_from(bits).ok().filter(|b| b & !Self::ALL.0 == 0).map(KindSet)
    }
}

/// Where an issuer key stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyState {
    /// In use.
    #[default]
    Active,
    /// Replaced in a normal key rotation: codes it issued before `at` still
    /// verify until they expire, but no later than
    /// [`TrustedKey::WITHDRAWAL_GRANT_DAYS`] after `at`
    /// (`key.beyond_withdrawal`); codes issued at or after `at` are refused
    /// with `key.retired`.
    Retired {
        /// When the key stopped issuing.
        at: DateTime<Utc>,
    },
    /// Withdrawn from `since` (a withdrawal, not a compromise): codes issued
    /// at or after `since` are refused with `revoked.key`, those issued
    /// before verify no later than [`TrustedKey::WITHDRAWAL_GRANT_DAYS`]
    /// after `since` (`key.beyond_withdrawal`). A key whose private half
    /// may be in other hands is revoked with no `since`: its signer can
    /// date a code at any time, so every code it signed is refused.
    Revoked {
        /// From when; `None` for every code the key ever signed (compromise).
        since: Option<DateTime<Utc>>,
    },
}

/// A public key trusted for one issuer, a validity window and some kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// The key.
    pub public_key: PublicKey,
    /// The issuer the key belongs to; verified codes report it.
    pub issuer: String,
    /// The key may sign codes issued at or after this instant.
    pub valid_from: Option<DateTime<Utc>>,
    /// The key may sign codes issued before this instant.
    pub valid_until: Option<DateTime<Utc>>,
    /// The kinds the key may sign.
    pub kinds: KindSet,
    /// A name to show for the issuer (e.g. "北京市卫生健康委员会"), if any.
    pub display_name: Option<String>,
    /// Active, retired or revoked.
    pub state: KeyState,
}

impl TrustedKey {
    /// A key for `issuer`, valid at all times for every kind.
    pub fn new(public_key: PublicKey, issuer: &str) -> Self {
        TrustedKey {
            public_key,
            issuer: issuer.into(),
            valid_from: None,
            valid_until: None,
            kinds: KindSet::ALL,
            display_name: None,
            state: KeyState::Active,
        }
    }

    /// Sets the name to show for the issuer.
    pub fn with_display_name(mut self, name: &str) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Sets the key's state.
    pub fn with_state(mut self, state: KeyState) -> Self {
        self.state = state;
        self
    }

    /// Restricts the window in which the key may issue codes (`from <= iat < until`).
    pub fn with_window(mut self, from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Self {
        self.valid_from = from;
        self.valid_until = until;
        self
    }

    /// Restricts the kinds the key may sign.
    pub fn with_kinds(mut self, kinds: &[Kind]) -> Self {
        self.kinds = KindSet::of(kinds);
        self
    }

    /// The key id.
    pub fn kid(&self) -> Kid {
        self.public_key.kid()
    }

    /// The longest a retired or withdrawn key's codes stay valid after its
    /// retirement or withdrawal: 400 days, past the 365-day validity of the
    /// longest-lived credentials (SPEC.md §8.1). The key's signer writes
    /// `iat` itself, so without this bound a retired key that leaked later
    /// could sign a code dated before its retirement and valid for decades.
    pub const WITHDRAWAL_GRANT_DAYS: i64 = 400;

    /// Whether this key's state allows a code issued at `iat` and expiring
    /// at `exp` (seconds): `revoked.key`, `key.retired` or
    /// `key.beyond_withdrawal` otherwise.
    pub(crate) fn state_permits(&self, iat: i64, exp: i64) -> Result<()> {
        state_permits(&self.state, iat, exp)
    }

    /// Whether this entry's scope covers a code of `kind` issued at `iat`
    /// (seconds): the kinds it may sign and its window. Its state is
    /// [`state_permits`](Self::state_permits)'s, checked across every entry
    /// for the key.
    pub(crate) fn scope_permits(&self, kind: Kind, iat: i64) -> Result<()> {
        if !self.kinds.contains(kind) {
            return Err(KeyError::KindNotAllowed { kind: kind.as_str() }.into());
        }
        let after_start = self.valid_from.is_none_or(|from| iat >= from.timestamp());
        let before_end = self.valid_until.is_none_or(|until| iat < until.timestamp());
        if after_start && before_end {
            Ok(())
        } else {
            Err(KeyError::OutsideValidity.into())
        }
    }
}

/// The id under which a trust bundle lists a revoked credential (SPEC.md §12.3).
///
/// Eight bytes of SHA-256 over a domain tag and either the issuer and the
/// code's `cti`, or the code's signature, so that a code without a `cti`
/// can be revoked without any id travelling in it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RevocationId(pub [u8; 8]);

impl RevocationId {
    /// The id of the code with this `cti` from `issuer` (the issuer id its
    /// key is trusted for).
    pub fn for_cti(issuer: &str, cti: &[u8; 8]) -> RevocationId {
        // Issuer ids are at most 80 bytes (claims `iss`); the length byte
        // keeps (issuer, cti) pairs apart in any case.
        let len = u8::try_from(issuer.len()).unwrap_or(u8::MAX);
        RevocationId::hash(1, &[&[len], issuer.as_bytes(), cti])
    }

    /// The id of the code with this COSE signature.
    pub fn for_signature(signature: &[u8; 64]) -> RevocationId {
        RevocationId::hash(2, &[signature])
    }

    /// The id of an EU DCC revocation list entry: the first 16 bytes of
    /// one of the EU hash kinds ([`DccHash`]) of a certificate.
    pub fn for_dcc(kind: DccHash, hash: &[u8; 16]) -> RevocationId {
        RevocationId::hash(kind.tag(), &[hash])
    }

    fn hash(kind: u8, parts: &[&[u8]]) -> RevocationId {
        let mut sha = Sha256::new().chain_update(b"qrcred-revocation-v1").chain_update([kind]);
        for part in parts {
            sha.update(part);
        }
        let digest = sha.finalize();
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        RevocationId(id)
    }

    /// Parses 16 hex digits.
    pub fn from_hex(s: &str) -> Option<RevocationId> {
        crate::keys::parse_hex::<8>(s).map(RevocationId)
    }
}

/// Whether a key (or Document Signer Certificate) in `state` admits a code
/// issued at `iat` and expiring at `exp` (seconds); see [`KeyState`].
pub(crate) fn state_permits(state: &KeyState, iat: i64, exp: i64) -> Result<()> {
    let withdrawn_at = match *state {
        KeyState::Active => return Ok(()),
        KeyState::Retired { at } if iat >= at.timestamp() => {
            return Err(KeyError::Retired { retired_at: at.into() }.into());
        }
        KeyState::Retired { at } => at,
        KeyState::Revoked { since: Some(t) } if iat < t.timestamp() => t,
        KeyState::Revoked { since } => {
            return Err(RevokedError::Key {
                since: since.map(Into::into),
            }
            .into());
        }
    };
    let grant_ends = withdrawn_at
        .timestamp()
        .saturating_add(TrustedKey::WITHDRAWAL_GRANT_DAYS * 86_400);
    if exp > grant_ends {
        return Err(KeyError::BeyondWithdrawal {
            withdrawn_at: withdrawn_at.into(),
            days: TrustedKey::WITHDRAWAL_GRANT_DAYS,
        }
        .into());
    }
    Ok(())
}

/// The three hash kinds EU DCC revocation lists use to name a certificate:
/// each the first 16 bytes of a SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DccHash {
    /// SHA-256 of the UVCI (`ci`).
    Uci,
    /// SHA-256 of the country code (`co`) followed by the UVCI.
    CountryCodeUci,
    /// SHA-256 of the signature (of ECDSA signatures, only `r`, the first half).
    Signature,
}

impl DccHash {
    /// All three, in the order a verifier checks them.
    pub const ALL: [DccHash; 3] = [DccHash::Uci, DccHash::CountryCodeUci, DccHash::Signature];

    fn tag(self) -> u8 {
        match self {
            DccHash::Uci => 3,
            DccHash::CountryCodeUci => 4,
            DccHash::Signature => 5,
        }
    }

    /// The name the EU revocation lists give this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            DccHash::Uci => "UCI",
            DccHash::CountryCodeUci => "COUNTRYCODEUCI",
            DccHash::Signature => "SIGNATURE",
        }
    }

    /// The kind by its EU name.
    pub fn from_name(name: &str) -> Option<DccHash> {
        DccHash::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl core::fmt::Display for RevocationId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        Hex(&self.0).fmt(f)
    }
}

impl core::fmt::Debug for RevocationId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RevocationId({self})")
    }
}

/// When the trust data behind a resolver was issued and until when it is
/// current (a trust bundle's `issued_at` and `expires_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustValidity {
    /// When the trust data was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops being current.
    pub expires_at: DateTime<Utc>,
}

/// Finds the trusted keys that carry a key id; a trust bundle also answers
/// for revocations and for its own freshness.
///
/// Several keys may share a kid; the verifier tries each.
pub trait KeyResolver {
    /// Every trusted key whose kid is `kid` (empty when none).
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]>;

    /// Whether the credential with this id is revoked. None is, by default.
    fn is_revoked(&self, id: RevocationId) -> bool {
        let _ = id;
        false
    }

    /// Whether [`is_revoked`](Self::is_revoked) can ever say yes; when not
    /// (the default), the verifier skips computing revocation ids.
    fn revokes_credentials(&self) -> bool {
        false
    }

    /// When the trust data was issued and until when it is current; `None`
    /// (the default) for trust that does not age, such as pinned keys.
    fn trust_validity(&self) -> Option<TrustValidity> {
        None
    }

    /// The Document Signer Certificates with this kid, for `HC1:` codes
    /// (feature `hcert`); none by default.
    #[cfg(feature = "hcert")]
    fn dscs_for(&self, kid: Kid) -> Cow<'_, [crate::hcert::Dsc]> {
        let _ = kid;
        Cow::Borrowed(&[])
    }
}

impl KeyResolver for TrustedKey {
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]> {
        if self.kid() == kid {
            Cow::Borrowed(core::slice::from_ref(self))
        } else {
            Cow::Borrowed(&[])
        }
    }
}

impl<F> KeyResolver for F
where
    F: Fn(Kid) -> Vec<TrustedKey>,
{
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]> {
        Cow::Owned(self(kid))
    }
}

/// An in-memory set of trusted keys, indexed by kid.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    keys: BTreeMap<Kid, Vec<TrustedKey>>,
    #[cfg(feature = "hcert")]
    dscs: BTreeMap<Kid, Vec<crate::hcert::Dsc>>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        TrustStore::default()
    }

    /// Adds a key (several entries may share a kid).
    pub fn add(&mut self, key: TrustedKey) -> &mut Self {
        self.keys.entry(key.kid()).or_default().push(key);
        self
    }

    /// Adds a key, builder style.
    pub fn with(mut self, key: TrustedKey) -> Self {
        self.add(key);
        self
    }

    /// How many entries the store holds.
    pub fn len(&self) -> usize {
        self.keys.values().map(Vec::len).sum()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every entry.
    pub fn iter(&self) -> impl Iterator<Item = &TrustedKey> {
        self.keys.values().flatten()
    }

    /// Adds a Document Signer Certificate, for `HC1:` codes.
    #[cfg(feature = "hcert")]
    pub fn add_dsc(&mut self, dsc: crate::hcert::Dsc) -> &mut Self {
        let list = self.dscs.entry(dsc.kid()).or_default();
        if !list.contains(&dsc) {
            list.push(dsc);
        }
        self
    }

    /// Adds a Document Signer Certificate, builder style.
    #[cfg(feature = "hcert")]
    pub fn with_dsc(mut self, dsc: crate::hcert::Dsc) -> Self {
        self.add_dsc(dsc);
        self
    }

    /// Every Document Signer Certificate.
    #[cfg(feature = "hcert")]
    pub fn dscs(&self) -> impl Iterator<Item = &crate::hcert::Dsc> {
        self.dscs.values().flatten()
    }
}

impl KeyResolver for TrustStore {
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]> {
        self.keys
            .get(&kid)
            .map_or(Cow::Borrowed(&[]), |v| Cow::Borrowed(v.as_slice()))
    }

    #[cfg(feature = "hcert")]
    fn dscs_for(&self, kid: Kid) -> Cow<'_, [crate::hcert::Dsc]> {
        self.dscs
            .get(&kid)
            .map_or(Cow::Borrowed(&[]), |v| Cow::Borrowed(v.as_slice()))
    }
}

/// `KeyResolver` for a reference to a resolver type, so a verifier can
/// borrow its trust instead of owning it.
macro_rules! resolver_by_reference {
    ($($ty:ty),*) => {$(
        impl KeyResolver for &$ty {
            fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]> {
                (**self).keys_for(kid)
            }

            fn is_revoked(&self, id: RevocationId) -> bool {
                (**self).is_revoked(id)
            }

            fn revokes_credentials(&self) -> bool {
                (**self).revokes_credentials()
            }

            fn trust_validity(&self) -> Option<TrustValidity> {
                (**self).trust_validity()
            }

            #[cfg(feature = "hcert")]
            fn dscs_for(&self, kid: Kid) -> Cow<'_, [crate::hcert::Dsc]> {
                (**self).dscs_for(kid)
            }
        }
    )*};
}

resolver_by_reference!(TrustStore, crate::bundle::TrustBundle);
