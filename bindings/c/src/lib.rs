//! The qrcred C ABI (`bindings/c/include/qrcred.h`, generated from this
//! file by cbindgen).
//!
//! Every function returns a status ([`QRCRED_OK`], [`QRCRED_REFUSED`],
//! [`QRCRED_MISUSE`]; decisions return their verdict) and writes its result
//! through out-parameters. Results are JSON in the shapes of
//! [`qrcred::report`] (those of `verify --json` and `gate --json`); on any
//! status but `QRCRED_OK` the JSON written holds an `"error"` object with a
//! stable `"code"` (SPEC.md §9) and a `"message"`. Null pointers, text that
//! is not UTF-8 and wrong lengths are `QRCRED_MISUSE` with the code
//! `options.invalid`, never undefined behaviour as far as the pointers
//! given are valid for the lengths given; a panic never crosses the
//! boundary (it is `QRCRED_MISUSE` with the code `internal.panic`).
//!
//! Scanners and issuers are opaque handles; one may be used from several
//! threads at once (verify, decide and state take it by `const` pointer).
//! Every string returned is freed with [`qrcred_string_free`], every byte
//! buffer with [`qrcred_bytes_free`], handles with their own `_free`.

// The handle types keep their C names (`qrcred_scanner`), as the header shows them.
#![allow(non_camel_case_types)]

use std::ffi::{CStr, CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::report::{DecisionReport, Labels, RefusedReport, ValidReport};
use qrcred::scanner::{self, Scanner, ScannerOptions};
use qrcred::{Credential, Error, IssuerKey, OptionsError, RenderOptions, RevocationId, TimeError, Verdict, Verified};
use serde::Serialize;

/// Success: the result is written.
pub const QRCRED_OK: c_int = 0;
/// The library refused the input (a code, a bundle, a key, a credential,
/// an image): the JSON written says why, with the library's code.
pub const QRCRED_REFUSED: c_int = 1;
/// A null pointer, text that is not UTF-8, a wrong length or an internal
/// error: nothing was done; the JSON written (when its pointer is not
/// null) says which.
pub const QRCRED_MISUSE: c_int = 2;
/// `qrcred_decide`: the person is admitted.
pub const QRCRED_ADMIT: c_int = 0;
/// `qrcred_decide`: the person is denied.
pub const QRCRED_DENY: c_int = 1;
/// `qrcred_decide`: valid, but check the ID document first.
pub const QRCRED_CHECK_ID: c_int = 3;

/// A door scanner: trusted keys (a trust bundle with its state, or a plain
/// trust list), entry rules, limits. Free with [`qrcred_scanner_free`].
pub struct qrcred_scanner {
    inner: Scanner,
}

/// An issuer: a private key and an issuer id. Free with [`qrcred_issuer_free`].
pub struct qrcred_issuer {
    inner: qrcred::Issuer,
}

// --- plumbing ------------------------------------------------------------------

/// What went wrong before or instead of a result.
enum Failure {
    /// The library's refusal.
    Refused(Error),
    /// The caller's mistake (null, UTF-8, length) or the options.
    Misuse(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Options(_) => Failure::Misuse(e),
            e => Failure::Refused(e),
        }
    }
}

fn misuse(detail: impl Into<String>) -> Failure {
    Failure::Misuse(OptionsError::Invalid { detail: detail.into() }.into())
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: String,
}

