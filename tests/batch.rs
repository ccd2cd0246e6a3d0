//! Batch verification (SPEC.md §4.5): `PublicKey::verify_strict_batch` and
//! `Verifier::verify_batch` give ed25519-dalek `verify_strict`'s verdicts and
//! `Verifier::verify`'s results, on every third-party and repository vector,
//! on signatures crafted with torsion in R or A, and wherever the bad ones
//! sit in a batch.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT as B, EIGHT_TORSION};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use qrcred::{
    BirthDate, Colour, Credential, CredentialBody, HealthStatus, Issuer, IssuerKey, PublicKey, Subject, TrustStore,
    TrustedKey, Verified, Verifier,
};
use serde_json::Value;
use sha2::{Digest, Sha512};

/// A signature to check, owned.
#[derive(Clone, Debug)]
struct Case {
    name: String,
    key: [u8; 32],
    message: Vec<u8>,
    signature: [u8; 64],
}

/// ed25519-dalek's own `verify_strict`: the oracle.
fn dalek_strict(case: &Case) -> bool {
    ed25519_dalek::VerifyingKey::from_bytes(&case.key).is_ok_and(|key| {
        key.verify_strict(&case.message, &ed25519_dalek::Signature::from_bytes(&case.signature))
            .is_ok()
    })
}

/// Ours, one at a time (`None` when the key does not decode).
fn ours_single(case: &Case) -> Option<bool> {
    let key = PublicKey::from_bytes(&case.key).ok()?;
    Some(key.verify_strict(&case.message, &case.signature))
}

/// Ours, all at once; the cases whose key decodes.
fn ours_batch(cases: &[&Case]) -> Vec<bool> {
    let keys: Vec<PublicKey> = cases
        .iter()
        .map(|c| PublicKey::from_bytes(&c.key).expect("decodable key"))
        .collect();
    let checks: Vec<(&PublicKey, &[u8], &[u8; 64])> = cases
        .iter()
        .zip(&keys)
        .map(|(c, k)| (k, c.message.as_slice(), &c.signature))
        .collect();
    PublicKey::verify_strict_batch(&checks)
}

/// Asserts the batch verdicts equal dalek's, case by case.
fn assert_batch_matches(label: &str, cases: &[&Case]) {
    let got = ours_batch(cases);
    let differ: Vec<&str> = cases
        .iter()
        .zip(&got)
        .filter(|(c, ok)| dalek_strict(c) != **ok)
        .map(|(c, _)| c.name.as_str())
        .collect();
    assert!(
        differ.is_empty(),
        "{label}: batch differs from verify_strict on {differ:?}"
    );
}

