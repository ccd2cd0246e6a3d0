//! The pipeline's stages one at a time, for conformance tools, test
//! vectors and other implementations that check their layers against ours.
//!
//! Nothing here hands out claims: a signed payload is only ever read
//! through [`Verifier`](crate::Verifier). Issuing and verifying compose
//! these same functions.

use alloc::{string::String, vec::Vec};

pub use crate::cose::Document;
use crate::error::Result;
use crate::limits::Limits;
use crate::{base45, cbor, compression, prefix};

/// Strips and checks the `QC1:` prefix (`prefix.*` errors).
pub fn strip_prefix(text: &str) -> Result<&str> {
    prefix::strip(text)
}

/// Base45 (RFC 9285) encoding.
pub fn base45_encode(bytes: &[u8]) -> String {
    base45::encode(bytes)
}

/// Base45 (RFC 9285) decoding with this library's strict rules (`base45.*` errors).
pub fn base45_decode(text: &str) -> Result<Vec<u8>> {
    base45::decode(text, 0)
}

/// zlib (RFC 1950) of `cose` when that is shorter, else `cose` unchanged.
pub fn compress_if_shorter(cose: Vec<u8>) -> Result<Vec<u8>> {
    compression::compress_if_shorter(cose)
}

/// The COSE bytes of a payload: inflated (capped by `limits`) when it
/// starts with a zlib header, else unchanged.
pub fn decompress(payload: Vec<u8>, limits: &Limits) -> Result<Vec<u8>> {
    compression::decompress(payload, limits)
}

/// Checks that `bytes` is exactly one strictly encoded CBOR item within
/// `limits` (`cbor.*` and `limits.*` errors), as every layer of a code must be.
pub fn check_cbor(bytes: &[u8], limits: &Limits) -> Result<()> {
    cbor::decode(bytes, limits).map(|_| ())
}

/// Signs `payload` as a COSE_Sign1 in this library's profile (protected
/// `alg` -8 and `kid`, empty unprotected header) for a `document` kind,
/// whose `external_aad` the signature covers: how codes and trust bundles
/// are signed, for tools that build test payloads.
pub fn sign_cose(payload: Vec<u8>, key: &crate::IssuerKey, document: Document) -> Result<Vec<u8>> {
    crate::cose::sign(payload, key, document)
}
