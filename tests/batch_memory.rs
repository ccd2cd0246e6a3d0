//! A large batch costs no more per code than a 256-code one: `verify_batch`
//! works through [`Verifier::BATCH_SIZE`] codes at a time, so the memory it
//! holds while working (above what its results keep) is that of one chunk,
//! whatever the batch's size. A counting allocator measures it; the time per
//! code is criterion's (`cargo bench --bench pipeline -- verify_batch`,
//! README, Performance).

#[path = "support/counting.rs"]
mod counting;
mod support;

use chrono::{DateTime, TimeDelta, Utc};
use counting::{SERIAL, current, peak_during};
use qrcred::{Colour, Issuer, IssuerKey, TrustStore, TrustedKey, Verifier};
use support::status;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-04T08:00:00Z")
        .expect("time")
        .to_utc()
}

#[test]
fn a_batch_works_in_memory_of_one_chunk_whatever_its_size() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let key = IssuerKey::from_seed(&[41; 32]);
    let verifier = Verifier::new(TrustStore::new().with(TrustedKey::new(*key.public_key(), "cn.health.xian")));
    let issuer = Issuer::new(key, "cn.health.xian");
    let issued = now() - TimeDelta::hours(1);
    let texts: Vec<String> = (0..4 * Verifier::<TrustStore>::BATCH_SIZE)
        .map(|n| {
            issuer
                .issue(&status(n, Colour::Green), TimeDelta::hours(24), issued)
                .expect("issue")
        })
        .collect();
    // Bytes held while working beyond what the results keep, for a batch of `n`.
    let working = |n: usize| {
        let before = current();
        let (results, peak) = peak_during(|| verifier.verify_batch(&texts[..n], now()));
        assert!(results.iter().all(Result::is_ok), "{n} codes verify");
        let kept = current() - before;
        drop(results);
        peak - kept
    };
    let (one_chunk, four_chunks) = (working(Verifier::<TrustStore>::BATCH_SIZE), working(texts.len()));
    println!("working memory: 256 codes {one_chunk} bytes, 1,024 codes {four_chunks} bytes");
    assert!(one_chunk > 0);
    assert!(
        four_chunks <= one_chunk + one_chunk / 10,
        "1,024 codes held {four_chunks} bytes while working, 256 codes {one_chunk}"
    );
}
