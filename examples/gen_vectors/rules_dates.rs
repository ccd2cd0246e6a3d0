//! Entry-decision vectors measured in days (SPEC.md §13.2): vaccination
//! min/max days and recovery valid-from/valid-until, each at 00:00 UTC of
//! its limit, one second inside and one second outside.

use super::case::Result;
use super::rules::{DAY, MIDNIGHT, NOW, World, day, rules, with};
use super::rules_case::{Code, DecisionCase, want};

/// Every case of this module.
pub fn cases(w: &World) -> Result<Vec<DecisionCase>> {
    let mut all = vaccination(w)?;
    all.extend(recovery(w)?);
    Ok(all)
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
