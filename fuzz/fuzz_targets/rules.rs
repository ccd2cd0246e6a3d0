//! Rule sets (SPEC.md §13): the JSON reader, the CBOR decoder of bundle
//! field 9, and the decision.
//!
//! Each input is tried as JSON text (`RuleSet::from_json`) and as CBOR
//! through the round-trip oracle (`qrcred::fuzzing::rules_round_trip`:
//! what decodes re-encodes deterministically to an equal rule set), here
//! checked to be a fixed point. A rule set read either way must write
//! itself as JSON and CBOR that read back to it, and decide for a fixed set
//! of verified credentials at a fixed gate without panicking, the same for
//! its JSON and CBOR forms. Seeds (fuzz/seeds/rules) are the rule sets of
//! the rules test vectors, as JSON and as CBOR.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use qrcred::fuzzing::{encode_rules, rules_round_trip};
use qrcred::{Gate, RuleSet, Verified};
use qrcred_fuzz::{rules_credentials, rules_gates};

static CREDENTIALS: LazyLock<Vec<Verified>> = LazyLock::new(rules_credentials);
static GATES: LazyLock<Vec<Gate>> = LazyLock::new(rules_gates);

/// Both forms of `rules` read back to it and decide alike.
fn check(rules: &RuleSet) {
    let json = rules.to_json().expect("a checked rule set writes as JSON");
    let from_json = RuleSet::from_json(&json).expect("written JSON reads back");
    assert_eq!(&from_json, rules, "the rule set changed through JSON");
    let cbor = encode_rules(rules);
    let (from_cbor, again) = rules_round_trip(&cbor).expect("written CBOR reads back");
    assert_eq!(&from_cbor, rules, "the rule set changed through CBOR");
    assert_eq!(again, cbor, "the CBOR form is not a fixed point");
    for gate in GATES.iter() {
        // Nobody, one credential at a time, and everyone together.
        let mut groups: Vec<&[Verified]> = vec![&[], &CREDENTIALS[..]];
        groups.extend(CREDENTIALS.chunks(1));
        for group in groups {
            let decision = from_json.decide(group, gate);
            assert_eq!(
                decision,
                from_cbor.decide(group, gate),
                "JSON and CBOR forms decide differently"
            );
            assert!(!decision.code().is_empty());
            assert!(!decision.text("zh").is_empty() && !decision.text("en").is_empty());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(rules) = RuleSet::from_json(text)
    {
        check(&rules);
    }
    if let Some((rules, encoded)) = rules_round_trip(data) {
        assert_eq!(rules_round_trip(&encoded).map(|(_, e)| e), Some(encoded));
        check(&rules);
    }
});
