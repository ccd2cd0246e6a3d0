//! Valid codes at the edges: encodings a writer does not produce but a
//! reader must accept, and time boundaries on the accepting side.

use std::io::Write;

use chrono::TimeDelta;

use super::case::{Case, Result};
use super::fixture::{Fixture, HOUR, ISSUED, Mint, credential, green, instant, vaccine};
use super::wire::{self, Cbor};

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let mut all = encodings(fx)?;
    all.push(zlib_not_shorter(fx)?);
    all.extend(times(fx)?);
    Ok(all)
}

const EXP: i64 = ISSUED + 24 * HOUR;

/// A hand-built code of the sample green status, issued at [`ISSUED`].
fn hand(fx: &Fixture, name: &str, description: &str, claims: Cbor, protected: Vec<u8>) -> Result<Case> {
    let claims = claims.encode();
    let cose = wire::sign1(&fx.a.key, &protected, &[0xa0], &claims);
    let case = fx.case(name, description).claims(claims).cose(cose);
    Ok(fx.hand_valid(case, green()?, [ISSUED, ISSUED, EXP]))
}

/// The sample status claims, as integer-keyed entries.
fn claims() -> Vec<(i64, Cbor)> {
    wire::status_claims(ISSUED as u32, EXP as u32)
}

fn encodings(fx: &Fixture) -> Result<Vec<Case>> {
    let a = &fx.a.key;
    let mut reversed = claims();
    reversed.reverse();
    let mut subject = wire::subject();
    subject.reverse();
    let body = Cbor::map(vec![(2, wire::green()), (1, Cbor::map(subject))]);
    let body_unsorted = wire::set(claims(), qrcred::CREDENTIAL_CLAIM_KEY, body);
    let with_nbf = wire::set(claims(), 5, Cbor::Uint(ISSUED as u64));
    let kid_first = Cbor::map(vec![(4, Cbor::Bytes(a.kid().0.to_vec())), (1, Cbor::int(-8))]).encode();
    let p = wire::protected(a);
    Ok(vec![
        hand(
            fx,
            "cose_alg_ed25519",
            "protected header {1: -19 (Ed25519, RFC 9864), 4: kid}: readers accept -19 like -8",
            Cbor::map(claims()),
            wire::protected_with_alg(a, -19),
        )?,
        hand(
            fx,
            "cose_protected_kid_before_alg",
            "protected header written {4: kid, 1: -8}: the order of its entries is not checked",
            Cbor::map(claims()),
            kid_first,
        )?,
        hand(
            fx,
            "cbor_claims_keys_unsorted",
            "claims map keys in the order -65537, 6, 4: readers must not require deterministic order",
            Cbor::map(reversed),
            p.clone(),
        )?,
        hand(
            fx,
            "cbor_body_keys_unsorted",
            "credential body {2: status, 1: subject}, subject keys 5, 4, 3, 2, 1: order is not checked",
            Cbor::map(body_unsorted),
            p.clone(),
        )?,
        hand(
            fx,
            "claims_nbf_equal_iat",
            "an explicit nbf equal to iat (a writer omits it, a reader accepts it): valid_from is iat",
            Cbor::map(with_nbf),
            p,
        )?,
    ])
}

/// A stored (level 0) zlib stream of the COSE bytes: longer, still valid.
fn zlib_not_shorter(fx: &Fixture) -> Result<Case> {
    let description = concat!(
        "a zlib payload of stored (uncompressed) deflate blocks, longer than the COSE bytes: ",
        "readers accept zlib whether or not it is shorter"
    );
    let case = fx
        .mint()
        .issue(fx.case("zlib_payload_not_shorter", description), &green()?)?;
    let cose = case.cose.clone().ok_or("no cose")?;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::none());
    z.write_all(&cose)?;
    Ok(case.payload(z.finish()?))
}

fn times(fx: &Fixture) -> Result<Vec<Case>> {
    let status = green()?;
    let base = fx.mint().issue(fx.case("", ""), &status)?;
    let nbf = ISSUED + 6 * HOUR;
    let ahead = Mint {
        not_before: Some(instant(nbf)),
        ..fx.mint()
    };
    let ahead = ahead.issue(fx.case("", ""), &status)?;
    let hours_72 = Mint {
        validity: TimeDelta::hours(72),
        ..fx.mint()
    };
    let to_2106 = Mint {
        validity: TimeDelta::seconds(i64::from(u32::MAX) - ISSUED),
        ..fx.mint()
    };
    let vaccine = credential("vaccination", vaccine("Comirnaty", None, [1, 2], "2026-11-02", "CN"))?;
    let at = |case: &Case, name, description, now| case.clone().named(name, description).at(now);
    let half = TimeDelta::milliseconds(500);
    Ok(vec![
        at(
            &base,
            "time_exp_minus_1s",
            "now = exp - 1 s: the last valid second",
            instant(EXP - 1),
        ),
        at(
            &base,
            "time_exp_minus_half_second",
            "now = exp - 0.5 s: now is taken in whole seconds, rounded down, so still valid",
            instant(EXP - 1) + half,
        ),
        at(
            &base,
            "time_iat_minus_skew",
            "no nbf: now = iat - 300 s (the default skew), the first valid second",
            instant(ISSUED - 300),
        ),
        at(
            &base,
            "time_skew_override",
            "skew_seconds = 3600: now = iat - 1 h is valid with the wider allowance",
            instant(ISSUED - HOUR),
        )
        .skew(HOUR),
        at(
            &ahead,
            "time_nbf_minus_skew",
            "nbf = iat + 6 h; now = nbf - 300 s (the default skew): the first valid second",
            instant(nbf - 300),
        ),
        hours_72.issue(
            fx.case(
                "claims_health_status_72h",
                "a health status valid exactly 72 h (exp - iat = 259200 s, the longest allowed)",
            ),
            &status,
        )?,
        to_2106.issue(
            fx.case(
                "claims_exp_at_2106",
                "exp = 2^32 - 1 = 2106-02-07T06:28:15Z, the last second a claim can carry",
            ),
            &vaccine,
        )?,
    ])
}
