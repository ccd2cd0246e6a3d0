//! What a scanner remembers between bundle loads: its root keys, the
//! highest sequence number loaded and the newest issue time seen.

use alloc::{vec, vec::Vec};
use chrono::{DateTime, TimeDelta, Utc};
use ciborium::value::Value;

use super::TrustBundle;
use crate::cbor;
use crate::error::{Result, TimeError, TrustError};
use crate::fields::{Fields, Layer, int};
use crate::keys::PublicKey;
use crate::limits::Limits;

const FIELDS: &[(i64, &str)] = &[
    (1, "state.roots"),
    (2, "state.sequence"),
    (3, "state.newest_seen"),
    (4, "state.bundle_digest"),
];

/// A scanner's persistent trust state.
///
/// Start from the root keys pinned in the app ([`TrustState::new`]), load
/// bundles through [`TrustState::load`], report the issue times of
/// verified codes with [`TrustState::observe`], and persist
/// [`TrustState::to_bytes`] after each change: the rollback and clock
/// checks are only as good as the state the app keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustState {
    roots: Vec<PublicKey>,
    sequence: Option<u64>,
    digest: Option<[u8; 32]>,
    newest_seen: Option<DateTime<Utc>>,
    clock_skew: TimeDelta,
    limits: Limits,
}

impl TrustState {
    /// The default clock-skew allowance, as the verifier's: 5 minutes.
    pub const DEFAULT_CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

    /// A fresh state trusting these root keys, with no bundle loaded yet.
    pub fn new(pinned_roots: &[PublicKey]) -> TrustState {
        TrustState {
            roots: pinned_roots.to_vec(),
            sequence: None,
            digest: None,
            newest_seen: None,
            clock_skew: Self::DEFAULT_CLOCK_SKEW,
            limits: Limits::DEFAULT,
        }
    }

    /// Replaces the clock-skew allowance for the future-bundle and clock checks.
    pub fn with_clock_skew(mut self, skew: TimeDelta) -> TrustState {
        self.clock_skew = skew;
        self
    }

    /// Replaces the limits bundles are read with.
    pub fn with_limits(mut self, limits: Limits) -> TrustState {
        self.limits = limits;
        self
    }

    /// The root keys a bundle may be signed by.
    pub fn roots(&self) -> &[PublicKey] {
        &self.roots
    }

    /// Trusts one more root key (e.g. pinned in an app update).
    pub fn add_root(&mut self, root: PublicKey) {
        if !self.roots.contains(&root) {
            self.roots.push(root);
        }
    }

    /// The sequence number of the newest bundle loaded, if any.
    pub fn sequence(&self) -> Option<u64> {
        self.sequence
    }

    /// The digest of the newest bundle loaded ([`TrustBundle::digest`]), if
    /// known: a state persisted before digests were kept has a sequence
    /// number without one.
    pub fn bundle_digest(&self) -> Option<[u8; 32]> {
        self.digest
    }

    /// The newest issue time seen (bundle or verified code), if any.
    pub fn newest_seen(&self) -> Option<DateTime<Utc>> {
        self.newest_seen
    }

    /// Records an issue time seen (e.g. [`Verifier::newest_seen`](crate::Verifier::newest_seen)).
    pub fn observe(&mut self, seen: DateTime<Utc>) {
        self.newest_seen = Some(self.newest_seen.map_or(seen, |t| t.max(seen)));
    }

