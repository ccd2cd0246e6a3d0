//! The native half of the JVM and Android library (`bindings/jvm`): the
//! JNI functions behind `org.qrcred.Native`, which `Scanner`, `Issuer` and
//! `Verified` wrap.
//!
//! Handles are boxed objects passed to Java as a `long` (`0` for none; Java
//! clears its handle when it closes one). Every failure is thrown as a
//! Java exception with the library's stable code: `org.qrcred.Refused`
//! (checked) when the library refuses a code, bundle, key or credential,
//! `org.qrcred.InvalidArgumentException` (an `IllegalArgumentException`,
//! code `options.invalid`) for arguments it cannot read; a panic is caught
//! and thrown as an `InvalidArgumentException` with the code
//! `internal.panic`, never unwound into the JVM.

use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, TimeDelta, Utc};
use jni::JNIEnv;
use jni::objects::{JByteArray, JClass, JObject, JObjectArray, JString, JValue};
use jni::sys::{jbyteArray, jlong, jobject, jstring};
use qrcred::report::{DecisionReport, Labels, RefusedReport, ValidReport};
use qrcred::scanner::{self, Scanner, ScannerOptions};
use qrcred::{Credential, Error, IssuerKey, OptionsError, RevocationId, TimeError, Verified};

/// Why a call failed: a library error, or a code and message of our own.
struct Failure {
    code: &'static str,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<jni::errors::Error> for Failure {
    fn from(e: jni::errors::Error) -> Self {
        invalid(format!("JNI: {e}"))
    }
}

fn invalid(detail: impl Into<String>) -> Failure {
    Error::from(OptionsError::Invalid { detail: detail.into() }).into()
}

/// Throws `failure` as the Java exception of its code.
fn throw(env: &mut JNIEnv<'_>, failure: &Failure) {
    if env.exception_check().unwrap_or(false) {
        // A JNI call already threw (e.g. OutOfMemoryError): let it through.
        return;
    }
    let class = match failure.code {
        "options.invalid" | "internal.panic" => "org/qrcred/InvalidArgumentException",
        _ => "org/qrcred/Refused",
    };
    let made = (|| -> jni::errors::Result<JObject<'_>> {
        let code = env.new_string(failure.code)?;
        let message = env.new_string(&failure.message)?;
        env.new_object(
            class,
            "(Ljava/lang/String;Ljava/lang/String;)V",
            &[JValue::Object(&code), JValue::Object(&message)],
        )
    })();
    match made {
        Ok(exception) => {
            let _ = env.throw(jni::objects::JThrowable::from(exception));
        }
        Err(_) => {
            let _ = env.throw_new(
                "java/lang/IllegalStateException",
                format!("{}: {}", failure.code, failure.message),
            );
        }
    }
}

/// Runs `body`, catching panics; a failure or panic is thrown and `empty`
/// returned.
fn run<'local, T>(
    env: &mut JNIEnv<'local>,
    empty: T,
    body: impl FnOnce(&mut JNIEnv<'local>) -> Result<T, Failure>,
) -> T {
    match catch_unwind(AssertUnwindSafe(|| body(env))) {
        Ok(Ok(value)) => value,
        Ok(Err(failure)) => {
            throw(env, &failure);
            empty
        }
        Err(_) => {
            throw(
                env,
                &Failure {
                    code: "internal.panic",
                    message: "the library panicked: nothing was done".into(),
                },
            );
            empty
        }
    }
}

fn string(env: &mut JNIEnv<'_>, s: &JString<'_>, name: &str) -> Result<String, Failure> {
    if s.is_null() {
        return Err(invalid(format!("{name} is null")));
    }
    Ok(env.get_string(s)?.into())
}

fn optional_string(env: &mut JNIEnv<'_>, s: &JString<'_>) -> Result<Option<String>, Failure> {
    if s.is_null() {
        return Ok(None);
    }
    Ok(Some(env.get_string(s)?.into()))
}

fn optional_bytes(env: &mut JNIEnv<'_>, b: &JByteArray<'_>) -> Result<Option<Vec<u8>>, Failure> {
    if b.is_null() {
        return Ok(None);
    }
    Ok(Some(env.convert_byte_array(b)?))
}

fn instant(ms: jlong) -> Result<DateTime<Utc>, Failure> {
    scanner::unix_millis(ms).map_err(Failure::from)
}

/// The object behind a handle Java holds (`what` names it in the error).
///
/// # Safety
/// A non-zero `handle` is a `Box<T>` made by [`handle_of`] and not yet
/// freed: Java's `Handle` keeps it until `close`, which waits for the calls
/// in progress and then passes 0.
unsafe fn object<'a, T>(handle: jlong, what: &str) -> Result<&'a T, Failure> {
    if handle == 0 {
        return Err(invalid(format!("the {what} is closed")));
    }
    // SAFETY: the caller's guarantee.
    Ok(unsafe { &*(handle as *const T) })
}

