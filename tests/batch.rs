//! Batch verification (SPEC.md §4.5): `PublicKey::verify_strict_batch` and
//! `Verifier::verify_batch` give ed25519-dalek `verify_strict`'s verdicts and
//! `Verifier::verify`'s results, on every third-party and repository vector,
//! on signatures crafted with torsion in R or A, and wherever the bad ones
//! sit in a batch.

mod support;

use support::status;

use chrono::{DateTime, TimeDelta, Utc};
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT as B, EIGHT_TORSION};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use qrcred::{Colour, Issuer, IssuerKey, PublicKey, TrustStore, TrustedKey, Verified, Verifier};
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
    let mut refused_keys = Vec::new();
    for case in &cases {
        match PublicKey::from_bytes(&case.key) {
            Ok(key) => {
                let ok = key.verify_strict(&case.message, &case.signature);
                assert_eq!(ok, dalek_strict(case), "{}: single", case.name);
                decodable.push(case);
            }
            Err(e) => refused_keys.push((case.name.as_str(), e.code(), dalek_strict(case))),
        }
    }
    // Keys unfit for trust are refused where they enter it (SPEC.md §4.4):
    // the speccheck cases built on small-order and mixed-order keys. Only
    // case 3 is one verify_strict accepts (its key has a torsion component
    // that its R matches); src/ed25519/tests.rs holds the bare signature
    // check to verify_strict on all of them.
    let small = "key.small_order";
    let mixed = "key.mixed_order";
    let expected = [
        ("speccheck case 0", small, false),
        ("speccheck case 1", small, false),
        ("speccheck case 2", mixed, false),
        ("speccheck case 3", mixed, true),
        ("speccheck case 4", mixed, false),
        ("speccheck case 5", mixed, false),
        ("speccheck case 8", mixed, false),
        ("speccheck case 9", mixed, false),
        ("speccheck case 10", small, false),
        ("speccheck case 11", small, false),
    ];
    assert_eq!(refused_keys, expected);
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

/// The code `PublicKey::from_bytes` refuses the key bytes with.
fn key_refusal(bytes: &[u8; 32]) -> Option<&'static str> {
    PublicKey::from_bytes(bytes).err().map(|e| e.code())
}

#[test]
fn keys_unfit_for_trust_are_refused_where_they_enter_it() {
    for (t, torsion) in EIGHT_TORSION.iter().enumerate() {
        // A point of small order, and a key with that torsion component.
        let small = torsion.compress().to_bytes();
        assert_eq!(key_refusal(&small), Some("key.small_order"), "torsion {t}");
        let mixed = CraftKey::new(2, t).bytes();
        let want = if t == 0 { None } else { Some("key.mixed_order") };
        assert_eq!(key_refusal(&mixed), want, "torsion {t}");
        // The same through PEM and ed25519-dalek's type.
        let dalek = ed25519_dalek::VerifyingKey::from_bytes(&mixed).expect("a point");
        let pem = ed25519_dalek::pkcs8::EncodePublicKey::to_public_key_pem(&dalek, Default::default()).expect("pem");
        assert_eq!(PublicKey::from_spki_pem(&pem).err().map(|e| e.code()), want);
        assert_eq!(PublicKey::try_from(dalek).err().map(|e| e.code()), want);
    }
    // One point never has two kids: every y below 19 on the curve, written
    // as y + p, is refused; written canonically it is the same point.
    let mut on_curve = 0;
    for y in 0u8..19 {
        let mut high = [0xFFu8; 32];
        high[0] = 0xED + y;
        high[31] = 0x7F;
        let mut low = [0u8; 32];
        low[0] = y;
        let (Ok(a), Ok(b)) = (
            ed25519_dalek::VerifyingKey::from_bytes(&high),
            ed25519_dalek::VerifyingKey::from_bytes(&low),
        ) else {
            continue;
        };
        assert_eq!(a.to_edwards(), b.to_edwards());
        assert_eq!(key_refusal(&high), Some("key.non_canonical"), "y = {y}");
        on_curve += 1;
    }
    assert!(on_curve >= 2, "{on_curve}");
    // The other non-canonical form, x = 0 with the sign bit set, is (0, ±1):
    // of small order.
    let mut one = [0u8; 32];
    one[0] = 1;
    one[31] = 0x80;
    assert_eq!(key_refusal(&one), Some("key.small_order"));
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
    for case in &bad {
        assert!(!dalek_strict(case), "{}: dalek accepts", case.name);
        assert_eq!(ours_single(case), Some(false), "{}", case.name);
        let mut batch: Vec<&Case> = good.iter().collect();
        batch.push(case);
        assert_batch_matches(&case.name, &batch);
    }
    let all: Vec<&Case> = good.iter().chain(&bad).collect();
    assert_batch_matches("all together", &all);
}

/// Batch verdicts on `cases`, checked against `expected`.
fn assert_batch_gives(label: &str, cases: &[&Case], expected: &[bool]) {
    assert_eq!(ours_batch(cases), expected, "{label}");
}

