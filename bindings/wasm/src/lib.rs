//! qrcred for JavaScript: the verifier, the entry decisions, the QR scanner
//! and the issuer, compiled to WebAssembly with wasm-bindgen.
//!
//! These are the raw exports; `js/qrcred.js` wraps them into the package's
//! API (`new Scanner({...})`, `scanFrame`, `Issuer.fromPem`, `renderSvg`) and
//! is what `import ... from 'qrcred'` gives. Reports cross the boundary as
//! JSON text in the shapes of `qrcred::report` (those of `verify --json`
//! and `gate --json`). A failure that is not a report (a trust bundle or an
//! option refused when a scanner opens, a frame of the wrong size, a
//! credential the issuer refuses) is thrown as the JSON text
//! `{"code", "message"}`, which the wrapper throws as a `QrcredError`: every
//! failure has a stable code (SPEC.md §9, or `options.invalid` for options
//! the binding cannot read).
//!
//! Nothing here reads a clock: every time is a parameter (milliseconds
//! since the Unix epoch, as `Date.now()` gives).

use std::borrow::Cow;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::report::{DecisionReport, ErrorReport, Labels, RefusedReport, ValidReport, rfc3339};
use qrcred::{
    Credential, Error, Gate, KeyResolver, Kid, Kind, Limits, PublicKey, RevocationId, RuleSet, StalePolicy, TimeError,
    TrustBundle, TrustState, TrustStore, TrustValidity, TrustedKey, Verified, Verifier,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The code of options the binding cannot read (not JSON, unknown fields,
/// wrong types, a time that is not RFC 3339).
const OPTIONS_INVALID: &str = "options.invalid";

/// Longest options text read: 1 MiB (a trust list of thousands of keys).
const MAX_OPTIONS_LEN: usize = 1 << 20;

/// Most codes one person may present to [`Scanner::decide`] at once.
pub const MAX_CODES_PER_PERSON: usize = 8;

/// A failure thrown to JavaScript: `{"code", "message"}` as JSON text.
#[derive(Debug, Serialize)]
struct Thrown<'a> {
    code: &'a str,
    message: String,
}

fn thrown(code: &str, message: impl core::fmt::Display) -> JsValue {
    let text = serde_json::to_string(&Thrown {
        code,
        message: message.to_string(),
    })
    .unwrap_or_else(|_| String::from(r#"{"code":"options.invalid","message":"unprintable error"}"#));
    JsValue::from_str(&text)
}

fn thrown_error(e: &Error) -> JsValue {
    thrown(e.code(), e)
}

/// An instant from milliseconds since the epoch; `time.out_of_range` for a
/// value that is not a finite number of milliseconds chrono can hold.
fn instant(ms: f64) -> Result<DateTime<Utc>, Error> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return Err(TimeError::OutOfRange.into());
    }
    // In range and finite: the cast is exact to the millisecond.
    DateTime::from_timestamp_millis(ms.floor() as i64).ok_or_else(|| TimeError::OutOfRange.into())
}

/// A report as JSON text. The reports are plain structs of strings,
/// numbers and credentials, which serde_json always writes; were it ever to
/// fail, the caller gets a refusal rather than a half-written report.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| {
        String::from(r#"{"valid":false,"ok":false,"error":{"code":"options.invalid","message":"the report could not be written as JSON"}}"#)
    })
}

// --- options ---------------------------------------------------------------

/// What `new Scanner(options)` gives besides the bundle and state bytes.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScannerOptions {
    /// Pinned root keys (SPKI PEM or 64 hex digits) for a trust bundle.
    #[serde(default)]
    roots: Vec<String>,
    /// A plain trust list instead of (or beside) a bundle.
    #[serde(default)]
    trust: Vec<TrustEntry>,
    /// A local rule set (the JSON of `RuleSet::from_json`), instead of the bundle's.
    #[serde(default)]
    rules: Option<serde_json::Value>,
    /// The same as JSON text, read exactly as `RuleSet::from_json` reads a file.
    #[serde(default)]
    rules_json: Option<String>,
    /// Clock skew in seconds (default 300).
    #[serde(default)]
    clock_skew_seconds: Option<i64>,
    /// Limits replacing the defaults, field by field.
    #[serde(default)]
    limits: Option<LimitsOptions>,
    /// How stale trust is treated (default: warn, no grace).
    #[serde(default)]
    stale: Option<StaleOptions>,
}

