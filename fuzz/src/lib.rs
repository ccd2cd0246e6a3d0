//! The fixed world the fuzz targets and the seed generator share: one
//! issuer key from a fixed seed, its trust store, and a fixed `now`.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{IssuerKey, TrustStore, TrustedKey, Verifier};

/// Seed of the fuzz issuer's Ed25519 key.
pub const KEY_SEED: [u8; 32] = [0x5A; 32];

/// The issuer id the trust store gives the fuzz key.
pub const ISSUER: &str = "CN-FUZZ";

/// The scanner's clock: 2026-11-25T08:00:00Z.
pub fn now() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::seconds(1_795_593_600)
}

/// When the seed codes were issued: an hour before [`now`], so that every
/// seed (validity 24 h) verifies at [`now`].
pub fn issued_at() -> DateTime<Utc> {
    now() - TimeDelta::hours(1)
}

/// The fuzz issuer's signing key.
pub fn issuer_key() -> IssuerKey {
    IssuerKey::from_seed(&KEY_SEED)
}

/// A verifier that trusts only the fuzz key, for every kind and any `iat`.
pub fn verifier() -> Verifier<TrustStore> {
    let public = *issuer_key().public_key();
    Verifier::new(TrustStore::new().with(TrustedKey::new(public, ISSUER)))
}
