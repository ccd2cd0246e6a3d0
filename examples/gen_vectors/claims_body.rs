//! Refusals of the credential body inside correctly signed claims: its
//! structure, its required fields and types, and every value rule
//! (SPEC.md §7; step 9 of §8.2).

use super::case::{Case, Result};
use super::claims::{BODY, signed, status, vaccination, with_kind, with_subject};
use super::fixture::Fixture;
use super::wire::{self, Cbor, set, unset};

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    Ok([
        body_structure(fx),
        body_fields(fx),
        subject_values(fx),
        kind_values(fx),
        shown_text(fx),
    ]
    .concat())
}

/// The body map: subject and exactly one kind.
fn body_structure(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Cbor, code| signed(fx, n, d, c.encode(), code);
    let subject = || Cbor::map(wire::subject());
    let body = |entries: Vec<(i64, Cbor)>| Cbor::map(set(status(), BODY, Cbor::map(entries)));
    let access = Cbor::map(vec![(1, Cbor::text("XA-YANTA-017")), (3, Cbor::Uint(0))]);
    vec![
        s(
            "claims_wrong_type_credential",
            "the credential is an array",
            Cbor::map(set(status(), BODY, Cbor::Array(vec![]))),
            "claims.wrong_type",
        ),
        s(
            "claims_missing_subject",
            "the body has a status but no subject",
            body(vec![(2, wire::green())]),
            "claims.missing",
        ),
        s(
            "claims_wrong_type_subject",
            "the subject is a text string",
            body(vec![(1, Cbor::text("WANG XIAOMING")), (2, wire::green())]),
            "claims.wrong_type",
        ),
        s(
            "claims_wrong_type_kind",
            "the health status is an array",
            body(vec![(1, subject()), (2, Cbor::Array(vec![Cbor::Uint(0)]))]),
            "claims.wrong_type",
        ),
        s(
            "claims_invalid_kind_none",
            "the body has a subject and no kind",
            body(vec![(1, subject())]),
            "claims.invalid_kind",
        ),
        s(
            "claims_invalid_kind_two",
            "the body has a health status and an access pass",
            body(vec![(1, subject()), (2, wire::green()), (6, access)]),
            "claims.invalid_kind",
        ),
    ]
}

/// Required fields and their types.
fn body_fields(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Cbor, code| signed(fx, n, d, c.encode(), code);
    let subject = || Cbor::map(wire::subject());
    let body = |entries: Vec<(i64, Cbor)>| Cbor::map(set(status(), BODY, Cbor::map(entries)));
    vec![
        s(
            "claims_missing_family_name",
            "the subject has no family name",
            with_subject(unset(wire::subject(), 1)),
            "claims.missing",
        ),
        s(
            "claims_missing_birth_date",
            "the subject has no birth date",
            with_subject(unset(wire::subject(), 5)),
            "claims.missing",
        ),
        s(
            "claims_missing_colour",
            "the health status is an empty map",
            body(vec![(1, subject()), (2, Cbor::map(vec![]))]),
            "claims.missing",
        ),
        s(
            "claims_missing_vaccination_country",
            "a vaccination without its country",
            with_kind(3, unset(vaccination(), 7)),
            "claims.missing",
        ),
        s(
            "claims_wrong_type_family_name",
            "the family name is a byte string",
            with_subject(set(wire::subject(), 1, Cbor::Bytes("王".into()))),
            "claims.wrong_type",
        ),
        s(
            "claims_wrong_type_birth_date",
            "the birth date is a byte string",
            with_subject(set(wire::subject(), 5, Cbor::Bytes(vec![0x1c, 0xd2]))),
            "claims.wrong_type",
        ),
        s(
            "claims_wrong_type_dose",
            "the dose is a text string",
            with_kind(3, set(vaccination(), 4, Cbor::text("1"))),
            "claims.wrong_type",
        ),
    ]
}

