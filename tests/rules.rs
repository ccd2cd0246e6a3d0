//! Entry decisions: every window exactly at its limit, one second inside and
//! one second outside; combinations; several credentials; rule sets from the
//! bundle and local; malformed rule sets refused with codes.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, TimeZone, Utc};
use qrcred::{
    AccessPass, BirthDate, BundleDraft, Colour, Credential, CredentialBody, Decision, Disease, Gate, HealthStatus,
    IdDigest, Issuer, IssuerKey, NameDisplay, Recovery, Requirement, Role, RuleSet, StatusRule, Subject, TestOutcome,
    TestResult, TestRule, TestType, TrustState, TrustStore, TrustedKey, Vaccination, VaccinationRule, VaccineProduct,
    Verdict, Verified, Verifier, YellowPolicy,
};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).single().expect("instant")
}

fn key() -> IssuerKey {
    IssuerKey::from_seed(&[5; 32])
}

fn person() -> Subject {
    Subject::new("王", "小明", BirthDate::parse("1990-03-15").expect("date"))
}

/// Issues `body` at `issued` and verifies it at `at` (a fresh verifier).
fn verified(body: CredentialBody, issued: DateTime<Utc>, at: DateTime<Utc>) -> Verified {
    verified_for(person(), body, issued, at)
}

fn verified_for(subject: Subject, body: CredentialBody, issued: DateTime<Utc>, at: DateTime<Utc>) -> Verified {
    let credential = Credential { subject, body };
    let validity = match credential.kind() {
        qrcred::Kind::HealthStatus => TimeDelta::hours(72),
        _ => TimeDelta::days(400),
    };
    let code = Issuer::new(key(), "CN-SN-XA")
        .issue(&credential, validity, issued)
        .expect("issues");
    let trust = TrustStore::new().with(TrustedKey::new(*key().public_key(), "CN-SN-XA"));
    Verifier::new(trust).verify(&code, at).expect("verifies")
}

fn status(colour: Colour) -> CredentialBody {
    CredentialBody::HealthStatus(HealthStatus { colour, reason: None })
}

fn test(test_type: TestType, result: TestOutcome, sampled_at: DateTime<Utc>) -> CredentialBody {
    CredentialBody::TestResult(TestResult {
        disease: Disease::Covid19,
        test_type,
        result,
        sampled_at,
        facility: None,
        country: "CN".into(),
    })
}

fn vaccination(dose: u8, series_total: u8, date: NaiveDate) -> CredentialBody {
    CredentialBody::Vaccination(Vaccination {
        disease: Disease::Covid19,
        product: VaccineProduct::CoronaVac,
        manufacturer: None,
        dose,
        series_total,
        date,
        country: "CN".into(),
        centre: None,
    })
}

fn recovery(from: NaiveDate, until: NaiveDate) -> CredentialBody {
    CredentialBody::Recovery(Recovery {
        disease: Disease::Covid19,
        first_positive: from - TimeDelta::days(11),
        valid_from: from,
        valid_until: until,
        country: "CN".into(),
    })
}

fn pass(site: &str, role: Role) -> CredentialBody {
    CredentialBody::AccessPass(AccessPass {
        site: site.into(),
        unit: None,
        role,
    })
}

fn rules(require: Requirement) -> RuleSet {
    RuleSet {
        version: 1,
        name: "test".into(),
        require,
        check_id: true,
        show_name: NameDisplay::Initials,
    }
}

