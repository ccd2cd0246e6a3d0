//! Claims bytes ⇄ COSE_Sign1 (RFC 9052) with Ed25519, both directions.
//!
//! Write: tag 18, protected header `{1: -8, 4: kid}`, empty unprotected
//! header, the claims as an inline payload, a 64-byte Ed25519 signature.
//!
//! Read: the structure is decoded strictly, the protected header may hold
//! only `alg` (-8 EdDSA or -19 Ed25519) and an 8-byte `kid`, the
//! unprotected header must be empty. The result is an [`UnverifiedSign1`]
//! that exposes only what is needed to find the key; the payload is handed
//! out by [`UnverifiedSign1::verify_with`] once a signature has checked.

use alloc::vec::Vec;
use ciborium::value::Value;

use crate::cbor;
use crate::error::{CoseError, Result, SignatureError};
use crate::keys::{IssuerKey, Kid, PublicKey};
use crate::limits::Limits;

/// COSE algorithm EdDSA (RFC 9053).
pub const ALG_EDDSA: i64 = -8;
/// COSE algorithm Ed25519 (RFC 9864), accepted when reading.
pub const ALG_ED25519: i64 = -19;
/// CBOR tag of COSE_Sign1.
const TAG_SIGN1: u64 = 18;
/// Protected header label `alg`.
const LABEL_ALG: i64 = 1;
/// Protected header label `kid`.
const LABEL_KID: i64 = 4;

/// The kind of document a COSE_Sign1 carries. Each has its own
/// `external_aad` in the Sig_structure (SPEC.md §4.4), so a signature over
/// one kind can never be presented as the other, at no cost in length:
/// the aad is signed but never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Document {
    /// A credential code (`QC1:`): external_aad is the 14 ASCII bytes `qrcred code v1`.
    Code,
    /// A trust bundle: external_aad is the 16 ASCII bytes `qrcred bundle v1`.
    Bundle,
}

impl Document {
    /// The `external_aad` of this document kind's Sig_structure.
    pub const fn external_aad(self) -> &'static [u8] {
        match self {
            Document::Code => b"qrcred code v1",
            Document::Bundle => b"qrcred bundle v1",
        }
    }
}

/// Signs `payload` as a `document` and returns the tagged COSE_Sign1 bytes,
/// written directly in the fixed layout of SPEC.md §4.1 (the unit test
/// checks it against coset's builder).
pub(crate) fn sign(payload: Vec<u8>, key: &IssuerKey, document: Document) -> Result<Vec<u8>> {
    // {1: -8, 4: h'<kid>'}
    let mut protected = [0u8; 13];
    protected[..5].copy_from_slice(&[0xA2, 0x01, 0x27, 0x04, 0x48]);
    protected[5..].copy_from_slice(&key.kid().0);
    let signature = key.sign(&sig_structure(&protected, document, &payload));
    let mut out = Vec::with_capacity(payload.len() + 90);
    out.extend_from_slice(&[0xD2, 0x84]); // tag 18, array(4)
    bstr(&mut out, &protected);
    out.push(0xA0); // unprotected: {}
    bstr(&mut out, &payload);
    bstr(&mut out, &signature);
    Ok(out)
}

/// The Sig_structure `["Signature1", protected, external_aad, payload]`
/// (RFC 9052 §4.4), with the document kind's `external_aad`.
fn sig_structure(protected: &[u8], document: Document, payload: &[u8]) -> Vec<u8> {
    sig_structure_with_aad(protected, document.external_aad(), payload)
}

/// The Sig_structure with any `external_aad` (`HC1:` codes have none).
pub(crate) fn sig_structure_with_aad(protected: &[u8], aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(24 + protected.len() + aad.len() + payload.len());
    out.push(0x84); // array(4)
    out.push(0x6A); // text(10)
    out.extend_from_slice(b"Signature1");
    bstr(&mut out, protected);
    bstr(&mut out, aad);
    bstr(&mut out, payload);
    out
}

/// A parsed COSE_Sign1 whose signature has not been checked.
///
/// Only the algorithm and key id can be read from it; its `Debug` shows
/// those and the lengths, never the payload (unverified claims must not
/// reach a log through `{:?}`).
#[derive(Clone)]
pub struct UnverifiedSign1 {
    document: Document,
    alg: i64,
    kid: Kid,
    protected: Vec<u8>,
    payload: Vec<u8>,
    signature: [u8; 64],
}

impl core::fmt::Debug for UnverifiedSign1 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UnverifiedSign1")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("protected_len", &self.protected.len())
            .field("payload_len", &self.payload.len())
            .finish_non_exhaustive()
    }
}

