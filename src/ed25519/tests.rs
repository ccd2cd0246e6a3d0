//! Unit tests of the Ed25519 checks: the small-order table, the canonical
//! test, key classification and the bare signature check on keys that
//! never enter trust.

use super::*;
use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::traits::IsIdentity;

#[test]
fn small_order_y_table_is_the_eight_torsion_points() {
    let mut ys: Vec<[u8; 32]> = EIGHT_TORSION
        .iter()
        .map(|t| {
            let mut y = t.compress().to_bytes();
            y[31] &= 0x7F;
            y
        })
        .collect();
    ys.sort_unstable();
    ys.dedup();
    let mut table = SMALL_ORDER_Y.to_vec();
    table.sort_unstable();
    assert_eq!(ys, table);
    for t in EIGHT_TORSION {
        let bytes = t.compress().to_bytes();
        assert!(has_small_order_y(&bytes) && t.is_small_order());
    }
    // A point of large order is not in the table, with either sign.
    let mut b = ED25519_BASEPOINT_POINT.compress().to_bytes();
    assert!(!has_small_order_y(&b));
    b[31] ^= 0x80;
    assert!(!has_small_order_y(&b));
}

#[test]
fn y_at_or_above_p_is_not_canonical() {
    let mut y = [0xFFu8; 32];
    y[31] = 0x7F;
    for low in 0u8..=0xFF {
        y[0] = low;
        assert_eq!(y_is_canonical(&y), low < 0xED, "{low:#x}");
    }
    y[0] = 0xFF;
    y[5] = 0xFE;
    assert!(y_is_canonical(&y));
    // The sign bit is not part of y.
    let mut top = [0u8; 32];
    top[31] = 0x80;
    assert!(y_is_canonical(&top));
}

/// ed25519-speccheck's twelve cases through the bare signature check,
/// whatever their key: the "Dalek strict" row (only case 3 accepted), and
/// ed25519-dalek's `verify_strict` itself. `PrimeOrderKey` refuses the keys
/// of ten of them (tests/third_party.rs pins which, with their codes).
#[test]
fn bare_check_equals_verify_strict_on_speccheck_whatever_the_key() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test-vectors/third-party/ed25519-speccheck/cases.json"
    );
    let text = std::fs::read_to_string(path).expect("speccheck cases");
    let cases: serde_json::Value = serde_json::from_str(&text).expect("json");
    let cases = cases.as_array().expect("cases");
    assert_eq!(cases.len(), 12);
    let field = |case: &serde_json::Value, name: &str| hex::decode(case[name].as_str().expect("hex")).expect("hex");
    let mut accepted = Vec::new();
    let mut unfit = 0;
    for (i, case) in cases.iter().enumerate() {
        let key: [u8; 32] = field(case, "pub_key").try_into().expect("32 bytes");
        let signature: [u8; 64] = field(case, "signature").try_into().expect("64 bytes");
        let message = field(case, "message");
        let key = VerifyingKey::from_bytes(&key).expect("every speccheck key decodes");
        let dalek = key
            .verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature))
            .is_ok();
        assert_eq!(verify_strict(&key, &message, &signature), dalek, "case {i}");
        if dalek {
            accepted.push(i);
        }
        unfit += usize::from(PrimeOrderKey::new(key).is_err());
    }
    assert_eq!(accepted, [3]);
    assert_eq!(unfit, 10);
}

#[test]
fn keys_are_classified_in_order() {
    use curve25519_dalek::scalar::Scalar;
    let key = |p: EdwardsPoint| VerifyingKey::from_bytes(&p.compress().to_bytes()).expect("a point");
    let prime = Scalar::from(12345u64) * ED25519_BASEPOINT_POINT;
    assert!(PrimeOrderKey::new(key(prime)).is_ok());
    for t in EIGHT_TORSION {
        assert_eq!(PrimeOrderKey::new(key(t)), Err(KeyError::SmallOrder));
        if !t.is_identity() {
            assert_eq!(PrimeOrderKey::new(key(prime + t)), Err(KeyError::MixedOrder));
        }
    }
    // y = p + 3 (the first y ≥ p on the curve): non-canonical before its order.
    let mut high = [0xFFu8; 32];
    high[0] = 0xF0;
    high[31] = 0x7F;
    let point = VerifyingKey::from_bytes(&high).expect("y = 3 is on the curve");
    assert_eq!(PrimeOrderKey::new(point), Err(KeyError::NonCanonical));
}

/// Copies of one entry get one verdict and enter the sum once: two copies
/// of a signature whose R carries the order-2 point stay refused.
#[test]
fn copies_are_checked_once() {
    use curve25519_dalek::scalar::Scalar;
    let a = Scalar::from(777u64);
    let key = PrimeOrderKey::new(
        VerifyingKey::from_bytes(&(a * ED25519_BASEPOINT_POINT).compress().to_bytes()).expect("key"),
    )
    .expect("prime order");
    let sign = |message: &[u8], r: u64, t: usize| -> [u8; 64] {
        let r = Scalar::from(r);
        let big_r = (r * ED25519_BASEPOINT_POINT + EIGHT_TORSION[t]).compress();
        let k = Scalar::from_bytes_mod_order_wide(
            &Sha512::new()
                .chain_update(big_r.as_bytes())
                .chain_update(key.verifying_key().as_bytes())
                .chain_update(message)
                .finalize()
                .into(),
        );
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(big_r.as_bytes());
        out[32..].copy_from_slice((r + k * a).as_bytes());
        out
    };
    let messages: Vec<Vec<u8>> = (0..8u8).map(|i| vec![i; 3]).collect();
    let good: Vec<[u8; 64]> = messages.iter().zip(10..).map(|(m, r)| sign(m, r, 0)).collect();
    let bad = sign(b"torsion", 99, 4);
    let mut checks: Vec<SignatureCheck<'_>> = messages
        .iter()
        .zip(&good)
        .map(|(message, signature)| SignatureCheck {
            key: &key,
            message,
            signature,
        })
        .collect();
    let torsion = SignatureCheck {
        key: &key,
        message: b"torsion",
        signature: &bad,
    };
    checks.insert(2, torsion);
    checks.push(torsion);
    checks.push(checks[0]);
    let verdicts = verify_strict_batch(&checks);
    let expected: Vec<bool> = (0..checks.len()).map(|i| i != 2 && i != 9).collect();
    assert_eq!(verdicts, expected);
}
