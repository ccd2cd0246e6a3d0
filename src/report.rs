//! The JSON reports of a verification and of an entry decision: the shapes
//! `verify --json` and `gate --json` print, and the objects the WebAssembly
//! package returns (README, "JSON reports"). One definition serves every
//! path, so a code gets the same report from the command line and from a
//! binding.
//!
//! ```
//! # use qrcred::report::{Labels, RefusedReport};
//! let error = qrcred::Verifier::new(qrcred::TrustStore::new()).verify("QC1:", chrono::DateTime::UNIX_EPOCH).unwrap_err();
//! let json = serde_json::to_string(&RefusedReport::new(&error, &Labels::new(None, Some("en")))).unwrap();
//! assert!(json.starts_with(r#"{"valid":false,"error":{"code":"base45.empty""#));
//! ```

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::keys::Hex;
use crate::{Credential, Decision, Error, RevocationId, TrustBundle, Verdict, Verified, default_label};

/// Where refusal and warning labels come from, and in which language: the
/// bundle's label tables when there is a bundle (with the built-in labels
/// under them), else the built-in ones; none without a language.
#[derive(Debug, Clone, Copy, Default)]
pub struct Labels<'a> {
    bundle: Option<&'a TrustBundle>,
    lang: Option<&'a str>,
}

impl<'a> Labels<'a> {
    /// Labels from `bundle` (or the built-in ones) in `lang` (none when `None`).
    pub fn new(bundle: Option<&'a TrustBundle>, lang: Option<&'a str>) -> Labels<'a> {
        Labels { bundle, lang }
    }

    /// The label of `code`, if any.
    pub fn of(&self, code: &str) -> Option<&'a str> {
        let lang = self.lang?;
        match self.bundle {
            Some(bundle) => bundle.label(code, lang),
            None => default_label(code, lang),
        }
    }
}

/// A code that verified: `{"valid": true, "kind", "issuer", "issuer_name"?,
/// "kid", "revocation_id", "issued_at", "valid_from", "expires_at", "cti",
/// "warnings": [{"code", "label"?}], "credential"}`, times in RFC 3339 UTC
/// whole seconds, `kid`, `revocation_id` and `cti` in hex (`cti` null when
/// the code has none). An `HC1:` code's report adds `"format": "HC1"` and
/// `"hcert"`, the signed certificate (feature `hcert`).
#[derive(Debug, Clone, Serialize)]
pub struct ValidReport<'a> {
    valid: bool,
    kind: &'static str,
    issuer: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer_name: Option<&'a str>,
    kid: String,
    revocation_id: String,
    issued_at: String,
    valid_from: String,
    expires_at: String,
    cti: Option<String>,
    warnings: Vec<WarningReport<'a>>,
    credential: &'a Credential,
    /// `"HC1"` for an EU DCC / WHO GDHCN code (absent for `QC1:` codes).
    #[cfg(feature = "hcert")]
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    /// The signed health certificate of an `HC1:` code.
    #[cfg(feature = "hcert")]
    #[serde(skip_serializing_if = "Option::is_none")]
    hcert: Option<&'a crate::hcert::HealthCertificate>,
}

/// A warning with an accepted code.
#[derive(Debug, Clone, Serialize)]
struct WarningReport<'a> {
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

impl<'a> ValidReport<'a> {
    /// The report of `verified`, its warnings labelled by `labels`.
    pub fn new(verified: &'a Verified, labels: &Labels<'a>) -> ValidReport<'a> {
        ValidReport {
            valid: true,
            kind: verified.kind().as_str(),
            issuer: verified.issuer(),
            issuer_name: verified.issuer_name(),
            kid: verified.kid().to_string(),
            revocation_id: verified.revocation_id().to_string(),
            issued_at: rfc3339(verified.issued_at()),
            valid_from: rfc3339(verified.valid_from()),
            expires_at: rfc3339(verified.expires_at()),
            cti: verified.cti().map(|cti| Hex(&cti).to_string()),
            warnings: verified
                .warnings()
                .iter()
                .map(|w| WarningReport {
                    code: w.code(),
                    label: labels.of(w.code()),
                })
                .collect(),
            credential: verified.credential(),
            #[cfg(feature = "hcert")]
            format: verified.health_certificate().map(|_| "HC1"),
            #[cfg(feature = "hcert")]
            hcert: verified.health_certificate(),
        }
    }
}

/// A refused code: `{"valid": false, "error": {"code", "message", "label"?}}`.
#[derive(Debug, Clone, Serialize)]
pub struct RefusedReport<'a> {
    valid: bool,
    error: ErrorReport<'a>,
}

/// An error: its stable code (SPEC.md §9), the message, and its label.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport<'a> {
    code: &'static str,
    message: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

