//! Bundle contents ⇄ CBOR (SPEC.md §12.2), both directions.
//!
//! The encoder writes core deterministic CBOR; the decoder is the strict,
//! bounded reader of the claims layer with its own (larger) limits, and
//! refuses every field, value and inconsistency the encoder cannot write,
//! so any draft that signs also loads.

use alloc::{
    collections::{BTreeMap, BTreeSet},
    string::String,
    vec,
    vec::Vec,
};
use chrono::{DateTime, TimeDelta, Utc};
use ciborium::value::Value;

use super::revocation::RevocationList;
use crate::cbor;
use crate::error::{Error, KeyError, Result, TimeError, TrustError};
use crate::fields::{Fields, Layer, int};
use crate::keys::{Kid, PublicKey};
use crate::limits::Limits;
use crate::model::has_invisible;
use crate::rules::RuleSet;
use crate::trust::{KeyState, KindSet, TrustedKey};

use super::{BundleDsc, MAX_DSC_LEN};

/// The format identifier, field 0.
pub(crate) const FORMAT: &str = "qrcred-bundle";
/// The format version this library reads and writes, field 1.
pub(crate) const VERSION: u64 = 1;
/// Longest issuer id in bytes (as the `iss` claim).
const MAX_ISSUER: usize = 80;
/// Longest display name in bytes.
const MAX_NAME: usize = 200;
/// Longest language tag in bytes.
const MAX_LANG: usize = 16;
/// Longest labelled code in bytes.
const MAX_CODE: usize = 64;
/// Longest label in bytes.
const MAX_LABEL: usize = 400;

const TOP: &[(i64, &str)] = &[
    (0, "format"),
    (1, "version"),
    (2, "sequence"),
    (3, "issued_at"),
    (4, "expires_at"),
    (5, "keys"),
    (6, "revoked"),
    (7, "labels"),
    (8, "next_roots"),
    (9, "rules"),
    (10, "dscs"),
];

const DSC: &[(i64, &str)] = &[(1, "dscs.der"), (2, "dscs.state"), (3, "dscs.state_since")];

const KEY: &[(i64, &str)] = &[
    (1, "keys.kid"),
    (2, "keys.public_key"),
    (3, "keys.issuer"),
    (4, "keys.display_name"),
    (5, "keys.valid_from"),
    (6, "keys.valid_until"),
    (7, "keys.kinds"),
    (8, "keys.state"),
    (9, "keys.state_since"),
];

/// State codes, field `keys.state`.
const ACTIVE: u64 = 0;
const RETIRED: u64 = 1;
const REVOKED: u64 = 2;

/// Label tables: language → code → text.
pub(crate) type Labels = BTreeMap<String, BTreeMap<String, String>>;

/// Everything a bundle says, as read or as to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Contents {
    pub sequence: u64,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub keys: Vec<TrustedKey>,
    pub revoked: RevocationList,
    pub labels: Labels,
    pub next_roots: Vec<PublicKey>,
    pub rules: Option<RuleSet>,
    pub dscs: Vec<BundleDsc>,
    /// As read (feature `hcert`): each of `dscs`, in the same order, parsed
    /// once with its state. Empty in contents about to be written.
    #[cfg(feature = "hcert")]
    pub parsed_dscs: Vec<crate::hcert::Dsc>,
}

/// Encodes the contents deterministically.
pub(crate) fn encode(c: &Contents) -> Result<Vec<u8>> {
    // Keys in kid order: the keys are a set (a reader indexes them by
    // kid), so the bytes must not depend on the order they were added in.
    let mut keys: Vec<&TrustedKey> = c.keys.iter().collect();
    keys.sort_by_key(|k| k.kid());
    let mut top = vec![
        (int(0), Value::Text(FORMAT.into())),
        (int(1), Value::Integer(VERSION.into())),
        (int(2), Value::Integer(c.sequence.into())),
        (int(3), time(c.issued_at)?),
        (int(4), time(c.expires_at)?),
        (
            int(5),
            Value::Array(keys.into_iter().map(encode_key).collect::<Result<_>>()?),
        ),
        (int(6), Value::Bytes(c.revoked.to_wire())),
    ];
    let mut langs = Vec::with_capacity(c.labels.len());
    for (lang, table) in &c.labels {
        let entries = table
            .iter()
            .map(|(code, text)| (Value::Text(code.clone()), Value::Text(text.clone())))
            .collect();
        langs.push((Value::Text(lang.clone()), cbor::map(entries)?));
    }
    top.push((int(7), cbor::map(langs)?));
    if !c.next_roots.is_empty() {
        let roots = c
            .next_roots
            .iter()
            .map(|r| Value::Bytes(r.to_bytes().to_vec()))
            .collect();
        top.push((int(8), Value::Array(roots)));
    }
    if let Some(rules) = &c.rules {
        top.push((int(9), crate::rules::to_value(rules)?));
    }
    if !c.dscs.is_empty() {
        // In kid order, as the keys.
        let mut dscs: Vec<&BundleDsc> = c.dscs.iter().collect();
        dscs.sort_by_cached_key(|d| d.kid());
        top.push((
            int(10),
            Value::Array(dscs.into_iter().map(encode_dsc).collect::<Result<_>>()?),
        ));
    }
    cbor::encode(&cbor::map(top)?)
}

