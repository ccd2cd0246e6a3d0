//! Trust bundles: loading rules (root, rollback, future, clock), key
//! rotation and revocation, credential revocation, the stale policy,
//! root rotation, persisted state and hostile bundle bytes.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use qrcred::{
    BirthDate, BundleDraft, Colour, Credential, CredentialBody, CtiPolicy, HealthStatus, IssueOptions, Issuer,
    IssuerKey, KeyState, Kind, Limits, RevocationId, StalePolicy, Subject, TrustBundle, TrustState, TrustedKey,
    Vaccination, VaccineProduct, Verifier, Warning,
};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .single()
        .expect("instant")
}

fn root() -> IssuerKey {
    IssuerKey::from_seed(&[0xA0; 32])
}

fn issuer_key(n: u8) -> IssuerKey {
    IssuerKey::from_seed(&[n; 32])
}

fn status() -> Credential {
    Credential {
        subject: Subject::new("王", "小明", BirthDate::parse("1990-03-15").expect("date")),
        body: CredentialBody::HealthStatus(HealthStatus {
            colour: Colour::Green,
            reason: None,
        }),
    }
}

fn vaccination() -> Credential {
    Credential {
        subject: Subject::new("李", "华", BirthDate::parse("1985-01-02").expect("date")),
        body: CredentialBody::Vaccination(Vaccination {
            disease: qrcred::Disease::Covid19,
            product: VaccineProduct::CoronaVac,
            manufacturer: None,
            dose: 2,
            series_total: 2,
            date: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
            country: "CN".into(),
            centre: None,
        }),
    }
}

/// A draft with issuer keys 1 (health bureau) and 2 (hospital), issued on day `day`.
fn draft(sequence: u64, day: u32) -> BundleDraft {
    let mut d = BundleDraft::new(sequence, at(day, 0), TimeDelta::days(7));
    d.add_key(TrustedKey::new(*issuer_key(1).public_key(), "CN-BJ-HC").with_display_name("北京健康宝"));
    d.add_key(TrustedKey::new(*issuer_key(2).public_key(), "CN-BJ-H1").with_kinds(&[Kind::Vaccination]));
    d
}

fn load(bytes: &[u8], now: DateTime<Utc>) -> qrcred::Result<TrustBundle> {
    TrustState::new(&[*root().public_key()]).load(bytes, now)
}

fn code(key: u8, credential: &Credential, hours: i64, now: DateTime<Utc>) -> String {
    Issuer::new(issuer_key(key), "x")
        .issue(credential, TimeDelta::hours(hours), now)
        .expect("should succeed")
}

fn err_code<T: std::fmt::Debug>(r: qrcred::Result<T>) -> &'static str {
    r.expect_err("should be refused").code()
}

#[test]
fn a_bundle_verifies_codes_and_names_the_issuer() {
    let bundle = load(&draft(1, 20).sign(&root()).expect("sign"), at(20, 1)).expect("should succeed");
    assert_eq!((bundle.sequence(), bundle.keys().count()), (1, 2));
    let verifier = Verifier::new(&bundle);
    let v = verifier
        .verify(&code(1, &status(), 24, at(20, 2)), at(20, 3))
        .expect("should succeed");
    assert_eq!((v.issuer(), v.issuer_name()), ("CN-BJ-HC", Some("北京健康宝")));
    assert!(v.warnings().is_empty());
    // Key 2 may only sign vaccinations.
    let err = verifier.verify(&code(2, &status(), 24, at(20, 2)), at(20, 3));
    assert_eq!(err_code(err), "key.kind_not_allowed");
    assert!(
        verifier
            .verify(&code(2, &vaccination(), 24 * 300, at(20, 2)), at(20, 3))
            .is_ok()
    );
    // A key the bundle does not list.
    assert_eq!(
        err_code(verifier.verify(&code(3, &status(), 24, at(20, 2)), at(20, 3))),
        "key.unknown_kid"
    );
}

