//! Entry decisions (SPEC.md §13): a typed rule set, evaluated offline
//! against verified credentials and `now`, gives `Admit`, `Deny` or
//! `CheckId` with the rule that decided, a stable reason code and a text in
//! Chinese and English with the numbers that matter.
//!
//! A rule set is data: JSON for a scanner's local file, strict CBOR inside
//! the signed trust bundle (field 9), the same structure in both. Times are
//! compared as UTC instants (dates as 00:00 UTC), so no time zone or
//! daylight-saving change can move a window. The decision carries only what
//! a door needs to show; nothing is stored or logged.

mod reason;
mod wire;

use alloc::{format, string::String, vec::Vec};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, LimitsError, Result, RulesError};
use crate::model::{Colour, CredentialBody, Disease, IdDigest, Role, Subject, TestOutcome, TestType};
use crate::verifier::Verified;
pub use reason::{Age, Reason};
pub(crate) use wire::{from_value, to_value};

/// Deepest nesting of `any_of` / `all_of`.
pub const MAX_RULE_DEPTH: usize = 8;
/// Most requirements (leaves and combinations) in one rule set.
pub const MAX_RULE_NODES: usize = 64;
/// Longest window in hours (a year).
const MAX_HOURS: u32 = 24 * 366;
/// Longest window in days (ten years).
const MAX_DAYS: u32 = 3660;

/// A versioned admission policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The policy's version; grows with every change.
    pub version: u32,
    /// A name for the policy, shown with decisions (1 to 64 bytes).
    pub name: String,
    /// What a person must present.
    pub require: Requirement,
    /// Whether an admitted person whose credential carries an identity
    /// digest must show an ID document (`CheckId`). Default true.
    #[serde(default = "yes")]
    pub check_id: bool,
    /// How the person's name is shown with a decision. Default initials.
    #[serde(default)]
    pub show_name: NameDisplay,
}

fn yes() -> bool {
    true
}

/// One requirement: a condition on one kind of credential, or a combination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Requirement {
    /// A health status issued within `max_age_hours`: green admits, red
    /// denies, yellow as `yellow` says.
    HealthStatus(StatusRule),
    /// A negative test, sampled within the window of its type.
    NegativeTest(TestRule),
    /// A complete vaccination series (boosters count), at least
    /// `min_days` after the last dose and, when set, less than `max_days`.
    Vaccination(VaccinationRule),
    /// A recovery, within its valid-from / valid-until dates.
    Recovery(RecoveryRule),
    /// An access pass for the gate's site, for one of the roles (any when absent).
    AccessPass(AccessRule),
    /// At least one of these.
    AnyOf(Vec<Requirement>),
    /// Every one of these.
    AllOf(Vec<Requirement>),
}

/// See [`Requirement::HealthStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRule {
    /// How long after issue a status counts (hours).
    pub max_age_hours: u32,
    /// Whether yellow admits.
    #[serde(default)]
    pub yellow: YellowPolicy,
}

/// What a yellow health status does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YellowPolicy {
    /// Yellow is refused (`status.yellow`).
    #[default]
    Deny,
    /// Yellow passes (`status.yellow_admitted`).
    Admit,
}

/// See [`Requirement::NegativeTest`]. A type without a window is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestRule {
    /// Hours a nucleic-acid (PCR) test counts from sample collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nucleic_acid_hours: Option<u32>,
    /// Hours a rapid antigen test counts from sample collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rapid_antigen_hours: Option<u32>,
}

/// See [`Requirement::Vaccination`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaccinationRule {
    /// The disease (default COVID-19).
    #[serde(default = "covid")]
    pub disease: Disease,
    /// Days after the last dose before it counts.
    pub min_days: u32,
    /// Days after the last dose it stops counting, if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_days: Option<u32>,
}

/// See [`Requirement::Recovery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryRule {
    /// The disease (default COVID-19).
    #[serde(default = "covid")]
    pub disease: Disease,
}

fn covid() -> Disease {
    Disease::Covid19
}

/// See [`Requirement::AccessPass`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRule {
    /// The roles admitted; all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
}