/// State and its time, as fields `state` and `state_since` write them.
fn state_fields(state: KeyState) -> (u64, Option<DateTime<Utc>>) {
    match state {
        KeyState::Active => (ACTIVE, None),
        KeyState::Retired { at } => (RETIRED, Some(at)),
        KeyState::Revoked { since } => (REVOKED, since),
    }
}

/// The state from fields `state` and `state_since` (`field` names them).
fn read_state(
    state: u64,
    since: Option<DateTime<Utc>>,
    field: &'static str,
    since_field: &'static str,
) -> Result<KeyState> {
    match (state, since) {
        (ACTIVE, None) => Ok(KeyState::Active),
        (RETIRED, Some(at)) => Ok(KeyState::Retired { at }),
        (REVOKED, since) => Ok(KeyState::Revoked { since }),
        (RETIRED, None) => Err(Layer::Trust.missing(since_field)),
        (ACTIVE, Some(_)) => Err(Layer::Trust.invalid(since_field)),
        _ => Err(Layer::Trust.invalid(field)),
    }
}

fn encode_dsc(d: &BundleDsc) -> Result<Value> {
    let (state, since) = state_fields(d.state);
    let mut entries = vec![
        (int(1), Value::Bytes(d.der.clone())),
        (int(2), Value::Integer(state.into())),
    ];
    if let Some(since) = since {
        entries.push((int(3), time(since)?));
    }
    cbor::map(entries)
}

/// One DSC entry, with its kid (computed once) and, with `hcert`, the
/// certificate parsed.
struct DecodedDsc {
    entry: BundleDsc,
    kid: crate::keys::Kid,
    #[cfg(feature = "hcert")]
    parsed: crate::hcert::Dsc,
}

fn decode_dsc(value: Value) -> Result<DecodedDsc> {
    let Value::Map(raw) = value else {
        return Err(Layer::Trust.wrong_type("dscs"));
    };
    let mut f = Fields::in_layer(Layer::Trust, raw, DSC, "dscs")?;
    let der = match f.value(1)? {
        Value::Bytes(der) if !der.is_empty() && der.len() <= MAX_DSC_LEN => der,
        Value::Bytes(_) => return Err(f.invalid(1)),
        _ => return Err(f.wrong_type(1)),
    };
    // With `hcert`, the certificate must be one this library can use.
    #[cfg(feature = "hcert")]
    let parsed = crate::hcert::Dsc::from_der(&der).map_err(|_| Layer::Trust.invalid("dscs.der"))?;
    let state = f.uint(2)?;
    let since = f.opt_time(3)?.map(instant);
    let state = read_state(state, since, "dscs.state", "dscs.state_since")?;
    let entry = BundleDsc { der, state };
    Ok(DecodedDsc {
        kid: entry.kid(),
        #[cfg(feature = "hcert")]
        parsed: parsed.with_state(state),
        entry,
    })
}

fn encode_key(k: &TrustedKey) -> Result<Value> {
    let mut entries = vec![
        (int(1), Value::Bytes(k.kid().0.to_vec())),
        (int(2), Value::Bytes(k.public_key.to_bytes().to_vec())),
        (int(3), Value::Text(k.issuer.clone())),
        (int(7), Value::Integer(k.kinds.bits().into())),
    ];
    if let Some(name) = &k.display_name {
        entries.push((int(4), Value::Text(name.clone())));
    }
    if let Some(from) = k.valid_from {
        entries.push((int(5), time(from)?));
    }
    if let Some(until) = k.valid_until {
        entries.push((int(6), time(until)?));
    }
    let (state, since) = state_fields(k.state);
    entries.push((int(8), Value::Integer(state.into())));
    if let Some(since) = since {
        entries.push((int(9), time(since)?));
    }
    cbor::map(entries)
}

