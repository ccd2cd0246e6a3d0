//! Entry-decision vectors (`test-vectors/rules/`, SPEC.md §13): each window
//! at its limit, one second inside and one second outside, every reason of
//! a leaf (date windows in `rules_dates`); combinations, several credentials, ID checks, names and refused
//! codes in `rules_more`; malformed rule sets in `rules_malformed`.

use chrono::{NaiveDate, TimeDelta};
use qrcred::{Credential, RuleSet};
use serde_json::json;

use super::case::Result;
use super::fixture::{Fixture, HOUR, ISSUED, ISSUER_A, TestKey, Trust, credential, instant};
use super::rules_case::{Code, DecisionCase, MalformedCase, Want, mint, want};

/// One day, in seconds.
pub const DAY: i64 = 24 * HOUR;
/// The gate's clock in most cases: 2026-11-25T09:00:00Z.
pub const NOW: i64 = ISSUED + HOUR;
/// 2026-11-25T00:00:00Z, the day the date windows are measured to.
pub const MIDNIGHT: i64 = ISSUED - 8 * HOUR;
/// The gate's site.
pub const SITE: &str = "XA-0001";

/// The keys and helpers every case draws on.
pub struct World<'a> {
    pub fx: &'a Fixture,
    /// Signs the bundle that carries each rule set in the self-check.
    pub root: TestKey,
}

/// A rule set from its JSON text.
pub fn rules(json: &str) -> Result<RuleSet> {
    Ok(RuleSet::from_json(json)?)
}

/// The date `days` days before 2026-11-25.
pub fn day(days: i64) -> NaiveDate {
    (instant(MIDNIGHT) - TimeDelta::days(days)).date_naive()
}

impl World<'_> {
    /// A case at `now` (seconds), at gate [`SITE`], codes signed by issuer-a.
    pub fn case(&self, name: &str, description: &str, rules: &RuleSet, now: i64) -> DecisionCase {
        DecisionCase {
            name: name.into(),
            description: description.into(),
            rules: rules.clone(),
            keys: vec![self.fx.a.clone()],
            trust: vec![Trust::of(&self.fx.a, ISSUER_A)],
            site: Some(SITE.into()),
            now: instant(now),
            codes: Vec::new(),
            want: want("deny", "unset", ""),
            id_numbers: Vec::new(),
            root: self.root.clone(),
        }
    }

    /// Issues `credential` at `iat` (seconds), valid 400 days (a health
    /// status: 72 hours, the most it may be).
    pub fn code(&self, credential: &Credential, iat: i64) -> Result<Code> {
        let validity = match credential.kind().max_validity_hours() {
            Some(hours) => TimeDelta::hours(hours.into()),
            None => TimeDelta::days(400),
        };
        mint(&self.fx.a, credential, instant(iat), validity)
    }

    /// A health status of `colour` issued at `iat`, valid 72 hours.
    pub fn status(&self, colour: &str, iat: i64) -> Result<Code> {
        let c = credential("health_status", json!({ "colour": colour }))?;
        mint(&self.fx.a, &c, instant(iat), TimeDelta::hours(72))
    }

    /// A test of `test_type` with `result`, sampled at `sampled`, issued a minute before `now`.
    pub fn test(&self, test_type: &str, result: &str, sampled: i64, now: i64) -> Result<Code> {
        let body = json!({
            "disease": "covid-19",
            "test_type": test_type,
            "result": result,
            "sampled_at": rfc(sampled),
            "country": "CN"
        });
        self.code(&credential("test_result", body)?, now - 60)
    }

    /// A vaccination, dose `dose` of `total` against `disease` on `date`, issued a minute before `now`.
    pub fn vaccination(&self, disease: &str, dose: u8, total: u8, date: NaiveDate, now: i64) -> Result<Code> {
        let body = json!({
            "disease": disease,
            "product": "BBIBP-CorV",
            "manufacturer": "Sinopharm",
            "dose": dose,
            "series_total": total,
            "date": date.to_string(),
            "country": "CN"
        });
        self.code(&credential("vaccination", body)?, now - 60)
    }

    /// A recovery from `disease`, valid from `from` until `until`, issued a minute before `now`.
    pub fn recovery(&self, disease: &str, from: NaiveDate, until: NaiveDate, now: i64) -> Result<Code> {
        let body = json!({
            "disease": disease,
            "first_positive": (from - TimeDelta::days(11)).to_string(),
            "valid_from": from.to_string(),
            "valid_until": until.to_string(),
            "country": "CN"
        });
        self.code(&credential("recovery", body)?, now - 60)
    }

    /// An access pass for `site` and `role`, issued an hour before [`NOW`].
    pub fn pass(&self, site: &str, role: &str) -> Result<Code> {
        let body = json!({ "site": site, "unit": "3-1502", "role": role });
        self.code(&credential("access_pass", body)?, NOW - HOUR)
    }
}

