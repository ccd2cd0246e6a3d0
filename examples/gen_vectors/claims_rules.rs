//! Refusals of correctly signed claims for unknown fields, validity
//! windows and limits (SPEC.md §5.3, §6, §7.6; step 9 of §8.2).

use super::case::{Case, Result};
use super::claims::{BODY, EXP, IAT, raw, signed, status, vaccination, with_kind, with_subject};
use super::fixture::Fixture;
use super::wire::{self, Cbor, set, unset};

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let mut all = unknown(fx);
    all.extend(windows(fx));
    all.extend(cbor_limits(fx));
    all.extend(field_limits(fx));
    Ok(all)
}

fn unknown(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Cbor, code| signed(fx, n, d, c.encode(), code);
    let mut text_key: Vec<(Cbor, Cbor)> = status().into_iter().map(|(k, v)| (Cbor::int(k), v)).collect();
    text_key.push((Cbor::text("nonce"), Cbor::Uint(1)));
    let body = Cbor::map(vec![
        (1, Cbor::map(wire::subject())),
        (2, wire::green()),
        (7, Cbor::Uint(0)),
    ]);
    vec![
        s(
            "claims_unknown_field_claim_8",
            "an extra claim 8 (cnf, RFC 8747) in the claims",
            Cbor::map(set(status(), 8, Cbor::map(vec![]))),
            "claims.unknown_field",
        ),
        s(
            "claims_unknown_field_text_key",
            "an extra claim with the text key \"nonce\"",
            Cbor::Map(text_key),
            "claims.unknown_field",
        ),
        s(
            "claims_unknown_field_checked_first",
            "an extra claim 99 and no exp: unknown keys are checked before missing ones",
            Cbor::map(set(unset(status(), 4), 99, Cbor::Uint(0))),
            "claims.unknown_field",
        ),
        s(
            "claims_unknown_field_body",
            "an extra key 7 in the credential body",
            Cbor::map(set(status(), BODY, body)),
            "claims.unknown_field",
        ),
        s(
            "claims_unknown_field_subject",
            "an extra key 7 in the subject",
            with_subject(set(wire::subject(), 7, Cbor::text("M"))),
            "claims.unknown_field",
        ),
        s(
            "claims_unknown_field_vaccination",
            "an extra key 9 in the vaccination",
            with_kind(3, set(vaccination(), 9, Cbor::Uint(0))),
            "claims.unknown_field",
        ),
    ]
}

fn windows(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Vec<(i64, Cbor)>, code| signed(fx, n, d, Cbor::map(c).encode(), code);
    let times = |exp: u32, nbf: Option<u32>| {
        let c = set(status(), 4, Cbor::Uint(exp.into()));
        match nbf {
            Some(n) => set(c, 5, Cbor::Uint(n.into())),
            None => c,
        }
    };
    let h = |hours: u32| IAT + hours * 3600;
    vec![
        s(
            "claims_invalid_window_exp_equals_iat",
            "exp = iat",
            times(IAT, None),
            "claims.invalid_window",
        ),
        s(
            "claims_invalid_window_exp_before_iat",
            "exp = iat - 1 h",
            times(IAT - 3600, None),
            "claims.invalid_window",
        ),
        s(
            "claims_invalid_window_nbf_before_iat",
            "nbf = iat - 1 s",
            times(EXP, Some(IAT - 1)),
            "claims.invalid_window",
        ),
        s(
            "claims_invalid_window_nbf_equals_exp",
            "nbf = exp",
            times(h(2), Some(h(2))),
            "claims.invalid_window",
        ),
        s(
            "claims_validity_too_long",
            "a health status valid 72 h + 1 s (exp - iat = 259201 s)",
            times(h(72) + 1, None),
            "claims.validity_too_long",
        ),
        s(
            "claims_validity_too_long_from_iat",
            "a health status with nbf = iat + 2 h and exp = nbf + 71 h: the 72 h are measured from iat",
            times(h(73), Some(h(2))),
            "claims.validity_too_long",
        ),
    ]
}

/// Depth, item count and declared lengths, with the default limits.
fn cbor_limits(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Vec<u8>, code| signed(fx, n, d, c, code);
    let nested = |depth: usize| [vec![0x81; depth], vec![0x00]].concat();
    let array = |n: u16| [vec![0x99], n.to_be_bytes().to_vec(), vec![0x00; usize::from(n)]].concat();
    let subj = |k, v| with_subject(set(wire::subject(), k, v)).encode();
    vec![
        s(
            "limits_cbor_too_deep",
            "claims of 17 nested arrays, one more than the default max_cbor_depth of 16",
            nested(17),
            "limits.cbor_too_deep",
        ),
        s(
            "limits_cbor_depth_at_default_cap",
            "claims of 16 nested arrays: within max_cbor_depth, so the claims layer refuses them",
            nested(16),
            "claims.not_a_map",
        ),
        s(
            "limits_cbor_too_many_items",
            "claims of an array of 512 zeros: 513 items, one more than the default max_cbor_items of 512",
            array(512),
            "limits.cbor_too_many_items",
        ),
        s(
            "limits_cbor_items_at_default_cap",
            "claims of an array of 511 zeros: 512 items, within max_cbor_items, so the claims layer refuses them",
            array(511),
            "claims.not_a_map",
        ),
        s(
            "limits_cbor_length_text",
            "the family name declares 2^32 - 1 bytes (7a ffffffff) in claims of about 60",
            subj(1, raw(&[0x7a, 0xff, 0xff, 0xff, 0xff])),
            "limits.cbor_length",
        ),
        s(
            "limits_cbor_length_array",
            "claims of an array declaring 2^32 - 1 elements (9a ffffffff)",
            vec![0x9a, 0xff, 0xff, 0xff, 0xff],
            "limits.cbor_length",
        ),
        s(
            "limits_cbor_length_map",
            "claims of a map declaring 255 entries (b8 ff) with 4 bytes left",
            vec![0xb8, 0xff, 0x04, 0x00, 0x06, 0x00],
            "limits.cbor_length",
        ),
    ]
}

/// Text fields one byte over their maximum length.
fn field_limits(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Vec<u8>, code| signed(fx, n, d, c, code);
    let subj = |k, v| with_subject(set(wire::subject(), k, v)).encode();
    let access = |site: String| with_kind(6, vec![(1, Cbor::Text(site)), (3, Cbor::Uint(0))]).encode();
    let centre = with_kind(3, set(vaccination(), 8, Cbor::Text("C".repeat(33)))).encode();
    vec![
        s(
            "limits_field_too_long_family_name",
            "a family name of 81 bytes (27 x 王), one more than 80",
            subj(1, Cbor::Text("王".repeat(27))),
            "limits.field_too_long",
        ),
        s(
            "limits_field_too_long_icao",
            "an ICAO family name of 81 letters",
            subj(3, Cbor::Text("W".repeat(81))),
            "limits.field_too_long",
        ),
        s(
            "limits_field_too_long_site",
            "an access pass site of 33 bytes, one more than 32",
            access("S".repeat(33)),
            "limits.field_too_long",
        ),
        s(
            "limits_field_too_long_centre",
            "a vaccination centre of 33 bytes",
            centre,
            "limits.field_too_long",
        ),
        s(
            "limits_field_too_long_iss",
            "an iss of 81 bytes",
            Cbor::map(set(status(), 1, Cbor::Text("I".repeat(81)))).encode(),
            "limits.field_too_long",
        ),
    ]
}
