//! The five kinds of credential and their coded values.

use alloc::string::String;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{check_country, check_text};
use crate::error::{ClaimsError, Result};

/// Longest short text field (centre, facility, site, unit) in bytes.
pub(crate) const MAX_SHORT_TEXT: usize = 32;

/// Declares an enum carried on the wire as a small integer and in JSON as a name.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[doc = $doc:literal])* $variant:ident = $code:literal, $json:literal; )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[doc = $doc])* #[serde(rename = $json)] $variant, )*
        }

        impl $name {
            /// Every value, in wire-code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The wire code (SPEC.md).
            pub fn code(self) -> u64 {
                match self { $( $name::$variant => $code, )* }
            }

            /// The value with this wire code.
            pub fn from_code(code: u64) -> Option<Self> {
                match code { $( $code => Some($name::$variant), )* _ => None }
            }

            /// The JSON name.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $json, )* }
            }
        }
    };
}

code_enum! {
    /// A health status colour.
    Colour {
        /// No restriction.
        Green = 0, "green";
        /// Restricted: e.g. a close contact awaiting a test.
        Yellow = 1, "yellow";
        /// Denied: e.g. a positive test.
        Red = 2, "red";
    }
}

code_enum! {
    /// Why a health status is not green.
    StatusReason {
        /// Close contact of a confirmed case.
        CloseContact = 1, "close_contact";
        /// A positive test.
        PositiveTest = 2, "positive_test";
        /// Recent travel from a risk area.
        Travel = 3, "travel";
        /// Reported symptoms.
        Symptoms = 4, "symptoms";
        /// A required test is overdue.
        TestOverdue = 5, "test_overdue";
    }
}

code_enum! {
    /// A target disease or agent.
    Disease {
        /// COVID-19 (SARS-CoV-2), SNOMED CT 840539006.
        Covid19 = 1, "covid-19";
        /// Influenza, SNOMED CT 6142004.
        Influenza = 2, "influenza";
        /// Mpox, SNOMED CT 414015000.
        Mpox = 3, "mpox";
    }
}

code_enum! {
    /// A vaccine product.
    VaccineProduct {
        /// Sinopharm BBIBP-CorV.
        BbibpCorV = 1, "BBIBP-CorV";
        /// Sinovac CoronaVac.
        CoronaVac = 2, "CoronaVac";
        /// BioNTech/Pfizer Comirnaty (EU/1/20/1528).
        Comirnaty = 3, "Comirnaty";
        /// Moderna Spikevax (EU/1/20/1507).
        Spikevax = 4, "Spikevax";
        /// AstraZeneca Vaxzevria (EU/1/21/1529).
        Vaxzevria = 5, "Vaxzevria";
        /// Janssen Jcovden (EU/1/20/1525).
        Jcovden = 6, "Jcovden";
        /// CanSino Convidecia.
        Convidecia = 7, "Convidecia";
        /// Zhifei ZF2001.
        Zf2001 = 8, "ZF2001";
        /// Novavax Nuvaxovid (EU/1/21/1618).
        Nuvaxovid = 9, "Nuvaxovid";
        /// Gamaleya Sputnik V.
        SputnikV = 10, "Sputnik-V";
        /// Bharat Biotech Covaxin.
        Covaxin = 11, "Covaxin";
    }
}

code_enum! {
    /// A vaccine manufacturer or marketing authorisation holder.
    Manufacturer {
        /// China National Biotec Group (Sinopharm).
        Sinopharm = 1, "Sinopharm";
        /// Sinovac Biotech.
        Sinovac = 2, "Sinovac";
        /// BioNTech Manufacturing GmbH.
        BioNTech = 3, "BioNTech";
        /// Moderna Biotech.
        Moderna = 4, "Moderna";
        /// AstraZeneca AB.
        AstraZeneca = 5, "AstraZeneca";
        /// Janssen-Cilag International.
        Janssen = 6, "Janssen";
        /// CanSino Biologics.
        CanSino = 7, "CanSino";
        /// Anhui Zhifei Longcom.
        Zhifei = 8, "Zhifei";
        /// Novavax CZ.
        Novavax = 9, "Novavax";
        /// Gamaleya Research Institute.
        Gamaleya = 10, "Gamaleya";
        /// Bharat Biotech.
        Bharat = 11, "Bharat";
    }
}

