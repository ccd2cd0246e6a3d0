//! Document Signer Certificates: the X.509 certificates whose keys sign
//! `HC1:` codes (their kid, validity window, extended key usage and key).

use alloc::{string::String, vec::Vec};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::der::{Decode, DecodePem, Encode, Tag, Tagged, asn1::Any};
use x509_cert::spki::ObjectIdentifier;

use super::sig::DscKey;
use crate::error::{HcertError, Result};
use crate::keys::Kid;
use crate::model::Kind;
use crate::trust::KeyState;

/// The largest certificate read, in bytes of DER (real DSCs are 0.5–2 KiB).
pub const MAX_DSC_LEN: usize = 16 * 1024;

const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const COUNTRY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// The extended key usage OIDs that restrict a DSC to some certificate
/// kinds (HCERT specification §5.4), both the arcs in use.
const USAGES: [(&str, Kind); 6] = [
    ("1.3.6.1.4.1.1847.2021.1.1", Kind::TestResult),
    ("1.3.6.1.4.1.1847.2021.1.2", Kind::Vaccination),
    ("1.3.6.1.4.1.1847.2021.1.3", Kind::Recovery),
    ("1.3.6.1.4.1.0.1847.2021.1.1", Kind::TestResult),
    ("1.3.6.1.4.1.0.1847.2021.1.2", Kind::Vaccination),
    ("1.3.6.1.4.1.0.1847.2021.1.3", Kind::Recovery),
];

/// A Document Signer Certificate, read and checked.
#[derive(Clone, PartialEq, Eq)]
pub struct Dsc {
    der: Vec<u8>,
    kid: Kid,
    key: DscKey,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    /// `None`: no HCERT usage OID, so every kind is allowed.
    usage: Option<Vec<Kind>>,
    country: Option<String>,
    common_name: Option<String>,
    state: KeyState,
}

impl core::fmt::Debug for Dsc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dsc")
            .field("kid", &self.kid)
            .field("country", &self.country)
            .field("common_name", &self.common_name)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("usage", &self.usage)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

fn invalid(reason: &'static str) -> crate::error::Error {
    HcertError::Certificate { reason }.into()
}

impl Dsc {
    /// Reads a certificate from DER.
    pub fn from_der(der: &[u8]) -> Result<Dsc> {
        if der.len() > MAX_DSC_LEN {
            return Err(invalid("it is larger than 16 KiB"));
        }
        let cert = Certificate::from_der(der).map_err(|_| invalid("it is not an X.509 certificate in DER"))?;
        Dsc::from_certificate(&cert, der)
    }

    /// Reads every certificate of a PEM text (`-----BEGIN CERTIFICATE-----`
    /// blocks); at least one.
    pub fn from_pem(pem: &str) -> Result<Vec<Dsc>> {
        if pem.len() > 64 * MAX_DSC_LEN {
            return Err(invalid("the PEM text is larger than 1 MiB"));
        }
        // Block by block (x509-cert's `load_pem_chain` panics on an empty text).
        const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
        const END: &str = "-----END CERTIFICATE-----";
        let mut dscs = Vec::new();
        let mut rest = pem;
        while let Some(start) = rest.find(BEGIN) {
            let block = &rest[start..];
            let end = block.find(END).ok_or_else(|| invalid("a PEM block has no END line"))? + END.len();
            let cert =
                Certificate::from_pem(&block[..end]).map_err(|_| invalid("a PEM block is not an X.509 certificate"))?;
            let der = cert.to_der().map_err(|_| invalid("it cannot be encoded as DER"))?;
            dscs.push(Dsc::from_der(&der)?);
            rest = &block[end..];
        }
        if dscs.is_empty() {
            return Err(invalid("the text holds no PEM certificate"));
        }
        Ok(dscs)
    }

