//! Reads the entry-decision vectors of `test-vectors/rules` (format:
//! test-vectors/README.md, "rules") and runs them through the public API:
//! the codes verified at the gate's clock, then the rule set decides; or a
//! malformed rule set refused as JSON text and inside a bundle.

use chrono::TimeDelta;
use qrcred::{
    BundleDraft, Credential, Decision, Gate, IssuerKey, PublicKey, RuleSet, TrustBundle, TrustState, Verdict, refused,
};
use serde::Deserialize;
use serde_json::Value;

use super::{KeyJson, RefusedJson, TrustJson, bytes, json_files, time, trust_store};

/// One file of `test-vectors/rules/`: a decision, or a malformed rule set.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RulesCase {
    Decision(Box<DecisionCase>),
    Malformed(MalformedCase),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionCase {
    pub description: String,
    pub rules: Value,
    pub rules_cbor_hex: String,
    pub keys: Vec<KeyJson>,
    pub trust: Vec<TrustJson>,
    pub gate: GateJson,
    pub codes: Vec<CodeJson>,
    pub expected: DecisionJson,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateJson {
    pub site: Option<String>,
    pub now: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeJson {
    pub text: String,
    pub credential: Credential,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionJson {
    pub verdict: String,
    pub reason: String,
    pub rule: String,
    pub rule_set: RuleSetJson,
    pub colour: Option<String>,
    pub name: Option<String>,
    pub text_en: String,
    pub text_zh: String,
    #[serde(default)]
    pub id_numbers: Vec<IdJson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetJson {
    pub name: String,
    pub version: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdJson {
    pub number: String,
    pub matches: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MalformedCase {
    pub description: String,
    #[serde(default)]
    pub rules_json: Option<String>,
    #[serde(default)]
    pub bundle: Option<RulesBundleJson>,
    pub expected: RefusedJson,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesBundleJson {
    pub now: String,
    pub roots: Vec<KeyJson>,
    pub rules_cbor_hex: String,
    pub payload_hex: String,
    pub bundle_hex: String,
}

/// Every case of `rules/`, by file name (without `.json`), sorted.
pub fn load_rules() -> Vec<(String, RulesCase)> {
    json_files("rules")
        .into_iter()
        .map(|path| {
            let json = std::fs::read_to_string(&path).expect("read vector");
            let case: RulesCase = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_stem().expect("stem").to_string_lossy().into_owned();
            (name, case)
        })
        .collect()
}

/// A CBOR head, shortest form.
fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    super::cbor_head(out, major, n);
}

/// Core deterministic CBOR of a JSON value (maps sorted by encoded key).
pub fn cbor_of(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    match value {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) => head(&mut out, 0, n.as_u64().expect("rule sets hold unsigned integers")),
        Value::String(s) => {
            head(&mut out, 3, s.len() as u64);
            out.extend(s.as_bytes());
        }
        Value::Array(items) => {
            head(&mut out, 4, items.len() as u64);
            items.iter().for_each(|i| out.extend(cbor_of(i)));
        }
        Value::Object(map) => {
            let mut entries: Vec<(Vec<u8>, Vec<u8>)> = map
                .iter()
                .map(|(k, v)| (cbor_of(&Value::String(k.clone())), cbor_of(v)))
                .collect();
            entries.sort();
            head(&mut out, 5, entries.len() as u64);
            for (k, v) in entries {
                out.extend(k);
                out.extend(v);
            }
        }
    }
    out
}

/// A test key from its seed.
pub fn key_of(k: &KeyJson) -> IssuerKey {
    IssuerKey::from_seed(&bytes(&k.seed).try_into().expect("32-byte seed"))
}

/// The verdict's name in the files.
pub fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Admit => "admit",
        Verdict::CheckId => "check_id",
        _ => "deny",
    }
}

impl DecisionCase {
    /// The rule set read from the file's JSON object.
    pub fn rule_set(&self) -> qrcred::Result<RuleSet> {
        RuleSet::from_json(&self.rules.to_string())
    }

    /// The rule set carried in a bundle signed by a key of this reader's own
    /// (its CBOR form, bundle field 9), loaded at the gate's clock.
    pub fn through_bundle(&self, rules: &RuleSet) -> (Vec<u8>, qrcred::Result<TrustBundle>) {
        let root = IssuerKey::from_seed(&[0x33; 32]);
        let now = time(&self.gate.now);
        let mut draft = BundleDraft::new(1, now - TimeDelta::hours(1), TimeDelta::days(7));
        draft.rules = Some(rules.clone());
        let payload = draft.to_payload().expect("a bundle payload");
        let file = draft.sign(&root).expect("signs");
        (payload, TrustState::new(&[*root.public_key()]).load(&file, now))
    }

    /// Verifies every code at the gate's clock (the first that does not
    /// verify denies with its code), then decides with `rules`.
    pub fn decide(&self, rules: &RuleSet) -> Decision {
        let verifier = qrcred::Verifier::new(trust_store(&self.trust));
        let now = time(&self.gate.now);
        let mut verified = Vec::new();
        for code in &self.codes {
            match verifier.verify(&code.text, now) {
                Ok(v) => {
                    assert_eq!(v.credential(), &code.credential, "a code carries its credential");
                    verified.push(v);
                }
                Err(e) => return refused(&e, rules),
            }
        }
        let gate = Gate {
            site: self.gate.site.clone(),
            now,
        };
        rules.decide(&verified, &gate)
    }

    /// The differences between a decision and the expected one.
    pub fn differences(&self, d: &Decision) -> Vec<String> {
        let w = &self.expected;
        let colour = d.colour.map(|c| {
            serde_json::to_value(c)
                .expect("colour")
                .as_str()
                .unwrap_or("")
                .to_owned()
        });
        let got = (
            verdict_name(d.verdict),
            d.code(),
            d.rule.as_str(),
            (d.rule_set.0.as_str(), d.rule_set.1),
            colour.as_deref(),
            d.name.as_deref(),
        );
        let want = (
            w.verdict.as_str(),
            w.reason.as_str(),
            w.rule.as_str(),
            (w.rule_set.name.as_str(), w.rule_set.version),
            w.colour.as_deref(),
            w.name.as_deref(),
        );
        let mut out = Vec::new();
        if got != want {
            out.push(format!("decided {got:?}, expected {want:?}"));
        }
        if d.text("en") != w.text_en || d.text("zh") != w.text_zh {
            out.push(format!("texts {:?} / {:?}", d.text("en"), d.text("zh")));
        }
        for id in &w.id_numbers {
            if d.matches_id(&id.number) != id.matches {
                out.push(format!("matches_id({}) is not {}", id.number, id.matches));
            }
        }
        if (d.verdict == Verdict::CheckId) == w.id_numbers.is_empty() {
            out.push("a check_id decision lists ID numbers, and only it".to_owned());
        }
        out
    }
}

impl MalformedCase {
    /// The error codes the JSON text and the bundle give (`None` when absent).
    pub fn refusals(&self) -> (Option<qrcred::Result<RuleSet>>, Option<qrcred::Result<TrustBundle>>) {
        let json = self.rules_json.as_deref().map(RuleSet::from_json);
        let bundle = self.bundle.as_ref().map(|b| {
            let roots: Vec<PublicKey> = b.roots.iter().map(|k| *key_of(k).public_key()).collect();
            TrustState::new(&roots).load(&bytes(&b.bundle_hex), time(&b.now))
        });
        (json, bundle)
    }
}