code_enum! {
    /// The kind of test.
    TestType {
        /// Nucleic-acid amplification (PCR).
        NucleicAcid = 1, "nucleic_acid";
        /// Rapid antigen test.
        RapidAntigen = 2, "rapid_antigen";
    }
}

code_enum! {
    /// A test result.
    TestOutcome {
        /// Not detected.
        Negative = 0, "negative";
        /// Detected.
        Positive = 1, "positive";
    }
}

code_enum! {
    /// The holder's role at a site.
    Role {
        /// Lives there.
        Resident = 0, "resident";
        /// Works there.
        Staff = 1, "staff";
        /// Visits.
        Visitor = 2, "visitor";
    }
}

/// A health status colour with an optional reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthStatus {
    /// The colour.
    pub colour: Colour,
    /// Why the colour is what it is (usually absent for green).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<StatusReason>,
}

impl HealthStatus {
    /// The longest validity a health status code may have: 72 hours.
    pub const MAX_VALIDITY_HOURS: u32 = 72;
}

/// One vaccination dose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vaccination {
    /// Target disease.
    pub disease: Disease,
    /// Vaccine product.
    pub product: VaccineProduct,
    /// Manufacturer, when it needs saying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<Manufacturer>,
    /// Number of this dose (1-based; above `series_total` for boosters).
    pub dose: u8,
    /// Doses in the primary series.
    pub series_total: u8,
    /// Date of this dose.
    pub date: NaiveDate,
    /// Country of vaccination (ISO 3166-1 alpha-2).
    pub country: String,
    /// Vaccination centre or issuing body, as a short code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre: Option<String>,
}

impl Vaccination {
    pub(crate) fn validate(&self) -> Result<()> {
        if self.dose == 0 || self.dose > 20 {
            return Err(ClaimsError::InvalidValue {
                field: "vaccination.dose",
            }
            .into());
        }
        if self.series_total == 0 || self.series_total > 20 {
            return Err(ClaimsError::InvalidValue {
                field: "vaccination.series_total",
            }
            .into());
        }
        check_country("vaccination.country", &self.country)?;
        match &self.centre {
            Some(c) => check_text("vaccination.centre", c, MAX_SHORT_TEXT),
            None => Ok(()),
        }
    }

    /// Whether this dose completes the primary series (boosters included).
    pub fn completes_series(&self) -> bool {
        self.dose >= self.series_total
    }
}

/// A test result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestResult {
    /// Target disease.
    pub disease: Disease,
    /// Kind of test.
    pub test_type: TestType,
    /// Result.
    pub result: TestOutcome,
    /// When the sample was collected (whole seconds, UTC).
    pub sampled_at: DateTime<Utc>,
    /// Test facility, as a short code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
    /// Country of the test (ISO 3166-1 alpha-2).
    pub country: String,
}

impl TestResult {
    pub(crate) fn validate(&self) -> Result<()> {
        if self.sampled_at.timestamp() < 0 || self.sampled_at.timestamp_subsec_nanos() != 0 {
            return Err(ClaimsError::InvalidValue {
                field: "test_result.sampled_at",
            }
            .into());
        }
        check_country("test_result.country", &self.country)?;
        match &self.facility {
            Some(f) => check_text("test_result.facility", f, MAX_SHORT_TEXT),
            None => Ok(()),
        }
    }
}

/// Recovery from an infection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    /// Disease recovered from.
    pub disease: Disease,
    /// Date of the first positive test.
    pub first_positive: NaiveDate,
    /// First day the recovery counts.
    pub valid_from: NaiveDate,
    /// Last day the recovery counts.
    pub valid_until: NaiveDate,
    /// Country (ISO 3166-1 alpha-2).
    pub country: String,
}

impl Recovery {
    pub(crate) fn validate(&self) -> Result<()> {
        if self.valid_until < self.valid_from {
            return Err(ClaimsError::InvalidValue {
                field: "recovery.valid_until",
            }
            .into());
        }
        check_country("recovery.country", &self.country)
    }
}

/// A residence or site access pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessPass {
    /// The site (compound, building) the pass is for.
    pub site: String,
    /// Unit or apartment, where it matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The holder's role.
    pub role: Role,
}

impl AccessPass {
    pub(crate) fn validate(&self) -> Result<()> {
        check_text("access_pass.site", &self.site, MAX_SHORT_TEXT)?;
        match &self.unit {
            Some(u) => check_text("access_pass.unit", u, MAX_SHORT_TEXT),
            None => Ok(()),
        }
    }
}
