//! Entry-decision vectors beyond single windows: access passes,
//! combinations (`all_of`, `any_of`, "presented beats missing"), several
//! credentials, subjects, ID checks, shown names, codes that do not verify
//! and the deepest and largest rule sets allowed.

use qrcred::IdDigest;
use serde_json::json;

use super::case::Result;
use super::fixture::{HOUR, TestKey, credential_of, wang, with as set};
use super::rules::{NOW, World, rules, with};
use super::rules_case::{Code, DecisionCase, want};

/// Every case of this module.
pub fn cases(w: &World) -> Result<Vec<DecisionCase>> {
    let mut all = access(w)?;
    all.extend(combinations(w)?);
    all.extend(several(w)?);
    all.extend(people(w)?);
    all.extend(refusals(w)?);
    all.extend(sizes(w)?);
    Ok(all)
}

const ACCESS: &str =
    r#"{"version": 1, "name": "residents", "require": {"access_pass": {"roles": ["resident", "staff"]}}}"#;

fn access(w: &World) -> Result<Vec<DecisionCase>> {
    let r = rules(ACCESS)?;
    let rule = "require.access_pass";
    let c = |name, description, code: Code, verdict, reason| {
        with(
            w.case(name, description, &r, NOW),
            vec![code],
            want(verdict, reason, rule),
        )
    };
    let mut no_site = c(
        "decide_site_not_configured",
        "a resident's pass; the gate has no site set",
        w.pass("XA-0001", "resident")?,
        "deny",
        "site.not_configured",
    );
    no_site.site = None;
    let any = rules(r#"{"version": 1, "name": "any-role", "require": {"access_pass": {}}}"#)?;
    Ok(vec![
        c(
            "decide_site_match",
            "a resident's pass for this gate's site XA-0001",
            w.pass("XA-0001", "resident")?,
            "admit",
            "site.match",
        ),
        c(
            "decide_site_mismatch",
            "a resident's pass for XA-0002 at gate XA-0001",
            w.pass("XA-0002", "resident")?,
            "deny",
            "site.mismatch",
        ),
        no_site,
        c(
            "decide_role_not_allowed",
            "a visitor's pass; the rules list resident and staff",
            w.pass("XA-0001", "visitor")?,
            "deny",
            "role.not_allowed",
        ),
        with(
            w.case(
                "decide_role_any",
                "a visitor's pass; the rules list no roles, so any role passes",
                &any,
                NOW,
            ),
            vec![w.pass("XA-0001", "visitor")?],
            want("admit", "site.match", rule),
        ),
    ])
}

const RESIDENTIAL: &str = r#"{"version": 4, "name": "residential-compound", "require": {"all_of": [
  {"access_pass": {"roles": ["resident", "staff"]}},
  {"any_of": [{"health_status": {"max_age_hours": 24}},
              {"negative_test": {"nucleic_acid_hours": 48, "rapid_antigen_hours": 24}}]}]}}"#;

const TRAVEL: &str = r#"{"version": 1, "name": "travel", "require": {"any_of": [
  {"vaccination": {"min_days": 14}}, {"recovery": {}}, {"negative_test": {"nucleic_acid_hours": 72}}]}}"#;