#[test]
fn a_retired_key_still_verifies_what_it_signed_before() {
    let old = code(1, &vaccination(), 24 * 365, at(10, 0));
    let mut d = draft(2, 20);
    d.retire_key(issuer_key(1).kid(), at(15, 0)).expect("should succeed");
    let bundle = load(&d.sign(&root()).expect("sign"), at(20, 1)).expect("should succeed");
    let verifier = Verifier::new(&bundle);
    // Issued before retirement: valid until its own expiry.
    assert!(verifier.verify(&old, at(20, 2)).is_ok());
    assert_eq!(
        err_code(verifier.verify(&old, at(10, 0) + TimeDelta::days(365))),
        "time.expired"
    );
    // Issued at or after retirement: refused.
    let new = code(1, &vaccination(), 24 * 365, at(15, 0));
    assert_eq!(err_code(verifier.verify(&new, at(20, 2))), "key.retired");
}

#[test]
fn a_revoked_key_refuses_codes_from_its_revocation_on_or_all() {
    let before = code(1, &status(), 72, at(19, 0));
    let after = code(1, &status(), 72, at(19, 12));
    let mut d = draft(2, 20);
    d.revoke_key(issuer_key(1).kid(), Some(at(19, 12)))
        .expect("should succeed");
    let bundle = load(&d.sign(&root()).expect("sign"), at(20, 1)).expect("should succeed");
    let verifier = Verifier::new(&bundle);
    assert!(verifier.verify(&before, at(20, 2)).is_ok());
    assert_eq!(err_code(verifier.verify(&after, at(20, 2))), "revoked.key");

    d.revoke_key(issuer_key(1).kid(), None).expect("should succeed");
    d.sequence = 3;
    let bundle = load(&d.sign(&root()).expect("sign"), at(20, 1)).expect("should succeed");
    assert_eq!(
        err_code(Verifier::new(&bundle).verify(&before, at(20, 2))),
        "revoked.key"
    );
    assert_eq!(
        bundle
            .keys()
            .find(|k| k.kid() == issuer_key(1).kid())
            .expect("should succeed")
            .state,
        KeyState::Revoked { since: None }
    );
}

#[test]
fn revoked_credentials_by_cti_and_by_signature() {
    // A vaccination carries a cti; a health status does not.
    let with_cti = code(2, &vaccination(), 24 * 300, at(19, 0));
    let without_cti = code(1, &status(), 24, at(19, 20));
    let other = code(1, &status(), 24, at(19, 21));
    let mut d = draft(2, 20);
    let limits = Limits::DEFAULT;
    let by_cti = d.revoke_code(&with_cti, &limits).expect("should succeed");
    let by_sig = d.revoke_code(&without_cti, &limits).expect("should succeed");
    assert_ne!(by_cti, by_sig);
    let bundle = load(&d.sign(&root()).expect("sign"), at(20, 1)).expect("should succeed");
    assert_eq!(bundle.revoked_count(), 2);
    let verifier = Verifier::new(&bundle);
    assert_eq!(err_code(verifier.verify(&with_cti, at(20, 2))), "revoked.credential");
    assert_eq!(err_code(verifier.verify(&without_cti, at(20, 2))), "revoked.credential");
    assert!(verifier.verify(&other, at(20, 2)).is_ok());

    // The cti id is scoped to the issuer the key is trusted for: the same
    // cti from the other issuer is not revoked.
    let cti = Verifier::new(&bundle)
        .verify(&other, at(20, 2))
        .expect("should succeed")
        .cti();
    assert_eq!(cti, None);
    let fixed = |key: u8, credential: &Credential| {
        let options = IssueOptions {
            cti: CtiPolicy::Fixed([7; 8]),
            ..IssueOptions::valid_for(TimeDelta::hours(24))
        };
        Issuer::new(issuer_key(key), "x")
            .issue_with(credential, &options, at(19, 22))
            .expect("should succeed")
    };
    let mut d = draft(3, 20);
    d.revoke(RevocationId::for_cti("CN-BJ-HC", &[7; 8]));
    let bundle = load(&d.sign(&root()).expect("sign"), at(20, 1)).expect("should succeed");
    let verifier = Verifier::new(&bundle);
    assert_eq!(
        err_code(verifier.verify(&fixed(1, &status()), at(20, 2))),
        "revoked.credential"
    );
    assert!(verifier.verify(&fixed(2, &vaccination()), at(20, 2)).is_ok());

    // Only codes that verify under the draft's keys can be revoked by text.
    let foreign = code(9, &status(), 24, at(19, 0));
    assert_eq!(err_code(draft(4, 20).revoke_code(&foreign, &limits)), "key.unknown_kid");
}

