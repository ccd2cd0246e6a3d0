//! Runs every published test vector (test-vectors/valid, test-vectors/invalid,
//! the trust bundles of test-vectors/bundle and the entry decisions of
//! test-vectors/rules) through the public API and checks the exact expected
//! result, the consistency of every layer a file gives, and that the corpus
//! covers every error code verification, bundle loading and rule set
//! reading can produce, and every reason code of a decision.
//!
//! Regenerate the vectors with `cargo run --example gen_vectors`.

mod support;

use std::collections::BTreeSet;

use qrcred::{Error, IssuerKey, Kid, Limits, Reason, TrustBundle, TrustState, Verified, layers};
use support::rules::{DecisionCase, MalformedCase, RulesCase, cbor_of, load_rules};
use support::{
    BundleCase, Case, Expected, KeyJson, LoadJson, ValidJson, VerifyExpected, bytes, load, load_all, load_bundles, time,
};

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
    // Options given to a scanner or a binding, not a code (SPEC.md §9).
    "options.invalid",
];

/// Codes only a trust bundle gives: loading it, or verifying with it (a
/// revoked or retired key, a revoked credential, a clock behind what was
/// seen, stale trust). Only `bundle/` vectors expect them.
fn bundle_only(code: &str) -> bool {
    code.starts_with("trust.") || code.starts_with("revoked.") || ["key.retired", "time.clock_behind"].contains(&code)
}

/// Every code `Verifier::verify` / `verify_bytes` or `TrustState::load` can
/// return for a `QC1:` code. The `hcert.*` codes are reached by
/// tests/hcert.rs (`every_hcert_code_is_reached`, and the EU test data):
/// nothing here mints `HC1:` codes.
fn verification_codes() -> BTreeSet<&'static str> {
    Error::all_codes()
        .filter(|c| {
            !c.starts_with("render.")
                && !c.starts_with("scan.")
                && !c.starts_with("hcert.")
                && !NOT_FROM_VERIFICATION.contains(c)
        })
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

/// The error codes the malformed rule sets of `rules/` expect (each a
/// `rules.*` code), through JSON or a bundle.
fn rules_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for (name, case) in load_rules() {
        if let RulesCase::Malformed(m) = case {
            assert!(m.expected.error.starts_with("rules."), "{name}: not a rules.* code");
            codes.insert(m.expected.error);
        }
    }
    codes
}

/// The error codes the bundle vectors expect, loading or verifying.
fn bundle_codes(bundles: &[(String, BundleCase)]) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for (_, case) in bundles {
        if let LoadJson::Refused(r) = &case.expected {
            codes.insert(r.error.clone());
        }
        if let Some(VerifyExpected::Invalid(i)) = case.verify.as_ref().map(|v| &v.expected) {
            codes.insert(i.error.clone());
        }
    }
    codes
}

#[test]
fn the_corpus_covers_every_verification_error_code() {
    let all = load_all();
    let bundles = load_bundles();
    let valid = load("valid").len();
    assert!(all.len() >= 80, "only {} vectors", all.len());
    assert!(valid >= 20, "only {valid} valid vectors");
    assert!(bundles.len() >= 40, "only {} bundle vectors", bundles.len());
    let from_codes: BTreeSet<String> = all
        .iter()
        .filter_map(|(_, c)| match &c.expected {
            Expected::Invalid(i) => Some(i.error.clone()),
            Expected::Valid(_) => None,
        })
        .collect();
    let misplaced: Vec<_> = from_codes.iter().filter(|c| bundle_only(c)).collect();
    assert!(
        misplaced.is_empty(),
        "code vectors expect codes only a bundle gives: {misplaced:?}"
    );
    let misplaced: Vec<_> = from_codes.iter().filter(|c| c.starts_with("rules.")).collect();
    assert!(
        misplaced.is_empty(),
        "code vectors expect rule set codes: {misplaced:?}"
    );
    let from_bundles = bundle_codes(&bundles);
    let from_rules = rules_codes();
    let covered: BTreeSet<String> = from_codes.union(&from_bundles).chain(&from_rules).cloned().collect();
    let wanted: BTreeSet<String> = verification_codes().into_iter().map(String::from).collect();
    let missing: Vec<_> = wanted.difference(&covered).collect();
    let unknown: Vec<_> = covered.difference(&wanted).collect();
    assert!(missing.is_empty(), "error codes without a vector: {missing:?}");
    assert!(
        unknown.is_empty(),
        "vectors expect codes verification cannot produce: {unknown:?}"
    );
    let warned = bundles.iter().any(|(_, c)| {
        matches!(c.verify.as_ref().map(|v| &v.expected), Some(VerifyExpected::Valid(v)) if !v.warnings.is_empty())
    });
    assert!(warned, "no bundle vector expects a warning");
}

