//! A door scanner as the bindings see it: the keys it trusts (a signed
//! trust bundle loaded through its persisted state, and/or a plain trust
//! list), its entry rules, limits, clock skew and stale policy, set from
//! JSON options, with reports in the JSON shapes of [`crate::report`].
//!
//! The WebAssembly package and the C ABI (`bindings/`) wrap this one type,
//! so a code gets the same verdict and the same report through every
//! binding. Rust programs can use it too, or the parts it is made of
//! ([`Verifier`], [`TrustState`], [`RuleSet`]).
//!
//! ```
//! use qrcred::scanner::{Scanner, ScannerOptions};
//! let options = ScannerOptions::from_json(r#"{"trust": [{"public_key":
//!     "b677f4520bc3c03b0ae07f37956b33cc612a891a966ddf9c5c6c066121ad6029", "issuer": "CN-SN-XA"}]}"#)?;
//! let scanner = Scanner::open(&options, None, None, chrono::Utc::now())?;
//! assert_eq!(scanner.verify("QC1:", chrono::Utc::now()).unwrap_err().code(), "base45.empty");
//! # Ok::<(), qrcred::Error>(())
//! ```

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;

use crate::error::{Error, LimitsError, OptionsError, Result, TimeError};
use crate::report::Labels;
use crate::rules::{Decision, Gate, RuleSet};
use crate::trust::{KeyResolver, RevocationId, TrustStore, TrustValidity, TrustedKey};
use crate::verifier::{StalePolicy, Verified, Verifier};
use crate::{Kid, Kind, Limits, PublicKey, TrustBundle, TrustState};

/// Most codes one person may present at once ([`Scanner::decide`]).
pub const MAX_CODES_PER_PERSON: usize = 8;

/// Longest options text [`ScannerOptions::from_json`] reads: 1 MiB (a
/// trust list of thousands of keys).
pub const MAX_OPTIONS_LEN: usize = 1 << 20;

/// The options of a [`Scanner`], read from JSON: every field optional, no
/// other field allowed.
///
/// `{"roots": [PEM or hex], "trust": [{"public_key", "issuer",
/// "display_name"?, "valid_from"?, "valid_until"?, "kinds"?}], "rules":
/// {...} | "rules_json": "...", "clock_skew_seconds": 300, "limits":
/// {"max_text_len", ...}, "stale": {"grace_seconds", "refuse"}}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScannerOptions {
    /// Pinned root keys (SPKI PEM or 64 hex digits) for a trust bundle.
    #[serde(default)]
    roots: Vec<String>,
    /// A plain trust list, beside or instead of a bundle.
    #[serde(default)]
    trust: Vec<TrustEntry>,
    /// Document Signer Certificates for `HC1:` codes (feature `hcert`),
    /// beside or instead of a bundle's: each a PEM text of one or more
    /// certificates.
    #[serde(default)]
    dscs: Vec<String>,
    /// A local rule set (its JSON form), instead of the bundle's.
    #[serde(default)]
    rules: Option<serde_json::Value>,
    /// The same as JSON text, read exactly as [`RuleSet::from_json`] reads a file.
    #[serde(default)]
    rules_json: Option<String>,
    /// Clock skew in seconds (default 300, at most 86,400).
    #[serde(default)]
    clock_skew_seconds: Option<i64>,
    /// Limits replacing the defaults, field by field.
    #[serde(default)]
    limits: Option<LimitsOptions>,
    /// How stale trust is treated (default: warn, no grace).
    #[serde(default)]
    stale: Option<StaleOptions>,
}