fn handle_of<T>(object: T) -> jlong {
    Box::into_raw(Box::new(object)) as jlong
}

/// Frees the object behind a handle; 0 is ignored.
///
/// # Safety
/// As [`object`], and no call uses it any more.
unsafe fn free<T>(handle: jlong) {
    if handle != 0 {
        // SAFETY: the caller's guarantee.
        drop(unsafe { Box::from_raw(handle as *mut T) });
    }
}

fn scanner<'a>(handle: jlong) -> Result<&'a Scanner, Failure> {
    // SAFETY: handles of scanners come from `open`, kept by Java's `Handle`.
    unsafe { object(handle, "scanner") }
}

fn issuer<'a>(handle: jlong) -> Result<&'a qrcred::Issuer, Failure> {
    // SAFETY: handles of issuers come from `issuerFromPem`, kept by Java's `Handle`.
    unsafe { object(handle, "issuer") }
}

fn open(options: &str, bundle: Option<&[u8]>, state: Option<&[u8]>, now: DateTime<Utc>) -> Result<jlong, Failure> {
    let options = ScannerOptions::from_json(options)?;
    Ok(handle_of(Scanner::open(&options, bundle, state, now)?))
}

fn new_string<'local>(env: &mut JNIEnv<'local>, text: &str) -> Result<jstring, Failure> {
    Ok(env.new_string(text)?.into_raw())
}

// --- scanners ---------------------------------------------------------------

/// `Native.scannerOpen(String optionsJson, byte[] bundle, byte[] state, long nowMs)`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_scannerOpen<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    options: JString<'local>,
    bundle: JByteArray<'local>,
    state: JByteArray<'local>,
    now_ms: jlong,
) -> jlong {
    run(&mut env, 0, |env| {
        let options = optional_string(env, &options)?.unwrap_or_else(|| String::from("{}"));
        let bundle = optional_bytes(env, &bundle)?;
        let state = optional_bytes(env, &state)?;
        open(&options, bundle.as_deref(), state.as_deref(), instant(now_ms)?)
    })
}

/// `Native.scannerFromBundle(byte[] bundle, String rootPem, byte[] state)`, at the system clock.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_scannerFromBundle<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    bundle: JByteArray<'local>,
    root_pem: JString<'local>,
    state: JByteArray<'local>,
) -> jlong {
    run(&mut env, 0, |env| {
        let root = string(env, &root_pem, "rootPem")?;
        let bundle = optional_bytes(env, &bundle)?.ok_or_else(|| invalid("bundle is null"))?;
        let state = optional_bytes(env, &state)?;
        let options = serde_json::json!({ "roots": [root] }).to_string();
        open(&options, Some(&bundle), state.as_deref(), Utc::now())
    })
}

/// `Native.scannerFree(long handle)`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_scannerFree<'local>(
    _env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
) {
    // SAFETY: Java frees each handle once, after the calls using it (Handle.close).
    unsafe { free::<Scanner>(handle) }
}

/// `Native.verify(long handle, String text, long nowMs)`: a `Verified`, or throws `Refused`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_verify<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
    text: JString<'local>,
    now_ms: jlong,
) -> jobject {
    run(&mut env, std::ptr::null_mut(), |env| {
        let scanner = scanner(handle)?;
        let text = string(env, &text, "text")?;
        let verified = scanner.verify(&text, instant(now_ms)?)?;
        verified_object(env, &verified, &scanner.labels(Some("en")))
    })
}

/// A `org.qrcred.Verified` from the report JSON (its only constructor argument).
fn verified_object(env: &mut JNIEnv<'_>, verified: &Verified, labels: &Labels<'_>) -> Result<jobject, Failure> {
    let report = serde_json::to_string(&ValidReport::new(verified, labels)).map_err(|e| invalid(e.to_string()))?;
    let credential = serde_json::to_string(verified.credential()).map_err(|e| invalid(e.to_string()))?;
    let report = env.new_string(report)?;
    let credential = env.new_string(credential)?;
    let kind = env.new_string(verified.kind().as_str())?;
    let issuer = env.new_string(verified.issuer())?;
    let object = env.new_object(
        "org/qrcred/Verified",
        "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;JJJ)V",
        &[
            JValue::Object(&report),
            JValue::Object(&credential),
            JValue::Object(&kind),
            JValue::Object(&issuer),
            JValue::Long(verified.issued_at().timestamp_millis()),
            JValue::Long(verified.valid_from().timestamp_millis()),
            JValue::Long(verified.expires_at().timestamp_millis()),
        ],
    )?;
    Ok(object.into_raw())
}

