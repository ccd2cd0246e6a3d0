//! One entry-decision vector (`test-vectors/rules/`, SPEC.md §13): a rule
//! set, the codes one person presents at a gate and the expected decision;
//! or a malformed rule set (JSON text, or CBOR in a bundle signed by the
//! root) and the expected `rules.*` code. The JSON form and the self-check
//! through the public API.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{BundleDraft, Credential, Decision, Gate, Issuer, RuleSet, TrustState, TrustStore, Verifier, refused};
use serde::Serialize;
use serde_json::Value;

use super::case::Result;
use super::fixture::{ISSUER_A, TestKey, Trust};
use super::json::{KeyJson, TrustJson, hex_of, key_json, rfc3339, trust_json};
use super::wire::Cbor;

/// A code one person presents: its text and the credential it carries.
#[derive(Debug, Clone)]
pub struct Code {
    /// `QC1:...`.
    pub text: String,
    /// What the issuer signed.
    pub credential: Credential,
}

/// Issues `credential` with `key` as [`ISSUER_A`] at `iat`, valid `validity`.
pub fn mint(key: &TestKey, credential: &Credential, iat: DateTime<Utc>, validity: TimeDelta) -> Result<Code> {
    let text = Issuer::new(key.key.clone(), ISSUER_A).issue(credential, validity, iat)?;
    Ok(Code {
        text,
        credential: credential.clone(),
    })
}

/// The expected decision, as the author of the case states it; the texts
/// (and, unless stated, the colour and the shown name) are recorded from
/// the library and pinned by the file.
#[derive(Debug, Clone)]
pub struct Want {
    /// `admit`, `check_id` or `deny`.
    pub verdict: &'static str,
    /// The reason code.
    pub reason: &'static str,
    /// The rule path.
    pub rule: String,
    /// The shown name, when the case is about it.
    pub name: Option<Option<String>>,
}

/// Expects `verdict` with `reason`, decided by the rule at `rule`.
pub fn want(verdict: &'static str, reason: &'static str, rule: &str) -> Want {
    Want {
        verdict,
        reason,
        rule: rule.into(),
        name: None,
    }
}

