//! Trust bundles: the payload decoder and the whole load.
//!
//! Each input is tried three ways: as a bundle payload through the
//! round-trip oracle (`qrcred::fuzzing::bundle_payload_round_trip`: what
//! decodes re-encodes deterministically to equal contents), here checked to
//! be a fixed point; when it decodes, that canonical payload signed by the
//! fixed root must load (or be refused only as issued in the future) and
//! sign again from its draft to the very same file; and as a bundle file,
//! checked by a fresh `TrustState` pinning the fixed root at a fixed `now`.
//!
//! Oracles: never a panic; a file that loads signs again from its draft to
//! a file that loads to the same draft; a file our encoder wrote (our COSE
//! layout, a canonical payload, our deterministic signature) signs again to
//! exactly itself. Seeds (fuzz/seeds/bundle) are the payloads and files of
//! the bundle test vectors, signed by the same root.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use qrcred::fuzzing::bundle_payload_round_trip;
use qrcred::{IssuerKey, TrustBundle, TrustState, layers};
use qrcred_fuzz::{bundle_payload, bundle_root, bundle_state, now};

static ROOT: LazyLock<IssuerKey> = LazyLock::new(bundle_root);
static STATE: LazyLock<TrustState> = LazyLock::new(bundle_state);

/// The loaded bundle's contents under its own sequence number (a draft
/// takes the next one), signed again by the root.
fn sign_again(bundle: &TrustBundle) -> Vec<u8> {
    let mut draft = bundle.to_draft();
    draft.sequence = bundle.sequence();
    draft.sign(&ROOT).expect("a loaded bundle signs again")
}

fuzz_target!(|data: &[u8]| {
    if let Some(encoded) = bundle_payload_round_trip(data) {
        assert_eq!(bundle_payload_round_trip(&encoded).as_ref(), Some(&encoded));
        let file = layers::sign_cose(encoded, &ROOT, qrcred::layers::Document::Bundle).expect("signing cannot fail");
        match STATE.check(&file, now()) {
            Ok(bundle) => assert_eq!(sign_again(&bundle), file, "our file signs again differently"),
            Err(e) => assert_eq!(e.code(), "trust.not_yet_valid", "{e:?}"),
        }
    }
    let Ok(bundle) = STATE.check(data, now()) else {
        return;
    };
    let again = sign_again(&bundle);
    let back = STATE.check(&again, now()).expect("a bundle signed again loads");
    assert_eq!(back.to_draft(), bundle.to_draft(), "contents changed when signed again");
    let ours = bundle_payload(data).is_some_and(|payload| {
        bundle_payload_round_trip(payload).as_deref() == Some(payload)
            && layers::sign_cose(payload.to_vec(), &ROOT, qrcred::layers::Document::Bundle).as_deref() == Ok(data)
    });
    if ours {
        assert_eq!(again, data, "a file our encoder wrote signs again differently");
    }
});
