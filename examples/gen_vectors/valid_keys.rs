//! Valid codes at the edges of key policy (windows, kinds, entries that
//! share a kid) and of the limits, each exactly on the accepting side.

use qrcred::{Kind, Limits};

use super::case::{Case, Result};
use super::fixture::{Fixture, HOUR, ISSUED, ISSUER_A, ISSUER_B, Mint, Trust, credential, green, vaccine};
use super::valid_claims::{longest_fields, repetitive};

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let mut all = key_windows(fx)?;
    all.extend(shared_kids(fx)?);
    all.extend(limits_at_cap(fx)?);
    Ok(all)
}

fn key_windows(fx: &Fixture) -> Result<Vec<Case>> {
    let base = fx.mint().issue(fx.case("", ""), &green()?)?;
    let a = Trust::of(&fx.a, ISSUER_A);
    let trusted = |name, description, trust: Trust| base.clone().named(name, description).trust(vec![trust]);
    let vaccine = credential(
        "vaccination",
        vaccine("Spikevax", Some("Moderna"), [2, 2], "2026-06-30", "US"),
    )?;
    let kinds = "a key restricted to vaccination signs a vaccination";
    Ok(vec![
        trusted(
            "key_window_starts_at_iat",
            "the key's valid_from equals iat: the window includes its start",
            a.clone().window(Some(ISSUED), None),
        ),
        trusted(
            "key_window_ends_after_iat",
            "the key's valid_until is iat + 1 s: the window excludes its end, iat is inside",
            a.clone().window(None, Some(ISSUED + 1)),
        ),
        trusted(
            "key_window_ended_before_now",
            "the key's window ended 30 minutes before now but contains iat: valid until exp",
            a.clone().window(Some(ISSUED - 24 * HOUR), Some(ISSUED + HOUR / 2)),
        ),
        fx.mint()
            .issue(fx.case("key_kinds_allow_this_kind", kinds), &vaccine)?
            .trust(vec![a.kinds(&[Kind::Vaccination])]),
    ])
}

fn shared_kids(fx: &Fixture) -> Result<Vec<Case>> {
    let status = green()?;
    let base = fx.mint().issue(fx.case("", ""), &status)?;
    let a = |issuer: &str| Trust::of(&fx.a, issuer);
    let iss = Mint { iss: true, ..fx.mint() }.issue(fx.case("", ""), &status)?;
    let by_b = Mint {
        key: fx.b.clone(),
        issuer: ISSUER_B.into(),
        ..fx.mint()
    };
    let second = "a trust store of two issuers; the code is signed by the second";
    Ok(vec![
        base.clone()
            .named(
                "key_shared_kid_second_entry_passes",
                "the key is listed twice: the first entry may sign only test results, the second is used",
            )
            .trust(vec![a("CN-SN-XA-LAB").kinds(&[Kind::TestResult]), a(ISSUER_A)]),
        base.named(
            "key_shared_kid_first_entry_used",
            "the key is listed twice and both entries pass: the first added names the issuer",
        )
        .trust(vec![a("CN-SN-XA-2025"), a(ISSUER_A)])
        .valid_issuer("CN-SN-XA-2025"),
        iss.named(
            "key_shared_kid_iss_selects_entry",
            "iss = \"CN-SN-XA\"; the key is listed as \"CN-SN-XA-OLD\" (mismatch), then as \"CN-SN-XA\" (used)",
        )
        .trust(vec![a("CN-SN-XA-OLD"), a(ISSUER_A)]),
        by_b.issue(fx.case("key_second_issuer", second), &status)?
            .trust(vec![a(ISSUER_A), Trust::of(&fx.b, ISSUER_B)]),
    ])
}

fn limits_at_cap(fx: &Fixture) -> Result<Vec<Case>> {
    let base = fx.mint().issue(fx.case("", ""), &green()?)?;
    let text_len = base.text.as_ref().map_or(0, String::len);
    let zlib = fx.mint().issue(fx.case("", ""), &repetitive()?)?;
    let inflated = zlib.cose.as_ref().map_or(0, Vec::len);
    let iss_80 = format!("{ISSUER_A}-{}", "0".repeat(71));
    let long_iss = Mint {
        iss: true,
        issuer: iss_80.clone(),
        ..fx.mint()
    };
    let long_iss = long_iss.issue(fx.case("", ""), &green()?)?;
    let longest = "names of 80 bytes of UTF-8, site and unit of 32 bytes: the longest allowed";
    let d = Limits::DEFAULT;
    Ok(vec![
        base.clone()
            .named(
                "limits_text_at_cap",
                "max_text_len equals the text length (prefix included): accepted",
            )
            .limits(d.with_max_text_len(text_len)),
        zlib.named(
            "limits_inflated_at_cap",
            "max_inflated_len equals the inflated length of the zlib payload: exactly the cap is accepted",
        )
        .limits(d.with_max_inflated_len(inflated)),
        base.clone()
            .named(
                "limits_depth_at_cap",
                "max_cbor_depth = 3, the deepest nesting in the code (COSE: tag, array, map; claims: 3 maps)",
            )
            .limits(d.with_max_cbor_depth(3)),
        base.named(
            "limits_items_at_cap",
            "max_cbor_items = 23, the items of the claims (the COSE structure has 6, the protected header 5)",
        )
        .limits(d.with_max_cbor_items(23)),
        long_iss
            .named("limits_iss_at_max_length", "an iss of 80 bytes, the longest allowed")
            .trust(vec![Trust::of(&fx.a, &iss_80)]),
        fx.mint()
            .issue(fx.case("limits_fields_at_max_length", longest), &longest_fields()?)?,
    ])
}