fn error_json(code: &str, message: String) -> String {
    serde_json::to_string(&ErrorJson {
        error: ErrorBody { code, message },
    })
    .unwrap_or_else(|_| String::from(r#"{"error":{"code":"internal.panic","message":"unprintable error"}}"#))
}

impl Failure {
    fn status(&self) -> c_int {
        match self {
            Failure::Refused(_) => QRCRED_REFUSED,
            Failure::Misuse(_) => QRCRED_MISUSE,
        }
    }

    fn json(&self) -> String {
        let (Failure::Refused(e) | Failure::Misuse(e)) = self;
        error_json(e.code(), e.to_string())
    }
}

/// A C string for the caller; text with a NUL (never in JSON, code texts or
/// SVG) is cut at it.
fn c_string(text: String) -> *mut c_char {
    let bytes: Vec<u8> = text.into_bytes().into_iter().take_while(|&b| b != 0).collect();
    CString::new(bytes).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// Writes `text` to `out` when `out` is not null.
///
/// # Safety
/// `out` is null or valid for one write of a pointer.
unsafe fn put(out: *mut *mut c_char, text: String) {
    if !out.is_null() {
        // SAFETY: the caller guarantees `out` is valid for a write.
        unsafe { *out = c_string(text) };
    }
}

/// Runs `body`, catching panics: its `Ok` status, or the failure's status
/// with its JSON written to `json_out`.
///
/// # Safety
/// `json_out` is null or valid for one write of a pointer.
unsafe fn run(json_out: *mut *mut c_char, body: impl FnOnce() -> Result<c_int, Failure>) -> c_int {
    if !json_out.is_null() {
        // SAFETY: the caller guarantees `json_out` is valid for a write;
        // it is cleared first so a failure never leaves a stale pointer.
        unsafe { *json_out = std::ptr::null_mut() };
    }
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(status)) => status,
        Ok(Err(failure)) => {
            // SAFETY: as above.
            unsafe { put(json_out, failure.json()) };
            failure.status()
        }
        Err(_) => {
            let json = error_json("internal.panic", "the library panicked: nothing was done".into());
            // SAFETY: as above.
            unsafe { put(json_out, json) };
            QRCRED_MISUSE
        }
    }
}

/// The bytes at `ptr`, `len` long; a null `ptr` is misuse unless `len` is 0.
///
/// # Safety
/// `ptr` is null or valid for reads of `len` bytes.
unsafe fn bytes<'a>(ptr: *const u8, len: usize, name: &str) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(misuse(format!("{name} is NULL with a length of {len}")))
        };
    }
    if len > isize::MAX as usize {
        return Err(misuse(format!("{name}: length {len} is too large")));
    }
    // SAFETY: the caller guarantees `ptr` is valid for `len` bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Optional bytes: `None` when `ptr` is null (whatever `len`).
///
/// # Safety
/// `ptr` is null or valid for reads of `len` bytes.
unsafe fn optional_bytes<'a>(ptr: *const u8, len: usize, name: &str) -> Result<Option<&'a [u8]>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded.
    unsafe { bytes(ptr, len, name) }.map(Some)
}

/// UTF-8 text of `len` bytes at `ptr`.
///
/// # Safety
/// `ptr` is null or valid for reads of `len` bytes.
unsafe fn text<'a>(ptr: *const c_char, len: usize, name: &str) -> Result<&'a str, Failure> {
    // SAFETY: forwarded.
    let raw = unsafe { bytes(ptr.cast(), len, name) }?;
    std::str::from_utf8(raw).map_err(|e| misuse(format!("{name} is not UTF-8: {e}")))
}

/// A NUL-terminated UTF-8 string; `None` when `ptr` is null.
///
/// # Safety
/// `ptr` is null or points to a NUL-terminated string.
unsafe fn optional_c_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str()
        .map(Some)
        .map_err(|e| misuse(format!("{name} is not UTF-8: {e}")))
}

/// A required NUL-terminated UTF-8 string.
///
/// # Safety
/// `ptr` is null or points to a NUL-terminated string.
unsafe fn c_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    // SAFETY: forwarded.
    unsafe { optional_c_str(ptr, name) }?.ok_or_else(|| misuse(format!("{name} is NULL")))
}

/// The scanner behind a handle.
///
/// # Safety
/// `scanner` is null or a handle from this library not yet freed.
unsafe fn scanner_ref<'a>(scanner: *const qrcred_scanner) -> Result<&'a Scanner, Failure> {
    // SAFETY: the caller guarantees a live handle or null.
    unsafe { scanner.as_ref() }
        .map(|s| &s.inner)
        .ok_or_else(|| misuse("scanner is NULL"))
}

/// Code texts from parallel arrays of pointers and lengths.
///
/// # Safety
/// `texts` and `lens` are null or valid for `count` reads, each text valid
/// for its length.
unsafe fn texts<'a>(texts: *const *const c_char, lens: *const usize, count: usize) -> Result<Vec<&'a str>, Failure> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if texts.is_null() || lens.is_null() {
        return Err(misuse("texts or text_lens is NULL"));
    }
    if count > (isize::MAX as usize) / size_of::<usize>() {
        return Err(misuse(format!("count {count} is too large")));
    }
    // SAFETY: the caller guarantees both arrays hold `count` elements.
    let (ptrs, lens) = unsafe {
        (
            std::slice::from_raw_parts(texts, count),
            std::slice::from_raw_parts(lens, count),
        )
    };
    ptrs.iter()
        .zip(lens)
        .enumerate()
        // SAFETY: the caller guarantees each text is valid for its length.
        .map(|(i, (&p, &len))| unsafe { text(p, len, &format!("texts[{i}]")) })
        .collect()
}

