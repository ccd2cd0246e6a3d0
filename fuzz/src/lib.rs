//! The fixed world the fuzz targets and the seed generator share: one
//! issuer key from a fixed seed, its trust store, a fixed `now`, and the
//! root key the bundle target trusts.

use std::sync::LazyLock;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{IssuerKey, PREFIX, TrustState, TrustStore, TrustedKey, Verifier, layers};

/// What a code issued again from `verified` must verify to: every fact the
/// same, and the revocation id too when it is the `cti`'s. Without a `cti`
/// the id is the signature's (SPEC §12.3), and issuing again signs other
/// bytes (the claims are written deterministically, not as received).
pub fn same_facts(again: &qrcred::Verified, verified: &qrcred::Verified) -> bool {
    let facts = |v: &qrcred::Verified| {
        (
            v.credential().clone(),
            v.issuer().to_owned(),
            v.issuer_name().map(str::to_owned),
            v.warnings().to_vec(),
            v.kid(),
            (v.issued_at(), v.valid_from(), v.expires_at()),
            v.cti(),
        )
    };
    facts(again) == facts(verified) && (verified.cti().is_none() || again.revocation_id() == verified.revocation_id())
}

/// Seed of the fuzz issuer's Ed25519 key.
pub const KEY_SEED: [u8; 32] = [0x5A; 32];

/// The issuer id the trust store gives the fuzz key.
pub const ISSUER: &str = "CN-FUZZ";

/// The scanner's clock: 2026-11-25T08:00:00Z.
pub fn now() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + TimeDelta::seconds(1_795_593_600)
}

/// When the seed codes were issued: an hour before [`now`], so that every
/// seed (validity 24 h) verifies at [`now`].
pub fn issued_at() -> DateTime<Utc> {
    now() - TimeDelta::hours(1)
}

/// The fuzz issuer's signing key.
pub fn issuer_key() -> IssuerKey {
    IssuerKey::from_seed(&KEY_SEED)
}

/// A verifier that trusts only the fuzz key, for every kind and any `iat`.
pub fn verifier() -> Verifier<TrustStore> {
    let public = *issuer_key().public_key();
    Verifier::new(TrustStore::new().with(TrustedKey::new(public, ISSUER)))
}

/// Seed of the root key the bundle target trusts: the test vectors'
/// `root-a` (`SHA-256("qrcred test vector key: root-a")`, see
/// test-vectors/README.md), so that the vector bundles, which are its seeds,
/// pass the signature check.
pub const BUNDLE_ROOT_SEED: [u8; 32] = [
    0x0b, 0xb0, 0xe2, 0x01, 0xf2, 0x14, 0x2b, 0x16, 0xad, 0x31, 0xb6, 0xf4, 0xb8, 0x01, 0xb7, 0x4e, 0xfe, 0x51, 0x4d,
    0x65, 0xbf, 0x5d, 0x81, 0x57, 0xb4, 0x0e, 0xc4, 0x7e, 0xeb, 0xad, 0x02, 0x56,
];

/// The root key the bundle target trusts.
pub fn bundle_root() -> IssuerKey {
    IssuerKey::from_seed(&BUNDLE_ROOT_SEED)
}

/// A scanner's fresh trust state pinning [`bundle_root`], nothing loaded.
pub fn bundle_state() -> TrustState {
    TrustState::new(&[*bundle_root().public_key()])
}

/// The payload of a bundle file in the layout this library writes (SPEC
/// §4.1, §12.1): `d2 84 4d a2 01 27 04 48 <kid> a0`, the payload byte
/// string, then a 64-byte signature and nothing more. `None` for any
/// other layout.
pub fn bundle_payload(file: &[u8]) -> Option<&[u8]> {
    let header = [0xD2, 0x84, 0x4D, 0xA2, 0x01, 0x27, 0x04, 0x48];
    if file.get(..8)? != header || *file.get(16)? != 0xA0 {
        return None;
    }
    let rest = file.get(17..)?;
    let (len, skip): (usize, usize) = match *rest.first()? {
        n @ 0x40..=0x57 => (usize::from(n - 0x40), 1),
        0x58 => (usize::from(*rest.get(1)?), 2),
        0x59 => (usize::from(u16::from_be_bytes([*rest.get(1)?, *rest.get(2)?])), 3),
        0x5A => (
            usize::try_from(u32::from_be_bytes(rest.get(1..5)?.try_into().ok()?)).ok()?,
            5,
        ),
        _ => return None,
    };
    let payload = rest.get(skip..skip.checked_add(len)?)?;
    let signature = rest.get(skip + len..)?;
    (signature.len() == 66 && signature[..2] == [0x58, 0x40]).then_some(payload)
}

