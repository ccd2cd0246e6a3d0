//! Refusals inside correctly signed claims: strict CBOR and the CWT
//! claims set (SPEC.md §5.1, §6; step 9 of §8.2). Each case has one defect
//! in otherwise valid claims, so the reason it names is the only reason to
//! refuse it. The helpers here serve the other claims modules too.

use super::case::{Case, Result};
use super::fixture::{Fixture, HOUR, ISSUED};
use super::wire::{self, Cbor, set, unset};

/// `iat` of every case.
pub const IAT: u32 = ISSUED as u32;
/// `exp` of every case (24 hours later).
pub const EXP: u32 = (ISSUED + 24 * HOUR) as u32;
/// The claim key of the credential body.
pub const BODY: i64 = qrcred::CREDENTIAL_CLAIM_KEY;

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let mut all = cbor_encoding(fx);
    all.extend(cbor_items(fx));
    all.extend(claims_structure(fx));
    all.extend(claims_types(fx));
    Ok(all)
}

/// A case whose claims are `claims`, correctly signed by key A.
pub fn signed(fx: &Fixture, name: &str, description: &str, claims: Vec<u8>, code: &'static str) -> Case {
    let cose = wire::sign1_standard(&fx.a.key, &claims);
    fx.case(name, description).claims(claims).cose(cose).refused(code)
}

/// The sample status claims with these changes.
pub fn status() -> Vec<(i64, Cbor)> {
    wire::status_claims(IAT, EXP)
}

/// Claims whose subject is `subject`.
pub fn with_subject(subject: Vec<(i64, Cbor)>) -> Cbor {
    Cbor::map(set(status(), BODY, wire::status_body(subject, wire::green())))
}

/// Claims whose body is `{1: subject, key: kind}`.
pub fn with_kind(key: i64, kind: Vec<(i64, Cbor)>) -> Cbor {
    let body = Cbor::map(vec![(1, Cbor::map(wire::subject())), (key, Cbor::map(kind))]);
    Cbor::map(set(status(), BODY, body))
}

/// A vaccination, dose 1 of 2 on 2026-11-02 (day 20759) in CN.
pub fn vaccination() -> Vec<(i64, Cbor)> {
    vec![
        (1, Cbor::Uint(1)),
        (2, Cbor::Uint(1)),
        (4, Cbor::Uint(1)),
        (5, Cbor::Uint(2)),
        (6, Cbor::Uint(20759)),
        (7, Cbor::text("CN")),
    ]
}

pub fn raw(bytes: &[u8]) -> Cbor {
    Cbor::Raw(bytes.to_vec())
}

/// Encodings strict CBOR refuses: duplicates, indefinite and long forms, framing.
fn cbor_encoding(fx: &Fixture) -> Vec<Case> {
    let good = Cbor::map(status()).encode();
    let mut indefinite = vec![0xbf];
    indefinite.extend_from_slice(&good[1..]);
    indefinite.push(0xff);
    let mut duplicate = status().into_iter().map(|(k, v)| (Cbor::int(k), v)).collect::<Vec<_>>();
    duplicate.push((Cbor::Uint(4), Cbor::Uint(EXP.into())));
    let long_exp = [&[0x1b, 0, 0, 0, 0][..], &EXP.to_be_bytes()].concat();
    let name = |v: &[u8]| with_subject(set(wire::subject(), 1, raw(v))).encode();
    let s = |n, d, c: Vec<u8>, code| signed(fx, n, d, c, code);
    vec![
        s(
            "cbor_claims_duplicate_key",
            "the claims map has exp twice",
            Cbor::Map(duplicate).encode(),
            "cbor.duplicate_key",
        ),
        s(
            "cbor_claims_indefinite_map",
            "the claims map written with indefinite length (bf ... ff)",
            indefinite,
            "cbor.indefinite_length",
        ),
        s(
            "cbor_claims_indefinite_text",
            "the family name as an indefinite-length text (7f 63 e78e8b ff)",
            name(&[0x7f, 0x63, 0xe7, 0x8e, 0x8b, 0xff]),
            "cbor.indefinite_length",
        ),
        s(
            "cbor_claims_non_shortest_int",
            "exp written with 8 bytes (1b 00000000 ...) instead of 4",
            Cbor::map(set(status(), 4, raw(&long_exp))).encode(),
            "cbor.non_shortest",
        ),
        s(
            "cbor_claims_non_shortest_length",
            "the ICAO family name's length written as 78 04 instead of 64",
            with_subject(set(wire::subject(), 3, raw(b"\x78\x04WANG"))).encode(),
            "cbor.non_shortest",
        ),
        s(
            "cbor_claims_trailing_bytes",
            "a zero byte after the claims map",
            [&good[..], &[0]].concat(),
            "cbor.trailing_bytes",
        ),
        s(
            "cbor_claims_truncated",
            "claims a1 04 1a 6b07: the map ends inside exp's 4-byte argument",
            vec![0xa1, 0x04, 0x1a, 0x6b, 0x07],
            "cbor.truncated",
        ),
    ]
}

