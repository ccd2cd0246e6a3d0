//! Pins the worked example of SPEC.md §10: the sample health status
//! credential (`examples/credentials/health_status.json`) issued with
//! `IssuerKey::from_seed(&[0x01; 32])` as issuer "CN-SN-XA" at
//! 2026-11-25T08:00:00Z, valid for 24 hours.
//!
//! Ed25519 is deterministic, so the bytes never change. The constants below
//! also appear verbatim in SPEC.md; the last test checks that they do.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, Issuer, IssuerKey, TrustStore, TrustedKey, Verifier};
use sha2::{Digest, Sha256};

/// The code text (SPEC.md §10.5).
const EXAMPLE_TEXT: &str = "QC1:RRQT 9P60GO0JS6W/18.N9:V8CKQI7FN0*ND69TWY0%NDM+I/E7V50R30G90+70DCT PHG0DJEM$6T+.H$UCNB80:8R8DXB961A1C91:8%73WOQ.FK/10U78RUO3KH44TP35-6U:+47+6488:R4+2H* 7NM5A7IWEBI4J/BKS.HB719MI6UCWPV+XJ6*G%BNC7GDBF9YAE2SK1OZ47  SC0";

/// The payload bytes, `Issuer::issue_bytes` (SPEC.md §10.4): an uncompressed COSE_Sign1.
const EXAMPLE_PAYLOAD_HEX: &str = "d2844da20127044834750f98bd59fcfca0583aa3041a6b07e700061a6b0695803a00010000a201a50163e78e8b0266e5b08fe6988e036457414e4704685849414f4d494e4705191cd202a101005840a1c3398a00e61d282dee8526d8368540b4248f86fb3dda2b828fa759999711a04e8df7092f92496438f9bc9c408571b8047fd778a3551ddde4be193836e3f40c";

/// The same bytes, one comment per CBOR item (SPEC.md §10.3).
const EXAMPLE_PAYLOAD_ANNOTATED: &str = concat!(
    "d2",                 // tag(18): COSE_Sign1
    "84",                 // array(4)
    "4d",                 // bstr(13): protected header
    "a2",                 //   map(2)
    "01",                 //     1 (alg)
    "27",                 //     -8 (EdDSA)
    "04",                 //     4 (kid)
    "48",                 //     bstr(8)
    "34750f98bd59fcfc",   //       SHA-256(public key)[0..8]
    "a0",                 // map(0): unprotected header
    "583a",               // bstr(58): payload, the CWT claims
    "a3",                 //   map(3)
    "04",                 //     4 (exp)
    "1a6b07e700",         //     1795680000 = 2026-11-26T08:00:00Z
    "06",                 //     6 (iat)
    "1a6b069580",         //     1795593600 = 2026-11-25T08:00:00Z
    "3a00010000",         //     -65537 (credential body)
    "a2",                 //     map(2)
    "01",                 //       1 (subject)
    "a5",                 //       map(5)
    "01",                 //         1 (family name)
    "63e78e8b",           //         "王"
    "02",                 //         2 (given name)
    "66e5b08fe6988e",     //         "小明"
    "03",                 //         3 (family name, ICAO)
    "6457414e47",         //         "WANG"
    "04",                 //         4 (given name, ICAO)
    "685849414f4d494e47", //         "XIAOMING"
    "05",                 //         5 (birth date)
    "191cd2",             //         7378 = 1990-03-15
    "02",                 //       2 (health status)
    "a1",                 //       map(1)
    "01",                 //         1 (colour)
    "00",                 //         0 (green)
    "5840",               // bstr(64): Ed25519 signature
    "a1c3398a00e61d282dee8526d8368540b4248f86fb3dda2b828fa759999711a0",
    "4e8df7092f92496438f9bc9c408571b8047fd778a3551ddde4be193836e3f40c",
);

/// The Sig_structure the signature covers (SPEC.md §10.2).
const EXAMPLE_SIG_STRUCTURE_HEX: &str = concat!(
    "84",                                           // array(4)
    "6a5369676e617475726531",                       // "Signature1"
    "4d",                                           // bstr(13): protected header as received
    "a20127044834750f98bd59fcfc",                   //   {1: -8, 4: h'34750f98bd59fcfc'}
    "4e",                                           // bstr(14): external_aad
    "71726372656420636f6465207631",                 //   "qrcred code v1"
    "583a",                                         // bstr(58): payload
    "a3041a6b07e700061a6b0695803a00010000a201a501", //   the claims of §10.1 ...
    "63e78e8b0266e5b08fe6988e036457414e4704685849414f4d494e4705191cd202a10100",
);