/// `Native.verifyJson(long handle, String text, long nowMs, String lang)`:
/// the `verify --json` report, valid or refused (never throws for a refusal).
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_verifyJson<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
    text: JString<'local>,
    now_ms: jlong,
    lang: JString<'local>,
) -> jstring {
    run(&mut env, std::ptr::null_mut(), |env| {
        let scanner = scanner(handle)?;
        let text = string(env, &text, "text")?;
        let lang = optional_string(env, &lang)?;
        let labels = scanner.labels(lang.as_deref());
        let json = match scanner.verify(&text, instant(now_ms)?) {
            Ok(v) => serde_json::to_string(&ValidReport::new(&v, &labels)),
            Err(e) => serde_json::to_string(&RefusedReport::new(&e, &labels)),
        }
        .map_err(|e| invalid(e.to_string()))?;
        new_string(env, &json)
    })
}

/// `Native.decide(long handle, String[] texts, String site, String lang, long nowMs)`: the `gate --json` decision.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_decide<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
    texts: JObjectArray<'local>,
    site: JString<'local>,
    lang: JString<'local>,
    now_ms: jlong,
) -> jstring {
    run(&mut env, std::ptr::null_mut(), |env| {
        let scanner = scanner(handle)?;
        if texts.is_null() {
            return Err(invalid("texts is null"));
        }
        let count = env.get_array_length(&texts)?;
        let mut all = Vec::new();
        for i in 0..count {
            let item = JString::from(env.get_object_array_element(&texts, i)?);
            all.push(string(env, &item, "texts[i]")?);
        }
        let site = optional_string(env, &site)?;
        let lang = optional_string(env, &lang)?.unwrap_or_else(|| String::from("zh"));
        let (decision, verified) = scanner.decide(&all, site.as_deref(), instant(now_ms)?)?;
        let ids: Vec<RevocationId> = verified.iter().map(Verified::revocation_id).collect();
        let json =
            serde_json::to_string(&DecisionReport::new(&decision, &lang, &ids)).map_err(|e| invalid(e.to_string()))?;
        new_string(env, &json)
    })
}

/// `Native.state(long handle)`: the trust state to persist.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_state<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
) -> jbyteArray {
    run(&mut env, std::ptr::null_mut(), |env| {
        let bytes = scanner(handle)?.state_bytes()?;
        Ok(env.byte_array_from_slice(&bytes)?.into_raw())
    })
}

// --- issuing -------------------------------------------------------------------

/// `Native.issuerFromPem(String pem, String issuerId)`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_issuerFromPem<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    pem: JString<'local>,
    issuer_id: JString<'local>,
) -> jlong {
    run(&mut env, 0, |env| {
        let pem = string(env, &pem, "pem")?;
        let id = string(env, &issuer_id, "issuerId")?;
        if id.is_empty() || id.len() > 80 {
            return Err(invalid("issuerId must be 1 to 80 bytes"));
        }
        let key = IssuerKey::from_pkcs8_pem(&pem)?;
        Ok(handle_of(qrcred::Issuer::new(key, &id)))
    })
}

/// `Native.issuerFree(long handle)`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_issuerFree<'local>(
    _env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
) {
    // SAFETY: Java frees each handle once, after the calls using it (Handle.close).
    unsafe { free::<qrcred::Issuer>(handle) }
}

/// `Native.issue(long handle, String credentialJson, long validForSeconds, long nowMs)`: the code text.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_issue<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
    handle: jlong,
    credential: JString<'local>,
    valid_for_seconds: jlong,
    now_ms: jlong,
) -> jstring {
    run(&mut env, std::ptr::null_mut(), |env| {
        let issuer = issuer(handle)?;
        let credential: Credential = serde_json::from_str(&string(env, &credential, "credentialJson")?)
            .map_err(|e| invalid(format!("credentialJson: {e}")))?;
        let validity = TimeDelta::try_seconds(valid_for_seconds)
            .filter(|v| *v > TimeDelta::zero())
            .ok_or_else(|| Failure::from(Error::from(TimeError::OutOfRange)))?;
        let code = issuer.issue(&credential, validity, instant(now_ms)?)?;
        new_string(env, &code)
    })
}

/// `Native.version()`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_org_qrcred_Native_version<'local>(
    mut env: JNIEnv<'local>,
    _class: JClass<'local>,
) -> jstring {
    run(&mut env, std::ptr::null_mut(), |env| {
        new_string(env, env!("CARGO_PKG_VERSION"))
    })
}
