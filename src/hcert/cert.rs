//! The health certificate under claim -260 → 1: a typed model of the EU DCC
//! schema 1.3 and the schema's rules, and its mapping to [`Credential`].

use alloc::{borrow::ToOwned, format, string::String, vec::Vec};
use chrono::{DateTime, NaiveDate, Utc};
use ciborium::value::Value;
use serde::Serialize;

use crate::error::{HcertError, Result};
use crate::model::{
    BirthDate, Credential, CredentialBody, Disease, Manufacturer, Recovery, Subject, TestOutcome, TestResult, TestType,
    Vaccination, VaccineProduct,
};

/// A decoded EU DCC / WHO GDHCN health certificate (schema 1.3; earlier
/// 1.x versions are read into the same model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthCertificate {
    /// `ver`: the schema version, e.g. `1.3.0`.
    pub ver: String,
    /// `nam`: the subject's names.
    pub nam: Names,
    /// `dob`: the date of birth, `YYYY-MM-DD`, `YYYY-MM`, `YYYY` or empty (unknown).
    pub dob: String,
    /// The one vaccination, test or recovery entry.
    #[serde(flatten)]
    pub entry: Entry,
}

/// `nam`: the names as written and as transliterated (ICAO 9303).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Names {
    /// `fn`: surname(s).
    #[serde(rename = "fn", skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// `fnt`: surname(s), transliterated (`A`–`Z` and `<`).
    #[serde(rename = "fnt", skip_serializing_if = "Option::is_none")]
    pub family_icao: Option<String>,
    /// `gn`: forename(s).
    #[serde(rename = "gn", skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    /// `gnt`: forename(s), transliterated.
    #[serde(rename = "gnt", skip_serializing_if = "Option::is_none")]
    pub given_icao: Option<String>,
}

/// The certificate's one entry: `v`, `t` or `r`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Entry {
    /// `v`: a vaccination.
    #[serde(rename = "v", serialize_with = "one")]
    Vaccination(VaccinationEntry),
    /// `t`: a test.
    #[serde(rename = "t", serialize_with = "one")]
    Test(TestEntry),
    /// `r`: a recovery.
    #[serde(rename = "r", serialize_with = "one")]
    Recovery(RecoveryEntry),
}

/// Entries travel as arrays of one.
fn one<T: Serialize, S: serde::Serializer>(entry: &T, s: S) -> core::result::Result<S::Ok, S::Error> {
    [entry].serialize(s)
}

/// A `v` entry. Codes are the EU value sets' (e.g. `tg` `840539006` for COVID-19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaccinationEntry {
    /// Disease or agent targeted.
    pub tg: String,
    /// Vaccine or prophylaxis.
    pub vp: String,
    /// Medicinal product.
    pub mp: String,
    /// Marketing authorisation holder or manufacturer.
    pub ma: String,
    /// Dose number.
    pub dn: u32,
    /// Total doses in the series.
    pub sd: u32,
    /// Date of vaccination.
    pub dt: String,
    /// Member state or third country of vaccination.
    pub co: String,
    /// Certificate issuer.
    pub is: String,
    /// Unique certificate identifier (UVCI).
    pub ci: String,
}

/// A `t` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestEntry {
    /// Disease or agent targeted.
    pub tg: String,
    /// Type of test.
    pub tt: String,
    /// Test name (NAAT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nm: Option<String>,
    /// Test device identifier (RAT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ma: Option<String>,
    /// Date and time of sample collection.
    pub sc: String,
    /// Test result.
    pub tr: String,
    /// Testing centre or facility.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tc: Option<String>,
    /// Member state or third country of the test.
    pub co: String,
    /// Certificate issuer.
    pub is: String,
    /// Unique certificate identifier (UVCI).
    pub ci: String,
}

/// An `r` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryEntry {
    /// Disease or agent the holder recovered from.
    pub tg: String,
    /// Date of the first positive NAAT result.
    pub fr: String,
    /// Member state or third country of the test.
    pub co: String,
    /// Certificate issuer.
    pub is: String,
    /// Valid from.
    pub df: String,
    /// Valid until.
    pub du: String,
    /// Unique certificate identifier (UVCI).
    pub ci: String,
}