impl<'a> ErrorReport<'a> {
    /// An error with `code` and `message`, labelled by `labels`.
    pub fn with_code(code: &'static str, message: impl Into<Cow<'a, str>>, labels: &Labels<'a>) -> ErrorReport<'a> {
        ErrorReport {
            code,
            message: message.into(),
            label: labels.of(code),
        }
    }

    /// The report of a library error.
    pub fn new(error: &Error, labels: &Labels<'a>) -> ErrorReport<'a> {
        ErrorReport::with_code(error.code(), error.to_string(), labels)
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl<'a> RefusedReport<'a> {
    /// The report of a code refused with `error`.
    pub fn new(error: &Error, labels: &Labels<'a>) -> RefusedReport<'a> {
        RefusedReport::from_error(ErrorReport::new(error, labels))
    }

    /// The report of a refusal described by `error` (also for refusals that
    /// are no library error, such as an image holding no code).
    pub fn from_error(error: ErrorReport<'a>) -> RefusedReport<'a> {
        RefusedReport { valid: false, error }
    }
}

/// An entry decision for one person: `{"verdict": "admit" | "check_id" |
/// "deny", "code", "text", "rule", "rule_set": {"name", "version"},
/// "colour"?, "name"?, "revocation_ids": [...]}`, `text` in the language
/// asked for, `revocation_ids` those of the codes that verified.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionReport<'a> {
    verdict: Verdict,
    code: &'static str,
    text: String,
    rule: &'a str,
    rule_set: RuleSetReport<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    colour: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    revocation_ids: Vec<String>,
}

/// The rule set that decided.
#[derive(Debug, Clone, Serialize)]
struct RuleSetReport<'a> {
    name: &'a str,
    version: u32,
}

impl<'a> DecisionReport<'a> {
    /// The report of `decision`, its text in `lang` (`"zh"` or `"en"`), with
    /// the revocation ids `ids` of the codes that verified.
    pub fn new(decision: &'a Decision, lang: &str, ids: &[RevocationId]) -> DecisionReport<'a> {
        DecisionReport {
            verdict: decision.verdict,
            code: decision.code(),
            text: decision.text(lang),
            rule: &decision.rule,
            rule_set: RuleSetReport {
                name: &decision.rule_set.0,
                version: decision.rule_set.1,
            },
            colour: decision.colour.map(|c| c.as_str()),
            name: decision.name.as_deref(),
            revocation_ids: ids.iter().map(ToString::to_string).collect(),
        }
    }
}

/// An instant as RFC 3339 UTC, whole seconds, with a `Z`.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A loaded trust bundle: `{"sequence", "issued_at", "expires_at",
/// "signed_by", "keys", "revoked", "rules": {"name", "version"} | null}`.
#[derive(Debug, Clone, Serialize)]
pub struct BundleReport<'a> {
    sequence: u64,
    issued_at: String,
    expires_at: String,
    signed_by: String,
    keys: usize,
    revoked: usize,
    rules: Option<RuleSetReport<'a>>,
}

impl<'a> BundleReport<'a> {
    /// The report of `bundle`.
    pub fn new(bundle: &'a TrustBundle) -> BundleReport<'a> {
        BundleReport {
            sequence: bundle.sequence(),
            issued_at: rfc3339(bundle.issued_at()),
            expires_at: rfc3339(bundle.expires_at()),
            signed_by: bundle.signed_by().to_string(),
            keys: bundle.keys().count(),
            revoked: bundle.revoked_count(),
            rules: bundle.rules().map(|r| RuleSetReport {
                name: &r.name,
                version: r.version,
            }),
        }
    }
}

/// The result of loading a bundle: `{"ok": true, "bundle": {...}}` or
/// `{"ok": false, "error": {"code", "message", "label"?}}`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum LoadReport<'a> {
    /// The bundle loaded.
    Loaded {
        /// Always true.
        ok: bool,
        /// The bundle now in use.
        bundle: BundleReport<'a>,
    },
    /// The bundle was refused; the one in use is unchanged.
    Refused {
        /// Always false.
        ok: bool,
        /// Why.
        error: ErrorReport<'a>,
    },
}

impl<'a> LoadReport<'a> {
    /// A bundle that loaded.
    pub fn loaded(bundle: &'a TrustBundle) -> LoadReport<'a> {
        LoadReport::Loaded {
            ok: true,
            bundle: BundleReport::new(bundle),
        }
    }

    /// A bundle refused with `error`.
    pub fn refused(error: &Error, labels: &Labels<'a>) -> LoadReport<'a> {
        LoadReport::Refused {
            ok: false,
            error: ErrorReport::new(error, labels),
        }
    }
}
