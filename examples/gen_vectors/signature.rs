//! Refusals by the signature check (SPEC.md §4.4; step 8 of §8.2):
//! tampered, malleable and forged signatures, each under a trusted kid.

use super::case::{Case, Result};
use super::cose::carrying;
use super::fixture::{Fixture, HOUR, ISSUED};
use super::wire::{self, Cbor};

/// Every case of this module.
pub fn cases(fx: &Fixture, claims: &[u8]) -> Result<Vec<Case>> {
    signatures(fx, claims)
}

/// `S + L` for a little-endian scalar `S < L`: the malleable twin of a signature.
fn plus_l(s: &[u8]) -> Vec<u8> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    s.iter()
        .zip(L)
        .map(|(a, b)| {
            let sum = u16::from(*a) + u16::from(b) + carry;
            carry = sum >> 8;
            sum as u8
        })
        .collect()
}

fn signatures(fx: &Fixture, claims: &[u8]) -> Result<Vec<Case>> {
    let a = &fx.a.key;
    let p = wire::protected(a);
    let sig = a.sign(&wire::to_be_signed(&p, claims));
    let mut flipped = sig;
    flipped[10] ^= 0x04;
    let malleable = [&sig[..32], &plus_l(&sig[32..])[..]].concat();
    let by_b = fx.b.key.sign(&wire::to_be_signed(&p, claims));
    let as_bundle = a.sign(&wire::to_be_signed_with_aad(&p, wire::BUNDLE_AAD, claims));
    let without_aad = a.sign(&wire::to_be_signed_with_aad(&p, &[], claims));
    let red = Cbor::map(wire::set(
        wire::status_claims(ISSUED as u32, (ISSUED + 24 * HOUR) as u32),
        qrcred::CREDENTIAL_CLAIM_KEY,
        wire::status_body(wire::subject(), Cbor::map(vec![(1, Cbor::Uint(2))])),
    ))
    .encode();
    let kid_first = Cbor::map(vec![(4, Cbor::Bytes(a.kid().0.to_vec())), (1, Cbor::int(-8))]).encode();
    let c = |name, description, cose, code| carrying(fx, name, description, claims, cose, code);
    let signed_other = |name, description, cose| -> Result<Case> {
        Ok(fx
            .case(name, description)
            .claims(red.clone())
            .cose(cose)
            .refused("signature.invalid"))
    };
    Ok(vec![
        c(
            "signature_bit_flipped",
            "bit 2 of signature byte 10 flipped",
            wire::assemble(&p, &[0xa0], claims, &flipped),
            "signature.invalid",
        )?,
        c(
            "signature_s_plus_l",
            "the malleable twin of a valid signature: S + L instead of S (verify_strict refuses S >= L)",
            wire::assemble(&p, &[0xa0], claims, &malleable),
            "signature.invalid",
        )?
        .signed_by(&fx.a),
        c(
            "signature_wrong_key_same_kid",
            "signed by an untrusted key (issuer-b) under the kid of the trusted key A",
            wire::assemble(&p, &[0xa0], claims, &by_b),
            "signature.invalid",
        )?
        .signed_by(&fx.b),
        signed_other(
            "signature_claims_altered",
            "the colour changed from green (0) to red (2) after signing: the signature covers the green claims",
            wire::assemble(&p, &[0xa0], &red, &sig),
        )?,
        c(
            "signature_protected_reordered",
            "signed over {1: -8, 4: kid}, sent as {4: kid, 1: -8}: the signature covers the bytes as received",
            wire::assemble(&kid_first, &[0xa0], claims, &sig),
            "signature.invalid",
        )?,
        c(
            "signature_alg_changed",
            "signed with alg -8, sent with alg -19: the protected header is covered by the signature",
            wire::assemble(&wire::protected_with_alg(a, -19), &[0xa0], claims, &sig),
            "signature.invalid",
        )?,
        c(
            "signature_bundle_aad",
            "signed by A over the code's bytes with a trust bundle's external_aad: a signature over one document kind never verifies as another",
            wire::assemble(&p, &[0xa0], claims, &as_bundle),
            "signature.invalid",
        )?,
        c(
            "signature_empty_aad",
            "signed by A with RFC 9052's default empty external_aad instead of \"qrcred code v1\"",
            wire::assemble(&p, &[0xa0], claims, &without_aad),
            "signature.invalid",
        )?,
    ])
}
