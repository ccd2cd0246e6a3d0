//! The whole verifier, against a fixed trust store and a fixed `now`.
//!
//! Oracle: a code that verifies, issued again from what was verified (same
//! key, `iat`, `nbf`, `exp` and `cti`), verifies to an equal `Verified`.
//! Anything else is refused with a typed error, never a panic. Seeds are
//! valid codes (fuzz/seeds/verifier) so the fuzzer starts past the signature.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use qrcred::{CtiPolicy, IssueOptions, Issuer, TrustStore, Verified, Verifier};
use qrcred_fuzz::{ISSUER, issuer_key, now, verifier};

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

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(verified) = VERIFIER.verify(text, now()) {
        let code = reissue(&verified);
        assert_eq!(VERIFIER.verify(&code, now()).as_ref(), Ok(&verified), "{code}");
    }
});