fn vector_path(rel: &str) -> String {
    format!("{}/test-vectors/third-party/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn read_json(rel: &str) -> Value {
    let text = std::fs::read_to_string(vector_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

fn hex_field(v: &Value) -> Vec<u8> {
    unhex(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
}

/// Every Ed25519 case of the third-party vectors with a 32-byte key and a
/// 64-byte signature: RFC 8032, SUPERCOP, Wycheproof, ed25519-speccheck.
fn third_party_cases() -> Vec<Case> {
    let mut out = Vec::new();
    let mut push = |name: String, key: &[u8], message: Vec<u8>, signature: &[u8]| {
        if let (Ok(key), Ok(signature)) = (key.try_into(), signature.try_into()) {
            out.push(Case {
                name,
                key,
                message,
                signature,
            });
        }
    };
    let rfc = read_json("rfc8032/rfc8032_ed25519.json");
    for v in rfc["vectors"].as_array().expect("vectors") {
        let name = format!("rfc8032 {}", v["name"]);
        push(
            name,
            &hex_field(&v["public_key"]),
            hex_field(&v["message"]),
            &hex_field(&v["signature"]),
        );
    }
    let supercop = std::fs::read_to_string(vector_path("supercop-sign-input/sign.input")).expect("supercop sign.input");
    for (n, line) in supercop.lines().enumerate() {
        let fields: Vec<&str> = line.split(':').collect();
        let sig_msg = unhex(fields[3]);
        push(
            format!("supercop line {}", n + 1),
            &unhex(fields[1]),
            unhex(fields[2]),
            &sig_msg[..64],
        );
    }
    let wycheproof = read_json("wycheproof/ed25519_test.json");
    for group in wycheproof["testGroups"].as_array().expect("testGroups") {
        let key = hex_field(&group["publicKey"]["pk"]);
        for case in group["tests"].as_array().expect("tests") {
            let name = format!("wycheproof tcId {}", case["tcId"]);
            push(name, &key, hex_field(&case["msg"]), &hex_field(&case["sig"]));
        }
    }
    let speccheck = read_json("ed25519-speccheck/cases.json");
    for (i, case) in speccheck.as_array().expect("cases").iter().enumerate() {
        let name = format!("speccheck case {i}");
        push(
            name,
            &hex_field(&case["pub_key"]),
            hex_field(&case["message"]),
            &hex_field(&case["signature"]),
        );
    }
    out
}

/// A small deterministic generator (xorshift64*), for shuffles and subsets.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

#[test]
fn third_party_vectors_single_and_batch_equal_verify_strict() {
    let cases = third_party_cases();
    // 5 + 1024 + 151 + 12, less the Wycheproof cases with a wrong length.
    assert!(cases.len() > 1150, "{} cases", cases.len());
    let mut decodable = Vec::new();
    for case in &cases {
        match ours_single(case) {
            Some(ok) => {
                assert_eq!(ok, dalek_strict(case), "{}: single", case.name);
                decodable.push(case);
            }
            None => assert!(!dalek_strict(case), "{}: key refused", case.name),
        }
    }
    let accepted = decodable.iter().filter(|c| dalek_strict(c)).count();
    assert!(
        accepted > 1000 && accepted < decodable.len(),
        "{accepted} of {}",
        decodable.len()
    );
    assert_batch_matches("all at once", &decodable);
    let mut rng = Rng(0x5EED);
    for round in 0..4 {
        rng.shuffle(&mut decodable);
        for (n, chunk) in decodable.chunks(64).enumerate() {
            assert_batch_matches(&format!("round {round}, chunk {n}"), chunk);
        }
    }
    // Each refused case alone among 63 good ones.
    let good: Vec<&Case> = decodable.iter().copied().filter(|c| dalek_strict(c)).take(63).collect();
    for bad in decodable.iter().filter(|c| !dalek_strict(c)) {
        let mut batch = good.clone();
        batch.insert(17, bad);
        assert_batch_matches(&bad.name, &batch);
    }
}

// ------------------------------------------------------ crafted signatures

/// A signing scalar and the key bytes of `[a]B + torsion`.
struct CraftKey {
    a: Scalar,
    point: EdwardsPoint,
}

impl CraftKey {
    fn new(seed: u8, torsion: usize) -> CraftKey {
        let a = Scalar::from_bytes_mod_order_wide(&Sha512::digest([seed; 32]).into());
        CraftKey {
            a,
            point: a * B + EIGHT_TORSION[torsion],
        }
    }

    fn bytes(&self) -> [u8; 32] {
        self.point.compress().to_bytes()
    }

    /// A signature with `R = [r]B + T` and `S = r + k·a`: what a signer
    /// holding `a` can make; `verify_strict` accepts it only when `R`
    /// equals `[S]B − [k]A` exactly.
    fn sign(&self, message: &[u8], nonce: u64, torsion: usize) -> [u8; 64] {
        let r = Scalar::from(nonce) + Scalar::from(0x1234_5678_u64) * Scalar::from(nonce + 7);
        let big_r = (r * B + EIGHT_TORSION[torsion]).compress();
        let mut hash = Sha512::new();
        hash.update(big_r.as_bytes());
        hash.update(self.bytes());
        hash.update(message);
        let k = Scalar::from_bytes_mod_order_wide(&hash.finalize().into());
        let s = r + k * self.a;
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(big_r.as_bytes());
        out[32..].copy_from_slice(s.as_bytes());
        out
    }

    fn case(&self, name: String, message: &[u8], nonce: u64, torsion: usize) -> Case {
        Case {
            name,
            key: self.bytes(),
            message: message.to_vec(),
            signature: self.sign(message, nonce, torsion),
        }
    }
}

/// 63 good signatures under a prime-order key.
fn good_cases(key: &CraftKey) -> Vec<Case> {
    (0..63)
        .map(|i| key.case(format!("good {i}"), format!("message {i}").as_bytes(), 1000 + i, 0))
        .collect()
}

#[test]
fn torsion_in_r_is_refused_alone_and_in_a_batch() {
    let key = CraftKey::new(1, 0);
    let good = good_cases(&key);
    for t in 1..8 {
        let bad = key.case(format!("R with torsion {t}"), b"torsion", 5, t);
        assert!(!dalek_strict(&bad) && ours_single(&bad) == Some(false), "{}", bad.name);
        let mut batch: Vec<&Case> = good.iter().collect();
        batch.insert(t * 7, &bad);
        assert_batch_matches(&bad.name, &batch);
        // Two with torsion components that do not cancel.
        for u in 1..8 {
            if (t + u) % 8 != 0 {
                let other = key.case(format!("R with torsion {u}"), b"other", 6, u);
                let mut batch: Vec<&Case> = good.iter().collect();
                batch.insert(3, &bad);
                batch.insert(40, &other);
                assert_batch_matches(&format!("torsion {t} and {u}"), &batch);
            }
        }
    }
}

#[test]
fn mixed_order_keys_give_the_strict_verdicts() {
    for t in 1..8 {
        let key = CraftKey::new(2, t);
        let mut cases = Vec::new();
        // verify_strict accepts R = [S]B − [k]A exactly, torsion included:
        // find nonces where the chosen torsion of R matches −[k]T.
        for nonce in 0..400u64 {
            let torsion = (nonce % 8) as usize;
            let case = key.case(format!("key torsion {t}, nonce {nonce}"), b"mixed", nonce, torsion);
            cases.push(case);
        }
        let accepted = cases.iter().filter(|c| dalek_strict(c)).count();
        assert!(accepted > 10 && accepted < 390, "torsion {t}: {accepted} accepted");
        for case in &cases {
            assert_eq!(ours_single(case), Some(dalek_strict(case)), "{}", case.name);
        }
        let all: Vec<&Case> = cases.iter().collect();
        for chunk in all.chunks(64) {
            assert_batch_matches(&format!("key torsion {t}"), chunk);
        }
    }
}

#[test]
fn refusals_before_the_equation() {
    let key = CraftKey::new(3, 0);
    let good = good_cases(&key);
    let mut bad = Vec::new();
    // S ≥ L: S + L.
    let mut c = key.case("S + L".into(), b"s", 1, 0);
    {
        // Add L to the little-endian S (it stays below 2^256).
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (i, l) in L.iter().enumerate() {
            let sum = u16::from(c.signature[32 + i]) + u16::from(*l) + carry;
            c.signature[32 + i] = sum as u8;
            carry = sum >> 8;
        }
    }
    bad.push(c);
    // Small-order R (each of the eight), S = k·a so the equation holds for
    // the identity.
    for (t, torsion) in EIGHT_TORSION.iter().enumerate() {
        let r = torsion.compress();
        let mut hash = Sha512::new();
        hash.update(r.as_bytes());
        hash.update(key.bytes());
        hash.update(b"small R");
        let k = Scalar::from_bytes_mod_order_wide(&hash.finalize().into());
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(r.as_bytes());
        signature[32..].copy_from_slice((k * key.a).as_bytes());
        bad.push(Case {
            name: format!("small-order R {t}"),
            key: key.bytes(),
            message: b"small R".to_vec(),
            signature,
        });
    }
    // A non-canonical R: y + p for a y below 19 that is on the curve.
    for y in 0u8..19 {
        let mut r = [0xFFu8; 32];
        r[0] = 0xED + y;
        r[31] = 0x7F;
        let mut signature = key.sign(b"noncanonical", 9, 0);
        signature[..32].copy_from_slice(&r);
        bad.push(Case {
            name: format!("R = {y} + p"),
            key: key.bytes(),
            message: b"noncanonical".to_vec(),
            signature,
        });
    }
    // Small-order keys, signed so the cofactorless equation holds.
    for (t, torsion) in EIGHT_TORSION.iter().enumerate() {
        let weak = CraftKey {
            a: Scalar::ZERO,
            point: *torsion,
        };
        bad.push(weak.case(format!("small-order key {t}"), b"weak", 4, 0));
    }
    for case in &bad {
        assert!(!dalek_strict(case), "{}: dalek accepts", case.name);
        if let Some(ok) = ours_single(case) {
            assert!(!ok, "{}", case.name);
        }
        let mut batch: Vec<&Case> = good.iter().collect();
        batch.push(case);
        if PublicKey::from_bytes(&case.key).is_ok() {
            assert_batch_matches(&case.name, &batch);
        }
    }
    let all: Vec<&Case> = good
        .iter()
        .chain(bad.iter().filter(|c| PublicKey::from_bytes(&c.key).is_ok()))
        .collect();
    assert_batch_matches("all together", &all);
}

/// The one difference SPEC.md §4.5 states: a signing-key holder can make
/// two signatures that fail only by torsion in R, with components that
/// cancel in the sum. This pins the documented behaviour.
#[test]
fn cancelling_torsion_from_a_key_holder_is_the_documented_difference() {
    let key = CraftKey::new(4, 0);
    let good = good_cases(&key);
    // The order-2 point twice, and an order-8 point with its negative.
    for (t, u) in [(4, 4), (1, 7), (2, 6)] {
        let first = key.case(format!("torsion {t}"), b"first", 11, t);
        let second = key.case(format!("torsion {u}"), b"second", 12, u);
        assert!(!dalek_strict(&first) && !dalek_strict(&second));
        let mut batch: Vec<&Case> = good.iter().collect();
        batch.insert(10, &first);
        batch.insert(50, &second);
        let got = ours_batch(&batch);
        assert!(
            got.iter().all(|ok| *ok),
            "{t}+{u}: the batch passes as SPEC.md §4.5 says"
        );
        // Alone, each is refused, as verify_strict refuses it.
        assert_eq!(ours_batch(&[&first]), [false]);
        assert_eq!(ours_batch(&[&second]), [false]);
    }
}

#[test]
fn any_bad_subset_is_pinpointed() {
    let key = CraftKey::new(5, 0);
    let other = CraftKey::new(6, 0);
    let mut rng = Rng(0xBADC0DE);
    for round in 0..48 {
        let n = [1, 2, 5, 63, 64, 65, 130, 257][round % 8];
        let mut cases: Vec<Case> = (0..n as u64)
            .map(|i| {
                let signer = if i % 3 == 0 { &other } else { &key };
                signer.case(format!("{round}/{i}"), format!("m{round}/{i}").as_bytes(), 77 + i, 0)
            })
            .collect();
        let bad_count = match round % 4 {
            0 => 0,
            1 => 1,
            2 => rng.below(n) + 1,
            _ => n,
        };
        for _ in 0..bad_count {
            let victim = rng.below(n);
            let c = &mut cases[victim];
            match rng.below(3) {
                0 => c.message.push(b'!'),
                1 => c.signature[rng.below(32)] ^= 1 << rng.below(8),
                _ => c.signature[32 + rng.below(31)] ^= 1 << rng.below(8),
            }
        }
        let refs: Vec<&Case> = cases.iter().collect();
        assert_batch_matches(&format!("round {round}: {n} with {bad_count} changed"), &refs);
    }
    assert!(ours_batch(&[]).is_empty());
}

// ----------------------------------------------------------- Verifier level

#[test]
fn verify_batch_equals_verify_on_every_repository_vector() {
    let mut compared = 0;
    for (name, case) in support::load_all() {
        let Some(text) = &case.text else { continue };
        let single = case.verifier().verify(text, case.now());
        let batch = case
            .verifier()
            .verify_batch(&[text.as_str(), text.as_str(), text.as_str()], case.now());
        for got in &batch {
            assert_eq!(summary(got), summary(&single), "{name}");
        }
        compared += 1;
    }
    assert!(compared > 200, "{compared} vectors");
}

/// A result as something comparable: the credential or the error code.
fn summary(result: &qrcred::Result<Verified>) -> Result<Verified, &'static str> {
    result.clone().map_err(|e| e.code())
}

fn issued_at(hours_ago: i64) -> DateTime<Utc> {
    now() - TimeDelta::hours(hours_ago)
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

fn status(n: u32, colour: Colour) -> Credential {
    Credential {
        subject: Subject {
            family_name: format!("Person {n}"),
            given_name: None,
            family_name_icao: None,
            given_name_icao: None,
            birth_date: BirthDate::parse("1980-02-03").expect("date"),
            id_digest: None,
        },
        body: CredentialBody::HealthStatus(HealthStatus { colour, reason: None }),
    }
}

#[test]
fn verify_batch_equals_verify_on_a_mixed_crowd() {
    let key = IssuerKey::from_seed(&[21; 32]);
    let stranger = IssuerKey::from_seed(&[22; 32]);
    let trust = TrustStore::new().with(TrustedKey::new(*key.public_key(), "cn.health.xian"));
    let issuer = Issuer::new(key, "cn.health.xian");
    let strangers = Issuer::new(stranger, "elsewhere");
    let mut texts = Vec::new();
    for n in 0..300u32 {
        let hours = i64::from(n % 30);
        let text = match n % 10 {
            // Another issuer's key: key.unknown_kid.
            3 => strangers.issue(&status(n, Colour::Green), TimeDelta::hours(24), issued_at(hours)),
            _ => issuer.issue(&status(n, Colour::Yellow), TimeDelta::hours(24), issued_at(hours)),
        }
        .expect("issue");
        let text = match n % 17 {
            // A changed signature byte, a changed payload byte, a cut code.
            5 => flip_char(&text, text.len() - 3),
            9 => flip_char(&text, 20),
            13 => text[..text.len() - 2].to_string(),
            _ => text,
        };
        texts.push(text);
    }
    // One not valid yet.
    let later = issuer
        .issue(
            &status(999, Colour::Green),
            TimeDelta::hours(24),
            now() + TimeDelta::hours(2),
        )
        .expect("issue");
    texts.insert(150, later);
    let one_by_one = Verifier::new(trust.clone());
    let expected: Vec<_> = texts.iter().map(|t| summary(&one_by_one.verify(t, now()))).collect();
    let batched = Verifier::new(trust);
    let got: Vec<_> = batched.verify_batch(&texts, now()).iter().map(summary).collect();
    assert_eq!(got, expected);
    let codes: std::collections::BTreeSet<&str> = expected.iter().filter_map(|r| r.as_ref().err().copied()).collect();
    for code in [
        "key.unknown_kid",
        "signature.invalid",
        "time.expired",
        "time.not_yet_valid",
    ] {
        assert!(codes.contains(code), "the crowd exercises {code}: {codes:?}");
    }
    assert!(expected.iter().filter(|r| r.is_ok()).count() > 100);
    assert_eq!(batched.newest_seen(), one_by_one.newest_seen());
}

/// The text with one Base45 character replaced by another.
fn flip_char(text: &str, at: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ascii")
}
