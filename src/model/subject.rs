//! The subject: names, date of birth and an optional identity digest.

use alloc::{format, string::String};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};
use sha2::{Digest, Sha256};

use super::check_text;
use crate::error::{ClaimsError, Result};

/// Longest name in bytes of UTF-8 (as in the EU DCC schema).
pub(crate) const MAX_NAME: usize = 80;

/// The person a credential is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// Family name as written (any script, e.g. `王`).
    pub family_name: String,
    /// Given name as written (e.g. `小明`); may be absent for mononyms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family name transliterated per ICAO 9303 (`A`-`Z` and `<`, e.g. `WANG`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name_icao: Option<String>,
    /// Given name transliterated per ICAO 9303 (e.g. `XIAOMING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name_icao: Option<String>,
    /// Date of birth, as precisely as it is known.
    pub birth_date: BirthDate,
    /// Salted, truncated digest of a national ID number, for matching an ID card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_digest: Option<IdDigest>,
}

impl Subject {
    /// A subject with names as written and a date of birth.
    pub fn new(family_name: &str, given_name: &str, birth_date: BirthDate) -> Self {
        Subject {
            family_name: family_name.into(),
            given_name: (!given_name.is_empty()).then(|| given_name.into()),
            family_name_icao: None,
            given_name_icao: None,
            birth_date,
            id_digest: None,
        }
    }

    /// Adds the ICAO 9303 transliterations.
    pub fn with_icao(mut self, family: &str, given: &str) -> Self {
        self.family_name_icao = Some(family.into());
        self.given_name_icao = (!given.is_empty()).then(|| given.into());
        self
    }

    /// Adds an identity digest.
    pub fn with_id_digest(mut self, digest: IdDigest) -> Self {
        self.id_digest = Some(digest);
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        check_text("subject.family_name", &self.family_name, MAX_NAME)?;
        if let Some(g) = &self.given_name {
            check_text("subject.given_name", g, MAX_NAME)?;
        }
        for (field, value) in [
            ("subject.family_name_icao", &self.family_name_icao),
            ("subject.given_name_icao", &self.given_name_icao),
        ] {
            if let Some(v) = value {
                check_text(field, v, MAX_NAME)?;
                if !v.bytes().all(|b| b.is_ascii_uppercase() || b == b'<') {
                    return Err(ClaimsError::InvalidValue { field }.into());
                }
            }
        }
        self.birth_date.validate()
    }
}

/// A date of birth: full, year and month, or year only.
///
/// In JSON it is a string: `"1990-03-15"`, `"1990-03"` or `"1990"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthDate {
    /// The full date.
    Full(NaiveDate),
    /// Year and month (1-12).
    YearMonth(i32, u32),
    /// Year only.
    Year(i32),
}

impl BirthDate {
    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub fn parse(s: &str) -> Option<BirthDate> {
        let parts: alloc::vec::Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        };
        let date = match parts.as_slice() {
            [y] => BirthDate::Year(i32::try_from(num(y, 4)?).ok()?),
            [y, m] => BirthDate::YearMonth(i32::try_from(num(y, 4)?).ok()?, num(m, 2)?),
            [y, m, d] => BirthDate::Full(NaiveDate::from_ymd_opt(
                i32::try_from(num(y, 4)?).ok()?,
                num(m, 2)?,
                num(d, 2)?,
            )?),
            _ => return None,
        };
        date.validate().ok().map(|()| date)
    }

    fn validate(&self) -> Result<()> {
        let field = "subject.birth_date";
        let (year, month) = match *self {
            BirthDate::Full(d) => (d.year(), 1),
            BirthDate::YearMonth(y, m) => (y, m),
            BirthDate::Year(y) => (y, 1),
        };
        if (1900..=9999).contains(&year) && (1..=12).contains(&month) {
            Ok(())
        } else {
            Err(ClaimsError::InvalidValue { field }.into())
        }
    }
}

impl core::fmt::Display for BirthDate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BirthDate::Full(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            BirthDate::YearMonth(y, m) => write!(f, "{y:04}-{m:02}"),
            BirthDate::Year(y) => write!(f, "{y:04}"),
        }
    }
}

impl Serialize for BirthDate {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BirthDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        BirthDate::parse(&s).ok_or_else(|| D::Error::custom(format!("invalid birth date {s:?}")))
    }
}

/// A salted, truncated SHA-256 digest of a national ID number.
///
/// 4 bytes of salt followed by the first 8 bytes of
/// `SHA-256("qrcred-id-v1" || salt || id_number)`. A door that reads the ID
/// card recomputes it with [`IdDigest::matches`]; the number itself never
/// travels in the code. ID numbers have little entropy, so this keeps the
/// number out of plain sight; it is not a secret against a determined search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdDigest(pub [u8; 12]);

impl IdDigest {
    /// Computes the digest of `id_number` (trimmed, upper-cased) with `salt`.
    pub fn compute(salt: [u8; 4], id_number: &str) -> Self {
        let normalized = id_number.trim().to_ascii_uppercase();
        let hash = Sha256::new()
            .chain_update(b"qrcred-id-v1")
            .chain_update(salt)
            .chain_update(normalized.as_bytes())
            .finalize();
        let mut out = [0u8; 12];
        out[..4].copy_from_slice(&salt);
        out[4..].copy_from_slice(&hash[..8]);
        IdDigest(out)
    }

    /// Whether `id_number` (as read from an ID document) gives this digest.
    pub fn matches(&self, id_number: &str) -> bool {
        let mut salt = [0u8; 4];
        salt.copy_from_slice(&self.0[..4]);
        IdDigest::compute(salt, id_number) == *self
    }
}

impl Serialize for IdDigest {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.collect_str(&crate::keys::Hex(&self.0))
    }
}

impl<'de> Deserialize<'de> for IdDigest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        crate::keys::parse_hex::<12>(&s)
            .map(IdDigest)
            .ok_or_else(|| D::Error::custom("id_digest must be 24 hex digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_date_forms() {
        for s in ["1990-03-15", "1990-03", "1990"] {
            assert_eq!(BirthDate::parse(s).map(|d| d.to_string()).as_deref(), Some(s));
        }
        for s in ["1990-13", "1990-02-30", "90", "1990-3", "", "1899", "1990-03-15-01"] {
            assert_eq!(BirthDate::parse(s), None, "{s}");
        }
    }

    #[test]
    fn id_digest_matches_only_its_number() {
        let d = IdDigest::compute([1, 2, 3, 4], "11010519491231002x");
        assert!(d.matches(" 11010519491231002X"));
        assert!(!d.matches("110105194912310021"));
        assert_eq!(&d.0[..4], &[1, 2, 3, 4]);
    }

    #[test]
    fn icao_alphabet_enforced() {
        let s = Subject::new("王", "小明", BirthDate::Year(1990)).with_icao("WANG", "xiaoming");
        assert_eq!(s.validate().expect_err("lower").code(), "claims.invalid_value");
    }
}