impl UnverifiedSign1 {
    /// Parses tagged COSE_Sign1 bytes strictly, as a `document`: the
    /// signature will be checked over that kind's Sig_structure.
    pub(crate) fn parse(bytes: &[u8], limits: &Limits, document: Document) -> Result<Self> {
        let Value::Tag(TAG_SIGN1, inner) = cbor::decode(bytes, limits)? else {
            return Err(CoseError::NotSign1.into());
        };
        let Value::Array(items) = *inner else {
            return Err(CoseError::Malformed.into());
        };
        let [protected, unprotected, payload, signature] =
            <[Value; 4]>::try_from(items).map_err(|_| CoseError::Malformed)?;
        let (Value::Bytes(protected), Value::Map(unprotected), Value::Bytes(signature)) =
            (protected, unprotected, signature)
        else {
            return Err(CoseError::Malformed.into());
        };
        // The protected header first: an unsupported algorithm is the more
        // useful answer for a foreign code that also fills the unprotected one.
        let (alg, kid) = parse_protected(&protected, limits)?;
        if !unprotected.is_empty() {
            return Err(CoseError::UnprotectedHeader.into());
        }
        let payload = match payload {
            Value::Bytes(p) => p,
            Value::Null => return Err(CoseError::DetachedPayload.into()),
            _ => return Err(CoseError::Malformed.into()),
        };
        let signature = <[u8; 64]>::try_from(signature.as_slice()).map_err(|_| SignatureError::InvalidLength {
            length: signature.len(),
        })?;
        Ok(UnverifiedSign1 {
            document,
            alg,
            kid,
            protected,
            payload,
            signature,
        })
    }

    /// The key id from the protected header.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The algorithm from the protected header (-8 or -19).
    pub fn alg(&self) -> i64 {
        self.alg
    }

    /// The signature bytes (what a revocation by signature hash names).
    pub(crate) fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    /// The Sig_structure the signature covers, over the bytes as received:
    /// `["Signature1", protected, external_aad, payload]` (RFC 9052 §4.4)
    /// with the document kind's aad, written directly (the unit test checks
    /// it against coset's).
    pub(crate) fn to_be_signed(&self) -> Vec<u8> {
        sig_structure(&self.protected, self.document, &self.payload)
    }

    /// Tries each candidate key with `verify_strict`; hands out the payload
    /// and the keys that verified it, or `signature.invalid`.
    pub(crate) fn verify_with<K>(
        self,
        candidates: &[K],
        key_of: impl Fn(&K) -> &PublicKey,
    ) -> Result<(Vec<u8>, Vec<&K>)> {
        let tbs = self.to_be_signed();
        let verdicts: Vec<bool> = candidates
            .iter()
            .map(|c| key_of(c).verify_strict(&tbs, &self.signature))
            .collect();
        self.accept(candidates, &verdicts)
    }

    /// Hands out the payload and the candidates whose signature check
    /// (over [`to_be_signed`](Self::to_be_signed)) passed, `verdicts[i]`
    /// for `candidates[i]`; `signature.invalid` when none did.
    pub(crate) fn accept<'k, K>(self, candidates: &'k [K], verdicts: &[bool]) -> Result<(Vec<u8>, Vec<&'k K>)> {
        let verified: Vec<&K> = candidates
            .iter()
            .zip(verdicts)
            .filter_map(|(c, ok)| ok.then_some(c))
            .collect();
        if verified.is_empty() {
            return Err(SignatureError::Invalid.into());
        }
        Ok((self.payload, verified))
    }
}

