//! The fixed inputs every case draws on: test keys derived from public
//! labels, issue times, trust entries, sample credentials, and minting
//! through the library's own issuer.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, CtiPolicy, IssueOptions, Issuer, IssuerKey, Kind, Limits, PublicKey, TrustedKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::case::{Case, Expect, Result, ValidExpect};
use super::wire;

/// The issue time of most cases: 2026-11-25T08:00:00Z.
pub const ISSUED: i64 = 1_795_593_600;
/// One hour, in seconds.
pub const HOUR: i64 = 3600;
/// The issuer id most cases' keys are trusted for.
pub const ISSUER_A: &str = "CN-SN-XA";
/// A second issuer.
pub const ISSUER_B: &str = "CN-BJ-HC";

/// The instant `secs` seconds after 1970-01-01T00:00:00Z.
pub fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::seconds(secs)
}

/// A test-only signing key whose seed is `SHA-256("qrcred test vector key: " ‖ label)`.
#[derive(Debug, Clone)]
pub struct TestKey {
    /// The label the seed is derived from.
    pub label: &'static str,
    /// The key.
    pub key: IssuerKey,
}

impl TestKey {
    /// The key of `label`.
    pub fn derive(label: &'static str) -> TestKey {
        let digest = Sha256::new()
            .chain_update(b"qrcred test vector key: ")
            .chain_update(label.as_bytes())
            .finalize();
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&digest);
        TestKey {
            label,
            key: IssuerKey::from_seed(&seed),
        }
    }
}

/// The test keys.
pub struct Fixture {
    /// Signs nearly every case; trusted for [`ISSUER_A`].
    pub a: TestKey,
    /// A second key, trusted for [`ISSUER_B`] where a case says so.
    pub b: TestKey,
}

impl Fixture {
    /// Derives the keys.
    pub fn new() -> Fixture {
        Fixture {
            a: TestKey::derive("issuer-a"),
            b: TestKey::derive("issuer-b"),
        }
    }

    /// A case signed by key A, trusted for every kind and time as [`ISSUER_A`].
    pub fn case(&self, name: &str, description: &str) -> Case {
        Case::new(name, description, instant(ISSUED + HOUR))
            .signed_by(&self.a)
            .trust(vec![Trust::of(&self.a, ISSUER_A)])
    }

    /// Minting through the library: key A as [`ISSUER_A`], issued at
    /// [`ISSUED`], valid 24 hours, default `cti` policy.
    pub fn mint(&self) -> Mint {
        Mint {
            key: self.a.clone(),
            issuer: ISSUER_A.into(),
            iss: false,
            at: instant(ISSUED),
            validity: TimeDelta::hours(24),
            not_before: None,
            cti: CtiPolicy::Auto,
        }
    }

    /// A case whose hand-built claims hold `credential`, issued at `iat`,
    /// valid from `start` until `exp`, signed by key A.
    pub fn hand_valid(&self, case: Case, credential: Credential, times: [i64; 3]) -> Case {
        let [iat, start, exp] = times;
        let kid = self.a.key.kid();
        let expect = ValidExpect {
            issuer: ISSUER_A.into(),
            kid,
            iat,
            start,
            exp,
            cti: None,
            credential: credential.clone(),
        };
        case.with_credential(credential).expect(Expect::Valid(Box::new(expect)))
    }
}

/// One trust store entry.
#[derive(Debug, Clone)]
pub struct Trust {
    /// The 32-byte Ed25519 public key.
    pub public_key: [u8; 32],
    /// The issuer name verified codes report.
    pub issuer: String,
    /// Codes issued before this instant are refused.
    pub valid_from: Option<DateTime<Utc>>,
    /// Codes issued at or after this instant are refused.
    pub valid_until: Option<DateTime<Utc>>,
    /// The kinds the key may sign.
    pub kinds: Vec<Kind>,
}

impl Trust {
    /// `key` trusted for `issuer`, always, for every kind.
    pub fn of(key: &TestKey, issuer: &str) -> Trust {
        Trust::raw(key.key.public_key().to_bytes(), issuer)
    }

    /// Raw public key bytes trusted for `issuer`.
    pub fn raw(public_key: [u8; 32], issuer: &str) -> Trust {
        Trust {
            public_key,
            issuer: issuer.into(),
            valid_from: None,
            valid_until: None,
            kinds: Kind::ALL.to_vec(),
        }
    }

    /// Restricts the window (`from <= iat < until`), in seconds.
    pub fn window(mut self, from: Option<i64>, until: Option<i64>) -> Trust {
        self.valid_from = from.map(instant);
        self.valid_until = until.map(instant);
        self
    }

    /// Restricts the kinds.
    pub fn kinds(mut self, kinds: &[Kind]) -> Trust {
        self.kinds = kinds.to_vec();
        self
    }

    /// The library's form.
    pub fn to_trusted_key(&self) -> Result<TrustedKey> {
        let key = PublicKey::from_bytes(&self.public_key)?;
        Ok(TrustedKey::new(key, &self.issuer)
            .with_window(self.valid_from, self.valid_until)
            .with_kinds(&self.kinds))
    }
}