/// A code for arbitrary claims bytes, signed with the fuzz key: the
/// COSE_Sign1 written byte by byte as SPEC §4.1 lays it out, signed over the
/// Sig_structure of SPEC §4.4. With it the verifier target reaches the
/// checks behind the signature with mutated claims, which a mutated code
/// text never does (any change breaks its signature).
pub fn sign_claims(claims: &[u8]) -> String {
    static KEY: LazyLock<IssuerKey> = LazyLock::new(issuer_key);
    let key = &*KEY;
    let mut protected = vec![0xA2, 0x01, 0x27, 0x04, 0x48]; // {1: -8, 4: h'<kid>'}
    protected.extend_from_slice(&key.kid().0);
    let mut to_sign = vec![0x84, 0x6A]; // ["Signature1", protected, external_aad, payload]
    to_sign.extend_from_slice(b"Signature1");
    push_bstr(&mut to_sign, &protected);
    push_bstr(&mut to_sign, layers::Document::Code.external_aad());
    push_bstr(&mut to_sign, claims);
    let mut cose = vec![0xD2, 0x84]; // tag 18, array(4)
    push_bstr(&mut cose, &protected);
    cose.push(0xA0); // empty unprotected header
    push_bstr(&mut cose, claims);
    push_bstr(&mut cose, &key.sign(&to_sign));
    format!("{PREFIX}{}", layers::base45_encode(&cose))
}

/// Appends a CBOR byte string with a shortest-form length (up to 64 KiB).
fn push_bstr(out: &mut Vec<u8>, bytes: &[u8]) {
    match u16::try_from(bytes.len()) {
        Ok(n @ 0..=23) => out.push(0x40 | n as u8),
        Ok(n @ 24..=255) => out.extend_from_slice(&[0x58, n as u8]),
        Ok(n) => {
            out.push(0x59);
            out.extend_from_slice(&n.to_be_bytes());
        }
        Err(_) => panic!("fuzz inputs are shorter than 64 KiB"),
    }
    out.extend_from_slice(bytes);
}

/// The credentials the rules target decides for, verified at [`now`]: one
/// person's health statuses (green, yellow, red), tests (a negative
/// nucleic-acid test sampled 30 hours ago, a positive rapid antigen test),
/// a complete vaccination 100 days ago, a recovery, an access pass for
/// `XA-0001`, and another person's green status.
pub fn rules_credentials() -> Vec<qrcred::Verified> {
    use qrcred::{
        AccessPass, BirthDate, Colour, Credential, CredentialBody, Disease, HealthStatus, Recovery, Role, Subject,
        TestOutcome, TestResult, TestType, Vaccination, VaccineProduct,
    };
    let birth = BirthDate::parse("1990-03-15").expect("a birth date");
    let person = Subject::new("王", "小明", birth);
    let day = |days: i64| (now() - TimeDelta::days(days)).date_naive();
    let status = |colour| CredentialBody::HealthStatus(HealthStatus { colour, reason: None });
    let test = |test_type, result, hours| {
        CredentialBody::TestResult(TestResult {
            disease: Disease::Covid19,
            test_type,
            result,
            sampled_at: now() - TimeDelta::hours(hours),
            facility: None,
            country: "CN".into(),
        })
    };
    let bodies = [
        status(Colour::Green),
        status(Colour::Yellow),
        status(Colour::Red),
        test(TestType::NucleicAcid, TestOutcome::Negative, 30),
        test(TestType::RapidAntigen, TestOutcome::Positive, 2),
        CredentialBody::Vaccination(Vaccination {
            disease: Disease::Covid19,
            product: VaccineProduct::CoronaVac,
            manufacturer: None,
            dose: 2,
            series_total: 2,
            date: day(100),
            country: "CN".into(),
            centre: None,
        }),
        CredentialBody::Recovery(Recovery {
            disease: Disease::Covid19,
            first_positive: day(20),
            valid_from: day(9),
            valid_until: day(-170),
            country: "CN".into(),
        }),
        CredentialBody::AccessPass(AccessPass {
            site: "XA-0001".into(),
            unit: None,
            role: Role::Resident,
        }),
    ];
    let mut credentials: Vec<Credential> = bodies
        .into_iter()
        .map(|body| Credential {
            subject: person.clone(),
            body,
        })
        .collect();
    credentials.push(Credential {
        subject: Subject::new("李", "雷", birth),
        body: status(Colour::Green),
    });
    let issuer = qrcred::Issuer::new(issuer_key(), ISSUER);
    credentials
        .iter()
        .map(|c| {
            let validity = c
                .kind()
                .max_validity_hours()
                .map_or(TimeDelta::days(400), |h| TimeDelta::hours(h.into()));
            let code = issuer
                .issue(c, validity, issued_at())
                .expect("the fixed credentials issue");
            verifier().verify(&code, now()).expect("the fixed credentials verify")
        })
        .collect()
}

/// The gates the rules target decides at: site `XA-0001` at [`now`], and
/// no site a day later.
pub fn rules_gates() -> Vec<qrcred::Gate> {
    vec![
        qrcred::Gate {
            site: Some("XA-0001".into()),
            now: now(),
        },
        qrcred::Gate {
            site: None,
            now: now() + TimeDelta::days(1),
        },
    ]
}
