//! Inputs the fuzz targets (fuzz/) once failed on, kept as plain tests so
//! that `cargo test` guards them without a nightly toolchain. Each file in
//! `fuzz/regressions/<target>/` goes through the public API its target
//! drives, and must give its pinned result: a typed error or a verified code.

use std::path::PathBuf;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{
    BundleDraft, CtiPolicy, Gate, IssueOptions, Issuer, IssuerKey, Limits, PREFIX, RuleSet, TrustState, TrustStore,
    TrustedKey, UnverifiedCode, Verified, Verifier, layers,
};

/// The fuzz world of fuzz/src/lib.rs: key seed, issuer id, `now`, and the
/// bundle target's root (the test vectors' `root-a`).
const KEY_SEED: [u8; 32] = [0x5A; 32];
const ISSUER: &str = "CN-FUZZ";
const BUNDLE_ROOT_SEED: [u8; 32] = [
    0x0b, 0xb0, 0xe2, 0x01, 0xf2, 0x14, 0x2b, 0x16, 0xad, 0x31, 0xb6, 0xf4, 0xb8, 0x01, 0xb7, 0x4e, 0xfe, 0x51, 0x4d,
    0x65, 0xbf, 0x5d, 0x81, 0x57, 0xb4, 0x0e, 0xc4, 0x7e, 0xeb, 0xad, 0x02, 0x56,
];

fn now() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::seconds(1_795_593_600)
}

fn verifier() -> Verifier<TrustStore> {
    let public = *IssuerKey::from_seed(&KEY_SEED).public_key();
    Verifier::new(TrustStore::new().with(TrustedKey::new(public, ISSUER)))
}

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().expect("file name").to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("read regression input"))
        })
        .collect();
    files.sort();
    files
}

