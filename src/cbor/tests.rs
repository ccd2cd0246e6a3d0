//! Byte-level tests of the strict decoder and deterministic encoder.

use super::*;
use crate::error::{CborError, LimitsError};

fn dec(hex_str: &str) -> Result<Value> {
    decode(&hex::decode(hex_str).expect("hex"), &Limits::DEFAULT)
}

fn code(hex_str: &str) -> &'static str {
    dec(hex_str).expect_err("must be refused").code()
}

#[test]
fn accepts_shortest_forms() {
    assert_eq!(dec("17").ok(), Some(Value::Integer(23.into())));
    assert_eq!(dec("1818").ok(), Some(Value::Integer(24.into())));
    assert_eq!(dec("190100").ok(), Some(Value::Integer(256.into())));
    assert_eq!(dec("3a00010000").ok(), Some(Value::Integer((-65537).into())));
    assert_eq!(dec("f6").ok(), Some(Value::Null));
    // {1: h'01', "a": [true]}
    let v = dec("a2014101616181f5").expect("map");
    assert!(matches!(v, Value::Map(ref m) if m.len() == 2));
}

#[test]
fn accepts_unsorted_but_unique_keys() {
    // {2: 0, 1: 0}
    assert!(dec("a202000100").is_ok());
}

#[test]
fn refuses_each_defect_with_its_code() {
    let cases = [
        ("1817", "cbor.non_shortest"),                // 23 in one extra byte
        ("190017", "cbor.non_shortest"),              // 23 in two extra bytes
        ("1a0000ffff", "cbor.non_shortest"),          // 65535 in four bytes
        ("1b00000000ffffffff", "cbor.non_shortest"),  // u32::MAX in eight bytes
        ("5f4101ff", "cbor.indefinite_length"),       // indefinite bstr
        ("9fff", "cbor.indefinite_length"),           // indefinite array
        ("bfff", "cbor.indefinite_length"),           // indefinite map
        ("a201000100", "cbor.duplicate_key"),         // {1: 0, 1: 0}
        ("0000", "cbor.trailing_bytes"),              // two items
        ("19", "cbor.truncated"),                     // argument cut off
        ("82010203", "cbor.trailing_bytes"),          // [1, 2] then 3
        ("62c328", "cbor.invalid_utf8"),              // bad UTF-8
        ("f97e00", "cbor.unsupported"),               // half float NaN
        ("f7", "cbor.unsupported"),                   // undefined
        ("1c", "cbor.malformed"),                     // reserved info 28
        ("ff", "cbor.malformed"),                     // stray break
        ("5a00010000", "limits.cbor_length"),         // bstr longer than input
        ("5b0000000100000000", "limits.cbor_length"), // 4 GiB bstr
        ("9b0000000100000000", "limits.cbor_length"), // 4 Gi items
    ];
    for (input, expected) in cases {
        assert_eq!(code(input), expected, "input {input}");
    }
}

#[test]
fn bounds_depth_and_item_count() {
    let deep = "81".repeat(17) + "00";
    assert_eq!(
        dec(&deep).expect_err("too deep"),
        Error::from(LimitsError::CborTooDeep { max: 16 })
    );
    assert!(dec(&("81".repeat(16) + "00")).is_ok());
    let limits = Limits::DEFAULT.with_max_cbor_items(3);
    let bytes = hex::decode("83010203").expect("hex");
    assert_eq!(
        decode(&bytes, &limits).expect_err("too many"),
        Error::from(LimitsError::CborTooManyItems { max: 3 })
    );
    let deep_10k = alloc::vec![0x81u8; 10_000];
    assert_eq!(
        decode(&deep_10k, &Limits::DEFAULT).expect_err("bounded").code(),
        "limits.cbor_too_deep"
    );
}

#[test]
fn map_sorts_by_encoded_key() {
    let v = map(alloc::vec![
        (Value::Integer((-65537).into()), Value::Null),
        (Value::Integer(6.into()), Value::Null),
        (Value::Integer(1.into()), Value::Null),
        (Value::Integer((-1).into()), Value::Null),
    ])
    .expect("map");
    // {1: null, 6: null, -1: null, -65537: null}
    assert_eq!(hex::encode(encode(&v).expect("encode")), "a401f606f620f63a00010000f6");
    assert_eq!(CborError::Truncated.code(), "cbor.truncated");
}

