//! Refusals of correctly signed, well-formed codes: key lookup, key policy
//! (window and kinds), the `iss` match, time, and limits lowered by the
//! scanner (SPEC.md §8; steps 7, 10 and 11 of §8.2), plus the order of the
//! steps where a code has two defects.

use chrono::TimeDelta;
use qrcred::{Kind, Limits};

use super::case::{Case, Result};
use super::fixture::{Fixture, HOUR, ISSUED, ISSUER_A, ISSUER_B, Mint, Trust, green, instant};
use super::wire::{self, Cbor};

const EXP: i64 = ISSUED + 24 * HOUR;

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let base = fx.mint().issue(fx.case("", ""), &green()?)?;
    let mut all = keys(fx, &base);
    all.extend(issuers(fx)?);
    all.extend(times(fx, &base)?);
    all.extend(lowered_limits(&base));
    all.extend(order(fx, &base));
    Ok(all)
}

fn keys(fx: &Fixture, base: &Case) -> Vec<Case> {
    let a = |issuer: &str| Trust::of(&fx.a, issuer);
    let k = |name, description, trust, code| base.clone().named(name, description).trust(trust).refused(code);
    vec![
        k(
            "key_unknown_kid",
            "the trust store holds only another issuer's key",
            vec![Trust::of(&fx.b, ISSUER_B)],
            "key.unknown_kid",
        )
        .signed_by(&fx.b),
        k(
            "key_unknown_kid_empty_store",
            "an empty trust store",
            vec![],
            "key.unknown_kid",
        ),
        k(
            "key_outside_validity_retired_at_iat",
            "the key's valid_until equals iat: the window excludes its end",
            vec![a(ISSUER_A).window(None, Some(ISSUED))],
            "key.outside_validity",
        ),
        k(
            "key_outside_validity_starts_after_iat",
            "the key's valid_from is iat + 1 s",
            vec![a(ISSUER_A).window(Some(ISSUED + 1), None)],
            "key.outside_validity",
        ),
        k(
            "key_outside_validity_old_window",
            "the key was valid for a year that ended a month before iat",
            vec![a(ISSUER_A).window(Some(ISSUED - 395 * 24 * HOUR), Some(ISSUED - 30 * 24 * HOUR))],
            "key.outside_validity",
        ),
        k(
            "key_kind_not_allowed",
            "a key allowed to sign only test results signs a health status",
            vec![a(ISSUER_A).kinds(&[Kind::TestResult])],
            "key.kind_not_allowed",
        ),
        k(
            "key_kind_not_allowed_no_kinds",
            "a key allowed to sign no kind at all",
            vec![a(ISSUER_A).kinds(&[])],
            "key.kind_not_allowed",
        ),
        k(
            "key_shared_kid_first_error_reported",
            "the key is listed twice, both refuse: the first entry's error (kind) is reported, not the window's",
            vec![
                a("CN-SN-XA-LAB").kinds(&[Kind::TestResult]),
                a(ISSUER_A).window(None, Some(ISSUED)),
            ],
            "key.kind_not_allowed",
        ),
    ]
}

fn issuers(fx: &Fixture) -> Result<Vec<Case>> {
    let status = green()?;
    let iss = |issuer: &str| Mint {
        iss: true,
        issuer: issuer.into(),
        ..fx.mint()
    };
    let trusted = |name, description, issuer: &str, trust: Trust| -> Result<Case> {
        Ok(iss(issuer)
            .issue(fx.case(name, description), &status)?
            .trust(vec![trust]))
    };
    Ok(vec![
        trusted(
            "claims_issuer_mismatch",
            "iss = \"CN-SN-XA\", but the trust store names the key's issuer \"CN-BJ-HC\"",
            ISSUER_A,
            Trust::of(&fx.a, ISSUER_B),
        )?
        .refused("claims.issuer_mismatch"),
        trusted(
            "claims_issuer_mismatch_case",
            "iss = \"cn-sn-xa\" against the issuer name \"CN-SN-XA\": compared byte for byte",
            "cn-sn-xa",
            Trust::of(&fx.a, ISSUER_A),
        )?
        .refused("claims.issuer_mismatch"),
        trusted(
            "key_checked_before_iss",
            "iss mismatches and the window excludes iat: the key error is reported, not the mismatch",
            ISSUER_A,
            Trust::of(&fx.a, ISSUER_B).window(None, Some(ISSUED)),
        )?
        .refused("key.outside_validity"),
    ])
}

