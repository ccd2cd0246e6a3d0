//! Ed25519 keys, key ids and their PEM forms.
//!
//! A key id (kid) is the first 8 bytes of SHA-256 over the 32-byte public
//! key. Private keys are PKCS#8 PEM (RFC 8410), public keys SPKI PEM.
//! Secret material is zeroized on drop and never shown by `Debug`.

use alloc::{string::String, vec::Vec};
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes, spki::der::pem::LineEnding,
};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::ed25519::{self, PrimeOrderKey, SignatureCheck};
use crate::error::{KeyError, Result};

/// An 8-byte key id: `SHA-256(public key)[..8]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kid(pub [u8; 8]);

impl Kid {
    /// The kid of a 32-byte Ed25519 public key.
    pub fn of(public_key: &[u8; 32]) -> Kid {
        let digest = Sha256::digest(public_key);
        let mut kid = [0u8; 8];
        kid.copy_from_slice(&digest[..8]);
        Kid(kid)
    }

    /// Parses 16 hex digits.
    pub fn from_hex(s: &str) -> Option<Kid> {
        parse_hex::<8>(s).map(Kid)
    }
}

impl core::fmt::Display for Kid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        Hex(&self.0).fmt(f)
    }
}

impl core::fmt::Debug for Kid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Kid({self})")
    }
}

/// An issuer's Ed25519 signing key. Zeroized on drop; `Debug` shows only the kid.
#[derive(Clone)]
pub struct IssuerKey {
    signing: SigningKey,
    public: PublicKey,
}

impl IssuerKey {
    /// A key from its 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> IssuerKey {
        let signing = SigningKey::from_bytes(seed);
        let public = PublicKey::of_signing_key(&signing);
        IssuerKey { signing, public }
    }

    /// A fresh key from the operating system's randomness.
    #[cfg(feature = "std")]
    pub fn generate() -> Result<IssuerKey> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|_| KeyError::Randomness)?;
        Ok(IssuerKey::from_seed(&seed))
    }

    /// Reads a PKCS#8 PEM private key (`-----BEGIN PRIVATE KEY-----`), in
    /// RFC 8410's version 1 form (the seed alone, as OpenSSL writes it) or
    /// version 2 (with the public key attached, which must match the seed).
    pub fn from_pkcs8_pem(pem: &str) -> Result<IssuerKey> {
        let signing = SigningKey::from_pkcs8_pem(pem).map_err(|_| KeyError::InvalidEncoding)?;
        let public = PublicKey::of_signing_key(&signing);
        Ok(IssuerKey { signing, public })
    }

    /// Writes the key as PKCS#8 PEM in RFC 8410's version 1 form: the seed
    /// alone, without the optional public key, which OpenSSL, Python's
    /// `cryptography` and every other common tool read. The string is
    /// zeroized when dropped.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>> {
        let keypair = KeypairBytes {
            secret_key: self.signing.to_bytes(),
            public_key: None,
        };
        keypair
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| KeyError::EncodeFailed.into())
    }

    /// The 32-byte seed. Handle with care; it is zeroized when dropped.
    pub fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.signing.to_bytes())
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id.
    pub fn kid(&self) -> Kid {
        self.public.kid
    }

    /// Signs `message` (Ed25519, RFC 8032).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let signature: Signature = self.signing.sign(message);
        signature.to_bytes()
    }
}

impl core::fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("IssuerKey")
            .field("kid", &self.public.kid)
            .finish_non_exhaustive()
    }
}

/// An Ed25519 public key with its kid: canonically encoded and in the
/// prime-order subgroup, as every key generator makes them (SPEC.md §4.4).
/// Keys are classified once, here, where they enter trust; one point has
/// one encoding, so one kid.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: PrimeOrderKey,
    kid: Kid,
}

impl PublicKey {
    /// A public key from its 32 bytes. Fails with `key.invalid_encoding`
    /// for bytes that are not a point on the curve, `key.non_canonical` for
    /// a `y` of p = 2^255 − 19 or more, `key.small_order` for a point of
    /// order dividing 8 and `key.mixed_order` for a point with a
    /// small-order component.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::InvalidEncoding)?;
        PublicKey::try_from(key)
    }

    /// Reads an SPKI PEM public key (`-----BEGIN PUBLIC KEY-----`), with the
    /// checks of [`from_bytes`](Self::from_bytes).
    pub fn from_spki_pem(pem: &str) -> Result<PublicKey> {
        let key = VerifyingKey::from_public_key_pem(pem).map_err(|_| KeyError::InvalidEncoding)?;
        PublicKey::try_from(key)
    }

    /// The public half of a signing key: `[a]B`, fit by construction.
    fn of_signing_key(signing: &SigningKey) -> PublicKey {
        let key = signing.verifying_key();
        PublicKey {
            kid: Kid::of(key.as_bytes()),
            key: PrimeOrderKey::of_signing_key(key),
        }
    }

    /// Writes the key as SPKI PEM.
    pub fn to_spki_pem(&self) -> Result<String> {
        self.key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|_| KeyError::EncodeFailed.into())
    }

    /// The 32 key bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The key id.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// Verifies an Ed25519 signature with ed25519-dalek `verify_strict`'s
    /// verdict: small-order R values, a non-canonical R and `S >= L` are
    /// refused (the key itself was checked when it was made). The
    /// recomputed R is compared as a point rather than compressed first
    /// (SPEC.md §4.4); the tests hold it to ed25519-dalek's own on every
    /// third-party vector.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        ed25519::verify_strict(self.key.verifying_key(), message, signature)
    }

    /// Verifies many signatures at once with Ed25519 batch verification
    /// (SPEC.md §4.5): `result[i]` is [`verify_strict`](Self::verify_strict)'s
    /// verdict on `checks[i]`, with the one exception below. Identical
    /// entries (same key, message and signature) are checked once and get
    /// one verdict; inputs `verify_strict` refuses without its equation
    /// (`S >= L`, a non-canonical, undecodable or small-order R) are refused
    /// before the sum; a batch that fails is split until the bad signatures
    /// are found. About three times the throughput of one-by-one checks
    /// from 64 signatures (README, Performance).
    ///
    /// The one exception, only in reach of whoever holds a trusted signing
    /// key: two or more *distinct* signatures that each fail
    /// `verify_strict` only by a small-order component of R, crafted so
    /// those components add up to the identity, can pass together (SPEC.md
    /// §4.5). A lone such signature, or copies of one, is always refused;
    /// any other wrong signature is refused but with probability about
    /// 2^-128.
    pub fn verify_strict_batch(checks: &[(&PublicKey, &[u8], &[u8; 64])]) -> Vec<bool> {
        let checks: Vec<SignatureCheck<'_>> = checks
            .iter()
            .map(|(key, message, signature)| SignatureCheck {
                key: &key.key,
                message,
                signature,
            })
            .collect();
        ed25519::verify_strict_batch(&checks)
    }
}

