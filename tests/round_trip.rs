//! Round trips: every kind, the sample files, and generated credentials.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use proptest::prelude::*;
use qrcred::{
    AccessPass, BirthDate, Colour, Credential, CredentialBody, CtiPolicy, Disease, HealthStatus, IdDigest,
    IssueOptions, Issuer, IssuerKey, Manufacturer, Recovery, Role, StatusReason, Subject, TestOutcome, TestResult,
    TestType, TrustStore, TrustedKey, Vaccination, VaccineProduct, Verifier,
};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

fn issuer() -> Issuer {
    Issuer::new(IssuerKey::from_seed(&[5; 32]), "CN-SN-XA")
}

fn verifier() -> Verifier<TrustStore> {
    let public = *issuer().key().public_key();
    Verifier::new(TrustStore::new().with(TrustedKey::new(public, "CN-SN-XA")))
}

fn round_trip(c: &Credential, options: &IssueOptions) -> qrcred::Verified {
    let code = issuer().issue_with(c, options, now()).expect("issues");
    verifier().verify(&code, now()).expect("verifies")
}

#[test]
fn sample_files_round_trip_with_metadata() {
    for kind in ["health_status", "vaccination", "test_result", "recovery", "access_pass"] {
        let path = format!("{}/examples/credentials/{kind}.json", env!("CARGO_MANIFEST_DIR"));
        let c: Credential = serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
        assert_eq!(c.kind().as_str(), kind);
        let verified = round_trip(&c, &IssueOptions::valid_for(TimeDelta::hours(12)));
        assert_eq!(verified.credential(), &c);
        assert_eq!(verified.issuer(), "CN-SN-XA");
        assert_eq!(verified.kid(), issuer().key().kid());
        assert_eq!(verified.issued_at(), now());
        assert_eq!(verified.expires_at(), now() + TimeDelta::hours(12));
        // Health status codes carry no cti by default; the others do.
        assert_eq!(verified.cti().is_some(), kind != "health_status", "{kind}");
    }
}

#[test]
fn cti_policies_and_not_before() {
    let c = Credential {
        subject: Subject::new("李", "", BirthDate::YearMonth(1985, 7)),
        body: CredentialBody::AccessPass(AccessPass {
            site: "S1".into(),
            unit: None,
            role: Role::Visitor,
        }),
    };
    let mut o = IssueOptions::valid_for(TimeDelta::days(1));
    o.cti = CtiPolicy::Fixed([9; 8]);
    assert_eq!(round_trip(&c, &o).cti(), Some([9; 8]));
    o.cti = CtiPolicy::Never;
    assert_eq!(round_trip(&c, &o).cti(), None);
    // Derived ctis are deterministic and differ between credentials.
    o.cti = CtiPolicy::Always;
    let a = round_trip(&c, &o).cti();
    assert_eq!(a, round_trip(&c, &o).cti());
    let mut other = c.clone();
    other.subject.family_name = "张".into();
    assert_ne!(a, round_trip(&other, &o).cti());
    // A later start of validity.
    o.not_before = Some(now() + TimeDelta::hours(2));
    let code = issuer().issue_with(&c, &o, now()).expect("issues");
    let e = verifier().verify(&code, now()).expect_err("early");
    assert_eq!(e.code(), "time.not_yet_valid");
    let v = verifier().verify(&code, now() + TimeDelta::hours(2)).expect("valid");
    assert_eq!(v.valid_from(), now() + TimeDelta::hours(2));
    assert_eq!(v.expires_at(), now() + TimeDelta::hours(26));
}