fn gate(now: DateTime<Utc>) -> Gate {
    Gate {
        site: Some("XA-YANTA-017".into()),
        now,
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// (verdict, code) of a decision.
fn outcome(d: &Decision) -> (Verdict, &'static str) {
    (d.verdict, d.code())
}

const S: TimeDelta = TimeDelta::seconds(1);

#[test]
fn health_status_window_and_colours() {
    let r = rules(Requirement::HealthStatus(StatusRule {
        max_age_hours: 24,
        yellow: YellowPolicy::Deny,
    }));
    let limit = t0() + TimeDelta::hours(24);
    for (colour, at, want) in [
        (Colour::Green, limit - S, (Verdict::Admit, "status.green")),
        (Colour::Green, limit, (Verdict::Admit, "status.green")),
        (Colour::Green, limit + S, (Verdict::Deny, "status.too_old")),
        (Colour::Yellow, t0(), (Verdict::Deny, "status.yellow")),
        (Colour::Red, t0(), (Verdict::Deny, "status.red")),
        (Colour::Red, limit + S, (Verdict::Deny, "status.red")),
    ] {
        let d = r.decide(&[verified(status(colour), t0(), at)], &gate(at));
        assert_eq!(outcome(&d), want, "{colour:?} at {at}");
        assert_eq!(d.colour, Some(colour));
        assert_eq!(d.rule, "require.health_status");
    }
    let d = r.decide(&[verified(status(Colour::Green), t0(), limit + S)], &gate(limit + S));
    assert_eq!(
        d.text("en"),
        "health status issued 24 hours 1 minute ago; at most 24 hours allowed"
    );
    assert_eq!(d.text("zh"), "健康码签发于24小时1分钟前；最多允许24小时");
    let yellow_ok = rules(Requirement::HealthStatus(StatusRule {
        max_age_hours: 24,
        yellow: YellowPolicy::Admit,
    }));
    let d = yellow_ok.decide(&[verified(status(Colour::Yellow), t0(), t0())], &gate(t0()));
    assert_eq!(outcome(&d), (Verdict::Admit, "status.yellow_admitted"));
}

#[test]
fn test_windows_by_type() {
    let r = rules(Requirement::NegativeTest(TestRule {
        nucleic_acid_hours: Some(48),
        rapid_antigen_hours: Some(24),
    }));
    let sampled = t0();
    for (kind, hours) in [(TestType::NucleicAcid, 48), (TestType::RapidAntigen, 24)] {
        let limit = sampled + TimeDelta::hours(hours);
        for (at, want) in [
            (limit - S, (Verdict::Admit, "test.negative")),
            (limit, (Verdict::Admit, "test.negative")),
            (limit + S, (Verdict::Deny, "test.too_old")),
            (sampled - TimeDelta::minutes(1), (Verdict::Deny, "test.in_future")),
        ] {
            let v = verified(test(kind, TestOutcome::Negative, sampled), sampled, at.max(sampled));
            let d = r.decide(&[v], &gate(at));
            assert_eq!(outcome(&d), want, "{kind:?} at {at}");
        }
    }
    // The issue's example: a nucleic-acid test 50 hours old.
    let at = sampled + TimeDelta::hours(50);
    let d = r.decide(
        &[verified(
            test(TestType::NucleicAcid, TestOutcome::Negative, sampled),
            sampled,
            at,
        )],
        &gate(at),
    );
    assert_eq!(
        d.text("en"),
        "nucleic-acid test taken 50 hours ago; at most 48 hours allowed"
    );
    assert_eq!(d.text("zh"), "核酸检测采样于50小时前；最多允许48小时");
    let d = r.decide(
        &[verified(
            test(TestType::NucleicAcid, TestOutcome::Positive, sampled),
            sampled,
            sampled,
        )],
        &gate(sampled),
    );
    assert_eq!(outcome(&d), (Verdict::Deny, "test.positive"));
    let pcr_only = rules(Requirement::NegativeTest(TestRule {
        nucleic_acid_hours: Some(48),
        rapid_antigen_hours: None,
    }));
    let d = pcr_only.decide(
        &[verified(
            test(TestType::RapidAntigen, TestOutcome::Negative, sampled),
            sampled,
            sampled,
        )],
        &gate(sampled),
    );
    assert_eq!(outcome(&d), (Verdict::Deny, "test.type_not_accepted"));
}

#[test]
fn vaccination_windows_and_boosters() {
    let r = rules(Requirement::Vaccination(VaccinationRule {
        disease: Disease::Covid19,
        min_days: 14,
        max_days: Some(270),
    }));
    let dose_day = date(2026, 6, 1);
    let start = Utc.with_ymd_and_hms(2026, 6, 15, 0, 0, 0).single().expect("instant");
    let end = start + TimeDelta::days(270 - 14);
    let issued = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).single().expect("instant");
    for (dose, total, at, want) in [
        (2, 2, start - S, (Verdict::Deny, "vaccination.too_recent")),
        (2, 2, start, (Verdict::Admit, "vaccination.complete")),
        (2, 2, start + S, (Verdict::Admit, "vaccination.complete")),
        (3, 2, start, (Verdict::Admit, "vaccination.complete")), // a booster counts
        (1, 2, start, (Verdict::Deny, "vaccination.incomplete")),
        (2, 2, end - S, (Verdict::Admit, "vaccination.complete")),
        (2, 2, end, (Verdict::Deny, "vaccination.too_old")),
    ] {
        let d = r.decide(&[verified(vaccination(dose, total, dose_day), issued, at)], &gate(at));
        assert_eq!(outcome(&d), want, "dose {dose}/{total} at {at}");
    }
    let d = r.decide(&[verified(vaccination(1, 2, dose_day), issued, start)], &gate(start));
    assert_eq!(d.text("en"), "vaccination incomplete: dose 1 of 2");
    let d = r.decide(
        &[verified(vaccination(2, 2, dose_day), issued, start - S)],
        &gate(start - S),
    );
    assert_eq!(d.text("en"), "last dose 13 days ago; counts from 14 days after it");
}

#[test]
fn recovery_window_in_utc_days() {
    let r = rules(Requirement::Recovery(qrcred::RecoveryRule {
        disease: Disease::Covid19,
    }));
    let (from, until) = (date(2026, 10, 12), date(2027, 3, 30));
    let issued = Utc.with_ymd_and_hms(2026, 10, 11, 0, 0, 0).single().expect("instant");
    let first = Utc.with_ymd_and_hms(2026, 10, 12, 0, 0, 0).single().expect("instant");
    let after = Utc.with_ymd_and_hms(2027, 3, 31, 0, 0, 0).single().expect("instant");
    for (at, want) in [
        (first - S, (Verdict::Deny, "recovery.not_yet_valid")),
        (first, (Verdict::Admit, "recovery.valid")),
        (after - S, (Verdict::Admit, "recovery.valid")),
        (after, (Verdict::Deny, "recovery.expired")),
    ] {
        let d = r.decide(&[verified(recovery(from, until), issued, at)], &gate(at));
        assert_eq!(outcome(&d), want, "at {at}");
    }
}

#[test]
fn access_passes_by_site_and_role() {
    let r = rules(Requirement::AccessPass(qrcred::AccessRule {
        roles: Some(vec![Role::Resident, Role::Staff]),
    }));
    let at = t0();
    let check = |body, site: Option<&str>| {
        let g = Gate {
            site: site.map(String::from),
            now: at,
        };
        outcome(&r.decide(&[verified(body, at, at)], &g))
    };
    assert_eq!(
        check(pass("XA-YANTA-017", Role::Resident), Some("XA-YANTA-017")),
        (Verdict::Admit, "site.match")
    );
    assert_eq!(
        check(pass("XA-YANTA-018", Role::Resident), Some("XA-YANTA-017")),
        (Verdict::Deny, "site.mismatch")
    );
    assert_eq!(
        check(pass("XA-YANTA-017", Role::Visitor), Some("XA-YANTA-017")),
        (Verdict::Deny, "role.not_allowed")
    );
    assert_eq!(
        check(pass("XA-YANTA-017", Role::Resident), None),
        (Verdict::Deny, "site.not_configured")
    );
}

/// "access pass AND (green status OR negative test)".
fn compound_rules() -> RuleSet {
    rules(Requirement::AllOf(vec![
        Requirement::AccessPass(qrcred::AccessRule::default()),
        Requirement::AnyOf(vec![
            Requirement::HealthStatus(StatusRule {
                max_age_hours: 24,
                yellow: YellowPolicy::Deny,
            }),
            Requirement::NegativeTest(TestRule {
                nucleic_acid_hours: Some(48),
                rapid_antigen_hours: Some(24),
            }),
        ]),
    ]))
}

#[test]
fn combinations_and_several_credentials() {
    let r = compound_rules();
    let at = t0() + TimeDelta::hours(1);
    let p = || verified(pass("XA-YANTA-017", Role::Resident), t0(), at);
    let green = || verified(status(Colour::Green), t0(), at);
    let red = || verified(status(Colour::Red), t0(), at);
    let negative = || verified(test(TestType::NucleicAcid, TestOutcome::Negative, t0()), t0(), at);
    let decide = |creds: &[Verified]| r.decide(creds, &gate(at));

    let d = decide(&[p(), green()]);
    assert_eq!(outcome(&d), (Verdict::Admit, "status.green"));
    assert_eq!(d.rule, "require.all_of[1].any_of[0].health_status");
    assert_eq!(outcome(&decide(&[negative(), p()])), (Verdict::Admit, "test.negative"));
    assert_eq!(
        outcome(&decide(&[p(), red(), negative()])),
        (Verdict::Admit, "test.negative")
    );
    // A red status was shown: its refusal explains more than "missing".
    let d = decide(&[p(), red()]);
    assert_eq!(
        (outcome(&d), d.rule.as_str()),
        (
            (Verdict::Deny, "status.red"),
            "require.all_of[1].any_of[0].health_status"
        )
    );
    let d = decide(&[p()]);
    assert_eq!(outcome(&d), (Verdict::Deny, "credential.missing"));
    assert_eq!(d.text("en"), "needs: health status or negative test");
    assert_eq!(d.text("zh"), "需出示：健康码或阴性检测证明");
    let d = decide(&[green()]);
    assert_eq!(
        (outcome(&d), d.rule.as_str()),
        ((Verdict::Deny, "credential.missing"), "require.all_of[0].access_pass")
    );
    assert_eq!(outcome(&decide(&[])), (Verdict::Deny, "credential.none"));
    // Two codes of two people.
    let other = Subject::new("李", "华", BirthDate::parse("1985-01-02").expect("date"));
    let theirs = verified_for(other, status(Colour::Green), t0(), at);
    assert_eq!(outcome(&decide(&[p(), theirs])), (Verdict::Deny, "subject.mismatch"));
}

/// Every order of `items` (Heap's algorithm).
fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    fn heap<T: Clone>(k: usize, a: &mut Vec<T>, out: &mut Vec<Vec<T>>) {
        if k <= 1 {
            out.push(a.clone());
            return;
        }
        for i in 0..k {
            heap(k - 1, a, out);
            a.swap(if k.is_multiple_of(2) { i } else { 0 }, k - 1);
        }
    }
    let mut out = Vec::new();
    heap(items.len(), &mut items.to_vec(), &mut out);
    out
}

