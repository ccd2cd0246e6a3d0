//! `HC1:` health certificates against the EU DCC test data
//! (test-vectors/third-party/dgc-testdata, feature `hcert`): every
//! `EXPECTED*` flag of every file is checked at `TESTCTX.VALIDATIONCLOCK`
//! with `TESTCTX.CERTIFICATE`, and the per-country, per-flag counts are
//! the table in test-vectors/third-party/README.md (between the
//! `hcert-table` markers; `QRCRED_BLESS=1` rewrites it).
#![cfg(feature = "hcert")]

#[path = "support/dcc.rs"]
mod dcc;

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use chrono::{DateTime, Utc};
use qrcred::hcert::{self, Dsc, HealthCertificate, Sign1};
use qrcred::{Limits, TrustStore, Verifier};
use serde_json::Value;

const FLAGS: [&str; 12] = [
    "EXPECTEDPICTUREDECODE",
    "EXPECTEDUNPREFIX",
    "EXPECTEDB45DECODE",
    "EXPECTEDCOMPRESSION",
    "EXPECTEDDECODE",
    "EXPECTEDVERIFY",
    "EXPECTEDKEYUSAGE",
    "EXPECTEDEXPIRATIONCHECK",
    "EXPTECTEDEXPIRED",
    "EXPECTEDSCHEMAVALIDATION",
    "EXPECTEDVALIDOBJECT",
    "EXPECTEDVALIDJSON",
];

/// Files where the library's verdict differs from a flag, and why. Each is
/// an error in the data (README "EU DCC test data: where we differ").
const DIFFERENCES: &[(&str, &str, &str)] = &[
    ("DK/1.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/10.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/11.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/12.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/2.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/3.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/4.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/5.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/7.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("DK/8.json", "EXPECTEDEXPIRATIONCHECK", DK_AT_EXP),
    ("FR/test_pcr_ok.json", "EXPECTEDDECODE", FR_JSON_TIMES),
    ("FR/test_pcr_ok.json", "EXPECTEDVALIDJSON", FR_JSON_TIMES),
];

const DK_AT_EXP: &str =
    "VALIDATIONCLOCK equals exp to the second; RFC 8392 §3.1.4: on or after exp the CWT must not be accepted";
const FR_JSON_TIMES: &str = "the JSON's sc and dr are two hours earlier than the signed CBOR's (12:34:56Z against 14:34:56Z): a local time written with Z";

fn cases() -> Vec<(String, String, Value)> {
    dcc::files().into_iter().map(|f| (f.country, f.name, f.case)).collect()
}

fn text<'a>(case: &'a Value, field: &str) -> Option<&'a str> {
    case[field].as_str().filter(|s| !s.is_empty())
}

fn hex_field(case: &Value, field: &str) -> Option<Vec<u8>> {
    text(case, field).and_then(|h| hex::decode(h).ok())
}

/// `TESTCTX.CERTIFICATE`: base64 DER.
fn dsc(case: &Value) -> Option<Dsc> {
    let b64 = case["TESTCTX"]["CERTIFICATE"].as_str()?;
    let der = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    Dsc::from_der(&der).ok()
}

fn clock(case: &Value) -> Option<DateTime<Utc>> {
    let t = case["TESTCTX"]["VALIDATIONCLOCK"].as_str()?;
    DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc))
}

/// The COSE bytes: the `COSE` field, else the chain from `PREFIX`.
fn cose(case: &Value) -> Option<Vec<u8>> {
    hex_field(case, "COSE").or_else(|| {
        let b45 = hcert::unprefix(text(case, "PREFIX")?).ok()?;
        hcert::inflate(&hcert::base45_decode(b45).ok()?, &Limits::DEFAULT).ok()
    })
}

fn json_eq(a: &Value, b: &Value) -> bool {
    a == b
}

/// The library's verdict on one step of one file; `None` when the file
/// lacks the step's input (22 files flag a picture they do not carry).
fn verdict(flag: &str, case: &Value) -> Option<bool> {
    let needs: &[&str] = match flag {
        "EXPECTEDPICTUREDECODE" => &["2DCODE", "PREFIX"],
        "EXPECTEDUNPREFIX" | "EXPECTEDVALIDJSON" => &["PREFIX"],
        "EXPECTEDB45DECODE" => &["BASE45"],
        "EXPECTEDDECODE" => &["CBOR"],
        _ => &[],
    };
    if needs.iter().any(|f| text(case, f).is_none()) {
        return None;
    }
    Some(step(flag, case))
}

