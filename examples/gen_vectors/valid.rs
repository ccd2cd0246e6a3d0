//! Valid codes minted by the library's issuer: every kind in several
//! variants, and the subject's optional and partial parts.

use chrono::TimeDelta;
use qrcred::{Credential, IdDigest, Kind};
use serde_json::{Value, json};

use super::case::{Case, Result};
use super::fixture::{Fixture, Mint, credential, credential_of, vaccine, wang, with};

/// How long each kind is minted for (as the `mint` example does).
fn validity(kind: Kind) -> TimeDelta {
    match kind {
        Kind::HealthStatus => TimeDelta::hours(24),
        Kind::TestResult => TimeDelta::hours(72),
        Kind::Recovery => TimeDelta::days(125),
        _ => TimeDelta::days(365),
    }
}

/// Mints `credential` with key A at the fixed issue time.
pub fn minted(fx: &Fixture, name: &str, description: &str, credential: &Credential) -> Result<Case> {
    let mint = Mint {
        validity: validity(credential.kind()),
        ..fx.mint()
    };
    mint.issue(fx.case(name, description), credential)
}

/// Every valid case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let mut all = Vec::new();
    for (name, description, kind, body) in [statuses(), vaccinations(), tests(), others()].concat() {
        all.push(minted(fx, name, description, &credential(kind, body)?)?);
    }
    for (name, description, subject) in subjects() {
        let c = credential_of(subject, "health_status", json!({"colour": "green"}))?;
        all.push(minted(fx, name, description, &c)?);
    }
    Ok(all)
}

