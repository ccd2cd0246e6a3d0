//! Which public keys a scanner trusts, for which issuer, when and for what.
//!
//! Key lookup goes through the small [`KeyResolver`] trait, with ready
//! implementations for one key, a closure and a [`TrustStore`].

use alloc::{borrow::Cow, collections::BTreeMap, string::String, vec::Vec};
use chrono::{DateTime, Utc};

use crate::error::{KeyError, Result};
use crate::keys::{Kid, PublicKey};
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
        }
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

    /// Whether this key may have issued a code of `kind` at `iat` (seconds).
    pub(crate) fn permits(&self, kind: Kind, iat: i64) -> Result<()> {
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

/// Finds the trusted keys that carry a key id.
///
/// Several keys may share a kid; the verifier tries each.
pub trait KeyResolver {
    /// Every trusted key whose kid is `kid` (empty when none).
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]>;
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
}

impl KeyResolver for TrustStore {
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]> {
        self.keys
            .get(&kid)
            .map_or(Cow::Borrowed(&[]), |v| Cow::Borrowed(v.as_slice()))
    }
}

impl KeyResolver for &TrustStore {
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]> {
        (**self).keys_for(kid)
    }
}