/// How much of the name a decision shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameDisplay {
    /// The whole name.
    Full,
    /// Initials (`W. X.`) for Latin names, the first character and a star
    /// per further character (`王**`) for others.
    #[default]
    Initials,
    /// No name.
    Hidden,
}

/// The outcome at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Let the person in.
    Admit,
    /// Valid, but match the identity digest against an ID document first
    /// ([`Decision::matches_id`]).
    CheckId,
    /// Do not let the person in; the reason says why.
    Deny,
}

/// Where the rules are applied: the gate's site and the current time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    /// The site id access passes must name, if this gate has one.
    pub site: Option<String>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// A decision for one person, with what the door may show and nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Admit, check ID, or deny.
    pub verdict: Verdict,
    /// Why, with a stable code and the numbers that matter.
    pub reason: Reason,
    /// The requirement that decided, as a path (`require.all_of[1].negative_test`).
    pub rule: String,
    /// The rule set's name and version.
    pub rule_set: (String, u32),
    /// The health status colour, when a status was presented.
    pub colour: Option<Colour>,
    /// The name as the rule set says to show it.
    pub name: Option<String>,
    id_digests: Vec<IdDigest>,
}

impl Decision {
    /// The stable reason code (`test.too_old`, `status.red`, ...).
    pub fn code(&self) -> &'static str {
        self.reason.code()
    }

    /// The reason for the person, in `"zh"` or `"en"` (anything else: English).
    pub fn text(&self, lang: &str) -> String {
        self.reason.text(lang)
    }

    /// For `CheckId`: whether the number on the ID document matches.
    pub fn matches_id(&self, id_number: &str) -> bool {
        !self.id_digests.is_empty() && self.id_digests.iter().all(|d| d.matches(id_number))
    }
}

impl RuleSet {
    /// Longest rule set file (JSON text) [`RuleSet::from_json`] reads:
    /// 64 KiB, many times what the 64 requirements a rule set may hold take in
    /// pretty-printed JSON; a longer text is refused before it is parsed.
    pub const MAX_JSON_LEN: usize = 64 * 1024;

    /// Reads a rule set from JSON (a scanner's local file) and checks it.
    /// A text longer than [`RuleSet::MAX_JSON_LEN`] is refused unread
    /// (`limits.field_too_long`).
    pub fn from_json(json: &str) -> Result<RuleSet> {
        if json.len() > RuleSet::MAX_JSON_LEN {
            return Err(LimitsError::FieldTooLong {
                field: "rule set",
                max: RuleSet::MAX_JSON_LEN,
            }
            .into());
        }
        let rules: RuleSet = serde_json::from_str(json).map_err(|e| RulesError::Malformed {
            detail: format!("{e}").chars().take(160).collect(),
        })?;
        rules.check()?;
        Ok(rules)
    }

