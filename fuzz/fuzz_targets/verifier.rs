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
//! `verify_batch` of the input beside a valid code gives the same results
//! as `verify` of each;
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

/// A valid code to put beside the input in a batch.
static GOOD: LazyLock<String> = LazyLock::new(|| {
    let credential = qrcred::Credential {
        subject: qrcred::Subject::new("王", "小明", qrcred::BirthDate::Year(1980)),
        body: qrcred::CredentialBody::HealthStatus(qrcred::HealthStatus {
            colour: qrcred::Colour::Green,
            reason: None,
        }),
    };
    Issuer::new(issuer_key(), ISSUER)
        .issue(&credential, chrono::TimeDelta::hours(24), now())
        .expect("issues")
});

fn verify(text: &str) -> Result<Verified> {
    let result = VERIFIER.verify(text, now());
    let batch = VERIFIER.verify_batch(&[GOOD.as_str(), text, text], now());
    assert!(batch[0].is_ok(), "{:?}", batch[0]);
    assert_eq!(batch[1], result, "batch");
    assert_eq!(batch[2], result, "batch");
    if let Ok(verified) = &result {
        let code = reissue(verified);
        assert_eq!(VERIFIER.verify(&code, now()).as_ref(), Ok(verified), "{code}");
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
