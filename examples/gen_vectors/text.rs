//! Refusals at the text layer: the text length limit, the prefix and
//! Base45 (SPEC.md §2; steps 1 to 4 of §8.2).

use qrcred::Limits;

use super::case::{Case, Result};
use super::fixture::{Fixture, green};

/// Every case of this module.
pub fn cases(fx: &Fixture) -> Result<Vec<Case>> {
    let base = fx.mint().issue(fx.case("", ""), &green()?)?;
    let text = base.text.clone().ok_or("no text")?;
    let mut all = prefixes(&base, &text);
    all.extend(base45(&base, &text));
    all.extend(text_limits(&base, &text));
    Ok(all)
}

/// The case `base` with a new text (every lower layer dropped).
fn with_text(base: &Case, name: &str, description: &str, text: String, code: &'static str) -> Case {
    base.clone().named(name, description).text(text).refused(code)
}

fn prefixes(base: &Case, text: &str) -> Vec<Case> {
    let body = &text[4..];
    let p = |name, description, text: String, code| with_text(base, name, description, text, code);
    vec![
        p(
            "prefix_missing",
            "the Base45 text of a valid code without its prefix",
            body.to_owned(),
            "prefix.missing",
        ),
        p(
            "prefix_missing_empty_text",
            "an empty text",
            String::new(),
            "prefix.missing",
        ),
        p(
            "prefix_missing_colon_first",
            "a text starting with ':' (\":QC1:...\"): no prefix before the colon",
            format!(":{text}"),
            "prefix.missing",
        ),
        p(
            "prefix_unknown_foreign",
            "another format's prefix (NZCP:/, the New Zealand COVID Pass) in front of a valid qrcred body; \
             HC1: is read as an EU DCC where the reader supports it (SPEC.md §14)",
            format!("NZCP:/{body}"),
            "prefix.unknown",
        ),
        p(
            "prefix_unknown_lower_case",
            "the prefix in lower case (qc1:): readers must not case-fold",
            format!("qc1:{body}"),
            "prefix.unknown",
        ),
        p(
            "prefix_unknown_leading_space",
            "a space before QC1: (readers must not trim inside the verifier)",
            format!(" {text}"),
            "prefix.unknown",
        ),
        p(
            "prefix_unknown_no_version",
            "QC: without a version number",
            format!("QC:{body}"),
            "prefix.unknown",
        ),
        p(
            "prefix_unsupported_version_2",
            "format version 2 (QC2:)",
            format!("QC2:{body}"),
            "prefix.unsupported_version",
        ),
        p(
            "prefix_unsupported_version_01",
            "version written with a leading zero (QC01:) is not QC1:",
            format!("QC01:{body}"),
            "prefix.unsupported_version",
        ),
    ]
}

fn base45(base: &Case, text: &str) -> Vec<Case> {
    let body = &text[4..];
    let p = |name, description, text: String, code| with_text(base, name, description, text, code);
    let lower = format!("QC1:{}", body.to_ascii_lowercase());
    let pad = "0".repeat((4 - body.len() % 3) % 3);
    let bad_group = format!("{}GGW{}", &text[..7], &text[10..]);
    let accented = format!("{}é{}", &text[..20], &text[21..]);
    vec![
        p(
            "base45_empty",
            "nothing after the prefix",
            "QC1:".into(),
            "base45.empty",
        ),
        p(
            "base45_lowercase",
            "a valid code with its Base45 text in lower case: lower case is not in the alphabet",
            lower,
            "base45.invalid_char",
        ),
        p(
            "base45_trailing_newline",
            "a valid code followed by a line feed (scanner apps strip it; the verifier does not)",
            format!("{text}\n"),
            "base45.invalid_char",
        ),
        p(
            "base45_tab_inside",
            "a tab at byte 10",
            format!("{}\t{}", &text[..10], &text[11..]),
            "base45.invalid_char",
        ),
        p(
            "base45_non_ascii_char",
            "'é' (2 bytes of UTF-8) at byte 20",
            accented,
            "base45.invalid_char",
        ),
        p(
            "base45_invalid_length",
            "a valid code padded with '0' to a Base45 length of 3n+1",
            format!("{text}{pad}"),
            "base45.invalid_length",
        ),
        p(
            "base45_value_out_of_range_triple",
            "the triple GGW = 16 + 16*45 + 32*2025 = 65536 > 65535",
            "QC1:GGW".into(),
            "base45.value_out_of_range",
        ),
        p(
            "base45_value_out_of_range_pair",
            "the final pair V5 = 31 + 5*45 = 256 > 255",
            "QC1:V5".into(),
            "base45.value_out_of_range",
        ),
        p(
            "base45_value_out_of_range_second_group",
            "a valid code whose second triple (bytes 7 to 9) is replaced by GGW",
            bad_group,
            "base45.value_out_of_range",
        ),
    ]
}

fn text_limits(base: &Case, text: &str) -> Vec<Case> {
    let long = format!("QC1:{}", "0".repeat(4293));
    let long_hc1 = format!("HC1:{}", "0".repeat(4293));
    vec![
        with_text(
            base,
            "limits_text_too_long",
            "4297 characters, one more than the default max_text_len of 4296 (QR 40-L)",
            long,
            "limits.text_too_long",
        ),
        with_text(
            base,
            "limits_text_too_long_checked_first",
            "4297 characters with the prefix HC1: as well: the length is checked before the prefix",
            long_hc1,
            "limits.text_too_long",
        ),
        base.clone()
            .named(
                "limits_text_one_over_cap",
                "a valid code with max_text_len one below its length",
            )
            .limits(Limits::DEFAULT.with_max_text_len(text.len() - 1))
            .refused("limits.text_too_long"),
    ]
}
