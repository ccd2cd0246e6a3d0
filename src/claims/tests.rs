//! Claims encoding: deterministic bytes and strict decoding.

use super::*;
use crate::model::{BirthDate, Colour, CredentialBody, HealthStatus, Subject};

fn status_claims() -> Claims {
    Claims {
        iss: None,
        iat: 1_764_057_600,
        exp: 1_764_144_000,
        nbf: None,
        cti: None,
        credential: Credential {
            subject: Subject::new("王", "小明", BirthDate::parse("1990-03-15").expect("date"))
                .with_icao("WANG", "XIAOMING"),
            body: CredentialBody::HealthStatus(HealthStatus {
                colour: Colour::Green,
                reason: None,
            }),
        },
    }
}

#[test]
fn annotated_bytes() {
    let bytes = encode(&status_claims()).expect("encode");
    let expected = concat!(
        "a3", // map(3)
        "04",
        "1a6926b380", // exp: 1764144000 (2025-11-26T08:00:00Z)
        "06",
        "1a69256200", // iat: 1764057600 (2025-11-25T08:00:00Z)
        "3a00010000", // -65537: credential body
        "a2",         //   map(2)
        "01",         //   1: subject
        "a5",         //     map(5)
        "01",
        "63e78e8b", //     1: family name "王"
        "02",
        "66e5b08fe6988e", //     2: given name "小明"
        "03",
        "6457414e47", //     3: "WANG"
        "04",
        "685849414f4d494e47", // 4: "XIAOMING"
        "05",
        "191cd2", //     5: birth date 1990-03-15 = day 7378 since 1970-01-01
        "02",     //   2: health status
        "a1",
        "0100", //     {1: green}
    );
    assert_eq!(hex::encode(&bytes), expected);
    assert_eq!(decode(&bytes, &Limits::DEFAULT).expect("decode"), status_claims());
}

#[test]
fn nbf_only_when_it_differs() {
    let mut c = status_claims();
    c.nbf = Some(c.iat);
    let same = encode(&c).expect("encode");
    assert_eq!(same, encode(&status_claims()).expect("encode"));
    c.nbf = Some(c.iat + 60);
    let later = encode(&c).expect("encode");
    assert_eq!(decode(&later, &Limits::DEFAULT).expect("decode").nbf, Some(c.iat + 60));
}

#[test]
fn nbf_equal_to_iat_decodes_as_absent() {
    // Found by the claims fuzz target (fuzz/regressions/claims/nbf_equals_iat):
    // decoded with `nbf: Some(iat)`, re-encoded without it, decoded again as
    // `None`, so the claims changed in a round trip.
    let bytes = hex::decode(concat!(
        "a4", // map(4)
        "04",
        "1a6926b380", // exp
        "05",
        "1a69256200", // nbf = iat
        "06",
        "1a69256200", // iat
        "3a00010000",
        "a2",
        "01",
        "a5",
        "0163e78e8b",
        "0266e5b08fe6988e",
        "036457414e47",
        "04685849414f4d494e47",
        "05191cd2",
        "02",
        "a10100",
    ))
    .expect("hex");
    let claims = decode(&bytes, &Limits::DEFAULT).expect("a reader accepts nbf = iat");
    assert_eq!(claims, status_claims());
    assert_eq!(
        decode(&encode(&claims).expect("encode"), &Limits::DEFAULT).expect("decode"),
        claims
    );
}

#[test]
fn window_and_validity_rules() {
    let mut c = status_claims();
    c.exp = c.iat;
    assert_eq!(encode(&c).expect_err("window").code(), "claims.invalid_window");
    c.exp = c.iat + 73 * 3600;
    assert_eq!(encode(&c).expect_err("too long").code(), "claims.validity_too_long");
}

#[test]
fn strict_decoding_of_fields() {
    let l = Limits::DEFAULT;
    // {4: 2, 6: 1} and no body.
    let missing = hex::decode("a204020601").expect("hex");
    assert_eq!(decode(&missing, &l).expect_err("missing").code(), "claims.missing");
    // An unknown claim 8.
    let unknown = hex::decode("a10800").expect("hex");
    assert_eq!(
        decode(&unknown, &l).expect_err("unknown").code(),
        "claims.unknown_field"
    );
    // exp as text.
    let wrong = hex::decode("a1046131").expect("hex");
    assert_eq!(decode(&wrong, &l).expect_err("type").code(), "claims.wrong_type");
    // Not a map.
    assert_eq!(decode(&[0x80], &l).expect_err("array").code(), "claims.not_a_map");
}

#[test]
fn times_and_iss_are_bounded() {
    let l = Limits::DEFAULT;
    // nbf before iat.
    let mut c = status_claims();
    c.nbf = Some(c.iat - 1);
    assert_eq!(encode(&c).expect_err("nbf").code(), "claims.invalid_window");
    // exp beyond 32 bits: {4: 2^32, 6: 1}.
    let wide = hex::decode("a2041b00000001000000000601").expect("hex");
    assert_eq!(
        decode(&wide, &l).expect_err("wide"),
        ClaimsError::InvalidValue { field: "exp" }.into()
    );
    // An empty or overlong iss.
    c = status_claims();
    c.iss = Some(String::new());
    assert_eq!(encode(&c).expect_err("iss").code(), "claims.invalid_value");
    c.iss = Some("x".repeat(81));
    assert_eq!(encode(&c).expect_err("iss").code(), "limits.field_too_long");
}

#[test]
fn birth_date_of_the_wrong_type() {
    let mut bytes = encode(&status_claims()).expect("encode");
    // Replace the birth date 19 1c d2 (uint) by 43 00 00 00 (a 3-byte bstr).
    let at = bytes
        .windows(3)
        .position(|w| w == [0x19, 0x1c, 0xd2])
        .expect("birth date");
    bytes.splice(at..at + 3, [0x43, 0, 0, 0]);
    assert_eq!(
        decode(&bytes, &Limits::DEFAULT).expect_err("type"),
        ClaimsError::WrongType {
            field: "subject.birth_date"
        }
        .into()
    );
}

#[test]
fn splicing_the_cti_equals_encoding_with_it() {
    for (iss, later) in [
        (None, false),
        (Some("CN-SN-XA"), false),
        (None, true),
        (Some("x"), true),
    ] {
        let mut claims = status_claims();
        claims.iss = iss.map(String::from);
        let nbf = later.then_some(claims.iat + 60);
        claims.nbf = nbf;
        let mut seen = Vec::new();
        let (spliced, cti) = encode_with_cti(&claims, |without| {
            seen = without.to_vec();
            [0xC7; 8]
        })
        .expect("encodes");
        assert_eq!(
            seen,
            encode(&claims).expect("encodes"),
            "the input to derive is the plain encoding"
        );
        claims.cti = Some(cti);
        assert_eq!(spliced, encode(&claims).expect("encodes"), "{iss:?} {nbf:?}");
    }
}