#[test]
fn every_pair_of_credentials_must_name_one_person() {
    let at = t0();
    let own = IdDigest::compute([1, 2, 3, 4], "610113199003150012");
    let namesake = IdDigest::compute([5, 6, 7, 8], "610113199003150029");
    let rules = rules(Requirement::AllOf(vec![
        Requirement::AccessPass(qrcred::AccessRule::default()),
        Requirement::HealthStatus(StatusRule {
            max_age_hours: 24,
            yellow: YellowPolicy::Deny,
        }),
    ]));
    let decide = |shown: &[Verified]| outcome(&rules.decide(shown, &gate(at)));
    // The holder's red status without a digest, the holder's pass with
    // digest P, a namesake's green status with digest Q: in no order do
    // they combine.
    let red = verified(status(Colour::Red), t0(), at);
    let pass_p = verified_for(
        person().with_id_digest(own),
        pass("XA-YANTA-017", Role::Resident),
        t0(),
        at,
    );
    let green_q = verified_for(person().with_id_digest(namesake), status(Colour::Green), t0(), at);
    let orders = permutations(&[red.clone(), pass_p.clone(), green_q.clone()]);
    assert_eq!(orders.len(), 6);
    for shown in &orders {
        assert_eq!(decide(shown), (Verdict::Deny, "subject.mismatch"), "{shown:?}");
    }
    // Two digests that differ, with or without a third credential between them.
    for shown in permutations(&[pass_p.clone(), green_q.clone()]) {
        assert_eq!(decide(&shown), (Verdict::Deny, "subject.mismatch"));
    }
    // The holder's own green status with digest P combines in every order,
    // with or without a credential that carries no digest.
    let green_p = verified_for(person().with_id_digest(own), status(Colour::Green), t0(), at);
    let plain_green = verified(status(Colour::Green), t0(), at);
    for shown in permutations(&[pass_p.clone(), green_p, plain_green]) {
        assert_eq!(decide(&shown).0, Verdict::CheckId, "{shown:?}");
    }
    // A different birth date anywhere is another person.
    let mut other = person();
    other.birth_date = BirthDate::parse("1990-03-16").expect("date");
    let other_green = verified_for(other, status(Colour::Green), t0(), at);
    for shown in permutations(&[verified(status(Colour::Green), t0(), at), pass_p, other_green]) {
        assert_eq!(decide(&shown), (Verdict::Deny, "subject.mismatch"));
    }
}