#[test]
fn rollback_future_and_unknown_roots_are_refused() {
    let mut state = TrustState::new(&[*root().public_key()]);
    state
        .load(&draft(5, 20).sign(&root()).expect("sign"), at(20, 1))
        .expect("should succeed");
    assert_eq!(state.sequence(), Some(5));
    assert_eq!(
        err_code(state.load(&draft(4, 20).sign(&root()).expect("sign"), at(20, 2))),
        "trust.rollback"
    );
    // The same sequence reloads (e.g. after a restart).
    assert!(
        state
            .load(&draft(5, 20).sign(&root()).expect("sign"), at(20, 2))
            .is_ok()
    );
    // Issued in the future, beyond the 5-minute skew.
    let future = draft(6, 21).sign(&root()).expect("sign");
    assert_eq!(err_code(state.check(&future, at(20, 23))), "trust.not_yet_valid");
    assert!(state.check(&future, at(21, 0) - TimeDelta::minutes(5)).is_ok());
    // Signed by a key that is not a root.
    let rogue = draft(7, 20).sign(&issuer_key(1)).expect("should succeed");
    assert_eq!(err_code(state.check(&rogue, at(20, 2))), "trust.unknown_root");
    assert_eq!(state.sequence(), Some(5), "refused bundles leave the state alone");
}

#[test]
fn one_sequence_number_is_one_bundle() {
    let roots = [*root().public_key()];
    let revoking = {
        let mut d = draft(5, 20);
        d.revoke(RevocationId([7; 8]));
        d.sign(&root()).expect("sign")
    };
    let without = draft(5, 20).sign(&root()).expect("sign");
    let mut state = TrustState::new(&roots);
    let held = state.load(&revoking, at(20, 1)).expect("loads");
    assert_eq!(state.bundle_digest(), Some(held.digest()));
    // The bundle without the revocation, under the same number: refused,
    // also after the state is persisted and read back.
    assert_eq!(err_code(state.check(&without, at(20, 2))), "trust.sequence_reused");
    let persisted = TrustState::from_bytes(&state.to_bytes().expect("bytes")).expect("reads");
    assert_eq!(persisted.bundle_digest(), Some(held.digest()));
    assert_eq!(err_code(persisted.check(&without, at(20, 2))), "trust.sequence_reused");
    // The same bundle reloads (e.g. after a restart), and so does a new number.
    assert!(persisted.check(&revoking, at(20, 2)).is_ok());
    let next = held.to_draft();
    assert_eq!(next.sequence, 6, "a loaded bundle's draft takes the next number");
    assert!(state.load(&next.sign(&root()).expect("sign"), at(20, 2)).is_ok());

    // A state persisted without a digest (before digests were kept) takes
    // the first bundle at its number and records its digest.
    let old = TrustState::new(&roots).load(&without, at(20, 1)).map(|_| ());
    assert!(old.is_ok());
    let mut legacy = TrustState::from_bytes(&legacy_state(&roots, 5)).expect("reads");
    assert_eq!((legacy.sequence(), legacy.bundle_digest()), (Some(5), None));
    let first = legacy.load(&without, at(20, 2)).expect("loads");
    assert_eq!(legacy.bundle_digest(), Some(first.digest()));
    assert_eq!(err_code(legacy.check(&revoking, at(20, 2))), "trust.sequence_reused");
}

