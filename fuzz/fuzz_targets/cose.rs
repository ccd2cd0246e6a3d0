//! The payload layer: optional zlib, then the COSE_Sign1 structure.
//!
//! Oracles: whatever strict CBOR refuses, the COSE parser refuses with the
//! same error (SPEC §4.2 decodes strictly first); COSE bytes parse the same
//! whether or not they are compressed, and inflate back exactly; a zlib
//! payload parses as the bytes it inflates to. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qrcred::{Kid, Limits, Result, UnverifiedCode, layers};

const LIMITS: Limits = Limits::DEFAULT;

/// SPEC §3: a zlib stream starts with CM = 8 and CINFO <= 7.
fn is_zlib(payload: &[u8]) -> bool {
    payload.first().is_some_and(|&b| b & 0x0F == 8 && b >> 4 <= 7)
}

fn parse(payload: &[u8]) -> Result<(Kid, i64)> {
    UnverifiedCode::parse_bytes(payload.to_vec(), &LIMITS).map(|code| (code.kid(), code.alg()))
}

fuzz_target!(|data: &[u8]| {
    let parsed = parse(data);
    if is_zlib(data) {
        if let Ok(cose) = layers::decompress(data.to_vec(), &LIMITS)
            && !is_zlib(&cose)
        {
            assert_eq!(parse(&cose), parsed, "zlib payload parses unlike its content");
        }
        return;
    }
    if let Err(e) = layers::check_cbor(data, &LIMITS) {
        assert_eq!(parsed, Err(e), "COSE parser and strict CBOR disagree");
    }
    if data.len() <= LIMITS.max_inflated_len {
        let packed = layers::compress_if_shorter(data.to_vec()).expect("compressing cannot fail");
        assert_eq!(layers::decompress(packed.clone(), &LIMITS).as_deref(), Ok(data));
        assert_eq!(parse(&packed), parsed, "compressed payload parses differently");
    }
});