fn combinations(w: &World) -> Result<Vec<DecisionCase>> {
    let r = rules(RESIDENTIAL)?;
    let t = rules(TRAVEL)?;
    let pass = || w.pass("XA-0001", "resident");
    let green = |age| w.status("green", NOW - age);
    let pcr = |age| w.test("nucleic_acid", "negative", NOW - age, NOW);
    let status_rule = "require.all_of[1].any_of[0].health_status";
    let test_rule = "require.all_of[1].any_of[1].negative_test";
    let c = |name, description, rules, codes, want| with(w.case(name, description, rules, NOW), codes, want);
    Ok(vec![
        c(
            "decide_all_of_admit_status",
            "residential: a pass and a green status; all_of reports its last child, the any_of, which passed with the status",
            &r,
            vec![pass()?, green(HOUR)?],
            want("admit", "status.green", status_rule),
        ),
        c(
            "decide_all_of_admit_test",
            "residential: a pass and a negative test, no status",
            &r,
            vec![pass()?, pcr(10 * HOUR)?],
            want("admit", "test.negative", test_rule),
        ),
        c(
            "decide_any_of_second_child",
            "residential: the status is too old, the test passes: any_of passes with the test",
            &r,
            vec![green(25 * HOUR)?, pass()?, pcr(10 * HOUR)?],
            want("admit", "test.negative", test_rule),
        ),
        c(
            "decide_all_of_first_failure",
            "residential: a pass for another site and a green status: all_of fails with its first failing child",
            &r,
            vec![w.pass("XA-0002", "resident")?, green(HOUR)?],
            want("deny", "site.mismatch", "require.all_of[0].access_pass"),
        ),
        c(
            "decide_all_of_missing_pass",
            "residential: a green status and no pass",
            &r,
            vec![green(HOUR)?],
            want("deny", "credential.missing", "require.all_of[0].access_pass"),
        ),
        c(
            "decide_any_of_missing",
            "residential: a pass and a vaccination; no status or test: credential.missing names both kinds",
            &r,
            vec![pass()?, w.vaccination("covid-19", 2, 2, super::rules::day(60), NOW)?],
            want("deny", "credential.missing", "require.all_of[1].any_of"),
        ),
        c(
            "decide_any_of_presented_beats_missing",
            "travel: only a positive test; the failure about the test presented is reported, not the missing vaccination",
            &t,
            vec![w.test("nucleic_acid", "positive", NOW - HOUR, NOW)?],
            want("deny", "test.positive", "require.any_of[2].negative_test"),
        ),
        c(
            "decide_any_of_first_presented_failure",
            "travel: a vaccination too recent and a test too old: the first child that failed on a presented credential",
            &t,
            vec![
                pcr(80 * HOUR)?,
                w.vaccination("covid-19", 2, 2, super::rules::day(3), NOW)?,
            ],
            want("deny", "vaccination.too_recent", "require.any_of[0].vaccination"),
        ),
        c(
            "decide_any_of_first_pass",
            "travel: a vaccination and a recovery both pass: the first child decides",
            &t,
            vec![
                w.recovery("covid-19", super::rules::day(5), super::rules::day(-100), NOW)?,
                w.vaccination("covid-19", 2, 2, super::rules::day(60), NOW)?,
            ],
            want("admit", "vaccination.complete", "require.any_of[0].vaccination"),
        ),
        c(
            "decide_credential_missing_leaf",
            "status rules; only a negative test presented",
            &rules(super::rules::STATUS_JSON)?,
            vec![pcr(HOUR)?],
            want("deny", "credential.missing", "require.health_status"),
        ),
    ])
}

fn several(w: &World) -> Result<Vec<DecisionCase>> {
    let tests = rules(super::rules::TESTS_JSON)?;
    let status = rules(super::rules::STATUS_JSON)?;
    let rule = "require.negative_test";
    let pcr = |age, iat| -> Result<Code> {
        let body = json!({"disease": "covid-19", "test_type": "nucleic_acid", "result": "negative",
            "sampled_at": super::rules::rfc(NOW - age), "country": "CN"});
        w.code(&credential_of(wang(), "test_result", body)?, iat)
    };
    let positive = |iat| -> Result<Code> {
        let body = json!({"disease": "covid-19", "test_type": "rapid_antigen", "result": "positive",
            "sampled_at": super::rules::rfc(NOW - 3 * HOUR), "country": "CN"});
        w.code(&credential_of(wang(), "test_result", body)?, iat)
    };
    let c = |name, description, rules, codes, want| with(w.case(name, description, rules, NOW), codes, want);
    Ok(vec![
        c(
            "decide_several_one_passes",
            "two nucleic-acid tests, the first too old, the second within 48 hours: the one that passes decides",
            &tests,
            vec![pcr(60 * HOUR, NOW - 58 * HOUR)?, pcr(20 * HOUR, NOW - 18 * HOUR)?],
            want("admit", "test.negative", rule),
        ),
        c(
            "decide_several_newest_failure",
            "a positive test issued 2 hours ago and a test too old issued 58 hours ago: the most recently issued one's failure",
            &tests,
            vec![pcr(60 * HOUR, NOW - 58 * HOUR)?, positive(NOW - 2 * HOUR)?],
            want("deny", "test.positive", rule),
        ),
        c(
            "decide_several_newest_failure_first",
            "the same two tests in the other order: the same reason",
            &tests,
            vec![positive(NOW - 2 * HOUR)?, pcr(60 * HOUR, NOW - 58 * HOUR)?],
            want("deny", "test.positive", rule),
        ),
        c(
            "decide_credential_none",
            "no code presented",
            &status,
            vec![],
            want("deny", "credential.none", "require"),
        ),
    ])
}