fn instant(ms: i64) -> Result<DateTime<Utc>, Failure> {
    scanner::unix_millis(ms).map_err(Failure::Refused)
}

fn json_of<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| misuse(format!("the result could not be written as JSON: {e}")))
}

fn report(result: &Result<Verified, Error>, labels: &Labels<'_>) -> Result<String, Failure> {
    match result {
        Ok(v) => json_of(&ValidReport::new(v, labels)),
        Err(e) => json_of(&RefusedReport::new(e, labels)),
    }
}

/// Hands a byte buffer to the caller.
///
/// # Safety
/// `out` and `out_len` are valid for one write each.
unsafe fn give_bytes(bytes: Vec<u8>, out: *mut *mut u8, out_len: *mut usize) {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    // SAFETY: the caller guarantees both are valid for a write.
    unsafe {
        *out_len = len;
        *out = Box::into_raw(boxed).cast();
    }
}

fn no_out(name: &str) -> Failure {
    misuse(format!("{name} is NULL"))
}

/// Clears `*out`, then makes a scanner and hands it over through `out`.
///
/// # Safety
/// `out` is null or valid for writes of a pointer.
unsafe fn give_scanner(
    out: *mut *mut qrcred_scanner,
    make: impl FnOnce() -> Result<Scanner, Failure>,
) -> Result<c_int, Failure> {
    if out.is_null() {
        return Err(no_out("out"));
    }
    // SAFETY: the caller guarantees `out` is valid for writes.
    unsafe { *out = std::ptr::null_mut() };
    let scanner = make()?;
    // SAFETY: as above.
    unsafe { *out = Box::into_raw(Box::new(qrcred_scanner { inner: scanner })) };
    Ok(QRCRED_OK)
}

// --- version and freeing ---------------------------------------------------------

/// The library version, e.g. `"0.1.0"`: a static string, not to be freed.
#[unsafe(no_mangle)]
pub extern "C" fn qrcred_version() -> *const c_char {
    c"0.1.0".as_ptr()
}

/// Frees a string this library returned. Null is ignored.
///
/// # Safety
/// `s` is null or a string from this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: the caller guarantees `s` came from `CString::into_raw` here.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// Frees a byte buffer this library returned, with the length it gave.
/// Null is ignored.
///
/// # Safety
/// `bytes` is null or a buffer from this library of exactly `len` bytes,
/// not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_bytes_free(bytes: *mut u8, len: usize) {
    if !bytes.is_null() {
        // SAFETY: the caller guarantees the buffer came from a boxed slice of `len` bytes.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(bytes, len)) });
    }
}

/// Frees a scanner. Null is ignored.
///
/// # Safety
/// `scanner` is null or a handle from this library, not yet freed, and no
/// other thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_scanner_free(scanner: *mut qrcred_scanner) {
    if !scanner.is_null() {
        // SAFETY: the caller guarantees the handle came from `Box::into_raw` here.
        drop(unsafe { Box::from_raw(scanner) });
    }
}

/// Frees an issuer. Null is ignored.
///
/// # Safety
/// `issuer` is null or a handle from this library, not yet freed, and no
/// other thread is using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_issuer_free(issuer: *mut qrcred_issuer) {
    if !issuer.is_null() {
        // SAFETY: the caller guarantees the handle came from `Box::into_raw` here.
        drop(unsafe { Box::from_raw(issuer) });
    }
}

// --- scanners ------------------------------------------------------------------------

/// Opens a scanner from `options_json` (NUL-terminated; NULL for none: the
/// JSON options of SPEC.md's scanner, `{"roots", "trust", "dscs", "rules",
/// "clock_skew_seconds", "limits", "stale"}`), a trust bundle and a
/// persisted state (each NULL for none), loading the bundle at
/// `now_unix_ms`. On `QRCRED_OK`, `*out` is the scanner; otherwise
/// `*error_json` says why (`trust.rollback`, `trust.unknown_root`, ...).
///
/// # Safety
/// Pointers are null or valid: strings NUL-terminated, buffers for their
/// lengths, `out` and `error_json` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_scanner_open(
    options_json: *const c_char,
    bundle: *const u8,
    bundle_len: usize,
    state: *const u8,
    state_len: usize,
    now_unix_ms: i64,
    out: *mut *mut qrcred_scanner,
    error_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(error_json, || {
            give_scanner(out, || {
                let options = match optional_c_str(options_json, "options_json")? {
                    Some(text) => ScannerOptions::from_json(text)?,
                    None => ScannerOptions::default(),
                };
                let bundle = optional_bytes(bundle, bundle_len, "bundle")?;
                let state = optional_bytes(state, state_len, "state")?;
                Ok(Scanner::open(&options, bundle, state, instant(now_unix_ms)?)?)
            })
        })
    }
}