/// Longest `fn`, `fnt`, `gn`, `gnt`, `is`, `ci`, `nm` and `tc` (schema `maxLength`).
const MAX_TEXT: usize = 80;
/// Longest value-set code or other short field this reader keeps.
const MAX_CODE: usize = 80;

/// The fields of one CBOR map, each taken out (moved) by name, once.
struct Fields {
    entries: Vec<(Value, Value)>,
}

fn schema(field: &'static str) -> crate::error::Error {
    HcertError::Schema { field }.into()
}

impl Fields {
    fn of(value: Value, path: &'static str) -> Result<Fields> {
        match value {
            Value::Map(entries) => Ok(Fields { entries }),
            _ => Err(schema(path)),
        }
    }

    /// The value of `name`, moved out (a second take finds it absent).
    fn take(&mut self, name: &str) -> Option<Value> {
        let entry = self
            .entries
            .iter_mut()
            .find(|(k, _)| matches!(k, Value::Text(t) if t == name))?;
        // The key goes too, so that the field reads as absent afterwards.
        entry.0 = Value::Null;
        Some(core::mem::replace(&mut entry.1, Value::Null))
    }

    fn text(&mut self, name: &str, field: &'static str, max: usize) -> Result<Option<String>> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Text(t)) if t.len() <= max || t.chars().count() <= max => Ok(Some(t)),
            Some(_) => Err(schema(field)),
        }
    }

    fn required(&mut self, name: &str, field: &'static str, max: usize) -> Result<String> {
        self.text(name, field, max)?.ok_or_else(|| schema(field))
    }
}

/// Whether `version` is 1.0.x: the first schema, whose issuers wrote
/// `null` for absent entry groups and dates as `YYYY-MM-DDT00:00:00`.
fn legacy(version: &str) -> bool {
    version.starts_with("1.0.")
}

impl HealthCertificate {
    /// Reads and checks a certificate (the value of claim -260 → 1)
    /// against the schema's rules: the required fields and their types,
    /// lengths and formats, and exactly one entry in exactly one group.
    pub(crate) fn from_value(value: Value) -> Result<HealthCertificate> {
        let mut top = Fields::of(value, "hcert")?;
        let ver = top.required("ver", "ver", 16)?;
        if !semver(&ver) {
            return Err(schema("ver"));
        }
        let legacy = legacy(&ver);
        let nam = Names::from_fields(&mut Fields::of(top.take("nam").ok_or_else(|| schema("nam"))?, "nam")?)?;
        let mut dob = top.required("dob", "dob", 32)?;
        if legacy {
            dob = without_midnight(&dob);
        }
        if !birth_date_pattern(&dob) {
            return Err(schema("dob"));
        }
        let mut groups = Vec::new();
        for (name, field) in [("v", "v"), ("t", "t"), ("r", "r")] {
            match top.take(name) {
                None => {}
                Some(Value::Null) if legacy => {}
                Some(Value::Array(items)) if !items.is_empty() => {
                    for item in items {
                        groups.push((name, item));
                    }
                }
                Some(_) => return Err(schema(field)),
            }
        }
        let Ok([(group, item)]) = <[(&str, Value); 1]>::try_from(groups) else {
            return Err(HcertError::EntryCount.into());
        };
        let entry = match group {
            "v" => Entry::Vaccination(VaccinationEntry::from_value(item, legacy)?),
            "t" => Entry::Test(TestEntry::from_value(item)?),
            _ => Entry::Recovery(RecoveryEntry::from_value(item, legacy)?),
        };
        Ok(HealthCertificate { ver, nam, dob, entry })
    }

    /// Reads and checks a certificate given as JSON (as the EU schema's
    /// examples and the test data's `JSON` fields are written).
    pub fn from_json(json: &str) -> Result<HealthCertificate> {
        let value: Value = serde_json::from_str(json).map_err(|_| schema("hcert"))?;
        HealthCertificate::from_value(value)
    }

    /// The entry's unique certificate identifier (UVCI).
    pub fn uvci(&self) -> &str {
        match &self.entry {
            Entry::Vaccination(v) => &v.ci,
            Entry::Test(t) => &t.ci,
            Entry::Recovery(r) => &r.ci,
        }
    }

