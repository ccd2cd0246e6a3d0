//! A trust bundle with 1,000,000 revoked credentials: the file is at most
//! 10 MB and a verifier holding it at most 16 MiB (counted by a global
//! allocator); loading is bounded in memory too. Speed is `benches/bundle.rs`'s.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{BundleDraft, IssuerKey, RevocationId, TrustState, TrustedKey, Verifier};

#[path = "support/counting.rs"]
mod counting;

const MB: usize = 1_000_000;
const MIB: usize = 1 << 20;

/// splitmix64 ids, as in the bench.
fn ids(n: u64) -> impl Iterator<Item = RevocationId> {
    (0..n).map(|i| {
        let mut z = i
            .wrapping_add(0x9E37_79B9_7F4A_7C15)
            .wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        RevocationId((z ^ (z >> 31)).to_be_bytes())
    })
}

#[test]
fn a_million_revocations_fit_the_budget() {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc();
    let root = IssuerKey::from_seed(&[0xA0; 32]);
    let bytes = {
        let mut draft = BundleDraft::new(1, now, TimeDelta::days(7));
        for n in 1..=20u8 {
            draft.add_key(TrustedKey::new(
                *IssuerKey::from_seed(&[n; 32]).public_key(),
                "CN-SN-XA",
            ));
        }
        draft.revoked.extend(ids(1_000_000));
        draft.sign(&root).expect("signs")
    };
    assert!(bytes.len() <= 10 * MB, "file {} bytes", bytes.len());

    let base = counting::current();
    let (verifier, peak) = counting::peak_during(|| {
        let state = TrustState::new(&[*root.public_key()]);
        Verifier::new(state.check(&bytes, now).expect("loads"))
    });
    let held = counting::current() - base;
    eprintln!(
        "file {} bytes; verifier holds {:.1} MiB; loading peaked at {:.1} MiB beyond the file",
        bytes.len(),
        held as f64 / MIB as f64,
        peak as f64 / MIB as f64
    );
    assert!(held <= 16 * MIB, "verifier holds {held} bytes");
    // Loading copies the payload a few times (COSE parse, Sig_structure,
    // CBOR value, sorted ids); bounded by a small multiple of the file.
    assert!(peak <= 6 * bytes.len(), "loading peaked at {peak} bytes");
    let revoked = ids(3).last().expect("one");
    assert!(verifier.resolver().is_revoked(revoked));
    assert_eq!(verifier.resolver().revoked_count(), 1_000_000);
}