/// RFC 3339 of `secs`.
pub fn rfc(secs: i64) -> String {
    super::json::rfc3339(instant(secs))
}

/// `case` with `codes` presented and `want` expected.
pub fn with(mut case: DecisionCase, codes: Vec<Code>, want: Want) -> DecisionCase {
    case.codes = codes;
    case.want = want;
    case
}

/// Every rules vector: decisions, then malformed rule sets.
pub fn cases(fx: &Fixture) -> Result<(Vec<DecisionCase>, Vec<MalformedCase>)> {
    let w = World {
        fx,
        root: TestKey::derive("root-a"),
    };
    let mut decisions = status(&w)?;
    decisions.extend(tests(&w)?);
    decisions.extend(super::rules_dates::cases(&w)?);
    decisions.extend(super::rules_more::cases(&w)?);
    let malformed = super::rules_malformed::cases(&w)?;
    Ok((decisions, malformed))
}

pub const STATUS_JSON: &str =
    r#"{"version": 3, "name": "status-24h", "require": {"health_status": {"max_age_hours": 24}}}"#;

fn status(w: &World) -> Result<Vec<DecisionCase>> {
    let r = rules(STATUS_JSON)?;
    let yellow = rules(
        r#"{"version": 1, "name": "status-yellow-ok", "require": {"health_status": {"max_age_hours": 24, "yellow": "admit"}}}"#,
    )?;
    let rule = "require.health_status";
    let c = |name, description, rules: &RuleSet, code: Code, verdict, reason| {
        with(
            w.case(name, description, rules, NOW),
            vec![code],
            want(verdict, reason, rule),
        )
    };
    let limit = NOW - 24 * HOUR;
    Ok(vec![
        c(
            "decide_status_green",
            "green, issued an hour ago: admit",
            &r,
            w.status("green", NOW - HOUR)?,
            "admit",
            "status.green",
        ),
        c(
            "decide_status_age_at_limit",
            "green, issued exactly 24 hours ago (max_age_hours 24): admit",
            &r,
            w.status("green", limit)?,
            "admit",
            "status.green",
        ),
        c(
            "decide_status_age_inside",
            "green, issued 23:59:59 ago: admit",
            &r,
            w.status("green", limit + 1)?,
            "admit",
            "status.green",
        ),
        c(
            "decide_status_age_outside",
            "green, issued 24:00:01 ago: too old, the age shown rounded up to 24 hours 1 minute",
            &r,
            w.status("green", limit - 1)?,
            "deny",
            "status.too_old",
        ),
        c(
            "decide_status_yellow_denied",
            "yellow, the rules deny yellow (the default)",
            &r,
            w.status("yellow", NOW - HOUR)?,
            "deny",
            "status.yellow",
        ),
        c(
            "decide_status_yellow_admitted",
            "yellow, the rules admit yellow",
            &yellow,
            w.status("yellow", NOW - HOUR)?,
            "admit",
            "status.yellow_admitted",
        ),
        c(
            "decide_status_red",
            "red",
            &yellow,
            w.status("red", NOW - HOUR)?,
            "deny",
            "status.red",
        ),
        c(
            "decide_status_red_too_old",
            "red and too old: red is reported first",
            &r,
            w.status("red", limit - 1)?,
            "deny",
            "status.red",
        ),
        c(
            "decide_status_yellow_too_old",
            "yellow (admitted) and too old: too old is reported before yellow",
            &yellow,
            w.status("yellow", limit - 1)?,
            "deny",
            "status.too_old",
        ),
    ])
}