/// Values outside the rules of the subject (SPEC.md §7.2, §7.6).
fn subject_values(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Cbor, code| signed(fx, n, d, c.encode(), code);
    let subj = |k, v| with_subject(set(wire::subject(), k, v));
    let vacc = |k, v| with_kind(3, set(vaccination(), k, v));
    let colour = |entries| {
        Cbor::map(set(
            status(),
            BODY,
            wire::status_body(wire::subject(), Cbor::map(entries)),
        ))
    };
    vec![
        s(
            "claims_invalid_value_colour",
            "colour 3 is not in the code table",
            colour(vec![(1, Cbor::Uint(3))]),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_reason",
            "reason 0 is not in the code table",
            colour(vec![(1, Cbor::Uint(1)), (2, Cbor::Uint(0))]),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_product",
            "vaccine product 12 is not in the code table",
            vacc(2, Cbor::Uint(12)),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_empty_family_name",
            "an empty family name",
            subj(1, Cbor::text("")),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_icao_lower_case",
            "the ICAO given name in lower case (xiaoming)",
            subj(4, Cbor::text("xiaoming")),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_birth_date_full_text",
            "a full birth date as the text \"1990-03-15\" (a full date must be the day count)",
            subj(5, Cbor::text("1990-03-15")),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_birth_year_1899",
            "the birth year 1899 (years 1900 to 9999)",
            subj(5, Cbor::text("1899")),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_birth_month_13",
            "the partial birth date \"1990-13\"",
            subj(5, Cbor::text("1990-13")),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_id_digest_length",
            "an identity digest of 11 bytes instead of 12",
            subj(6, Cbor::Bytes(vec![0x5a; 11])),
            "claims.invalid_value",
        ),
    ]
}

/// Values outside the rules and code tables of the kinds (SPEC.md §7.3, §7.4).
fn kind_values(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Cbor, code| signed(fx, n, d, c.encode(), code);
    let vacc = |k, v| with_kind(3, set(vaccination(), k, v));
    let recovery = vec![
        (1, Cbor::Uint(1)),
        (2, Cbor::Uint(20727)),
        (3, Cbor::Uint(20907)),
        (4, Cbor::Uint(20738)),
        (5, Cbor::text("CN")),
    ];
    vec![
        s(
            "claims_invalid_value_dose_zero",
            "dose 0 (doses are 1 to 20)",
            vacc(4, Cbor::Uint(0)),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_dose_21",
            "dose 21 (doses are 1 to 20)",
            vacc(4, Cbor::Uint(21)),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_country_lower_case",
            "the country \"cn\" in lower case",
            vacc(7, Cbor::text("cn")),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_date_out_of_range",
            "a vaccination date of 10^12 days, not a calendar date",
            vacc(6, Cbor::Uint(1_000_000_000_000)),
            "claims.invalid_value",
        ),
        s(
            "claims_invalid_value_recovery_until_before_from",
            "a recovery whose valid_until (2026-10-12) is before valid_from (2027-03-30)",
            with_kind(5, recovery),
            "claims.invalid_value",
        ),
    ]
}

/// Shown texts holding a control, bidirectional or invisible formatting
/// character (SPEC.md §7.6), one case per kind of character.
fn shown_text(fx: &Fixture) -> Vec<Case> {
    let s = |n, d, c: Cbor| signed(fx, n, d, c.encode(), "claims.invisible_char");
    let subj = |k, v: &str| with_subject(set(wire::subject(), k, Cbor::text(v)));
    let site = |v: &str| with_kind(6, vec![(1, Cbor::text(v)), (3, Cbor::Uint(0))]);
    vec![
        s(
            "claims_invisible_char_family_name_rlo",
            "the family name \"王\\u202e明\" holds a right-to-left override",
            subj(1, "王\u{202E}明"),
        ),
        s(
            "claims_invisible_char_family_name_nul",
            "the family name \"王\\u0000\" ends in NUL",
            subj(1, "王\u{0}"),
        ),
        s(
            "claims_invisible_char_given_name_zero_width_space",
            "the given name \"小\\u200b明\" holds a zero-width space",
            subj(2, "小\u{200B}明"),
        ),
        s(
            "claims_invisible_char_given_name_isolate",
            "the given name is wrapped in a right-to-left isolate (U+2067 ... U+2069)",
            subj(2, "\u{2067}小明\u{2069}"),
        ),
        s(
            "claims_invisible_char_site_bom",
            "an access pass site starting with a byte order mark (U+FEFF)",
            site("\u{FEFF}XA-YANTA-017"),
        ),
        s(
            "claims_invisible_char_iss_line_feed",
            "an iss ending in a line feed (U+000A)",
            Cbor::map(set(status(), 1, Cbor::text("CN-SN-XA\n"))),
        ),
    ]
}
