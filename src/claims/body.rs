//! The credential body: subject and kind, with small integer keys.

use alloc::{string::String, vec::Vec};
use chrono::{DateTime, Days, NaiveDate, Utc};
use ciborium::value::Value;

use crate::cbor;
use crate::error::{ClaimsError, Result};
use crate::fields::{Fields, int};
use crate::model::{
    AccessPass, BirthDate, Colour, Credential, CredentialBody, Disease, HealthStatus, IdDigest, Kind, Manufacturer,
    Recovery, Role, StatusReason, Subject, TestOutcome, TestResult, TestType, Vaccination, VaccineProduct,
};

/// Body key of the subject.
const SUBJECT: i64 = 1;

/// Collects the entries of one map, skipping absent optional fields.
#[derive(Default)]
struct MapBuilder(Vec<(Value, Value)>);

impl MapBuilder {
    fn put(mut self, key: i64, value: Value) -> Self {
        self.0.push((int(key), value));
        self
    }

    fn put_opt(self, key: i64, value: Option<Value>) -> Self {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    fn build(self) -> Result<Value> {
        cbor::map(self.0)
    }
}

fn uint(v: u64) -> Value {
    Value::Integer(v.into())
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn epoch() -> NaiveDate {
    DateTime::<Utc>::UNIX_EPOCH.date_naive()
}

/// A date as days since 1970-01-01 (negative before).
fn date(d: NaiveDate) -> Value {
    Value::Integer(d.signed_duration_since(epoch()).num_days().into())
}

fn date_from(days: i64) -> Option<NaiveDate> {
    let magnitude = Days::new(days.unsigned_abs());
    if days >= 0 {
        epoch().checked_add_days(magnitude)
    } else {
        epoch().checked_sub_days(magnitude)
    }
}

/// Encodes the body map `{1: subject, kind-key: kind}`.
pub(super) fn encode(c: &Credential) -> Result<Value> {
    let kind = match &c.body {
        CredentialBody::HealthStatus(s) => MapBuilder::default()
            .put(1, uint(s.colour.code()))
            .put_opt(2, s.reason.map(|r| uint(r.code()))),
        CredentialBody::Vaccination(v) => MapBuilder::default()
            .put(1, uint(v.disease.code()))
            .put(2, uint(v.product.code()))
            .put_opt(3, v.manufacturer.map(|m| uint(m.code())))
            .put(4, uint(v.dose.into()))
            .put(5, uint(v.series_total.into()))
            .put(6, date(v.date))
            .put(7, text(&v.country))
            .put_opt(8, v.centre.as_deref().map(text)),
        CredentialBody::TestResult(t) => MapBuilder::default()
            .put(1, uint(t.disease.code()))
            .put(2, uint(t.test_type.code()))
            .put(3, uint(t.result.code()))
            .put(4, Value::Integer(t.sampled_at.timestamp().into()))
            .put_opt(5, t.facility.as_deref().map(text))
            .put(6, text(&t.country)),
        CredentialBody::Recovery(r) => MapBuilder::default()
            .put(1, uint(r.disease.code()))
            .put(2, date(r.first_positive))
            .put(3, date(r.valid_from))
            .put(4, date(r.valid_until))
            .put(5, text(&r.country)),
        CredentialBody::AccessPass(a) => MapBuilder::default()
            .put(1, text(&a.site))
            .put_opt(2, a.unit.as_deref().map(text))
            .put(3, uint(a.role.code())),
    };
    let kind_key = i64::try_from(c.kind().wire_key()).map_err(|_| ClaimsError::InvalidKind)?;
    MapBuilder::default()
        .put(SUBJECT, encode_subject(&c.subject)?)
        .put(kind_key, kind.build()?)
        .build()
}

fn encode_subject(s: &Subject) -> Result<Value> {
    let dob = match s.birth_date {
        BirthDate::Full(d) => date(d),
        partial => Value::Text(alloc::format!("{partial}")),
    };
    MapBuilder::default()
        .put(1, text(&s.family_name))
        .put_opt(2, s.given_name.as_deref().map(text))
        .put_opt(3, s.family_name_icao.as_deref().map(text))
        .put_opt(4, s.given_name_icao.as_deref().map(text))
        .put(5, dob)
        .put_opt(6, s.id_digest.map(|d| Value::Bytes(d.0.to_vec())))
        .build()
}

/// Takes a nested map value, or fails with a wrong-type error for `field`.
fn as_map(value: Value, field: &'static str) -> Result<Vec<(Value, Value)>> {
    match value {
        Value::Map(m) => Ok(m),
        _ => Err(ClaimsError::WrongType { field }.into()),
    }
}

/// Decodes the body map into a credential (validated by the caller).
pub(super) fn decode(value: Value) -> Result<Credential> {
    let entries = as_map(value, "credential")?;
    let mut kinds = Vec::with_capacity(1);
    let mut subject = None;
    for (k, v) in entries {
        let key = match &k {
            Value::Integer(i) => u64::try_from(*i).ok(),
            _ => None,
        };
        match key {
            Some(1) if subject.is_none() => subject = Some(v),
            Some(key) => match Kind::from_wire_key(key) {
                Some(kind) => kinds.push((kind, v)),
                None => return Err(unknown(&k)),
            },
            None => return Err(unknown(&k)),
        }
    }
    let subject = decode_subject(subject.ok_or(ClaimsError::Missing { field: "subject" })?)?;
    let (kind, value) = match <[_; 1]>::try_from(kinds) {
        Ok([one]) => one,
        Err(_) => return Err(ClaimsError::InvalidKind.into()),
    };
    let body = match kind {
        Kind::HealthStatus => CredentialBody::HealthStatus(decode_status(value)?),
        Kind::Vaccination => CredentialBody::Vaccination(decode_vaccination(value)?),
        Kind::TestResult => CredentialBody::TestResult(decode_test(value)?),
        Kind::Recovery => CredentialBody::Recovery(decode_recovery(value)?),
        Kind::AccessPass => CredentialBody::AccessPass(decode_access(value)?),
    };
    Ok(Credential { subject, body })
}

fn unknown(key: &Value) -> crate::Error {
    let field = match key {
        Value::Integer(i) => alloc::format!("credential.{}", i128::from(*i)),
        _ => String::from("credential.(non-integer key)"),
    };
    ClaimsError::UnknownField { field }.into()
}

fn decode_subject(value: Value) -> Result<Subject> {
    const NAMES: &[(i64, &str)] = &[
        (1, "subject.family_name"),
        (2, "subject.given_name"),
        (3, "subject.family_name_icao"),
        (4, "subject.given_name_icao"),
        (5, "subject.birth_date"),
        (6, "subject.id_digest"),
    ];
    let mut f = Fields::new(as_map(value, "subject")?, NAMES, "subject")?;
    let birth_date = match f.value(5)? {
        Value::Integer(i) => i64::try_from(i).ok().and_then(date_from).map(BirthDate::Full),
        Value::Text(t) if t.len() < 10 => BirthDate::parse(&t),
        Value::Text(_) => None,
        _ => {
            return Err(ClaimsError::WrongType {
                field: "subject.birth_date",
            }
            .into());
        }
    }
    .ok_or_else(|| f.invalid(5))?;
    Ok(Subject {
        family_name: f.text(1)?,
        given_name: f.opt_text(2)?,
        family_name_icao: f.opt_text(3)?,
        given_name_icao: f.opt_text(4)?,
        birth_date,
        id_digest: f.opt_bytes::<12>(6)?.map(IdDigest),
    })
}

fn day(f: &mut Fields, key: i64) -> Result<NaiveDate> {
    let days = f.int(key)?;
    date_from(days).ok_or_else(|| f.invalid(key))
}

fn decode_status(value: Value) -> Result<HealthStatus> {
    const NAMES: &[(i64, &str)] = &[(1, "health_status.colour"), (2, "health_status.reason")];
    let mut f = Fields::new(as_map(value, "health_status")?, NAMES, "health_status")?;
    Ok(HealthStatus {
        colour: f.code(1, Colour::from_code)?,
        reason: f.opt_code(2, StatusReason::from_code)?,
    })
}

fn decode_vaccination(value: Value) -> Result<Vaccination> {
    const NAMES: &[(i64, &str)] = &[
        (1, "vaccination.disease"),
        (2, "vaccination.product"),
        (3, "vaccination.manufacturer"),
        (4, "vaccination.dose"),
        (5, "vaccination.series_total"),
        (6, "vaccination.date"),
        (7, "vaccination.country"),
        (8, "vaccination.centre"),
    ];
    let mut f = Fields::new(as_map(value, "vaccination")?, NAMES, "vaccination")?;
    Ok(Vaccination {
        disease: f.code(1, Disease::from_code)?,
        product: f.code(2, VaccineProduct::from_code)?,
        manufacturer: f.opt_code(3, Manufacturer::from_code)?,
        dose: f.u8(4)?,
        series_total: f.u8(5)?,
        date: day(&mut f, 6)?,
        country: f.text(7)?,
        centre: f.opt_text(8)?,
    })
}

fn decode_test(value: Value) -> Result<TestResult> {
    const NAMES: &[(i64, &str)] = &[
        (1, "test_result.disease"),
        (2, "test_result.test_type"),
        (3, "test_result.result"),
        (4, "test_result.sampled_at"),
        (5, "test_result.facility"),
        (6, "test_result.country"),
    ];
    let mut f = Fields::new(as_map(value, "test_result")?, NAMES, "test_result")?;
    let seconds = f.uint(4)?;
    let sampled_at = i64::try_from(seconds)
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .ok_or_else(|| f.invalid(4))?;
    Ok(TestResult {
        disease: f.code(1, Disease::from_code)?,
        test_type: f.code(2, TestType::from_code)?,
        result: f.code(3, TestOutcome::from_code)?,
        sampled_at,
        facility: f.opt_text(5)?,
        country: f.text(6)?,
    })
}

fn decode_recovery(value: Value) -> Result<Recovery> {
    const NAMES: &[(i64, &str)] = &[
        (1, "recovery.disease"),
        (2, "recovery.first_positive"),
        (3, "recovery.valid_from"),
        (4, "recovery.valid_until"),
        (5, "recovery.country"),
    ];
    let mut f = Fields::new(as_map(value, "recovery")?, NAMES, "recovery")?;
    Ok(Recovery {
        disease: f.code(1, Disease::from_code)?,
        first_positive: day(&mut f, 2)?,
        valid_from: day(&mut f, 3)?,
        valid_until: day(&mut f, 4)?,
        country: f.text(5)?,
    })
}

fn decode_access(value: Value) -> Result<AccessPass> {
    const NAMES: &[(i64, &str)] = &[
        (1, "access_pass.site"),
        (2, "access_pass.unit"),
        (3, "access_pass.role"),
    ];
    let mut f = Fields::new(as_map(value, "access_pass")?, NAMES, "access_pass")?;
    Ok(AccessPass {
        site: f.text(1)?,
        unit: f.opt_text(2)?,
        role: f.code(3, Role::from_code)?,
    })
}