fn step(flag: &str, case: &Value) -> bool {
    let limits = Limits::DEFAULT;
    match flag {
        "EXPECTEDPICTUREDECODE" => {
            let Some(b64) = text(case, "2DCODE") else { return false };
            let b64 = b64.rsplit_once("base64,").map_or(b64, |(_, d)| d);
            let b64: String = b64.chars().filter(|c| !c.is_whitespace()).collect();
            let Ok(png) = base64::engine::general_purpose::STANDARD.decode(b64) else {
                return false;
            };
            qrcred::scan_image(&png, &limits).is_ok_and(|t| Some(t[0].as_str()) == text(case, "PREFIX"))
        }
        "EXPECTEDUNPREFIX" => {
            let Some(prefixed) = text(case, "PREFIX") else {
                return false;
            };
            match (hcert::unprefix(prefixed), text(case, "BASE45")) {
                (Ok(rest), Some(b45)) => rest == b45,
                (Ok(_), None) => true,
                (Err(_), _) => false,
            }
        }
        "EXPECTEDB45DECODE" => {
            let Some(Ok(bytes)) = text(case, "BASE45").map(hcert::base45_decode) else {
                return false;
            };
            match (hex_field(case, "COMPRESSED"), hex_field(case, "COSE")) {
                (Some(compressed), _) => bytes == compressed,
                (None, Some(cose)) => hcert::inflate(&bytes, &limits).is_ok_and(|c| c == cose),
                (None, None) => true,
            }
        }
        "EXPECTEDCOMPRESSION" => {
            // `COMPRESSED`, else what `BASE45` or `PREFIX` decodes to.
            let Some(compressed) = hex_field(case, "COMPRESSED").or_else(|| {
                let b45 = text(case, "BASE45").or_else(|| hcert::unprefix(text(case, "PREFIX")?).ok())?;
                hcert::base45_decode(b45).ok()
            }) else {
                return false;
            };
            hcert::inflate(&compressed, &limits).is_ok_and(|c| hex_field(case, "COSE").is_none_or(|cose| c == cose))
        }
        "EXPECTEDDECODE" => {
            // `CBOR` holds the certificate alone or the whole claims set.
            let Some(cbor) = hex_field(case, "CBOR") else {
                return false;
            };
            match hcert::certificate_json(&cbor, &limits).or_else(|_| hcert::cbor_json(&cbor, &limits)) {
                Ok(json) => case.get("JSON").is_none_or(|j| j.is_null() || json_eq(&json, j)),
                Err(_) => false,
            }
        }
        "EXPECTEDVERIFY" => {
            let (Some(cose), Some(dsc)) = (cose(case), dsc(case)) else {
                return false;
            };
            Sign1::parse(&cose, &limits).is_ok_and(|s| s.kid() == dsc.kid() && s.verifies_with(&dsc))
        }
        "EXPECTEDKEYUSAGE" => {
            let (Some(cose), Some(dsc)) = (cose(case), dsc(case)) else {
                return false;
            };
            let Ok(sign1) = Sign1::parse(&cose, &limits) else {
                return false;
            };
            let Ok(claims) = hcert::Claims::parse(sign1.unverified_payload(), &limits) else {
                return false;
            };
            sign1.verifies_with(&dsc) && dsc.permits(claims.certificate.kind())
        }
        // `EXPTECTEDEXPIRED` (sic, four BG files) is read as the
        // expiration check it misspells: each of its files is valid at its
        // clock, as their descriptions say.
        "EXPECTEDEXPIRATIONCHECK" | "EXPTECTEDEXPIRED" => {
            let code = full_verify(case);
            !matches!(
                code.as_ref().map_err(String::as_str),
                Err("time.expired" | "time.not_yet_valid")
            )
        }
        "EXPECTEDSCHEMAVALIDATION" | "EXPECTEDVALIDOBJECT" => match case.get("JSON").filter(|j| !j.is_null()) {
            Some(json) => HealthCertificate::from_json(&json.to_string()).is_ok(),
            None => hex_field(case, "CBOR").is_some_and(|c| HealthCertificate::from_cbor(&c, &limits).is_ok()),
        },
        "EXPECTEDVALIDJSON" => {
            let Some(cose) = text(case, "PREFIX").and_then(|p| {
                let bytes = hcert::base45_decode(hcert::unprefix(p).ok()?).ok()?;
                hcert::inflate(&bytes, &limits).ok()
            }) else {
                return false;
            };
            let Ok(sign1) = Sign1::parse(&cose, &limits) else {
                return false;
            };
            hcert::certificate_json(sign1.unverified_payload(), &limits).is_ok_and(|json| json_eq(&json, &case["JSON"]))
        }
        other => panic!("unknown flag {other}"),
    }
}

