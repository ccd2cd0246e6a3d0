//! Malformed rule sets (SPEC.md §13.1): JSON text refused by
//! `RuleSet::from_json`, and the same structure as CBOR in field 9 of a
//! bundle signed by the pinned root, refused when the bundle loads.

use qrcred::TrustState;

use super::bundle_wire::edited;
use super::case::Result;
use super::fixture::instant;
use super::rules::{NOW, World};
use super::rules_case::{MalformedCase, RulesBundle, cbor_of, draft};
use super::wire::{Cbor, set};

/// A bundle signed by the root whose field 9 is `rules_cbor`.
fn bundle(w: &World, rules_cbor: Vec<u8>) -> Result<RulesBundle> {
    let now = instant(NOW);
    let payload = edited(&draft(now, None), |top| set(top, 9, Cbor::Raw(rules_cbor.clone())));
    let file = qrcred::layers::sign_cose(payload.clone(), &w.root.key, qrcred::layers::Document::Bundle)?;
    // The same payload without field 9 loads: the refusal is the rule set's.
    let without = draft(now, None).sign(&w.root.key)?;
    TrustState::new(&[*w.root.key.public_key()]).load(&without, now)?;
    Ok(RulesBundle {
        now,
        root: w.root.clone(),
        rules_cbor,
        payload,
        bundle: file,
    })
}

/// A case refused with `error`, as JSON text and, when the text is a JSON
/// value, as its CBOR in a bundle.
fn both(w: &World, name: &str, description: &str, json: &str, error: &'static str) -> Result<MalformedCase> {
    let value: serde_json::Value = serde_json::from_str(json)?;
    Ok(MalformedCase {
        name: name.into(),
        description: description.into(),
        json: Some(json.into()),
        bundle: Some(bundle(w, cbor_of(&value).encode())?),
        error,
    })
}

fn json_only(name: &str, description: &str, json: &str, error: &'static str) -> MalformedCase {
    MalformedCase {
        name: name.into(),
        description: description.into(),
        json: Some(json.into()),
        bundle: None,
        error,
    }
}

fn cbor_only(w: &World, name: &str, description: &str, cbor: Cbor, error: &'static str) -> Result<MalformedCase> {
    Ok(MalformedCase {
        name: name.into(),
        description: description.into(),
        json: None,
        bundle: Some(bundle(w, cbor.encode())?),
        error,
    })
}