    /// The rule set as JSON (two-space indented).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| RulesError::Malformed { detail: format!("{e}") }.into())
    }

    /// Checks the rule set: name length and characters (no control or
    /// invisible character, SPEC.md §7.6), windows in range, depth, size,
    /// no empty combinations, no empty role list, no test rule accepting nothing.
    pub fn check(&self) -> Result<()> {
        if self.name.is_empty() || self.name.len() > 64 || crate::model::has_invisible(&self.name) {
            return Err(RulesError::InvalidValue { field: "name" }.into());
        }
        let mut nodes = 0;
        check_requirement(&self.require, 1, &mut nodes)
    }

    /// Decides for one person who presented `credentials` (each verified;
    /// several codes of one person may be shown together).
    pub fn decide(&self, credentials: &[Verified], gate: &Gate) -> Decision {
        let subject = credentials.first().map(|v| &v.credential().subject);
        let decision = |verdict, reason, rule: &str| Decision {
            verdict,
            reason,
            rule: String::from(rule),
            rule_set: (self.name.clone(), self.version),
            colour: colour(credentials),
            name: subject.and_then(|s| shown_name(s, self.show_name)),
            id_digests: Vec::new(),
        };
        if subject.is_none() {
            return decision(Verdict::Deny, Reason::NoCredential, "require");
        }
        if !one_person(credentials) {
            return decision(Verdict::Deny, Reason::SubjectMismatch, "require");
        }
        let outcome = evaluate(&self.require, credentials, gate, &mut String::from("require"));
        match outcome {
            Outcome::Pass { reason, rule, used } => {
                let digests: Vec<IdDigest> = used
                    .iter()
                    .filter_map(|&i| credentials[i].credential().subject.id_digest)
                    .collect();
                if self.check_id && !digests.is_empty() {
                    let mut d = decision(Verdict::CheckId, reason, &rule);
                    d.id_digests = digests;
                    d
                } else {
                    decision(Verdict::Admit, reason, &rule)
                }
            }
            Outcome::Fail { reason, rule, .. } => decision(Verdict::Deny, reason, &rule),
        }
    }

    /// Decides for one person from the result of verifying each code they
    /// presented, in the order presented: the first code that did not
    /// verify denies with its error's code ([`refused`]; it may be a
    /// forgery), else [`RuleSet::decide`] decides on them all. Returns the
    /// decision and the codes that verified. Every door of the project
    /// (the `gate` example, the bindings) decides through this.
    pub fn decide_results(
        &self,
        results: impl IntoIterator<Item = Result<Verified>>,
        gate: &Gate,
    ) -> (Decision, Vec<Verified>) {
        let mut verified = Vec::new();
        let mut refusal = None;
        for result in results {
            match result {
                Ok(v) => verified.push(v),
                Err(e) => {
                    refusal.get_or_insert(e);
                }
            }
        }
        let decision = match refusal {
            Some(e) => refused(&e, self),
            None => self.decide(&verified, gate),
        };
        (decision, verified)
    }
}

/// The decision for a code that did not verify: deny, with the error's code.
pub fn refused(error: &Error, rules: &RuleSet) -> Decision {
    Decision {
        verdict: Verdict::Deny,
        reason: Reason::Refused { code: error.code() },
        rule: String::from("verification"),
        rule_set: (rules.name.clone(), rules.version),
        colour: None,
        name: None,
        id_digests: Vec::new(),
    }
}

fn check_requirement(r: &Requirement, depth: usize, nodes: &mut usize) -> Result<()> {
    *nodes += 1;
    if *nodes > MAX_RULE_NODES {
        return Err(RulesError::TooLarge { max: MAX_RULE_NODES }.into());
    }
    // `depth` counts the combinations around this requirement plus one:
    // only a combination nested in eight others is too deep (SPEC.md §13.1,
    // "at most 8 levels of any_of / all_of").
    let combination = matches!(r, Requirement::AnyOf(_) | Requirement::AllOf(_));
    if combination && depth > MAX_RULE_DEPTH {
        return Err(RulesError::TooDeep { max: MAX_RULE_DEPTH }.into());
    }
    let hours = |h: u32, field| {
        if h == 0 || h > MAX_HOURS {
            Err(Error::from(RulesError::InvalidValue { field }))
        } else {
            Ok(())
        }
    };
    match r {
        Requirement::HealthStatus(s) => hours(s.max_age_hours, "health_status.max_age_hours"),
        Requirement::NegativeTest(t) => {
            if t.nucleic_acid_hours.is_none() && t.rapid_antigen_hours.is_none() {
                return Err(RulesError::InvalidValue { field: "negative_test" }.into());
            }
            t.nucleic_acid_hours
                .map_or(Ok(()), |h| hours(h, "negative_test.nucleic_acid_hours"))?;
            t.rapid_antigen_hours
                .map_or(Ok(()), |h| hours(h, "negative_test.rapid_antigen_hours"))
        }
        Requirement::Vaccination(v) => {
            let too_long = v.min_days > MAX_DAYS || v.max_days.is_some_and(|m| m > MAX_DAYS);
            if too_long || v.max_days.is_some_and(|m| m <= v.min_days) {
                return Err(RulesError::InvalidValue {
                    field: "vaccination.max_days",
                }
                .into());
            }
            Ok(())
        }
        Requirement::Recovery(_) => Ok(()),
        Requirement::AccessPass(a) => match &a.roles {
            Some(roles) if roles.is_empty() => Err(RulesError::InvalidValue {
                field: "access_pass.roles",
            }
            .into()),
            _ => Ok(()),
        },
        Requirement::AnyOf(list) | Requirement::AllOf(list) => {
            if list.is_empty() {
                return Err(RulesError::InvalidValue { field: "any_of/all_of" }.into());
            }
            list.iter().try_for_each(|r| check_requirement(r, depth + 1, nodes))
        }
    }
}

