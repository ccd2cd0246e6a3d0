//! The context prefix: `QC1:` in front of the Base45 text.
//!
//! `QC` names the format and the digit its version; a scanner that meets
//! `QC2:` says so instead of reporting a Base45 error.

use alloc::string::{String, ToString};

use crate::error::{PrefixError, Result};

/// The prefix of format version 1.
pub const PREFIX: &str = "QC1:";

/// Prepends the prefix to Base45 text.
pub(crate) fn add(base45: &str) -> String {
    let mut out = String::with_capacity(PREFIX.len() + base45.len());
    out.push_str(PREFIX);
    out.push_str(base45);
    out
}

/// Strips the prefix, telling a missing prefix, another format and another
/// version of this format apart.
pub(crate) fn strip(text: &str) -> Result<&str> {
    if let Some(rest) = text.strip_prefix(PREFIX) {
        return Ok(rest);
    }
    let head: String = text.chars().take(8).collect();
    match head.find(':') {
        Some(colon) if colon > 0 => {
            let found = head[..=colon].to_string();
            let version = found.strip_prefix("QC").map(|v| v.trim_end_matches(':'));
            match version {
                Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
                    Err(PrefixError::UnsupportedVersion { found }.into())
                }
                _ => Err(PrefixError::Unknown { found }.into()),
            }
        }
        _ => Err(PrefixError::Missing.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_and_classifies() {
        assert_eq!(strip("QC1:ABC").ok(), Some("ABC"));
        assert_eq!(strip("QC2:ABC").expect_err("v2").code(), "prefix.unsupported_version");
        assert_eq!(strip("HC1:ABC").expect_err("dcc").code(), "prefix.unknown");
        assert_eq!(strip("qc1:ABC").expect_err("case").code(), "prefix.unknown");
        assert_eq!(strip("NCFOXN").expect_err("none").code(), "prefix.missing");
        assert_eq!(strip("").expect_err("empty").code(), "prefix.missing");
        assert_eq!(add("X"), "QC1:X");
    }
}
