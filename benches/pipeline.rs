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
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use coset::TaggedCborSerializable;
use criterion::{Criterion, criterion_group, criterion_main};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use qrcred::{Credential, Issuer, IssuerKey, PublicKey, TrustStore, TrustedKey, Verifier, layers};

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
/// payload, rebuilt ["Signature1", protected, "qrcred code v1", payload].
fn to_be_signed(text: &str) -> (Vec<u8>, [u8; 64]) {
    let payload = layers::base45_decode(layers::strip_prefix(text).expect("prefix")).expect("base45");
    let cose = layers::decompress(payload, &qrcred::Limits::DEFAULT).expect("cose");
    let parsed = coset::CoseSign1::from_tagged_slice(&cose).expect("coset");
    let signature: [u8; 64] = parsed.signature.as_slice().try_into().expect("64 bytes");
    (parsed.tbs_data(layers::Document::Code.external_aad()), signature)
}

/// Times `f` and its floor `g` back to back, `pairs` times, and returns the
/// median time of each (ns) and the median of the per-pair ratios: a slow
/// spell of the machine hits both halves of a pair alike, so the ratio holds
/// steadier than either time.
fn paired(pairs: usize, mut f: impl FnMut(), mut g: impl FnMut()) -> (f64, f64, f64) {
    let (mut fs, mut gs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..pairs {
        let start = Instant::now();
        f();
        let tf = start.elapsed().as_nanos() as f64;
        let start = Instant::now();
        g();
        let tg = start.elapsed().as_nanos() as f64;
        fs.push(tf);
        gs.push(tg);
        ratios.push(tf / tg);
    }
    (median(fs), median(gs), median(ratios))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
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

        // The ratios, from calls timed in pairs with their floor.
        let (v, fv, rv) = paired(
            3_001,
            || {
                black_box(verifier.verify(black_box(&text), now()).expect("verifies"));
            },
            || verifying.verify_strict(black_box(&tbs), &signature).expect("verifies"),
        );
        let (i, fs, ri) = paired(
            3_001,
            || {
                black_box(issuer.issue(black_box(&credential), validity, now()).expect("issues"));
            },
            || {
                black_box(dalek.sign(black_box(&tbs)));
            },
        );
        println!(
            "{name}: verify {:.1} µs / verify_strict {:.1} µs = {:.3}× (target ≤ 1.10×); \
             issue {:.1} µs / sign {:.1} µs = {:.3}× (target ≤ 1.30×)",
            v / 1e3,
            fv / 1e3,
            rv,
            i / 1e3,
            fs / 1e3,
            ri
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

        let (b, s, ratio) = paired(
            31,
            || {
                black_box(verifier.verify_batch(black_box(codes), now()));
            },
            || {
                for code in codes {
                    black_box(verifier.verify(black_box(code), now()).expect("verifies"));
                }
            },
        );
        let (b, s) = (b / n as f64, s / n as f64);
        println!(
            "batch of {n}: {:.1} µs per code ({:.0} codes/s on one core) / one by one {:.1} µs ({:.0}/s) = {:.2}× the throughput (target ≥ 2.5×)",
            b / 1e3,
            1e9 / b,
            s / 1e3,
            1e9 / s,
            1.0 / ratio
        );
    }
}

/// `PublicKey::verify_strict_batch` on 256 signatures with none, one, 16,
/// 64 or all of them bad, against `verify_strict` on each (best of 5).
fn bad_signatures(_: &mut Criterion) {
    let key = IssuerKey::from_seed(&[1u8; 32]);
    let public = *key.public_key();
    let messages: Vec<Vec<u8>> = (0..256)
        .map(|i| format!("message {i} {:0>100}", i).into_bytes())
        .collect();
    let signatures: Vec<[u8; 64]> = messages.iter().map(|m| key.sign(m)).collect();
    let changed: Vec<Vec<u8>> = messages.iter().map(|m| [m.as_slice(), b"!"].concat()).collect();
    for bad in [0, 1, 16, 64, 256] {
        let checks: Vec<(&PublicKey, &[u8], &[u8; 64])> = (0..256)
            .map(|i| {
                let message = if i < bad { &changed[i] } else { &messages[i] };
                (&public, message.as_slice(), &signatures[i])
            })
            .collect();
        let (mut batched, mut single) = (f64::MAX, f64::MAX);
        for _ in 0..5 {
            let start = Instant::now();
            black_box(PublicKey::verify_strict_batch(black_box(&checks)));
            batched = batched.min(start.elapsed().as_nanos() as f64 / 256.0);
            let start = Instant::now();
            for (key, message, signature) in &checks {
                black_box(key.verify_strict(black_box(message), signature));
            }
            single = single.min(start.elapsed().as_nanos() as f64 / 256.0);
        }
        println!(
            "256 signatures, {bad} bad: batch {:.1} µs a signature, one by one {:.1} µs ({:.2}×)",
            batched / 1e3,
            single / 1e3,
            single / batched
        );
    }
    // What a subgroup test of every R ([L]R, SPEC.md §4.5) would add to a
    // batch, against the one-by-one check it would have to beat.
    let rs: Vec<EdwardsPoint> = signatures
        .iter()
        .map(|s| {
            CompressedEdwardsY(s[..32].try_into().expect("32 bytes"))
                .decompress()
                .expect("R")
        })
        .collect();
    let (mut test, mut single) = (f64::MAX, f64::MAX);
    for _ in 0..5 {
        let start = Instant::now();
        for r in &rs {
            black_box(black_box(r).is_torsion_free());
        }
        test = test.min(start.elapsed().as_nanos() as f64 / 256.0);
        let start = Instant::now();
        for (message, signature) in messages.iter().zip(&signatures) {
            black_box(public.verify_strict(black_box(message), signature));
        }
        single = single.min(start.elapsed().as_nanos() as f64 / 256.0);
    }
    println!(
        "subgroup test of R ([L]R): {:.1} µs a signature, {:.2}× verify_strict ({:.1} µs)",
        test / 1e3,
        test / single,
        single / 1e3
    );
}

criterion_group!(benches, pipeline, batch, bad_signatures);
criterion_main!(benches);