type KindCase = (&'static str, &'static str, &'static str, Value);

fn statuses() -> Vec<KindCase> {
    let status = |colour: &str, reason: &str| json!({"colour": colour, "reason": reason});
    let h = "health_status";
    vec![
        (
            "health_status_green",
            "health status green without a reason, valid 24 h, no cti (the default for health status)",
            h,
            json!({"colour": "green"}),
        ),
        (
            "health_status_yellow_close_contact",
            "health status yellow, reason close_contact (1)",
            h,
            status("yellow", "close_contact"),
        ),
        (
            "health_status_yellow_travel",
            "health status yellow, reason travel (3)",
            h,
            status("yellow", "travel"),
        ),
        (
            "health_status_yellow_symptoms",
            "health status yellow, reason symptoms (4)",
            h,
            status("yellow", "symptoms"),
        ),
        (
            "health_status_yellow_test_overdue",
            "health status yellow, reason test_overdue (5)",
            h,
            status("yellow", "test_overdue"),
        ),
        (
            "health_status_red_positive_test",
            "health status red, reason positive_test (2)",
            h,
            status("red", "positive_test"),
        ),
    ]
}

fn vaccinations() -> Vec<KindCase> {
    let v = "vaccination";
    let centre = json!("XA-CDC-07");
    vec![
        (
            "vaccination_dose_1_of_2",
            "vaccination dose 1 of 2, BBIBP-CorV by Sinopharm, valid 365 days, derived cti",
            v,
            vaccine("BBIBP-CorV", Some("Sinopharm"), [1, 2], "2026-11-02", "CN"),
        ),
        (
            "vaccination_dose_2_of_2",
            "vaccination dose 2 of 2 (completes the series), CoronaVac by Sinovac, with a centre",
            v,
            with(
                vaccine("CoronaVac", Some("Sinovac"), [2, 2], "2026-10-05", "CN"),
                "centre",
                centre,
            ),
        ),
        (
            "vaccination_three_doses",
            "vaccination booster: dose 3 of a 2-dose series, Comirnaty by BioNTech, given in Germany",
            v,
            vaccine("Comirnaty", Some("BioNTech"), [3, 2], "2026-09-14", "DE"),
        ),
        (
            "vaccination_single_dose_series",
            "vaccination dose 1 of a 1-dose series (Jcovden by Janssen)",
            v,
            vaccine("Jcovden", Some("Janssen"), [1, 1], "2026-08-20", "NL"),
        ),
        (
            "vaccination_without_manufacturer",
            "vaccination without the optional manufacturer (ZF2001), dose 20 of 20 (the largest dose)",
            v,
            vaccine("ZF2001", None, [20, 20], "2026-07-01", "CN"),
        ),
    ]
}

fn tests() -> Vec<KindCase> {
    let test = |test_type: &str, result: &str| {
        json!({
            "disease": "covid-19",
            "test_type": test_type,
            "result": result,
            "sampled_at": "2026-11-24T09:30:00Z",
            "country": "CN"
        })
    };
    let t = "test_result";
    let b3 = || json!("B3");
    vec![
        (
            "test_result_pcr_negative",
            "test result: nucleic-acid (PCR) test, negative, with a facility, valid 72 h",
            t,
            with(test("nucleic_acid", "negative"), "facility", b3()),
        ),
        (
            "test_result_pcr_positive",
            "test result: nucleic-acid (PCR) test, positive",
            t,
            with(test("nucleic_acid", "positive"), "facility", b3()),
        ),
        (
            "test_result_antigen_negative",
            "test result: rapid antigen test, negative, without a facility",
            t,
            test("rapid_antigen", "negative"),
        ),
        (
            "test_result_antigen_positive",
            "test result: rapid antigen test, positive",
            t,
            with(test("rapid_antigen", "positive"), "facility", json!("PHARMACY-12")),
        ),
    ]
}

fn others() -> Vec<KindCase> {
    let recovery = |disease: &str, dates: [&str; 3], country: &str| {
        json!({
            "disease": disease,
            "first_positive": dates[0],
            "valid_from": dates[1],
            "valid_until": dates[2],
            "country": country
        })
    };
    let a = "access_pass";
    vec![
        (
            "recovery_covid19",
            "recovery from COVID-19, counted from 2026-10-12 to 2027-03-30, valid 125 days",
            "recovery",
            recovery("covid-19", ["2026-10-01", "2026-10-12", "2027-03-30"], "CN"),
        ),
        (
            "recovery_single_day",
            "recovery from mpox whose valid_from equals valid_until (allowed: valid_until >= valid_from)",
            "recovery",
            recovery("mpox", ["2026-11-01", "2026-11-20", "2026-11-20"], "FR"),
        ),
        (
            "access_pass_resident",
            "access pass for a resident, with site and unit",
            a,
            json!({"site": "XA-YANTA-017", "unit": "3-1502", "role": "resident"}),
        ),
        (
            "access_pass_staff",
            "access pass for staff, without a unit",
            a,
            json!({"site": "XA-YANTA-017", "role": "staff"}),
        ),
        (
            "access_pass_visitor",
            "access pass for a visitor, site in Chinese (UTF-8)",
            a,
            json!({"site": "雁塔区一号院", "unit": "2-301", "role": "visitor"}),
        ),
    ]
}

fn subjects() -> Vec<(&'static str, &'static str, Value)> {
    let digest = IdDigest::compute([0x5a, 0x17, 0xc3, 0x09], "11010519491231002X");
    let dob = |d: &str| with(wang(), "birth_date", json!(d));
    vec![
        (
            "subject_birth_year_only",
            "partial birth date: the year only, written as the text \"1990\"",
            dob("1990"),
        ),
        (
            "subject_birth_year_month",
            "partial birth date: year and month, written as the text \"1990-03\"",
            dob("1990-03"),
        ),
        (
            "subject_birth_before_1970",
            "full birth date before 1970: a negative day count (1950-06-01 = -7154)",
            dob("1950-06-01"),
        ),
        (
            "subject_id_digest",
            "identity digest (salt 5a17c309, ID number 11010519491231002X) in the subject",
            with(wang(), "id_digest", json!(hex::encode(digest.0))),
        ),
        (
            "subject_mononym",
            "a mononym: family name only, no given name and no ICAO transliteration",
            json!({"family_name": "Aung", "birth_date": "1985-07-04"}),
        ),
    ]
}