fn example_credential() -> Credential {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/credentials/health_status.json");
    let json = std::fs::read_to_string(path).expect("sample credential");
    serde_json::from_str(&json).expect("sample parses")
}

fn example_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

fn example_issuer() -> Issuer {
    Issuer::new(IssuerKey::from_seed(&[0x01; 32]), "CN-SN-XA")
}

#[test]
fn issues_the_exact_bytes_and_text() {
    let issuer = example_issuer();
    let credential = example_credential();
    let payload = issuer
        .issue_bytes(&credential, TimeDelta::hours(24), example_now())
        .expect("issues bytes");
    assert_eq!(hex::encode(&payload), EXAMPLE_PAYLOAD_HEX);
    assert_eq!(EXAMPLE_PAYLOAD_ANNOTATED, EXAMPLE_PAYLOAD_HEX);
    // 0xD2 first: the COSE bytes as they are, zlib was not shorter.
    assert_eq!(payload[0], 0xD2);
    assert_eq!(payload.len(), 143);

    let text = issuer
        .issue(&credential, TimeDelta::hours(24), example_now())
        .expect("issues text");
    assert_eq!(text, EXAMPLE_TEXT);
    assert_eq!(text.len(), 219);
}

#[test]
fn key_id_and_signature_follow_the_spec() {
    let key = IssuerKey::from_seed(&[0x01; 32]);
    let public = key.public_key().to_bytes();
    assert_eq!(
        hex::encode(public),
        "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
    );
    // kid = SHA-256(public key)[0..8], computed here independently.
    assert_eq!(hex::encode(&Sha256::digest(public)[..8]), "34750f98bd59fcfc");
    assert_eq!(key.kid().to_string(), "34750f98bd59fcfc");

    // The signature is the last 64 bytes and covers the Sig_structure as built by hand.
    let payload = hex::decode(EXAMPLE_PAYLOAD_HEX).expect("hex");
    let signature: [u8; 64] = payload[payload.len() - 64..].try_into().expect("64 bytes");
    let tbs = hex::decode(EXAMPLE_SIG_STRUCTURE_HEX).expect("hex");
    assert!(key.public_key().verify_strict(&tbs, &signature));
    assert_eq!(key.sign(&tbs), signature);
}

#[test]
fn verifies_with_a_trust_store() {
    let key = IssuerKey::from_seed(&[0x01; 32]);
    let trust = TrustStore::new().with(TrustedKey::new(*key.public_key(), "CN-SN-XA"));
    let verifier = Verifier::new(&trust);

    let at = example_now() + TimeDelta::hours(1);
    let verified = verifier.verify(EXAMPLE_TEXT, at).expect("verifies");
    assert_eq!(verified.credential(), &example_credential());
    assert_eq!(verified.issuer(), "CN-SN-XA");
    assert_eq!(verified.kid().to_string(), "34750f98bd59fcfc");
    assert_eq!(verified.issued_at(), example_now());
    assert_eq!(verified.valid_from(), example_now());
    assert_eq!(verified.expires_at(), example_now() + TimeDelta::hours(24));
    assert_eq!(verified.cti(), None);

    let payload = hex::decode(EXAMPLE_PAYLOAD_HEX).expect("hex");
    assert_eq!(verifier.verify_bytes(&payload, at).expect("verifies"), verified);

    // The time rules of SPEC.md §8.3, each on a verifier that has seen nothing yet.
    let exp = example_now() + TimeDelta::hours(24);
    let code = |t| {
        Verifier::new(&trust)
            .verify(EXAMPLE_TEXT, t)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    assert_eq!(code(exp - TimeDelta::seconds(1)), Ok(()));
    assert_eq!(code(exp), Err("time.expired"));
    assert_eq!(code(example_now() - TimeDelta::seconds(300)), Ok(()));
    assert_eq!(code(example_now() - TimeDelta::seconds(301)), Err("time.not_yet_valid"));
    // The verifier above accepted the code (iat = example_now): a clock
    // later set back further than the skew is caught first.
    let set_back = verifier.verify(EXAMPLE_TEXT, example_now() - TimeDelta::seconds(301));
    assert_eq!(set_back.map(|_| ()).map_err(|e| e.code()), Err("time.clock_behind"));
}

#[test]
fn spec_quotes_the_pinned_constants() {
    let spec = include_str!("../SPEC.md");
    for constant in [EXAMPLE_TEXT, EXAMPLE_PAYLOAD_HEX] {
        assert!(spec.contains(constant), "SPEC.md does not quote {constant}");
    }
}