    /// The entry's country (`co`).
    pub fn country(&self) -> &str {
        match &self.entry {
            Entry::Vaccination(v) => &v.co,
            Entry::Test(t) => &t.co,
            Entry::Recovery(r) => &r.co,
        }
    }

    /// The kind of credential the entry maps to.
    pub fn kind(&self) -> crate::Kind {
        match self.entry {
            Entry::Vaccination(_) => crate::Kind::Vaccination,
            Entry::Test(_) => crate::Kind::TestResult,
            Entry::Recovery(_) => crate::Kind::Recovery,
        }
    }

    /// The certificate as this crate's [`Credential`], so that the same
    /// rules decide on it (SPEC.md §14.6 gives the mapping). A value with
    /// no counterpart in the model (a disease other than COVID-19, a
    /// vaccine product the model does not name, an unknown date of birth)
    /// is refused with `hcert.unmapped`.
    pub fn to_credential(&self) -> Result<Credential> {
        let unmapped = |field: &'static str| crate::error::Error::from(HcertError::Unmapped { field });
        let subject = self.nam.to_subject(&self.dob)?;
        let body = match &self.entry {
            Entry::Vaccination(v) => CredentialBody::Vaccination(Vaccination {
                disease: disease(&v.tg).ok_or_else(|| unmapped("v.tg"))?,
                product: product(&v.mp).ok_or_else(|| unmapped("v.mp"))?,
                manufacturer: manufacturer(&v.ma),
                dose: u8::try_from(v.dn).map_err(|_| unmapped("v.dn"))?,
                series_total: u8::try_from(v.sd).map_err(|_| unmapped("v.sd"))?,
                date: date(&v.dt).ok_or_else(|| unmapped("v.dt"))?,
                country: v.co.clone(),
                centre: None,
            }),
            Entry::Test(t) => CredentialBody::TestResult(TestResult {
                disease: disease(&t.tg).ok_or_else(|| unmapped("t.tg"))?,
                test_type: match t.tt.as_str() {
                    "LP6464-4" => TestType::NucleicAcid,
                    "LP217198-3" => TestType::RapidAntigen,
                    _ => return Err(unmapped("t.tt")),
                },
                result: match t.tr.as_str() {
                    "260415000" => TestOutcome::Negative,
                    "260373001" => TestOutcome::Positive,
                    _ => return Err(unmapped("t.tr")),
                },
                sampled_at: instant(&t.sc).ok_or_else(|| unmapped("t.sc"))?,
                // The model keeps facility names of up to 32 bytes; a longer
                // one stays in the certificate only.
                facility: t
                    .tc
                    .clone()
                    .filter(|tc| crate::model::check_text("test_result.facility", tc, 32).is_ok()),
                country: t.co.clone(),
            }),
            Entry::Recovery(r) => CredentialBody::Recovery(Recovery {
                disease: disease(&r.tg).ok_or_else(|| unmapped("r.tg"))?,
                first_positive: date(&r.fr).ok_or_else(|| unmapped("r.fr"))?,
                valid_from: date(&r.df).ok_or_else(|| unmapped("r.df"))?,
                valid_until: date(&r.du).ok_or_else(|| unmapped("r.du"))?,
                country: r.co.clone(),
            }),
        };
        let credential = Credential { subject, body };
        // The model's own checks (name lengths, country codes, dose ranges).
        credential.validate().map_err(|_| unmapped("hcert"))?;
        Ok(credential)
    }
}

