//! Every refusal path of the verifier, each with its exact error code.
//!
//! Hostile structures are built byte by byte and properly signed, so each
//! test is refused for the reason it names and not for a broken signature.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{
    BirthDate, Colour, Credential, CredentialBody, HealthStatus, Issuer, IssuerKey, Kind, Limits, PublicKey, Subject,
    TrustStore, TrustedKey, Verifier,
};

const ISSUER: &str = "CN-SN-XA";

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

fn key() -> IssuerKey {
    IssuerKey::from_seed(&[1; 32])
}

fn status() -> Credential {
    Credential {
        subject: Subject::new("王", "小明", BirthDate::Year(1990)).with_icao("WANG", "XIAOMING"),
        body: CredentialBody::HealthStatus(HealthStatus {
            colour: Colour::Green,
            reason: None,
        }),
    }
}

fn store() -> TrustStore {
    TrustStore::new().with(TrustedKey::new(*key().public_key(), ISSUER))
}

fn issue() -> String {
    Issuer::new(key(), ISSUER)
        .issue(&status(), TimeDelta::hours(24), now())
        .expect("issues")
}

fn verify_code(text: &str) -> &'static str {
    Verifier::new(store())
        .verify(text, now())
        .expect_err("must be refused")
        .code()
}

fn verify_raw(bytes: &[u8]) -> &'static str {
    Verifier::new(store())
        .verify_bytes(bytes, now())
        .expect_err("must be refused")
        .code()
}

/// A CBOR byte-string header and body.
fn bstr(bytes: &[u8]) -> Vec<u8> {
    let mut out = match bytes.len() {
        n @ 0..=23 => vec![0x40 | n as u8],
        n @ 24..=255 => vec![0x58, n as u8],
        n => vec![0x59, (n >> 8) as u8, n as u8],
    };
    out.extend_from_slice(bytes);
    out
}

/// The standard protected header `{1: -8, 4: kid}`.
fn protected() -> Vec<u8> {
    let mut p = hex::decode("a2012704").expect("hex");
    p.extend(bstr(&key().kid().0));
    p
}

/// A tagged COSE_Sign1 over `payload`, correctly signed by `key()`.
fn sign1(protected: &[u8], unprotected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut tbs = vec![0x84, 0x6a];
    tbs.extend_from_slice(b"Signature1");
    tbs.extend(bstr(protected));
    tbs.extend(bstr(qrcred::layers::Document::Code.external_aad()));
    tbs.extend(bstr(payload));
    let sig = key().sign(&tbs);
    let mut out = vec![0xd2, 0x84];
    out.extend(bstr(protected));
    out.extend_from_slice(unprotected);
    out.extend(bstr(payload));
    out.extend(bstr(&sig));
    out
}

/// Valid claims for `status()` (issued by the library) as raw bytes.
fn valid_claims() -> Vec<u8> {
    let cose = Issuer::new(key(), ISSUER)
        .issue_bytes(&status(), TimeDelta::hours(24), now())
        .expect("issues");
    // Uncompressed: d2 84, 4d + 13 protected bytes, a0, then the payload as 58 LL.
    assert_eq!((cose[0], cose[16], cose[17]), (0xd2, 0xa0, 0x58));
    let len = cose[18] as usize;
    cose[19..19 + len].to_vec()
}

#[test]
fn the_baseline_is_accepted() {
    let payload = sign1(&protected(), &[0xa0], &valid_claims());
    let verified = Verifier::new(store()).verify_bytes(&payload, now()).expect("valid");
    assert_eq!(verified.credential(), &status());
    assert_eq!(verified.issuer(), ISSUER);
}