/// A time as unsigned 32-bit seconds.
fn time(t: DateTime<Utc>) -> Result<Value> {
    let seconds = u32::try_from(t.timestamp()).map_err(|_| TimeError::OutOfRange)?;
    Ok(Value::Integer(seconds.into()))
}

fn instant(t: u32) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(t.into())
}

/// Decodes and checks bundle contents.
pub(crate) fn decode(payload: &[u8], limits: &Limits) -> Result<Contents> {
    let Value::Map(raw) = cbor::decode(payload, &bundle_cbor_limits(limits))? else {
        return Err(TrustError::NotABundle.into());
    };
    // The format and version first: a map that is not a bundle, or a
    // bundle of a later version with fields this one does not know, is
    // reported as such rather than as an unknown field.
    let field = |key: i64| raw.iter().find(|(k, _)| *k == int(key)).map(|(_, v)| v);
    if !matches!(field(0), Some(Value::Text(t)) if t == FORMAT) {
        return Err(TrustError::NotABundle.into());
    }
    if let Some(Value::Integer(v)) = field(1)
        && let Ok(version) = u64::try_from(*v)
        && version != VERSION
    {
        return Err(TrustError::UnsupportedVersion { version }.into());
    }
    let mut f = Fields::in_layer(Layer::Trust, raw, TOP, "bundle")?;
    f.opt_value(0);
    let version = f.uint(1)?;
    if version != VERSION {
        return Err(TrustError::UnsupportedVersion { version }.into());
    }
    let sequence = f.uint(2)?;
    let issued_at = f.time(3)?;
    let expires_at = f.time(4)?;
    if expires_at <= issued_at {
        return Err(f.invalid(4));
    }
    let mut keys = match f.value(5)? {
        Value::Array(items) => items.into_iter().map(decode_key).collect::<Result<Vec<_>>>()?,
        _ => return Err(f.wrong_type(5)),
    };
    let mut kids = BTreeSet::new();
    if !keys.iter().all(|k| kids.insert(k.kid())) {
        return Err(Layer::Trust.invalid("keys.kid"));
    }
    // Any order is read; held in kid order, as the encoder writes them.
    keys.sort_by_key(TrustedKey::kid);
    let revoked = match f.value(6)? {
        Value::Bytes(bytes) => RevocationList::from_wire(&bytes).ok_or_else(|| f.invalid(6))?,
        _ => return Err(f.wrong_type(6)),
    };
    let labels = decode_labels(f.value(7)?)?;
    let next_roots = match f.opt_value(8) {
        None => Vec::new(),
        Some(Value::Array(items)) if !items.is_empty() => items
            .into_iter()
            .map(|item| match item {
                Value::Bytes(b) => <[u8; 32]>::try_from(b.as_slice())
                    .ok()
                    .and_then(|b| PublicKey::from_bytes(&b).ok())
                    .ok_or_else(|| Layer::Trust.invalid("next_roots")),
                _ => Err(Layer::Trust.wrong_type("next_roots")),
            })
            .collect::<Result<_>>()?,
        Some(Value::Array(_)) => return Err(Layer::Trust.invalid("next_roots")),
        Some(_) => return Err(Layer::Trust.wrong_type("next_roots")),
    };
    let rules = f.opt_value(9).map(crate::rules::from_value).transpose()?;
    let mut dscs = match f.opt_value(10) {
        None => Vec::new(),
        Some(Value::Array(items)) if !items.is_empty() => {
            items.into_iter().map(decode_dsc).collect::<Result<Vec<_>>>()?
        }
        Some(Value::Array(_)) => return Err(Layer::Trust.invalid("dscs")),
        Some(_) => return Err(Layer::Trust.wrong_type("dscs")),
    };
    let mut dsc_kids = BTreeSet::new();
    if !dscs.iter().all(|d| dsc_kids.insert(d.kid)) {
        return Err(Layer::Trust.invalid("dscs.der"));
    }
    dscs.sort_unstable_by_key(|d| d.kid);
    #[cfg(feature = "hcert")]
    let (dscs, parsed_dscs) = dscs.into_iter().map(|d| (d.entry, d.parsed)).unzip();
    #[cfg(not(feature = "hcert"))]
    let dscs = dscs.into_iter().map(|d| d.entry).collect();
    Ok(Contents {
        dscs,
        #[cfg(feature = "hcert")]
        parsed_dscs,
        rules,
        sequence,
        issued_at: instant(issued_at),
        expires_at: instant(expires_at),
        keys,
        revoked,
        labels,
        next_roots,
    })
}