impl Names {
    fn from_fields(f: &mut Fields) -> Result<Names> {
        let icao = |f: &mut Fields, name: &str, field: &'static str| -> Result<Option<String>> {
            let value = f.text(name, field, MAX_TEXT)?;
            match value {
                Some(v) if !v.bytes().all(|b| b.is_ascii_uppercase() || b == b'<') => Err(schema(field)),
                other => Ok(other),
            }
        };
        let names = Names {
            family: f.text("fn", "nam.fn", MAX_TEXT)?,
            family_icao: icao(f, "fnt", "nam.fnt")?,
            given: f.text("gn", "nam.gn", MAX_TEXT)?,
            given_icao: icao(f, "gnt", "nam.gnt")?,
        };
        if names.family_icao.is_none() && names.given_icao.is_none() {
            return Err(schema("nam.fnt"));
        }
        Ok(names)
    }

    /// The subject: the family name is `fn` (else `fnt`); a person with
    /// only a forename gets it as the family name, as the one name shown.
    fn to_subject(&self, dob: &str) -> Result<Subject> {
        let unmapped = |field: &'static str| crate::error::Error::from(HcertError::Unmapped { field });
        let present = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        let (family, given) = match (
            present(&self.family).or(present(&self.family_icao)),
            present(&self.given),
        ) {
            (Some(family), given) => (family, given.or(present(&self.given_icao))),
            (None, Some(given)) => (given, None),
            (None, None) => (present(&self.given_icao).ok_or_else(|| unmapped("nam"))?, None),
        };
        let birth_date = BirthDate::parse(dob).ok_or_else(|| unmapped("dob"))?;
        let mut subject = Subject::new(&family, given.as_deref().unwrap_or(""), birth_date);
        subject.family_name_icao = present(&self.family_icao);
        subject.given_name_icao = present(&self.given_icao);
        Ok(subject)
    }
}

impl VaccinationEntry {
    fn from_value(value: Value, legacy: bool) -> Result<VaccinationEntry> {
        let mut f = Fields::of(value, "v")?;
        let mut dt = f.required("dt", "v.dt", 32)?;
        if legacy {
            dt = without_midnight(&dt);
        }
        if date(&dt).is_none() {
            return Err(schema("v.dt"));
        }
        Ok(VaccinationEntry {
            tg: f.required("tg", "v.tg", MAX_CODE)?,
            vp: f.required("vp", "v.vp", MAX_CODE)?,
            mp: f.required("mp", "v.mp", MAX_CODE)?,
            ma: f.required("ma", "v.ma", MAX_CODE)?,
            dn: dose(f.take("dn"), "v.dn")?,
            sd: dose(f.take("sd"), "v.sd")?,
            dt,
            co: country(&mut f, "v.co")?,
            is: f.required("is", "v.is", MAX_TEXT)?,
            ci: f.required("ci", "v.ci", MAX_TEXT)?,
        })
    }
}

impl TestEntry {
    fn from_value(value: Value) -> Result<TestEntry> {
        let mut f = Fields::of(value, "t")?;
        let sc = f.required("sc", "t.sc", 40)?;
        if instant(&sc).is_none() {
            return Err(schema("t.sc"));
        }
        Ok(TestEntry {
            tg: f.required("tg", "t.tg", MAX_CODE)?,
            tt: f.required("tt", "t.tt", MAX_CODE)?,
            nm: f.text("nm", "t.nm", MAX_TEXT)?,
            ma: f.text("ma", "t.ma", MAX_CODE)?,
            sc,
            tr: f.required("tr", "t.tr", MAX_CODE)?,
            tc: f.text("tc", "t.tc", MAX_TEXT)?,
            co: country(&mut f, "t.co")?,
            is: f.required("is", "t.is", MAX_TEXT)?,
            ci: f.required("ci", "t.ci", MAX_TEXT)?,
        })
    }
}

impl RecoveryEntry {
    fn from_value(value: Value, legacy: bool) -> Result<RecoveryEntry> {
        let mut f = Fields::of(value, "r")?;
        let day = |f: &mut Fields, name: &str, field: &'static str| -> Result<String> {
            let mut d = f.required(name, field, 32)?;
            if legacy {
                d = without_midnight(&d);
            }
            date(&d).map(|_| d).ok_or_else(|| schema(field))
        };
        Ok(RecoveryEntry {
            tg: f.required("tg", "r.tg", MAX_CODE)?,
            fr: day(&mut f, "fr", "r.fr")?,
            co: country(&mut f, "r.co")?,
            is: f.required("is", "r.is", MAX_TEXT)?,
            df: day(&mut f, "df", "r.df")?,
            du: day(&mut f, "du", "r.du")?,
            ci: f.required("ci", "r.ci", MAX_TEXT)?,
        })
    }
}