#[derive(Debug, Deserialize)]
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
    /// Accepted and ignored: the kid follows from the key.
    #[serde(default)]
    #[allow(dead_code)]
    kid: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StaleOptions {
    grace_seconds: i64,
    refuse: bool,
}

fn options_error(e: impl core::fmt::Display) -> JsValue {
    thrown(OPTIONS_INVALID, format_args!("options: {e}"))
}

fn parse_time(field: &str, text: &str) -> Result<DateTime<Utc>, JsValue> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|e| options_error(format_args!("{field}: {e}")))
}

impl LimitsOptions {
    /// The limits, unchecked: the library refuses limits above their
    /// ceilings where it reads with them (`limits.out_of_range` from
    /// `verify`, as the Rust API gives).
    fn apply(&self, mut limits: Limits) -> Limits {
        let set = |v: Option<usize>, d: usize| v.unwrap_or(d);
        limits = limits
            .with_max_text_len(set(self.max_text_len, limits.max_text_len))
            .with_max_inflated_len(set(self.max_inflated_len, limits.max_inflated_len))
            .with_max_cbor_depth(set(self.max_cbor_depth, limits.max_cbor_depth))
            .with_max_cbor_items(set(self.max_cbor_items, limits.max_cbor_items))
            .with_max_image_pixels(set(self.max_image_pixels, limits.max_image_pixels))
            .with_max_bundle_len(set(self.max_bundle_len, limits.max_bundle_len))
            .with_max_bundle_items(set(self.max_bundle_items, limits.max_bundle_items));
        limits
    }
}

fn public_key(text: &str) -> Result<PublicKey, Error> {
    if text.trim_start().starts_with("-----BEGIN") {
        return PublicKey::from_spki_pem(text);
    }
    let bytes = hex32(text).ok_or(qrcred::KeyError::InvalidEncoding)?;
    PublicKey::from_bytes(&bytes)
}

fn hex32(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        let pair = core::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

// --- trust -----------------------------------------------------------------

/// The keys a scanner trusts: a loaded bundle, a plain trust list, or both
/// (the bundle's entries first, as `verify --bundle --trust` does).
struct Trust {
    bundle: Option<TrustBundle>,
    store: TrustStore,
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
}

/// Settings kept to rebuild the verifier when a newer bundle is loaded.
#[derive(Debug, Clone, Copy)]
struct Settings {
    skew: TimeDelta,
    limits: Limits,
    stale: StalePolicy,
}

/// What a loaded bundle is, for the page: `{"sequence", "issued_at",
/// "expires_at", "signed_by", "keys", "revoked", "rules"}`.
#[derive(Debug, Serialize)]
struct BundleInfo<'a> {
    sequence: u64,
    issued_at: String,
    expires_at: String,
    signed_by: String,
    keys: usize,
    revoked: usize,
    rules: Option<RulesInfo<'a>>,
}

#[derive(Debug, Serialize)]
struct RulesInfo<'a> {
    name: &'a str,
    version: u32,
}