/// A persisted state with roots and a sequence number but no digest (field
/// 4): `{1: [roots], 2: sequence}`.
fn legacy_state(roots: &[qrcred::PublicKey], sequence: u8) -> Vec<u8> {
    let mut out = vec![0xa2, 0x01, 0x80 | roots.len() as u8];
    for r in roots {
        out.extend_from_slice(&[0x58, 0x20]);
        out.extend_from_slice(&r.to_bytes());
    }
    out.extend_from_slice(&[0x02, sequence]);
    out
}

#[test]
fn persisted_digests_are_checked() {
    let roots = [*root().public_key()];
    let mut state = TrustState::new(&roots);
    state
        .load(&draft(5, 20).sign(&root()).expect("sign"), at(20, 1))
        .expect("loads");
    let bytes = state.to_bytes().expect("bytes");
    // The digest field is the last entry: 04 58 20 <32 bytes>.
    assert_eq!(&bytes[bytes.len() - 35..bytes.len() - 32], &[0x04, 0x58, 0x20]);
    let mut short = bytes.clone();
    short.truncate(bytes.len() - 1);
    let at_33 = short.len() - 32;
    short[at_33] = 0x1f; // bstr(31)
    assert_eq!(err_code(TrustState::from_bytes(&short)), "trust.invalid_value");
    // A digest without a sequence number.
    let mut digest_only = vec![0xa2, 0x01, 0x81, 0x58, 0x20];
    digest_only.extend_from_slice(&roots[0].to_bytes());
    digest_only.extend_from_slice(&bytes[bytes.len() - 35..]);
    assert_eq!(err_code(TrustState::from_bytes(&digest_only)), "trust.invalid_value");
}

#[test]
fn tampered_bundles_are_refused() {
    let bytes = draft(1, 20).sign(&root()).expect("sign");
    let state = TrustState::new(&[*root().public_key()]);
    // Flip one bit in every byte position of the payload and signature.
    let mut codes = std::collections::BTreeSet::new();
    for i in 0..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x01;
        codes.insert(err_code(state.check(&t, at(20, 1))));
    }
    assert!(codes.contains("signature.invalid"), "{codes:?}");
    assert!(!codes.iter().any(|c| c.starts_with("revoked")), "{codes:?}");
}

#[test]
fn stale_trust_warns_by_default_and_refuses_by_policy() {
    let bundle = load(&draft(1, 10).sign(&root()).expect("sign"), at(10, 1)).expect("should succeed");
    assert_eq!(bundle.expires_at(), at(17, 0));
    let fresh_code = |now| code(1, &status(), 24, now);
    let warn = Verifier::new(&bundle);
    assert!(
        warn.verify(&fresh_code(at(16, 23)), at(16, 23))
            .expect("should succeed")
            .warnings()
            .is_empty()
    );
    let v = warn.verify(&fresh_code(at(17, 0)), at(17, 0)).expect("should succeed");
    assert_eq!(v.warnings(), &[Warning::StaleTrust { expired_at: at(17, 0) }]);
    assert_eq!(v.warnings()[0].code(), "trust.stale");

    let strict = Verifier::new(&bundle).with_stale_policy(StalePolicy::refuse_after(TimeDelta::days(2)));
    assert!(
        strict
            .verify(&fresh_code(at(18, 23)), at(18, 23))
            .expect("should succeed")
            .warnings()
            .is_empty()
    );
    assert_eq!(
        err_code(strict.verify(&fresh_code(at(19, 0)), at(19, 0))),
        "trust.stale"
    );
    let lenient = Verifier::new(&bundle).with_stale_policy(StalePolicy::warn_after(TimeDelta::days(2)));
    assert_eq!(
        lenient
            .verify(&fresh_code(at(19, 0)), at(19, 0))
            .expect("should succeed")
            .warnings()
            .len(),
        1
    );
}

