//! The size targets of the format, on the sample credentials.
//!
//! Every byte is a pixel on a phone screen: these bounds keep a health
//! status within QR version 8-M and a vaccination or test within 9-M.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, Issuer, IssuerKey};

fn sample(kind: &str) -> Credential {
    let path = format!("{}/examples/credentials/{kind}.json", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(&path).expect("sample credential");
    serde_json::from_str(&json).expect("sample parses")
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

fn issue(kind: &str, validity: TimeDelta) -> String {
    let issuer = Issuer::new(IssuerKey::from_seed(&[1; 32]), "CN-SN-XA");
    issuer.issue(&sample(kind), validity, now()).expect("issues")
}

#[test]
fn health_status_fits_version_8m() {
    let code = issue("health_status", TimeDelta::hours(24));
    assert!(code.len() <= 221, "{} characters: {code}", code.len());
}

#[test]
fn vaccination_and_test_with_cti_fit_version_9m() {
    for (kind, validity) in [
        ("vaccination", TimeDelta::days(365)),
        ("test_result", TimeDelta::hours(72)),
    ] {
        let code = issue(kind, validity);
        assert!(code.len() <= 262, "{kind}: {} characters: {code}", code.len());
    }
}

#[test]
fn every_sample_issues_and_prints_its_size() {
    for kind in ["health_status", "vaccination", "test_result", "recovery", "access_pass"] {
        let code = issue(kind, TimeDelta::hours(24));
        println!("{kind}: {} characters", code.len());
        assert!(code.starts_with("QC1:"));
    }
}