impl<'a> BundleInfo<'a> {
    fn of(bundle: &'a TrustBundle) -> BundleInfo<'a> {
        BundleInfo {
            sequence: bundle.sequence(),
            issued_at: rfc3339(bundle.issued_at()),
            expires_at: rfc3339(bundle.expires_at()),
            signed_by: bundle.signed_by().to_string(),
            keys: bundle.keys().count(),
            revoked: bundle.revoked_count(),
            rules: bundle.rules().map(|r| RulesInfo {
                name: &r.name,
                version: r.version,
            }),
        }
    }
}

/// The result of loading a bundle: `{"ok": true, "bundle": {...}}` or
/// `{"ok": false, "error": {"code", "message", "label"?}}`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum LoadReport<'a> {
    Loaded { ok: bool, bundle: BundleInfo<'a> },
    Refused { ok: bool, error: ErrorReport<'a> },
}

// --- the scanner -------------------------------------------------------------

/// A door scanner: trust (a bundle checked against pinned roots, with its
/// persisted state, and/or a plain trust list), entry rules, and the
/// verifier's memory of the newest issue time seen.
#[wasm_bindgen]
pub struct Scanner {
    verifier: Verifier<Trust>,
    /// The last decision, for [`Scanner::matches_id`].
    last: Option<qrcred::Decision>,
    state: Option<TrustState>,
    local_rules: Option<RuleSet>,
    settings: Settings,
}

#[wasm_bindgen]
impl Scanner {
    /// Opens a scanner. `options` is JSON text (see the package README);
    /// `bundle` and `state` are the bytes of a trust bundle file and of a
    /// persisted trust state, when given. The bundle is loaded at `now_ms`
    /// through the state (rollback and clock checks, SPEC.md §12.4).
    /// Throws `{"code", "message"}` when the options, the state or the
    /// bundle are refused.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: &str,
        bundle: Option<Vec<u8>>,
        state: Option<Vec<u8>>,
        now_ms: f64,
    ) -> Result<Scanner, JsValue> {
        if options.len() > MAX_OPTIONS_LEN {
            return Err(options_error(format_args!("longer than {MAX_OPTIONS_LEN} bytes")));
        }
        let options: ScannerOptions = serde_json::from_str(options).map_err(options_error)?;
        let now = instant(now_ms).map_err(|e| thrown_error(&e))?;
        let limits = match &options.limits {
            Some(l) => l.apply(Limits::DEFAULT),
            None => Limits::DEFAULT,
        };
        let skew = match options.clock_skew_seconds {
            Some(s) if (0..=86_400).contains(&s) => TimeDelta::seconds(s),
            Some(s) => {
                return Err(options_error(format_args!(
                    "clock_skew_seconds {s} is not within 0 to 86400"
                )));
            }
            None => Verifier::<TrustStore>::DEFAULT_CLOCK_SKEW,
        };
        let stale = match &options.stale {
            Some(s) if (0..=366 * 86_400).contains(&s.grace_seconds) => StalePolicy {
                grace: TimeDelta::seconds(s.grace_seconds),
                refuse: s.refuse,
            },
            Some(s) => {
                return Err(options_error(format_args!(
                    "stale.grace_seconds {} is not within 0 to 31622400",
                    s.grace_seconds
                )));
            }
            None => StalePolicy::default(),
        };
        let mut store = TrustStore::new();
        for entry in &options.trust {
            store.add(entry.to_trusted_key()?);
        }
        let local_rules = match (&options.rules, &options.rules_json) {
            (Some(_), Some(_)) => return Err(options_error("give rules as an object or as JSON text, not both")),
            (Some(value), None) => Some(RuleSet::from_json(&value.to_string()).map_err(|e| thrown_error(&e))?),
            (None, Some(text)) => Some(RuleSet::from_json(text).map_err(|e| thrown_error(&e))?),
            (None, None) => None,
        };
        let mut roots = Vec::new();
        for root in &options.roots {
            roots.push(public_key(root).map_err(|e| thrown_error(&e))?);
        }
        let settings = Settings { skew, limits, stale };
        let (state, loaded) = match bundle {
            Some(bytes) => {
                let mut state = match state {
                    Some(saved) => TrustState::from_bytes(&saved).map_err(|e| thrown_error(&e))?,
                    None => TrustState::new(&[]),
                }
                .with_clock_skew(skew)
                .with_limits(limits);
                // A state that already moved on to a newer root keeps its own set.
                if state.sequence().is_none() {
                    for root in &roots {
                        state.add_root(*root);
                    }
                }
                if state.roots().is_empty() {
                    return Err(options_error("a bundle needs at least one pinned root (roots)"));
                }
                let loaded = state.load(&bytes, now).map_err(|e| thrown_error(&e))?;
                (Some(state), Some(loaded))
            }
            None if state.is_some() => return Err(options_error("a trust state is given without a bundle")),
            None => (None, None),
        };
        let newest_seen = state.as_ref().and_then(TrustState::newest_seen);
        let trust = Trust { bundle: loaded, store };
        Ok(Scanner {
            verifier: settings.verifier(trust, newest_seen),
            last: None,
            state,
            local_rules,
            settings,
        })
    }

    /// Verifies one code text at `now_ms`: the JSON report of
    /// `verify --json` (`{"valid": true, ...}` or `{"valid": false,
    /// "error": {...}}`), labels in `lang` when given.
    pub fn verify(&self, text: &str, now_ms: f64, lang: Option<String>) -> String {
        let result = instant(now_ms).and_then(|now| self.verifier.verify(text, now));
        self.report(&result, lang.as_deref())
    }

    /// Verifies the bytes Base45 carries (a zlib stream or COSE_Sign1), as
    /// `verify` does from step 5 of SPEC.md §8.2.
    #[wasm_bindgen(js_name = verifyPayload)]
    pub fn verify_payload(&self, payload: &[u8], now_ms: f64, lang: Option<String>) -> String {
        let result = instant(now_ms).and_then(|now| self.verifier.verify_bytes(payload, now));
        self.report(&result, lang.as_deref())
    }

    /// Decides for one person presenting the codes `texts` (a JSON array of
    /// strings) at a gate of `site` (none when empty): the JSON report of
    /// `gate --json`. The codes are verified one by one; the first refused
    /// denies with its code; more than eight codes deny with
    /// `limits.field_too_long`. Throws `options.invalid` for a scanner
    /// without entry rules or texts that are not a JSON array of strings.
    pub fn decide(&mut self, texts: &str, site: Option<String>, lang: &str, now_ms: f64) -> Result<String, JsValue> {
        let Some(rules) = self.rules() else {
            return Err(options_error(
                "the scanner has no entry rules: give a rule set or a bundle that carries one",
            ));
        };
        let texts: Vec<String> = serde_json::from_str(texts).map_err(options_error)?;
        let now = match instant(now_ms) {
            Ok(now) => now,
            Err(e) => return Ok(json(&DecisionReport::new(&qrcred::refused(&e, rules), lang, &[]))),
        };
        let results: Vec<Result<Verified, Error>> = if texts.len() > MAX_CODES_PER_PERSON {
            vec![Err(qrcred::LimitsError::FieldTooLong {
                field: "codes per person",
                max: MAX_CODES_PER_PERSON,
            }
            .into())]
        } else {
            texts.iter().map(|t| self.verifier.verify(t, now)).collect()
        };
        let gate = Gate {
            site: site.filter(|s| !s.is_empty()),
            now,
        };
        let (decision, verified) = rules.decide_results(results, &gate);
        let ids: Vec<RevocationId> = verified.iter().map(Verified::revocation_id).collect();
        let report = json(&DecisionReport::new(&decision, lang, &ids));
        self.last = Some(decision);
        Ok(report)
    }

    /// After a `check_id` decision: whether the number on the person's ID
    /// document matches the identity digests of the codes that decided
    /// (the identity digest, SPEC.md §7.2). `false` after any other verdict or before a decision.
    #[wasm_bindgen(js_name = matchesId)]
    pub fn matches_id(&self, id_number: &str) -> bool {
        self.last
            .as_ref()
            .is_some_and(|d| d.verdict == qrcred::Verdict::CheckId && d.matches_id(id_number))
    }

    /// Loads a newer trust bundle (an operator's file) at `now_ms` through
    /// the scanner's state: `{"ok": true, "bundle": {...}}`, or `{"ok":
    /// false, "error": {...}}` with the scanner unchanged.
    #[wasm_bindgen(js_name = loadBundle)]
    pub fn load_bundle(&mut self, bytes: &[u8], now_ms: f64, lang: Option<String>) -> String {
        let Some(state) = self.state.as_mut() else {
            let error = ErrorReport::with_code(
                OPTIONS_INVALID,
                "this scanner was opened without a trust bundle and pinned roots",
                &Labels::default(),
            );
            return json(&LoadReport::Refused { ok: false, error });
        };
        if let Some(seen) = self.verifier.newest_seen() {
            state.observe(seen);
        }
        match instant(now_ms).and_then(|now| state.load(bytes, now)) {
            Ok(bundle) => {
                let report = json(&LoadReport::Loaded {
                    ok: true,
                    bundle: BundleInfo::of(&bundle),
                });
                let newest_seen = state.newest_seen();
                let store = self.verifier.resolver().store.clone();
                let trust = Trust {
                    bundle: Some(bundle),
                    store,
                };
                self.verifier = self.settings.verifier(trust, newest_seen);
                report
            }
            Err(e) => {
                let labels = Labels::new(self.verifier.resolver().bundle.as_ref(), lang.as_deref());
                json(&LoadReport::Refused {
                    ok: false,
                    error: ErrorReport::new(&e, &labels),
                })
            }
        }
    }

    /// The loaded bundle: `{"sequence", "issued_at", "expires_at",
    /// "signed_by", "keys", "revoked", "rules"}`, or `null` without one.
    pub fn bundle(&self) -> String {
        match self.verifier.resolver().bundle.as_ref() {
            Some(b) => json(&BundleInfo::of(b)),
            None => String::from("null"),
        }
    }

    /// The trust state to persist (SPEC.md §12.5): the sequence, the
    /// bundle digest, the roots and the newest issue time seen. Give it
    /// back to the next `new Scanner` so a rolled-back bundle or a clock
    /// set back is refused. Throws for a scanner without a bundle.
    pub fn state(&mut self) -> Result<Vec<u8>, JsValue> {
        let Some(state) = self.state.as_mut() else {
            return Err(options_error(
                "this scanner was opened without a trust bundle: it has no state",
            ));
        };
        if let Some(seen) = self.verifier.newest_seen() {
            state.observe(seen);
        }
        state.to_bytes().map_err(|e| thrown_error(&e))
    }

    /// The newest issue time seen (a bundle's or a verified code's), in
    /// milliseconds since the epoch; `undefined` when none.
    #[wasm_bindgen(js_name = newestSeen)]
    pub fn newest_seen(&self) -> Option<f64> {
        self.verifier.newest_seen().map(|t| t.timestamp_millis() as f64)
    }

    /// The label of an error or reason code in `lang`, from the bundle when
    /// it has one, else built in.
    pub fn label(&self, code: &str, lang: &str) -> Option<String> {
        Labels::new(self.verifier.resolver().bundle.as_ref(), Some(lang))
            .of(code)
            .map(String::from)
    }
}

impl Scanner {
    fn rules(&self) -> Option<&RuleSet> {
        self.local_rules
            .as_ref()
            .or_else(|| self.verifier.resolver().bundle.as_ref().and_then(TrustBundle::rules))
    }

