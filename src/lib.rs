//! # qrcred: offline-verifiable signed credentials in QR codes
//!
//! An issuer signs the facts about a person (a health status colour, a
//! vaccination, a test result, a recovery, a site access pass) as compact
//! CBOR with Ed25519 and packs them into a short text for a QR code. Any
//! scanner verifies that text locally, against public keys it already
//! holds: no server is asked, so no outage stops a door and no scan tells
//! anyone where a person went.
//!
//! ```text
//! Credential ⇄ CWT claims (CBOR) ⇄ COSE_Sign1 (Ed25519) ⇄ zlib ⇄ Base45 ⇄ "QC1:" text
//! ```
//!
//! The core is sans-IO: the current time is always a parameter, and nothing
//! here reads files, clocks or the network. SPEC.md is the byte-level contract.
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use qrcred::{
//!     BirthDate, Colour, Credential, CredentialBody, HealthStatus, Issuer, IssuerKey, Subject,
//!     TrustStore, TrustedKey, Verifier,
//! };
//!
//! // Issuer side.
//! let key = IssuerKey::from_seed(&[7; 32]);
//! let public = *key.public_key();
//! let issuer = Issuer::new(key, "CN-BJ-HC");
//! let credential = Credential {
//!     subject: Subject::new("王", "小明", BirthDate::parse("1990-03-15").unwrap())
//!         .with_icao("WANG", "XIAOMING"),
//!     body: CredentialBody::HealthStatus(HealthStatus { colour: Colour::Green, reason: None }),
//! };
//! let now = Utc.with_ymd_and_hms(2026, 11, 25, 8, 0, 0).unwrap();
//! let code = issuer.issue(&credential, TimeDelta::hours(24), now)?;
//! assert!(code.starts_with("QC1:"));
//!
//! // Scanner side: only public keys, no network.
//! let trust = TrustStore::new().with(TrustedKey::new(public, "CN-BJ-HC"));
//! let verified = Verifier::new(trust).verify(&code, now + TimeDelta::hours(1))?;
//! assert_eq!(verified.credential(), &credential);
//! assert_eq!(verified.issuer(), "CN-BJ-HC");
//!
//! // A day later the code has expired, with a stable error code.
//! let trust = TrustStore::new().with(TrustedKey::new(public, "CN-BJ-HC"));
//! let err = Verifier::new(trust).verify(&code, now + TimeDelta::hours(24)).unwrap_err();
//! assert_eq!(err.code(), "time.expired");
//! # Ok::<(), qrcred::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used))]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

mod base45;
mod bundle;
mod cbor;
mod claims;
mod compression;
mod cose;
mod ed25519;
mod error;
mod fields;
#[cfg(feature = "hcert")]
pub mod hcert;
mod issuer;
mod keys;
mod labels;
pub mod layers;
mod limits;
mod model;
mod prefix;
mod qr;
pub mod report;
mod rules;
pub mod scanner;
mod trust;
mod verifier;

// Errors and limits.
pub use error::{
    Base45Error, CborError, ClaimsError, CompressionError, CoseError, Error, HcertError, KeyError, LimitsError,
    OptionsError, PrefixError, RenderError, Result, RevokedError, RulesError, ScanError, SignatureError, TimeError,
    TrustError, UnixTime,
};
pub use limits::Limits;

// The credential model.
pub use model::{
    AccessPass, BirthDate, Colour, Credential, CredentialBody, Disease, HealthStatus, IdDigest, Kind, Manufacturer,
    Recovery, Role, StatusReason, Subject, TestOutcome, TestResult, TestType, Vaccination, VaccineProduct,
};

// Keys and trust.
pub use bundle::{BundleDraft, BundleDsc, TrustBundle, TrustState};
pub use keys::{IssuerKey, Kid, PublicKey};
pub use labels::default_label;
pub use trust::{DccHash, KeyResolver, KeyState, KindSet, RevocationId, TrustStore, TrustValidity, TrustedKey};

// Issuing and verifying.
pub use claims::CREDENTIAL_CLAIM_KEY;
pub use cose::{ALG_ED25519, ALG_EDDSA};
pub use issuer::{CtiPolicy, IssueOptions, Issuer};
pub use prefix::PREFIX;
pub use verifier::{StalePolicy, UnverifiedCode, Verified, Verifier, Warning};

// Entry decisions.
pub use rules::{
    AccessRule, Age, Decision, Gate, NameDisplay, Reason, RecoveryRule, Requirement, RuleSet, StatusRule, TestRule,
    VaccinationRule, Verdict, YellowPolicy, refused,
};

// QR images.
#[cfg(feature = "render")]
pub use qr::{EccLevel, QrCode, RenderOptions, render_png, render_svg, render_terminal};
#[cfg(feature = "scan")]
pub use qr::{scan_image, scan_luma, scan_rgba};

/// Internals exposed only to `cargo fuzz` builds (`--cfg fuzzing`), so the
/// claims decoder can be fuzzed with a round-trip oracle. Not an API.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    use alloc::vec::Vec;

    /// The round-trip oracle of the claims layer: when `bytes` decodes, the
    /// claims must encode, their deterministic re-encoding must decode to
    /// the same claims and encode to the same bytes again (panics
    /// otherwise). Returns the re-encoding.
    pub fn claims_round_trip(bytes: &[u8]) -> Option<Vec<u8>> {
        let limits = crate::Limits::DEFAULT;
        let claims = crate::claims::decode(bytes, &limits).ok()?;
        let again = crate::claims::encode(&claims).expect("decoded claims encode");
        let back = crate::claims::decode(&again, &limits).expect("encoded claims decode");
        assert_eq!(back, claims, "claims changed in a round trip");
        let third = crate::claims::encode(&back).expect("decoded claims encode");
        assert_eq!(third, again, "encoding is not deterministic");
        Some(again)
    }

    /// The round-trip oracle of the trust bundle payload decoder (unsigned
    /// contents, SPEC.md §12.2); panics when a decoded bundle does not
    /// re-encode to an equal one deterministically.
    pub fn bundle_payload_round_trip(bytes: &[u8]) -> Option<Vec<u8>> {
        crate::bundle::payload_round_trip(bytes)
    }

    /// The round-trip oracle of the rule set decoder (bundle field 9,
    /// SPEC.md §13.1): when `bytes` are a rule set in strict CBOR that
    /// passes the checks, its deterministic re-encoding must decode to the
    /// same rule set and encode to the same bytes again (panics otherwise).
    /// Returns the rule set and its re-encoding.
    pub fn rules_round_trip(bytes: &[u8]) -> Option<(crate::RuleSet, Vec<u8>)> {
        let limits = crate::Limits::DEFAULT.with_max_cbor_depth(crate::bundle::BUNDLE_CBOR_DEPTH);
        let value = crate::cbor::decode(bytes, &limits).ok()?;
        let rules = crate::rules::from_value(value).ok()?;
        let again = encode_rules(&rules);
        let value = crate::cbor::decode(&again, &limits).expect("an encoded rule set is strict CBOR");
        let back = crate::rules::from_value(value).expect("an encoded rule set decodes");
        assert_eq!(back, rules, "the rule set changed in a round trip");
        assert_eq!(encode_rules(&back), again, "rule set encoding is not deterministic");
        Some((rules, again))
    }

    /// The oracles of the `HC1:` decoders (feature `hcert`), on any bytes
    /// read as CBOR, a COSE_Sign1, a claims set, a certificate and a DSC:
    /// never a panic; well-formed CBOR re-encodes to bytes that decode and
    /// encode to the same bytes again; a certificate that reads (alone or
    /// in a claims set) goes through its JSON form to an equal certificate,
    /// and one that maps to a credential maps to a valid one. Returns
    /// whether a certificate was read.
    #[cfg(feature = "hcert")]
    pub fn hcert_round_trip(bytes: &[u8]) -> bool {
        let limits = crate::Limits::DEFAULT;
        if let Ok(value) = crate::cbor::decode_lenient(bytes, &limits)
            && let Ok(again) = crate::cbor::encode(&value)
        {
            let back = crate::cbor::decode_lenient(&again, &limits).expect("re-encoded CBOR decodes");
            let third = crate::cbor::encode(&back).expect("decoded CBOR encodes");
            assert_eq!(third, again, "lenient CBOR does not re-encode to a fixed point");
        }
        let _ = crate::hcert::Sign1::parse(bytes, &limits).map(|s| (s.kid(), s.alg()));
        let _ = crate::hcert::Dsc::from_der(bytes).map(|d| (d.kid(), d.usage().map(<[_]>::len)));
        let certificate = crate::hcert::Claims::parse(bytes, &limits)
            .map(|c| c.certificate)
            .or_else(|_| crate::hcert::HealthCertificate::from_cbor(bytes, &limits));
        let Ok(certificate) = certificate else {
            return false;
        };
        let json = serde_json::to_string(&certificate).expect("a certificate serializes");
        let back = crate::hcert::HealthCertificate::from_json(&json).expect("a certificate's JSON reads");
        assert_eq!(back, certificate, "a certificate changed through its JSON form");
        if let Ok(credential) = certificate.to_credential() {
            credential.validate().expect("a mapped credential is valid");
        }
        true
    }

    /// A rule set in deterministic CBOR, as bundle field 9 carries it.
    pub fn encode_rules(rules: &crate::RuleSet) -> Vec<u8> {
        let value = crate::rules::to_value(rules).expect("a checked rule set has a CBOR form");
        crate::cbor::encode(&value).expect("a rule set value encodes")
    }
}

/// The README's Rust example runs as a doctest, so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