/// The CBOR limits for a bundle: the caller's, with the bundle item bound.
pub(crate) fn bundle_cbor_limits(limits: &Limits) -> Limits {
    limits
        .with_max_cbor_items(limits.max_bundle_items)
        .with_max_cbor_depth(limits.max_cbor_depth.max(BUNDLE_CBOR_DEPTH))
}

/// The nesting a bundle may need: a rule set (field 9) one combination
/// deeper than allowed, so that it is refused by the rule checks
/// (`rules.too_deep`) rather than by the CBOR reader. The payload map, the
/// rule set map and its `require` map, two levels (array and map) per
/// combination, the leaf's map and its role list.
pub(crate) const BUNDLE_CBOR_DEPTH: usize = 5 + 2 * (crate::rules::MAX_RULE_DEPTH + 1);

// A bundle's depth is always within the reader's ceiling.
const _: () = assert!(BUNDLE_CBOR_DEPTH <= Limits::CBOR_DEPTH_CEILING);

fn decode_key(value: Value) -> Result<TrustedKey> {
    let Value::Map(raw) = value else {
        return Err(Layer::Trust.wrong_type("keys"));
    };
    let mut f = Fields::in_layer(Layer::Trust, raw, KEY, "keys")?;
    let kid = f.opt_bytes::<8>(1)?.ok_or_else(|| Layer::Trust.missing("keys.kid"))?;
    let public = f
        .opt_bytes::<32>(2)?
        .ok_or_else(|| Layer::Trust.missing("keys.public_key"))?;
    // Bytes that are not a point are a malformed field; a point unfit for
    // trust (non-canonical, small or mixed order) is refused with its key.* code.
    let public_key = PublicKey::from_bytes(&public).map_err(|e| match e {
        Error::Key(KeyError::InvalidEncoding) => f.invalid(2),
        unfit => unfit,
    })?;
    if public_key.kid() != Kid(kid) {
        return Err(f.invalid(1));
    }
    let issuer = f.text(3)?;
    if issuer.is_empty() || issuer.len() > MAX_ISSUER || has_invisible(&issuer) {
        return Err(f.invalid(3));
    }
    let display_name = f.opt_text(4)?;
    if display_name
        .as_ref()
        .is_some_and(|n| n.is_empty() || n.len() > MAX_NAME || has_invisible(n))
    {
        return Err(f.invalid(4));
    }
    let valid_from = f.opt_time(5)?.map(instant);
    let valid_until = f.opt_time(6)?.map(instant);
    if let (Some(from), Some(until)) = (valid_from, valid_until)
        && until <= from
    {
        return Err(f.invalid(6));
    }
    let kinds = f.uint(7)?;
    let kinds = KindSet::from_bits(kinds)
        .filter(|k| k.bits() != 0)
        .ok_or_else(|| f.invalid(7))?;
    let state = f.uint(8)?;
    let since = f.opt_time(9)?.map(instant);
    let state = read_state(state, since, "keys.state", "keys.state_since")?;
    Ok(TrustedKey {
        public_key,
        issuer,
        valid_from,
        valid_until,
        kinds,
        display_name,
        state,
    })
}

fn decode_labels(value: Value) -> Result<Labels> {
    let text = |v: Value, max: usize| match v {
        Value::Text(t) if !t.is_empty() && t.len() <= max && !has_invisible(&t) => Ok(t),
        Value::Text(_) => Err(Layer::Trust.invalid("labels")),
        _ => Err(Layer::Trust.wrong_type("labels")),
    };
    let Value::Map(langs) = value else {
        return Err(Layer::Trust.wrong_type("labels"));
    };
    let mut labels = Labels::new();
    for (lang, table) in langs {
        let lang = text(lang, MAX_LANG)?;
        let Value::Map(entries) = table else {
            return Err(Layer::Trust.wrong_type("labels"));
        };
        let mut codes = BTreeMap::new();
        for (code, label) in entries {
            codes.insert(text(code, MAX_CODE)?, text(label, MAX_LABEL)?);
        }
        labels.insert(lang, codes);
    }
    Ok(labels)
}
