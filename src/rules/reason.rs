//! Why a decision came out as it did: a stable code, the numbers that
//! matter, and a sentence in Chinese or English built from them.

use alloc::{format, string::String, vec::Vec};
use chrono::NaiveDate;

use super::{AccessRule, RecoveryRule, StatusRule, VaccinationRule, YellowPolicy};
use crate::model::{AccessPass, Colour, Disease, Role, TestType};

/// The reason for a decision. [`Reason::code`] is stable; the numbers are
/// whole hours or days, rounded so that a refusal never shows a number
/// inside the limit ("48 hours 1 minute ago").
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
// Each variant's documentation names what its fields hold.
#[allow(missing_docs)]
pub enum Reason {
    /// `status.green`: a green status, issued `age` ago.
    StatusGreen { age: Age },
    /// `status.yellow_admitted`: yellow, and the rules admit yellow.
    StatusYellowAdmitted { age: Age },
    /// `status.yellow`: yellow, and the rules deny it.
    StatusYellow,
    /// `status.red`.
    StatusRed,
    /// `status.too_old`: issued `age` ago, more than `max_hours`.
    StatusTooOld { age: Age, max_hours: u32 },
    /// `test.negative`: sampled `age` ago, within `max_hours`.
    TestNegative {
        test_type: TestType,
        age: Age,
        max_hours: u32,
    },
    /// `test.too_old`: sampled `age` ago, more than `max_hours`.
    TestTooOld {
        test_type: TestType,
        age: Age,
        max_hours: u32,
    },
    /// `test.positive`.
    TestPositive { test_type: TestType },
    /// `test.type_not_accepted`: the rules accept no test of this type.
    TestTypeNotAccepted { test_type: TestType },
    /// `test.in_future`: sampled after now (a clock or data error).
    TestInFuture { test_type: TestType },
    /// `vaccination.complete`: dose `dose` of `series_total`, `days` days ago.
    VaccinationComplete { dose: u8, series_total: u8, days: i64 },
    /// `vaccination.incomplete`: dose `dose` of `series_total`.
    VaccinationIncomplete { dose: u8, series_total: u8 },
    /// `vaccination.too_recent`: the last dose `days` days ago, fewer than `min_days`.
    VaccinationTooRecent { days: i64, min_days: u32 },
    /// `vaccination.too_old`: the last dose `days` days ago, `max_days` or more.
    VaccinationTooOld { days: i64, max_days: u32 },
    /// `vaccination.wrong_disease`.
    VaccinationWrongDisease { disease: Disease },
    /// `recovery.valid`: until `until`.
    RecoveryValid { until: NaiveDate },
    /// `recovery.not_yet_valid`: from `from`.
    RecoveryNotYetValid { from: NaiveDate },
    /// `recovery.expired`: was valid until `until`.
    RecoveryExpired { until: NaiveDate },
    /// `recovery.wrong_disease`.
    RecoveryWrongDisease { disease: Disease },
    /// `site.match`: a pass for this gate's site.
    SiteMatch { site: String, role: Role },
    /// `site.mismatch`: a pass for another site.
    SiteMismatch { pass_site: String, gate_site: String },
    /// `site.not_configured`: the rules need an access pass but the gate has no site.
    SiteNotConfigured,
    /// `role.not_allowed`.
    RoleNotAllowed { role: Role },
    /// `credential.missing`: none of the kinds the rule needs was presented.
    CredentialMissing { needed: Vec<&'static str> },
    /// `credential.none`: nothing was presented.
    NoCredential,
    /// `subject.mismatch`: the codes presented together are not of one person.
    SubjectMismatch,
    /// A code that did not verify; `code` is its error code (`revoked.credential`, ...).
    Refused { code: &'static str },
}

/// A duration shown in whole hours and minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    /// Whole seconds.
    pub seconds: i64,
    /// Round up to the minute (refusals) instead of down (admissions).
    round_up: bool,
}

impl Age {
    fn minutes(self) -> i64 {
        let m = self.seconds.max(0) / 60;
        if self.round_up && self.seconds % 60 != 0 {
            m + 1
        } else {
            m
        }
    }

    fn en(self) -> String {
        let m = self.minutes();
        let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        match (m / 60, m % 60) {
            (0, min) => unit(min, "minute", "minutes"),
            (h, 0) => unit(h, "hour", "hours"),
            (h, min) => format!("{} {}", unit(h, "hour", "hours"), unit(min, "minute", "minutes")),
        }
    }

