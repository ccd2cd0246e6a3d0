//! The whole verifier, against a fixed trust store and a fixed `now`.
//!
//! Each input is tried twice: as a code text, and, when it decodes as a
//! claims set, as claims that the target signs with the trusted key itself
//! (`sign_claims`, SPEC §4 by hand), so mutated claims get past the
//! signature.
//!
//! Oracles: a code that verifies, issued again from what was verified (same
//! key, `iat`, `nbf`, `exp` and `cti`), verifies to an equal `Verified`; a
//! hand-signed code is never refused by the COSE or signature layers;
//! `verify_batch` of the input twice among 15 valid codes (a sum of 16
//! distinct signatures) gives the input `verify`'s result in both places
//! and accepts every valid code;
//! anything else is refused with a typed error, never a panic. Seeds
//! (fuzz/seeds/verifier) are valid code texts and valid claims.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use qrcred::fuzzing::claims_round_trip;
use qrcred::{CtiPolicy, IssueOptions, Issuer, Result, TrustStore, Verified, Verifier};
use qrcred_fuzz::{ISSUER, issuer_key, now, sign_claims, verifier};

static VERIFIER: LazyLock<Verifier<TrustStore>> = LazyLock::new(verifier);

fn reissue(verified: &Verified) -> String {
    let options = IssueOptions {
        validity: verified.expires_at() - verified.valid_from(),
        not_before: Some(verified.valid_from()),
        cti: verified.cti().map_or(CtiPolicy::Never, CtiPolicy::Fixed),
    };
    Issuer::new(issuer_key(), ISSUER)
        .issue_with(verified.credential(), &options, verified.issued_at())
        .expect("a verified credential issues again")
}

/// Fifteen valid codes to put beside the input in a batch: with the input
/// twice (8th and last) the batch holds 16 distinct signatures, past the
/// one-by-one checks of small groups, so the multi-scalar sum, the split
/// and the merging of copies (SPEC §4.5) all run on every input.
static GOOD: LazyLock<Vec<String>> = LazyLock::new(|| {
    (0..15)
        .map(|n| {
            let credential = qrcred::Credential {
                subject: qrcred::Subject::new("王", &format!("小明{n}"), qrcred::BirthDate::Year(1980)),
                body: qrcred::CredentialBody::HealthStatus(qrcred::HealthStatus {
                    colour: qrcred::Colour::Green,
                    reason: None,
                }),
            };
            Issuer::new(issuer_key(), ISSUER)
                .issue(&credential, chrono::TimeDelta::hours(24), now())
                .expect("issues")
        })
        .collect()
});

fn verify(text: &str) -> Result<Verified> {
    let result = VERIFIER.verify(text, now());
    let mut batch: Vec<&str> = GOOD.iter().map(String::as_str).collect();
    batch.insert(7, text);
    batch.push(text);
    let got = VERIFIER.verify_batch(&batch, now());
    for (i, got) in got.iter().enumerate() {
        if i == 7 || i == batch.len() - 1 {
            assert_eq!(*got, result, "batch");
        } else {
            assert!(got.is_ok(), "{got:?}");
        }
    }
    if let Ok(verified) = &result {
        let code = reissue(verified);
        let again = VERIFIER.verify(&code, now());
        let same = again
            .as_ref()
            .is_ok_and(|again| qrcred_fuzz::same_facts(again, verified));
        assert!(same, "{code}: {again:?} != {verified:?}");
    }
    result
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = verify(text);
    }
    // Signing costs more than all the rest: only claims that decode.
    if claims_round_trip(data).is_some()
        && let Err(e) = verify(&sign_claims(data))
    {
        let layer = e.code().split('.').next();
        let forbidden = ["prefix", "base45", "compression", "cose", "signature"];
        assert!(!layer.is_some_and(|l| forbidden.contains(&l)), "{e:?}");
    }
});
