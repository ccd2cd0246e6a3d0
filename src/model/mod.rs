//! The typed credential model: who it is about and what it says.
//!
//! Every type is serde-serializable (the JSON form is what the `mint`
//! example reads) and validated the same way when issuing and when
//! verifying. Wire codes for every enum are listed in SPEC.md.

mod kinds;
mod subject;

use serde::{Deserialize, Serialize};

use crate::error::{ClaimsError, LimitsError, Result};

pub use kinds::{
    AccessPass, Colour, Disease, HealthStatus, Manufacturer, Recovery, Role, StatusReason, TestOutcome, TestResult,
    TestType, Vaccination, VaccineProduct,
};
pub use subject::{BirthDate, IdDigest, Subject};

/// A credential: a subject and exactly one kind of statement about them.
///
/// ```
/// use qrcred::{BirthDate, Colour, Credential, CredentialBody, HealthStatus, Subject};
///
/// let credential = Credential {
///     subject: Subject::new("王", "小明", BirthDate::Year(1990)).with_icao("WANG", "XIAOMING"),
///     body: CredentialBody::HealthStatus(HealthStatus { colour: Colour::Green, reason: None }),
/// };
/// assert_eq!(credential.kind().as_str(), "health_status");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// The person the credential is about.
    pub subject: Subject,
    /// What the credential states.
    #[serde(flatten)]
    pub body: CredentialBody,
}

/// What a credential states: one of the five kinds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CredentialBody {
    /// A health status colour.
    HealthStatus(HealthStatus),
    /// A vaccination dose.
    Vaccination(Vaccination),
    /// A test result.
    TestResult(TestResult),
    /// Recovery from an infection.
    Recovery(Recovery),
    /// A residence or site access pass.
    AccessPass(AccessPass),
}

/// The kind of a credential, as a trust store restricts keys by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Kind {
    /// [`HealthStatus`].
    HealthStatus,
    /// [`Vaccination`].
    Vaccination,
    /// [`TestResult`].
    TestResult,
    /// [`Recovery`].
    Recovery,
    /// [`AccessPass`].
    AccessPass,
}

impl Kind {
    /// Every kind, in wire-key order.
    pub const ALL: [Kind; 5] = [
        Kind::HealthStatus,
        Kind::Vaccination,
        Kind::TestResult,
        Kind::Recovery,
        Kind::AccessPass,
    ];

    /// The snake_case name used in JSON and in error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::HealthStatus => "health_status",
            Kind::Vaccination => "vaccination",
            Kind::TestResult => "test_result",
            Kind::Recovery => "recovery",
            Kind::AccessPass => "access_pass",
        }
    }

    /// The key of this kind inside the credential body map (SPEC.md §7).
    pub(crate) fn wire_key(self) -> u64 {
        match self {
            Kind::HealthStatus => 2,
            Kind::Vaccination => 3,
            Kind::TestResult => 4,
            Kind::Recovery => 5,
            Kind::AccessPass => 6,
        }
    }

    /// The kind with this body-map key.
    pub(crate) fn from_wire_key(key: u64) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.wire_key() == key)
    }

    /// Whether codes of this kind get a `cti` by default so they can be revoked.
    ///
    /// Health status codes live hours, not months, and carry none.
    pub fn revocable_by_default(self) -> bool {
        self != Kind::HealthStatus
    }

    /// The longest validity an issuer may give this kind, if it is bounded.
    ///
    /// A health status colour must be refreshed often; a code that says
    /// "green" for a month would defeat it.
    pub fn max_validity_hours(self) -> Option<u32> {
        match self {
            Kind::HealthStatus => Some(HealthStatus::MAX_VALIDITY_HOURS),
            _ => None,
        }
    }
}

impl core::fmt::Display for Kind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Credential {
    /// The kind of this credential.
    pub fn kind(&self) -> Kind {
        match self.body {
            CredentialBody::HealthStatus(_) => Kind::HealthStatus,
            CredentialBody::Vaccination(_) => Kind::Vaccination,
            CredentialBody::TestResult(_) => Kind::TestResult,
            CredentialBody::Recovery(_) => Kind::Recovery,
            CredentialBody::AccessPass(_) => Kind::AccessPass,
        }
    }

    /// Checks every field against the format's rules (lengths, alphabets,
    /// ranges). The issuer and the verifier both call it.
    pub fn validate(&self) -> Result<()> {
        self.subject.validate()?;
        match &self.body {
            CredentialBody::HealthStatus(_) => Ok(()),
            CredentialBody::Vaccination(v) => v.validate(),
            CredentialBody::TestResult(t) => t.validate(),
            CredentialBody::Recovery(r) => r.validate(),
            CredentialBody::AccessPass(a) => a.validate(),
        }
    }
}

/// Checks a free-text field: not empty, at most `max` bytes of UTF-8, no
/// invisible character ([`has_invisible`]).
pub(crate) fn check_text(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(ClaimsError::InvalidValue { field }.into());
    }
    if value.len() > max {
        return Err(LimitsError::FieldTooLong { field, max }.into());
    }
    if has_invisible(value) {
        return Err(ClaimsError::InvisibleChar { field }.into());
    }
    Ok(())
}

/// The characters no shown text may hold (SPEC.md §7.6): every control
/// (general category Cc), format (Cf, which holds the bidirectional
/// embeddings, overrides, isolates and marks, the zero-width characters,
/// the soft hyphen and the byte order mark) and line or paragraph separator
/// (Zl, Zp) of Unicode 15. Each can make a signed text display as another
/// (U+202E reverses what follows) or hide part of it.
const INVISIBLE: &[(char, char)] = &[
    ('\u{0000}', '\u{001F}'),
    ('\u{007F}', '\u{009F}'),
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether `text` holds a character of [`INVISIBLE`].
pub(crate) fn has_invisible(text: &str) -> bool {
    text.chars()
        .any(|c| INVISIBLE.iter().any(|&(low, high)| (low..=high).contains(&c)))
}

/// Checks an ISO 3166-1 alpha-2 country code (two upper-case letters).
pub(crate) fn check_country(field: &'static str, value: &str) -> Result<()> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(ClaimsError::InvalidValue { field }.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_ranges_and_their_neighbours() {
        for &(low, high) in INVISIBLE {
            assert!(has_invisible(&low.to_string()) && has_invisible(&high.to_string()));
        }
        // Just outside: the space, tilde, no-break space, hyphen, LRM's
        // neighbour U+2010, the word joiner's neighbour U+205F (a space),
        // U+FFFC (object replacement, a symbol).
        for c in [
            ' ', '~', '\u{A0}', '\u{AC}', '\u{200A}', '\u{2010}', '\u{2027}', '\u{205F}', '\u{FFFC}',
        ] {
            assert!(!has_invisible(&c.to_string()), "{c:?}");
        }
        assert_eq!(
            check_text("subject.family_name", "王\u{202E}", 80).map_err(|e| e.code()),
            Err("claims.invisible_char")
        );
    }
}
