//! qrcred for JavaScript: the verifier, the entry decisions, the QR scanner
//! and the issuer, compiled to WebAssembly with wasm-bindgen.
//!
//! These are the raw exports; `js/qrcred.js` wraps them into the package's
//! API (`new Scanner({...})`, `scanFrame`, `Issuer.fromPem`, `renderSvg`) and
//! is what `import ... from 'qrcred'` gives. The scanner is the core's
//! [`qrcred::scanner::Scanner`], as every binding's is; reports cross the
//! boundary as JSON text in the shapes of [`qrcred::report`] (those of
//! `verify --json` and `gate --json`). A failure that is not a report (a
//! trust bundle or an option refused when a scanner opens, a frame of the
//! wrong size, a credential the issuer refuses) is thrown as the JSON text
//! `{"code", "message"}`, which the wrapper throws as a `QrcredError`: every
//! failure has a stable code (SPEC.md §9).
//!
//! Nothing here reads a clock: every time is a parameter (milliseconds
//! since the Unix epoch, as `Date.now()` gives).

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::report::{BundleReport, DecisionReport, LoadReport, RefusedReport, ValidReport};
use qrcred::scanner::{self, ScannerOptions};
use qrcred::{Credential, Error, OptionsError, RevocationId, TimeError, Verified};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A failure thrown to JavaScript: `{"code", "message"}` as JSON text.
#[derive(Debug, Serialize)]
struct Thrown<'a> {
    code: &'a str,
    message: String,
}

fn thrown(e: &Error) -> JsValue {
    let text = serde_json::to_string(&Thrown {
        code: e.code(),
        message: e.to_string(),
    })
    .unwrap_or_else(|_| String::from(r#"{"code":"options.invalid","message":"unprintable error"}"#));
    JsValue::from_str(&text)
}

fn options_error(detail: impl core::fmt::Display) -> JsValue {
    thrown(
        &OptionsError::Invalid {
            detail: detail.to_string(),
        }
        .into(),
    )
}

/// An instant from JavaScript milliseconds; `time.out_of_range` for a
/// value that is not a finite number of milliseconds chrono can hold.
fn instant(ms: f64) -> Result<DateTime<Utc>, Error> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return Err(TimeError::OutOfRange.into());
    }
    // Finite and within ±8.64e15: the cast is exact to the millisecond.
    scanner::unix_millis(ms.floor() as i64)
}

/// A report as JSON text. The reports are plain structs of strings,
/// numbers and credentials, which serde_json always writes; were it ever to
/// fail, the caller gets a refusal rather than a half-written report.
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| {
        String::from(r#"{"valid":false,"ok":false,"error":{"code":"options.invalid","message":"the report could not be written as JSON"}}"#)
    })
}

/// Longest credential JSON the issuer reads: 1 MiB.
const MAX_CREDENTIAL_LEN: usize = 1 << 20;

// --- the scanner -------------------------------------------------------------

/// A door scanner ([`qrcred::scanner::Scanner`]), with the last decision for
/// [`Scanner::matches_id`].
#[wasm_bindgen]
pub struct Scanner {
    inner: scanner::Scanner,
    last: Option<qrcred::Decision>,
}