/// How a requirement came out.
enum Outcome {
    /// Met by the credentials at these indices.
    Pass {
        reason: Reason,
        rule: String,
        used: Vec<usize>,
    },
    /// Not met; `presented` is whether a credential of the kind was shown
    /// (a failure about a shown credential explains more than a missing one).
    Fail {
        reason: Reason,
        rule: String,
        presented: bool,
    },
}

fn evaluate(r: &Requirement, creds: &[Verified], gate: &Gate, path: &mut String) -> Outcome {
    match r {
        Requirement::AnyOf(list) | Requirement::AllOf(list) => {
            let all = matches!(r, Requirement::AllOf(_));
            let name = if all { "all_of" } else { "any_of" };
            let mut used = Vec::new();
            let mut reasons = Vec::new();
            let mut best_failure: Option<Outcome> = None;
            for (i, child) in list.iter().enumerate() {
                let mut child_path = format!("{path}.{name}[{i}]");
                match evaluate(child, creds, gate, &mut child_path) {
                    Outcome::Pass { reason, rule, used: u } if !all => return Outcome::Pass { reason, rule, used: u },
                    Outcome::Pass { reason, rule, used: u } => {
                        used.extend(u);
                        reasons.push((reason, rule));
                    }
                    failure @ Outcome::Fail { .. } if all => return failure,
                    failure @ Outcome::Fail { presented, .. } => {
                        let keep = match &best_failure {
                            None => true,
                            Some(Outcome::Fail { presented: had, .. }) => presented && !had,
                            Some(Outcome::Pass { .. }) => false,
                        };
                        if keep {
                            best_failure = Some(failure);
                        }
                    }
                }
            }
            if all {
                // Every child passed: the last one decided.
                let (reason, rule) = reasons.pop().unwrap_or((Reason::NoCredential, path.clone()));
                return Outcome::Pass { reason, rule, used };
            }
            match best_failure {
                Some(Outcome::Fail {
                    presented: true,
                    reason,
                    rule,
                }) => Outcome::Fail {
                    reason,
                    rule,
                    presented: true,
                },
                _ => Outcome::Fail {
                    reason: Reason::CredentialMissing {
                        needed: needed_kinds(list),
                    },
                    rule: format!("{path}.{name}"),
                    presented: false,
                },
            }
        }
        leaf => {
            let path = format!("{path}.{}", leaf_name(leaf));
            evaluate_leaf(leaf, creds, gate, path)
        }
    }
}

fn leaf_name(r: &Requirement) -> &'static str {
    match r {
        Requirement::HealthStatus(_) => "health_status",
        Requirement::NegativeTest(_) => "negative_test",
        Requirement::Vaccination(_) => "vaccination",
        Requirement::Recovery(_) => "recovery",
        Requirement::AccessPass(_) => "access_pass",
        Requirement::AnyOf(_) => "any_of",
        Requirement::AllOf(_) => "all_of",
    }
}

/// The leaf kinds a combination asks for, for `credential.missing`.
fn needed_kinds(list: &[Requirement]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for r in list {
        match r {
            Requirement::AnyOf(inner) | Requirement::AllOf(inner) => out.extend(needed_kinds(inner)),
            leaf => out.push(leaf_name(leaf)),
        }
    }
    out.dedup();
    out
}

/// Whole seconds from `from` to `to` (negative when `to` is earlier).
fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_seconds()
}

/// 00:00 UTC of a date.
fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