/// Items strict CBOR refuses: bad UTF-8, floats, simple values, stray breaks.
fn cbor_items(fx: &Fixture) -> Vec<Case> {
    let float_exp = [&[0xfb][..], &f64::from(EXP).to_be_bytes()].concat();
    let colour = |v: &[u8]| {
        let kind = Cbor::map(vec![(1, raw(v))]);
        Cbor::map(set(status(), BODY, wire::status_body(wire::subject(), kind))).encode()
    };
    let name = |v: &[u8]| with_subject(set(wire::subject(), 1, raw(v))).encode();
    let s = |n, d, c: Vec<u8>, code| signed(fx, n, d, c, code);
    vec![
        s(
            "cbor_claims_invalid_utf8",
            "the family name holds e7 8e, the first two bytes of a three-byte UTF-8 character",
            name(&[0x62, 0xe7, 0x8e]),
            "cbor.invalid_utf8",
        ),
        s(
            "cbor_claims_float",
            "exp as a 64-bit float (fb ...)",
            Cbor::map(set(status(), 4, raw(&float_exp))).encode(),
            "cbor.unsupported",
        ),
        s(
            "cbor_claims_undefined",
            "the colour is undefined (f7)",
            colour(&[0xf7]),
            "cbor.unsupported",
        ),
        s(
            "cbor_claims_simple_value",
            "the colour is the unassigned simple value 0 (e0)",
            colour(&[0xe0]),
            "cbor.unsupported",
        ),
        s(
            "cbor_claims_simple_below_32",
            "the colour is f8 10, a two-byte simple value below 32 (not well-formed)",
            colour(&[0xf8, 0x10]),
            "cbor.malformed",
        ),
        s(
            "cbor_claims_stray_break",
            "the colour is a stray break (ff)",
            colour(&[0xff]),
            "cbor.malformed",
        ),
        s(
            "cbor_claims_reserved_info",
            "the colour is 1c: additional information 28 is reserved",
            colour(&[0x1c]),
            "cbor.malformed",
        ),
    ]
}

/// The claims map itself and its required claims.
fn claims_structure(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Cbor, code| signed(fx, n, d, c.encode(), code);
    let body = wire::status_body(wire::subject(), wire::green());
    vec![
        s(
            "claims_not_a_map",
            "the claims are an array [exp, iat, body]",
            Cbor::Array(vec![Cbor::Uint(EXP.into()), Cbor::Uint(IAT.into()), body.clone()]),
            "claims.not_a_map",
        ),
        s(
            "claims_not_a_map_tagged",
            "the claims map wrapped in tag 61 (CWT)",
            Cbor::Tag(61, Box::new(Cbor::map(status()))),
            "claims.not_a_map",
        ),
        s(
            "claims_missing_exp",
            "no exp",
            Cbor::map(unset(status(), 4)),
            "claims.missing",
        ),
        s(
            "claims_missing_iat",
            "no iat",
            Cbor::map(unset(status(), 6)),
            "claims.missing",
        ),
        s(
            "claims_missing_credential",
            "no credential (-65537)",
            Cbor::map(unset(status(), BODY)),
            "claims.missing",
        ),
    ]
}

/// Claims of the wrong type or value.
fn claims_types(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Cbor, code| signed(fx, n, d, c.encode(), code);
    vec![
        s(
            "claims_wrong_type_exp_text",
            "exp as a text string",
            Cbor::map(set(status(), 4, Cbor::text("1795680000"))),
            "claims.wrong_type",
        ),
        s(
            "claims_wrong_type_iss_int",
            "iss as an integer",
            Cbor::map(set(status(), 1, Cbor::Uint(1))),
            "claims.wrong_type",
        ),
        s(
            "claims_wrong_type_cti_text",
            "cti as a text string",
            Cbor::map(set(status(), 7, Cbor::text("0123456789abcdef"))),
            "claims.wrong_type",
        ),
        s(
            "claims_invalid_value_exp_negative",
            "exp = -1",
            Cbor::map(set(status(), 4, Cbor::int(-1))),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_exp_2_pow_32",
            "exp = 2^32, beyond the 32-bit seconds of the format",
            Cbor::map(set(status(), 4, Cbor::Uint(1 << 32))),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_cti_7_bytes",
            "a cti of 7 bytes",
            Cbor::map(set(status(), 7, Cbor::Bytes(vec![7; 7]))),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_empty_iss",
            "an empty iss",
            Cbor::map(set(status(), 1, Cbor::text(""))),
            "claims.invalid_value",
        ),
    ]
}
