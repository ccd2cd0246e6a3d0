//! Bundles refused for their payload (SPEC.md §12.2; step 5 of §12.4):
//! each is the base bundle's payload with one defect, written by hand and
//! signed correctly by the pinned root, so it is refused for exactly that
//! defect.

use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::VerifyingKey;
use qrcred::{Kid, PublicKey, TrustedKey};

use super::bundle::World;
use super::bundle_case::BundleCase;
use super::bundle_wire::{Entries, edited, key_edited};
use super::case::Result;
use super::wire::{Cbor, set, unset};

/// `entries` with `key` set to `value`, kept in key order.
fn put(entries: Entries, key: i64, value: Cbor) -> Entries {
    let mut entries = set(entries, key, value);
    entries.sort_by_key(|(k, _)| *k);
    entries
}

/// Every case of this module.
pub fn cases(w: &World) -> Result<Vec<BundleCase>> {
    let mut all = top_level(w)?;
    all.extend(keys(w)?);
    all.extend(encodings(w)?);
    Ok(all)
}

/// A case whose payload the pinned root signs, refused with `code`
/// (`code:field` for an error that names a field).
fn refused(w: &World, name: &str, description: &str, payload: Vec<u8>, code: &'static str) -> Result<BundleCase> {
    let case = w.case(name, description).signed_payload(payload, &w.root_a)?;
    Ok(match code.split_once(':') {
        Some((code, field)) => case.refused(code).naming(field),
        None => case.refused(code),
    })
}

fn top_level(w: &World) -> Result<Vec<BundleCase>> {
    let d = w.base();
    let top = |edit: &dyn Fn(Entries) -> Entries| edited(&d, edit);
    let mut unsorted = d.revoked.iter().flat_map(|id| id.0).collect::<Vec<u8>>();
    unsorted.extend([2; 8]);
    unsorted.extend([1; 8]);
    let c = |name, description, payload, code| refused(w, name, description, payload, code);
    let issued = d.issued_at.timestamp();
    let not_a_map = Cbor::Array(vec![Cbor::text("qrcred-bundle"), Cbor::Uint(1)]).encode();
    Ok(vec![
        c(
            "payload_not_a_map",
            "the payload is an array [\"qrcred-bundle\", 1]",
            not_a_map,
            "trust.not_a_bundle",
        )?,
        c(
            "payload_format_other",
            "format (0) is \"qrcred-credential\"",
            top(&|t| set(t, 0, Cbor::text("qrcred-credential"))),
            "trust.not_a_bundle",
        )?,
        c(
            "payload_format_missing",
            "no format (0)",
            top(&|t| unset(t, 0)),
            "trust.not_a_bundle",
        )?,
        c(
            "payload_version_2",
            "version (1) is 2",
            top(&|t| set(t, 1, Cbor::Uint(2))),
            "trust.unsupported_version",
        )?,
        c(
            "payload_missing_sequence",
            "no sequence (2)",
            top(&|t| unset(t, 2)),
            "trust.missing:sequence",
        )?,
        c(
            "payload_missing_keys",
            "no keys (5)",
            top(&|t| unset(t, 5)),
            "trust.missing:keys",
        )?,
        c(
            "payload_wrong_type_sequence",
            "the sequence (2) is the text \"7\"",
            top(&|t| set(t, 2, Cbor::text("7"))),
            "trust.wrong_type:sequence",
        )?,
        c(
            "payload_wrong_type_keys",
            "the keys (5) are a map",
            top(&|t| set(t, 5, Cbor::Map(vec![]))),
            "trust.wrong_type:keys",
        )?,
        c(
            "payload_wrong_type_revoked",
            "the revocation list (6) is an array of 8-byte strings instead of one byte string",
            top(&|t| set(t, 6, Cbor::Array(vec![Cbor::Bytes(vec![1; 8])]))),
            "trust.wrong_type:revoked",
        )?,
        c(
            "payload_wrong_type_labels",
            "the labels (7) are an array",
            top(&|t| set(t, 7, Cbor::Array(vec![]))),
            "trust.wrong_type:labels",
        )?,
        c(
            "payload_expires_at_issued",
            "expires_at (4) equals issued_at (3): it must be later",
            top(&|t| set(t, 4, Cbor::int(issued))),
            "trust.invalid_value:expires_at",
        )?,
        c(
            "payload_issued_at_2_pow_32",
            "issued_at (3) = 2^32, beyond 32-bit seconds",
            top(&|t| set(t, 3, Cbor::Uint(1 << 32))),
            "trust.invalid_value:issued_at",
        )?,
        c(
            "payload_revoked_unsorted",
            "the revocation list holds 0202..02 then 0101..01: ids must be strictly ascending",
            top(&|t| set(t, 6, Cbor::Bytes(unsorted.clone()))),
            "trust.invalid_value:revoked",
        )?,
        c(
            "payload_revoked_duplicate",
            "the revocation list holds 0101..01 twice",
            top(&|t| set(t, 6, Cbor::Bytes(vec![1; 16]))),
            "trust.invalid_value:revoked",
        )?,
        c(
            "payload_revoked_length",
            "the revocation list is 12 bytes, not a multiple of 8",
            top(&|t| set(t, 6, Cbor::Bytes(vec![1; 12]))),
            "trust.invalid_value:revoked",
        )?,
        c(
            "payload_label_empty",
            "the English label of revoked.credential is empty",
            top(&|t| set(t, 7, labels_with_empty_text())),
            "trust.invalid_value:labels",
        )?,
        c(
            "payload_next_roots_empty",
            "next_roots (8) is an empty array: absent when none",
            top(&|t| set(t, 8, Cbor::Array(vec![]))),
            "trust.invalid_value:next_roots",
        )?,
        c(
            "payload_unknown_field",
            "an extra top-level key 11",
            top(&|t| set(t, 11, Cbor::Uint(0))),
            "trust.unknown_field:bundle.11",
        )?,
        c(
            "payload_unknown_field_text_key",
            "an extra top-level text key \"comment\"",
            with_text_key(top(&|t| t)),
            "trust.unknown_field:bundle.\"comment\"",
        )?,
    ])
}