fn evaluate_leaf(r: &Requirement, creds: &[Verified], gate: &Gate, rule: String) -> Outcome {
    // Every credential of the kind is judged; a pass wins, else the failure
    // of the most recently issued one explains the refusal.
    let mut failure: Option<(DateTime<Utc>, Reason)> = None;
    for (i, v) in creds.iter().enumerate() {
        let judged = match (r, &v.credential().body) {
            (Requirement::HealthStatus(rule), CredentialBody::HealthStatus(s)) => {
                Some(reason::status(rule, s.colour, seconds(v.issued_at(), gate.now)))
            }
            (Requirement::NegativeTest(rule), CredentialBody::TestResult(t)) => {
                let window = match t.test_type {
                    TestType::NucleicAcid => rule.nucleic_acid_hours,
                    TestType::RapidAntigen => rule.rapid_antigen_hours,
                };
                Some(reason::test(
                    window,
                    t.test_type,
                    t.result == TestOutcome::Negative,
                    seconds(t.sampled_at, gate.now),
                ))
            }
            (Requirement::Vaccination(rule), CredentialBody::Vaccination(vac)) => Some(reason::vaccination(
                rule,
                vac.disease,
                vac.dose,
                vac.series_total,
                seconds(midnight(vac.date), gate.now),
            )),
            (Requirement::Recovery(rule), CredentialBody::Recovery(rec)) => {
                // The end of valid_until; beyond the range of time, never.
                let until = midnight(rec.valid_until).checked_add_signed(TimeDelta::days(1));
                Some(reason::recovery(
                    rule,
                    rec.disease,
                    gate.now >= midnight(rec.valid_from),
                    until.is_none_or(|until| gate.now < until),
                    rec.valid_from,
                    rec.valid_until,
                ))
            }
            (Requirement::AccessPass(rule), CredentialBody::AccessPass(pass)) => {
                Some(reason::access(rule, pass, gate.site.as_deref()))
            }
            _ => None,
        };
        match judged {
            Some(Ok(reason)) => {
                return Outcome::Pass {
                    reason,
                    rule,
                    used: alloc::vec![i],
                };
            }
            Some(Err(reason)) if failure.as_ref().is_none_or(|(at, _)| v.issued_at() >= *at) => {
                failure = Some((v.issued_at(), reason));
            }
            Some(Err(_)) | None => {}
        }
    }
    match failure {
        Some((_, reason)) => Outcome::Fail {
            reason,
            rule,
            presented: true,
        },
        None => Outcome::Fail {
            reason: Reason::CredentialMissing {
                needed: alloc::vec![leaf_name(r)],
            },
            rule,
            presented: false,
        },
    }
}

/// The colour of the first health status presented.
fn colour(creds: &[Verified]) -> Option<Colour> {
    creds.iter().find_map(|v| match &v.credential().body {
        CredentialBody::HealthStatus(s) => Some(s.colour),
        _ => None,
    })
}

/// Whether every pair of credentials names the same person: names and
/// birth dates equal, and every identity digest present equal to every
/// other. Comparing each with the first alone is not enough: a first
/// credential without a digest would let two with different digests (a
/// holder's and a namesake's) combine.
fn one_person(credentials: &[Verified]) -> bool {
    let mut subjects = credentials.iter().map(|v| &v.credential().subject);
    let Some(first) = subjects.next() else {
        return true;
    };
    let mut digest = first.id_digest;
    for s in subjects {
        if s.family_name != first.family_name || s.given_name != first.given_name || s.birth_date != first.birth_date {
            return false;
        }
        match (digest, s.id_digest) {
            (Some(d), Some(e)) if d != e => return false,
            (None, Some(e)) => digest = Some(e),
            _ => {}
        }
    }
    true
}

fn shown_name(s: &Subject, display: NameDisplay) -> Option<String> {
    let full = match &s.given_name {
        Some(given) if s.family_name.is_ascii() => format!("{} {given}", s.family_name),
        Some(given) => format!("{}{given}", s.family_name),
        None => s.family_name.clone(),
    };
    match display {
        NameDisplay::Hidden => None,
        NameDisplay::Full => Some(full),
        NameDisplay::Initials if s.family_name.is_ascii() => {
            let initial = |n: &str| n.chars().next().map(|c| format!("{c}."));
            let parts = [Some(s.family_name.as_str()), s.given_name.as_deref()];
            Some(
                parts
                    .iter()
                    .flatten()
                    .filter_map(|n| initial(n))
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        }
        NameDisplay::Initials => {
            let mut chars = full.chars();
            let first = chars.next()?;
            Some(core::iter::once(first).chain(chars.map(|_| '*')).collect())
        }
    }
}