/// The differences between a loaded bundle, the state after, and the
/// expected load result.
fn load_differences(case: &BundleCase, state: &TrustState, outcome: &qrcred::Result<TrustBundle>) -> Vec<String> {
    match (&case.expected, outcome) {
        (LoadJson::Loaded(want), Ok(got)) => {
            let summary = (
                got.sequence(),
                got.issued_at(),
                got.expires_at(),
                got.signed_by().to_string(),
                got.keys().count(),
                got.revoked_count(),
            );
            let wanted = (
                want.sequence,
                time(&want.issued_at),
                time(&want.expires_at),
                want.signed_by.clone(),
                want.keys,
                want.revoked,
            );
            let mut out = Vec::new();
            if !want.ok || summary != wanted {
                out.push(format!("loaded {summary:?}, expected {wanted:?}"));
            }
            if !want.state_after.is(state) {
                out.push(format!("state after {state:?}, expected {:?}", want.state_after));
            }
            out
        }
        (LoadJson::Refused(want), Err(e)) if !want.ok && e.code() == want.error => {
            if case.state.is(state) {
                vec![]
            } else {
                vec![format!("a refused bundle changed the state to {state:?}")]
            }
        }
        (expected, outcome) => vec![format!("load: expected {expected:?}, got {outcome:?}")],
    }
}