/// One entry of a plain trust list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustEntry {
    /// 64 hex digits, or an SPKI PEM.
    public_key: String,
    issuer: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_until: Option<String>,
    /// The kinds the key may sign (all five when absent).
    #[serde(default)]
    kinds: Option<Vec<Kind>>,
    /// Accepted (test vectors carry it) and checked against the key.
    #[serde(default)]
    kid: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsOptions {
    max_text_len: Option<usize>,
    max_inflated_len: Option<usize>,
    max_cbor_depth: Option<usize>,
    max_cbor_items: Option<usize>,
    max_image_pixels: Option<usize>,
    max_bundle_len: Option<usize>,
    max_bundle_items: Option<usize>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct StaleOptions {
    grace_seconds: i64,
    refuse: bool,
}

fn invalid(detail: impl Into<String>) -> Error {
    OptionsError::Invalid { detail: detail.into() }.into()
}

impl ScannerOptions {
    /// Reads options from JSON text; `options.invalid` when it is not JSON,
    /// is longer than [`MAX_OPTIONS_LEN`], or has a field of the wrong type
    /// or one this version does not know.
    pub fn from_json(text: &str) -> Result<ScannerOptions> {
        if text.len() > MAX_OPTIONS_LEN {
            return Err(invalid(format!("the options are longer than {MAX_OPTIONS_LEN} bytes")));
        }
        serde_json::from_str(text).map_err(|e| invalid(format!("{e}")))
    }

    /// The limits: the defaults with the given fields replaced. Not checked
    /// here: the library refuses limits above their ceilings where it reads
    /// with them (`limits.out_of_range` from verify), as the Rust API does.
    fn limits(&self) -> Limits {
        let Some(l) = self.limits else {
            return Limits::DEFAULT;
        };
        let d = Limits::DEFAULT;
        d.with_max_text_len(l.max_text_len.unwrap_or(d.max_text_len))
            .with_max_inflated_len(l.max_inflated_len.unwrap_or(d.max_inflated_len))
            .with_max_cbor_depth(l.max_cbor_depth.unwrap_or(d.max_cbor_depth))
            .with_max_cbor_items(l.max_cbor_items.unwrap_or(d.max_cbor_items))
            .with_max_image_pixels(l.max_image_pixels.unwrap_or(d.max_image_pixels))
            .with_max_bundle_len(l.max_bundle_len.unwrap_or(d.max_bundle_len))
            .with_max_bundle_items(l.max_bundle_items.unwrap_or(d.max_bundle_items))
    }

    fn settings(&self) -> Result<Settings> {
        let skew = match self.clock_skew_seconds {
            Some(s) if (0..=86_400).contains(&s) => TimeDelta::seconds(s),
            Some(s) => return Err(invalid(format!("clock_skew_seconds {s} is not within 0 to 86400"))),
            None => Verifier::<TrustStore>::DEFAULT_CLOCK_SKEW,
        };
        let stale = match self.stale {
            Some(s) if (0..=366 * 86_400).contains(&s.grace_seconds) => StalePolicy {
                grace: TimeDelta::seconds(s.grace_seconds),
                refuse: s.refuse,
            },
            Some(s) => {
                return Err(invalid(format!(
                    "stale.grace_seconds {} is not within 0 to 31622400",
                    s.grace_seconds
                )));
            }
            None => StalePolicy::default(),
        };
        Ok(Settings {
            skew,
            limits: self.limits(),
            stale,
        })
    }

    fn rules(&self) -> Result<Option<RuleSet>> {
        match (&self.rules, &self.rules_json) {
            (Some(_), Some(_)) => Err(invalid("give rules as an object or as JSON text, not both")),
            (Some(value), None) => RuleSet::from_json(&value.to_string()).map(Some),
            (None, Some(text)) => RuleSet::from_json(text).map(Some),
            (None, None) => Ok(None),
        }
    }
}

/// A public key given as an SPKI PEM or as 64 hex digits.
pub fn public_key_from_text(text: &str) -> Result<PublicKey> {
    if text.trim_start().starts_with("-----BEGIN") {
        return PublicKey::from_spki_pem(text);
    }
    let bytes = crate::keys::parse_hex::<32>(text).ok_or(crate::KeyError::InvalidEncoding)?;
    PublicKey::from_bytes(&bytes)
}

/// An instant from milliseconds since the Unix epoch (a binding's clock
/// value); `time.out_of_range` beyond what chrono holds.
pub fn unix_millis(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| TimeError::OutOfRange.into())
}

fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|e| invalid(format!("{field}: {e}")))
}

impl TrustEntry {
    fn to_trusted_key(&self) -> Result<TrustedKey> {
        let key = public_key_from_text(&self.public_key)?;
        if let Some(kid) = &self.kid
            && Kid::from_hex(kid) != Some(key.kid())
        {
            return Err(invalid(format!("trust: kid {kid} is not the kid of its public key")));
        }
        let from = self
            .valid_from
            .as_deref()
            .map(|t| parse_time("valid_from", t))
            .transpose()?;
        let until = self
            .valid_until
            .as_deref()
            .map(|t| parse_time("valid_until", t))
            .transpose()?;
        let mut entry = TrustedKey::new(key, &self.issuer).with_window(from, until);
        if let Some(kinds) = &self.kinds {
            entry = entry.with_kinds(kinds);
        }
        if let Some(name) = &self.display_name {
            entry = entry.with_display_name(name);
        }
        Ok(entry)
    }
}

// --- trust -----------------------------------------------------------------

/// The keys a scanner trusts: a loaded bundle, a plain trust list, or both.
/// For a kid both know, the bundle's entries come first; revocations and
/// freshness are the bundle's. `verify --bundle --trust` uses it too.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// The loaded trust bundle, if any.
    pub bundle: Option<TrustBundle>,
    /// Keys trusted beside (or without) a bundle.
    pub store: TrustStore,
}