#[test]
fn a_clock_set_back_is_detected() {
    let mut state = TrustState::new(&[*root().public_key()]);
    let bundle = state
        .load(&draft(1, 20).sign(&root()).expect("sign"), at(20, 0))
        .expect("should succeed");
    // Behind the bundle's issue time (minus the 5-minute skew).
    let old_code = code(1, &status(), 72, at(18, 0));
    let verifier = Verifier::new(&bundle).with_newest_seen(state.newest_seen());
    assert_eq!(err_code(verifier.verify(&old_code, at(19, 12))), "time.clock_behind");
    assert!(verifier.verify(&old_code, at(20, 0) - TimeDelta::minutes(5)).is_ok());
    // Behind a code already accepted.
    let recent = code(1, &status(), 24, at(21, 8));
    assert!(verifier.verify(&recent, at(21, 9)).is_ok());
    assert_eq!(verifier.newest_seen(), Some(at(21, 8)));
    assert_eq!(err_code(verifier.verify(&old_code, at(20, 12))), "time.clock_behind");
    // The state remembers it across restarts, for bundles too.
    state.observe(verifier.newest_seen().expect("should succeed"));
    let restored = TrustState::from_bytes(&state.to_bytes().expect("should succeed")).expect("should succeed");
    assert_eq!(restored, state);
    let verifier = Verifier::new(&bundle).with_newest_seen(restored.newest_seen());
    assert_eq!(err_code(verifier.verify(&old_code, at(20, 12))), "time.clock_behind");
    assert_eq!(
        err_code(restored.check(&draft(2, 20).sign(&root()).expect("sign"), at(20, 12))),
        "time.clock_behind"
    );
}

#[test]
fn roots_rotate_through_an_announcement() {
    let next_root = IssuerKey::from_seed(&[0xB0; 32]);
    let mut state = TrustState::new(&[*root().public_key()]);
    // Signed by the next root before it is announced: refused.
    assert_eq!(
        err_code(state.check(&draft(2, 20).sign(&next_root).expect("sign"), at(20, 1))),
        "trust.unknown_root"
    );
    let mut announcing = draft(1, 20);
    announcing.next_roots.push(*next_root.public_key());
    state
        .load(&announcing.sign(&root()).expect("sign"), at(20, 1))
        .expect("should succeed");
    assert_eq!(state.roots().len(), 2);
    state
        .load(&draft(2, 20).sign(&next_root).expect("sign"), at(20, 2))
        .expect("should succeed");
    // The old root signed nothing since and was not announced again: dropped.
    assert_eq!(state.roots(), &[*next_root.public_key()]);
    assert_eq!(
        err_code(state.check(&draft(3, 20).sign(&root()).expect("sign"), at(20, 3))),
        "trust.unknown_root"
    );
}

#[test]
fn labels_in_both_languages_for_every_code() {
    let mut d = draft(1, 20);
    d.labels
        .get_mut("en")
        .expect("should succeed")
        .insert("revoked.credential".into(), "Revoked: see the help desk".into());
    let bundle = load(&d.sign(&root()).expect("sign"), at(20, 1)).expect("should succeed");
    for code in qrcred::Error::all_codes() {
        for lang in ["zh", "en", "zh-CN"] {
            assert!(
                bundle
                    .labels()
                    .get(&lang[..2])
                    .expect("should succeed")
                    .contains_key(code),
                "{code} {lang}"
            );
            assert!(bundle.label(code, lang).is_some(), "{code} {lang}");
        }
    }
    assert_eq!(
        bundle.label("revoked.credential", "en"),
        Some("Revoked: see the help desk")
    );
    assert_eq!(
        bundle.label("revoked.credential", "zh-CN"),
        Some("凭证已被签发机构撤销")
    );
    assert_eq!(bundle.label("trust.stale", "fr"), None);
}