#[test]
fn integer_sort_keys_are_their_encodings() {
    for n in [
        0i128,
        1,
        23,
        24,
        255,
        256,
        65_535,
        65_536,
        4_294_967_295,
        4_294_967_296,
        -1,
        -24,
        -25,
        -256,
        -257,
        -65_537,
        i128::from(u64::MAX),
        -1 - i128::from(u64::MAX),
    ] {
        let key = Value::Integer(ciborium::value::Integer::try_from(n).expect("fits"));
        let sort_key = super::SortKey::of(&key).expect("key");
        assert_eq!(
            sort_key.as_slice(),
            super::encode(&key).expect("encodes").as_slice(),
            "{n}"
        );
    }
}

#[cfg(feature = "hcert")]
mod lenient {
    use super::*;

    fn dec(hex_str: &str) -> Result<Value> {
        decode_lenient(&hex::decode(hex_str.replace(' ', "")).expect("hex"), &Limits::DEFAULT)
    }

    #[test]
    fn reads_what_other_encoders_write() {
        // Indefinite map {_ "a": 1}, indefinite array, chunked strings.
        assert_eq!(
            dec("bf616101ff").expect("map"),
            Value::Map(vec![(Value::Text("a".into()), Value::Integer(1.into()))])
        );
        assert_eq!(
            dec("9f0102ff").expect("array"),
            Value::Array(vec![Value::Integer(1.into()), Value::Integer(2.into())])
        );
        assert_eq!(dec("5f4101420203ff").expect("bytes"), Value::Bytes(vec![1, 2, 3]));
        assert_eq!(dec("7f616161626163ff").expect("text"), Value::Text("abc".into()));
        // Longer forms than needed, and floats (half, single, double).
        assert_eq!(dec("1817").expect("int"), Value::Integer(23.into()));
        assert_eq!(dec("f93c00").expect("half"), Value::Float(1.0));
        assert_eq!(dec("f9c400").expect("half"), Value::Float(-4.0));
        assert_eq!(dec("f90001").expect("subnormal"), Value::Float(2f64.powi(-24)));
        assert_eq!(dec("fa47c35000").expect("single"), Value::Float(100000.0));
        assert_eq!(dec("fb3ff199999999999a").expect("double"), Value::Float(1.1));
        // Every NaN reads as the one quiet NaN (so two NaN keys are duplicates).
        for nan in ["f97e00", "f97c01", "fa7fc00001", "fbfffffff000000000"] {
            let Value::Float(f) = dec(nan).expect("nan") else {
                panic!("a float")
            };
            assert_eq!(f.to_bits(), f64::NAN.to_bits(), "{nan}");
        }
        assert_eq!(
            dec("a2f97e0000fb7ff800000000000100").expect_err("dup").code(),
            "cbor.duplicate_key"
        );
        // Keys other than integers and texts compare by their encoding: one
        // byte string whole and in chunks is one key, two byte strings two.
        assert_eq!(
            dec("a2410100 5f4101ff00").expect_err("dup").code(),
            "cbor.duplicate_key"
        );
        assert_eq!(
            dec("a3410100 4102 00 80 00").expect("distinct").as_map().map(Vec::len),
            Some(3)
        );
        // The same input is refused by the strict reader.
        assert_eq!(code("bf616101ff"), "cbor.indefinite_length");
    }

    #[test]
    fn keeps_every_bound_and_refusal() {
        let cases = [
            ("bf6161", "cbor.truncated"),             // no break
            ("5f4101", "cbor.truncated"),             // chunks with no break
            ("5f6161ff", "cbor.malformed"),           // text chunk in a byte string
            ("5f5f4101ffff", "cbor.malformed"),       // nested indefinite chunk
            ("ff", "cbor.malformed"),                 // stray break
            ("bf01000100ff", "cbor.duplicate_key"),   // duplicate key, indefinite map
            ("7f62c328ff", "cbor.invalid_utf8"),      // invalid UTF-8 across chunks
            ("f7", "cbor.unsupported"),               // undefined
            ("5f5a7fffffffff", "limits.cbor_length"), // a chunk longer than the input
        ];
        for (input, expected) in cases {
            let err = dec(input).expect_err(input);
            assert_eq!(err.code(), expected, "{input}");
        }
        // Depth: 17 nested indefinite arrays against the default 16.
        let deep = format!("{}{}", "9f".repeat(17), "ff".repeat(17));
        assert_eq!(dec(&deep).expect_err("deep").code(), "limits.cbor_too_deep");
        // Items: an indefinite array of 600 zeros against the default 512.
        let many = format!("9f{}ff", "00".repeat(600));
        assert_eq!(dec(&many).expect_err("many").code(), "limits.cbor_too_many_items");
    }
}