/// A rule set with `require`, as JSON text.
fn with_require(require: &str) -> String {
    format!(r#"{{"version": 1, "name": "x", "require": {require}}}"#)
}

/// Every malformed rule set.
pub fn cases(w: &World) -> Result<Vec<MalformedCase>> {
    let b = |name, description, require: &str, error| both(w, name, description, &with_require(require), error);
    let nine = (0..9).fold(String::from(r#"{"recovery": {}}"#), |inner, _| {
        format!(r#"{{"any_of": [{inner}]}}"#)
    });
    let wide = vec![r#"{"recovery": {}}"#; 64].join(", ");
    let name65 = format!(
        r#"{{"version": 1, "name": "{}", "require": {{"recovery": {{}}}}}}"#,
        "x".repeat(65)
    );
    let version_text = Cbor::Map(vec![
        (Cbor::text("name"), Cbor::text("x")),
        (
            Cbor::text("require"),
            Cbor::Map(vec![(Cbor::text("recovery"), Cbor::Map(vec![]))]),
        ),
        (Cbor::text("version"), Cbor::text("1")),
    ]);
    Ok(vec![
        json_only(
            "rules_json_syntax",
            "a JSON text cut short",
            r#"{"version": 1, "name": "x", "require": {"#,
            "rules.malformed",
        ),
        json_only(
            "rules_json_nesting_bomb",
            "60 000 opening brackets (within the 64 KiB length limit): refused without exhausting the stack",
            &"[".repeat(60_000),
            "rules.malformed",
        ),
        both(
            w,
            "rules_unknown_field",
            "an unknown top-level key \"site\"",
            r#"{"version": 1, "name": "x", "site": "XA-0001", "require": {"recovery": {}}}"#,
            "rules.malformed",
        )?,
        both(
            w,
            "rules_missing_require",
            "no require",
            r#"{"version": 1, "name": "x"}"#,
            "rules.malformed",
        )?,
        b(
            "rules_unknown_requirement",
            "a requirement \"antibody_test\" this version does not know",
            r#"{"antibody_test": {}}"#,
            "rules.malformed",
        )?,
        b(
            "rules_requirement_two_keys",
            "a requirement map with two keys",
            r#"{"recovery": {}, "access_pass": {}}"#,
            "rules.malformed",
        )?,
        b(
            "rules_unknown_role",
            "an access pass role \"guest\"",
            r#"{"access_pass": {"roles": ["guest"]}}"#,
            "rules.malformed",
        )?,
        b(
            "rules_yellow_unknown",
            "yellow \"warn\", neither deny nor admit",
            r#"{"health_status": {"max_age_hours": 24, "yellow": "warn"}}"#,
            "rules.malformed",
        )?,
        both(
            w,
            "rules_version_negative",
            "version -1",
            r#"{"version": -1, "name": "x", "require": {"recovery": {}}}"#,
            "rules.malformed",
        )?,
        both(
            w,
            "rules_version_2_pow_32",
            "version 2^32, beyond 32 bits",
            r#"{"version": 4294967296, "name": "x", "require": {"recovery": {}}}"#,
            "rules.malformed",
        )?,
        cbor_only(
            w,
            "rules_cbor_not_a_map",
            "field 9 is the integer 1",
            Cbor::Uint(1),
            "rules.malformed",
        )?,
        cbor_only(
            w,
            "rules_cbor_version_text",
            "the version is the text \"1\"",
            version_text,
            "rules.malformed",
        )?,
        both(
            w,
            "rules_name_empty",
            "an empty name",
            r#"{"version": 1, "name": "", "require": {"recovery": {}}}"#,
            "rules.invalid_value",
        )?,
        both(
            w,
            "rules_name_65_bytes",
            "a name of 65 bytes, one more than allowed",
            &name65,
            "rules.invalid_value",
        )?,
        b(
            "rules_status_hours_zero",
            "max_age_hours 0",
            r#"{"health_status": {"max_age_hours": 0}}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_status_hours_8785",
            "max_age_hours 8785, one more than 8784 (366 days)",
            r#"{"health_status": {"max_age_hours": 8785}}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_test_no_window",
            "a negative_test rule with no window: it would accept nothing",
            r#"{"negative_test": {}}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_test_hours_8785",
            "rapid_antigen_hours 8785",
            r#"{"negative_test": {"nucleic_acid_hours": 48, "rapid_antigen_hours": 8785}}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_vaccination_max_equals_min",
            "max_days equal to min_days: no day counts",
            r#"{"vaccination": {"min_days": 14, "max_days": 14}}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_vaccination_min_3661",
            "min_days 3661, one more than 3660",
            r#"{"vaccination": {"min_days": 3661}}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_roles_empty",
            "an empty role list",
            r#"{"access_pass": {"roles": []}}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_any_of_empty",
            "an empty any_of",
            r#"{"any_of": []}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_all_of_empty",
            "an empty all_of inside an any_of",
            r#"{"any_of": [{"recovery": {}}, {"all_of": []}]}"#,
            "rules.invalid_value",
        )?,
        b(
            "rules_too_deep",
            "nine nested any_of, one more than allowed",
            &nine,
            "rules.too_deep",
        )?,
        b(
            "rules_too_large",
            "an any_of of 64 recovery rules: 65 requirements, one more than allowed",
            &format!(r#"{{"any_of": [{wide}]}}"#),
            "rules.too_large",
        )?,
    ])
}