fn times(fx: &Fixture, base: &Case) -> Result<Vec<Case>> {
    let nbf = ISSUED + 6 * HOUR;
    let ahead = Mint {
        not_before: Some(instant(nbf)),
        ..fx.mint()
    }
    .issue(fx.case("", ""), &green()?)?;
    let t = |case: &Case, name, description, now| case.clone().named(name, description).at(now).refused("time.expired");
    let n = |case: &Case, name, description, now| {
        case.clone()
            .named(name, description)
            .at(now)
            .refused("time.not_yet_valid")
    };
    Ok(vec![
        t(base, "time_expired_at_exp", "now = exp exactly: expired", instant(EXP)),
        t(
            base,
            "time_expired_long_ago",
            "now = exp + 365 days",
            instant(EXP + 365 * 24 * HOUR),
        ),
        n(
            base,
            "time_not_yet_valid_iat",
            "no nbf: now = iat - 300 s - 1 s, one second before the skew allowance",
            instant(ISSUED - 301),
        ),
        n(
            &ahead,
            "time_not_yet_valid_nbf",
            "nbf = iat + 6 h; now = nbf - 300 s - 1 s",
            instant(nbf - 301),
        ),
        n(
            &ahead,
            "time_not_yet_valid_after_iat",
            "nbf = iat + 6 h; now = iat + 1 h: after iat, but validity starts at nbf",
            instant(ISSUED + HOUR),
        ),
        n(
            base,
            "time_not_yet_valid_zero_skew",
            "skew_seconds = 0: now = iat - 1 s",
            instant(ISSUED - 1),
        )
        .skew(0),
        t(
            base,
            "time_expired_with_wide_skew",
            "skew_seconds = 3600 widens only the start: now = exp is still expired",
            instant(EXP),
        )
        .skew(HOUR),
        n(
            base,
            "time_not_yet_valid_half_second",
            "now = iat - 300.5 s: rounded down to whole seconds, one second before the allowance",
            instant(ISSUED - 301) + TimeDelta::milliseconds(500),
        ),
    ])
}

fn lowered_limits(base: &Case) -> Vec<Case> {
    let d = Limits::DEFAULT;
    let l = |name, description, limits, code| base.clone().named(name, description).limits(limits).refused(code);
    vec![
        l(
            "limits_cbor_too_deep_lowered",
            "max_cbor_depth = 2: the unprotected header map of the COSE structure is at depth 3",
            d.with_max_cbor_depth(2),
            "limits.cbor_too_deep",
        ),
        l(
            "limits_out_of_range_cbor_depth",
            "max_cbor_depth = 65, above the ceiling of 64: the limits are refused before the code is read",
            d.with_max_cbor_depth(Limits::CBOR_DEPTH_CEILING + 1),
            "limits.out_of_range",
        ),
        l(
            "limits_cbor_too_many_items_lowered",
            "max_cbor_items = 22: the claims hold 23 items",
            d.with_max_cbor_items(22),
            "limits.cbor_too_many_items",
        ),
    ]
}

/// Codes with two defects, pinning which step of SPEC.md §8.2 reports first.
fn order(fx: &Fixture, base: &Case) -> Vec<Case> {
    let a = Trust::of(&fx.a, ISSUER_A);
    let not_a_map = Cbor::Array(vec![]).encode();
    let p = wire::protected(&fx.a.key);
    let forged = wire::assemble(
        &p,
        &[0xa0],
        &not_a_map,
        &fx.b.key.sign(&wire::to_be_signed(&p, &not_a_map)),
    );
    vec![
        base.clone()
            .named(
                "key_checked_before_time",
                "an expired code whose key window excludes iat: key policy (step 10) comes before time (11)",
            )
            .trust(vec![a.window(None, Some(ISSUED))])
            .at(instant(EXP + HOUR))
            .refused("key.outside_validity"),
        fx.case(
            "signature_checked_before_claims",
            "claims that are not a map, forged under key A's kid: the signature (step 8) fails before step 9",
        )
        .signed_by(&fx.b)
        .claims(not_a_map)
        .cose(forged)
        .refused("signature.invalid"),
    ]
}