    fn report(&self, result: &Result<Verified, Error>, lang: Option<&str>) -> String {
        let labels = Labels::new(self.verifier.resolver().bundle.as_ref(), lang);
        match result {
            Ok(v) => json(&ValidReport::new(v, &labels)),
            Err(e) => json(&RefusedReport::new(e, &labels)),
        }
    }
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

impl TrustEntry {
    fn to_trusted_key(&self) -> Result<TrustedKey, JsValue> {
        let key = public_key(&self.public_key).map_err(|e| thrown_error(&e))?;
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

// --- scanning ------------------------------------------------------------------

/// The QR code texts found in a camera frame of `width` × `height` pixels,
/// as a JSON array of strings (empty when none). `pixels` holds RGBA
/// (4 bytes a pixel, as `ImageData` and canvas give) or luma (1 byte a
/// pixel); any other length throws `scan.buffer_size`, a frame over the
/// default pixel limit `limits.image_too_large`.
#[cfg(feature = "scan")]
#[wasm_bindgen(js_name = scanFrame)]
pub fn scan_frame(width: u32, height: u32, pixels: &[u8]) -> Result<String, JsValue> {
    let limits = Limits::DEFAULT;
    let area = (width as usize).checked_mul(height as usize);
    let luma: Cow<'_, [u8]> = match area {
        Some(area) if area.checked_mul(4) == Some(pixels.len()) && area > 0 => {
            if area > limits.max_image_pixels {
                return Err(thrown_error(
                    &qrcred::LimitsError::ImageTooLarge {
                        width,
                        height,
                        max: limits.max_image_pixels,
                    }
                    .into(),
                ));
            }
            Cow::Owned(rgba_to_luma(pixels))
        }
        _ => Cow::Borrowed(pixels),
    };
    let texts = qrcred::scan_luma(width, height, &luma, &limits).map_err(|e| thrown_error(&e))?;
    Ok(json(&texts))
}

/// Luma from RGBA by integer BT.601 weights (the alpha byte is ignored).
#[cfg(feature = "scan")]
fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8) as u8)
        .collect()
}