impl KeyResolver for Trust {
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]> {
        let from_bundle = self.bundle.as_ref().map(|b| b.keys_for(kid));
        match (from_bundle, self.store.keys_for(kid)) {
            (None, own) => own,
            (Some(theirs), own) if own.is_empty() => theirs,
            (Some(theirs), own) => Cow::Owned(theirs.iter().chain(own.iter()).cloned().collect()),
        }
    }

    fn is_revoked(&self, id: RevocationId) -> bool {
        self.bundle.as_ref().is_some_and(|b| b.is_revoked(id))
    }

    fn revokes_credentials(&self) -> bool {
        self.bundle.as_ref().is_some_and(KeyResolver::revokes_credentials)
    }

    fn trust_validity(&self) -> Option<TrustValidity> {
        self.bundle.as_ref().and_then(KeyResolver::trust_validity)
    }

    #[cfg(feature = "hcert")]
    fn dscs_for(&self, kid: Kid) -> Cow<'_, [crate::hcert::Dsc]> {
        let from_bundle = self.bundle.as_ref().map(|b| b.dscs_for(kid));
        match (from_bundle, self.store.dscs_for(kid)) {
            (None, own) => own,
            (Some(theirs), own) if own.is_empty() => theirs,
            (Some(theirs), own) => Cow::Owned(theirs.iter().chain(own.iter()).cloned().collect()),
        }
    }
}

/// Settings kept to rebuild the verifier when a newer bundle is loaded.
#[derive(Debug, Clone, Copy)]
struct Settings {
    skew: TimeDelta,
    limits: Limits,
    stale: StalePolicy,
}

impl Settings {
    fn verifier(&self, trust: Trust, newest_seen: Option<DateTime<Utc>>) -> Verifier<Trust> {
        Verifier::new(trust)
            .with_limits(self.limits)
            .with_clock_skew(self.skew)
            .with_stale_policy(self.stale)
            .with_newest_seen(newest_seen)
    }
}

// --- the scanner -------------------------------------------------------------

/// A door scanner: trust, entry rules, and the verifier's memory of the
/// newest issue time seen. `verify`, `decide` and `state` take `&self`:
/// one scanner may serve several threads.
#[derive(Debug)]
pub struct Scanner {
    verifier: Verifier<Trust>,
    state: Option<TrustState>,
    local_rules: Option<RuleSet>,
    settings: Settings,
}

impl Scanner {
    /// Opens a scanner with `options`, the bytes of a trust bundle file
    /// and of a persisted trust state (SPEC.md §12.5), when given. The
    /// bundle is loaded at `now` through the state (rollback, clock and
    /// signature checks, SPEC.md §12.4): its errors are the library's
    /// (`trust.rollback`, `trust.unknown_root`, ...). A bundle needs a
    /// pinned root (in `roots` or in the state); a state needs a bundle.
    pub fn open(
        options: &ScannerOptions,
        bundle: Option<&[u8]>,
        state: Option<&[u8]>,
        now: DateTime<Utc>,
    ) -> Result<Scanner> {
        let settings = options.settings()?;
        let mut store = TrustStore::new();
        for entry in &options.trust {
            store.add(entry.to_trusted_key()?);
        }
        #[cfg(feature = "hcert")]
        for pem in &options.dscs {
            for dsc in crate::hcert::Dsc::from_pem(pem)? {
                store.add_dsc(dsc);
            }
        }
        #[cfg(not(feature = "hcert"))]
        if !options.dscs.is_empty() {
            return Err(invalid("dscs need the hcert feature, which this build lacks"));
        }
        let local_rules = options.rules()?;
        let mut roots = Vec::new();
        for root in &options.roots {
            roots.push(public_key_from_text(root)?);
        }
        let (state, loaded) = match bundle {
            Some(bytes) => {
                let mut state = match state {
                    Some(saved) => TrustState::from_bytes(saved)?,
                    None => TrustState::new(&[]),
                }
                .with_clock_skew(settings.skew)
                .with_limits(settings.limits);
                // A state that already moved on to a newer root keeps its own set.
                if state.sequence().is_none() {
                    for root in &roots {
                        state.add_root(*root);
                    }
                }
                if state.roots().is_empty() {
                    return Err(invalid("a bundle needs at least one pinned root (roots)"));
                }
                let loaded = state.load(bytes, now)?;
                (Some(state), Some(loaded))
            }
            None if state.is_some() => return Err(invalid("a trust state is given without a bundle")),
            None => (None, None),
        };
        let newest_seen = state.as_ref().and_then(TrustState::newest_seen);
        let trust = Trust { bundle: loaded, store };
        Ok(Scanner {
            verifier: settings.verifier(trust, newest_seen),
            state,
            local_rules,
            settings,
        })
    }