#[test]
fn an_identity_digest_asks_for_an_id_check() {
    let digest = IdDigest::compute([1, 2, 3, 4], "610113199003150012");
    let subject = person().with_id_digest(digest);
    let at = t0();
    let v = verified_for(subject, status(Colour::Green), t0(), at);
    let r = rules(Requirement::HealthStatus(StatusRule {
        max_age_hours: 24,
        yellow: YellowPolicy::Deny,
    }));
    let d = r.decide(std::slice::from_ref(&v), &gate(at));
    assert_eq!(outcome(&d), (Verdict::CheckId, "status.green"));
    assert!(d.matches_id("610113199003150012"));
    assert!(!d.matches_id("610113199003150013"));
    let no_check = RuleSet { check_id: false, ..r };
    assert_eq!(no_check.decide(&[v], &gate(at)).verdict, Verdict::Admit);
}

#[test]
fn names_shown_per_configuration() {
    let at = t0();
    let v = verified(status(Colour::Green), t0(), at);
    let mut r = rules(Requirement::HealthStatus(StatusRule {
        max_age_hours: 24,
        yellow: YellowPolicy::Deny,
    }));
    assert_eq!(
        r.decide(std::slice::from_ref(&v), &gate(at)).name.as_deref(),
        Some("王**")
    );
    r.show_name = NameDisplay::Full;
    assert_eq!(
        r.decide(std::slice::from_ref(&v), &gate(at)).name.as_deref(),
        Some("王小明")
    );
    r.show_name = NameDisplay::Hidden;
    assert_eq!(r.decide(std::slice::from_ref(&v), &gate(at)).name, None);
    r.show_name = NameDisplay::Initials;
    let latin = Subject::new("Smith", "Anna", BirthDate::parse("1980").expect("date"));
    let v = verified_for(latin, status(Colour::Green), t0(), at);
    assert_eq!(r.decide(&[v], &gate(at)).name.as_deref(), Some("S. A."));
}

