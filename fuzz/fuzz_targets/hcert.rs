//! The `HC1:` decoders (feature `hcert`): well-formed CBOR, COSE_Sign1,
//! CWT claims with the certificate, the certificate alone, and X.509
//! Document Signer Certificates.
//!
//! Oracles (inside `qrcred::fuzzing::hcert_round_trip`): never a panic;
//! lenient CBOR re-encodes to a fixed point; a certificate that reads goes
//! through its JSON form to an equal certificate; a mapped credential is
//! valid. Here also: the whole text path (`HC1:` + Base45 of the bytes,
//! compressed or not) is refused or accepted without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qrcred::{Limits, fuzzing::hcert_round_trip, hcert, layers};

fuzz_target!(|data: &[u8]| {
    hcert_round_trip(data);
    let text = format!("{}{}", hcert::PREFIX, layers::base45_encode(data));
    let _ = hcert::Sign1::parse_text(&text, &Limits::DEFAULT);
});
