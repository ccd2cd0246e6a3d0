//! The native half of the bindings' speed comparisons: `node
//! web/tests/bench.mjs` (WebAssembly in headless Chromium) and
//! `python3 bindings/python/bench.py` (the Python package) run this
//! (`cargo bench --bench side_by_side`), hand its fixture to the binding,
//! and print both sets of figures side by side (README, Performance).
//!
//! Prints one JSON object: the fixture (a trust list, a code, the time, the
//! rules) and the median time per call of verify, decide and scan_luma on a
//! 640×480 frame with and without a code, measured as the page measures
//! them (rounds of repeated calls after a warm-up).

use std::time::Instant;

#[allow(dead_code)]
#[path = "../tests/scan/transform.rs"]
mod transform;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, Gate, Issuer, IssuerKey, Limits, RuleSet, TrustStore, TrustedKey, Verifier, scan_luma};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Median microseconds per call of `f`, over `rounds` rounds of `n` calls, after a warm-up.
fn measure(mut f: impl FnMut(), n: usize, rounds: usize) -> f64 {
    for _ in 0..n {
        f();
    }
    let per = (0..rounds)
        .map(|_| {
            let t0 = Instant::now();
            for _ in 0..n {
                f();
            }
            t0.elapsed().as_secs_f64() * 1e6 / n as f64
        })
        .collect();
    median(per)
}

fn main() {
    let now: DateTime<Utc> = "2026-11-25T09:00:00Z".parse().expect("time");
    // A fixed, public test key (benchmarks only).
    let key = IssuerKey::from_seed(&[0x42; 32]);
    let public = *key.public_key();
    let key_pem = key.to_pkcs8_pem().expect("pem").to_string();
    let issuer = Issuer::new(key, "CN-SN-XA");
    let credential: Credential =
        serde_json::from_str(include_str!("../examples/credentials/health_status.json")).expect("credential");
    let text = issuer
        .issue(&credential, TimeDelta::hours(24), now - TimeDelta::hours(1))
        .expect("issues");
    let rules_json = include_str!("../examples/rules/city.json");
    let rules = RuleSet::from_json(rules_json).expect("rules");
    let verifier = Verifier::new(TrustStore::new().with(TrustedKey::new(public, "CN-SN-XA")));
    verifier.verify(&text, now).expect("verifies");

    let (w, h) = (640usize, 480usize);
    let frame = transform::in_frame(&transform::rendered(&text, 4), 640, 480, 150).pixels;
    let empty = vec![150u8; w * h];
    let limits = Limits::DEFAULT;
    assert_eq!(scan_luma(640, 480, &frame, &limits).expect("scans"), vec![text.clone()]);

    let gate = Gate {
        site: Some("XA-0001".into()),
        now,
    };
    let verify_us = measure(|| drop(verifier.verify(&text, now)), 200, 15);
    let issue_us = measure(|| drop(issuer.issue(&credential, TimeDelta::hours(24), now)), 200, 15);
    let decide_us = measure(
        || drop(rules.decide_results([verifier.verify(&text, now)], &gate)),
        200,
        15,
    );
    let scan_code_ms = measure(|| drop(scan_luma(640, 480, &frame, &limits)), 3, 11) / 1000.0;
    let scan_empty_ms = measure(|| drop(scan_luma(640, 480, &empty, &limits)), 3, 11) / 1000.0;
    let out = serde_json::json!({
        "fixture": {
            "now": "2026-11-25T09:00:00Z",
            "text": text,
            "trust": [{ "public_key": public.to_spki_pem().expect("pem"), "issuer": "CN-SN-XA" }],
            "issuer_pem": key_pem,
            "credential": credential,
            "rules": serde_json::from_str::<serde_json::Value>(rules_json).expect("json"),
        },
        "native": {
            "verify_us": verify_us,
            "issue_us": issue_us,
            "decide_us": decide_us,
            "scan_frame_640x480_code_ms": scan_code_ms,
            "scan_frame_640x480_empty_ms": scan_empty_ms,
        },
    });
    println!("{out}");
}