/// How the library's issuer is asked to mint a case.
#[derive(Debug, Clone)]
pub struct Mint {
    /// The signing key.
    pub key: TestKey,
    /// The issuer id.
    pub issuer: String,
    /// Whether the code carries `iss`.
    pub iss: bool,
    /// `now` at issuing.
    pub at: DateTime<Utc>,
    /// Validity from the start.
    pub validity: TimeDelta,
    /// A later start.
    pub not_before: Option<DateTime<Utc>>,
    /// The `cti` policy.
    pub cti: CtiPolicy,
}

impl Mint {
    /// Issues `credential` and records every layer; expected valid an hour
    /// after the start, for the issuer of the first trust entry.
    pub fn issue(&self, case: Case, credential: &Credential) -> Result<Case> {
        let issuer = Issuer::new(self.key.key.clone(), &self.issuer).with_iss_claim(self.iss);
        let options = IssueOptions {
            validity: self.validity,
            not_before: self.not_before,
            cti: self.cti,
        };
        let payload = issuer.issue_bytes_with(credential, &options, self.at)?;
        let cose = qrcred::layers::decompress(payload.clone(), &Limits::DEFAULT)?;
        let claims = wire::claims_of(&cose).ok_or("the issuer's COSE layout changed")?;
        let iat = self.at.timestamp();
        let start = self.not_before.map_or(iat, |n| n.timestamp().max(iat));
        let cti = self.expected_cti(credential.kind(), &claims)?;
        let expect = ValidExpect {
            issuer: self.issuer.clone(),
            kid: self.key.key.kid(),
            iat,
            start,
            exp: start + self.validity.num_seconds(),
            cti,
            credential: credential.clone(),
        };
        Ok(case
            .signed_by(&self.key)
            .at(instant(start + HOUR))
            .with_credential(credential.clone())
            .claims(claims)
            .cose(cose)
            .payload(payload)
            .expect(Expect::Valid(Box::new(expect))))
    }

    /// The `cti` the claims must carry, recomputed by the formula of SPEC.md §6.
    fn expected_cti(&self, kind: Kind, claims: &[u8]) -> Result<Option<[u8; 8]>> {
        let derived = match self.cti {
            CtiPolicy::Fixed(cti) => return Ok(Some(cti)),
            CtiPolicy::Never => false,
            CtiPolicy::Auto => kind.revocable_by_default(),
            _ => true,
        };
        if !derived {
            return Ok(None);
        }
        derived_cti(&self.key.key.seed(), claims).map(Some)
    }
}

/// Finds `07 48 <cti>` before the credential key in deterministic claims,
/// recomputes `HMAC-SHA256(HMAC-SHA256(seed, "qrcred cti key v1"), claims
/// without key 7)[..8]`
/// and checks that it is the `cti` written.
fn derived_cti(seed: &[u8; 32], claims: &[u8]) -> Result<[u8; 8]> {
    const CREDENTIAL_KEY: [u8; 5] = [0x3a, 0x00, 0x01, 0x00, 0x00];
    let at = (1..claims.len().saturating_sub(15))
        .find(|&i| claims[i..i + 2] == [0x07, 0x48] && claims[i + 10..i + 15] == CREDENTIAL_KEY)
        .ok_or("no cti in the claims")?;
    let mut without = claims.to_vec();
    without.drain(at..at + 10);
    without[0] -= 1; // one entry fewer in the map header
    let cti_key = hmac_sha256(seed, b"qrcred cti key v1")?;
    let digest = hmac_sha256(&cti_key, &without)?;
    let mut cti = [0u8; 8];
    cti.copy_from_slice(&claims[at + 2..at + 10]);
    if digest[..8] != cti {
        return Err("the derived cti does not follow SPEC.md §6".into());
    }
    Ok(cti)
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Result<[u8; 32]> {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| "HMAC key")?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().into())
}

/// The sample subject: 王 小明 (WANG XIAOMING), born 1990-03-15.
pub fn wang() -> Value {
    json!({
        "family_name": "王",
        "given_name": "小明",
        "family_name_icao": "WANG",
        "given_name_icao": "XIAOMING",
        "birth_date": "1990-03-15"
    })
}

/// A credential of the sample subject with one kind.
pub fn credential(kind: &str, body: Value) -> Result<Credential> {
    credential_of(wang(), kind, body)
}

/// A credential from its subject and one kind, through the serde form.
pub fn credential_of(subject: Value, kind: &str, body: Value) -> Result<Credential> {
    let mut map = serde_json::Map::new();
    map.insert("subject".into(), subject);
    map.insert(kind.into(), body);
    Ok(serde_json::from_value(Value::Object(map))?)
}

/// `value` with `key` set (a JSON object).
pub fn with(mut value: Value, key: &str, x: Value) -> Value {
    if let Some(map) = value.as_object_mut() {
        map.insert(key.into(), x);
    }
    value
}

/// A COVID-19 vaccination dose: product, manufacturer, dose of series, date, country.
pub fn vaccine(product: &str, maker: Option<&str>, dose: [u8; 2], date: &str, country: &str) -> Value {
    let v = json!({
        "disease": "covid-19",
        "product": product,
        "dose": dose[0],
        "series_total": dose[1],
        "date": date,
        "country": country
    });
    match maker {
        Some(m) => with(v, "manufacturer", json!(m)),
        None => v,
    }
}

/// The sample green health status.
pub fn green() -> Result<Credential> {
    credential("health_status", json!({"colour": "green"}))
}
