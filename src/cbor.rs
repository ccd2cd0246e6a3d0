//! Strict CBOR (RFC 8949): a bounded decoder that refuses everything a
//! signed code has no reason to contain, and a deterministic encoder.
//!
//! Read: definite lengths only, shortest-form integers and lengths, no
//! duplicate map keys, no floats or simple values other than false, true
//! and null, valid UTF-8, exactly one item with no trailing bytes. Depth,
//! item count and every declared length are bounded before anything is
//! allocated: a container declaring more elements than the item limit has
//! left is refused at once, and any other reserves room for at most
//! [`RESERVE_AT_MOST`] elements, the rest growing as elements are actually
//! read, so memory follows the items read, never a count a hostile input
//! declares. Map key order is
//! not enforced when reading, so codes from encoders that do not sort keys
//! still verify.
//!
//! Write: RFC 8949 §4.2.1 core deterministic encoding (maps built with
//! [`map`] are sorted by the bytes of their encoded keys).

use alloc::{boxed::Box, string::String, vec::Vec};
use ciborium::value::{Integer, Value};

use crate::error::{CborError, Error, LimitsError, Result};
use crate::limits::Limits;

/// Most elements reserved up front for a container, whatever it declares.
const RESERVE_AT_MOST: usize = 16;

/// Decodes exactly one strictly-encoded CBOR item from `bytes`.
pub(crate) fn decode(bytes: &[u8], limits: &Limits) -> Result<Value> {
    read(bytes, limits, false)
}

/// Decodes exactly one well-formed CBOR item from `bytes`, as other
/// formats' encoders write it (the `HC1:` certificates): indefinite lengths,
/// integers and lengths in longer forms than needed, and floats are read too
/// (the bounds on depth, items and lengths are the same). Duplicate map
/// keys, invalid UTF-8, `undefined` and other simple values are still refused.
#[cfg(feature = "hcert")]
pub(crate) fn decode_lenient(bytes: &[u8], limits: &Limits) -> Result<Value> {
    read(bytes, limits, true)
}

fn read(bytes: &[u8], limits: &Limits, lenient: bool) -> Result<Value> {
    // The depth bounds the recursion below: never above its ceiling.
    limits.check()?;
    let mut reader = Reader {
        input: bytes,
        pos: 0,
        items: 0,
        limits,
        lenient,
    };
    let value = reader.item(0)?;
    if reader.pos != bytes.len() {
        return Err(CborError::TrailingBytes.into());
    }
    Ok(value)
}

/// Encodes `value` (built from [`map`]s and shortest integers) deterministically.
pub(crate) fn encode(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).map_err(|_| Error::from(CborError::Encode))?;
    Ok(out)
}

/// Builds a map whose entries are in deterministic order (bytewise order of
/// the encoded keys).
pub(crate) fn map(mut entries: Vec<(Value, Value)>) -> Result<Value> {
    let mut keyed = Vec::with_capacity(entries.len());
    for (k, v) in entries.drain(..) {
        keyed.push((SortKey::of(&k)?, k, v));
    }
    keyed.sort_by(|a, b| a.0.as_slice().cmp(b.0.as_slice()));
    Ok(Value::Map(keyed.into_iter().map(|(_, k, v)| (k, v)).collect()))
}

/// The encoded bytes of a map key, for sorting: integers (nearly every key
/// of this format) encoded on the stack, anything else through the encoder.
enum SortKey {
    Int([u8; 9], usize),
    Encoded(Vec<u8>),
}

impl SortKey {
    fn of(key: &Value) -> Result<SortKey> {
        let Value::Integer(i) = key else {
            return Ok(SortKey::Encoded(encode(key)?));
        };
        let i = i128::from(*i);
        let (major, arg) = if i >= 0 { (0u8, i) } else { (1u8, -1 - i) };
        let arg = u64::try_from(arg).map_err(|_| CborError::Encode)?;
        let mut out = [0u8; 9];
        let len = match arg {
            0..=23 => {
                out[0] = (major << 5) | arg as u8;
                1
            }
            24..=0xFF => {
                out[..2].copy_from_slice(&[(major << 5) | 24, arg as u8]);
                2
            }
            0x100..=0xFFFF => {
                out[0] = (major << 5) | 25;
                out[1..3].copy_from_slice(&(arg as u16).to_be_bytes());
                3
            }
            0x1_0000..=0xFFFF_FFFF => {
                out[0] = (major << 5) | 26;
                out[1..5].copy_from_slice(&(arg as u32).to_be_bytes());
                5
            }
            _ => {
                out[0] = (major << 5) | 27;
                out[1..9].copy_from_slice(&arg.to_be_bytes());
                9
            }
        };
        Ok(SortKey::Int(out, len))
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            SortKey::Int(bytes, len) => &bytes[..*len],
            SortKey::Encoded(bytes) => bytes,
        }
    }
}

