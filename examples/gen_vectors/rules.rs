//! Entry-decision vectors (`test-vectors/rules/`, SPEC.md §13): each window
//! at its limit, one second inside and one second outside, every reason of
//! a leaf; combinations, several credentials, ID checks, names and refused
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
    decisions.extend(vaccination(&w)?);
    decisions.extend(recovery(&w)?);
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

const VACCINATION: &str =
    r#"{"version": 1, "name": "vaccinated-14-270", "require": {"vaccination": {"min_days": 14, "max_days": 270}}}"#;

fn vaccination(w: &World) -> Result<Vec<DecisionCase>> {
    let r = rules(VACCINATION)?;
    let rule = "require.vaccination";
    let c = |name, description, now: i64, code: Code, verdict, reason| {
        with(
            w.case(name, description, &r, now),
            vec![code],
            want(verdict, reason, rule),
        )
    };
    let (min, max) = (MIDNIGHT + 14 * DAY, MIDNIGHT + 270 * DAY);
    let v = |dose, total, now| w.vaccination("covid-19", dose, total, day(0), now);
    Ok(vec![
        c(
            "decide_vaccination_min_at_limit",
            "dose 2 of 2 on 2026-11-25; now = 00:00 UTC 14 days later: admit",
            min,
            v(2, 2, min)?,
            "admit",
            "vaccination.complete",
        ),
        c(
            "decide_vaccination_min_inside",
            "now one second after the 14 days: admit",
            min + 1,
            v(2, 2, min + 1)?,
            "admit",
            "vaccination.complete",
        ),
        c(
            "decide_vaccination_min_outside",
            "now one second before the 14 days: too recent (13 days shown)",
            min - 1,
            v(2, 2, min - 1)?,
            "deny",
            "vaccination.too_recent",
        ),
        c(
            "decide_vaccination_max_at_limit",
            "now = 00:00 UTC 270 days after the dose: max_days reached, too old",
            max,
            v(2, 2, max)?,
            "deny",
            "vaccination.too_old",
        ),
        c(
            "decide_vaccination_max_inside",
            "now one second before the 270 days: admit",
            max - 1,
            v(2, 2, max - 1)?,
            "admit",
            "vaccination.complete",
        ),
        c(
            "decide_vaccination_max_outside",
            "now one second after the 270 days: too old",
            max + 1,
            v(2, 2, max + 1)?,
            "deny",
            "vaccination.too_old",
        ),
        c(
            "decide_vaccination_booster",
            "dose 3 of a series of 2 (a booster), 30 days ago: complete",
            MIDNIGHT + 30 * DAY,
            v(3, 2, MIDNIGHT + 30 * DAY)?,
            "admit",
            "vaccination.complete",
        ),
        c(
            "decide_vaccination_incomplete",
            "dose 1 of 2, 30 days ago",
            MIDNIGHT + 30 * DAY,
            v(1, 2, MIDNIGHT + 30 * DAY)?,
            "deny",
            "vaccination.incomplete",
        ),
        c(
            "decide_vaccination_wrong_disease",
            "dose 2 of 2 against influenza; the rules require COVID-19 (the default)",
            MIDNIGHT + 30 * DAY,
            w.vaccination("influenza", 2, 2, day(0), MIDNIGHT + 30 * DAY)?,
            "deny",
            "vaccination.wrong_disease",
        ),
    ])
}

const RECOVERY: &str = r#"{"version": 1, "name": "recovered", "require": {"recovery": {}}}"#;

fn recovery(w: &World) -> Result<Vec<DecisionCase>> {
    let r = rules(RECOVERY)?;
    let rule = "require.recovery";
    // Valid from 2026-11-25 until 2027-01-24 (through that day).
    let (from, until) = (day(0), day(-60));
    let end = MIDNIGHT + 61 * DAY;
    let c = |name, description, now: i64, verdict, reason| -> Result<DecisionCase> {
        let code = w.recovery("covid-19", from, until, now.min(NOW))?;
        Ok(with(
            w.case(name, description, &r, now),
            vec![code],
            want(verdict, reason, rule),
        ))
    };
    Ok(vec![
        c(
            "decide_recovery_from_at_limit",
            "valid from 2026-11-25; now 2026-11-25T00:00:00Z: admit",
            MIDNIGHT,
            "admit",
            "recovery.valid",
        )?,
        c(
            "decide_recovery_from_inside",
            "now one second after 00:00 UTC of valid_from: admit",
            MIDNIGHT + 1,
            "admit",
            "recovery.valid",
        )?,
        c(
            "decide_recovery_from_outside",
            "now one second before valid_from: not yet valid",
            MIDNIGHT - 1,
            "deny",
            "recovery.not_yet_valid",
        )?,
        c(
            "decide_recovery_until_at_limit",
            "valid until 2027-01-24; now 2027-01-25T00:00:00Z, the end of that day: expired",
            end,
            "deny",
            "recovery.expired",
        )?,
        c(
            "decide_recovery_until_inside",
            "now 2027-01-24T23:59:59Z, the last second of valid_until: admit",
            end - 1,
            "admit",
            "recovery.valid",
        )?,
        c(
            "decide_recovery_until_outside",
            "now one second after the end of valid_until: expired",
            end + 1,
            "deny",
            "recovery.expired",
        )?,
        with(
            w.case(
                "decide_recovery_wrong_disease",
                "a recovery from mpox; the rules require COVID-19",
                &r,
                NOW,
            ),
            vec![w.recovery("mpox", from, until, NOW)?],
            want("deny", "recovery.wrong_disease", rule),
        ),
    ])
}