/// The whole verifier on `PREFIX` at the validation clock, with the
/// file's certificate as the only trusted DSC: `Ok(kind)` or the code.
fn full_verify(case: &Value) -> Result<String, String> {
    let (Some(text), Some(dsc), Some(now)) = (text(case, "PREFIX"), dsc(case), clock(case)) else {
        return Err("missing".into());
    };
    Verifier::new(TrustStore::new().with_dsc(dsc))
        .verify(text, now)
        .map(|v| v.kind().to_string())
        .map_err(|e| e.code().to_string())
}

#[test]
fn eu_test_data_every_flag() {
    let cases = cases();
    assert_eq!(cases.len(), 132, "files in dgc-testdata");
    // country → flag → (agree, total)
    let mut table: BTreeMap<String, BTreeMap<&str, (usize, usize)>> = BTreeMap::new();
    let mut differences = Vec::new();
    let mut untestable: BTreeMap<&str, usize> = BTreeMap::new();
    for (country, name, case) in &cases {
        for flag in FLAGS {
            let Some(expected) = case["EXPECTEDRESULTS"][flag].as_bool() else {
                continue;
            };
            let Some(ours) = verdict(flag, case) else {
                *untestable.entry(flag).or_default() += 1;
                continue;
            };
            let cell = table.entry(country.clone()).or_default().entry(flag).or_default();
            cell.1 += 1;
            if ours == expected {
                cell.0 += 1;
            } else {
                differences.push((name.clone(), flag, expected));
            }
        }
    }
    let known: Vec<(String, &str, bool)> = DIFFERENCES
        .iter()
        .map(|(name, flag, _)| (name.to_string(), *flag, !flag.is_empty()))
        .collect();
    let found: Vec<(String, &str, bool)> = differences.iter().map(|(n, f, _)| (n.clone(), *f, true)).collect();
    let mut rendered = render(&table);
    rendered.push_str("\nFlags set on files that lack the step's input (not counted above): ");
    let list: Vec<String> = untestable.iter().map(|(f, n)| format!("{} {n}", short(f))).collect();
    rendered.push_str(&list.join(", "));
    rendered.push_str(".\n");
    check_readme(&rendered);
    assert_eq!(
        found, known,
        "differences from the EU flags (expected values: {differences:?})\n{rendered}"
    );
}

/// A flag's column name.
fn short(flag: &str) -> String {
    flag.trim_start_matches("EXPECTED")
        .trim_start_matches("EXPTECTED")
        .to_lowercase()
}

/// The markdown table: one row per country, one column per flag, each cell
/// `agree/total` (blank where no file of the country sets the flag).
fn render(table: &BTreeMap<String, BTreeMap<&str, (usize, usize)>>) -> String {
    let used: Vec<&str> = FLAGS
        .iter()
        .copied()
        .filter(|f| table.values().any(|row| row.contains_key(f)))
        .collect();
    let mut out = format!(
        "| country | {} |\n",
        used.iter().map(|f| short(f)).collect::<Vec<_>>().join(" | ")
    );
    out.push_str(&format!("|---|{}\n", "---|".repeat(used.len())));
    let mut totals: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (country, row) in table {
        let cells: Vec<String> = used
            .iter()
            .map(|f| match row.get(f) {
                Some((a, t)) => {
                    let total = totals.entry(f).or_default();
                    total.0 += a;
                    total.1 += t;
                    format!("{a}/{t}")
                }
                None => String::new(),
            })
            .collect();
        out.push_str(&format!("| {country} | {} |\n", cells.join(" | ")));
    }
    let cells: Vec<String> = used
        .iter()
        .map(|f| totals.get(f).map_or(String::new(), |(a, t)| format!("**{a}/{t}**")))
        .collect();
    out.push_str(&format!("| **all** | {} |\n", cells.join(" | ")));
    out
}