/// A bounded, strict CBOR reader over one input buffer.
struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    items: usize,
    limits: &'a Limits,
    /// Well-formed rather than strict CBOR ([`decode_lenient`]).
    lenient: bool,
}

impl Reader<'_> {
    fn remaining(&self) -> usize {
        self.input.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if n > self.remaining() {
            return Err(CborError::Truncated.into());
        }
        let start = self.pos;
        self.pos += n;
        Ok(&self.input[start..self.pos])
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    /// Reads the argument of an initial byte, refusing non-shortest forms.
    /// Returns `None` for the indefinite-length marker (31).
    fn argument(&mut self, info: u8) -> Result<Option<u64>> {
        let (value, min) = match info {
            0..=23 => return Ok(Some(u64::from(info))),
            24 => (u64::from(self.byte()?), 24),
            25 => (u64::from(u16::from_be_bytes(self.array()?)), 0x100),
            26 => (u64::from(u32::from_be_bytes(self.array()?)), 0x1_0000),
            27 => (u64::from_be_bytes(self.array()?), 0x1_0000_0000),
            31 => return Ok(None),
            _ => return Err(CborError::Malformed.into()),
        };
        if value < min && !self.lenient {
            return Err(CborError::NonShortest.into());
        }
        Ok(Some(value))
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// A declared length, which must fit in what is left of the input
    /// (each element of a container takes at least `per_element` bytes).
    fn length(&mut self, info: u8, per_element: usize) -> Result<usize> {
        let n = self.argument(info)?.ok_or(CborError::IndefiniteLength)?;
        let fits = usize::try_from(n)
            .ok()
            .filter(|n| n.saturating_mul(per_element) <= self.remaining());
        fits.ok_or_else(|| LimitsError::CborLengthTooLarge.into())
    }

    /// The room to reserve for a container declaring `n` elements of
    /// `per_element` items each. A count the item limit cannot hold is
    /// refused at once (the container could never be read whole); any other
    /// reserves at most [`RESERVE_AT_MOST`] elements, and the vector grows
    /// as elements arrive.
    fn reservation(&self, n: usize, per_element: usize) -> Result<usize> {
        let items_left = self.limits.max_cbor_items.saturating_sub(self.items);
        if n.saturating_mul(per_element) > items_left {
            return Err(LimitsError::CborTooManyItems {
                max: self.limits.max_cbor_items,
            }
            .into());
        }
        Ok(n.min(RESERVE_AT_MOST))
    }

    fn item(&mut self, depth: usize) -> Result<Value> {
        self.items += 1;
        if self.items > self.limits.max_cbor_items {
            return Err(LimitsError::CborTooManyItems {
                max: self.limits.max_cbor_items,
            }
            .into());
        }
        let initial = self.byte()?;
        let (major, info) = (initial >> 5, initial & 0x1f);
        match major {
            0 | 1 => self.integer(major, info),
            2 => Ok(Value::Bytes(self.string(major, info)?)),
            3 => {
                let bytes = self.string(major, info)?;
                let text = String::from_utf8(bytes).map_err(|_| CborError::InvalidUtf8)?;
                Ok(Value::Text(text))
            }
            4..=6 => self.container(major, info, depth + 1),
            _ => self.simple(info),
        }
    }

    /// The bytes of a byte or text string; in lenient mode also an
    /// indefinite-length one (definite chunks of the same major type up to
    /// a break), each chunk bounded by the input like any length.
    fn string(&mut self, major: u8, info: u8) -> Result<Vec<u8>> {
        if !(self.lenient && info == 31) {
            let n = self.length(info, 1)?;
            return Ok(self.take(n)?.to_vec());
        }
        let mut out = Vec::new();
        while !self.at_break()? {
            let initial = self.byte()?;
            if initial >> 5 != major || initial & 0x1f == 31 {
                return Err(CborError::Malformed.into());
            }
            let n = self.length(initial & 0x1f, 1)?;
            out.extend_from_slice(self.take(n)?);
        }
        Ok(out)
    }

    /// Lenient mode: whether the next byte is a break (consumed if so).
    fn at_break(&mut self) -> Result<bool> {
        match self.input.get(self.pos) {
            None => Err(CborError::Truncated.into()),
            Some(0xff) => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
        }
    }

    /// The element count of a container: `Some(n)` for a definite length
    /// (which must fit in the input), `None` for an indefinite one (lenient
    /// mode only).
    fn count(&mut self, info: u8, per_element: usize) -> Result<Option<usize>> {
        if self.lenient && info == 31 {
            return Ok(None);
        }
        self.length(info, per_element).map(Some)
    }

    /// Whether another element of a container follows: counts down a
    /// definite length, looks for the break of an indefinite one.
    fn more(&mut self, left: &mut Option<usize>) -> Result<bool> {
        match left {
            Some(0) => Ok(false),
            Some(n) => {
                *n -= 1;
                Ok(true)
            }
            None => Ok(!self.at_break()?),
        }
    }

    fn integer(&mut self, major: u8, info: u8) -> Result<Value> {
        let n = self.argument(info)?.ok_or(CborError::Malformed)?;
        let value = if major == 0 {
            Integer::from(n)
        } else {
            Integer::try_from(-1i128 - i128::from(n)).map_err(|_| CborError::Malformed)?
        };
        Ok(Value::Integer(value))
    }

    fn container(&mut self, major: u8, info: u8, depth: usize) -> Result<Value> {
        if depth > self.limits.max_cbor_depth {
            return Err(LimitsError::CborTooDeep {
                max: self.limits.max_cbor_depth,
            }
            .into());
        }
        match major {
            4 => {
                let mut left = self.count(info, 1)?;
                let mut items = Vec::with_capacity(self.reservation(left.unwrap_or(0), 1)?);
                while self.more(&mut left)? {
                    items.push(self.item(depth)?);
                }
                Ok(Value::Array(items))
            }
            5 => self.map(info, depth),
            _ => {
                let tag = self.argument(info)?.ok_or(CborError::Malformed)?;
                Ok(Value::Tag(tag, Box::new(self.item(depth)?)))
            }
        }
    }

    fn map(&mut self, info: u8, depth: usize) -> Result<Value> {
        let mut left = self.count(info, 2)?;
        let reserve = self.reservation(left.unwrap_or(0), 2)?;
        let mut entries = Vec::with_capacity(reserve);
        let mut keys: Vec<&[u8]> = Vec::with_capacity(if self.lenient { 0 } else { reserve });
        let input = self.input;
        while self.more(&mut left)? {
            let start = self.pos;
            let key = self.item(depth)?;
            if !self.lenient {
                keys.push(&input[start..self.pos]);
            }
            entries.push((key, self.item(depth)?));
        }
        // Strict CBOR has one encoding per key, so its bytes tell keys
        // apart. Well-formed CBOR has several (1 as 0x01 or 0x1801, a text
        // in chunks): there keys are compared as values, so that no key can
        // appear twice under two spellings.
        let duplicate = if self.lenient {
            let mut values: Vec<ValueKey<'_>> = entries.iter().map(|(k, _)| ValueKey::of(k)).collect();
            values.sort_unstable();
            values.windows(2).any(|w| w[0] == w[1])
        } else {
            keys.sort_unstable();
            keys.windows(2).any(|w| w[0] == w[1])
        };
        if duplicate {
            return Err(CborError::DuplicateKey.into());
        }
        Ok(Value::Map(entries))
    }
}

impl Reader<'_> {
    /// Major type 7: only false, true and null are allowed (and, in lenient
    /// mode, floats).
    fn simple(&mut self, info: u8) -> Result<Value> {
        match info {
            20 => Ok(Value::Bool(false)),
            21 => Ok(Value::Bool(true)),
            22 => Ok(Value::Null),
            25 if self.lenient => Ok(float(half_to_f64(u16::from_be_bytes(self.array()?)))),
            26 if self.lenient => Ok(float(f64::from(f32::from_bits(u32::from_be_bytes(self.array()?))))),
            27 if self.lenient => Ok(float(f64::from_bits(u64::from_be_bytes(self.array()?)))),
            // A two-byte simple value below 32 is not well-formed (RFC 8949 §3.3).
            24 if self.byte()? < 32 => Err(CborError::Malformed.into()),
            28..=31 => Err(CborError::Malformed.into()),
            _ => Err(CborError::Unsupported.into()),
        }
    }
}

