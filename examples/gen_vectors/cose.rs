//! Refusals at the COSE layer: strict CBOR of the structure and the
//! COSE_Sign1 layout (SPEC.md §4.2, §5.1; step 6 of §8.2). Every structure
//! carries valid claims and, where it has one, a correct signature by the
//! case's key. The helpers here serve the other COSE modules too.

use super::case::{Case, Result};
use super::fixture::{Fixture, HOUR, ISSUED, green};
use super::wire::{self, Cbor, bstr};

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let claims = Cbor::map(wire::status_claims(ISSUED as u32, (ISSUED + 24 * HOUR) as u32)).encode();
    let mut all = structure_cbor(fx, &claims)?;
    all.extend(not_sign1(fx, &claims)?);
    all.extend(layout(fx, &claims)?);
    all.extend(super::cose_headers::cases(fx, &claims)?);
    all.extend(super::signature::cases(fx, &claims)?);
    Ok(all)
}

/// A case carrying `cose`, whose payload is `claims` (the sample status).
pub fn carrying(
    fx: &Fixture,
    name: &str,
    description: &str,
    claims: &[u8],
    cose: Vec<u8>,
    code: &'static str,
) -> Result<Case> {
    Ok(fx
        .case(name, description)
        .with_credential(green()?)
        .claims(claims.to_vec())
        .cose(cose)
        .refused(code))
}

fn structure_cbor(fx: &Fixture, claims: &[u8]) -> Result<Vec<Case>> {
    let a = &fx.a.key;
    let good = wire::sign1_standard(a, claims);
    let n = good.len();
    let mut indefinite = vec![0xd2, 0x9f];
    indefinite.extend_from_slice(&good[2..]);
    indefinite.push(0xff);
    let mut long_tag = vec![0xd8, 0x12];
    long_tag.extend_from_slice(&good[1..]);
    let mut reserved = good.clone();
    reserved[1] = 0x9c;
    let c = |name, description, cose, code| carrying(fx, name, description, claims, cose, code);
    Ok(vec![
        c(
            "cbor_cose_trailing_bytes",
            "a zero byte after the COSE_Sign1",
            [&good[..], &[0]].concat(),
            "cbor.trailing_bytes",
        )?,
        c(
            "cbor_cose_truncated",
            "the COSE_Sign1 cut inside the signature's header (58 without its length byte)",
            good[..n - 65].to_vec(),
            "cbor.truncated",
        )?,
        c(
            "cbor_cose_indefinite_array",
            "the COSE_Sign1 array written with indefinite length (9f ... ff)",
            indefinite,
            "cbor.indefinite_length",
        )?,
        c(
            "cbor_cose_tag_not_shortest",
            "tag 18 written in two bytes (d8 12) instead of d2",
            long_tag,
            "cbor.non_shortest",
        )?,
        c(
            "cbor_cose_reserved_info",
            "the array head 9c: additional information 28 is reserved",
            reserved,
            "cbor.malformed",
        )?,
        c(
            "limits_cbor_length_signature_4gib",
            "the signature declares 2^32 - 1 bytes (5a ffffffff): refused before any allocation",
            [&good[..n - 66], &[0x5a, 0xff, 0xff, 0xff, 0xff]].concat(),
            "limits.cbor_length",
        )?,
    ])
}

/// Structures that are not a tagged COSE_Sign1.
fn not_sign1(fx: &Fixture, claims: &[u8]) -> Result<Vec<Case>> {
    let good = wire::sign1_standard(&fx.a.key, claims);
    let c = |name, description, cose, code| carrying(fx, name, description, claims, cose, code);
    Ok(vec![
        c(
            "cose_not_sign1_untagged",
            "a COSE_Sign1 array without tag 18",
            good[1..].to_vec(),
            "cose.not_sign1",
        )?,
        c(
            "cose_not_sign1_cwt_tag61",
            "the COSE_Sign1 wrapped in the CWT tag 61 (d8 3d)",
            [&[0xd8, 0x3d], &good[..]].concat(),
            "cose.not_sign1",
        )?,
        c(
            "cose_not_sign1_mac0_tag17",
            "tag 17 (COSE_Mac0) instead of 18",
            [&[0xd1], &good[1..]].concat(),
            "cose.not_sign1",
        )?,
    ])
}

/// The four elements: their count, types and lengths.
fn layout(fx: &Fixture, claims: &[u8]) -> Result<Vec<Case>> {
    let a = &fx.a.key;
    let p = wire::protected(a);
    let sig = a.sign(&wire::to_be_signed(&p, claims));
    let items = |items: Vec<Vec<u8>>| -> Vec<u8> {
        let mut out = vec![0xd2, 0x80 | items.len() as u8];
        items.iter().for_each(|i| out.extend_from_slice(i));
        out
    };
    let (pb, cb, sb) = (bstr(&p), bstr(claims), bstr(&sig));
    let c = |name, description, cose, code| carrying(fx, name, description, claims, cose, code);
    Ok(vec![
        c(
            "cose_malformed_three_elements",
            "tag 18 over an array of 3 (no signature)",
            items(vec![pb.clone(), vec![0xa0], cb.clone()]),
            "cose.malformed",
        )?,
        c(
            "cose_malformed_not_an_array",
            "tag 18 over a map",
            vec![0xd2, 0xa0],
            "cose.malformed",
        )?
        .without_claims(),
        c(
            "cose_malformed_protected_as_map",
            "the protected header as a map instead of a bstr",
            items(vec![p.clone(), vec![0xa0], cb.clone(), sb.clone()]),
            "cose.malformed",
        )?,
        c(
            "cose_malformed_payload_as_text",
            "the payload as a text string (UTF-8 of a digit) instead of a bstr",
            items(vec![pb.clone(), vec![0xa0], vec![0x61, 0x30], sb.clone()]),
            "cose.malformed",
        )?
        .without_claims(),
        c(
            "cose_malformed_signature_as_array",
            "the signature as an empty array",
            items(vec![pb.clone(), vec![0xa0], cb.clone(), vec![0x80]]),
            "cose.malformed",
        )?,
        c(
            "cose_detached_payload",
            "the payload is null (detached)",
            items(vec![pb, vec![0xa0], vec![0xf6], sb]),
            "cose.detached_payload",
        )?
        .without_claims(),
        c(
            "signature_invalid_length_63",
            "a signature of 63 bytes",
            items(vec![bstr(&p), vec![0xa0], cb.clone(), bstr(&sig[..63])]),
            "signature.invalid_length",
        )?,
        c(
            "signature_invalid_length_empty",
            "an empty signature",
            items(vec![bstr(&p), vec![0xa0], cb, vec![0x40]]),
            "signature.invalid_length",
        )?,
    ])
}