/// SPEC.md §4.5's boundary, exactly. Copies of one signature are checked
/// once: a signature failing by torsion in R alone is refused however often
/// it appears (twice the order-2 point, eight times one of order 8). Two
/// distinct such signatures whose torsion components cancel are the one
/// difference from verify_strict: they pass a batch of five or more
/// distinct signatures where everything else is good, and are refused in a
/// batch of four or fewer (checked one by one). Batch sizes 1 to 300.
#[test]
fn batch_boundary_copies_and_cancelling_pairs() {
    let key = CraftKey::new(4, 0);
    let good: Vec<Case> = (0..300)
        .map(|i| key.case(format!("good {i}"), format!("message {i}").as_bytes(), 1000 + i, 0))
        .collect();
    assert!(good.iter().all(dalek_strict));
    let pairs = [(4, 4), (1, 7), (2, 6), (3, 5)];
    for (p, (t, u)) in pairs.into_iter().enumerate() {
        let first = key.case(format!("torsion {t}"), b"first", 11, t);
        let second = key.case(format!("torsion {u}"), b"second", 12, u);
        assert!(!dalek_strict(&first) && !dalek_strict(&second));
        assert!(ours_single(&first) == Some(false) && ours_single(&second) == Some(false));
        // Every size for the order-2 pair, the sizes around each threshold
        // (4, the split's 128 and the Verifier's 256) for the others.
        let sizes: Vec<usize> = if p == 0 {
            (1..=300).collect()
        } else {
            [1, 2, 3, 4, 5, 6, 8, 9, 16, 17, 63, 64, 65, 128, 129, 256, 257, 300].to_vec()
        };
        for n in sizes {
            // `first` up to eight times, the rest good: every copy refused.
            let copies = n.min(8);
            let mut batch: Vec<&Case> = good[..n - copies].iter().collect();
            let mut expected = vec![true; n - copies];
            for c in 0..copies {
                let at = (c * n / copies).min(batch.len());
                batch.insert(at, &first);
                expected.insert(at, false);
            }
            assert_batch_gives(&format!("{copies} copies of torsion {t} in {n}"), &batch, &expected);
            if n < 2 {
                continue;
            }
            // The distinct pair, the rest good: passes from five on.
            let mut batch: Vec<&Case> = good[..n - 2].iter().collect();
            batch.insert(n / 3, &first);
            batch.insert(2 * n / 3, &second);
            let mut expected = vec![true; n];
            if n <= 4 {
                expected[n / 3] = false;
                expected[2 * n / 3] = false;
            }
            assert_batch_gives(&format!("torsion {t} and {u} in {n}"), &batch, &expected);
            // With one of the pair copied, the copy adds nothing.
            let mut copied = batch.clone();
            copied.push(&second);
            expected.push(expected[2 * n / 3]);
            assert_batch_gives(&format!("torsion {t} and {u} (twice) in {n}"), &copied, &expected);
        }
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
        // Copies of some, good and bad, anywhere: each gets its original's verdict.
        for _ in 0..round % 3 * n / 4 {
            let copy = cases[rng.below(n)].clone();
            cases.push(copy);
        }
        rng.shuffle(&mut cases);
        let refs: Vec<&Case> = cases.iter().collect();
        assert_batch_matches(&format!("round {round}: {n} with {bad_count} changed"), &refs);
    }
    assert!(ours_batch(&[]).is_empty());
}

// ----------------------------------------------------------- Verifier level

/// `text` among 15 codes signed by the case's first key, in two places
/// (8th and last), so that its signature meets a sum of 16 and the split
/// (SPEC.md §4.5) rather than the one-by-one checks of small groups.
fn among_fifteen(text: &str, key: &IssuerKey, now: DateTime<Utc>) -> Vec<String> {
    let issuer = Issuer::new(key.clone(), "batch-neighbour");
    let mut texts: Vec<String> = (0..15)
        .map(|n| {
            issuer
                .issue(
                    &status(n, Colour::Green),
                    TimeDelta::hours(1),
                    now - TimeDelta::minutes(1),
                )
                .expect("issue")
        })
        .collect();
    texts.insert(7, text.to_string());
    texts.push(text.to_string());
    texts
}

#[test]
fn verify_batch_equals_verify_on_every_repository_vector() {
    let (mut compared, mut in_a_sum) = (0, 0);
    for (name, case) in support::load_all() {
        let Some(text) = &case.text else { continue };
        let Some(key) = case.keys.first() else { continue };
        let seed: [u8; 32] = hex::decode(&key.seed).expect("hex").try_into().expect("32 bytes");
        let texts = among_fifteen(text, &IssuerKey::from_seed(&seed), case.now());
        let one_by_one = case.verifier();
        let expected: Vec<_> = texts
            .iter()
            .map(|t| summary(&one_by_one.verify(t, case.now())))
            .collect();
        let batched = case.verifier();
        let got: Vec<_> = batched.verify_batch(&texts, case.now()).iter().map(summary).collect();
        assert_eq!(got, expected, "{name}");
        assert_eq!(batched.newest_seen(), one_by_one.newest_seen(), "{name}");
        compared += 1;
        // The neighbours' signatures verified: the input met the sum.
        in_a_sum += usize::from(
            texts
                .iter()
                .map(|t| one_by_one.verify(t, case.now()))
                .filter(|r| r.as_ref().err().is_none_or(|e| e.code() != "signature.invalid"))
                .count()
                > 10,
        );
    }
    assert!(compared > 200, "{compared} vectors");
    assert!(
        in_a_sum > 150,
        "{in_a_sum} of {compared} vectors batched with good neighbours"
    );
}