    /// Verifies one code text at `now`.
    pub fn verify(&self, text: &str, now: DateTime<Utc>) -> Result<Verified> {
        self.verifier.verify(text, now)
    }

    /// Verifies the bytes Base45 carries (from step 5 of SPEC.md §8.2).
    pub fn verify_payload(&self, payload: &[u8], now: DateTime<Utc>) -> Result<Verified> {
        self.verifier.verify_bytes(payload, now)
    }

    /// Verifies several codes at once ([`Verifier::verify_batch`]): the same
    /// results as one by one, faster.
    pub fn verify_batch<S: AsRef<str>>(&self, texts: &[S], now: DateTime<Utc>) -> Vec<Result<Verified>> {
        self.verifier.verify_batch(texts, now)
    }

    /// The rule set decisions use: the local one, else the bundle's.
    pub fn rules(&self) -> Option<&RuleSet> {
        self.local_rules
            .as_ref()
            .or_else(|| self.bundle().and_then(TrustBundle::rules))
    }

    /// Decides for one person presenting `texts` at a gate of `site` at
    /// `now` ([`RuleSet::decide_results`]): the decision and the codes that
    /// verified. More than [`MAX_CODES_PER_PERSON`] codes deny with
    /// `limits.field_too_long`; `options.invalid` when the scanner has no
    /// rules.
    pub fn decide<S: AsRef<str>>(
        &self,
        texts: &[S],
        site: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Decision, Vec<Verified>)> {
        let rules = self
            .rules()
            .ok_or_else(|| invalid("the scanner has no entry rules: give a rule set or a bundle that carries one"))?;
        let results: Vec<Result<Verified>> = if texts.len() > MAX_CODES_PER_PERSON {
            vec![Err(LimitsError::FieldTooLong {
                field: "codes per person",
                max: MAX_CODES_PER_PERSON,
            }
            .into())]
        } else {
            texts.iter().map(|t| self.verifier.verify(t.as_ref(), now)).collect()
        };
        let gate = Gate {
            site: site.filter(|s| !s.is_empty()).map(String::from),
            now,
        };
        Ok(rules.decide_results(results, &gate))
    }

    /// Loads a newer trust bundle at `now` through the scanner's state,
    /// and returns it; on failure the scanner is unchanged.
    /// `options.invalid` for a scanner opened without a bundle.
    pub fn load_bundle(&mut self, bytes: &[u8], now: DateTime<Utc>) -> Result<&TrustBundle> {
        let Some(state) = self.state.as_mut() else {
            return Err(invalid(
                "this scanner was opened without a trust bundle and pinned roots",
            ));
        };
        // Try on a copy: the scanner's state changes only with a loaded bundle.
        let mut next = state.clone();
        if let Some(seen) = self.verifier.newest_seen() {
            next.observe(seen);
        }
        let bundle = next.load(bytes, now)?;
        let newest_seen = next.newest_seen();
        *state = next;
        let store = self.verifier.resolver().store.clone();
        let trust = Trust {
            bundle: Some(bundle),
            store,
        };
        self.verifier = self.settings.verifier(trust, newest_seen);
        // The verifier was just given the bundle; a typed error, not a
        // panic, should that ever not hold.
        self.bundle().ok_or_else(|| invalid("the loaded bundle is not in use"))
    }

    /// The loaded bundle, if any.
    pub fn bundle(&self) -> Option<&TrustBundle> {
        self.verifier.resolver().bundle.as_ref()
    }

    /// The trust state to persist (SPEC.md §12.5), with the newest issue
    /// time this scanner has seen: hand it back to the next
    /// [`Scanner::open`]. `options.invalid` without a bundle.
    pub fn state_bytes(&self) -> Result<Vec<u8>> {
        let Some(state) = self.state.as_ref() else {
            return Err(invalid(
                "this scanner was opened without a trust bundle: it has no state",
            ));
        };
        let mut state = state.clone();
        if let Some(seen) = self.verifier.newest_seen() {
            state.observe(seen);
        }
        state.to_bytes()
    }

    /// The newest issue time seen (a bundle's or a verified code's).
    pub fn newest_seen(&self) -> Option<DateTime<Utc>> {
        self.verifier.newest_seen()
    }

    /// The limits codes are read with.
    pub fn limits(&self) -> &Limits {
        self.verifier.limits()
    }

    /// Labels in `lang` (none when `None`): the bundle's, else built in.
    pub fn labels<'a>(&'a self, lang: Option<&'a str>) -> Labels<'a> {
        Labels::new(self.bundle(), lang)
    }
}
