//! The bundle payload written by hand (SPEC.md §12.2), entry by entry, so
//! that malformed variants can be built field by field; every bundle the
//! generator signs from a draft is written here too and must equal the
//! library's payload.

use qrcred::{BundleDraft, KeyState, Kid, TrustedKey};

use super::wire::{Cbor, bstr};

/// A map with integer keys, entries as given.
pub type Entries = Vec<(i64, Cbor)>;

/// The top-level entries of a draft's payload, in deterministic order.
pub fn top(d: &BundleDraft) -> Entries {
    let mut keys: Vec<&TrustedKey> = d.keys.iter().collect();
    keys.sort_by_key(|k| k.kid());
    let revoked: Vec<u8> = d.revoked.iter().flat_map(|id| id.0).collect();
    let mut labels: Vec<(Cbor, Cbor)> = d
        .labels
        .iter()
        .map(|(lang, table)| {
            let codes = table.iter().map(|(c, l)| (Cbor::text(c), Cbor::text(l))).collect();
            (Cbor::text(lang), sorted(codes))
        })
        .collect();
    labels.sort_by_key(|(k, _)| k.encode());
    let mut top = vec![
        (0, Cbor::text("qrcred-bundle")),
        (1, Cbor::Uint(1)),
        (2, Cbor::Uint(d.sequence)),
        (3, Cbor::int(d.issued_at.timestamp())),
        (4, Cbor::int(d.expires_at.timestamp())),
        (5, Cbor::Array(keys.into_iter().map(|k| Cbor::map(key(k))).collect())),
        (6, Cbor::Bytes(revoked)),
        (7, Cbor::Map(labels)),
    ];
    if !d.next_roots.is_empty() {
        let roots = d
            .next_roots
            .iter()
            .map(|r| Cbor::Bytes(r.to_bytes().to_vec()))
            .collect();
        top.push((8, Cbor::Array(roots)));
    }
    top
}

/// A map whose entries are sorted by their encoded keys.
fn sorted(mut entries: Vec<(Cbor, Cbor)>) -> Cbor {
    entries.sort_by_key(|(k, _)| k.encode());
    Cbor::Map(entries)
}

/// The entries of one key map, in deterministic order.
pub fn key(k: &TrustedKey) -> Entries {
    let mut entries = vec![
        (1, Cbor::Bytes(k.kid().0.to_vec())),
        (2, Cbor::Bytes(k.public_key.to_bytes().to_vec())),
        (3, Cbor::text(&k.issuer)),
    ];
    if let Some(name) = &k.display_name {
        entries.push((4, Cbor::text(name)));
    }
    if let Some(from) = k.valid_from {
        entries.push((5, Cbor::int(from.timestamp())));
    }
    if let Some(until) = k.valid_until {
        entries.push((6, Cbor::int(until.timestamp())));
    }
    entries.push((7, Cbor::Uint(k.kinds.bits().into())));
    let (state, since) = match k.state {
        KeyState::Active => (0, None),
        KeyState::Retired { at } => (1, Some(at)),
        KeyState::Revoked { since } => (2, since),
    };
    entries.push((8, Cbor::Uint(state)));
    if let Some(since) = since {
        entries.push((9, Cbor::int(since.timestamp())));
    }
    entries
}

/// The payload of a draft.
pub fn payload_of(d: &BundleDraft) -> Cbor {
    Cbor::map(top(d))
}

/// The draft's payload with its top-level entries changed by `edit`.
pub fn edited(d: &BundleDraft, edit: impl FnOnce(Entries) -> Entries) -> Vec<u8> {
    Cbor::map(edit(top(d))).encode()
}

/// The draft's payload with the entries of the key `kid` changed by
/// `edit` (the other keys as they are, in kid order).
pub fn key_edited(d: &BundleDraft, kid: Kid, edit: impl FnOnce(Entries) -> Entries) -> Vec<u8> {
    let mut keys: Vec<&TrustedKey> = d.keys.iter().collect();
    keys.sort_by_key(|k| k.kid());
    let mut edit = Some(edit);
    let maps: Vec<Cbor> = keys
        .iter()
        .map(|k| match edit.take_if(|_| k.kid() == kid) {
            Some(edit) => Cbor::map(edit(key(k))),
            None => Cbor::map(key(k)),
        })
        .collect();
    edited(d, |top| super::wire::set(top, 5, Cbor::Array(maps)))
}

/// How many CBOR items an item holds, itself included (a map counts its
/// keys and values, a tag its content), as `max_bundle_items` counts them.
pub fn items(c: &Cbor) -> usize {
    1 + match c {
        Cbor::Array(all) => all.iter().map(items).sum(),
        Cbor::Map(entries) => entries.iter().map(|(k, v)| items(k) + items(v)).sum(),
        Cbor::Tag(_, inner) => items(inner),
        _ => 0,
    }
}

/// Whether `bundle` holds `payload` as a byte string (its COSE payload).
pub fn carries(bundle: &[u8], payload: &[u8]) -> bool {
    let wrapped = [bstr(payload), vec![0x58, 0x40]].concat();
    bundle.windows(wrapped.len()).any(|w| w == wrapped)
}