/// The subject 王小明 with an identity digest of `id_number` (salt 01020304).
fn with_id(id_number: &str) -> Result<serde_json::Value> {
    let digest = IdDigest::compute([1, 2, 3, 4], id_number);
    Ok(set(wang(), "id_digest", serde_json::to_value(digest)?))
}

const ID: &str = "11010519900315002X";

fn people(w: &World) -> Result<Vec<DecisionCase>> {
    let status = rules(super::rules::STATUS_JSON)?;
    let green = |subject| -> Result<Code> {
        w.code(
            &credential_of(subject, "health_status", json!({"colour": "green"}))?,
            NOW - HOUR,
        )
    };
    let pcr = |subject| -> Result<Code> {
        let body = json!({"disease": "covid-19", "test_type": "nucleic_acid", "result": "negative",
            "sampled_at": super::rules::rfc(NOW - 5 * HOUR), "country": "CN"});
        w.code(&credential_of(subject, "test_result", body)?, NOW - HOUR)
    };
    let born = |date: &str| set(wang(), "birth_date", json!(date));
    let rule = "require.health_status";
    let residential = rules(RESIDENTIAL)?;
    let c = |name, description, rules, codes, want| with(w.case(name, description, rules, NOW), codes, want);
    let mut check_id = c(
        "decide_check_id",
        "a green status whose subject carries an identity digest; check_id defaults to true: match it against the ID document",
        &status,
        vec![green(with_id(ID)?)?],
        want("check_id", "status.green", rule),
    );
    check_id.id_numbers = vec![(ID, true), ("11010519900315002x", true), ("110105199003150021", false)];
    let no_check = rules(
        r#"{"version": 1, "name": "no-id-check", "require": {"health_status": {"max_age_hours": 24}}, "check_id": false}"#,
    )?;
    let named = |mode: &str| {
        rules(&format!(
            r#"{{"version": 1, "name": "name-{mode}", "require": {{"health_status": {{"max_age_hours": 24}}}}, "show_name": "{mode}"}}"#
        ))
    };
    let latin = json!({"family_name": "Smith", "given_name": "Anna", "birth_date": "1985-07-01"});
    let mut pass_and_test = c(
        "decide_check_id_pass_and_test",
        "residential: only the pass carries a digest; check_id asks for the ID document",
        &residential,
        vec![
            w.code(
                &credential_of(
                    with_id(ID)?,
                    "access_pass",
                    json!({"site": "XA-0001", "role": "resident"}),
                )?,
                NOW - HOUR,
            )?,
            pcr(wang())?,
        ],
        want("check_id", "test.negative", "require.all_of[1].any_of[1].negative_test"),
    );
    pass_and_test.id_numbers = vec![(ID, true), ("110105199003150021", false)];
    let mut out = vec![
        check_id,
        pass_and_test,
        c(
            "decide_check_id_off",
            "the same code; the rules set check_id false: admit",
            &no_check,
            vec![green(with_id(ID)?)?],
            want("admit", "status.green", rule),
        ),
        c(
            "decide_subject_mismatch_birth_date",
            "a green status of 王小明 born 1990-03-15 and a test of 王小明 born 1990-03-16",
            &status,
            vec![green(wang())?, pcr(born("1990-03-16"))?],
            want("deny", "subject.mismatch", "require"),
        ),
        c(
            "decide_subject_mismatch_id_digest",
            "two codes of 王小明 born 1990-03-15 with different identity digests",
            &status,
            vec![green(with_id(ID)?)?, pcr(with_id("110105199003150021")?)?],
            want("deny", "subject.mismatch", "require"),
        ),
        c(
            "decide_subject_one_digest",
            "two codes of 王小明, one with an identity digest: the same person; the status that passed has none, so admit",
            &status,
            vec![pcr(with_id(ID)?)?, green(wang())?],
            want("admit", "status.green", rule),
        ),
    ];
    for (mode, subject, shown) in [
        ("full", wang(), Some("王小明")),
        ("initials", wang(), Some("王**")),
        ("hidden", wang(), None),
        ("full", latin.clone(), Some("Smith Anna")),
        ("initials", latin.clone(), Some("S. A.")),
    ] {
        let script = if subject == latin { "latin" } else { "chinese" };
        let name = format!("decide_show_name_{mode}_{script}");
        let description = format!("show_name {mode}, a {script} name");
        let mut case = with(
            w.case(&name, &description, &named(mode)?, NOW),
            vec![green(subject)?],
            want("admit", "status.green", rule),
        );
        case.want.name = Some(shown.map(String::from));
        out.push(case);
    }
    Ok(out)
}