/// Labels `{"en": {"revoked.credential": ""}}`.
fn labels_with_empty_text() -> Cbor {
    let table = Cbor::Map(vec![(Cbor::text("revoked.credential"), Cbor::text(""))]);
    Cbor::Map(vec![(Cbor::text("en"), table)])
}

/// The payload map with one more entry, `"comment": "test"`, at its end.
fn with_text_key(payload: Vec<u8>) -> Vec<u8> {
    let mut out = vec![payload[0] + 1];
    out.extend_from_slice(&payload[1..]);
    out.extend(Cbor::text("comment").encode());
    out.extend(Cbor::text("test").encode());
    out
}

/// Bytes that are not the encoding of a curve point: the first `[n, 0, ...]`
/// the library refuses.
fn not_a_point() -> Result<[u8; 32]> {
    (2u8..=255)
        .map(|n| {
            let mut b = [0u8; 32];
            b[0] = n;
            b
        })
        .find(|b| VerifyingKey::from_bytes(b).is_err())
        .ok_or_else(|| "every candidate is a point".into())
}

/// Points unfit for trust, each with the code refusing it: a point of
/// order 8; issuer-a's key plus that point (mixed order); the first `y`
/// below 19 that is on the curve, encoded as `y + p` (non-canonical).
fn unfit_keys(a: &PublicKey) -> Result<[([u8; 32], &'static str, String); 3]> {
    let order_8 = EIGHT_TORSION[1];
    let a_point = CompressedEdwardsY(a.to_bytes())
        .decompress()
        .ok_or("issuer-a's key decodes")?;
    let non_canonical = (2u8..19)
        .map(|y| {
            let mut b = [0xFFu8; 32];
            b[0] = 0xED + y;
            b[31] = 0x7F;
            (y, b)
        })
        .find(|(_, b)| VerifyingKey::from_bytes(b).is_ok())
        .ok_or("no y below 19 is on the curve")?;
    Ok([
        (
            order_8.compress().to_bytes(),
            "key.small_order",
            "a point of order 8".into(),
        ),
        (
            (a_point + order_8).compress().to_bytes(),
            "key.mixed_order",
            "issuer-a's key plus a point of order 8 (mixed order)".into(),
        ),
        (
            non_canonical.1,
            "key.non_canonical",
            format!(
                "y = {} encoded as {} + p (non-canonical)",
                non_canonical.0, non_canonical.0
            ),
        ),
    ])
}

fn keys(w: &World) -> Result<Vec<BundleCase>> {
    let d = w.base();
    let a = w.fx.a.key.kid();
    let key = |edit: &dyn Fn(Entries) -> Entries| key_edited(&d, a, edit);
    let b_kid = Cbor::Bytes(w.fx.b.key.kid().0.to_vec());
    let bad = not_a_point()?;
    let twice = edited(&d, |t| {
        let mut listed: Vec<&TrustedKey> = d.keys.iter().collect();
        listed.sort_by_key(|k| k.kid());
        listed.extend(d.keys.iter().find(|k| k.kid() == a));
        let maps = listed
            .into_iter()
            .map(|k| Cbor::map(super::bundle_wire::key(k)))
            .collect();
        set(t, 5, Cbor::Array(maps))
    });
    let c = |name, description: &str, payload, code| refused(w, name, description, payload, code);
    let hex: String = bad.iter().map(|b| format!("{b:02x}")).collect();
    let mut unfit = Vec::new();
    for (bytes, code, what) in unfit_keys(w.fx.a.key.public_key())? {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        unfit.push(refused(
            w,
            &format!("payload_key_{}", code.trim_start_matches("key.")),
            &format!("issuer-a's public_key is {hex} (with its kid): {what}, refused where it enters trust"),
            key(&|k| {
                let k = set(k, 1, Cbor::Bytes(Kid::of(&bytes).0.to_vec()));
                set(k, 2, Cbor::Bytes(bytes.to_vec()))
            }),
            code,
        )?);
    }
    let mut cases = vec![
        c(
            "payload_key_missing_public_key",
            "issuer-a's entry has no public_key (2)",
            key(&|k| unset(k, 2)),
            "trust.missing:keys.public_key",
        )?,
        c(
            "payload_key_retired_without_since",
            "issuer-a's entry has state 1 (retired) and no state_since (9)",
            key(&|k| set(k, 8, Cbor::Uint(1))),
            "trust.missing:keys.state_since",
        )?,
        c(
            "payload_key_wrong_type_issuer",
            "issuer-a's issuer (3) is a byte string",
            key(&|k| set(k, 3, Cbor::Bytes(b"CN-SN-XA".to_vec()))),
            "trust.wrong_type:keys.issuer",
        )?,
        c(
            "payload_key_kid_mismatch",
            "issuer-a's entry carries issuer-b's kid: the kid must be SHA-256(public_key)[0..8]",
            key(&|k| set(k, 1, b_kid.clone())),
            "trust.invalid_value:keys.kid",
        )?,
        c(
            "payload_key_not_a_point",
            &format!("issuer-a's public_key is {hex} (with its kid), which is not a point on the curve"),
            key(&|k| {
                let k = set(k, 1, Cbor::Bytes(Kid::of(&bad).0.to_vec()));
                set(k, 2, Cbor::Bytes(bad.to_vec()))
            }),
            "trust.invalid_value:keys.public_key",
        )?,
        c(
            "payload_key_duplicate_kid",
            "issuer-a's entry appears again after the others: kids must be distinct",
            twice,
            "trust.invalid_value:keys.kid",
        )?,
        c(
            "payload_key_kinds_zero",
            "issuer-a's kinds (7) is 0: a key must be allowed some kind",
            key(&|k| set(k, 7, Cbor::Uint(0))),
            "trust.invalid_value:keys.kinds",
        )?,
        c(
            "payload_key_kinds_unknown_bit",
            "issuer-a's kinds (7) is 33: bit 5 names no kind",
            key(&|k| set(k, 7, Cbor::Uint(33))),
            "trust.invalid_value:keys.kinds",
        )?,
        c(
            "payload_key_state_unknown",
            "issuer-a's state (8) is 3 (0 active, 1 retired, 2 revoked)",
            key(&|k| set(k, 8, Cbor::Uint(3))),
            "trust.invalid_value:keys.state",
        )?,
        c(
            "payload_key_active_with_since",
            "issuer-a's entry is active (state 0) with a state_since (9)",
            key(&|k| put(k, 9, Cbor::int(d.issued_at.timestamp()))),
            "trust.invalid_value:keys.state_since",
        )?,
        c(
            "payload_key_window_reversed",
            "issuer-a's valid_until (6) equals its valid_from (5): it must be later",
            key(&|k| {
                let t = d.issued_at.timestamp();
                put(put(k, 5, Cbor::int(t)), 6, Cbor::int(t))
            }),
            "trust.invalid_value:keys.valid_until",
        )?,
        c(
            "payload_key_issuer_too_long",
            "issuer-a's issuer (3) is 81 bytes, one more than an iss may have",
            key(&|k| set(k, 3, Cbor::text(&"X".repeat(81)))),
            "trust.invalid_value:keys.issuer",
        )?,
        c(
            "payload_key_unknown_field",
            "issuer-a's entry has an extra key 10",
            key(&|k| set(k, 10, Cbor::Uint(0))),
            "trust.unknown_field:keys.10",
        )?,
    ];
    cases.extend(unfit);
    Ok(cases)
}

fn encodings(w: &World) -> Result<Vec<BundleCase>> {
    let d = w.base();
    let c = |name, description, payload, code| refused(w, name, description, payload, code);
    let sequence = Cbor::Uint(d.sequence);
    Ok(vec![
        c(
            "payload_cbor_duplicate_key",
            "the sequence (2) twice: the strict CBOR rules hold for bundles too",
            edited(&d, |t| {
                let mut t = t;
                t.insert(3, (2, sequence.clone()));
                t
            }),
            "cbor.duplicate_key",
        )?,
        c(
            "payload_cbor_non_shortest",
            "the sequence 7 written in two bytes (18 07)",
            edited(&d, |t| set(t, 2, Cbor::Raw(vec![0x18, 0x07]))),
            "cbor.non_shortest",
        )?,
    ])
}
