//! Interoperability with an independent implementation: tests/interop/peer.py
//! (pycose + cbor2 + base45 + zlib) verifies our codes and issues codes we
//! verify; tests/interop/hcert_peer.py issues `HC1:` codes (ES256 and PS256,
//! with its own X.509 DSCs from `cryptography`) we verify.
//!
//! Keys: the PEM files we write load in OpenSSL and Python's `cryptography`,
//! and theirs load here.
//!
//! Needs python3 with `pycose`, `cwt`, `base45` and `cryptography`, and the
//! `openssl` command (`.ci/run` installs them); when they are missing the
//! checks skip and say how to enable them, except under `CI=true`, where
//! they fail (tests/support/outside.rs).

#[path = "support/outside.rs"]
mod outside;

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, Issuer, IssuerKey, PublicKey, TrustStore, TrustedKey, Verifier};
use serde_json::{Value, json};

const SEED: [u8; 32] = [0x5A; 32];
const OTHER_SEED: [u8; 32] = [0xA5; 32];
const ISSUER: &str = "CN-SN-XA";
const INSTALL: &str = outside::PYTHON_INSTALL;

/// The subject of every sample, in wire form; 7378 days = 1990-03-15.
const SUBJECT_WIRE: &str = r#"{"1": "王", "2": "小明", "3": "WANG", "4": "XIAOMING", "5": 7378}"#;
/// health_status.json in wire form, kind before subject, subject keys shuffled.
const HEALTH_BODY: &str = r#"{"2": {"1": 0}, "1": {"5": 7378, "3": "WANG", "1": "王", "4": "XIAOMING", "2": "小明"}}"#;
/// vaccination.json in wire form, keys shuffled; 20759 days = 2026-11-02.
const VACCINATION_BODY: &str = r#"{"3": {"7": "CN", "1": 1, "6": 20759, "2": 1, "3": 1, "5": 2, "4": 1},
  "1": {"1": "王", "2": "小明", "3": "WANG", "4": "XIAOMING", "5": 7378}}"#;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

fn sample(kind: &str) -> Credential {
    let path = format!("{}/examples/credentials/{kind}.json", env!("CARGO_MANIFEST_DIR"));
    let json = std::fs::read_to_string(&path).expect("sample credential");
    serde_json::from_str(&json).expect("sample parses")
}

fn key(seed: &[u8; 32]) -> IssuerKey {
    IssuerKey::from_seed(seed)
}

fn verifier() -> Verifier<TrustStore> {
    Verifier::new(TrustStore::new().with(TrustedKey::new(*key(&SEED).public_key(), ISSUER)))
}

/// Runs peer.py; fails with install advice when python3 or its packages are missing.
fn peer(args: &[&str]) -> Output {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/peer.py");
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 ({e}); the interop tests need: {INSTALL}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        panic!("{stderr}the interop tests need: {INSTALL}");
    }
    assert_ne!(out.status.code(), Some(2), "peer.py usage error: {stderr}");
    out
}

fn python_verify(code: &str, public: &PublicKey) -> Output {
    peer(&["verify", "--pub", &hex::encode(public.to_bytes()), code])
}

/// The claims Python reads from a code it accepts.
fn python_claims(code: &str, public: &PublicKey) -> Value {
    let out = python_verify(code, public);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "Python refused {code}: {stderr}");
    serde_json::from_slice(&out.stdout).expect("peer prints JSON")
}