/// Opens a scanner from a trust bundle checked against the pinned root
/// `root_pem` (SPKI PEM) and, when `state` is not NULL, the state persisted
/// last time (rollback and clock-behind protection). The bundle is loaded
/// at the system clock's time. The bundle's entry rules are the scanner's.
///
/// # Safety
/// As [`qrcred_scanner_open`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_scanner_from_bundle(
    bundle: *const u8,
    bundle_len: usize,
    root_pem: *const c_char,
    state: *const u8,
    state_len: usize,
    out: *mut *mut qrcred_scanner,
    error_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(error_json, || {
            give_scanner(out, || {
                let root = c_str(root_pem, "root_pem")?;
                let options = ScannerOptions::from_json(&json_of(&serde_json::json!({ "roots": [root] }))?)?;
                let bundle = bytes(bundle, bundle_len, "bundle")?;
                let state = optional_bytes(state, state_len, "state")?;
                Ok(Scanner::open(&options, Some(bundle), state, Utc::now())?)
            })
        })
    }
}

/// Opens a scanner that trusts the keys of `trust_json`, a JSON array of
/// `{"public_key": PEM or 64 hex digits, "issuer", "display_name"?,
/// "valid_from"?, "valid_until"?, "kinds"?}`, with the entry rules
/// `rules_json` (a rule set's JSON; NULL for none).
///
/// # Safety
/// As [`qrcred_scanner_open`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_scanner_from_keys(
    trust_json: *const c_char,
    rules_json: *const c_char,
    out: *mut *mut qrcred_scanner,
    error_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(error_json, || {
            give_scanner(out, || {
                let trust: serde_json::Value = serde_json::from_str(c_str(trust_json, "trust_json")?)
                    .map_err(|e| misuse(format!("trust_json: {e}")))?;
                let mut options = serde_json::json!({ "trust": trust });
                if let Some(rules) = optional_c_str(rules_json, "rules_json")? {
                    options["rules_json"] = serde_json::Value::from(rules);
                }
                let options = ScannerOptions::from_json(&json_of(&options)?)?;
                Ok(Scanner::open(&options, None, None, Utc::now())?)
            })
        })
    }
}

/// Verifies one code text (`text_len` bytes of UTF-8, no NUL needed) at
/// `now_unix_ms`. `*result_json` is the report of `verify --json`: `{"valid":
/// true, ...}` with `QRCRED_OK`, `{"valid": false, "error": {"code",
/// "message", "label"}}` with `QRCRED_REFUSED` (labels in English). Free it
/// with [`qrcred_string_free`].
///
/// # Safety
/// `scanner` is a live handle or null; `text` is valid for `text_len` bytes
/// or null; `result_json` is valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_verify(
    scanner: *const qrcred_scanner,
    text: *const c_char,
    text_len: usize,
    now_unix_ms: i64,
    result_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(result_json, || {
            if result_json.is_null() {
                return Err(no_out("result_json"));
            }
            let scanner = scanner_ref(scanner)?;
            let text = self::text(text, text_len, "text")?;
            let now = instant(now_unix_ms)?;
            let result = scanner.verify(text, now);
            put(result_json, report(&result, &scanner.labels(Some("en")))?);
            Ok(if result.is_ok() { QRCRED_OK } else { QRCRED_REFUSED })
        })
    }
}

/// Verifies `count` code texts together (`texts[i]` of `text_lens[i]`
/// bytes): the same results as one by one, faster. `*results_json` is a
/// JSON array of reports, in order. `QRCRED_OK` when every code is valid,
/// `QRCRED_REFUSED` when any is refused.
///
/// # Safety
/// `texts` and `text_lens` are valid for `count` elements (or null when
/// `count` is 0), each text for its length; `results_json` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_verify_batch(
    scanner: *const qrcred_scanner,
    texts: *const *const c_char,
    text_lens: *const usize,
    count: usize,
    now_unix_ms: i64,
    results_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(results_json, || {
            if results_json.is_null() {
                return Err(no_out("results_json"));
            }
            let scanner = scanner_ref(scanner)?;
            let texts = self::texts(texts, text_lens, count)?;
            let now = instant(now_unix_ms)?;
            let results = scanner.verify_batch(&texts, now);
            let labels = scanner.labels(Some("en"));
            let mut reports = Vec::with_capacity(results.len());
            for result in &results {
                reports.push(report(result, &labels)?);
            }
            put(results_json, format!("[{}]", reports.join(",")));
            Ok(if results.iter().all(Result::is_ok) {
                QRCRED_OK
            } else {
                QRCRED_REFUSED
            })
        })
    }
}

