//! The fixed world the fuzz targets and the seed generator share: one
//! issuer key from a fixed seed, its trust store, and a fixed `now`.

use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{IssuerKey, PREFIX, TrustStore, TrustedKey, Verifier, layers};

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

/// A code for arbitrary claims bytes, signed with the fuzz key: the
/// COSE_Sign1 written byte by byte as SPEC §4.1 lays it out, signed over the
/// Sig_structure of SPEC §4.4. With it the verifier target reaches the
/// checks behind the signature with mutated claims, which a mutated code
/// text never does (any change breaks its signature).
pub fn sign_claims(claims: &[u8]) -> String {
    static KEY: LazyLock<IssuerKey> = LazyLock::new(issuer_key);
    let key = &*KEY;
    let mut protected = vec![0xA2, 0x01, 0x27, 0x04, 0x48]; // {1: -8, 4: h'<kid>'}
    protected.extend_from_slice(&key.kid().0);
    let mut to_sign = vec![0x84, 0x6A]; // ["Signature1", protected, h'', payload]
    to_sign.extend_from_slice(b"Signature1");
    push_bstr(&mut to_sign, &protected);
    push_bstr(&mut to_sign, &[]);
    push_bstr(&mut to_sign, claims);
    let mut cose = vec![0xD2, 0x84]; // tag 18, array(4)
    push_bstr(&mut cose, &protected);
    cose.push(0xA0); // empty unprotected header
    push_bstr(&mut cose, claims);
    push_bstr(&mut cose, &key.sign(&to_sign));
    format!("{PREFIX}{}", layers::base45_encode(&cose))
}

/// Appends a CBOR byte string with a shortest-form length (up to 64 KiB).
fn push_bstr(out: &mut Vec<u8>, bytes: &[u8]) {
    match u16::try_from(bytes.len()) {
        Ok(n @ 0..=23) => out.push(0x40 | n as u8),
        Ok(n @ 24..=255) => out.extend_from_slice(&[0x58, n as u8]),
        Ok(n) => {
            out.push(0x59);
            out.extend_from_slice(&n.to_be_bytes());
        }
        Err(_) => panic!("fuzz inputs are shorter than 64 KiB"),
    }
    out.extend_from_slice(bytes);
}