/// `dn` and `sd`: an integer of at least 1.
fn dose(value: Option<Value>, field: &'static str) -> Result<u32> {
    match value {
        Some(Value::Integer(i)) => u32::try_from(i128::from(i))
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| schema(field)),
        _ => Err(schema(field)),
    }
}

/// `co`: the schema's `[A-Z]{1,10}` (an ISO 3166 code in practice).
fn country(f: &mut Fields, field: &'static str) -> Result<String> {
    let co = f.required("co", field, 10)?;
    if co.is_empty() || !co.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(schema(field));
    }
    Ok(co)
}

/// `^\d+.\d+.\d+$`.
fn semver(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `^((19|20)\d\d(-\d\d){0,2}){0,1}$`.
fn birth_date_pattern(dob: &str) -> bool {
    if dob.is_empty() {
        return true;
    }
    let b = dob.as_bytes();
    let digits = |r: core::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let century = b.starts_with(b"19") || b.starts_with(b"20");
    let shape = match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => false,
    };
    century && shape
}

/// Schema 1.0 wrote dates as `YYYY-MM-DDT00:00:00`: the date alone.
fn without_midnight(s: &str) -> String {
    s.strip_suffix("T00:00:00").unwrap_or(s).to_owned()
}

/// A full date, `YYYY-MM-DD`.
fn date(s: &str) -> Option<NaiveDate> {
    (s.len() == 10)
        .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
}

/// A date-time with a zone (RFC 3339; the schema's `date-time`).
fn instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// `tg`: only COVID-19 (SNOMED CT 840539006) has a counterpart.
fn disease(tg: &str) -> Option<Disease> {
    (tg == "840539006").then_some(Disease::Covid19)
}

/// `mp` (EU value set `vaccines-covid-19-names`) to the model's products.
fn product(mp: &str) -> Option<VaccineProduct> {
    Some(match mp {
        "EU/1/20/1528" => VaccineProduct::Comirnaty,
        "EU/1/20/1507" => VaccineProduct::Spikevax,
        "EU/1/21/1529" => VaccineProduct::Vaxzevria,
        "EU/1/20/1525" => VaccineProduct::Jcovden,
        "EU/1/21/1618" => VaccineProduct::Nuvaxovid,
        "BBIBP-CorV" => VaccineProduct::BbibpCorV,
        "CoronaVac" => VaccineProduct::CoronaVac,
        "Sputnik-V" => VaccineProduct::SputnikV,
        "Covaxin" => VaccineProduct::Covaxin,
        "Convidecia" => VaccineProduct::Convidecia,
        _ => return None,
    })
}

/// `ma` (EU value set `vaccines-covid-19-auth-holders`) to the model's
/// manufacturers; others map to none.
fn manufacturer(ma: &str) -> Option<Manufacturer> {
    Some(match ma {
        "ORG-100030215" => Manufacturer::BioNTech,
        "ORG-100031184" => Manufacturer::Moderna,
        "ORG-100001699" => Manufacturer::AstraZeneca,
        "ORG-100001417" => Manufacturer::Janssen,
        "ORG-100032020" => Manufacturer::Novavax,
        "ORG-100020693" => Manufacturer::Sinopharm,
        "ORG-100013793" => Manufacturer::CanSino,
        "Sinovac-Biotech" => Manufacturer::Sinovac,
        "Gamaleya-Research-Institute" => Manufacturer::Gamaleya,
        "Bharat-Biotech" => Manufacturer::Bharat,
        _ => return None,
    })
}

/// A CBOR value as JSON (text keys; integers, strings, booleans, null,
/// floats, arrays and maps), for comparing with a JSON form.
pub(crate) fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Integer(i) => {
            let i = i128::from(*i);
            i64::try_from(i)
                .map(J::from)
                .or_else(|_| u64::try_from(i).map(J::from))
                .unwrap_or(J::Null)
        }
        Value::Text(t) => J::String(t.clone()),
        Value::Bool(b) => J::Bool(*b),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Value::Text(t) => t.clone(),
                        other => format!("{other:?}"),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Value::Bytes(b) => J::Array(b.iter().map(|x| J::from(*x)).collect()),
        Value::Tag(_, inner) => to_json(inner),
        _ => J::Null,
    }
}
