//! The claims layer: CWT claims map ⇄ credential.
//!
//! Oracle (inside `qrcred::fuzzing::claims_round_trip`): claims that decode
//! also encode, their deterministic encoding decodes to the same claims and
//! encodes to the same bytes again. Here: that encoding is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qrcred::fuzzing::claims_round_trip;

fuzz_target!(|data: &[u8]| {
    if let Some(encoded) = claims_round_trip(data) {
        assert_eq!(claims_round_trip(&encoded).as_ref(), Some(&encoded));
    }
});