    /// Reads certificates from a file's bytes: DER, or PEM text.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Vec<Dsc>> {
        match bytes.first() {
            Some(0x30) => Ok(alloc::vec![Dsc::from_der(bytes)?]),
            _ => {
                let text = core::str::from_utf8(bytes).map_err(|_| invalid("it is neither DER nor PEM text"))?;
                Dsc::from_pem(text)
            }
        }
    }

    fn from_certificate(cert: &Certificate, der: &[u8]) -> Result<Dsc> {
        let tbs = &cert.tbs_certificate;
        let time = |t: &x509_cert::time::Time| {
            let secs = i64::try_from(t.to_unix_duration().as_secs())
                .map_err(|_| invalid("a validity date is out of range"))?;
            DateTime::<Utc>::from_timestamp(secs, 0).ok_or_else(|| invalid("a validity date is out of range"))
        };
        let not_before = time(&tbs.validity.not_before)?;
        let not_after = time(&tbs.validity.not_after)?;
        let spki = &tbs.subject_public_key_info;
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| invalid("the public key is not whole bytes"))?
            .to_vec();
        let key = match spki.algorithm.oid {
            EC_PUBLIC_KEY => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
                if curve != Some(P256) {
                    return Err(HcertError::UnsupportedKey.into());
                }
                DscKey::P256(key_bytes)
            }
            RSA_ENCRYPTION | RSASSA_PSS => DscKey::Rsa(key_bytes),
            _ => return Err(HcertError::UnsupportedKey.into()),
        };
        let mut usage: Option<Vec<Kind>> = None;
        for ext in tbs.extensions.iter().flatten() {
            if ext.extn_id != EXT_KEY_USAGE {
                continue;
            }
            let eku = x509_cert::ext::pkix::ExtendedKeyUsage::from_der(ext.extn_value.as_bytes())
                .map_err(|_| invalid("its extended key usage cannot be read"))?;
            for oid in &eku.0 {
                for (text, kind) in USAGES {
                    if ObjectIdentifier::new(text).is_ok_and(|u| u == *oid) {
                        let kinds = usage.get_or_insert_with(Vec::new);
                        if !kinds.contains(&kind) {
                            kinds.push(kind);
                        }
                    }
                }
            }
        }
        let mut country = None;
        let mut common_name = None;
        for rdn in &tbs.subject.0 {
            for atv in rdn.0.iter() {
                if atv.oid == COUNTRY_NAME {
                    country = directory_string(&atv.value);
                } else if atv.oid == COMMON_NAME {
                    common_name = directory_string(&atv.value);
                }
            }
        }
        let digest = Sha256::digest(der);
        let mut kid = [0u8; 8];
        kid.copy_from_slice(&digest[..8]);
        Ok(Dsc {
            der: der.to_vec(),
            kid: Kid(kid),
            key,
            not_before,
            not_after,
            usage,
            country,
            common_name,
            state: KeyState::Active,
        })
    }

    /// The certificate in another state (a trust bundle's retirement or
    /// revocation of it; SPEC.md §14.4).
    pub fn with_state(mut self, state: KeyState) -> Dsc {
        self.state = state;
        self
    }

    /// Its state: active unless a trust bundle retired or revoked it.
    pub fn state(&self) -> KeyState {
        self.state
    }

    /// The kid: the first 8 bytes of the SHA-256 of the DER.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The certificate's DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate as PEM text: one `CERTIFICATE` block, base64 in lines
    /// of 64 characters, `\n` line endings (RFC 7468), as
    /// [`from_file_bytes`](Self::from_file_bytes) and the bindings' `dscs`
    /// option read it.
    ///
    /// ```
    /// # fn main() -> qrcred::Result<()> {
    /// # let path = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/third-party/dgc-testdata/AT/2DCode/raw/1.json");
    /// # let case: serde_json::Value = serde_json::from_slice(&std::fs::read(path).expect("EU test file")).expect("json");
    /// # let der = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, case["TESTCTX"]["CERTIFICATE"].as_str().expect("cert")).expect("base64");
    /// let dsc = qrcred::hcert::Dsc::from_der(&der)?;
    /// let pem = dsc.to_pem();
    /// assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    /// assert_eq!(qrcred::hcert::Dsc::from_file_bytes(pem.as_bytes())?, vec![dsc]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn to_pem(&self) -> String {
        x509_cert::der::pem::encode_string("CERTIFICATE", x509_cert::der::pem::LineEnding::LF, &self.der)
            .expect("a certificate of at most MAX_DSC_LEN bytes encodes")
    }

    /// Start of the validity window.
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// End of the validity window.
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// The subject's country (`C`), when given.
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// The subject's common name (`CN`), when given.
    pub fn common_name(&self) -> Option<&str> {
        self.common_name.as_deref()
    }

    /// The kinds its extended key usage restricts it to; `None` when it
    /// carries none of the HCERT usage OIDs (every kind allowed).
    pub fn usage(&self) -> Option<&[Kind]> {
        self.usage.as_deref()
    }

    /// Whether the certificate may sign a certificate of `kind`.
    pub fn permits(&self, kind: Kind) -> bool {
        self.usage.as_ref().is_none_or(|kinds| kinds.contains(&kind))
    }

    /// The signature algorithm of its key.
    pub fn alg(&self) -> super::Alg {
        self.key.alg()
    }

    /// Whether `signature` over `message` verifies under this key with `alg`.
    pub(crate) fn verifies(&self, alg: super::Alg, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify(alg, message, signature)
    }
}

/// A name attribute's text (UTF8String, PrintableString or IA5String).
fn directory_string(value: &Any) -> Option<String> {
    matches!(value.tag(), Tag::Utf8String | Tag::PrintableString | Tag::Ia5String)
        .then(|| core::str::from_utf8(value.value()).ok().map(String::from))
        .flatten()
}
