//! Valid codes with the optional claims (`iss`, `nbf`, each `cti`
//! policy) and with zlib-compressed payloads.

use chrono::TimeDelta;
use qrcred::{Credential, CtiPolicy};
use serde_json::json;

use super::case::{Case, Result};
use super::fixture::{Fixture, HOUR, ISSUED, ISSUER_A, Mint, credential, credential_of, green, instant, vaccine};

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let mut all = optional_claims(fx)?;
    all.push(zlib_compressed(fx)?);
    Ok(all)
}

fn optional_claims(fx: &Fixture) -> Result<Vec<Case>> {
    let status = green()?;
    let vaccine = credential(
        "vaccination",
        vaccine("BBIBP-CorV", Some("Sinopharm"), [1, 2], "2026-11-02", "CN"),
    )?;
    let year = TimeDelta::days(365);
    let with_iss = Mint { iss: true, ..fx.mint() };
    let ahead = Mint {
        not_before: Some(instant(ISSUED + 6 * HOUR)),
        ..fx.mint()
    };
    let fixed = Mint {
        cti: CtiPolicy::Fixed([0, 0, 0, 0, 0, 0x01, 0xe2, 0x40]),
        validity: year,
        ..fx.mint()
    };
    let always = Mint {
        cti: CtiPolicy::Always,
        ..fx.mint()
    };
    let never = Mint {
        cti: CtiPolicy::Never,
        validity: year,
        ..fx.mint()
    };
    let iss = format!("the optional iss claim (\"{ISSUER_A}\") equals the trusted key's issuer name");
    let nbf = "issued ahead of time: nbf = iat + 6 h, so valid_from is nbf; verified an hour after nbf";
    let cti = "a cti chosen by the issuer (CtiPolicy::Fixed: 00000000 0001e240, i.e. 123456)";
    let status_cti = "a health status with a derived cti (health status has none by default)";
    let no_cti = "a vaccination without a cti (CtiPolicy::Never)";
    Ok(vec![
        with_iss.issue(fx.case("claims_with_iss", &iss), &status)?,
        ahead.issue(fx.case("claims_with_nbf", nbf), &status)?,
        fixed.issue(fx.case("claims_cti_fixed", cti), &vaccine)?,
        always.issue(fx.case("claims_health_status_with_cti", status_cti), &status)?,
        never.issue(fx.case("claims_vaccination_without_cti", no_cti), &vaccine)?,
    ])
}

/// An access pass whose repeated letters make zlib shorter than the COSE bytes.
pub fn repetitive() -> Result<Credential> {
    let subject = json!({
        "family_name": "W".repeat(80),
        "given_name": "X".repeat(80),
        "family_name_icao": "W".repeat(80),
        "given_name_icao": "X".repeat(80),
        "birth_date": "1990-03-15"
    });
    let body = json!({"site": "A".repeat(32), "unit": "B".repeat(32), "role": "resident"});
    credential_of(subject, "access_pass", body)
}

/// Every text field at its longest: names of 80 bytes, site and unit of 32.
pub fn longest_fields() -> Result<Credential> {
    let subject = json!({
        "family_name": format!("{}WW", "王".repeat(26)),
        "given_name": format!("{}XM", "小明".repeat(13)),
        "family_name_icao": "WANG".repeat(20),
        "given_name_icao": "XIAOMING".repeat(10),
        "birth_date": "1990-03-15"
    });
    let body = json!({
        "site": format!("{}-GATE-03", "雁塔区一号院北门"),
        "unit": "BUILDING-3-UNIT-1502-ROOM-EAST-A",
        "role": "staff"
    });
    credential_of(subject, "access_pass", body)
}

fn zlib_compressed(fx: &Fixture) -> Result<Case> {
    let description = concat!(
        "repetitive names make zlib (level 9) shorter than the COSE bytes, so the payload is a zlib ",
        "stream (first byte 0x78) that inflates to cose_hex"
    );
    let case = super::valid::minted(fx, "zlib_compressed_payload", description, &repetitive()?)?;
    match case.payload.as_deref() {
        Some([0x78, ..]) => Ok(case),
        _ => Err("zlib_compressed_payload: the payload is not compressed".into()),
    }
}
