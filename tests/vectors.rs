//! Runs every published test vector (test-vectors/valid, test-vectors/invalid)
//! through the public API and checks the exact expected result, the
//! consistency of every layer a file gives, and that the corpus covers
//! every error code verification can produce.
//!
//! Regenerate the vectors with `cargo run --example gen_vectors`.

mod support;

use std::collections::BTreeSet;

use qrcred::{Error, IssuerKey, Kid, Limits, Verified, layers};
use support::{Case, Expected, ValidJson, bytes, load, load_all, time};

/// Codes only issuing, key handling, rendering or image scanning can
/// produce (README.md).
const NOT_FROM_VERIFICATION: &[&str] = &[
    "compression.failed",
    "cbor.encode",
    "key.invalid_encoding",
    "key.encode_failed",
    "key.randomness",
    "time.out_of_range",
    // Scanning an image (feature `scan`), not verifying a text.
    "limits.image_too_large",
];

/// Every code `Verifier::verify` / `verify_bytes` can return.
fn verification_codes() -> BTreeSet<&'static str> {
    Error::all_codes()
        .filter(|c| !c.starts_with("render.") && !c.starts_with("scan.") && !NOT_FROM_VERIFICATION.contains(c))
        .collect()
}

/// The differences between a verified code and the expected result.
fn differences(got: &Verified, want: &ValidJson) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: &str, same: bool, detail: String| {
        if !same {
            out.push(format!("{what}: {detail}"));
        }
    };
    check("valid", want.valid, "expected says valid: false".into());
    check(
        "kind",
        got.kind() == want.kind,
        format!("{} != {:?}", got.kind(), want.kind),
    );
    check(
        "issuer",
        got.issuer() == want.issuer,
        format!("{} != {}", got.issuer(), want.issuer),
    );
    check(
        "kid",
        got.kid().to_string() == want.kid,
        format!("{} != {}", got.kid(), want.kid),
    );
    let times = [
        ("issued_at", got.issued_at(), &want.issued_at),
        ("valid_from", got.valid_from(), &want.valid_from),
        ("expires_at", got.expires_at(), &want.expires_at),
    ];
    for (what, got, want) in times {
        check(what, got == time(want), format!("{got} != {want}"));
    }
    let cti = got.cti().map(hex::encode);
    check("cti", cti == want.cti, format!("{cti:?} != {:?}", want.cti));
    check(
        "credential",
        got.credential() == &want.credential,
        format!("{:?}", got.credential()),
    );
    out
}

#[test]
fn every_vector_gives_its_expected_result() {
    let mut failures = Vec::new();
    for (dir, valid) in [("valid", true), ("invalid", false)] {
        for (name, case) in load(dir) {
            let outcome = case.verify();
            let problems = match (&case.expected, &outcome) {
                (Expected::Valid(want), Ok(got)) if valid => differences(got, want),
                (Expected::Invalid(want), Err(e)) if !valid && !want.valid && e.code() == want.error => vec![],
                (expected, outcome) => vec![format!("expected {expected:?}, got {outcome:?}")],
            };
            failures.extend(problems.into_iter().map(|p| format!("{dir}/{name}: {p}")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The COSE bytes contain the claims as their payload byte string.
fn carries_claims(cose: &[u8], claims: &[u8]) -> bool {
    let mut bstr = match claims.len() {
        n @ 0..=23 => vec![0x40 | n as u8],
        n @ 24..=255 => vec![0x58, n as u8],
        n => vec![0x59, (n >> 8) as u8, n as u8],
    };
    bstr.extend_from_slice(claims);
    cose.windows(bstr.len()).any(|w| w == bstr)
}

fn layer_problems(case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    let payload = case.payload_hex.as_deref().map(bytes);
    let cose = case.cose_hex.as_deref().map(bytes);
    let claims = case.claims_hex.as_deref().map(bytes);
    if let (Some(text), Some(payload)) = (&case.text, &payload) {
        let base45 = layers::strip_prefix(text).expect("a text with a payload has the QC1: prefix");
        if base45 != layers::base45_encode(payload) || layers::base45_decode(base45).ok().as_ref() != Some(payload) {
            out.push("text is not QC1: + Base45(payload)".to_owned());
        }
    }
    if let (Some(payload), Some(cose)) = (&payload, &cose)
        && layers::decompress(payload.clone(), &Limits::DEFAULT).ok().as_ref() != Some(cose)
    {
        out.push("payload does not inflate (or pass through) to cose".to_owned());
    }
    if let (Some(cose), Some(claims)) = (&cose, &claims)
        && !carries_claims(cose, claims)
    {
        out.push("cose does not carry claims as its payload".to_owned());
    }
    if let Expected::Valid(want) = &case.expected {
        let well_formed = [&cose, &claims].into_iter().all(|b| {
            b.as_ref()
                .is_some_and(|b| layers::check_cbor(b, &Limits::DEFAULT).is_ok())
        });
        if !well_formed || case.text.is_none() || case.credential.as_ref() != Some(&want.credential) {
            out.push("a valid case has every layer, strict CBOR, and its credential".to_owned());
        }
    }
    out
}

#[test]
fn every_layer_given_is_consistent() {
    let failures: Vec<String> = load_all()
        .iter()
        .flat_map(|(name, case)| layer_problems(case).into_iter().map(move |p| format!("{name}: {p}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn keys_and_trust_entries_are_consistent() {
    for (name, case) in load_all() {
        for k in &case.keys {
            let seed: [u8; 32] = bytes(&k.seed).try_into().expect("32-byte seed");
            let key = IssuerKey::from_seed(&seed);
            assert!(k.test_only, "{name}: key {} not marked test-only", k.label);
            assert_eq!(
                hex::encode(key.public_key().to_bytes()),
                k.public_key,
                "{name}: {}",
                k.label
            );
            assert_eq!(key.kid().to_string(), k.kid, "{name}: {}", k.label);
        }
        for t in &case.trust {
            let public: [u8; 32] = bytes(&t.public_key).try_into().expect("32-byte key");
            assert_eq!(Kid::of(&public).to_string(), t.kid, "{name}: trust entry kid");
        }
        assert!(!case.description.is_empty(), "{name}: no description");
    }
}

#[test]
fn the_corpus_covers_every_verification_error_code() {
    let all = load_all();
    let valid = load("valid").len();
    assert!(all.len() >= 80, "only {} vectors", all.len());
    assert!(valid >= 20, "only {valid} valid vectors");
    let covered: BTreeSet<String> = all
        .iter()
        .filter_map(|(_, c)| match &c.expected {
            Expected::Invalid(i) => Some(i.error.clone()),
            Expected::Valid(_) => None,
        })
        .collect();
    let wanted: BTreeSet<String> = verification_codes().into_iter().map(String::from).collect();
    let missing: Vec<_> = wanted.difference(&covered).collect();
    let unknown: Vec<_> = covered.difference(&wanted).collect();
    assert!(missing.is_empty(), "error codes without a vector: {missing:?}");
    assert!(
        unknown.is_empty(),
        "vectors expect codes verification cannot produce: {unknown:?}"
    );
}

#[test]
fn the_readme_lists_every_vector() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).expect("test-vectors/README.md");
    let missing: Vec<String> = load_all()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| !readme.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "not listed in test-vectors/README.md: {missing:?}");
}