/// A decision vector.
#[derive(Debug, Clone)]
pub struct DecisionCase {
    pub name: String,
    pub description: String,
    pub rules: RuleSet,
    pub keys: Vec<TestKey>,
    pub trust: Vec<Trust>,
    pub site: Option<String>,
    pub now: DateTime<Utc>,
    pub codes: Vec<Code>,
    pub want: Want,
    /// ID numbers to match against a `check_id` decision, and whether each matches.
    pub id_numbers: Vec<(&'static str, bool)>,
    /// Signs the bundle the self-check carries the rule set in.
    pub root: TestKey,
}

/// A malformed rule set vector.
#[derive(Debug, Clone)]
pub struct MalformedCase {
    pub name: String,
    pub description: String,
    /// The rule set as JSON text, refused by `RuleSet::from_json`.
    pub json: Option<String>,
    /// The rule set as CBOR, carried in a bundle's field 9.
    pub bundle: Option<RulesBundle>,
    pub error: &'static str,
}

/// A bundle signed by the root whose field 9 holds `rules_cbor`.
#[derive(Debug, Clone)]
pub struct RulesBundle {
    pub now: DateTime<Utc>,
    pub root: TestKey,
    pub rules_cbor: Vec<u8>,
    pub payload: Vec<u8>,
    pub bundle: Vec<u8>,
}

/// A rule set's deterministic CBOR, written from its JSON form here
/// (maps sorted by encoded key, integers shortest), independently of the
/// library.
pub fn cbor_of(json: &Value) -> Cbor {
    match json {
        Value::Bool(b) => Cbor::Raw(vec![if *b { 0xf5 } else { 0xf4 }]),
        Value::Number(n) => match n.as_u64() {
            Some(u) => Cbor::Uint(u),
            None => Cbor::int(n.as_i64().unwrap_or(i64::MIN)),
        },
        Value::String(s) => Cbor::text(s),
        Value::Array(items) => Cbor::Array(items.iter().map(cbor_of).collect()),
        Value::Object(map) => {
            let mut entries: Vec<(Cbor, Cbor)> = map.iter().map(|(k, v)| (Cbor::text(k), cbor_of(v))).collect();
            entries.sort_by_key(|(k, _)| k.encode());
            Cbor::Map(entries)
        }
        Value::Null => Cbor::Raw(vec![0xf6]),
    }
}

/// The JSON form of a rule set as the library writes it.
pub fn json_of(rules: &RuleSet) -> Result<Value> {
    Ok(serde_json::from_str(&rules.to_json()?)?)
}

/// The rule set's CBOR, checked against the library's: a bundle carrying
/// it ends with field 9 and these bytes.
fn rules_cbor(rules: &RuleSet, now: DateTime<Utc>) -> Result<Vec<u8>> {
    let cbor = cbor_of(&json_of(rules)?).encode();
    let payload = draft(now, Some(rules.clone())).to_payload()?;
    if !payload.ends_with(&[&[0x09][..], &cbor].concat()) {
        return Err(format!("{}: the library writes the rule set in other CBOR", rules.name).into());
    }
    Ok(cbor)
}

/// A bundle draft issued an hour before `now`, valid 7 days, no keys.
pub fn draft(now: DateTime<Utc>, rules: Option<RuleSet>) -> BundleDraft {
    let mut d = BundleDraft::new(1, now - TimeDelta::hours(1), TimeDelta::days(7));
    d.rules = rules;
    d
}

impl DecisionCase {
    /// The library's decision: every code verified at `now` (the first that
    /// does not verify denies), then the rules.
    fn decide(&self, rules: &RuleSet) -> Result<Decision> {
        let mut store = TrustStore::new();
        for t in &self.trust {
            store.add(t.to_trusted_key()?);
        }
        let verifier = Verifier::new(store);
        let mut verified = Vec::new();
        for code in &self.codes {
            match verifier.verify(&code.text, self.now) {
                Ok(v) => verified.push(v),
                Err(e) => return Ok(refused(&e, rules)),
            }
        }
        let gate = Gate {
            site: self.site.clone(),
            now: self.now,
        };
        Ok(rules.decide(&verified, &gate))
    }

    /// The decision, checked against the case's expectation, the same
    /// through JSON and through a bundle the root signs.
    pub fn check(&self) -> Result<Decision> {
        let fail = |what: String| -> Result<Decision> { Err(format!("{}: {what}", self.name).into()) };
        let from_json = RuleSet::from_json(&self.rules.to_json()?)?;
        let file = draft(self.now, Some(self.rules.clone())).sign(&self.root.key)?;
        let bundle = TrustState::new(&[*self.root.key.public_key()]).load(&file, self.now)?;
        let Some(from_bundle) = bundle.rules() else {
            return fail("the bundle lost its rules".into());
        };
        if from_json != self.rules || *from_bundle != self.rules {
            return fail("the rule set changed through JSON or the bundle".into());
        }
        let d = self.decide(&from_json)?;
        if self.decide(from_bundle)? != d {
            return fail("the bundle's rules decide otherwise".into());
        }
        let w = &self.want;
        let same = verdict(&d) == w.verdict
            && d.code() == w.reason
            && d.rule == w.rule
            && w.name.as_ref().is_none_or(|n| *n == d.name);
        if !same {
            return fail(format!("expected {w:?}, got {d:?} ({})", d.text("en")));
        }
        for (number, matches) in &self.id_numbers {
            if d.matches_id(number) != *matches {
                return fail(format!("matches_id({number}) is not {matches}"));
            }
        }
        Ok(d)
    }