/// A code issued by Python with `seed`, valid from `now()` for 24 hours.
fn python_issue(seed: &[u8; 32], body: &str, extra: &[&str]) -> String {
    static FILES: AtomicUsize = AtomicUsize::new(0);
    let n = FILES.fetch_add(1, Ordering::Relaxed);
    let path = format!("{}/interop-body-{n}.json", env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(&path, body).expect("write body");
    let (iat, exp) = (now().timestamp(), (now() + TimeDelta::hours(24)).timestamp());
    let (seed, iat, exp) = (hex::encode(seed), iat.to_string(), exp.to_string());
    let mut args = vec![
        "issue",
        "--seed",
        &seed,
        "--iat",
        &iat,
        "--exp",
        &exp,
        "--body-json",
        &path,
    ];
    args.extend_from_slice(extra);
    let out = peer(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "Python could not issue: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

#[test]
fn python_verifies_every_sample_we_issue() {
    if !outside::python("tests/interop.rs: python_verifies_every_sample_we_issue") {
        return;
    }
    let issuer = Issuer::new(key(&SEED), ISSUER);
    let public = *issuer.key().public_key();
    // (sample, validity in hours, kind key, one kind field, its wire value)
    let cases = [
        ("health_status", 24, "2", "1", json!(0)),
        ("vaccination", 365 * 24, "3", "6", json!(20759)),
        ("test_result", 72, "4", "4", json!(1_795_512_600)),
        ("recovery", 180 * 24, "5", "4", json!(20907)),
        ("access_pass", 30 * 24, "6", "1", json!("XA-YANTA-017")),
    ];
    let subject: Value = serde_json::from_str(SUBJECT_WIRE).expect("subject");
    for (kind, hours, kind_key, field, value) in cases {
        let code = issuer
            .issue(&sample(kind), TimeDelta::hours(hours), now())
            .expect("issues");
        let ours = verifier().verify(&code, now()).expect("we verify our own code");
        let claims = python_claims(&code, &public);
        let cti = ours.cti().map(hex::encode);
        assert_eq!(claims["iat"], json!(now().timestamp()), "{kind}");
        assert_eq!(
            claims["exp"],
            json!((now() + TimeDelta::hours(hours)).timestamp()),
            "{kind}"
        );
        assert_eq!((&claims["nbf"], &claims["iss"]), (&Value::Null, &Value::Null), "{kind}");
        assert_eq!(claims["cti"], json!(cti), "{kind}");
        assert_eq!(
            cti.is_some(),
            kind != "health_status",
            "{kind}: cti only when revocable"
        );
        let body = claims["body"].as_object().expect("body map");
        assert_eq!(body.keys().collect::<Vec<_>>(), ["1", kind_key], "{kind}");
        assert_eq!(body["1"], subject, "{kind}");
        assert_eq!(body[kind_key][field], value, "{kind}");
    }
}

#[test]
fn we_verify_codes_python_issues() {
    if !outside::python("tests/interop.rs: we_verify_codes_python_issues") {
        return;
    }
    // (body, sample it encodes, cti, extra peer arguments)
    type Case<'a> = (&'a str, &'a str, Option<[u8; 8]>, &'a [&'a str]);
    let cases: [Case; 4] = [
        (HEALTH_BODY, "health_status", None, &[]),
        (
            HEALTH_BODY,
            "health_status",
            Some([1, 2, 3, 4, 5, 6, 7, 8]),
            &["--cti", "0102030405060708", "--compress"],
        ),
        (
            VACCINATION_BODY,
            "vaccination",
            Some([0xA1; 8]),
            &["--cti", "a1a1a1a1a1a1a1a1"],
        ),
        (VACCINATION_BODY, "vaccination", None, &["--compress", "--iss", ISSUER]),
    ];
    for (body, kind, cti, extra) in cases {
        let code = python_issue(&SEED, body, extra);
        let verified = verifier()
            .verify(&code, now() + TimeDelta::hours(1))
            .unwrap_or_else(|e| panic!("{kind} {extra:?}: {} ({e}) for {code}", e.code()));
        assert_eq!(verified.credential(), &sample(kind), "{kind} {extra:?}");
        assert_eq!(verified.issuer(), ISSUER);
        assert_eq!(verified.issued_at(), now());
        assert_eq!(verified.valid_from(), now());
        assert_eq!(verified.expires_at(), now() + TimeDelta::hours(24));
        assert_eq!(verified.cti(), cti, "{kind} {extra:?}");
    }
}

#[test]
fn forgeries_are_refused_both_ways() {
    if !outside::python("tests/interop.rs: forgeries_are_refused_both_ways") {
        return;
    }
    // Python signs with another key but names ours: the signature fails.
    let kid = key(&SEED).kid().to_string();
    let forged = python_issue(&OTHER_SEED, HEALTH_BODY, &["--kid", &kid]);
    let err = verifier().verify(&forged, now()).expect_err("forged");
    assert_eq!(err.code(), "signature.invalid", "{err}");
    // Without the borrowed kid the key is simply unknown.
    let stranger = python_issue(&OTHER_SEED, HEALTH_BODY, &[]);
    let err = verifier().verify(&stranger, now()).expect_err("stranger");
    assert_eq!(err.code(), "key.unknown_kid", "{err}");

    // One Base45 character of our code changed: Python refuses it. The first
    // character of the last full group is its least significant digit, so a
    // step of one keeps the group valid Base45 and changes the signature.
    let issuer = Issuer::new(key(&SEED), ISSUER);
    let code = issuer
        .issue(&sample("health_status"), TimeDelta::hours(24), now())
        .expect("issues");
    assert!(python_verify(&code, issuer.key().public_key()).status.success());
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let mut bytes = code.into_bytes();
    let at = 4 + ((bytes.len() - 4) / 3 - 1) * 3;
    let digit = ALPHABET.iter().position(|&c| c == bytes[at]).expect("base45");
    bytes[at] = ALPHABET[if digit > 0 { digit - 1 } else { 1 }];
    let tampered = String::from_utf8(bytes).expect("ascii");
    let out = python_verify(&tampered, issuer.key().public_key());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "Python accepted {tampered}");
    assert!(stderr.contains("verify failed"), "{stderr}");
    let err = verifier().verify(&tampered, now()).expect_err("tampered");
    assert_eq!(err.code(), "signature.invalid", "{err}");
}

/// A fresh file path in this test binary's temporary folder.
fn temp_path(name: &str) -> String {
    static FILES: AtomicUsize = AtomicUsize::new(0);
    let n = FILES.fetch_add(1, Ordering::Relaxed);
    format!("{}/interop-key-{n}-{name}", env!("CARGO_TARGET_TMPDIR"))
}

/// Runs `openssl args`; its standard output, or the test fails with its error.
fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl").args(args).output().expect("openssl runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "openssl {args:?} failed: {stderr}");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A code minted with `key` (whatever wrote it) that Python verifies
/// against `public` and we verify with a trust store holding `public`.
fn mint_and_verify_both_ways(key: IssuerKey, public: PublicKey) {
    assert_eq!(key.public_key(), &public, "the private key's public half");
    let code = Issuer::new(key, ISSUER)
        .issue(&sample("vaccination"), TimeDelta::days(365), now())
        .expect("issues");
    let trust = TrustStore::new().with(TrustedKey::new(public, ISSUER));
    let verified = Verifier::new(trust).verify(&code, now()).expect("we verify");
    assert_eq!(verified.credential(), &sample("vaccination"));
    if outside::python("tests/interop.rs: Python verifies a code minted with a foreign key") {
        let claims = python_claims(&code, &public);
        assert_eq!(claims["iat"], json!(now().timestamp()));
    }
}

#[test]
fn keys_we_write_load_in_openssl() {
    if !outside::openssl("tests/interop.rs: keys_we_write_load_in_openssl") {
        return;
    }
    let key = key(&SEED);
    let (private, public) = (temp_path("ours.key.pem"), temp_path("ours.pub.pem"));
    std::fs::write(&private, key.to_pkcs8_pem().expect("pem").as_bytes()).expect("write");
    let spki = key.public_key().to_spki_pem().expect("spki");
    std::fs::write(&public, &spki).expect("write");
    // OpenSSL reads the private key and derives the same public key.
    assert_eq!(openssl(&["pkey", "-in", &private, "-pubout"]), spki);
    // It reads it as RFC 8410's version 1 form, the seed alone.
    let text = openssl(&["pkey", "-in", &private, "-noout", "-text"]);
    assert!(text.contains("ED25519 Private-Key"), "{text}");
    // And the public key file, to the same bytes.
    assert_eq!(openssl(&["pkey", "-pubin", "-in", &public, "-pubout"]), spki);
}

#[test]
fn keys_openssl_writes_load_here() {
    if !outside::openssl("tests/interop.rs: keys_openssl_writes_load_here") {
        return;
    }
    let (private, public) = (temp_path("openssl.key.pem"), temp_path("openssl.pub.pem"));
    openssl(&["genpkey", "-algorithm", "ed25519", "-out", &private]);
    openssl(&["pkey", "-in", &private, "-pubout", "-out", &public]);
    let key = IssuerKey::from_pkcs8_pem(&std::fs::read_to_string(&private).expect("read")).expect("our reader");
    let public = PublicKey::from_spki_pem(&std::fs::read_to_string(&public).expect("read")).expect("our reader");
    mint_and_verify_both_ways(key, public);
}

#[test]
fn keys_we_write_load_in_python_cryptography() {
    if !outside::python("tests/interop.rs: keys_we_write_load_in_python_cryptography") {
        return;
    }
    let key = key(&OTHER_SEED);
    let (private, public) = (temp_path("ours.key.pem"), temp_path("ours.pub.pem"));
    std::fs::write(&private, key.to_pkcs8_pem().expect("pem").as_bytes()).expect("write");
    std::fs::write(&public, key.public_key().to_spki_pem().expect("spki")).expect("write");
    let expected = format!("{}\n", hex::encode(key.public_key().to_bytes()));
    for which in [["--private", &private], ["--public", &public]] {
        let out = peer(&["key-public", which[0], which[1]]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "cryptography refused {}: {stderr}", which[0]);
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{}", which[0]);
    }
}

#[test]
fn keys_python_cryptography_writes_load_here() {
    if !outside::python("tests/interop.rs: keys_python_cryptography_writes_load_here") {
        return;
    }
    let (private, public) = (temp_path("python.key.pem"), temp_path("python.pub.pem"));
    let out = peer(&["keygen", "--private", &private, "--public", &public]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let key = IssuerKey::from_pkcs8_pem(&std::fs::read_to_string(&private).expect("read")).expect("our reader");
    let public = PublicKey::from_spki_pem(&std::fs::read_to_string(&public).expect("read")).expect("our reader");
    mint_and_verify_both_ways(key, public);
}

/// `HC1:` codes from an independent issuer (tests/interop/hcert_peer.py:
/// `cryptography` makes the key and the X.509 DSC, pycose signs, cbor2,
/// zlib and base45 pack), ES256 and PS256: they verify here, and tampered
/// ones, ones whose DSC may not sign that kind and ones signed outside the
/// DSC's window are refused.
#[cfg(feature = "hcert")]
#[test]
fn python_hc1_codes_verify_and_tampered_ones_are_refused() {
    use qrcred::hcert::Dsc;
    use std::io::Write;
    if !outside::python("tests/interop.rs: python_hc1_codes_verify_and_tampered_ones_are_refused") {
        return;
    }
    let iat = DateTime::parse_from_rfc3339("2021-07-01T08:00:00Z")
        .expect("time")
        .to_utc();
    let at = iat + TimeDelta::hours(1);
    let examples = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test-vectors/third-party/eu-dcc-schema/examples"
    );
    let issue = |alg: &str, sample: &str, usage: &str, extra: &[&str]| -> (String, Dsc) {
        static FILES: AtomicUsize = AtomicUsize::new(0);
        let pem = format!(
            "{}/interop-dsc-{}.pem",
            env!("CARGO_TARGET_TMPDIR"),
            FILES.fetch_add(1, Ordering::Relaxed)
        );
        let (iat_s, exp_s) = (
            iat.timestamp().to_string(),
            (iat + TimeDelta::days(365)).timestamp().to_string(),
        );
        let json = format!("{examples}/{sample}");
        let mut args = vec![
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/hcert_peer.py"),
            "issue",
            "--alg",
            alg,
            "--iat",
            &iat_s,
            "--exp",
            &exp_s,
            "--cert-json",
            &json,
            "--dsc-out",
            &pem,
            "--iss",
            "NL",
            "--usage",
            usage,
        ];
        args.extend_from_slice(extra);
        let out = Command::new("python3").args(&args).output().expect("python3");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(3), "{stderr}the interop tests need: {INSTALL}");
        assert!(out.status.success(), "hcert_peer.py: {stderr}");
        let dscs = Dsc::from_file_bytes(&std::fs::read(&pem).expect("DSC written")).expect("their DSC loads");
        let code = String::from_utf8(out.stdout).expect("utf-8").trim().to_owned();
        (code, dscs.into_iter().next().expect("one DSC"))
    };
    let verify = |code: &str, dsc: &Dsc| Verifier::new(TrustStore::new().with_dsc(dsc.clone())).verify(code, at);
    for alg in ["ES256", "PS256"] {
        for (sample, usage, kind) in [
            ("vaccination/simple.json", "vaccination", qrcred::Kind::Vaccination),
            ("test/simple-naat.json", "test", qrcred::Kind::TestResult),
            ("recovery/simple.json", "recovery", qrcred::Kind::Recovery),
        ] {
            let (code, dsc) = issue(alg, sample, usage, &[]);
            assert_eq!(dsc.alg().name(), alg);
            let verified = verify(&code, &dsc).unwrap_or_else(|e| panic!("{alg} {sample}: {e}"));
            assert_eq!((verified.kind(), verified.issuer()), (kind, "NL"), "{alg} {sample}");
            let json = std::fs::read_to_string(format!("{examples}/{sample}")).expect("sample");
            let signed = qrcred::hcert::HealthCertificate::from_json(&json).expect("schema");
            assert_eq!(verified.health_certificate(), Some(&signed), "{alg} {sample}");

            // One byte of the COSE changed (the signature's last): refused.
            let cose = qrcred::hcert::inflate(
                &qrcred::hcert::base45_decode(qrcred::hcert::unprefix(&code).expect("HC1")).expect("b45"),
                &qrcred::Limits::DEFAULT,
            )
            .expect("zlib");
            let mut tampered = cose.clone();
            *tampered.last_mut().expect("bytes") ^= 1;
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            z.write_all(&tampered).expect("zlib");
            let text = format!("HC1:{}", qrcred::layers::base45_encode(&z.finish().expect("zlib")));
            assert_eq!(
                verify(&text, &dsc).expect_err("tampered").code(),
                "signature.invalid",
                "{alg}"
            );
        }
        // A DSC for tests only signing a vaccination; one expired before iat.
        let (code, dsc) = issue(alg, "vaccination/simple.json", "test", &[]);
        assert_eq!(
            verify(&code, &dsc).expect_err("usage").code(),
            "key.kind_not_allowed",
            "{alg}"
        );
        let (before, after) = (
            (iat - TimeDelta::days(60)).timestamp().to_string(),
            (iat - TimeDelta::days(30)).timestamp().to_string(),
        );
        let (code, dsc) = issue(
            alg,
            "vaccination/simple.json",
            "vaccination",
            &["--not-before", &before, "--not-after", &after],
        );
        assert_eq!(
            verify(&code, &dsc).expect_err("window").code(),
            "key.outside_validity",
            "{alg}"
        );
    }
}