#[test]
fn time_zones_cannot_move_a_window() {
    // A test sampled in New York on 31 October 2026 at 08:00 EDT (-04:00);
    // daylight saving ends on 1 November, so 08:00 EST (-05:00) on
    // 2 November is 49 hours later, not 48. The window counts elapsed
    // seconds: it closes at 07:00 EST, whatever the wall clock says, and
    // the same instant written in Beijing time (+08:00) decides the same.
    let r = rules(Requirement::NegativeTest(TestRule {
        nucleic_acid_hours: Some(48),
        rapid_antigen_hours: None,
    }));
    let edt = FixedOffset::west_opt(4 * 3600).expect("offset");
    let est = FixedOffset::west_opt(5 * 3600).expect("offset");
    let beijing = FixedOffset::east_opt(8 * 3600).expect("offset");
    let sampled = edt
        .with_ymd_and_hms(2026, 10, 31, 8, 0, 0)
        .single()
        .expect("instant")
        .to_utc();
    let closes = est
        .with_ymd_and_hms(2026, 11, 2, 7, 0, 0)
        .single()
        .expect("instant")
        .to_utc();
    assert_eq!(closes - sampled, TimeDelta::hours(48));
    for (at, want) in [
        (closes, (Verdict::Admit, "test.negative")),
        (closes + S, (Verdict::Deny, "test.too_old")),
        // 08:00 local on both days: 24 wall-clock hours apart twice, 49 elapsed.
        (
            est.with_ymd_and_hms(2026, 11, 2, 8, 0, 0)
                .single()
                .expect("instant")
                .to_utc(),
            (Verdict::Deny, "test.too_old"),
        ),
    ] {
        for now in [at, at.with_timezone(&beijing).to_utc()] {
            let v = verified(
                test(TestType::NucleicAcid, TestOutcome::Negative, sampled),
                sampled,
                now,
            );
            assert_eq!(outcome(&r.decide(&[v], &gate(now))), want, "at {now}");
        }
    }
}