    /// Checks a bundle file without changing the state: the size and CBOR
    /// limits, a signature by one of [`roots`](Self::roots), the contents,
    /// no rollback below [`sequence`](Self::sequence), at that very number
    /// the same bundle as the one held (`trust.sequence_reused` for another
    /// digest), `now` not behind
    /// [`newest_seen`](Self::newest_seen) minus the skew (a clock set back
    /// also makes bundles look future-dated: it is reported first), and an
    /// issue time not after `now` plus the skew. An expired bundle
    /// loads: the verifier's stale policy decides what it is still good for.
    pub fn check(&self, bytes: &[u8], now: DateTime<Utc>) -> Result<TrustBundle> {
        let bundle = TrustBundle::open(bytes, &self.roots, &self.limits)?;
        if let Some(held) = self.sequence
            && bundle.sequence < held
        {
            return Err(TrustError::Rollback {
                sequence: bundle.sequence,
                held,
            }
            .into());
        }
        if self.sequence == Some(bundle.sequence)
            && let Some(held) = self.digest
            && held != bundle.digest
        {
            return Err(TrustError::SequenceReused {
                sequence: bundle.sequence,
            }
            .into());
        }
        if let Some(seen) = self.newest_seen
            && crate::verifier::clock_behind(now, seen, self.clock_skew)
        {
            return Err(TimeError::ClockBehind {
                newest_seen: seen.into(),
            }
            .into());
        }
        // Checked: a skew beyond the range of time admits every issue time.
        let future = now
            .checked_add_signed(self.clock_skew)
            .map_or(self.clock_skew < TimeDelta::zero(), |latest| bundle.issued_at > latest);
        if future {
            return Err(TrustError::NotYetValid {
                issued_at: bundle.issued_at.into(),
            }
            .into());
        }
        Ok(bundle)
    }

    /// Checks a bundle file and, when it passes, takes it as the newest:
    /// the sequence number and issue time are recorded, and the roots
    /// become the one that signed it plus the ones it announces (a root
    /// that is neither is no longer trusted).
    pub fn load(&mut self, bytes: &[u8], now: DateTime<Utc>) -> Result<TrustBundle> {
        let bundle = self.check(bytes, now)?;
        self.accept(&bundle);
        Ok(bundle)
    }

    fn accept(&mut self, bundle: &TrustBundle) {
        self.sequence = Some(bundle.sequence);
        self.digest = Some(bundle.digest);
        self.observe(bundle.issued_at);
        let mut roots: Vec<PublicKey> = self
            .roots
            .iter()
            .filter(|r| r.kid() == bundle.signed_by)
            .copied()
            .collect();
        for next in &bundle.next_roots {
            if !roots.contains(next) {
                roots.push(*next);
            }
        }
        self.roots = roots;
    }

    /// The state to persist (CBOR, SPEC.md §12.5).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let roots = self.roots.iter().map(|r| Value::Bytes(r.to_bytes().to_vec())).collect();
        let mut entries = vec![(int(1), Value::Array(roots))];
        if let Some(sequence) = self.sequence {
            entries.push((int(2), Value::Integer(sequence.into())));
        }
        if let Some(seen) = self.newest_seen {
            entries.push((int(3), Value::Integer(seen.timestamp().into())));
        }
        if let Some(digest) = self.digest {
            entries.push((int(4), Value::Bytes(digest.to_vec())));
        }
        cbor::encode(&cbor::map(entries)?)
    }

    /// Reads a persisted state (default skew and limits).
    pub fn from_bytes(bytes: &[u8]) -> Result<TrustState> {
        let Value::Map(raw) = cbor::decode(bytes, &Limits::DEFAULT)? else {
            return Err(Layer::Trust.wrong_type("state"));
        };
        let mut f = Fields::in_layer(Layer::Trust, raw, FIELDS, "state")?;
        let roots = match f.value(1)? {
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Bytes(b) => <[u8; 32]>::try_from(b.as_slice())
                        .ok()
                        .and_then(|b| PublicKey::from_bytes(&b).ok())
                        .ok_or_else(|| f.invalid(1)),
                    _ => Err(f.wrong_type(1)),
                })
                .collect::<Result<Vec<_>>>()?,
            _ => return Err(f.wrong_type(1)),
        };
        let sequence = f.opt_uint(2)?;
        let newest_seen = match f.opt_int(3)? {
            None => None,
            Some(t) => Some(DateTime::<Utc>::from_timestamp(t, 0).ok_or_else(|| f.invalid(3))?),
        };
        let digest = f.opt_bytes::<32>(4)?;
        if digest.is_some() && sequence.is_none() {
            return Err(f.invalid(4));
        }
        Ok(TrustState {
            roots,
            sequence,
            digest,
            newest_seen,
            clock_skew: Self::DEFAULT_CLOCK_SKEW,
            limits: Limits::DEFAULT,
        })
    }
}