/// A code whose signature `R` carries the small-order point `EIGHT_TORSION[t]`,
/// made by the holder of `seed` (SPEC.md §4.5): the issuer's code with the
/// signature replaced.
fn torsion_code(seed: &[u8; 32], n: u32, t: usize) -> String {
    use coset::{CoseSign1, TaggedCborSerializable};
    let issuer = Issuer::new(IssuerKey::from_seed(seed), "cn.health.xian");
    let text = issuer
        .issue(&status(n, Colour::Green), TimeDelta::hours(24), issued_at(1))
        .expect("issue");
    let payload = qrcred::layers::base45_decode(qrcred::layers::strip_prefix(&text).expect("prefix")).expect("base45");
    let cose = qrcred::layers::decompress(payload, &qrcred::Limits::DEFAULT).expect("inflate");
    let mut sign1 = CoseSign1::from_tagged_slice(&cose).expect("COSE_Sign1");
    let tbs = sign1.tbs_data(qrcred::layers::Document::Code.external_aad());
    // The secret scalar of RFC 8032 §5.1.5.
    let mut h: [u8; 64] = Sha512::digest(seed).into();
    h[0] &= 248;
    h[31] &= 127;
    h[31] |= 64;
    let a = Scalar::from_bytes_mod_order(h[..32].try_into().expect("32 bytes"));
    let public = IssuerKey::from_seed(seed).public_key().to_bytes();
    let r = Scalar::from(u64::from(n) + 99);
    let big_r = (r * B + EIGHT_TORSION[t]).compress();
    let k = Scalar::from_bytes_mod_order_wide(
        &Sha512::new()
            .chain_update(big_r.as_bytes())
            .chain_update(public)
            .chain_update(&tbs)
            .finalize()
            .into(),
    );
    sign1.signature = [big_r.as_bytes().as_slice(), (r + k * a).as_bytes()].concat();
    let cose = sign1.to_tagged_vec().expect("encode");
    format!("{}{}", qrcred::PREFIX, qrcred::layers::base45_encode(&cose))
}

/// The issue's cases: a key holder's code whose `R` carries the order-2
/// point is refused alone, twice among good codes, once under a key listed
/// twice in the trust store, and eight copies of an order-8 one; a pair of
/// distinct codes whose components cancel is the documented exception.
#[test]
fn verify_batch_refuses_torsion_codes_however_often_given() {
    let seed = [31u8; 32];
    let key = IssuerKey::from_seed(&seed);
    let entry = TrustedKey::new(*key.public_key(), "cn.health.xian");
    let once = TrustStore::new().with(entry.clone());
    let twice = TrustStore::new().with(entry.clone()).with(entry);
    let issuer = Issuer::new(key, "cn.health.xian");
    let good: Vec<String> = (0..15)
        .map(|n| {
            issuer
                .issue(&status(n, Colour::Green), TimeDelta::hours(24), issued_at(2))
                .expect("issue")
        })
        .collect();
    let order_2 = torsion_code(&seed, 100, 4);
    let order_8 = torsion_code(&seed, 101, 1);
    let cancelling = torsion_code(&seed, 102, 4);
    for store in [&once, &twice] {
        let verifier = Verifier::new(store.clone());
        assert_eq!(summary(&verifier.verify(&order_2, now())), Err("signature.invalid"));
        let batches: [Vec<&str>; 4] = [
            vec![&order_2],
            good.iter().map(String::as_str).chain([order_2.as_str()]).collect(),
            good[..6]
                .iter()
                .map(String::as_str)
                .chain([order_2.as_str(); 2])
                .collect(),
            good.iter().map(String::as_str).chain([order_8.as_str(); 8]).collect(),
        ];
        for batch in &batches {
            let got: Vec<_> = verifier.verify_batch(batch, now()).iter().map(summary).collect();
            let expected: Vec<_> = batch.iter().map(|t| summary(&verifier.verify(t, now()))).collect();
            assert_eq!(got, expected);
            assert!(got.iter().filter(|r| r.is_err()).count() >= 1);
        }
        // Two distinct codes whose torsion cancels: accepted together in a
        // batch, each refused by verify (SPEC.md §4.5, the one exception).
        let pair: Vec<&str> = good
            .iter()
            .map(String::as_str)
            .chain([order_2.as_str(), cancelling.as_str()])
            .collect();
        let got = verifier.verify_batch(&pair, now());
        assert!(got.iter().all(Result::is_ok), "{got:?}");
        assert_eq!(summary(&verifier.verify(&cancelling, now())), Err("signature.invalid"));
    }
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