#[test]
fn a_bundle_round_trips_through_its_draft() {
    let mut d = draft(9, 20);
    d.retire_key(issuer_key(2).kid(), at(19, 0)).expect("should succeed");
    d.revoke(RevocationId([1; 8])).revoke(RevocationId([0xFF; 8]));
    d.next_roots.push(*issuer_key(7).public_key());
    let bytes = d.sign(&root()).expect("sign");
    let bundle = load(&bytes, at(20, 1)).expect("should succeed");
    let mut back = bundle.to_draft();
    assert_eq!(back.sequence, 10, "the draft is of the next bundle");
    back.sequence = bundle.sequence();
    back.keys.sort_by_key(TrustedKey::kid);
    d.keys.sort_by_key(TrustedKey::kid);
    assert_eq!(back, d);
    assert_eq!(back.sign(&root()).expect("sign"), bytes, "deterministic");
}

#[test]
fn the_bytes_do_not_depend_on_the_order_keys_were_added() {
    let mut forward = draft(1, 20);
    forward.add_key(TrustedKey::new(*issuer_key(3).public_key(), "CN-BJ-H3"));
    let mut backward = forward.clone();
    backward.keys.reverse();
    let bytes = forward.sign(&root()).expect("sign");
    assert_eq!(backward.sign(&root()).expect("sign"), bytes);
    // So a loaded bundle signs again to the very same file, whatever the
    // order of its draft's keys.
    for d in [&forward, &backward] {
        let bundle = load(&d.sign(&root()).expect("sign"), at(20, 1)).expect("should succeed");
        let mut again = bundle.to_draft();
        again.sequence = bundle.sequence();
        assert_eq!(again.sign(&root()).expect("sign"), bytes);
    }
}

#[test]
fn extreme_clocks_skews_and_graces_are_answered_without_panic() {
    let bytes = draft(1, 20).sign(&root()).expect("sign");
    let state = TrustState::new(&[*root().public_key()]);
    let seen = |s: TrustState| {
        let mut s = s;
        s.observe(at(20, 0));
        s
    };
    for skew in [TimeDelta::MAX, TimeDelta::MIN] {
        // A skew beyond the range of time admits everything; a negative one nothing.
        let refused = skew < TimeDelta::zero();
        let skewed = seen(state.clone().with_clock_skew(skew));
        assert_eq!(skewed.check(&bytes, at(20, 1)).is_err(), refused, "{skew}");
        let bundle = state.check(&bytes, at(20, 1)).expect("should succeed");
        let verifier = Verifier::new(&bundle).with_clock_skew(skew);
        let code = code(1, &status(), 24, at(20, 0));
        assert_eq!(verifier.verify(&code, at(20, 2)).is_err(), refused, "{skew}");
    }
    assert!(seen(state.clone()).check(&bytes, DateTime::<Utc>::MAX_UTC).is_ok());
    assert_eq!(
        err_code(seen(state.clone()).check(&bytes, DateTime::<Utc>::MIN_UTC)),
        "time.clock_behind"
    );
    let bundle = state.check(&bytes, at(20, 1)).expect("should succeed");
    let never_stale = Verifier::new(&bundle).with_stale_policy(StalePolicy::refuse_after(TimeDelta::MAX));
    let late = at(20, 0) + TimeDelta::days(200);
    let code = code(1, &vaccination(), 24 * 300, at(20, 0));
    assert!(
        never_stale
            .verify(&code, late)
            .expect("should succeed")
            .warnings()
            .is_empty()
    );
    let always_stale = Verifier::new(&bundle).with_stale_policy(StalePolicy::refuse_after(TimeDelta::MIN));
    assert_eq!(err_code(always_stale.verify(&code, at(20, 2))), "trust.stale");
}