// --- issuing -----------------------------------------------------------------------

/// An issuer for Node services: a private key (PKCS#8 PEM) and the issuer
/// id its trust entries name.
#[wasm_bindgen]
pub struct Issuer {
    inner: qrcred::Issuer,
}

#[wasm_bindgen]
impl Issuer {
    /// The issuer of the PKCS#8 PEM private key `pem`, as `issuer_id`.
    /// Throws `key.*` when the key is refused.
    #[wasm_bindgen(js_name = fromPem)]
    pub fn from_pem(pem: &str, issuer_id: &str) -> Result<Issuer, JsValue> {
        if issuer_id.is_empty() || issuer_id.len() > 80 {
            return Err(options_error("the issuer id must be 1 to 80 bytes"));
        }
        let key = qrcred::IssuerKey::from_pkcs8_pem(pem).map_err(|e| thrown_error(&e))?;
        Ok(Issuer {
            inner: qrcred::Issuer::new(key, issuer_id),
        })
    }

    /// Signs `credential` (JSON text, the library's credential form) valid
    /// for `valid_for_seconds` from `now_ms`: the code text. Throws with
    /// the library's code when the credential or the times are refused.
    pub fn issue(&self, credential: &str, valid_for_seconds: f64, now_ms: f64) -> Result<String, JsValue> {
        if credential.len() > MAX_OPTIONS_LEN {
            return Err(options_error(format_args!(
                "credential longer than {MAX_OPTIONS_LEN} bytes"
            )));
        }
        let credential: Credential = serde_json::from_str(credential).map_err(|e| {
            thrown(
                "claims.invalid_value",
                format_args!("the credential JSON is not valid: {e}"),
            )
        })?;
        let now = instant(now_ms).map_err(|e| thrown_error(&e))?;
        if !valid_for_seconds.is_finite() || !(1.0..=4.0e9).contains(&valid_for_seconds) {
            return Err(thrown_error(&TimeError::OutOfRange.into()));
        }
        let validity = TimeDelta::seconds(valid_for_seconds.floor() as i64);
        self.inner
            .issue(&credential, validity, now)
            .map_err(|e| thrown_error(&e))
    }