/// Decides for one person presenting `count` codes at a gate of `site`
/// (NULL or empty for none), the reason in `lang` (`"zh"` or `"en"`; NULL
/// for `"zh"`), with the scanner's rules (its bundle's, or those it was
/// opened with). Returns the verdict: [`QRCRED_ADMIT`], [`QRCRED_DENY`] or
/// [`QRCRED_CHECK_ID`], with `*decision_json` the report of `gate --json`;
/// or `QRCRED_MISUSE` (a scanner without rules among the reasons).
///
/// # Safety
/// As [`qrcred_verify_batch`]; `site` and `lang` are null or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_decide(
    scanner: *const qrcred_scanner,
    texts: *const *const c_char,
    text_lens: *const usize,
    count: usize,
    site: *const c_char,
    lang: *const c_char,
    now_unix_ms: i64,
    decision_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(decision_json, || {
            if decision_json.is_null() {
                return Err(no_out("decision_json"));
            }
            let scanner = scanner_ref(scanner)?;
            let texts = self::texts(texts, text_lens, count)?;
            let site = optional_c_str(site, "site")?;
            let lang = optional_c_str(lang, "lang")?.unwrap_or("zh");
            let rules = scanner.rules().ok_or_else(|| {
                misuse("the scanner has no entry rules: open it with a rule set or a bundle that carries one")
            })?;
            let (decision, verified) = match instant(now_unix_ms) {
                Ok(now) => scanner.decide(&texts, site, now)?,
                Err(Failure::Refused(e) | Failure::Misuse(e)) => (qrcred::refused(&e, rules), Vec::new()),
            };
            let ids: Vec<RevocationId> = verified.iter().map(Verified::revocation_id).collect();
            put(decision_json, json_of(&DecisionReport::new(&decision, lang, &ids))?);
            Ok(match decision.verdict {
                Verdict::Admit => QRCRED_ADMIT,
                Verdict::Deny => QRCRED_DENY,
                Verdict::CheckId => QRCRED_CHECK_ID,
            })
        })
    }
}

/// The trust state to persist (SPEC.md §12.5) and give back to the next
/// `qrcred_scanner_open` / `qrcred_scanner_from_bundle`: `*state` and
/// `*state_len`, freed with [`qrcred_bytes_free`]. `QRCRED_MISUSE` for a
/// scanner opened without a bundle.
///
/// # Safety
/// `scanner` is a live handle or null; the out-parameters are null or
/// valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_scanner_state(
    scanner: *const qrcred_scanner,
    state: *mut *mut u8,
    state_len: *mut usize,
    error_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(error_json, || {
            if state.is_null() || state_len.is_null() {
                return Err(no_out("state or state_len"));
            }
            *state = std::ptr::null_mut();
            *state_len = 0;
            let bytes = scanner_ref(scanner)?.state_bytes()?;
            give_bytes(bytes, state, state_len);
            Ok(QRCRED_OK)
        })
    }
}

// --- frames ---------------------------------------------------------------------------

/// The QR code texts in a greyscale frame of `width` × `height` bytes:
/// `*texts_json` is a JSON array of strings (empty when none). `QRCRED_REFUSED`
/// with `scan.buffer_size` when `pixels_len` is not `width × height`,
/// `limits.image_too_large` above 16 Mi pixels.
///
/// # Safety
/// `pixels` is valid for `pixels_len` bytes; `texts_json` for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_scan_luma(
    width: u32,
    height: u32,
    pixels: *const u8,
    pixels_len: usize,
    texts_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(texts_json, || {
            if texts_json.is_null() {
                return Err(no_out("texts_json"));
            }
            let pixels = bytes(pixels, pixels_len, "pixels")?;
            let texts = qrcred::scan_luma(width, height, pixels, &qrcred::Limits::DEFAULT)?;
            put(texts_json, json_of(&texts)?);
            Ok(QRCRED_OK)
        })
    }
}

// --- issuing and rendering ----------------------------------------------------------------

