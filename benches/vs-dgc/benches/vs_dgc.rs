//! qrcred against the `dgc` crate on the EU DCC test data, in one run.
//!
//! ```text
//! cargo bench --manifest-path benches/vs-dgc/Cargo.toml
//! ```
//!
//! The vectors: every file of test-vectors/third-party/dgc-testdata with a
//! `PREFIX` code and a `TESTCTX.CERTIFICATE` that both libraries accept
//! (ours fully verified at the file's `VALIDATIONCLOCK`, dgc's signature
//! `Valid`), split by algorithm. Each benchmark runs over all of them, so
//! criterion's time per element is the time per code.
//!
//! - `verify`: `Verifier::verify` (decode, claims, schema, the DSC's window
//!   and key usage, revocation ids, expiry, the mapping to a credential)
//!   against `dgc::validate` (decode and signature only).
//! - `decode`: `hcert::Sign1::parse_text` + `hcert::Claims::parse` (prefix,
//!   Base45, zlib, COSE_Sign1, claims, certificate with its schema checks)
//!   against `dgc::decode`.

use std::path::{Path, PathBuf};

use base64::Engine;
use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qrcred::hcert::{self, Alg, Dsc};
use qrcred::{Limits, TrustStore, Verifier};

struct Vector {
    text: String,
    now: DateTime<Utc>,
    alg: Alg,
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("dgc-testdata") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The vectors both libraries accept, with both trust lists.
fn vectors() -> (Vec<Vector>, TrustStore, dgc::TrustList) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/third-party/dgc-testdata");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    paths.sort();
    let (mut ours, mut theirs, mut vectors) = (TrustStore::new(), dgc::TrustList::default(), Vec::new());
    for path in paths {
        let case: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
        let (Some(text), Some(cert), Some(clock)) = (
            case["PREFIX"].as_str(),
            case["TESTCTX"]["CERTIFICATE"].as_str(),
            case["TESTCTX"]["VALIDATIONCLOCK"].as_str(),
        ) else {
            continue;
        };
        let (Ok(der), Ok(now)) = (
            base64::engine::general_purpose::STANDARD.decode(cert),
            DateTime::parse_from_rfc3339(clock),
        ) else {
            continue;
        };
        let (Ok(dsc), Ok(())) = (Dsc::from_der(&der), theirs.add_key_from_certificate(cert)) else {
            continue;
        };
        let now = now.with_timezone(&Utc);
        let alg = dsc.alg();
        let single = Verifier::new(TrustStore::new().with_dsc(dsc.clone()));
        let valid_here = single.verify(text, now).is_ok();
        let valid_there = dgc::validate(text, &theirs).is_ok_and(|(_, v)| v.is_valid());
        if valid_here && valid_there {
            ours.add_dsc(dsc);
            vectors.push(Vector {
                text: text.to_owned(),
                now,
                alg,
            });
        }
    }
    (vectors, ours, theirs)
}

fn bench(c: &mut Criterion) {
    let (vectors, ours, theirs) = vectors();
    for (alg, name) in [(Alg::Es256, "es256"), (Alg::Ps256, "ps256")] {
        let set: Vec<&Vector> = vectors.iter().filter(|v| v.alg == alg).collect();
        assert!(!set.is_empty(), "no {name} vector both libraries accept");
        eprintln!("{name}: {} vectors", set.len());
        let mut group = c.benchmark_group(format!("hcert_{name}"));
        group.throughput(Throughput::Elements(set.len() as u64));
        group.bench_function("qrcred_verify", |b| {
            b.iter(|| {
                // A verifier per code: each file has its own clock, and one
                // verifier refuses a clock behind the newest code it saw.
                for v in &set {
                    Verifier::new(&ours).verify(&v.text, v.now).expect("verifies");
                }
            })
        });
        group.bench_function("dgc_validate", |b| {
            b.iter(|| {
                for v in &set {
                    let (_, validity) = dgc::validate(&v.text, &theirs).expect("decodes");
                    assert!(validity.is_valid());
                }
            })
        });
        group.finish();
    }
    let mut group = c.benchmark_group("hcert_decode");
    group.throughput(Throughput::Elements(vectors.len() as u64));
    group.bench_function("qrcred_decode", |b| {
        b.iter(|| {
            for v in &vectors {
                let sign1 = hcert::Sign1::parse_text(&v.text, &Limits::DEFAULT).expect("parses");
                hcert::Claims::parse(sign1.unverified_payload(), &Limits::DEFAULT).expect("claims");
            }
        })
    });
    group.bench_function("dgc_decode", |b| {
        b.iter(|| {
            for v in &vectors {
                dgc::decode(&v.text).expect("decodes");
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