/// The README's table must be this run's (`QRCRED_BLESS=1` rewrites it).
fn check_readme(table: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/third-party/README.md");
    let readme = std::fs::read_to_string(&path).expect("README");
    let (begin, end) = ("<!-- hcert-table begin -->\n", "<!-- hcert-table end -->");
    let (Some(start), Some(stop)) = (readme.find(begin), readme.find(end)) else {
        panic!("test-vectors/third-party/README.md lacks the hcert-table markers; the table:\n{table}");
    };
    let current = &readme[start + begin.len()..stop];
    if current != table {
        if std::env::var_os("QRCRED_BLESS").is_some() {
            let updated = format!("{}{table}{}", &readme[..start + begin.len()], &readme[stop..]);
            std::fs::write(&path, updated).expect("write README");
        } else {
            panic!("the README's hcert table is out of date (QRCRED_BLESS=1 rewrites it):\n{table}");
        }
    }
}

/// A file's code, its DSC and its clock.
fn parts(case: &Value) -> (&str, Dsc, DateTime<Utc>) {
    (
        text(case, "PREFIX").expect("PREFIX"),
        dsc(case).expect("dsc"),
        clock(case).expect("clock"),
    )
}

fn case(name: &str) -> Value {
    cases()
        .into_iter()
        .find(|(_, n, _)| n == name)
        .map(|(_, _, c)| c)
        .expect("case")
}

#[test]
fn an_eu_code_verifies_into_the_model() {
    let at = case("AT/1.json");
    let (text, dsc, now) = parts(&at);
    assert_eq!(dsc.country(), Some("AT"));
    let verified = Verifier::new(TrustStore::new().with_dsc(dsc.clone()))
        .verify(text, now)
        .expect("valid");
    assert_eq!(verified.kind(), qrcred::Kind::Vaccination);
    assert_eq!(verified.issuer(), "AT");
    assert_eq!(verified.kid(), dsc.kid());
    let certificate = verified.health_certificate().expect("an HC1 code");
    let credential = verified.credential();
    assert_eq!(
        credential.subject.family_name_icao.as_deref(),
        certificate.nam.family_icao.as_deref()
    );
    assert_eq!(credential.subject.birth_date.to_string(), certificate.dob);
    let qrcred::CredentialBody::Vaccination(v) = &credential.body else {
        panic!("a vaccination");
    };
    assert_eq!(v.product, qrcred::VaccineProduct::Comirnaty);
    assert_eq!(v.country, "AT");
    // Three distinct EU revocation ids; the first is the code's id.
    let ids = verified.revocation_ids();
    assert_eq!(ids.len(), 3);
    assert!(ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2]);
    assert_eq!(verified.revocation_id(), ids[0]);
    // Without the DSC the kid is unknown; with another country's, too.
    let none = Verifier::new(TrustStore::new()).verify(text, now).expect_err("no DSC");
    assert_eq!(none.code(), "key.unknown_kid");
    // A scanner clock before the code's iat: not yet valid; long after: expired.
    let early = Verifier::new(TrustStore::new().with_dsc(dsc.clone())).verify(text, now - chrono::TimeDelta::days(30));
    assert_eq!(early.expect_err("early").code(), "time.not_yet_valid");
    let late = Verifier::new(TrustStore::new().with_dsc(dsc)).verify(text, now + chrono::TimeDelta::days(3650));
    assert_eq!(late.expect_err("late").code(), "time.expired");
}

#[test]
fn a_dsc_outside_its_window_or_usage_refuses() {
    // CO6: the DSC allows only tests, the certificate is a vaccination.
    let co6 = case("common/CO6.json");
    let refusal = full_verify(&co6).expect_err("key usage");
    assert_eq!(refusal, "key.kind_not_allowed");
    // CO5: the signature does not verify.
    assert_eq!(
        full_verify(&case("common/CO5.json")).expect_err("sig"),
        "signature.invalid"
    );
}