fn regression(target: &str, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Claims bytes signed with the fuzz key, the COSE_Sign1 written byte by
/// byte as SPEC §4.1 lays it out (as `qrcred_fuzz::sign_claims` does).
fn sign_claims(claims: &[u8]) -> String {
    let key = IssuerKey::from_seed(&KEY_SEED);
    let bstr = |out: &mut Vec<u8>, bytes: &[u8]| {
        match bytes.len() {
            n @ 0..=23 => out.push(0x40 | n as u8),
            n @ 24..=255 => out.extend_from_slice(&[0x58, n as u8]),
            n => {
                out.push(0x59);
                out.extend_from_slice(&u16::try_from(n).expect("short").to_be_bytes());
            }
        }
        out.extend_from_slice(bytes);
    };
    let mut protected = vec![0xA2, 0x01, 0x27, 0x04, 0x48];
    protected.extend_from_slice(&key.kid().0);
    let mut to_sign = vec![0x84, 0x6A];
    to_sign.extend_from_slice(b"Signature1");
    bstr(&mut to_sign, &protected);
    bstr(&mut to_sign, layers::Document::Code.external_aad());
    bstr(&mut to_sign, claims);
    let mut cose = vec![0xD2, 0x84];
    bstr(&mut cose, &protected);
    cose.push(0xA0);
    bstr(&mut cose, claims);
    bstr(&mut cose, &key.sign(&to_sign));
    format!("{PREFIX}{}", layers::base45_encode(&cose))
}

/// The verifier target's oracle: issued again from what was verified, the
/// credential verifies to an equal `Verified`.
fn assert_reissues(verified: &Verified) {
    let options = IssueOptions {
        validity: verified.expires_at() - verified.valid_from(),
        not_before: Some(verified.valid_from()),
        cti: verified.cti().map_or(CtiPolicy::Never, CtiPolicy::Fixed),
    };
    let code = Issuer::new(IssuerKey::from_seed(&KEY_SEED), ISSUER)
        .issue_with(verified.credential(), &options, verified.issued_at())
        .expect("issues again");
    let again = verifier().verify(&code, now()).expect("verifies again");
    // The revocation id is the signature's without a cti (SPEC §12.3), and
    // issuing again signs other bytes; with a cti it must be the same.
    let facts = |v: &Verified| {
        let id = v.cti().map(|_| v.revocation_id());
        (
            v.credential().clone(),
            v.issuer().to_owned(),
            v.issuer_name().map(str::to_owned),
            v.warnings().to_vec(),
            v.kid(),
            v.issued_at(),
            v.valid_from(),
            v.expires_at(),
            v.cti(),
            id,
        )
    };
    assert_eq!(facts(&again), facts(verified));
}

/// fuzz/fuzz_targets/bundle.rs without its payload round-trip oracle (which
/// exists only under `--cfg fuzzing`): the input signed by the root as a
/// payload, and the input as a bundle file, which when it loads signs again
/// from its draft to a file that loads to the same draft.
fn run_bundle_input(bytes: &[u8]) {
    let root = IssuerKey::from_seed(&BUNDLE_ROOT_SEED);
    let state = TrustState::new(&[*root.public_key()]);
    let signed = layers::sign_cose(bytes.to_vec(), &root, qrcred::layers::Document::Bundle).expect("signs");
    let _ = state.check(&signed, now());
    if let Ok(bundle) = state.check(bytes, now()) {
        // Under its own sequence number: a draft takes the next one.
        let mut draft = bundle.to_draft();
        draft.sequence = bundle.sequence();
        let again = draft.sign(&root).expect("signs again");
        let back = state.check(&again, now()).expect("loads again");
        assert_eq!(back.to_draft(), bundle.to_draft());
    }
}

/// claims: `nbf` equal to `iat` decoded as `Some(iat)` but re-encoded
/// without it (a writer never writes it), so the claims changed in a round
/// trip. The fix (decode it as no `nbf`) is pinned by the unit test
/// `claims::tests::nbf_equal_to_iat_decodes_as_absent`, as the difference
/// does not show in `Verified`; this pins that a reader still accepts such
/// a code (SPEC §6) and that it re-issues to the same `Verified`.
#[test]
fn claims_nbf_equals_iat() {
    let claims = regression("claims", "nbf_equals_iat");
    let verified = verifier().verify(&sign_claims(&claims), now()).expect("verifies");
    assert_eq!(verified.valid_from(), verified.issued_at());
    assert_reissues(&verified);
}

/// Well-formed (lenient) CBOR with one map key under two spellings (in
/// these inputs, a text key whole and in chunks, and 0 or 1 in a short and
/// a long form): once read as two keys, so that the oracle's deterministic
/// re-encoding held a duplicate. Now refused as a duplicate key.
#[cfg(feature = "hcert")]
#[test]
fn hcert_duplicate_keys_under_two_spellings() {
    for name in ["lenient_duplicate_key_spellings_1", "lenient_duplicate_key_spellings_2"] {
        let bytes = regression("hcert", name);
        let err = qrcred::hcert::cbor_json(&bytes, &Limits::DEFAULT).expect_err(name);
        assert_eq!(err.code(), "cbor.duplicate_key", "{name}");
        let err = qrcred::hcert::HealthCertificate::from_cbor(&bytes, &Limits::DEFAULT).expect_err(name);
        assert_eq!(err.code(), "cbor.duplicate_key", "{name}");
    }
}

/// Every committed input of every target goes through the public API its
/// target drives without a panic.
#[test]
fn every_regression_input_runs_without_panic() {
    let limits = Limits::DEFAULT;
    for (_, bytes) in regressions("text") {
        let _ = UnverifiedCode::parse(&String::from_utf8_lossy(&bytes), &limits);
    }
    for (_, bytes) in regressions("cose") {
        let _ = UnverifiedCode::parse_bytes(bytes, &limits);
    }
    #[cfg(feature = "hcert")]
    for (_, bytes) in regressions("hcert") {
        let _ = qrcred::hcert::Sign1::parse(&bytes, &limits);
        let _ = qrcred::hcert::Claims::parse(&bytes, &limits);
        let _ = qrcred::hcert::HealthCertificate::from_cbor(&bytes, &limits);
        let _ = qrcred::hcert::Dsc::from_der(&bytes);
    }
    for (_, bytes) in regressions("claims") {
        if let Ok(verified) = verifier().verify(&sign_claims(&bytes), now()) {
            assert_reissues(&verified);
        }
    }
    for (_, bytes) in regressions("verifier") {
        if let Ok(verified) = verifier().verify(&String::from_utf8_lossy(&bytes), now()) {
            assert_reissues(&verified);
        }
        if let Ok(verified) = verifier().verify(&sign_claims(&bytes), now()) {
            assert_reissues(&verified);
        }
    }
    for (_, bytes) in regressions("rules") {
        run_rules_input(&bytes);
    }
    for (_, bytes) in regressions("bundle") {
        run_bundle_input(&bytes);
    }
    #[cfg(feature = "scan")]
    for (_, bytes) in regressions("scan") {
        // fuzz/fuzz_targets/scan.rs: width and height, then pixels padded with white.
        let [w0, w1, h0, h1, pixels @ ..] = &bytes[..] else {
            continue;
        };
        let width = u32::from(u16::from_le_bytes([*w0, *w1])) % 512 + 1;
        let height = u32::from(u16::from_le_bytes([*h0, *h1])) % 512 + 1;
        let mut pixels = pixels.to_vec();
        pixels.resize((width * height) as usize, 255);
        let _ = qrcred::scan_luma(width, height, &pixels, &limits);
    }
}

/// The bundle target's seeds (the bundle test vectors' payloads and files)
/// pass its checks, and the vector bundles signed by its root load.
#[test]
fn bundle_seeds_pass_the_bundle_target_checks() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/bundle");
    let mut loaded = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/seeds/bundle") {
        let bytes = std::fs::read(entry.expect("directory entry").path()).expect("read seed");
        run_bundle_input(&bytes);
        let root = IssuerKey::from_seed(&BUNDLE_ROOT_SEED);
        loaded += usize::from(TrustState::new(&[*root.public_key()]).check(&bytes, now()).is_ok());
    }
    // The base bundle and its variants (key states, revocations, rotation).
    assert!(loaded >= 5, "only {loaded} bundle seeds load");
}