#[test]
fn rule_sets_travel_in_the_bundle_and_as_local_json() {
    let local = compound_rules();
    let json = local.to_json().expect("json");
    assert_eq!(RuleSet::from_json(&json).expect("reads"), local);

    let root = IssuerKey::from_seed(&[0xA0; 32]);
    let mut draft = BundleDraft::new(1, t0(), TimeDelta::days(7));
    draft.rules = Some(RuleSet {
        version: 7,
        name: "xian-2026-11".into(),
        ..local.clone()
    });
    let bundle = TrustState::new(&[*root.public_key()])
        .load(&draft.sign(&root).expect("signs"), t0())
        .expect("loads");
    let from_bundle = bundle.rules().expect("rules");
    assert_eq!((from_bundle.name.as_str(), from_bundle.version), ("xian-2026-11", 7));
    assert_eq!(from_bundle.require, local.require);
    // The loaded bundle's draft is the next bundle; under the same number it is the same file.
    let mut again = bundle.to_draft();
    assert_eq!(again.sequence, bundle.sequence() + 1);
    again.sequence = bundle.sequence();
    assert_eq!(again.sign(&root).expect("signs"), draft.sign(&root).expect("signs"));
}

#[test]
fn malformed_rule_sets_are_refused_with_codes() {
    let code = |json: &str| RuleSet::from_json(json).expect_err("refused").code();
    let status = r#"{"health_status": {"max_age_hours": 24}}"#;
    assert!(RuleSet::from_json(&format!(r#"{{"version": 1, "name": "x", "require": {status}}}"#)).is_ok());
    assert_eq!(code(""), "rules.malformed");
    assert_eq!(code(r#"{"version": 1, "name": "x"}"#), "rules.malformed");
    assert_eq!(
        code(&format!(
            r#"{{"version": 1, "name": "x", "require": {status}, "extra": 1}}"#
        )),
        "rules.malformed"
    );
    assert_eq!(
        code(r#"{"version": 1, "name": "x", "require": {"teleport": {}}}"#),
        "rules.malformed"
    );
    assert_eq!(
        code(r#"{"version": -1, "name": "x", "require": {"recovery": {}}}"#),
        "rules.malformed"
    );
    assert_eq!(
        code(r#"{"version": 1, "name": "x", "require": {"health_status": {"max_age_hours": 0}}}"#),
        "rules.invalid_value"
    );
    assert_eq!(
        code(r#"{"version": 1, "name": "", "require": {"recovery": {}}}"#),
        "rules.invalid_value"
    );
    assert_eq!(
        code(r#"{"version": 1, "name": "x", "require": {"negative_test": {}}}"#),
        "rules.invalid_value"
    );
    assert_eq!(
        code(r#"{"version": 1, "name": "x", "require": {"any_of": []}}"#),
        "rules.invalid_value"
    );
    assert_eq!(
        code(r#"{"version": 1, "name": "x", "require": {"vaccination": {"min_days": 14, "max_days": 14}}}"#),
        "rules.invalid_value"
    );
    assert_eq!(
        code(r#"{"version": 1, "name": "x", "require": {"access_pass": {"roles": []}}}"#),
        "rules.invalid_value"
    );
    let deep = (0..9).fold(String::from(r#"{"recovery": {}}"#), |inner, _| {
        format!(r#"{{"any_of": [{inner}]}}"#)
    });
    assert_eq!(
        code(&format!(r#"{{"version": 1, "name": "x", "require": {deep}}}"#)),
        "rules.too_deep"
    );
    let wide = vec![r#"{"recovery": {}}"#; 64].join(",");
    assert_eq!(
        code(&format!(
            r#"{{"version": 1, "name": "x", "require": {{"any_of": [{wide}]}}}}"#
        )),
        "rules.too_large"
    );
    // A very deep JSON document is refused without exhausting the stack.
    let bomb = "[".repeat(60_000);
    assert_eq!(code(&bomb), "rules.malformed");
    // A longer text is refused unread.
    let bomb = "[".repeat(RuleSet::MAX_JSON_LEN + 1);
    assert_eq!(code(&bomb), "limits.field_too_long");
}

/// A rule set of `levels` nested `any_of` around a recovery rule.
fn nested(levels: usize) -> String {
    let deep = (0..levels).fold(String::from(r#"{"recovery": {}}"#), |inner, _| {
        format!(r#"{{"any_of": [{inner}]}}"#)
    });
    format!(r#"{{"version": 1, "name": "x", "require": {deep}}}"#)
}

#[test]
fn eight_levels_of_combinations_are_allowed_locally_and_in_a_bundle() {
    // SPEC §13.1: at most 8 levels of any_of / all_of; 9 is too deep.
    let deepest = RuleSet::from_json(&nested(8)).expect("eight levels are allowed");
    let code = |json: &str| RuleSet::from_json(json).expect_err("refused").code();
    assert_eq!(code(&nested(9)), "rules.too_deep");
    // The bundle reader nests deep enough for the deepest rule set (one
    // level more is refused by the rule checks: test-vectors/rules/rules_too_deep).
    let root = IssuerKey::from_seed(&[9; 32]);
    let load = |rules: RuleSet| {
        let mut draft = BundleDraft::new(1, t0(), TimeDelta::days(7));
        draft.rules = Some(rules);
        let file = draft.sign(&root)?;
        TrustState::new(&[*root.public_key()]).load(&file, t0())
    };
    let bundle = load(deepest.clone()).expect("a bundle with the deepest rule set loads");
    assert_eq!(bundle.rules(), Some(&deepest));
    let mut too_deep = deepest;
    too_deep.require = Requirement::AnyOf(vec![too_deep.require]);
    let error = load(too_deep).expect_err("nine levels are refused, here when signing");
    assert_eq!(error.code(), "rules.too_deep");
}

#[test]
fn a_recovery_valid_until_the_last_date_decides_without_panicking() {
    // A signed recovery may carry any date chrono represents; the end of
    // valid_until (the next midnight) is beyond the range of time.
    let rules = RuleSet::from_json(r#"{"version": 1, "name": "x", "require": {"recovery": {}}}"#).expect("reads");
    let from = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
    let v = verified(recovery(from, NaiveDate::MAX), t0(), t0());
    let gate = Gate { site: None, now: t0() };
    let d = rules.decide(&[v], &gate);
    assert_eq!((d.verdict, d.code()), (Verdict::Admit, "recovery.valid"));
}
