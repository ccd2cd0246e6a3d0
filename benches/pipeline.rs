//! Issuing and verifying against their physical floors, in the same run:
//! verify (text → verified credential) against a bare
//! `ed25519_dalek::VerifyingKey::verify_strict` of the same Sig_structure
//! (target ≤ 1.10×), issue (credential → text) against a bare
//! `SigningKey::sign` of it (target ≤ 1.30×); batch verification of 64,
//! 256 and 1,024 distinct codes against verifying them one by one (target
//! ≥ 2.5× the throughput). Prints the ratios.
//!
//! `cargo bench --bench pipeline`

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use coset::TaggedCborSerializable;
use criterion::{Criterion, criterion_group, criterion_main};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use qrcred::{Credential, Issuer, IssuerKey, TrustStore, TrustedKey, Verifier, layers};

const SAMPLES: [(&str, &str); 2] = [
    (
        "health_status",
        include_str!("../examples/credentials/health_status.json"),
    ),
    ("vaccination", include_str!("../examples/credentials/vaccination.json")),
];

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

/// The Sig_structure a code's signature covers: the COSE_Sign1 of its
/// payload, rebuilt ["Signature1", protected, h'', payload].
fn to_be_signed(text: &str) -> (Vec<u8>, [u8; 64]) {
    let payload = layers::base45_decode(layers::strip_prefix(text).expect("prefix")).expect("base45");
    let cose = layers::decompress(payload, &qrcred::Limits::DEFAULT).expect("cose");
    let parsed = coset::CoseSign1::from_tagged_slice(&cose).expect("coset");
    let signature: [u8; 64] = parsed.signature.as_slice().try_into().expect("64 bytes");
    (parsed.tbs_data(&[]), signature)
}

/// The median of `runs` timings of `f`, in nanoseconds per call.
fn median_ns(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..64 {
                f();
            }
            start.elapsed() / 64
        })
        .collect();
    times.sort_unstable();
    times[runs / 2].as_nanos() as f64
}

fn pipeline(c: &mut Criterion) {
    let seed = [1u8; 32];
    let key = IssuerKey::from_seed(&seed);
    let dalek = SigningKey::from_bytes(&seed);
    let verifying: VerifyingKey = dalek.verifying_key();
    let issuer = Issuer::new(key.clone(), "CN-SN-XA");
    let verifier = Verifier::new(TrustStore::new().with(TrustedKey::new(*key.public_key(), "CN-SN-XA")));

    for (name, json) in SAMPLES {
        let credential: Credential = serde_json::from_str(json).expect("sample");
        let validity = TimeDelta::hours(24);
        let text = issuer.issue(&credential, validity, now()).expect("issues");
        let (tbs, signature) = to_be_signed(&text);
        let signature = Signature::from_bytes(&signature);
        verifying.verify_strict(&tbs, &signature).expect("floor verifies");

        let mut group = c.benchmark_group(format!("pipeline/{name}"));
        group.bench_function("verify (text to credential)", |b| {
            b.iter(|| verifier.verify(black_box(&text), now()).expect("verifies"))
        });
        group.bench_function("floor: verify_strict", |b| {
            b.iter(|| verifying.verify_strict(black_box(&tbs), &signature).expect("verifies"))
        });
        group.bench_function("issue (credential to text)", |b| {
            b.iter(|| issuer.issue(black_box(&credential), validity, now()).expect("issues"))
        });
        group.bench_function("floor: sign", |b| b.iter(|| dalek.sign(black_box(&tbs))));
        group.finish();

        // The ratios, timed side by side (interleaved) so that load on the
        // machine affects both alike.
        let (mut verify, mut floor_v, mut issue, mut floor_s) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..7 {
            verify.push(median_ns(21, || {
                black_box(verifier.verify(black_box(&text), now()).expect("verifies"));
            }));
            floor_v.push(median_ns(21, || {
                verifying.verify_strict(black_box(&tbs), &signature).expect("verifies");
            }));
            issue.push(median_ns(21, || {
                black_box(issuer.issue(black_box(&credential), validity, now()).expect("issues"));
            }));
            floor_s.push(median_ns(21, || {
                black_box(dalek.sign(black_box(&tbs)));
            }));
        }
        let med = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (v, fv, i, fs) = (med(&mut verify), med(&mut floor_v), med(&mut issue), med(&mut floor_s));
        println!(
            "{name}: verify {:.1} µs / verify_strict {:.1} µs = {:.3}× (target ≤ 1.10×); \
             issue {:.1} µs / sign {:.1} µs = {:.3}× (target ≤ 1.30×)",
            v / 1e3,
            fv / 1e3,
            v / fv,
            i / 1e3,
            fs / 1e3,
            i / fs
        );
    }
}

/// `Verifier::verify_batch` against `Verifier::verify` on the same codes.
fn batch(c: &mut Criterion) {
    let key = IssuerKey::from_seed(&[1u8; 32]);
    let issuer = Issuer::new(key.clone(), "CN-SN-XA");
    let verifier = Verifier::new(TrustStore::new().with(TrustedKey::new(*key.public_key(), "CN-SN-XA")));
    let credential: Credential = serde_json::from_str(SAMPLES[0].1).expect("sample");
    // Distinct codes: the same person, issued a second apart.
    let codes: Vec<String> = (0..1024)
        .map(|i| {
            let iat = now() - TimeDelta::seconds(i);
            issuer.issue(&credential, TimeDelta::hours(24), iat).expect("issues")
        })
        .collect();
    for n in [64, 256, 1024] {
        let codes = &codes[..n];
        assert!(verifier.verify_batch(codes, now()).iter().all(Result::is_ok));
        let mut group = c.benchmark_group(format!("batch/{n}"));
        group.throughput(criterion::Throughput::Elements(n as u64));
        group.bench_function("verify_batch", |b| {
            b.iter(|| black_box(verifier.verify_batch(black_box(codes), now())))
        });
        group.bench_function("verify one by one", |b| {
            b.iter(|| {
                for code in codes {
                    black_box(verifier.verify(black_box(code), now()).expect("verifies"));
                }
            })
        });
        group.finish();

        let (mut batched, mut single) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            let start = Instant::now();
            black_box(verifier.verify_batch(black_box(codes), now()));
            batched.push(start.elapsed().as_nanos() as f64 / n as f64);
            let start = Instant::now();
            for code in codes {
                black_box(verifier.verify(black_box(code), now()).expect("verifies"));
            }
            single.push(start.elapsed().as_nanos() as f64 / n as f64);
        }
        batched.sort_by(f64::total_cmp);
        single.sort_by(f64::total_cmp);
        let (b, s) = (batched[3], single[3]);
        println!(
            "batch of {n}: {:.1} µs per code ({:.0} codes/s on one core) / one by one {:.1} µs ({:.0}/s) = {:.2}× the throughput (target ≥ 2.5×)",
            b / 1e3,
            1e9 / b,
            s / 1e3,
            1e9 / s,
            s / b
        );
    }
}

criterion_group!(benches, pipeline, batch);
criterion_main!(benches);