/// A map key as a value, for telling keys apart in lenient mode: integers
/// and texts, the keys real documents use, compare directly (integers
/// first); any other key by its deterministic encoding, computed once per
/// key before sorting, so that a hostile map of large keys costs one
/// encoding each rather than one per comparison.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum ValueKey<'v> {
    Int(i128),
    Text(&'v str),
    Other(Option<Vec<u8>>),
}

impl<'v> ValueKey<'v> {
    fn of(key: &'v Value) -> Self {
        match key {
            Value::Integer(i) => ValueKey::Int(i128::from(*i)),
            Value::Text(t) => ValueKey::Text(t),
            other => ValueKey::Other(encode(other).ok()),
        }
    }
}

/// A float read in lenient mode: every NaN as the one quiet NaN, so that a
/// NaN's payload bits (meaningless here) cannot make two spellings of one
/// value or change in a re-encoding.
fn float(f: f64) -> Value {
    Value::Float(if f.is_nan() { f64::NAN } else { f })
}

/// An IEEE 754 half-precision float (RFC 8949 Appendix D).
fn half_to_f64(half: u16) -> f64 {
    let exponent = i32::from((half >> 10) & 0x1f);
    let mantissa = f64::from(half & 0x3ff);
    let magnitude = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mantissa + 1024.0) * 2f64.powi(exponent - 25),
    };
    if half & 0x8000 != 0 { -magnitude } else { magnitude }
}

#[cfg(test)]
mod tests;
