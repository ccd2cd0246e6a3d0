//! Trust bundle at city scale: a bundle with 1,000,000 revoked credentials.
//! Targets (issue "Offline trust"): file ≤ 10 MB, load and verify ≤ 200 ms,
//! a revocation lookup ≤ 1 µs. Memory is measured by `tests/bundle_scale.rs`.
//!
//! `cargo bench --bench bundle`

use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use qrcred::{BundleDraft, IssuerKey, RevocationId, TrustState, TrustedKey};

const REVOKED: u64 = 1_000_000;

/// splitmix64: deterministic, well-spread ids.
fn ids(n: u64, salt: u64) -> impl Iterator<Item = RevocationId> {
    (0..n).map(move |i| {
        let mut z = (i ^ salt)
            .wrapping_add(0x9E37_79B9_7F4A_7C15)
            .wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        RevocationId((z ^ (z >> 31)).to_be_bytes())
    })
}

fn bundle(c: &mut Criterion) {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc();
    let root = IssuerKey::from_seed(&[0xA0; 32]);
    let mut draft = BundleDraft::new(1, now, TimeDelta::days(7));
    for n in 1..=20u8 {
        draft.add_key(TrustedKey::new(
            *IssuerKey::from_seed(&[n; 32]).public_key(),
            "CN-SN-XA",
        ));
    }
    draft.revoked.extend(ids(REVOKED, 0));
    let bytes = draft.sign(&root).expect("signs");
    println!("bundle with {REVOKED} revoked credentials: {} bytes", bytes.len());
    let state = TrustState::new(&[*root.public_key()]);
    let loaded = state.check(&bytes, now).expect("loads");
    let hit = ids(1, 0).next().expect("one");
    let miss = ids(1, u64::MAX).next().expect("one");
    assert!(loaded.is_revoked(hit) && !loaded.is_revoked(miss));

    let mut group = c.benchmark_group("bundle");
    group.sample_size(10);
    group.bench_function("load and verify (1M revoked)", |b| {
        b.iter(|| state.check(black_box(&bytes), now).expect("loads"))
    });
    group.finish();
    let mut group = c.benchmark_group("revocation lookup (1M revoked)");
    let probes: Vec<RevocationId> = ids(1024, 0).chain(ids(1024, 0x5555)).collect();
    let mut at = 0usize;
    group.bench_function("lookup", |b| {
        b.iter(|| {
            at = (at + 1) & 2047;
            loaded.is_revoked(black_box(probes[at]))
        })
    });
    group.bench_function("id of a signature + lookup", |b| {
        let signature = [7u8; 64];
        b.iter(|| loaded.is_revoked(RevocationId::for_signature(black_box(&signature))))
    });
    group.finish();
}

criterion_group!(benches, bundle);
criterion_main!(benches);