pub const TESTS_JSON: &str = r#"{"version": 2, "name": "test-48-24", "require": {"negative_test": {"nucleic_acid_hours": 48, "rapid_antigen_hours": 24}}}"#;

fn tests(w: &World) -> Result<Vec<DecisionCase>> {
    let r = rules(TESTS_JSON)?;
    let pcr_only =
        rules(r#"{"version": 1, "name": "pcr-72", "require": {"negative_test": {"nucleic_acid_hours": 72}}}"#)?;
    let rule = "require.negative_test";
    let c = |name, description, rules: &RuleSet, code: Code, verdict, reason| {
        with(
            w.case(name, description, rules, NOW),
            vec![code],
            want(verdict, reason, rule),
        )
    };
    let (na, ra) = ("nucleic_acid", "rapid_antigen");
    let t = |kind, result, sampled| w.test(kind, result, sampled, NOW);
    Ok(vec![
        c(
            "decide_test_nucleic_acid_negative",
            "negative nucleic-acid test sampled 5 hours ago",
            &r,
            t(na, "negative", NOW - 5 * HOUR)?,
            "admit",
            "test.negative",
        ),
        c(
            "decide_test_nucleic_acid_at_limit",
            "nucleic acid sampled exactly 48 hours ago: admit",
            &r,
            t(na, "negative", NOW - 48 * HOUR)?,
            "admit",
            "test.negative",
        ),
        c(
            "decide_test_nucleic_acid_inside",
            "nucleic acid sampled 47:59:59 ago: admit",
            &r,
            t(na, "negative", NOW - 48 * HOUR + 1)?,
            "admit",
            "test.negative",
        ),
        c(
            "decide_test_nucleic_acid_outside",
            "nucleic acid sampled 48:00:01 ago: too old",
            &r,
            t(na, "negative", NOW - 48 * HOUR - 1)?,
            "deny",
            "test.too_old",
        ),
        c(
            "decide_test_rapid_antigen_at_limit",
            "rapid antigen sampled exactly 24 hours ago: admit",
            &r,
            t(ra, "negative", NOW - 24 * HOUR)?,
            "admit",
            "test.negative",
        ),
        c(
            "decide_test_rapid_antigen_inside",
            "rapid antigen sampled 23:59:59 ago: admit",
            &r,
            t(ra, "negative", NOW - 24 * HOUR + 1)?,
            "admit",
            "test.negative",
        ),
        c(
            "decide_test_rapid_antigen_outside",
            "rapid antigen sampled 24:00:01 ago: too old",
            &r,
            t(ra, "negative", NOW - 24 * HOUR - 1)?,
            "deny",
            "test.too_old",
        ),
        c(
            "decide_test_positive",
            "a positive nucleic-acid test",
            &r,
            t(na, "positive", NOW - 5 * HOUR)?,
            "deny",
            "test.positive",
        ),
        c(
            "decide_test_type_not_accepted",
            "a negative rapid antigen test; the rules have a window only for nucleic acid",
            &pcr_only,
            t(ra, "negative", NOW - HOUR)?,
            "deny",
            "test.type_not_accepted",
        ),
        c(
            "decide_test_sampled_now",
            "sampled at the gate's now exactly: admit",
            &r,
            t(na, "negative", NOW)?,
            "admit",
            "test.negative",
        ),
        c(
            "decide_test_in_future",
            "sampled one second after now: a clock or data error",
            &r,
            t(na, "negative", NOW + 1)?,
            "deny",
            "test.in_future",
        ),
    ])
}