#[test]
fn issuing_refuses_bad_input() {
    let mut c = Credential {
        subject: Subject::new("王", "小明", BirthDate::Year(1990)),
        body: CredentialBody::HealthStatus(HealthStatus {
            colour: Colour::Red,
            reason: Some(StatusReason::PositiveTest),
        }),
    };
    let i = issuer();
    let code = |c: &Credential, v: TimeDelta| i.issue(c, v, now()).expect_err("refused").code();
    assert_eq!(code(&c, TimeDelta::hours(73)), "claims.validity_too_long");
    assert_eq!(code(&c, TimeDelta::zero()), "claims.invalid_window");
    assert_eq!(code(&c, TimeDelta::hours(-1)), "claims.invalid_window");
    c.subject.family_name = "x".repeat(81);
    assert_eq!(code(&c, TimeDelta::hours(1)), "limits.field_too_long");
    c.subject.family_name = String::new();
    assert_eq!(code(&c, TimeDelta::hours(1)), "claims.invalid_value");
    let before_1970 = DateTime::parse_from_rfc3339("1969-12-31T23:59:59Z")
        .expect("t")
        .to_utc();
    c.subject.family_name = "王".into();
    assert_eq!(
        i.issue(&c, TimeDelta::hours(1), before_1970).expect_err("time").code(),
        "time.out_of_range"
    );
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..40_000).prop_map(|d| NaiveDate::from_ymd_opt(1950, 1, 1).expect("date") + TimeDelta::days(d))
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn subject() -> impl Strategy<Value = Subject> {
    (
        "[王李张刘陈杨a-zA-Zé ]{1,12}",
        proptest::option::of("[明华小红 a-z]{1,12}"),
        proptest::option::of("[A-Z<]{1,20}"),
        prop_oneof![
            date().prop_map(BirthDate::Full),
            (1900i32..2100, 1u32..=12).prop_map(|(y, m)| BirthDate::YearMonth(y, m)),
            (1900i32..2100).prop_map(BirthDate::Year),
        ],
        proptest::option::of(any::<[u8; 12]>().prop_map(IdDigest)),
    )
        .prop_map(|(family, given, icao, birth_date, id_digest)| Subject {
            family_name: family,
            given_name: given,
            family_name_icao: icao.clone(),
            given_name_icao: icao,
            birth_date,
            id_digest,
        })
}

fn body() -> impl Strategy<Value = CredentialBody> {
    prop_oneof![
        (pick(Colour::ALL), proptest::option::of(pick(StatusReason::ALL)))
            .prop_map(|(colour, reason)| CredentialBody::HealthStatus(HealthStatus { colour, reason })),
        (
            pick(Disease::ALL),
            pick(VaccineProduct::ALL),
            proptest::option::of(pick(Manufacturer::ALL)),
            1u8..=20,
            1u8..=20,
            date(),
            proptest::option::of("[A-Z0-9-]{1,32}")
        )
            .prop_map(|(disease, product, manufacturer, dose, series_total, date, centre)| {
                CredentialBody::Vaccination(Vaccination {
                    disease,
                    product,
                    manufacturer,
                    dose,
                    series_total,
                    date,
                    country: "CN".into(),
                    centre,
                })
            }),
        (pick(TestType::ALL), pick(TestOutcome::ALL), 0i64..4_000_000_000).prop_map(|(test_type, result, t)| {
            CredentialBody::TestResult(TestResult {
                disease: Disease::Covid19,
                test_type,
                result,
                sampled_at: DateTime::from_timestamp(t, 0).expect("t"),
                facility: None,
                country: "HK".into(),
            })
        }),
        (date(), date(), 0u64..400).prop_map(|(first, from, len)| CredentialBody::Recovery(Recovery {
            disease: Disease::Covid19,
            first_positive: first,
            valid_from: from,
            valid_until: from + TimeDelta::days(len as i64),
            country: "MO".into(),
        })),
        ("[A-Z0-9-]{1,32}", proptest::option::of("[0-9-]{1,8}"), pick(Role::ALL))
            .prop_map(|(site, unit, role)| CredentialBody::AccessPass(AccessPass { site, unit, role })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn generated_credentials_round_trip(subject in subject(), body in body()) {
        let c = Credential { subject, body };
        let verified = round_trip(&c, &IssueOptions::valid_for(TimeDelta::hours(1)));
        prop_assert_eq!(verified.credential(), &c);
        // The JSON form round-trips too.
        let json = serde_json::to_string(&c).expect("json");
        prop_assert_eq!(serde_json::from_str::<Credential>(&json).expect("back"), c);
    }
}