#[test]
fn every_bundle_vector_gives_its_expected_result() {
    let mut failures = Vec::new();
    for (name, case) in load_bundles() {
        let (state, outcome) = case.load();
        let mut problems = load_differences(&case, &state, &outcome);
        match (&outcome, &case.verify) {
            (Ok(bundle), Some(v)) => {
                let verified = case.verify(bundle, &state).expect("a verify step");
                problems.extend(match (&v.expected, &verified) {
                    (VerifyExpected::Valid(want), Ok(got)) => {
                        let mut out = differences(got, &want.as_valid());
                        let warnings: Vec<&str> = got.warnings().iter().map(|w| w.code()).collect();
                        if warnings != want.warnings || got.issuer_name() != want.issuer_name.as_deref() {
                            out.push(format!("warnings {warnings:?}, issuer name {:?}", got.issuer_name()));
                        }
                        out
                    }
                    (VerifyExpected::Invalid(want), Err(e)) if !want.valid && e.code() == want.error => vec![],
                    (expected, outcome) => vec![format!("verify: expected {expected:?}, got {outcome:?}")],
                });
            }
            (Err(_), Some(_)) => problems.push("a refused bundle has a code to verify".to_owned()),
            _ => {}
        }
        failures.extend(problems.into_iter().map(|p| format!("bundle/{name}: {p}")));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The test key is derived as the README says and marked test-only.
fn key_problems(k: &KeyJson) -> Vec<String> {
    let seed: [u8; 32] = bytes(&k.seed).try_into().expect("32-byte seed");
    let key = IssuerKey::from_seed(&seed);
    let mut out = Vec::new();
    if !k.test_only {
        out.push(format!("key {} not marked test-only", k.label));
    }
    if hex::encode(key.public_key().to_bytes()) != k.public_key || key.kid().to_string() != k.kid {
        out.push(format!(
            "key {}: public key or kid do not follow from the seed",
            k.label
        ));
    }
    out
}

fn bundle_problems(case: &BundleCase) -> Vec<String> {
    let mut out: Vec<String> = case.roots.iter().chain(&case.keys).flat_map(key_problems).collect();
    let bundle = bytes(&case.bundle_hex);
    let payload = bytes(&case.payload_hex);
    // The file is a COSE_Sign1 with a 64-byte signature whose payload is payload_hex.
    let mut tail = bstr_head(payload.len());
    tail.extend_from_slice(&payload);
    tail.extend([0x58, 0x40]);
    if bundle.len() < tail.len() + 64 || bundle[bundle.len() - 64 - tail.len()..bundle.len() - 64] != tail[..] {
        out.push("bundle_hex does not carry payload_hex as its payload".to_owned());
    }
    // Its protected header {1: -8, 4: kid} names a key the file lists.
    let signer = bundle.get(8..16).map(hex::encode).unwrap_or_default();
    let listed = case.roots.iter().chain(&case.keys).any(|k| k.kid == signer);
    if bundle.get(..8) != Some(&[0xD2, 0x84, 0x4D, 0xA2, 0x01, 0x27, 0x04, 0x48][..]) || !listed {
        out.push(format!(
            "the bundle is not signed as SPEC.md §4.1 lays out by a listed key ({signer})"
        ));
    }
    if let LoadJson::Loaded(l) = &case.expected
        && l.signed_by != signer
    {
        out.push("signed_by is not the kid of the signature".to_owned());
    }
    for root in case.state.roots.iter().chain(case.expected_state_roots()) {
        if bytes(root).len() != 32 {
            out.push(format!("state root {root} is not 32 bytes"));
        }
    }
    if case.description.is_empty() {
        out.push("no description".to_owned());
    }
    out
}

/// A CBOR byte string head for `n` bytes.
fn bstr_head(n: usize) -> Vec<u8> {
    match n {
        0..=23 => vec![0x40 | n as u8],
        24..=0xff => vec![0x58, n as u8],
        0x100..=0xffff => vec![0x59, (n >> 8) as u8, n as u8],
        _ => [&[0x5A][..], &(n as u32).to_be_bytes()].concat(),
    }
}

trait StateRoots {
    fn expected_state_roots(&self) -> &[String];
}

impl StateRoots for BundleCase {
    fn expected_state_roots(&self) -> &[String] {
        match &self.expected {
            LoadJson::Loaded(l) => &l.state_after.roots,
            LoadJson::Refused(_) => &[],
        }
    }
}

#[test]
fn bundle_files_are_consistent() {
    let failures: Vec<String> = load_bundles()
        .iter()
        .flat_map(|(name, case)| {
            bundle_problems(case)
                .into_iter()
                .map(move |p| format!("bundle/{name}: {p}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_readme_lists_every_vector() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).expect("test-vectors/README.md");
    let codes = load_all().into_iter().map(|(name, _)| name);
    let bundles = load_bundles().into_iter().map(|(name, _)| name);
    let rules = load_rules().into_iter().map(|(name, _)| name);
    let missing: Vec<String> = codes
        .chain(bundles)
        .chain(rules)
        .filter(|name| !readme.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "not listed in test-vectors/README.md: {missing:?}");
}

fn decision_problems(case: &DecisionCase) -> Vec<String> {
    let mut out: Vec<String> = case.keys.iter().flat_map(key_problems).collect();
    let rules = match case.rule_set() {
        Ok(rules) => rules,
        Err(e) => return vec![format!("the rule set does not read: {e:?}")],
    };
    // The CBOR form: written here from the JSON object, it is the file's,
    // and a bundle carrying the rule set ends with field 9 and these bytes.
    let cbor = bytes(&case.rules_cbor_hex);
    if cbor_of(&case.rules) != cbor {
        out.push("rules_cbor_hex is not the deterministic CBOR of rules".to_owned());
    }
    let (payload, loaded) = case.through_bundle(&rules);
    if !payload.ends_with(&[&[0x09][..], &cbor].concat()) {
        out.push("a bundle does not carry rules_cbor_hex as field 9".to_owned());
    }
    let decision = case.decide(&rules);
    match loaded.as_ref().map(|b| b.rules()) {
        Ok(Some(from_bundle)) if *from_bundle == rules => {
            if case.decide(from_bundle) != decision {
                out.push("the bundle's rule set decides otherwise".to_owned());
            }
        }
        other => out.push(format!("the bundle's rule set: {other:?}")),
    }
    out.extend(case.differences(&decision));
    if case.description.is_empty() {
        out.push("no description".to_owned());
    }
    out
}

fn malformed_problems(case: &MalformedCase) -> Vec<String> {
    let want = &case.expected;
    let mut out = Vec::new();
    let (json, bundle) = case.refusals();
    if json.is_none() && bundle.is_none() || want.ok {
        out.push("a malformed case has JSON text or a bundle, and is not valid".to_owned());
    }
    for (form, result) in [
        ("json", json.map(|r| r.map(|_| ()))),
        ("bundle", bundle.map(|r| r.map(|_| ()))),
    ] {
        match result {
            Some(Err(e)) if e.code() == want.error => {}
            Some(other) => out.push(format!("{form}: expected {}, got {other:?}", want.error)),
            None => {}
        }
    }
    if let Some(b) = &case.bundle {
        out.extend(b.roots.iter().flat_map(key_problems));
        let payload = bytes(&b.payload_hex);
        let mut tail = bstr_head(payload.len());
        tail.extend_from_slice(&payload);
        tail.extend([0x58, 0x40]);
        let file = bytes(&b.bundle_hex);
        if !file.windows(tail.len()).any(|w| w == tail) {
            out.push("bundle_hex does not carry payload_hex".to_owned());
        }
        if !payload.ends_with(&[&[0x09][..], &bytes(&b.rules_cbor_hex)].concat()) {
            out.push("payload_hex does not end with field 9 holding rules_cbor_hex".to_owned());
        }
    }
    out
}

#[test]
fn every_rules_vector_gives_its_expected_result() {
    let mut failures = Vec::new();
    for (name, case) in load_rules() {
        let problems = match &case {
            RulesCase::Decision(d) => decision_problems(d),
            RulesCase::Malformed(m) => malformed_problems(m),
        };
        failures.extend(problems.into_iter().map(|p| format!("rules/{name}: {p}")));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_rules_vectors_cover_every_reason_verdict_and_name_mode() {
    let all = load_rules();
    let decisions: Vec<&DecisionCase> = all
        .iter()
        .filter_map(|(_, c)| match c {
            RulesCase::Decision(d) => Some(&**d),
            RulesCase::Malformed(_) => None,
        })
        .collect();
    assert!(decisions.len() >= 50, "only {} decision vectors", decisions.len());
    let reasons: BTreeSet<&str> = decisions.iter().map(|d| d.expected.reason.as_str()).collect();
    let missing: Vec<_> = Reason::CODES.iter().filter(|c| !reasons.contains(*c)).collect();
    assert!(missing.is_empty(), "reason codes without a vector: {missing:?}");
    let verdicts: BTreeSet<&str> = decisions.iter().map(|d| d.expected.verdict.as_str()).collect();
    assert_eq!(verdicts.len(), 3, "verdicts: {verdicts:?}");
    let refused = decisions
        .iter()
        .any(|d| d.expected.rule == "verification" && Error::all_codes().any(|c| c == d.expected.reason));
    assert!(refused, "no decision for a code that does not verify");
    let modes: BTreeSet<&str> = decisions
        .iter()
        .filter_map(|d| d.rules.get("show_name").and_then(|m| m.as_str()))
        .collect();
    assert_eq!(modes.len(), 3, "show_name modes: {modes:?}");
}
