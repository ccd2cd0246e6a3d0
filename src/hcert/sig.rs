//! ES256 and PS256 signature checks over a Document Signer Certificate's
//! key: ring natively, the RustCrypto crates on wasm32 (and natively under
//! `--cfg qrcred_hcert_rustcrypto`, so that CI proves both give the same
//! verdicts on the same vectors).

use super::Alg;

/// A DSC's public key, as its SubjectPublicKeyInfo carries it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum DscKey {
    /// A P-256 point, SEC1 encoded (uncompressed or compressed).
    P256(alloc::vec::Vec<u8>),
    /// An RSA key of 2048 to 8192 bits, as a PKCS#1 `RSAPublicKey` DER.
    Rsa(alloc::vec::Vec<u8>),
}

impl DscKey {
    /// The algorithm this key signs with.
    pub(crate) fn alg(&self) -> Alg {
        match self {
            DscKey::P256(_) => Alg::Es256,
            DscKey::Rsa(_) => Alg::Ps256,
        }
    }

    /// Whether `signature` is a valid `alg` signature of `message` under
    /// this key; a key of another algorithm never verifies.
    pub(crate) fn verify(&self, alg: Alg, message: &[u8], signature: &[u8]) -> bool {
        if alg != self.alg() {
            return false;
        }
        backend::verify(self, message, signature)
    }
}

#[cfg(not(any(target_arch = "wasm32", qrcred_hcert_rustcrypto)))]
mod backend {
    use super::DscKey;
    use ring::signature::{ECDSA_P256_SHA256_FIXED, RSA_PSS_2048_8192_SHA256, UnparsedPublicKey};

    pub(super) fn verify(key: &DscKey, message: &[u8], signature: &[u8]) -> bool {
        match key {
            DscKey::P256(point) => UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                .verify(message, signature)
                .is_ok(),
            DscKey::Rsa(der) => UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, der)
                .verify(message, signature)
                .is_ok(),
        }
    }
}

#[cfg(any(target_arch = "wasm32", qrcred_hcert_rustcrypto))]
mod backend {
    use super::DscKey;
    use p256::ecdsa::signature::Verifier as _;
    use rsa::pkcs1::DecodeRsaPublicKey as _;
    use rsa::traits::PublicKeyParts as _;

    pub(super) fn verify(key: &DscKey, message: &[u8], signature: &[u8]) -> bool {
        match key {
            DscKey::P256(point) => {
                let (Ok(key), Ok(signature)) = (
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(point),
                    p256::ecdsa::Signature::from_slice(signature),
                ) else {
                    return false;
                };
                key.verify(message, &signature).is_ok()
            }
            DscKey::Rsa(der) => {
                let Ok(key) = rsa::RsaPublicKey::from_pkcs1_der(der) else {
                    return false;
                };
                // The sizes ring's RSA_PSS_2048_8192_SHA256 accepts.
                if !(2048..=8192).contains(&(key.n().bits())) {
                    return false;
                }
                let Ok(signature) = rsa::pss::Signature::try_from(signature) else {
                    return false;
                };
                rsa::pss::VerifyingKey::<sha2_010::Sha256>::new(key)
                    .verify(message, &signature)
                    .is_ok()
            }
        }
    }
}