/// `code` with bit 0 of signature byte 10 flipped.
fn tampered(code: &Code) -> Result<Code> {
    use qrcred::layers;
    let payload = layers::base45_decode(layers::strip_prefix(&code.text)?)?;
    let mut cose = layers::decompress(payload, &qrcred::Limits::DEFAULT)?;
    let at = cose.len() - 64 + 10;
    cose[at] ^= 1;
    let text = format!(
        "{}{}",
        qrcred::PREFIX,
        layers::base45_encode(&layers::compress_if_shorter(cose)?)
    );
    Ok(Code {
        text,
        credential: code.credential.clone(),
    })
}

fn refusals(w: &World) -> Result<Vec<DecisionCase>> {
    let status = rules(super::rules::STATUS_JSON)?;
    let green = w.status("green", NOW - HOUR)?;
    let expired = w.status("green", NOW - 73 * HOUR)?;
    let c = |name, description, codes, reason| {
        with(
            w.case(name, description, &status, NOW),
            codes,
            want("deny", reason, "verification"),
        )
    };
    let unknown = super::rules_case::mint(
        &TestKey::derive("issuer-c"),
        &green.credential,
        super::fixture::instant(NOW - HOUR),
        chrono::TimeDelta::hours(72),
    )?;
    let mut unknown_case = c(
        "decide_refused_unknown_key",
        "a green status signed by issuer-c, which the gate does not trust",
        vec![unknown],
        "key.unknown_kid",
    );
    unknown_case.keys.push(TestKey::derive("issuer-c"));
    Ok(vec![
        c(
            "decide_refused_signature",
            "a green status whose signature was changed (bit 0 of byte 10): deny with the error code, not the rules",
            vec![tampered(&green)?],
            "signature.invalid",
        ),
        c(
            "decide_refused_with_valid",
            "a valid green status and a tampered copy: a code that does not verify denies whatever else is presented",
            vec![green.clone(), tampered(&green)?],
            "signature.invalid",
        ),
        c(
            "decide_refused_expired",
            "a green status issued 73 hours ago, valid 72 hours: the code has expired",
            vec![expired],
            "time.expired",
        ),
        unknown_case,
    ])
}

fn sizes(w: &World) -> Result<Vec<DecisionCase>> {
    let deep = (0..8).fold(String::from(r#"{"recovery": {}}"#), |inner, i| {
        let combination = if i % 2 == 0 { "any_of" } else { "all_of" };
        format!(r#"{{"{combination}": [{inner}]}}"#)
    });
    let deep = rules(&format!(r#"{{"version": 1, "name": "deepest", "require": {deep}}}"#))?;
    let leaves = vec![r#"{"vaccination": {"min_days": 14}}"#; 62].join(", ");
    let wide = rules(&format!(
        r#"{{"version": 1, "name": "largest", "require": {{"any_of": [{leaves}, {{"recovery": {{}}}}]}}}}"#
    ))?;
    let code = || w.recovery("covid-19", super::rules::day(5), super::rules::day(-100), NOW);
    let deep_rule = format!("require{}.recovery", [".all_of[0]", ".any_of[0]"].repeat(4).concat());
    Ok(vec![
        with(
            w.case(
                "decide_depth_8",
                "eight nested any_of / all_of, the most allowed, around a recovery rule",
                &deep,
                NOW,
            ),
            vec![code()?],
            want("admit", "recovery.valid", &deep_rule),
        ),
        with(
            w.case(
                "decide_size_64",
                "64 requirements, the most allowed: an any_of of 62 vaccination rules and a recovery rule",
                &wide,
                NOW,
            ),
            vec![code()?],
            want("admit", "recovery.valid", "require.any_of[62].recovery"),
        ),
    ])
}