#[test]
fn drafts_that_would_not_load_are_not_signed() {
    let mut d = draft(1, 20);
    d.expires_at = d.issued_at;
    assert_eq!(err_code(d.sign(&root())), "trust.invalid_value");
    let mut d = draft(1, 20);
    d.keys[0].issuer = "x".repeat(81);
    assert_eq!(err_code(d.sign(&root())), "trust.invalid_value");
    let mut d = draft(1, 20);
    d.labels.insert("en".repeat(9), Default::default());
    assert!(d.sign(&root()).is_err());
}

#[test]
fn hostile_bundle_bytes_are_refused_with_codes() {
    let state = TrustState::new(&[*root().public_key()]);
    let good = draft(1, 20).sign(&root()).expect("sign");
    for n in 0..good.len() {
        let code = err_code(state.check(&good[..n], at(20, 1)));
        assert!(
            code.starts_with("cbor.") || code.starts_with("cose.") || code.starts_with("limits."),
            "{n}: {code}"
        );
    }
    let small = state.clone().with_limits(Limits::DEFAULT.with_max_bundle_len(100));
    assert_eq!(err_code(small.check(&good, at(20, 1))), "trust.too_large");
    // Well-signed payloads that are not bundles, or bad bundles.
    let sign = |payload: Vec<u8>| {
        qrcred::layers::sign_cose(payload, &root(), qrcred::layers::Document::Bundle).expect("should succeed")
    };
    let cases: &[(&str, &[u8])] = &[
        ("trust.not_a_bundle", &[0xA0]),                         // {}
        ("trust.not_a_bundle", &[0x80]),                         // []
        ("trust.not_a_bundle", &[0xA1, 0x00, 0x61, 0x78]),       // {0: "x"}
        ("trust.not_a_bundle", &[0xA1, 0x18, 0x63, 0x00]),       // {99: 0}
        ("cbor.duplicate_key", &[0xA2, 0x00, 0x00, 0x00, 0x00]), // {0: 0, 0: 0}
    ];
    for (expected, payload) in cases {
        assert_eq!(err_code(state.check(&sign(payload.to_vec()), at(20, 1))), *expected);
    }
    // Field by field, from a valid payload (SPEC.md §12.2).
    let payload = draft(1, 20).to_payload().expect("payload");
    let mut wrong_version = payload.clone();
    let at_version = wrong_version
        .windows(2)
        .position(|w| w == [0x01, 0x01])
        .expect("should succeed");
    wrong_version[at_version + 1] = 0x02;
    assert_eq!(
        err_code(state.check(&sign(wrong_version), at(20, 1))),
        "trust.unsupported_version"
    );
    // sequence (key 2) as a text string: {0: "qrcred-bundle", 1: 1, 2: "1"}.
    let mut wrong_type = vec![0xA3, 0x00, 0x6D];
    wrong_type.extend_from_slice(b"qrcred-bundle");
    wrong_type.extend_from_slice(&[0x01, 0x01, 0x02, 0x61, b'1']);
    assert_eq!(
        err_code(state.check(&sign(wrong_type.clone()), at(20, 1))),
        "trust.wrong_type"
    );
    wrong_type.truncate(wrong_type.len() - 3);
    wrong_type[0] = 0xA2;
    assert_eq!(err_code(state.check(&sign(wrong_type), at(20, 1))), "trust.missing");
    // A persisted state that is not one.
    for bad in [&[][..], &[0xA0], &[0xA1, 0x01, 0x41, 0x00], &[0xA1, 0x02, 0x00]] {
        assert!(TrustState::from_bytes(bad).is_err(), "{bad:02x?}");
    }
    let mut unsorted = draft(1, 20);
    unsorted.revoke(RevocationId([2; 8])).revoke(RevocationId([1; 8]));
    let mut p = unsorted.to_payload().expect("payload");
    let first = p.windows(8).position(|w| w == [1; 8]).expect("should succeed");
    p[first..first + 8].copy_from_slice(&[3; 8]);
    assert_eq!(err_code(state.check(&sign(p), at(20, 1))), "trust.invalid_value");
}