#[test]
fn prefix_and_base45() {
    let code = issue();
    let body = &code[4..];
    // `HC1:` is the EU DCC prefix: read as one (feature `hcert`), where a
    // QC1 payload (not zlib) is refused; without the feature, unknown.
    let foreign = verify_code(&format!("HC1:{body}"));
    let expected = if cfg!(feature = "hcert") {
        "hcert.not_compressed"
    } else {
        "prefix.unknown"
    };
    assert_eq!(foreign, expected);
    assert_eq!(verify_code(&format!("HL1:{body}")), "prefix.unknown");
    assert_eq!(verify_code(&format!("QC2:{body}")), "prefix.unsupported_version");
    assert_eq!(verify_code(body), "prefix.missing");
    assert_eq!(verify_code("QC1:"), "base45.empty");
    assert_eq!(verify_code(&format!("{code}\n")), "base45.invalid_char");
    assert_eq!(
        verify_code(&code.to_lowercase().replacen("qc1:", "QC1:", 1)),
        "base45.invalid_char"
    );
    // Valid lengths are 3n or 3n+2: pad to 3n+1.
    let one_over = "A".repeat((4 - body.len() % 3) % 3);
    assert_eq!((body.len() + one_over.len()) % 3, 1);
    assert_eq!(verify_code(&format!("{code}{one_over}")), "base45.invalid_length");
    assert_eq!(verify_code("QC1:GGW"), "base45.value_out_of_range");
}

#[test]
fn oversized_text() {
    let long = format!("QC1:{}", "0".repeat(5000));
    assert_eq!(verify_code(&long), "limits.text_too_long");
    let small = Verifier::new(store()).with_limits(Limits::DEFAULT.with_max_text_len(100));
    assert_eq!(
        small.verify(&issue(), now()).expect_err("long").code(),
        "limits.text_too_long"
    );
}

#[test]
fn compression_layer() {
    // Not zlib and not tag 18: the COSE layer names it.
    assert_eq!(verify_raw(&[0x00]), "cose.not_sign1");
    // A zlib stream cut short, and one with bytes after its end.
    let cose = sign1(&protected(), &[0xa0], &valid_claims());
    let z = zlib(&cose);
    assert_eq!(verify_raw(&z[..z.len() - 4]), "compression.invalid");
    let mut tail = z.clone();
    tail.push(0);
    assert_eq!(verify_raw(&tail), "compression.trailing_bytes");
    // Compressed payloads verify.
    assert!(Verifier::new(store()).verify_bytes(&z, now()).is_ok());
}

#[test]
fn inflate_bomb_is_capped() {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; 64 << 20]).expect("write");
    let bomb = e.finish().expect("finish");
    assert!(bomb.len() < 70_000);
    assert_eq!(verify_raw(&bomb), "limits.inflated_too_large");
}

fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("write");
    e.finish().expect("finish")
}

#[test]
fn cose_structure() {
    let claims = valid_claims();
    let good = sign1(&protected(), &[0xa0], &claims);
    // Wrapped in tag 61 (CWT), or tag 17 (COSE_Mac0) instead of 18,
    // plain or behind zlib.
    let cwt = [&[0xd8, 0x3d], &good[..]].concat();
    assert_eq!(verify_raw(&cwt), "cose.not_sign1");
    let mut mac0 = good.clone();
    mac0[0] = 0xd1;
    assert_eq!(verify_raw(&mac0), "cose.not_sign1");
    assert_eq!(verify_raw(&zlib(&mac0)), "cose.not_sign1");
    // An untagged COSE_Sign1.
    assert_eq!(verify_raw(&good[1..]), "cose.not_sign1");
    // Trailing bytes after the COSE structure.
    let mut tail = good.clone();
    tail.push(0x00);
    assert_eq!(verify_raw(&tail), "cbor.trailing_bytes");
    // Three elements instead of four.
    let mut short = vec![0xd2, 0x83];
    short.extend(bstr(&protected()));
    short.push(0xa0);
    short.extend(bstr(&claims));
    assert_eq!(verify_raw(&short), "cose.malformed");
    // Detached payload (nil).
    let mut detached = vec![0xd2, 0x84];
    detached.extend(bstr(&protected()));
    detached.extend([0xa0, 0xf6]);
    detached.extend(bstr(&[0; 64]));
    assert_eq!(verify_raw(&detached), "cose.detached_payload");
}

