//! Reading a CBOR map with small integer keys, field by field, for the
//! claims and the trust bundle alike; each reports errors in its own layer.

use alloc::{format, string::String, vec::Vec};
use ciborium::value::Value;

use crate::error::{ClaimsError, Error, Result, TrustError};

/// Which layer's error codes a map's problems are reported with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layer {
    /// `claims.*`
    Claims,
    /// `trust.*`
    Trust,
}

impl Layer {
    pub fn missing(self, field: &'static str) -> Error {
        match self {
            Layer::Claims => ClaimsError::Missing { field }.into(),
            Layer::Trust => TrustError::Missing { field }.into(),
        }
    }

    pub fn wrong_type(self, field: &'static str) -> Error {
        match self {
            Layer::Claims => ClaimsError::WrongType { field }.into(),
            Layer::Trust => TrustError::WrongType { field }.into(),
        }
    }

    pub fn invalid(self, field: &'static str) -> Error {
        match self {
            Layer::Claims => ClaimsError::InvalidValue { field }.into(),
            Layer::Trust => TrustError::InvalidValue { field }.into(),
        }
    }

    fn unknown(self, field: String) -> Error {
        match self {
            Layer::Claims => ClaimsError::UnknownField { field }.into(),
            Layer::Trust => TrustError::UnknownField { field }.into(),
        }
    }
}

/// An integer map key.
pub(crate) fn int(key: i64) -> Value {
    Value::Integer(key.into())
}

/// The entries of one map, each taken at most once, with a name per key for errors.
pub(crate) struct Fields {
    entries: Vec<(i64, Value)>,
    names: &'static [(i64, &'static str)],
    layer: Layer,
}

impl Fields {
    /// Accepts only the integer keys named in `names`; anything else is an
    /// unknown field of `context`. Errors are `claims.*`.
    pub fn new(raw: Vec<(Value, Value)>, names: &'static [(i64, &'static str)], context: &str) -> Result<Self> {
        Fields::in_layer(Layer::Claims, raw, names, context)
    }

    /// As [`Fields::new`], with errors in `layer`.
    pub fn in_layer(
        layer: Layer,
        raw: Vec<(Value, Value)>,
        names: &'static [(i64, &'static str)],
        context: &str,
    ) -> Result<Self> {
        let mut entries = Vec::with_capacity(raw.len());
        for (k, v) in raw {
            let key = match k {
                Value::Integer(i) => i64::try_from(i).ok(),
                _ => None,
            };
            match key {
                Some(key) if names.iter().any(|(n, _)| *n == key) => entries.push((key, v)),
                _ => return Err(layer.unknown(format!("{context}.{}", describe(&k)))),
            }
        }
        Ok(Fields { entries, names, layer })
    }

    fn name(&self, key: i64) -> &'static str {
        self.names.iter().find(|(n, _)| *n == key).map_or("?", |(_, name)| name)
    }

    /// Takes a field if present.
    pub fn opt_value(&mut self, key: i64) -> Option<Value> {
        let at = self.entries.iter().position(|(k, _)| *k == key)?;
        Some(self.entries.swap_remove(at).1)
    }

    /// Takes a required field.
    pub fn value(&mut self, key: i64) -> Result<Value> {
        let field = self.name(key);
        self.opt_value(key).ok_or_else(|| self.layer.missing(field))
    }

    /// A "wrong type" error naming the field.
    pub fn wrong_type(&self, key: i64) -> Error {
        self.layer.wrong_type(self.name(key))
    }

    /// An optional integer field (any sign).
    pub fn opt_int(&mut self, key: i64) -> Result<Option<i64>> {
        match self.opt_value(key) {
            None => Ok(None),
            Some(Value::Integer(i)) => i64::try_from(i).map(Some).map_err(|_| self.invalid(key)),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    /// An optional unsigned integer field.
    pub fn opt_uint(&mut self, key: i64) -> Result<Option<u64>> {
        match self.opt_value(key) {
            None => Ok(None),
            Some(Value::Integer(i)) => u64::try_from(i).map(Some).map_err(|_| self.invalid(key)),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    /// A required unsigned integer field.
    pub fn uint(&mut self, key: i64) -> Result<u64> {
        let field = self.name(key);
        self.opt_uint(key)?.ok_or_else(|| self.layer.missing(field))
    }

    /// A required integer field (any sign).
    pub fn int(&mut self, key: i64) -> Result<i64> {
        let field = self.name(key);
        self.opt_int(key)?.ok_or_else(|| self.layer.missing(field))
    }

    /// An optional time: unsigned seconds that fit in 32 bits.
    pub fn opt_time(&mut self, key: i64) -> Result<Option<u32>> {
        match self.opt_uint(key)? {
            None => Ok(None),
            Some(t) => u32::try_from(t).map(Some).map_err(|_| self.invalid(key)),
        }
    }

    /// A required time.
    pub fn time(&mut self, key: i64) -> Result<u32> {
        let field = self.name(key);
        self.opt_time(key)?.ok_or_else(|| self.layer.missing(field))
    }

    /// A required small unsigned integer field.
    pub fn u8(&mut self, key: i64) -> Result<u8> {
        let v = self.uint(key)?;
        u8::try_from(v).map_err(|_| self.invalid(key))
    }

    /// An optional coded field, decoded with `from_code`.
    pub fn opt_code<T>(&mut self, key: i64, from_code: fn(u64) -> Option<T>) -> Result<Option<T>> {
        match self.opt_uint(key)? {
            None => Ok(None),
            Some(c) => from_code(c).map(Some).ok_or_else(|| self.invalid(key)),
        }
    }

    /// A required coded field.
    pub fn code<T>(&mut self, key: i64, from_code: fn(u64) -> Option<T>) -> Result<T> {
        let field = self.name(key);
        self.opt_code(key, from_code)?.ok_or_else(|| self.layer.missing(field))
    }

    /// An optional text field.
    pub fn opt_text(&mut self, key: i64) -> Result<Option<String>> {
        match self.opt_value(key) {
            None => Ok(None),
            Some(Value::Text(t)) => Ok(Some(t)),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    /// A required text field.
    pub fn text(&mut self, key: i64) -> Result<String> {
        let field = self.name(key);
        self.opt_text(key)?.ok_or_else(|| self.layer.missing(field))
    }

    /// An optional byte string of exactly `N` bytes.
    pub fn opt_bytes<const N: usize>(&mut self, key: i64) -> Result<Option<[u8; N]>> {
        match self.opt_value(key) {
            None => Ok(None),
            Some(Value::Bytes(b)) => <[u8; N]>::try_from(b.as_slice())
                .map(Some)
                .map_err(|_| self.invalid(key)),
            Some(_) => Err(self.wrong_type(key)),
        }
    }

    /// An "invalid value" error naming the field.
    pub fn invalid(&self, key: i64) -> Error {
        self.layer.invalid(self.name(key))
    }
}

/// A short description of an unexpected map key for error messages.
fn describe(key: &Value) -> String {
    match key {
        Value::Integer(i) => format!("{}", i128::from(*i)),
        Value::Text(t) => format!("{:?}", t.chars().take(16).collect::<String>()),
        _ => String::from("(non-integer key)"),
    }
}
