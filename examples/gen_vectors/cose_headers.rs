//! Refusals of the protected and unprotected headers (SPEC.md §4.3;
//! step 6 of §8.2), each in a correctly signed structure.

use qrcred::IssuerKey;

use super::case::{Case, Result};
use super::cose::carrying;
use super::fixture::Fixture;
use super::wire::{self, Cbor};

/// Every case of this module.
pub fn cases(fx: &Fixture, claims: &[u8]) -> Result<Vec<Case>> {
    headers(fx, claims)
}

/// A COSE_Sign1 with this protected header bstr content and unprotected
/// header, correctly signed by `key`.
fn with_headers(key: &IssuerKey, protected: Cbor, unprotected: Cbor, claims: &[u8]) -> Vec<u8> {
    wire::sign1(key, &protected.encode(), &unprotected.encode(), claims)
}

fn headers(fx: &Fixture, claims: &[u8]) -> Result<Vec<Case>> {
    let a = &fx.a.key;
    let kid = || Cbor::Bytes(a.kid().0.to_vec());
    let alg = || Cbor::int(-8);
    let empty = || Cbor::Map(vec![]);
    let h = |entries: Vec<(i64, Cbor)>| Cbor::map(entries);
    let c = |name, description, protected, unprotected, code| {
        carrying(
            fx,
            name,
            description,
            claims,
            with_headers(a, protected, unprotected, claims),
            code,
        )
    };
    let raw = |bytes: Vec<u8>| Cbor::Raw(bytes);
    Ok(vec![
        c(
            "cose_missing_alg",
            "protected header {4: kid}",
            h(vec![(4, kid())]),
            empty(),
            "cose.missing_alg",
        )?,
        c(
            "cose_missing_alg_empty_map",
            "protected header {} (the bstr holds a0)",
            h(vec![]),
            empty(),
            "cose.missing_alg",
        )?,
        c(
            "cose_missing_alg_empty_bstr",
            "protected header of zero bytes",
            raw(vec![]),
            empty(),
            "cose.missing_alg",
        )?,
        c(
            "cose_unsupported_alg_es256",
            "alg -7 (ES256)",
            h(vec![(1, Cbor::int(-7)), (4, kid())]),
            empty(),
            "cose.unsupported_alg",
        )?,
        c(
            "cose_unsupported_alg_name",
            "alg as the text \"EdDSA\"",
            h(vec![(1, Cbor::text("EdDSA")), (4, kid())]),
            empty(),
            "cose.unsupported_alg_name",
        )?,
        c(
            "cose_malformed_alg_out_of_range",
            "alg -2^64 (3b ffffffffffffffff), outside the signed 64-bit range",
            h(vec![
                (1, raw(vec![0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])),
                (4, kid()),
            ]),
            empty(),
            "cose.malformed",
        )?,
        c(
            "cose_malformed_alg_as_bytes",
            "alg as a byte string",
            h(vec![(1, Cbor::Bytes(vec![0x27])), (4, kid())]),
            empty(),
            "cose.malformed",
        )?,
        c(
            "cose_malformed_kid_as_int",
            "kid as an integer",
            h(vec![(1, alg()), (4, Cbor::Uint(7))]),
            empty(),
            "cose.malformed",
        )?,
        c(
            "cose_malformed_protected_not_a_map",
            "the protected bstr holds an array [1, -8]",
            Cbor::Array(vec![Cbor::Uint(1), alg()]),
            empty(),
            "cose.malformed",
        )?,
        c(
            "cose_missing_kid",
            "protected header {1: -8}",
            h(vec![(1, alg())]),
            empty(),
            "cose.missing_kid",
        )?,
        c(
            "cose_missing_kid_in_unprotected",
            "alg protected, kid only in the unprotected header: the protected header is judged first",
            h(vec![(1, alg())]),
            h(vec![(4, kid())]),
            "cose.missing_kid",
        )?,
        c(
            "cose_invalid_kid_32_bytes",
            "a kid of the full 32-byte SHA-256 instead of its first 8 bytes",
            h(vec![(1, alg()), (4, Cbor::Bytes(sha256(&a.public_key().to_bytes())))]),
            empty(),
            "cose.invalid_kid",
        )?,
        c(
            "cose_invalid_kid_empty",
            "an empty kid",
            h(vec![(1, alg()), (4, Cbor::Bytes(vec![]))]),
            empty(),
            "cose.invalid_kid",
        )?,
        c(
            "cose_alg_in_unprotected",
            "a correct protected header, and alg repeated in the unprotected header",
            h(vec![(1, alg()), (4, kid())]),
            h(vec![(1, alg())]),
            "cose.unprotected_header",
        )?,
        c(
            "cose_kid_in_unprotected",
            "a correct protected header, and kid repeated in the unprotected header",
            h(vec![(1, alg()), (4, kid())]),
            h(vec![(4, kid())]),
            "cose.unprotected_header",
        )?,
        c(
            "cose_unsupported_header_content_type",
            "protected header with content type (3: 0) besides alg and kid",
            h(vec![(1, alg()), (3, Cbor::Uint(0)), (4, kid())]),
            empty(),
            "cose.unsupported_header",
        )?,
        c(
            "cose_unsupported_header_crit",
            "protected header with crit (2: [4])",
            h(vec![(1, alg()), (2, Cbor::Array(vec![Cbor::Uint(4)])), (4, kid())]),
            empty(),
            "cose.unsupported_header",
        )?,
        c(
            "cose_unsupported_header_text_label",
            "protected header with the text label \"kid\"",
            Cbor::Map(vec![
                (Cbor::Uint(1), alg()),
                (Cbor::Uint(4), kid()),
                (Cbor::text("kid"), kid()),
            ]),
            empty(),
            "cose.unsupported_header",
        )?,
        c(
            "cbor_protected_non_shortest",
            "protected header alg -8 written as 38 07 (non-shortest)",
            h(vec![(1, raw(vec![0x38, 0x07])), (4, kid())]),
            empty(),
            "cbor.non_shortest",
        )?,
        c(
            "cbor_protected_duplicate_alg",
            "protected header with alg twice",
            Cbor::Map(vec![
                (Cbor::Uint(1), alg()),
                (Cbor::Uint(1), alg()),
                (Cbor::Uint(4), kid()),
            ]),
            empty(),
            "cbor.duplicate_key",
        )?,
    ])
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}