    /// The file contents: pretty JSON, fixed field order, trailing newline.
    pub fn to_json(&self) -> Result<String> {
        let d = self.check()?;
        let json = DecisionJson {
            description: &self.description,
            rules: json_of(&self.rules)?,
            rules_cbor_hex: hex_of(&rules_cbor(&self.rules, self.now)?),
            keys: self.keys.iter().map(key_json).collect(),
            trust: self.trust.iter().map(trust_json).collect(),
            gate: GateJson {
                site: self.site.as_deref(),
                now: rfc3339(self.now),
            },
            codes: self
                .codes
                .iter()
                .map(|c| CodeJson {
                    text: &c.text,
                    credential: &c.credential,
                })
                .collect(),
            expected: ExpectedJson {
                verdict: verdict(&d),
                reason: d.code(),
                rule: d.rule.clone(),
                rule_set: RuleSetJson {
                    name: d.rule_set.0.clone(),
                    version: d.rule_set.1,
                },
                colour: d.colour.map(|c| serde_json::to_value(c).unwrap_or_default()),
                name: d.name.clone(),
                text_en: d.text("en"),
                text_zh: d.text("zh"),
                id_numbers: self
                    .id_numbers
                    .iter()
                    .map(|(number, matches)| IdJson {
                        number,
                        matches: *matches,
                    })
                    .collect(),
            },
        };
        Ok(serde_json::to_string_pretty(&json)? + "\n")
    }
}

/// The verdict's name.
pub fn verdict(d: &Decision) -> &'static str {
    match d.verdict {
        qrcred::Verdict::Admit => "admit",
        qrcred::Verdict::CheckId => "check_id",
        _ => "deny",
    }
}

impl MalformedCase {
    /// Refuses the rule set with the library: the JSON text, and the bundle.
    pub fn check(&self) -> Result<()> {
        let fail = |what: String| -> Result<()> { Err(format!("{}: {what}", self.name).into()) };
        if self.json.is_none() && self.bundle.is_none() {
            return fail("neither JSON nor a bundle".into());
        }
        if let Some(json) = &self.json {
            match RuleSet::from_json(json) {
                Err(e) if e.code() == self.error => {}
                other => return fail(format!("JSON: expected {}, got {other:?}", self.error)),
            }
        }
        if let Some(b) = &self.bundle {
            match TrustState::new(&[*b.root.key.public_key()]).load(&b.bundle, b.now) {
                Err(e) if e.code() == self.error => {}
                other => return fail(format!("bundle: expected {}, got {other:?}", self.error)),
            }
        }
        Ok(())
    }

    /// The file contents.
    pub fn to_json(&self) -> Result<String> {
        let json = MalformedJson {
            description: &self.description,
            rules_json: self.json.as_deref(),
            bundle: self.bundle.as_ref().map(|b| BundleJson {
                now: rfc3339(b.now),
                roots: vec![key_json(&b.root)],
                rules_cbor_hex: hex_of(&b.rules_cbor),
                payload_hex: hex_of(&b.payload),
                bundle_hex: hex_of(&b.bundle),
            }),
            expected: RefusedJson {
                ok: false,
                error: self.error,
            },
        };
        Ok(serde_json::to_string_pretty(&json)? + "\n")
    }
}

#[derive(Serialize)]
struct DecisionJson<'a> {
    description: &'a str,
    rules: Value,
    rules_cbor_hex: String,
    keys: Vec<KeyJson>,
    trust: Vec<TrustJson>,
    gate: GateJson<'a>,
    codes: Vec<CodeJson<'a>>,
    expected: ExpectedJson<'a>,
}

#[derive(Serialize)]
struct GateJson<'a> {
    site: Option<&'a str>,
    now: String,
}

#[derive(Serialize)]
struct CodeJson<'a> {
    text: &'a str,
    credential: &'a Credential,
}

#[derive(Serialize)]
struct ExpectedJson<'a> {
    verdict: &'static str,
    reason: &'static str,
    rule: String,
    rule_set: RuleSetJson,
    colour: Option<Value>,
    name: Option<String>,
    text_en: String,
    text_zh: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    id_numbers: Vec<IdJson<'a>>,
}

#[derive(Serialize)]
struct RuleSetJson {
    name: String,
    version: u32,
}

#[derive(Serialize)]
struct IdJson<'a> {
    number: &'a str,
    matches: bool,
}

#[derive(Serialize)]
struct MalformedJson<'a> {
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules_json: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<BundleJson>,
    expected: RefusedJson,
}

#[derive(Serialize)]
struct BundleJson {
    now: String,
    roots: Vec<KeyJson>,
    rules_cbor_hex: String,
    payload_hex: String,
    bundle_hex: String,
}

#[derive(Serialize)]
struct RefusedJson {
    ok: bool,
    error: &'static str,
}
