//! Rule set ⇄ CBOR value (SPEC.md §13.2), both directions.
//!
//! The rule set's structure is its serde form, the same as in JSON: maps
//! with text keys named like the Rust fields, enums as one-entry maps.
//! Written in core deterministic order (maps sorted by encoded key);
//! read from the strict, bounded CBOR reader's value, then checked.

use alloc::{string::String, vec::Vec};
use ciborium::value::Value;

use super::RuleSet;
use crate::cbor;
use crate::error::{Result, RulesError};

/// The rule set as a deterministic CBOR value.
pub(crate) fn to_value(rules: &RuleSet) -> Result<Value> {
    let value = Value::serialized(rules).map_err(|_| RulesError::Malformed {
        detail: String::from("the rule set cannot be written as CBOR"),
    })?;
    canonical(value)
}

/// Sorts every map by the bytes of its encoded keys (RFC 8949 §4.2.1).
fn canonical(value: Value) -> Result<Value> {
    Ok(match value {
        Value::Map(entries) => {
            let entries = entries
                .into_iter()
                .map(|(k, v)| Ok((canonical(k)?, canonical(v)?)))
                .collect::<Result<Vec<_>>>()?;
            cbor::map(entries)?
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect::<Result<_>>()?),
        other => other,
    })
}

/// A rule set from a decoded CBOR value, checked.
pub(crate) fn from_value(value: Value) -> Result<RuleSet> {
    let rules: RuleSet = value
        .deserialized()
        .map_err(|e| RulesError::Malformed { detail: describe(&e) })?;
    rules.check()?;
    Ok(rules)
}

fn describe(e: &ciborium::value::Error) -> String {
    match e {
        ciborium::value::Error::Custom(msg) => msg.chars().take(160).collect(),
    }
}
