//! The native module of the `qrcred` Python package (`qrcred._qrcred`; the
//! package's `__init__.py` re-exports it with the exception classes).
//!
//! Every failure raises a `qrcred.Error` subclass with the library's stable
//! `code` (SPEC.md §9): `qrcred.Refused` when the library refuses a code,
//! bundle, key, credential or image, `qrcred.InvalidArgument` (also a
//! `ValueError`) for arguments it cannot read, naive datetimes among them.
//! Verification and issuing release the GIL, so threads scale.

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use qrcred::report::{BundleReport, DecisionReport};
use qrcred::scanner::{self, Scanner, ScannerOptions};
use qrcred::{Credential, Error, OptionsError, RenderOptions, RevocationId};

// --- errors and conversions ---------------------------------------------------

/// A `qrcred.Refused`, or `qrcred.InvalidArgument` for options errors.
fn raise(py: Python<'_>, e: &Error) -> PyErr {
    let class = if e.code() == "options.invalid" {
        "InvalidArgument"
    } else {
        "Refused"
    };
    exception(py, class, e.code(), &e.to_string())
}

fn exception(py: Python<'_>, class: &str, code: &str, message: &str) -> PyErr {
    let made = py
        .import("qrcred")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((code, message)));
    match made {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

fn invalid(py: Python<'_>, detail: impl Into<String>) -> PyErr {
    raise(py, &OptionsError::Invalid { detail: detail.into() }.into())
}

/// A timezone-aware datetime as UTC; a naive one is refused (it would
/// otherwise be read as local time, silently).
fn utc(py: Python<'_>, when: &Bound<'_, PyAny>, name: &str) -> PyResult<DateTime<Utc>> {
    // pyo3 reads only datetimes with a tzinfo into a DateTime<FixedOffset>.
    match when.extract::<DateTime<FixedOffset>>() {
        Ok(aware) => Ok(aware.with_timezone(&Utc)),
        Err(e) => Err(invalid(
            py,
            format!(
                "{name} must be an aware datetime, e.g. datetime.now(timezone.utc); naive datetimes are refused ({e})"
            ),
        )),
    }
}

/// `now` or the system clock.
fn now_or_clock(py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<DateTime<Utc>> {
    match now {
        Some(n) if !n.is_none() => utc(py, n, "now"),
        _ => Ok(Utc::now()),
    }
}

fn json_module(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("json")
}

/// JSON text as Python objects.
fn from_json<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    json_module(py)?.call_method1("loads", (text,))
}

/// A dict (or JSON text) as JSON text.
fn to_json_text(py: Python<'_>, value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if value.cast::<PyString>().is_ok() {
        return value.extract::<String>();
    }
    json_module(py)?
        .call_method1("dumps", (value,))
        .and_then(|t| t.extract::<String>())
        .map_err(|e| invalid(py, format!("{name} cannot be written as JSON: {e}")))
}

// --- keys ---------------------------------------------------------------------

/// An Ed25519 public key: a trusted issuer key or a bundle root.
#[pyclass(frozen, module = "qrcred")]
#[derive(Clone)]
struct PublicKey {
    inner: qrcred::PublicKey,
}

#[pymethods]
impl PublicKey {
    /// Reads an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`).
    #[staticmethod]
    fn from_pem(py: Python<'_>, text: &str) -> PyResult<PublicKey> {
        qrcred::PublicKey::from_spki_pem(text)
            .map(|inner| PublicKey { inner })
            .map_err(|e| raise(py, &e))
    }

    /// The key as SPKI PEM.
    fn to_pem(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.to_spki_pem().map_err(|e| raise(py, &e))
    }

    /// The 32 bytes of the key.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    /// The key id, 16 hex digits.
    #[getter]
    fn kid(&self) -> String {
        self.inner.kid().to_string()
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }

    fn __repr__(&self) -> String {
        format!("PublicKey(kid={})", self.inner.kid())
    }
}

/// An issuer's private Ed25519 key.
#[pyclass(frozen, module = "qrcred")]
struct IssuerKey {
    inner: qrcred::IssuerKey,
}