/// Every file with a code and a certificate, through `verify` one at a
/// time and through `verify_batch` mixed with `QC1:` codes: the same
/// verdicts, in order.
#[test]
fn batch_and_single_verdicts_agree() {
    let key = qrcred::IssuerKey::from_seed(&[9; 32]);
    let mut trust = TrustStore::new().with(qrcred::TrustedKey::new(*key.public_key(), "CN-TEST"));
    let issuer = qrcred::Issuer::new(key, "CN-TEST");
    let now = "2021-06-01T12:00:00Z".parse::<DateTime<Utc>>().expect("time");
    let credential = qrcred::Credential {
        subject: qrcred::Subject::new("王", "小明", qrcred::BirthDate::Year(1990)),
        body: qrcred::CredentialBody::HealthStatus(qrcred::HealthStatus {
            colour: qrcred::Colour::Green,
            reason: None,
        }),
    };
    let mut texts = Vec::new();
    for (_, _, case) in cases() {
        if let (Some(text), Some(dsc)) = (text(&case, "PREFIX"), dsc(&case)) {
            trust.add_dsc(dsc);
            texts.push(text.to_string());
            texts.push(
                issuer
                    .issue(&credential, chrono::TimeDelta::hours(24), now)
                    .expect("issue"),
            );
        }
    }
    assert!(texts.len() > 200, "{}", texts.len());
    let codes = |results: Vec<qrcred::Result<qrcred::Verified>>| -> Vec<String> {
        results
            .into_iter()
            .map(|r| r.map_or_else(|e| e.code().to_string(), |v| v.kind().to_string()))
            .collect()
    };
    let single = Verifier::new(&trust);
    let one_by_one = codes(texts.iter().map(|t| single.verify(t, now)).collect());
    let batch = codes(Verifier::new(&trust).verify_batch(&texts, now));
    assert_eq!(one_by_one, batch);
    assert!(one_by_one.iter().any(|c| c == "vaccination") && one_by_one.iter().any(|c| c == "health_status"));
}

/// Hostile variants of a real code: every truncation and every single
/// character replaced are refused with a code; none panics or verifies.
#[test]
fn truncated_and_altered_codes_are_refused() {
    let at = case("AT/1.json");
    let (text, dsc, now) = parts(&at);
    let verifier = Verifier::new(TrustStore::new().with_dsc(dsc));
    let mut codes = BTreeMap::new();
    for end in 0..text.len() {
        let err = verifier.verify(&text[..end], now).expect_err("truncated");
        *codes.entry(err.code()).or_insert(0) += 1;
    }
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    for i in 4..text.len() {
        let mut bytes = text.as_bytes().to_vec();
        let at = alphabet.iter().position(|&c| c == bytes[i]).expect("base45");
        bytes[i] = alphabet[(at + 1) % alphabet.len()];
        let altered = String::from_utf8(bytes).expect("ascii");
        let err = verifier.verify(&altered, now).expect_err("altered");
        *codes.entry(err.code()).or_insert(0) += 1;
    }
    assert!(codes.keys().all(|c| c.contains('.')), "{codes:?}");
    assert!(
        codes.contains_key("signature.invalid") || codes.contains_key("compression.invalid"),
        "{codes:?}"
    );
}

#[test]
fn dsc_files_in_pem_and_der() {
    let at = dsc(&case("AT/1.json")).expect("dsc");
    let be = dsc(&case("BE/1.json")).expect("dsc");
    let pem = |d: &Dsc| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(d.der());
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    };
    // `Dsc::to_pem` writes what an independent writer (above) does.
    assert_eq!(at.to_pem(), pem(&at));
    let both = format!("{}{}", pem(&at), be.to_pem());
    let read = Dsc::from_file_bytes(both.as_bytes()).expect("two PEM blocks");
    assert_eq!(read.iter().map(Dsc::kid).collect::<Vec<_>>(), vec![at.kid(), be.kid()]);
    assert_eq!(Dsc::from_file_bytes(at.der()).expect("DER"), vec![at.clone()]);
    for bad in [
        &b""[..],
        b"hello",
        &at.der()[..40],
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        let err = Dsc::from_file_bytes(bad).expect_err("not a certificate");
        assert_eq!(err.code(), "hcert.certificate", "{bad:?}");
    }
    let huge = vec![0x30; hcert::MAX_DSC_LEN + 1];
    assert_eq!(Dsc::from_der(&huge).expect_err("huge").code(), "hcert.certificate");
}