/// A bundle payload (sequence 1, no keys) with `rules` as field 9, signed by
/// the bundle target's root: the rule set decoder the rules target fuzzes,
/// reached through the public API.
fn bundle_with_rules(rules: &[u8]) -> Vec<u8> {
    let root = IssuerKey::from_seed(&BUNDLE_ROOT_SEED);
    let draft = BundleDraft::new(1, now() - TimeDelta::hours(1), TimeDelta::days(7));
    let mut payload = draft.to_payload().expect("a payload");
    assert_eq!(payload[0], 0xA8, "the payload is a map of 8 entries");
    payload[0] = 0xA9;
    payload.push(0x09);
    payload.extend_from_slice(rules);
    layers::sign_cose(payload, &root, qrcred::layers::Document::Bundle).expect("signs")
}

/// fuzz/fuzz_targets/rules.rs without its CBOR round-trip oracle (which
/// exists only under `--cfg fuzzing`): the input as JSON text and as CBOR in
/// a bundle; a rule set read either way writes itself as JSON that reads
/// back, travels in a bundle unchanged, and decides alike from both.
fn run_rules_input(bytes: &[u8]) -> bool {
    let root = IssuerKey::from_seed(&BUNDLE_ROOT_SEED);
    let state = TrustState::new(&[*root.public_key()]);
    let from_json = std::str::from_utf8(bytes).ok().and_then(|t| RuleSet::from_json(t).ok());
    let from_cbor = state
        .check(&bundle_with_rules(bytes), now())
        .ok()
        .and_then(|b| b.rules().cloned());
    for rules in from_json.iter().chain(&from_cbor) {
        let json = rules.to_json().expect("writes JSON");
        assert_eq!(&RuleSet::from_json(&json).expect("reads back"), rules);
        let mut draft = BundleDraft::new(1, now() - TimeDelta::hours(1), TimeDelta::days(7));
        draft.rules = Some(rules.clone());
        let bundle = state.check(&draft.sign(&root).expect("signs"), now()).expect("loads");
        let carried = bundle.rules().expect("rules");
        assert_eq!(carried, rules);
        let gate = Gate {
            site: Some("XA-0001".into()),
            now: now(),
        };
        assert_eq!(rules.decide(&[], &gate), carried.decide(&[], &gate));
    }
    from_json.is_some() || from_cbor.is_some()
}

/// The rules target's seeds (the rules test vectors' rule sets, JSON and
/// CBOR) pass its checks; the decision cases' rule sets read both ways.
#[test]
fn rules_seeds_pass_the_rules_target_checks() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/rules");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/seeds/rules") {
        let bytes = std::fs::read(entry.expect("directory entry").path()).expect("read seed");
        read += usize::from(run_rules_input(&bytes));
    }
    assert!(read >= 20, "only {read} rules seeds read");
}