#[pymethods]
impl IssuerKey {
    /// A new key from the operating system's randomness.
    #[staticmethod]
    fn generate(py: Python<'_>) -> PyResult<IssuerKey> {
        qrcred::IssuerKey::generate()
            .map(|inner| IssuerKey { inner })
            .map_err(|e| raise(py, &e))
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`).
    #[staticmethod]
    fn from_pem(py: Python<'_>, text: &str) -> PyResult<IssuerKey> {
        qrcred::IssuerKey::from_pkcs8_pem(text)
            .map(|inner| IssuerKey { inner })
            .map_err(|e| raise(py, &e))
    }

    /// The key as PKCS#8 PEM: keep it secret.
    fn to_pem(&self, py: Python<'_>) -> PyResult<String> {
        self.inner
            .to_pkcs8_pem()
            .map(|pem| pem.as_str().to_owned())
            .map_err(|e| raise(py, &e))
    }

    /// Its public key.
    #[getter]
    fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: *self.inner.public_key(),
        }
    }

    /// The key id, 16 hex digits.
    #[getter]
    fn kid(&self) -> String {
        self.inner.kid().to_string()
    }

    fn __repr__(&self) -> String {
        format!("IssuerKey(kid={})", self.inner.kid())
    }
}

// --- issuing and images ---------------------------------------------------------

/// Signs credentials with a key, as `issuer_id`.
#[pyclass(frozen, module = "qrcred")]
struct Issuer {
    inner: qrcred::Issuer,
}

/// A credential from a dict (read straight into the model) or JSON text.
fn credential_of(py: Python<'_>, credential: &Bound<'_, PyAny>) -> PyResult<Credential> {
    if credential.cast::<PyString>().is_ok() {
        let text: String = credential.extract()?;
        return serde_json::from_str(&text).map_err(|e| invalid(py, format!("credential: {e}")));
    }
    pythonize::depythonize(credential).map_err(|e| invalid(py, format!("credential: {e}")))
}

fn validity(py: Python<'_>, valid_for: &Bound<'_, PyAny>) -> PyResult<TimeDelta> {
    valid_for
        .extract::<TimeDelta>()
        .map_err(|e| invalid(py, format!("valid_for is not a timedelta: {e}")))
}

#[pymethods]
impl Issuer {
    #[new]
    fn new(py: Python<'_>, key: &IssuerKey, issuer_id: &str) -> PyResult<Issuer> {
        if issuer_id.is_empty() || issuer_id.len() > 80 {
            return Err(invalid(py, "issuer_id must be 1 to 80 bytes"));
        }
        let key = qrcred::IssuerKey::from_seed(&key.inner.seed());
        Ok(Issuer {
            inner: qrcred::Issuer::new(key, issuer_id),
        })
    }

    /// Signs `credential` (a dict or JSON text, the library's credential
    /// form) valid for `valid_for` (a timedelta) from `now` (an aware
    /// datetime; default: the clock): the code text.
    #[pyo3(signature = (credential, valid_for, now=None))]
    fn issue(
        &self,
        py: Python<'_>,
        credential: &Bound<'_, PyAny>,
        valid_for: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let credential = credential_of(py, credential)?;
        let validity = validity(py, valid_for)?;
        let now = now_or_clock(py, now)?;
        // One signature (about 15 µs) keeps the GIL; issue_many releases it for a batch.
        self.inner.issue(&credential, validity, now).map_err(|e| raise(py, &e))
    }

    /// Signs many credentials at once, the GIL released for the whole
    /// batch: the code texts, in order. Raises on the first refused one.
    #[pyo3(signature = (credentials, valid_for, now=None))]
    fn issue_many(
        &self,
        py: Python<'_>,
        credentials: &Bound<'_, PyAny>,
        valid_for: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let mut all = Vec::new();
        for credential in credentials.try_iter()? {
            all.push(credential_of(py, &credential?)?);
        }
        let validity = validity(py, valid_for)?;
        let now = now_or_clock(py, now)?;
        py.detach(|| {
            all.iter()
                .map(|c| self.inner.issue(c, validity, now))
                .collect::<Result<Vec<String>, Error>>()
        })
        .map_err(|e| raise(py, &e))
    }

    /// The issuer id.
    #[getter]
    fn issuer_id(&self) -> String {
        self.inner.issuer_id().to_owned()
    }
}

/// A code text as a PNG (ECC level M, `module_px` pixels a module).
#[pyfunction]
#[pyo3(signature = (code, module_px=4))]
fn render_png<'py>(py: Python<'py>, code: &str, module_px: u32) -> PyResult<Bound<'py, PyBytes>> {
    let png =
        qrcred::render_png(code, &RenderOptions::default().with_module_px(module_px)).map_err(|e| raise(py, &e))?;
    Ok(PyBytes::new(py, &png))
}

/// A code text as an SVG document.
#[pyfunction]
#[pyo3(signature = (code, module_px=4))]
fn render_svg(py: Python<'_>, code: &str, module_px: u32) -> PyResult<String> {
    qrcred::render_svg(code, &RenderOptions::default().with_module_px(module_px)).map_err(|e| raise(py, &e))
}

/// Every code text in a PNG or JPEG image (bytes).
#[pyfunction]
fn scan_image(py: Python<'_>, image: &[u8]) -> PyResult<Vec<String>> {
    py.detach(|| qrcred::scan_image(image, &qrcred::Limits::DEFAULT))
        .map_err(|e| raise(py, &e))
}

// --- verifying -----------------------------------------------------------------------

/// A code that verified.
#[pyclass(frozen, module = "qrcred")]
struct Verified {
    inner: qrcred::Verified,
}

#[pymethods]
impl Verified {
    /// The credential, as a dict (the library's JSON form).
    #[getter]
    fn credential<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text = serde_json::to_string(self.inner.credential()).map_err(|e| invalid(py, e.to_string()))?;
        from_json(py, &text)
    }

    /// The kind: `health_status`, `vaccination`, `test_result`, `recovery`, `access_pass`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind().as_str()
    }

    /// The issuer, as the trust entry names it.
    #[getter]
    fn issuer(&self) -> String {
        self.inner.issuer().to_owned()
    }

    /// The issuer's display name from a trust bundle, if any.
    #[getter]
    fn issuer_name(&self) -> Option<String> {
        self.inner.issuer_name().map(String::from)
    }

    /// The key id that verified.
    #[getter]
    fn kid(&self) -> String {
        self.inner.kid().to_string()
    }

    /// `iat`, an aware datetime in UTC.
    #[getter]
    fn issued_at(&self) -> DateTime<Utc> {
        self.inner.issued_at()
    }

    /// `nbf`, else `iat`.
    #[getter]
    fn valid_from(&self) -> DateTime<Utc> {
        self.inner.valid_from()
    }

    /// `exp`.
    #[getter]
    fn expires_at(&self) -> DateTime<Utc> {
        self.inner.expires_at()
    }

    /// The `cti` as hex, or None.
    #[getter]
    fn cti(&self) -> Option<String> {
        self.inner.cti().map(|c| c.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The id a trust bundle revokes this code by (SPEC.md §12.3): key logs and deduplication on it.
    #[getter]
    fn revocation_id(&self) -> String {
        self.inner.revocation_id().to_string()
    }

    /// Warning codes (`trust.stale`).
    #[getter]
    fn warnings(&self) -> Vec<&'static str> {
        self.inner.warnings().iter().map(|w| w.code()).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Verified(kind={}, issuer={:?}, expires_at={})",
            self.kind(),
            self.inner.issuer(),
            self.inner.expires_at()
        )
    }
}

/// A trust entry from Python: a PublicKey (named by its kid), a
/// (PublicKey, issuer) pair, or a dict of the trust list form.
fn trust_entry(py: Python<'_>, item: &Bound<'_, PyAny>) -> PyResult<serde_json::Value> {
    if let Ok(key) = item.cast::<PublicKey>() {
        let key = key.get();
        let kid = key.inner.kid().to_string();
        return Ok(serde_json::json!({ "public_key": key.to_pem(py)?, "issuer": kid }));
    }
    if let Ok((key, issuer)) = item.extract::<(Bound<'_, PyAny>, String)>()
        && let Ok(key) = key.cast::<PublicKey>()
    {
        return Ok(serde_json::json!({ "public_key": key.get().to_pem(py)?, "issuer": issuer }));
    }
    if item.cast::<PyDict>().is_ok() {
        let text = to_json_text(py, item, "trust entry")?;
        return serde_json::from_str(&text).map_err(|e| invalid(py, format!("trust entry: {e}")));
    }
    Err(invalid(
        py,
        "a trust entry is a PublicKey, a (PublicKey, issuer) pair or a dict",
    ))
}

/// Verifies codes offline and decides at the door: trusted keys (a plain
/// list, or a signed trust bundle checked against a pinned root, with its
/// persisted state), entry rules, limits. Thread-safe: verify from many
/// threads at once.
#[pyclass(frozen, module = "qrcred")]
struct Verifier {
    inner: Scanner,
}

#[pymethods]
impl Verifier {
    /// A verifier trusting `trust`: PublicKeys (named by their kid),
    /// (PublicKey, issuer) pairs, or dicts `{"public_key", "issuer",
    /// "display_name", "valid_from", "valid_until", "kinds"}`; `rules` a
    /// rule set (dict or JSON text) for `decide`.
    /// `dscs` are Document Signer Certificates for `HC1:` codes (EU DCC /
    /// WHO GDHCN), each a PEM text (str) of one or more.
    /// `clock_skew` (a timedelta, default 5 minutes) and `limits` (a dict
    /// of `max_text_len`, `max_inflated_len`, `max_cbor_depth`,
    /// `max_cbor_items`, ...) replace the defaults.
    #[new]
    #[pyo3(signature = (trust=None, rules=None, *, dscs=None, clock_skew=None, limits=None))]
    fn new(
        py: Python<'_>,
        trust: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
        dscs: Option<Vec<String>>,
        clock_skew: Option<&Bound<'_, PyAny>>,
        limits: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Verifier> {
        let mut entries = Vec::new();
        if let Some(trust) = trust {
            for item in trust.try_iter()? {
                entries.push(trust_entry(py, &item?)?);
            }
        }
        let mut options = serde_json::json!({ "trust": entries, "dscs": dscs.unwrap_or_default() });
        settings(py, &mut options, rules, clock_skew, limits, None, false)?;
        open(py, &options, None, None, Utc::now())
    }

    /// A verifier from a trust bundle file's bytes, checked against the
    /// pinned root `root_pem` (SPKI PEM) and, when given, the `state` that
    /// `state()` returned last time; loaded at `now` (default: the clock).
    /// `stale_grace` (a timedelta) and `stale_refuse` set how trust past
    /// the bundle's expiry is treated (default: a `trust.stale` warning).
    #[staticmethod]
    #[pyo3(signature = (bundle, root_pem, state=None, now=None, rules=None, *, clock_skew=None, limits=None, stale_grace=None, stale_refuse=false))]
    #[allow(clippy::too_many_arguments)]
    fn from_bundle(
        py: Python<'_>,
        bundle: &[u8],
        root_pem: &str,
        state: Option<&[u8]>,
        now: Option<&Bound<'_, PyAny>>,
        rules: Option<&Bound<'_, PyAny>>,
        clock_skew: Option<&Bound<'_, PyAny>>,
        limits: Option<&Bound<'_, PyAny>>,
        stale_grace: Option<&Bound<'_, PyAny>>,
        stale_refuse: bool,
    ) -> PyResult<Verifier> {
        let mut options = serde_json::json!({ "roots": [root_pem] });
        settings(py, &mut options, rules, clock_skew, limits, stale_grace, stale_refuse)?;
        let now = now_or_clock(py, now)?;
        open(py, &options, Some(bundle), state, now)
    }

    /// Verifies the bytes a code's Base45 carries (a zlib stream or COSE_Sign1).
    #[pyo3(signature = (payload, now=None))]
    fn verify_payload(&self, py: Python<'_>, payload: &[u8], now: Option<&Bound<'_, PyAny>>) -> PyResult<Verified> {
        let now = now_or_clock(py, now)?;
        py.detach(|| self.inner.verify_payload(payload, now))
            .map(|inner| Verified { inner })
            .map_err(|e| raise(py, &e))
    }

    /// Verifies a code text: a `Verified`, or raises `qrcred.Refused`.
    #[pyo3(signature = (code, now=None))]
    fn verify(&self, py: Python<'_>, code: &str, now: Option<&Bound<'_, PyAny>>) -> PyResult<Verified> {
        let now = now_or_clock(py, now)?;
        // One verification keeps the GIL; verify_batch releases it for a batch.
        self.inner
            .verify(code, now)
            .map(|inner| Verified { inner })
            .map_err(|e| raise(py, &e))
    }

    /// Verifies many codes at once, the GIL released: a list of `Verified`
    /// or `qrcred.Refused` (not raised), in order.
    #[pyo3(signature = (codes, now=None))]
    fn verify_batch<'py>(
        &self,
        py: Python<'py>,
        codes: Vec<String>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let now = now_or_clock(py, now)?;
        let results = py.detach(|| self.inner.verify_batch(&codes, now));
        let out = PyList::empty(py);
        for result in results {
            match result {
                Ok(inner) => out.append(Py::new(py, Verified { inner })?)?,
                Err(e) => out.append(raise(py, &e).into_value(py))?,
            }
        }
        Ok(out)
    }

    /// Decides for one person presenting `codes` at a gate of `site`: the
    /// decision as a dict (the `gate --json` shape: `verdict`, `code`,
    /// `text` in `lang`, `rule`, `rule_set`, `colour`, `name`,
    /// `revocation_ids`). Raises `InvalidArgument` without rules.
    #[pyo3(signature = (codes, now=None, site=None, lang="zh"))]
    fn decide<'py>(
        &self,
        py: Python<'py>,
        codes: Vec<String>,
        now: Option<&Bound<'_, PyAny>>,
        site: Option<&str>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = now_or_clock(py, now)?;
        let (decision, verified) = py
            .detach(|| self.inner.decide(&codes, site, now))
            .map_err(|e| raise(py, &e))?;
        let ids: Vec<RevocationId> = verified.iter().map(qrcred::Verified::revocation_id).collect();
        let text = serde_json::to_string(&DecisionReport::new(&decision, lang, &ids))
            .map_err(|e| invalid(py, e.to_string()))?;
        from_json(py, &text)
    }

    /// The trust state to persist and give to the next `from_bundle`.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = self.inner.state_bytes().map_err(|e| raise(py, &e))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The loaded bundle as a dict (`sequence`, `issued_at`, `expires_at`,
    /// `signed_by`, `keys`, `revoked`, `rules`), or None.
    #[getter]
    fn bundle<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        match self.inner.bundle() {
            Some(b) => {
                let text = serde_json::to_string(&BundleReport::new(b)).map_err(|e| invalid(py, e.to_string()))?;
                from_json(py, &text).map(Some)
            }
            None => Ok(None),
        }
    }
}