#[test]
fn header_rules() {
    let claims = valid_claims();
    let kid = bstr(&key().kid().0);
    let with = |p: &str, u: &[u8]| {
        let mut prot = hex::decode(p).expect("hex");
        if p.ends_with("04") {
            prot.extend(kid.clone());
        }
        verify_raw(&sign1(&prot, u, &claims))
    };
    assert_eq!(with("a2012604", &[0xa0]), "cose.unsupported_alg"); // {1: -7 (ES256), 4: kid}
    assert_eq!(with("a10127", &[0xa0]), "cose.missing_kid"); // {1: -8}
    assert_eq!(with("a104", &[0xa0]), "cose.missing_alg"); // {4: kid}
    assert_eq!(with("a201270441aa", &[0xa0]), "cose.invalid_kid"); // {1: -8, 4: h'aa'}
    assert_eq!(with("a20165456444534104", &[0xa0]), "cose.unsupported_alg_name"); // {1: "EdDSA", 4: kid}
    assert_eq!(with("a30127030004", &[0xa0]), "cose.unsupported_header"); // {1: -8, 3: 0, 4: kid}
    // alg or kid in the unprotected header, even next to a valid protected one.
    let mut unprot_kid = vec![0xa1, 0x04];
    unprot_kid.extend(kid.clone());
    assert_eq!(with("a2012704", &unprot_kid), "cose.unprotected_header");
    assert_eq!(with("a2012704", &[0xa1, 0x01, 0x27]), "cose.unprotected_header");
    // Only alg protected, kid unprotected: the protected header is judged first.
    let only_alg = sign1(&[0xa1, 0x01, 0x27], &unprot_kid, &claims);
    assert_eq!(verify_raw(&only_alg), "cose.missing_kid");
    // Ed25519 (-19) is accepted like EdDSA (-8).
    let mut ed25519 = hex::decode("a2013204").expect("hex");
    ed25519.extend(kid);
    assert!(
        Verifier::new(store())
            .verify_bytes(&sign1(&ed25519, &[0xa0], &claims), now())
            .is_ok()
    );
}

#[test]
fn signature_and_keys() {
    let code = issue();
    let other = IssuerKey::from_seed(&[2; 32]);
    // Unknown kid.
    let foreign = TrustStore::new().with(TrustedKey::new(*other.public_key(), ISSUER));
    let e = Verifier::new(foreign).verify(&code, now()).expect_err("unknown");
    assert_eq!(e.code(), "key.unknown_kid");
    // The wrong key under the right kid (a resolver that answers any kid).
    let wrong_key = *other.public_key();
    let resolver = move |_| vec![TrustedKey::new(wrong_key, ISSUER)];
    let e = Verifier::new(resolver).verify(&code, now()).expect_err("wrong key");
    assert_eq!(e.code(), "signature.invalid");
    // Several keys share a kid: the right one is found among them.
    let right = *key().public_key();
    let both = move |_| vec![TrustedKey::new(wrong_key, "X"), TrustedKey::new(right, ISSUER)];
    assert_eq!(
        Verifier::new(both).verify(&code, now()).expect("found").issuer(),
        ISSUER
    );
    // A 63-byte signature.
    let mut cose = sign1(&protected(), &[0xa0], &valid_claims());
    let n = cose.len();
    cose[n - 65] = 0x3f;
    assert_eq!(verify_raw(&cose[..n - 1]), "signature.invalid_length");
}

#[test]
fn every_single_bit_flip_is_refused() {
    let cose = sign1(&protected(), &[0xa0], &valid_claims());
    let verifier = Verifier::new(store());
    assert!(verifier.verify_bytes(&cose, now()).is_ok());
    for i in 0..cose.len() * 8 {
        let mut flipped = cose.clone();
        flipped[i / 8] ^= 1 << (i % 8);
        assert!(verifier.verify_bytes(&flipped, now()).is_err(), "bit {i} accepted");
    }
}

#[test]
fn key_policy() {
    let code = issue();
    let public = *key().public_key();
    let only_tests = TrustStore::new().with(TrustedKey::new(public, ISSUER).with_kinds(&[Kind::TestResult]));
    let e = Verifier::new(only_tests).verify(&code, now()).expect_err("kind");
    assert_eq!(e.code(), "key.kind_not_allowed");
    let retired = TrustedKey::new(public, ISSUER).with_window(None, Some(now()));
    let e = Verifier::new(TrustStore::new().with(retired))
        .verify(&code, now())
        .expect_err("window");
    assert_eq!(e.code(), "key.outside_validity");
    let future = TrustedKey::new(public, ISSUER).with_window(Some(now() + TimeDelta::seconds(1)), None);
    let e = Verifier::new(TrustStore::new().with(future))
        .verify(&code, now())
        .expect_err("window");
    assert_eq!(e.code(), "key.outside_validity");
    let exact = TrustedKey::new(public, ISSUER).with_window(Some(now()), Some(now() + TimeDelta::seconds(1)));
    assert!(
        Verifier::new(TrustStore::new().with(exact))
            .verify(&code, now())
            .is_ok()
    );
}