impl TryFrom<VerifyingKey> for PublicKey {
    type Error = crate::Error;

    /// Classifies an ed25519-dalek key as [`PublicKey::from_bytes`] does.
    fn try_from(key: VerifyingKey) -> Result<Self> {
        Ok(PublicKey {
            kid: Kid::of(key.as_bytes()),
            key: PrimeOrderKey::new(key)?,
        })
    }
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PublicKey({})", Hex(&self.to_bytes()))
    }
}

/// Lower-case hex display of bytes.
pub(crate) struct Hex<'a>(pub &'a [u8]);

impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Parses exactly `2 * N` hex digits.
pub(crate) fn parse_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let digits = s.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
        let hi = char::from(pair[0]).to_digit(16)?;
        let lo = char::from(pair[1]).to_digit(16)?;
        *byte = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip_and_kid() {
        let key = IssuerKey::from_seed(&[7u8; 32]);
        let pem = key.to_pkcs8_pem().expect("pem");
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        let back = IssuerKey::from_pkcs8_pem(&pem).expect("read");
        assert_eq!(back.kid(), key.kid());
        let pub_pem = key.public_key().to_spki_pem().expect("spki");
        assert!(pub_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        let public = PublicKey::from_spki_pem(&pub_pem).expect("read");
        assert_eq!(public, *key.public_key());
        assert_eq!(Kid::of(&public.to_bytes()), key.kid());
        assert_eq!(Kid::from_hex(&key.kid().to_string()), Some(key.kid()));
    }

    /// RFC 8410 §10.3: the example private key, in version 1 form.
    const RFC8410_V1: &str = "-----BEGIN PRIVATE KEY-----\n\
        MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
        -----END PRIVATE KEY-----\n";

    #[test]
    fn private_keys_are_written_in_rfc8410_version_1_form() {
        let key = IssuerKey::from_pkcs8_pem(RFC8410_V1).expect("RFC 8410 example");
        assert_eq!(
            hex::encode(*key.seed()),
            "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842"
        );
        assert_eq!(key.to_pkcs8_pem().expect("pem").as_str(), RFC8410_V1);
    }

    #[test]
    fn version_2_keys_are_read_when_their_public_key_matches() {
        // RFC 8410 §10.3's second example: attributes and the public key.
        let v2 = "-----BEGIN PRIVATE KEY-----\n\
            MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
            oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB\n\
            Z9w7lshQhqowtrbLDFw4rXAxZuE=\n\
            -----END PRIVATE KEY-----\n";
        let key = IssuerKey::from_pkcs8_pem(v2).expect("version 2");
        assert_eq!(key.to_pkcs8_pem().expect("pem").as_str(), RFC8410_V1);
        // What earlier releases wrote: version 2 without attributes.
        let written = key.signing.to_pkcs8_pem(LineEnding::LF).expect("v2");
        assert_eq!(IssuerKey::from_pkcs8_pem(&written).expect("v2").kid(), key.kid());
        // A version 2 key whose public key belongs to another seed.
        let other = IssuerKey::from_seed(&[9; 32]);
        let mismatched = KeypairBytes {
            secret_key: key.signing.to_bytes(),
            public_key: Some(ed25519_dalek::pkcs8::PublicKeyBytes(other.public.to_bytes())),
        }
        .to_pkcs8_pem(LineEnding::LF)
        .expect("pem");
        assert_eq!(
            IssuerKey::from_pkcs8_pem(&mismatched).expect_err("mismatch").code(),
            "key.invalid_encoding"
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let key = IssuerKey::from_seed(&[0x42u8; 32]);
        let shown = alloc::format!("{key:?}");
        assert!(shown.contains(&key.kid().to_string()));
        assert!(!shown.contains("4242"), "{shown}");
    }

    #[test]
    fn bad_key_files_are_refused() {
        assert_eq!(
            IssuerKey::from_pkcs8_pem("nope").expect_err("bad").code(),
            "key.invalid_encoding"
        );
        assert_eq!(
            PublicKey::from_spki_pem("").expect_err("bad").code(),
            "key.invalid_encoding"
        );
    }

    #[test]
    fn strict_verification() {
        let key = IssuerKey::from_seed(&[1u8; 32]);
        let sig = key.sign(b"msg");
        assert!(key.public_key().verify_strict(b"msg", &sig));
        assert!(!key.public_key().verify_strict(b"msh", &sig));
    }
}