/// The EU DCC schema 1.3's examples pass the schema checks; its invalid
/// test cases are refused.
#[test]
fn eu_schema_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/third-party/eu-dcc-schema");
    let mut mapped = BTreeMap::new();
    for kind in ["vaccination", "test", "recovery"] {
        for file in std::fs::read_dir(root.join("examples").join(kind)).expect("examples") {
            let path = file.expect("entry").path();
            let json = std::fs::read_to_string(&path).expect("read");
            let cert = HealthCertificate::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = format!("{kind}/{}", path.file_name().expect("name").to_string_lossy());
            mapped.insert(name, cert.to_credential().err().map(|e| e.code()));
        }
    }
    assert_eq!(mapped.len(), 27);
    // Every example maps to a credential, the test ones (both test types,
    // partial birth dates, one name) included.
    let unmapped: BTreeMap<&String, &str> = mapped.iter().filter_map(|(k, e)| Some((k, (*e)?))).collect();
    assert!(unmapped.is_empty(), "{unmapped:#?}");
    let mut invalid = BTreeMap::new();
    for file in std::fs::read_dir(root.join("test/invalid")).expect("invalid") {
        let path = file.expect("entry").path();
        let json = std::fs::read_to_string(&path).expect("read");
        let err = HealthCertificate::from_json(&json).expect_err("invalid");
        invalid.insert(
            path.file_name().expect("name").to_string_lossy().into_owned(),
            err.code(),
        );
    }
    let expected: BTreeMap<String, &str> = [
        ("empty.json", "hcert.schema"),
        ("invalid_dob.json", "hcert.schema"),
        ("invalid_dob2.json", "hcert.schema"),
        ("invalid_vac.json", "hcert.schema"),
        ("missing_dob.json", "hcert.schema"),
        ("missing_fnt_gnt.json", "hcert.schema"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(invalid, expected);
}

/// One trust bundle carries DSCs beside issuer keys, with the same states,
/// and revokes `HC1:` codes by the EU hash kinds.
#[test]
fn a_trust_bundle_carries_dscs_and_revokes_by_eu_hashes() {
    use qrcred::{BundleDraft, DccHash, KeyState, RevocationId, TrustState};
    use sha2::Digest;
    let at1 = case("AT/1.json");
    let (text, dsc, now) = parts(&at1);
    let root = qrcred::IssuerKey::from_seed(&[0xA0; 32]);
    let load = |draft: &BundleDraft| {
        let bytes = draft.sign(&root).expect("sign");
        TrustState::new(&[*root.public_key()]).load(&bytes, now).expect("load")
    };
    let verify = |draft: &BundleDraft| Verifier::new(load(draft)).verify(text, now);
    let mut draft = BundleDraft::new(1, now - chrono::TimeDelta::hours(1), chrono::TimeDelta::days(7));
    assert_eq!(verify(&draft).expect_err("no DSC").code(), "key.unknown_kid");
    draft.add_dsc(&dsc);
    let bundle = load(&draft);
    assert_eq!(bundle.dscs().len(), 1);
    assert_eq!(bundle.dscs()[0].kid(), dsc.kid());
    assert_eq!(
        bundle.to_draft().dscs,
        draft.dscs,
        "a bundle's DSCs carry over to its next draft"
    );
    let verified = verify(&draft).expect("valid");
    assert_eq!(verified.issuer(), "AT");

    // Revoked by the EU hash of the UVCI, of country + UVCI, of the signature.
    let certificate = verified.health_certificate().expect("hcert");
    let uvci = certificate.uvci().as_bytes().to_vec();
    let country_uvci = [certificate.country().as_bytes(), &uvci].concat();
    let sign1 = Sign1::parse_text(text, &Limits::DEFAULT).expect("parse");
    let r = sign1.signature()[..32].to_vec();
    for (kind, data) in [
        (DccHash::Uci, uvci),
        (DccHash::CountryCodeUci, country_uvci),
        (DccHash::Signature, r),
    ] {
        let hash: [u8; 16] = sha2::Sha256::digest(&data)[..16].try_into().expect("16");
        let mut revoking = draft.clone();
        revoking.revoke(RevocationId::for_dcc(kind, &hash));
        assert_eq!(
            verify(&revoking).expect_err("revoked").code(),
            "revoked.credential",
            "{kind:?}"
        );
    }
    // `revoke_code` revokes by the UVCI hash, the code's revocation id.
    let mut revoking = draft.clone();
    let id = revoking.revoke_code(text, &Limits::DEFAULT).expect("revoke");
    assert_eq!(id, verified.revocation_id());
    assert_eq!(verify(&revoking).expect_err("revoked").code(), "revoked.credential");

    // The key states: retired before the code's iat, revoked outright,
    // revoked only from after the iat (the code still verifies).
    let iat = verified.issued_at();
    for (state, expected) in [
        (
            KeyState::Retired {
                at: iat - chrono::TimeDelta::days(1),
            },
            Err("key.retired"),
        ),
        (KeyState::Revoked { since: None }, Err("revoked.key")),
        (
            KeyState::Revoked {
                since: Some(iat + chrono::TimeDelta::days(1)),
            },
            Ok(()),
        ),
        (
            KeyState::Retired {
                at: iat + chrono::TimeDelta::seconds(1),
            },
            Ok(()),
        ),
    ] {
        let mut changed = draft.clone();
        changed.set_dsc_state(dsc.kid(), state).expect("known kid");
        let got = verify(&changed).map(|_| ()).map_err(|e| e.code());
        assert_eq!(got, expected, "{state:?}");
    }
    assert_eq!(
        draft
            .set_dsc_state(qrcred::Kid([0; 8]), KeyState::Active)
            .expect_err("unknown")
            .code(),
        "key.unknown_kid"
    );
}

/// An `HC1:` text around COSE bytes: zlib (flate2) and Base45.
fn hc1(cose: &[u8]) -> String {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(cose).expect("zlib");
    format!("HC1:{}", qrcred::layers::base45_encode(&z.finish().expect("zlib")))
}

/// Every `hcert.*` code is reached, each by the smallest input that gives it
/// (the EU test data reaches the codes of the layers they share with
/// `QC1:` codes).
#[test]
fn every_hcert_code_is_reached() {
    let verifier = Verifier::new(TrustStore::new());
    let now = "2021-06-01T00:00:00Z".parse::<DateTime<Utc>>().expect("time");
    let verify = |text: &str| verifier.verify(text, now).expect_err("refused").code();
    let mut reached = BTreeMap::new();
    let mut note = |code: &'static str, what: &str| {
        reached.entry(code).or_insert_with(Vec::new).push(what.to_string());
    };
    // A payload that is not zlib.
    note(
        verify(&format!("HC1:{}", qrcred::layers::base45_encode(&[0xd2, 0x84]))),
        "not zlib",
    );
    // Tag 98, not 18; a 3-element array.
    note(verify(&hc1(&hex::decode("d8628440a04040").expect("hex"))), "tag 98");
    note(verify(&hc1(&hex::decode("83404040").expect("hex"))), "three elements");
    // Protected {1: -8} (EdDSA); protected {1: -7} with no kid anywhere.
    note(verify(&hc1(&hex::decode("d28443a10127a04040").expect("hex"))), "EdDSA");
    note(verify(&hc1(&hex::decode("d28443a10126a04040").expect("hex"))), "no kid");
    // The schema, one entry, the model.
    let at1 = case("AT/1.json");
    let json = at1["JSON"].clone();
    let mut two = json.clone();
    two["t"] = two["v"].clone();
    note(
        HealthCertificate::from_json(&two.to_string())
            .expect_err("two groups")
            .code(),
        "v and t",
    );
    let mut bad = json.clone();
    bad["dob"] = "1800-01-01".into();
    note(
        HealthCertificate::from_json(&bad.to_string()).expect_err("dob").code(),
        "dob 1800",
    );
    let mut other = json.clone();
    other["v"][0]["mp"] = "EU/1/21/1624".into();
    let cert = HealthCertificate::from_json(&other.to_string()).expect("schema-valid");
    note(
        cert.to_credential().expect_err("unmapped").code(),
        "a product the model lacks",
    );
    // Certificates: not DER; an algorithm other than EC or RSA.
    note(
        Dsc::from_der(b"\x30\x03\x02\x01\x00").expect_err("not a cert").code(),
        "not X.509",
    );
    let der = dsc(&at1).expect("dsc").der().to_vec();
    let ec_public_key = hex::decode("06072a8648ce3d0201").expect("hex");
    let at = der
        .windows(ec_public_key.len())
        .position(|w| w == ec_public_key)
        .expect("id-ecPublicKey");
    let mut other_alg = der.clone();
    other_alg[at + ec_public_key.len() - 1] = 0x02;
    note(
        Dsc::from_der(&other_alg).expect_err("other key").code(),
        "another key algorithm",
    );
    let hcert_codes: Vec<&str> = qrcred::HcertError::CODES.to_vec();
    let got: Vec<&str> = reached.keys().copied().filter(|c| c.starts_with("hcert.")).collect();
    let mut want = hcert_codes.clone();
    want.sort_unstable();
    assert_eq!(got, want, "{reached:?}");
}
