//! The EU DCC test data's layers through our decoder stages: Base45 and
//! zlib give the same bytes as the files' `COMPRESSED` and `COSE` fields,
//! and our COSE profile refuses their ES256 / PS256 structures with a code.
//! (The `HC1:` prefix is theirs, so it is stripped here, not by `layers`.)

#[path = "support/dcc.rs"]
mod dcc;

use qrcred::{Limits, UnverifiedCode, layers};
use serde_json::Value;

fn cases() -> Vec<(String, Value)> {
    dcc::files().into_iter().map(|f| (f.name, f.case)).collect()
}

/// The flag `name` of a case, when the case tests that step.
fn flag(case: &Value, name: &str) -> Option<bool> {
    case["EXPECTEDRESULTS"][name].as_bool()
}

fn field(case: &Value, name: &str) -> Option<Vec<u8>> {
    case[name]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(|h| hex::decode(h).expect("hex field"))
}

#[test]
fn base45_layer_gives_the_compressed_bytes() {
    let mut checked = 0;
    for (name, case) in cases() {
        let (Some(expected), Some(text)) = (flag(&case, "EXPECTEDB45DECODE"), case["BASE45"].as_str()) else {
            continue;
        };
        let decoded = layers::base45_decode(text);
        // Against COMPRESSED, or, where a file has none, inflated against COSE.
        let same = match (field(&case, "COMPRESSED"), field(&case, "COSE")) {
            (Some(compressed), _) => decoded.as_ref().is_ok_and(|d| *d == compressed),
            (None, Some(cose)) => decoded
                .clone()
                .and_then(|d| layers::decompress(d, &Limits::DEFAULT))
                .is_ok_and(|c| c == cose),
            (None, None) => continue,
        };
        assert_eq!(same, expected, "{name}: {:?}", decoded.as_ref().err().map(|e| e.code()));
        if let (true, Ok(bytes)) = (expected, decoded) {
            assert_eq!(layers::base45_encode(&bytes), text, "{name}: encoding back");
        }
        checked += 1;
    }
    assert!(checked >= 90, "only {checked} files checked");
}

#[test]
fn prefix_layer_gives_the_base45_text() {
    let mut checked = 0;
    for (name, case) in cases() {
        let (Some(expected), Some(prefixed), Some(text)) = (
            flag(&case, "EXPECTEDUNPREFIX"),
            case["PREFIX"].as_str(),
            case["BASE45"].as_str(),
        ) else {
            continue;
        };
        assert_eq!(prefixed.strip_prefix("HC1:") == Some(text), expected, "{name}");
        // Our own prefix layer names the foreign format instead of misreading it.
        let code = layers::strip_prefix(prefixed).expect_err("not QC1").code();
        assert!(code.starts_with("prefix."), "{name}: {code}");
        checked += 1;
    }
    assert!(checked >= 100, "only {checked} files checked");
}

#[test]
fn zlib_layer_gives_the_cose_bytes() {
    let mut checked = 0;
    for (name, case) in cases() {
        let Some(expected) = flag(&case, "EXPECTEDCOMPRESSION") else {
            continue;
        };
        let (Some(compressed), Some(cose)) = (field(&case, "COMPRESSED"), field(&case, "COSE")) else {
            continue;
        };
        let not_zlib = compressed.first() == Some(&0xD2);
        let inflated = layers::decompress(compressed, &Limits::DEFAULT);
        let same = inflated.as_ref().is_ok_and(|c| *c == cose);
        if !expected && not_zlib {
            // DCC requires zlib; QC1 compresses only when that is shorter, so
            // an uncompressed COSE_Sign1 passes through this layer unchanged.
            assert!(same, "{name}: uncompressed COSE passes through");
        } else {
            assert_eq!(same, expected, "{name}: {:?}", inflated.err().map(|e| e.code()));
        }
        checked += 1;
    }
    assert!(checked >= 80, "only {checked} files checked");
}

#[test]
fn our_profile_refuses_their_cose_with_a_code() {
    let mut refused = std::collections::BTreeMap::<&str, usize>::new();
    for (name, case) in cases() {
        let Some(cose) = field(&case, "COSE") else {
            continue;
        };
        let code = UnverifiedCode::parse_bytes(cose, &Limits::DEFAULT)
            .map(|_| ())
            .expect_err("ES256/PS256 is not our profile")
            .code();
        let known = ["cose.", "cbor.", "limits.", "signature.", "compression."];
        assert!(known.iter().any(|k| code.starts_with(k)), "{name}: {code}");
        *refused.entry(code).or_default() += 1;
    }
    let total: usize = refused.values().sum();
    assert!(total >= 110, "only {total} COSE fields: {refused:?}");
    // Nearly all are well-formed ES256/PS256 signatures: named as such.
    assert!(
        refused.get("cose.unsupported_alg").copied().unwrap_or(0) >= 90,
        "{refused:?}"
    );
}