    /// The issuer's key id, 16 hex digits.
    pub fn kid(&self) -> String {
        self.inner.key().kid().to_string()
    }

    /// The issuer's public key as SPKI PEM, for trust lists and bundles.
    #[wasm_bindgen(js_name = publicKeyPem)]
    pub fn public_key_pem(&self) -> Result<String, JsValue> {
        self.inner
            .key()
            .public_key()
            .to_spki_pem()
            .map_err(|e| thrown_error(&e))
    }
}

/// A code text drawn as an SVG document: ECC level `ecc` (`L`, `M`, `Q` or
/// `H`; default `M`), `module_px` pixels a module (default 4), a quiet zone
/// of `quiet_zone` modules (default 4). Throws `render.*` when the text
/// cannot be drawn or an option is refused.
#[cfg(feature = "render")]
#[wasm_bindgen(js_name = renderSvg)]
pub fn render_svg(
    text: &str,
    ecc: Option<String>,
    module_px: Option<u32>,
    quiet_zone: Option<u32>,
) -> Result<String, JsValue> {
    let mut options = qrcred::RenderOptions::default();
    if let Some(ecc) = ecc {
        let level = qrcred::EccLevel::parse(&ecc)
            .ok_or_else(|| options_error(format_args!("ecc {ecc:?} is not L, M, Q or H")))?;
        options = options.with_ecc(level);
    }
    if let Some(px) = module_px {
        options = options.with_module_px(px);
    }
    if let Some(q) = quiet_zone {
        options = options.with_quiet_zone(q);
    }
    qrcred::render_svg(text, &options).map_err(|e| thrown_error(&e))
}