/// Rules, clock skew, limits and the stale policy into scanner options.
fn settings(
    py: Python<'_>,
    options: &mut serde_json::Value,
    rules: Option<&Bound<'_, PyAny>>,
    clock_skew: Option<&Bound<'_, PyAny>>,
    limits: Option<&Bound<'_, PyAny>>,
    stale_grace: Option<&Bound<'_, PyAny>>,
    stale_refuse: bool,
) -> PyResult<()> {
    if let Some(rules) = rules.filter(|r| !r.is_none()) {
        options["rules_json"] = serde_json::Value::from(to_json_text(py, rules, "rules")?);
    }
    if let Some(skew) = clock_skew.filter(|s| !s.is_none()) {
        let skew: TimeDelta = skew
            .extract()
            .map_err(|e| invalid(py, format!("clock_skew is not a timedelta: {e}")))?;
        options["clock_skew_seconds"] = serde_json::Value::from(skew.num_seconds());
    }
    if let Some(limits) = limits.filter(|l| !l.is_none()) {
        let text = to_json_text(py, limits, "limits")?;
        options["limits"] = serde_json::from_str(&text).map_err(|e| invalid(py, format!("limits: {e}")))?;
    }
    if stale_grace.is_some_and(|g| !g.is_none()) || stale_refuse {
        let grace = match stale_grace.filter(|g| !g.is_none()) {
            Some(g) => g
                .extract::<TimeDelta>()
                .map_err(|e| invalid(py, format!("stale_grace is not a timedelta: {e}")))?
                .num_seconds(),
            None => 0,
        };
        options["stale"] = serde_json::json!({ "grace_seconds": grace, "refuse": stale_refuse });
    }
    Ok(())
}

fn open(
    py: Python<'_>,
    options: &serde_json::Value,
    bundle: Option<&[u8]>,
    state: Option<&[u8]>,
    now: DateTime<Utc>,
) -> PyResult<Verifier> {
    let options = ScannerOptions::from_json(&options.to_string()).map_err(|e| raise(py, &e))?;
    Scanner::open(&options, bundle, state, now)
        .map(|inner| Verifier { inner })
        .map_err(|e| raise(py, &e))
}

/// The native module.
#[pymodule]
fn _qrcred(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PublicKey>()?;
    m.add_class::<IssuerKey>()?;
    m.add_class::<Issuer>()?;
    m.add_class::<Verified>()?;
    m.add_class::<Verifier>()?;
    m.add_function(wrap_pyfunction!(render_png, m)?)?;
    m.add_function(wrap_pyfunction!(render_svg, m)?)?;
    m.add_function(wrap_pyfunction!(scan_image, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MAX_CODES_PER_PERSON", scanner::MAX_CODES_PER_PERSON)?;
    Ok(())
}