/// An issuer from a PKCS#8 PEM private key and the issuer id (1 to 80
/// bytes) its trust entries name. `QRCRED_REFUSED` with `key.*` when the
/// key is refused.
///
/// # Safety
/// `pem` and `issuer_id` are NUL-terminated or null; `out` and
/// `error_json` are valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_issuer_from_pem(
    pem: *const c_char,
    issuer_id: *const c_char,
    out: *mut *mut qrcred_issuer,
    error_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(error_json, || {
            if out.is_null() {
                return Err(no_out("out"));
            }
            *out = std::ptr::null_mut();
            let pem = c_str(pem, "pem")?;
            let issuer_id = c_str(issuer_id, "issuer_id")?;
            if issuer_id.is_empty() || issuer_id.len() > 80 {
                return Err(misuse("issuer_id must be 1 to 80 bytes"));
            }
            let key = IssuerKey::from_pkcs8_pem(pem)?;
            *out = Box::into_raw(Box::new(qrcred_issuer {
                inner: qrcred::Issuer::new(key, issuer_id),
            }));
            Ok(QRCRED_OK)
        })
    }
}

/// Signs `credential_json` (NUL-terminated; the library's credential JSON)
/// valid for `valid_for_seconds` from `now_unix_ms`. `QRCRED_OK`:
/// `*code_or_error` is the code text; otherwise the error JSON (`claims.*`
/// for a credential the library refuses, `time.out_of_range`).
///
/// # Safety
/// `issuer` is a live handle or null; `credential_json` is NUL-terminated
/// or null; `code_or_error` is valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_issue(
    issuer: *const qrcred_issuer,
    credential_json: *const c_char,
    valid_for_seconds: i64,
    now_unix_ms: i64,
    code_or_error: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(code_or_error, || {
            if code_or_error.is_null() {
                return Err(no_out("code_or_error"));
            }
            let issuer = issuer
                .as_ref()
                .map(|i| &i.inner)
                .ok_or_else(|| misuse("issuer is NULL"))?;
            let credential: Credential = serde_json::from_str(c_str(credential_json, "credential_json")?)
                .map_err(|e| misuse(format!("credential_json: {e}")))?;
            if valid_for_seconds <= 0 {
                return Err(Failure::Refused(TimeError::OutOfRange.into()));
            }
            let validity =
                TimeDelta::try_seconds(valid_for_seconds).ok_or(Failure::Refused(TimeError::OutOfRange.into()))?;
            let code = issuer.issue(&credential, validity, instant(now_unix_ms)?)?;
            put(code_or_error, code);
            Ok(QRCRED_OK)
        })
    }
}

fn render_options(module_px: u32) -> RenderOptions {
    let options = RenderOptions::default();
    if module_px == 0 {
        options
    } else {
        options.with_module_px(module_px)
    }
}

/// A code text drawn as a PNG (ECC level M, `module_px` pixels a module, 0
/// for the default 4): `*png` and `*png_len`, freed with
/// [`qrcred_bytes_free`]. `QRCRED_REFUSED` with `render.*` when it cannot
/// be drawn.
///
/// # Safety
/// `text` is NUL-terminated or null; the out-parameters are valid for one
/// write each or null.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_render_png(
    text: *const c_char,
    module_px: u32,
    png: *mut *mut u8,
    png_len: *mut usize,
    error_json: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(error_json, || {
            if png.is_null() || png_len.is_null() {
                return Err(no_out("png or png_len"));
            }
            *png = std::ptr::null_mut();
            *png_len = 0;
            let bytes = qrcred::render_png(c_str(text, "text")?, &render_options(module_px))?;
            give_bytes(bytes, png, png_len);
            Ok(QRCRED_OK)
        })
    }
}

/// A code text drawn as an SVG document (ECC level M, `module_px` pixels a
/// module, 0 for the default 4): `*svg_or_error` is the SVG with
/// `QRCRED_OK`, else the error JSON.
///
/// # Safety
/// `text` is NUL-terminated or null; `svg_or_error` is valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qrcred_render_svg(
    text: *const c_char,
    module_px: u32,
    svg_or_error: *mut *mut c_char,
) -> c_int {
    // SAFETY: the caller's guarantees, forwarded.
    unsafe {
        run(svg_or_error, || {
            if svg_or_error.is_null() {
                return Err(no_out("svg_or_error"));
            }
            let svg = qrcred::render_svg(c_str(text, "text")?, &render_options(module_px))?;
            put(svg_or_error, svg);
            Ok(QRCRED_OK)
        })
    }
}