#[wasm_bindgen]
impl Scanner {
    /// Opens a scanner. `options` is JSON text (`ScannerOptions`); `bundle`
    /// and `state` are the bytes of a trust bundle file and of a persisted
    /// trust state, when given. Throws `{"code", "message"}` when the
    /// options, the state or the bundle are refused.
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: &str,
        bundle: Option<Vec<u8>>,
        state: Option<Vec<u8>>,
        now_ms: f64,
    ) -> Result<Scanner, JsValue> {
        let opened = ScannerOptions::from_json(options)
            .and_then(|options| Ok((options, instant(now_ms)?)))
            .and_then(|(options, now)| scanner::Scanner::open(&options, bundle.as_deref(), state.as_deref(), now));
        Ok(Scanner {
            inner: opened.map_err(|e| thrown(&e))?,
            last: None,
        })
    }

    /// Verifies one code text at `now_ms`: the JSON report of
    /// `verify --json`, labels in `lang` when given.
    pub fn verify(&self, text: &str, now_ms: f64, lang: Option<String>) -> String {
        let result = instant(now_ms).and_then(|now| self.inner.verify(text, now));
        self.report(&result, lang.as_deref())
    }

    /// Verifies the bytes Base45 carries (a zlib stream or COSE_Sign1).
    #[wasm_bindgen(js_name = verifyPayload)]
    pub fn verify_payload(&self, payload: &[u8], now_ms: f64, lang: Option<String>) -> String {
        let result = instant(now_ms).and_then(|now| self.inner.verify_payload(payload, now));
        self.report(&result, lang.as_deref())
    }

    /// Decides for one person presenting the codes `texts` (a JSON array of
    /// strings) at a gate of `site` (none when empty): the JSON report of
    /// `gate --json`. Throws `options.invalid` for a scanner without entry
    /// rules or texts that are not a JSON array of strings.
    pub fn decide(&mut self, texts: &str, site: Option<String>, lang: &str, now_ms: f64) -> Result<String, JsValue> {
        let texts: Vec<String> = serde_json::from_str(texts).map_err(options_error)?;
        let (decision, verified) = match instant(now_ms) {
            Ok(now) => self
                .inner
                .decide(&texts, site.as_deref(), now)
                .map_err(|e| thrown(&e))?,
            Err(e) => {
                let rules = self
                    .inner
                    .rules()
                    .ok_or_else(|| options_error("the scanner has no entry rules"))?;
                (qrcred::refused(&e, rules), Vec::new())
            }
        };
        let ids: Vec<RevocationId> = verified.iter().map(Verified::revocation_id).collect();
        let report = json(&DecisionReport::new(&decision, lang, &ids));
        self.last = Some(decision);
        Ok(report)
    }

    /// The reason of the last decision in `lang` (`"zh"` or `"en"`), for a
    /// page that shows both languages without deciding twice; `undefined`
    /// before a decision.
    #[wasm_bindgen(js_name = decisionText)]
    pub fn decision_text(&self, lang: &str) -> Option<String> {
        self.last.as_ref().map(|d| d.text(lang))
    }

    /// After a `check_id` decision: whether the number on the person's ID
    /// document matches the identity digests of the codes that decided
    /// (the identity digest, SPEC.md §7.2). `false` after any other
    /// verdict or before a decision.
    #[wasm_bindgen(js_name = matchesId)]
    pub fn matches_id(&self, id_number: &str) -> bool {
        self.last
            .as_ref()
            .is_some_and(|d| d.verdict == qrcred::Verdict::CheckId && d.matches_id(id_number))
    }

    /// Loads a newer trust bundle at `now_ms`: `{"ok": true, "bundle":
    /// {...}}`, or `{"ok": false, "error": {...}}` with the scanner unchanged.
    #[wasm_bindgen(js_name = loadBundle)]
    pub fn load_bundle(&mut self, bytes: &[u8], now_ms: f64, lang: Option<String>) -> String {
        let error = match instant(now_ms) {
            Ok(now) => match self.inner.load_bundle(bytes, now) {
                Ok(bundle) => return json(&LoadReport::loaded(bundle)),
                Err(e) => e,
            },
            Err(e) => e,
        };
        json(&LoadReport::refused(&error, &self.inner.labels(lang.as_deref())))
    }

    /// The loaded bundle (`BundleReport`), or `null` without one.
    pub fn bundle(&self) -> String {
        match self.inner.bundle() {
            Some(b) => json(&BundleReport::new(b)),
            None => String::from("null"),
        }
    }

    /// The trust state to persist (SPEC.md §12.5). Throws for a scanner
    /// without a bundle.
    pub fn state(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.state_bytes().map_err(|e| thrown(&e))
    }

    /// The newest issue time seen, in milliseconds since the epoch;
    /// `undefined` when none.
    #[wasm_bindgen(js_name = newestSeen)]
    pub fn newest_seen(&self) -> Option<f64> {
        self.inner.newest_seen().map(|t| t.timestamp_millis() as f64)
    }

    /// The label of an error or reason code in `lang`, from the bundle when
    /// it has one, else built in.
    pub fn label(&self, code: &str, lang: &str) -> Option<String> {
        self.inner.labels(Some(lang)).of(code).map(String::from)
    }
}

impl Scanner {
    fn report(&self, result: &Result<Verified, Error>, lang: Option<&str>) -> String {
        let labels = self.inner.labels(lang);
        match result {
            Ok(v) => json(&ValidReport::new(v, &labels)),
            Err(e) => json(&RefusedReport::new(e, &labels)),
        }
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
    let limits = qrcred::Limits::DEFAULT;
    let rgba = u64::from(width) * u64::from(height) * 4 == pixels.len() as u64 && !pixels.is_empty();
    let texts = if rgba {
        qrcred::scan_rgba(width, height, pixels, &limits)
    } else {
        qrcred::scan_luma(width, height, pixels, &limits)
    };
    Ok(json(&texts.map_err(|e| thrown(&e))?))
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
        let key = qrcred::IssuerKey::from_pkcs8_pem(pem).map_err(|e| thrown(&e))?;
        Ok(Issuer {
            inner: qrcred::Issuer::new(key, issuer_id),
        })
    }

    /// Signs `credential` (JSON text, the library's credential form) valid
    /// for `valid_for_seconds` from `now_ms`: the code text. Throws with
    /// the library's code when the credential or the times are refused.
    pub fn issue(&self, credential: &str, valid_for_seconds: f64, now_ms: f64) -> Result<String, JsValue> {
        if credential.len() > MAX_CREDENTIAL_LEN {
            return Err(options_error(format_args!(
                "credential longer than {MAX_CREDENTIAL_LEN} bytes"
            )));
        }
        let credential: Credential =
            serde_json::from_str(credential).map_err(|e| options_error(format_args!("credential: {e}")))?;
        let now = instant(now_ms).map_err(|e| thrown(&e))?;
        if !valid_for_seconds.is_finite() || !(1.0..=4.0e9).contains(&valid_for_seconds) {
            return Err(thrown(&TimeError::OutOfRange.into()));
        }
        let validity = TimeDelta::seconds(valid_for_seconds.floor() as i64);
        self.inner.issue(&credential, validity, now).map_err(|e| thrown(&e))
    }

    /// The issuer's key id, 16 hex digits.
    pub fn kid(&self) -> String {
        self.inner.key().kid().to_string()
    }

    /// The issuer's public key as SPKI PEM, for trust lists and bundles.
    #[wasm_bindgen(js_name = publicKeyPem)]
    pub fn public_key_pem(&self) -> Result<String, JsValue> {
        self.inner.key().public_key().to_spki_pem().map_err(|e| thrown(&e))
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
    qrcred::render_svg(text, &options).map_err(|e| thrown(&e))
}