/// Appends `bytes` as a CBOR byte string (shortest length form).
fn bstr(out: &mut Vec<u8>, bytes: &[u8]) {
    let n = bytes.len() as u64;
    match n {
        0..=23 => out.push(0x40 | n as u8),
        24..=0xFF => out.extend_from_slice(&[0x58, n as u8]),
        0x100..=0xFFFF => {
            out.push(0x59);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xFFFF_FFFF => {
            out.push(0x5A);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(0x5B);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
    out.extend_from_slice(bytes);
}

/// Reads the protected header: exactly `alg` and `kid`, nothing else.
fn parse_protected(bytes: &[u8], limits: &Limits) -> Result<(i64, Kid)> {
    if bytes.is_empty() {
        return Err(CoseError::MissingAlg.into());
    }
    let Value::Map(entries) = cbor::decode(bytes, limits)? else {
        return Err(CoseError::Malformed.into());
    };
    let (mut alg, mut kid) = (None, None);
    for (label, value) in entries {
        let label = match label {
            Value::Integer(i) => i64::try_from(i).ok(),
            _ => None,
        };
        match (label, value) {
            (Some(LABEL_ALG), Value::Integer(a)) => {
                let a = i64::try_from(a).map_err(|_| CoseError::Malformed)?;
                if a != ALG_EDDSA && a != ALG_ED25519 {
                    return Err(CoseError::UnsupportedAlg { alg: a }.into());
                }
                alg = Some(a);
            }
            (Some(LABEL_ALG), Value::Text(_)) => return Err(CoseError::UnsupportedAlgName.into()),
            (Some(LABEL_KID), Value::Bytes(k)) => {
                let k = <[u8; 8]>::try_from(k.as_slice()).map_err(|_| CoseError::InvalidKid { length: k.len() })?;
                kid = Some(Kid(k));
            }
            (Some(LABEL_ALG | LABEL_KID), _) => return Err(CoseError::Malformed.into()),
            _ => return Err(CoseError::UnsupportedHeader.into()),
        }
    }
    let alg = alg.ok_or(CoseError::MissingAlg)?;
    let kid = kid.ok_or(CoseError::MissingKid)?;
    Ok((alg, kid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_bytes_are_fixed() {
        let key = IssuerKey::from_seed(&[9u8; 32]);
        let bytes = sign(alloc::vec![0xA0], &key, Document::Code).expect("sign");
        // D2 tag 18, 84 array(4), 4D bstr(13), A2 map(2), 01 27 alg -8, 04 48 kid(8)
        assert_eq!(&bytes[..7], &[0xD2, 0x84, 0x4D, 0xA2, 0x01, 0x27, 0x04]);
        assert_eq!(bytes[7], 0x48);
        assert_eq!(&bytes[8..16], &key.kid().0);
        // A0 unprotected, 41 A0 payload, 58 40 signature
        assert_eq!(&bytes[16..20], &[0xA0, 0x41, 0xA0, 0x58]);
        assert_eq!(bytes.len(), 20 + 1 + 64);
        let parsed = UnverifiedSign1::parse(&bytes, &Limits::DEFAULT, Document::Code).expect("parse");
        assert_eq!((parsed.alg(), parsed.kid()), (ALG_EDDSA, key.kid()));
        // The Sig_structure equals coset's own for the same message.
        let coset_tbs = <coset::CoseSign1 as coset::TaggedCborSerializable>::from_tagged_slice(&bytes)
            .expect("coset")
            .tbs_data(b"qrcred code v1");
        assert_eq!(parsed.to_be_signed(), coset_tbs);
        // The same bytes as coset's builder.
        let built = coset::CoseSign1Builder::new()
            .protected(
                coset::HeaderBuilder::new()
                    .algorithm(coset::iana::Algorithm::EdDSA)
                    .key_id(key.kid().0.to_vec())
                    .build(),
            )
            .payload(alloc::vec![0xA0])
            .create_signature(b"qrcred code v1", |tbs| key.sign(tbs).to_vec())
            .build();
        assert_eq!(
            coset::TaggedCborSerializable::to_tagged_vec(built).expect("coset"),
            bytes
        );
        // Every length form of the payload byte string, against coset.
        for n in [0usize, 23, 24, 255, 256, 65_535, 65_536] {
            let bytes = sign(alloc::vec![0x42; n], &key, Document::Bundle).expect("sign");
            let limits = Limits::DEFAULT.with_max_cbor_items(16);
            let parsed = UnverifiedSign1::parse(&bytes, &limits, Document::Bundle).expect("parse");
            let coset_tbs = <coset::CoseSign1 as coset::TaggedCborSerializable>::from_tagged_slice(&bytes)
                .expect("coset")
                .tbs_data(b"qrcred bundle v1");
            assert_eq!(parsed.to_be_signed(), coset_tbs, "{n}");
        }
        let candidates = [*key.public_key()];
        let (payload, keys) = parsed.verify_with(&candidates, |k| k).expect("verify");
        assert_eq!((payload, keys.len()), (alloc::vec![0xA0], 1));
    }

    #[test]
    fn a_signature_over_one_document_kind_never_verifies_as_the_other() {
        let key = IssuerKey::from_seed(&[9u8; 32]);
        let candidates = [*key.public_key()];
        for (signed_as, read_as) in [(Document::Code, Document::Bundle), (Document::Bundle, Document::Code)] {
            let bytes = sign(alloc::vec![0xA0], &key, signed_as).expect("sign");
            let same = UnverifiedSign1::parse(&bytes, &Limits::DEFAULT, signed_as).expect("parse");
            assert!(same.verify_with(&candidates, |k| k).is_ok(), "{signed_as:?}");
            let other = UnverifiedSign1::parse(&bytes, &Limits::DEFAULT, read_as).expect("parse");
            let err = other.verify_with(&candidates, |k| k).expect_err("other kind");
            assert_eq!(err.code(), "signature.invalid", "{signed_as:?} read as {read_as:?}");
        }
        // Neither kind signs RFC 9052's empty external_aad.
        assert_ne!(Document::Code.external_aad(), Document::Bundle.external_aad());
        assert!(!Document::Code.external_aad().is_empty());
    }
}