#[test]
fn iss_claim_must_match_the_key() {
    let code = Issuer::new(key(), "SOMEONE-ELSE")
        .with_iss_claim(true)
        .issue(&status(), TimeDelta::hours(1), now())
        .expect("issues");
    assert_eq!(verify_code(&code), "claims.issuer_mismatch");
    let code = Issuer::new(key(), ISSUER)
        .with_iss_claim(true)
        .issue(&status(), TimeDelta::hours(1), now())
        .expect("issues");
    assert!(Verifier::new(store()).verify(&code, now()).is_ok());
}

#[test]
fn time_boundaries() {
    let code = issue();
    // A fresh verifier per instant: a verifier that accepted the code
    // would take an earlier clock for one set back (`time.clock_behind`).
    let at = |t: DateTime<Utc>| {
        Verifier::new(store())
            .verify(&code, t)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    let exp = now() + TimeDelta::hours(24);
    assert_eq!(at(exp - TimeDelta::seconds(1)), Ok(()));
    assert_eq!(at(exp), Err("time.expired"));
    let skew = TimeDelta::minutes(5);
    assert_eq!(at(now() - skew), Ok(()));
    assert_eq!(at(now() - skew - TimeDelta::seconds(1)), Err("time.not_yet_valid"));
    let strict = Verifier::new(store()).with_clock_skew(TimeDelta::zero());
    assert_eq!(
        strict
            .verify(&code, now() - TimeDelta::seconds(1))
            .expect_err("early")
            .code(),
        "time.not_yet_valid"
    );
}

#[test]
fn claims_rules_inside_a_valid_signature() {
    let claims = valid_claims();
    // Duplicate key: append a second `exp` by rewriting the map header a3 -> a4.
    let mut dup = claims.clone();
    assert_eq!(dup[0], 0xa3);
    dup[0] = 0xa4;
    dup.extend_from_slice(&claims[1..7]);
    assert_eq!(verify_raw(&sign1(&protected(), &[0xa0], &dup)), "cbor.duplicate_key");
    // Indefinite-length map.
    let mut indef = vec![0xbf];
    indef.extend_from_slice(&claims[1..]);
    indef.push(0xff);
    assert_eq!(
        verify_raw(&sign1(&protected(), &[0xa0], &indef)),
        "cbor.indefinite_length"
    );
    // Non-shortest integer: exp written with 8 bytes instead of 4.
    let mut long = vec![0xa3, 0x04, 0x1b, 0, 0, 0, 0];
    long.extend_from_slice(&claims[3..]);
    assert_eq!(verify_raw(&sign1(&protected(), &[0xa0], &long)), "cbor.non_shortest");
    // Trailing byte after the claims map.
    let mut tail = claims.clone();
    tail.push(0x00);
    assert_eq!(verify_raw(&sign1(&protected(), &[0xa0], &tail)), "cbor.trailing_bytes");
    // A health status valid for 73 hours.
    let exp_73h = (now() + TimeDelta::hours(73)).timestamp() as u32;
    let mut too_long = claims.clone();
    too_long[3..7].copy_from_slice(&exp_73h.to_be_bytes());
    assert_eq!(
        verify_raw(&sign1(&protected(), &[0xa0], &too_long)),
        "claims.validity_too_long"
    );
}

#[test]
fn deep_and_wide_cbor_is_bounded() {
    let mut deep = vec![0x81; 10_000];
    deep.push(0x00);
    assert_eq!(verify_raw(&sign1(&protected(), &[0xa0], &deep)), "limits.cbor_too_deep");
    let mut wide = vec![0x99, 0x03, 0xe8];
    wide.extend(vec![0x00; 1000]);
    assert_eq!(
        verify_raw(&sign1(&protected(), &[0xa0], &wide)),
        "limits.cbor_too_many_items"
    );
    // A COSE structure claiming a 4 GiB signature.
    let mut huge = vec![0xd2, 0x84];
    huge.extend(bstr(&protected()));
    huge.push(0xa0);
    huge.extend(bstr(&valid_claims()));
    huge.extend([0x5a, 0xff, 0xff, 0xff, 0xff]);
    assert_eq!(verify_raw(&huge), "limits.cbor_length");
}

#[test]
fn unknown_public_key_bytes_are_refused() {
    // Not a curve point (y = 2 has no x on edwards25519).
    let mut bytes = [0u8; 32];
    bytes[0] = 2;
    assert_eq!(
        PublicKey::from_bytes(&bytes).expect_err("point").code(),
        "key.invalid_encoding"
    );
}

/// `{:?}` of a parsed but unverified code shows what finds the key (alg,
/// kid) and lengths, never the claims: an unverified payload must not
/// reach a log.
#[test]
fn debug_of_an_unverified_code_shows_no_claims() {
    let code = qrcred::UnverifiedCode::parse(&issue(), &Limits::DEFAULT).expect("parses");
    let shown = format!("{code:?}");
    let kid = format!("{:?}", key().kid());
    assert!(shown.contains("alg: -8") && shown.contains(&kid), "{shown}");
    assert!(shown.contains("payload_len: "), "{shown}");
    // "WANG" as Debug prints bytes, and the name as text.
    for claim in ["87, 65, 78, 71", "WANG", "王"] {
        assert!(!shown.contains(claim), "{shown} shows {claim}");
    }
    assert!(shown.len() < 160, "{shown}");
}

/// Control, bidirectional and invisible formatting characters are refused
/// in every shown text at issue (`claims.invisible_char`; the vectors
/// `claims_invisible_char_*` cover verifying), in a trust bundle's issuer
/// names and labels, and in a rule set's name; names in any script pass.
#[test]
fn invisible_characters_are_refused_in_shown_text() {
    let issue_as = |issuer: &str, family: &str, given: &str| {
        let mut credential = status();
        credential.subject = Subject::new(family, given, BirthDate::Year(1990));
        Issuer::new(key(), issuer)
            .with_iss_claim(true)
            .issue(&credential, TimeDelta::hours(24), now())
    };
    for (family, given) in [
        ("王\u{202E}明", "小明"),
        ("王\u{0}", "小明"),
        ("王", "小\u{200B}明"),
        ("王", "\u{2067}小明\u{2069}"),
        ("Smith\u{AD}", "John"),
        ("王", "小明\u{E0041}"),
        ("王\u{2028}", "小明"),
        ("王", "小明\u{85}"),
    ] {
        let code = issue_as(ISSUER, family, given).expect_err("refused").code();
        assert_eq!(code, "claims.invisible_char", "{family:?} {given:?}");
    }
    let code = issue_as("CN-SN-XA\u{200E}", "王", "小明").expect_err("refused").code();
    assert_eq!(code, "claims.invisible_char", "iss");
    for (family, given) in [
        ("Müller", "Zoë"),
        ("محمد", "علي"),
        ("Иванов", "Пётр"),
        ("김", "민준"),
        ("O'Brien-Smith", "Mary Ann"),
        ("สมชาย", "ใจดี"),
        ("阿卜杜拉·买买提", "艾力"),
    ] {
        let text = issue_as(ISSUER, family, given).expect("issues");
        let verified = Verifier::new(store()).verify(&text, now()).expect("verifies");
        assert_eq!(verified.credential().subject.family_name, family);
    }

    let root = IssuerKey::from_seed(&[0xA0; 32]);
    let bundle = |display: &str, label: &str| {
        let mut draft = qrcred::BundleDraft::new(1, now(), TimeDelta::days(7));
        draft.add_key(TrustedKey::new(*key().public_key(), ISSUER).with_display_name(display));
        draft
            .labels
            .entry("en".into())
            .or_default()
            .insert("status.green".into(), label.into());
        draft.sign(&root)
    };
    assert!(bundle("西安市卫健委", "Green code").is_ok());
    for (display, label) in [
        ("西安市\u{202E}卫健委", "Green code"),
        ("西安市卫健委", "Green\u{200B} code"),
    ] {
        let code = bundle(display, label).expect_err("refused").code();
        assert_eq!(code, "trust.invalid_value", "{display:?} {label:?}");
    }
    let rules = |name: &str| {
        qrcred::RuleSet::from_json(&format!(
            r#"{{"version": 1, "name": "{name}", "require": {{"recovery": {{}}}}}}"#
        ))
    };
    assert!(rules("Gate A").is_ok());
    assert_eq!(
        rules("Gate\u{202E} A").expect_err("refused").code(),
        "rules.invalid_value"
    );
}