    fn zh(self) -> String {
        let m = self.minutes();
        match (m / 60, m % 60) {
            (0, min) => format!("{min}分钟"),
            (h, 0) => format!("{h}小时"),
            (h, min) => format!("{h}小时{min}分钟"),
        }
    }
}

const SECONDS_PER_HOUR: i64 = 3600;
const SECONDS_PER_DAY: i64 = 86_400;

pub(super) fn status(rule: &StatusRule, colour: Colour, age_seconds: i64) -> Result<Reason, Reason> {
    if colour == Colour::Red {
        return Err(Reason::StatusRed);
    }
    if age_seconds > i64::from(rule.max_age_hours) * SECONDS_PER_HOUR {
        return Err(Reason::StatusTooOld {
            age: Age {
                seconds: age_seconds,
                round_up: true,
            },
            max_hours: rule.max_age_hours,
        });
    }
    let age = Age {
        seconds: age_seconds,
        round_up: false,
    };
    match (colour, rule.yellow) {
        (Colour::Yellow, YellowPolicy::Deny) => Err(Reason::StatusYellow),
        (Colour::Yellow, YellowPolicy::Admit) => Ok(Reason::StatusYellowAdmitted { age }),
        _ => Ok(Reason::StatusGreen { age }),
    }
}

pub(super) fn test(
    window: Option<u32>,
    test_type: TestType,
    negative: bool,
    age_seconds: i64,
) -> Result<Reason, Reason> {
    if !negative {
        return Err(Reason::TestPositive { test_type });
    }
    let Some(max_hours) = window else {
        return Err(Reason::TestTypeNotAccepted { test_type });
    };
    if age_seconds < 0 {
        return Err(Reason::TestInFuture { test_type });
    }
    if age_seconds > i64::from(max_hours) * SECONDS_PER_HOUR {
        return Err(Reason::TestTooOld {
            test_type,
            age: Age {
                seconds: age_seconds,
                round_up: true,
            },
            max_hours,
        });
    }
    Ok(Reason::TestNegative {
        test_type,
        age: Age {
            seconds: age_seconds,
            round_up: false,
        },
        max_hours,
    })
}

pub(super) fn vaccination(
    rule: &VaccinationRule,
    disease: Disease,
    dose: u8,
    series_total: u8,
    since_dose_seconds: i64,
) -> Result<Reason, Reason> {
    if disease != rule.disease {
        return Err(Reason::VaccinationWrongDisease { disease });
    }
    if dose < series_total {
        return Err(Reason::VaccinationIncomplete { dose, series_total });
    }
    let days = since_dose_seconds.div_euclid(SECONDS_PER_DAY);
    if since_dose_seconds < i64::from(rule.min_days) * SECONDS_PER_DAY {
        return Err(Reason::VaccinationTooRecent {
            days,
            min_days: rule.min_days,
        });
    }
    if let Some(max_days) = rule.max_days
        && since_dose_seconds >= i64::from(max_days) * SECONDS_PER_DAY
    {
        return Err(Reason::VaccinationTooOld { days, max_days });
    }
    Ok(Reason::VaccinationComplete {
        dose,
        series_total,
        days,
    })
}

pub(super) fn recovery(
    rule: &RecoveryRule,
    disease: Disease,
    started: bool,
    not_ended: bool,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Reason, Reason> {
    if disease != rule.disease {
        return Err(Reason::RecoveryWrongDisease { disease });
    }
    match (started, not_ended) {
        (false, _) => Err(Reason::RecoveryNotYetValid { from }),
        (_, false) => Err(Reason::RecoveryExpired { until }),
        _ => Ok(Reason::RecoveryValid { until }),
    }
}

pub(super) fn access(rule: &AccessRule, pass: &AccessPass, gate_site: Option<&str>) -> Result<Reason, Reason> {
    let Some(gate_site) = gate_site else {
        return Err(Reason::SiteNotConfigured);
    };
    if pass.site != gate_site {
        return Err(Reason::SiteMismatch {
            pass_site: pass.site.clone(),
            gate_site: gate_site.into(),
        });
    }
    if rule.roles.as_ref().is_some_and(|roles| !roles.contains(&pass.role)) {
        return Err(Reason::RoleNotAllowed { role: pass.role });
    }
    Ok(Reason::SiteMatch {
        site: pass.site.clone(),
        role: pass.role,
    })
}

impl Reason {
    /// Every reason code a decision can carry besides verification error
    /// codes (for label tables and coverage).
    pub const CODES: &'static [&'static str] = &[
        "status.green",
        "status.yellow_admitted",
        "status.yellow",
        "status.red",
        "status.too_old",
        "test.negative",
        "test.too_old",
        "test.positive",
        "test.type_not_accepted",
        "test.in_future",
        "vaccination.complete",
        "vaccination.incomplete",
        "vaccination.too_recent",
        "vaccination.too_old",
        "vaccination.wrong_disease",
        "recovery.valid",
        "recovery.not_yet_valid",
        "recovery.expired",
        "recovery.wrong_disease",
        "site.match",
        "site.mismatch",
        "site.not_configured",
        "role.not_allowed",
        "credential.missing",
        "credential.none",
        "subject.mismatch",
    ];

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::StatusGreen { .. } => "status.green",
            Reason::StatusYellowAdmitted { .. } => "status.yellow_admitted",
            Reason::StatusYellow => "status.yellow",
            Reason::StatusRed => "status.red",
            Reason::StatusTooOld { .. } => "status.too_old",
            Reason::TestNegative { .. } => "test.negative",
            Reason::TestTooOld { .. } => "test.too_old",
            Reason::TestPositive { .. } => "test.positive",
            Reason::TestTypeNotAccepted { .. } => "test.type_not_accepted",
            Reason::TestInFuture { .. } => "test.in_future",
            Reason::VaccinationComplete { .. } => "vaccination.complete",
            Reason::VaccinationIncomplete { .. } => "vaccination.incomplete",
            Reason::VaccinationTooRecent { .. } => "vaccination.too_recent",
            Reason::VaccinationTooOld { .. } => "vaccination.too_old",
            Reason::VaccinationWrongDisease { .. } => "vaccination.wrong_disease",
            Reason::RecoveryValid { .. } => "recovery.valid",
            Reason::RecoveryNotYetValid { .. } => "recovery.not_yet_valid",
            Reason::RecoveryExpired { .. } => "recovery.expired",
            Reason::RecoveryWrongDisease { .. } => "recovery.wrong_disease",
            Reason::SiteMatch { .. } => "site.match",
            Reason::SiteMismatch { .. } => "site.mismatch",
            Reason::SiteNotConfigured => "site.not_configured",
            Reason::RoleNotAllowed { .. } => "role.not_allowed",
            Reason::CredentialMissing { .. } => "credential.missing",
            Reason::NoCredential => "credential.none",
            Reason::SubjectMismatch => "subject.mismatch",
            Reason::Refused { code } => code,
        }
    }

    /// The reason as a sentence in `"zh"` (also `zh-CN`, ...) or English.
    pub fn text(&self, lang: &str) -> String {
        if crate::labels::primary_language(lang) == "zh" {
            self.zh()
        } else {
            self.en()
        }
    }

    fn en(&self) -> String {
        let test = |t: &TestType| match t {
            TestType::NucleicAcid => "nucleic-acid test",
            TestType::RapidAntigen => "rapid antigen test",
        };
        match self {
            Reason::StatusGreen { age } => format!("green health status, issued {} ago", age.en()),
            Reason::StatusYellowAdmitted { age } => {
                format!("yellow health status, admitted by the rules, issued {} ago", age.en())
            }
            Reason::StatusYellow => String::from("yellow health status: not admitted here"),
            Reason::StatusRed => String::from("red health status: not admitted"),
            Reason::StatusTooOld { age, max_hours } => {
                format!(
                    "health status issued {} ago; at most {max_hours} hours allowed",
                    age.en()
                )
            }
            Reason::TestNegative {
                test_type,
                age,
                max_hours,
            } => format!(
                "negative {} taken {} ago (at most {max_hours} hours allowed)",
                test(test_type),
                age.en()
            ),
            Reason::TestTooOld {
                test_type,
                age,
                max_hours,
            } => format!(
                "{} taken {} ago; at most {max_hours} hours allowed",
                test(test_type),
                age.en()
            ),
            Reason::TestPositive { test_type } => format!("positive {}", test(test_type)),
            Reason::TestTypeNotAccepted { test_type } => format!("a {} is not accepted here", test(test_type)),
            Reason::TestInFuture { test_type } => format!("{} sampled in the future: check the clock", test(test_type)),
            Reason::VaccinationComplete {
                dose,
                series_total,
                days,
            } => {
                format!("vaccinated: dose {dose} of {series_total}, {days} days ago")
            }
            Reason::VaccinationIncomplete { dose, series_total } => {
                format!("vaccination incomplete: dose {dose} of {series_total}")
            }
            Reason::VaccinationTooRecent { days, min_days } => {
                format!("last dose {days} days ago; counts from {min_days} days after it")
            }
            Reason::VaccinationTooOld { days, max_days } => {
                format!("last dose {days} days ago; counts for less than {max_days} days")
            }
            Reason::VaccinationWrongDisease { disease } => {
                format!("vaccination against {}, not the one required", disease.as_str())
            }
            Reason::RecoveryValid { until } => format!("recovered, valid until {until}"),
            Reason::RecoveryNotYetValid { from } => format!("recovery valid only from {from}"),
            Reason::RecoveryExpired { until } => format!("recovery was valid until {until}"),
            Reason::RecoveryWrongDisease { disease } => {
                format!("recovery from {}, not the one required", disease.as_str())
            }
            Reason::SiteMatch { site, role } => format!("access pass for {site} ({})", role.as_str()),
            Reason::SiteMismatch { pass_site, gate_site } => {
                format!("access pass for {pass_site}, not for this site ({gate_site})")
            }
            Reason::SiteNotConfigured => String::from("this gate has no site set; access passes cannot be checked"),
            Reason::RoleNotAllowed { role } => format!("access pass for a {}: not admitted here", role.as_str()),
            Reason::CredentialMissing { needed } => format!("needs: {}", needed.join(" or ").replace('_', " ")),
            Reason::NoCredential => String::from("no code presented"),
            Reason::SubjectMismatch => String::from("the codes shown are not of the same person"),
            Reason::Refused { code } => {
                let label = crate::labels::default_label(code, "en").unwrap_or("code refused");
                format!("{label} ({code})")
            }
        }
    }

    fn zh(&self) -> String {
        let test = |t: &TestType| match t {
            TestType::NucleicAcid => "核酸检测",
            TestType::RapidAntigen => "抗原检测",
        };
        let role = |r: &Role| match r {
            Role::Resident => "居民",
            Role::Staff => "工作人员",
            Role::Visitor => "访客",
        };
        match self {
            Reason::StatusGreen { age } => format!("绿码，{}前签发", age.zh()),
            Reason::StatusYellowAdmitted { age } => format!("黄码，按规则放行，{}前签发", age.zh()),
            Reason::StatusYellow => String::from("黄码：此处不予通行"),
            Reason::StatusRed => String::from("红码：不予通行"),
            Reason::StatusTooOld { age, max_hours } => {
                format!("健康码签发于{}前；最多允许{max_hours}小时", age.zh())
            }
            Reason::TestNegative {
                test_type,
                age,
                max_hours,
            } => {
                format!(
                    "{}阴性，采样于{}前（最多允许{max_hours}小时）",
                    test(test_type),
                    age.zh()
                )
            }
            Reason::TestTooOld {
                test_type,
                age,
                max_hours,
            } => {
                format!("{}采样于{}前；最多允许{max_hours}小时", test(test_type), age.zh())
            }
            Reason::TestPositive { test_type } => format!("{}阳性", test(test_type)),
            Reason::TestTypeNotAccepted { test_type } => format!("此处不接受{}", test(test_type)),
            Reason::TestInFuture { test_type } => format!("{}采样时间在未来：请检查时间", test(test_type)),
            Reason::VaccinationComplete {
                dose,
                series_total,
                days,
            } => {
                format!("已完成接种：第{dose}剂（共{series_total}剂），{days}天前")
            }
            Reason::VaccinationIncomplete { dose, series_total } => {
                format!("未完成全程接种：第{dose}剂（共{series_total}剂）")
            }
            Reason::VaccinationTooRecent { days, min_days } => {
                format!("最后一剂接种于{days}天前；需满{min_days}天")
            }
            Reason::VaccinationTooOld { days, max_days } => {
                format!("最后一剂接种于{days}天前；有效期不足{max_days}天")
            }
            Reason::VaccinationWrongDisease { disease } => format!("接种疫苗针对{}，不符合要求", disease.as_str()),
            Reason::RecoveryValid { until } => format!("已康复，有效期至{until}"),
            Reason::RecoveryNotYetValid { from } => format!("康复证明自{from}起有效"),
            Reason::RecoveryExpired { until } => format!("康复证明已于{until}到期"),
            Reason::RecoveryWrongDisease { disease } => format!("康复证明针对{}，不符合要求", disease.as_str()),
            Reason::SiteMatch { site, role: r } => format!("{site}通行证（{}）", role(r)),
            Reason::SiteMismatch { pass_site, gate_site } => {
                format!("通行证属于{pass_site}，不是本处（{gate_site}）")
            }
            Reason::SiteNotConfigured => String::from("本闸机未设置地点，无法核验通行证"),
            Reason::RoleNotAllowed { role: r } => format!("{}通行证：此处不予通行", role(r)),
            Reason::CredentialMissing { needed } => {
                let names: Vec<&str> = needed
                    .iter()
                    .map(|n| match *n {
                        "health_status" => "健康码",
                        "negative_test" => "阴性检测证明",
                        "vaccination" => "疫苗接种证明",
                        "recovery" => "康复证明",
                        "access_pass" => "通行证",
                        other => other,
                    })
                    .collect();
                format!("需出示：{}", names.join("或"))
            }
            Reason::NoCredential => String::from("未出示凭证码"),
            Reason::SubjectMismatch => String::from("出示的凭证码不属于同一人"),
            Reason::Refused { code } => {
                let label = crate::labels::default_label(code, "zh").unwrap_or("凭证码无效");
                format!("{label}（{code}）")
            }
        }
    }
}
