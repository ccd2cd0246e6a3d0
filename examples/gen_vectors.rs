//! Generates the conformance test vectors in `test-vectors/valid/`,
//! `test-vectors/invalid/` (codes), `test-vectors/bundle/` (trust
//! bundles) and `test-vectors/rules/` (entry decisions and malformed rule
//! sets), one JSON file per case.
//!
//! ```text
//! cargo run --example gen_vectors [-- --out DIR]
//! ```
//!
//! The output is deterministic to the byte: keys come from fixed labels,
//! every time is fixed, Ed25519 is deterministic and the JSON fields have a
//! fixed order. Before writing, every case is verified with the library and
//! must give exactly its expected result (an invalid case is refused with
//! the code it names, not for another reason; a bundle case is loaded and
//! its code verified; a rules case decided, or refused, through JSON and a
//! bundle). `*.json` files in `valid/`, `invalid/`, `bundle/` and `rules/`
//! that are no longer generated are removed; nothing else is touched. CI regenerates into a temporary directory and fails on any
//! difference. test-vectors/README.md documents the format.

#[path = "gen_vectors/bundle.rs"]
mod bundle;
#[path = "gen_vectors/bundle_case.rs"]
mod bundle_case;
#[path = "gen_vectors/bundle_payload.rs"]
mod bundle_payload;
#[path = "gen_vectors/bundle_verify.rs"]
mod bundle_verify;
#[path = "gen_vectors/bundle_wire.rs"]
mod bundle_wire;
#[path = "gen_vectors/case.rs"]
mod case;
#[path = "gen_vectors/claims.rs"]
mod claims;
#[path = "gen_vectors/claims_body.rs"]
mod claims_body;
#[path = "gen_vectors/claims_rules.rs"]
mod claims_rules;
#[path = "gen_vectors/cose.rs"]
mod cose;
#[path = "gen_vectors/cose_headers.rs"]
mod cose_headers;
#[path = "gen_vectors/fixture.rs"]
mod fixture;
#[path = "gen_vectors/json.rs"]
mod json;
#[path = "gen_vectors/policy.rs"]
mod policy;
#[path = "gen_vectors/rules.rs"]
mod rules;
#[path = "gen_vectors/rules_case.rs"]
mod rules_case;
#[path = "gen_vectors/rules_dates.rs"]
mod rules_dates;
#[path = "gen_vectors/rules_malformed.rs"]
mod rules_malformed;
#[path = "gen_vectors/rules_more.rs"]
mod rules_more;
#[path = "gen_vectors/signature.rs"]
mod signature;
#[path = "gen_vectors/text.rs"]
mod text;
#[path = "gen_vectors/valid.rs"]
mod valid;
#[path = "gen_vectors/valid_claims.rs"]
mod valid_claims;
#[path = "gen_vectors/valid_edges.rs"]
mod valid_edges;
#[path = "gen_vectors/valid_keys.rs"]
mod valid_keys;
#[path = "gen_vectors/wire.rs"]
mod wire;
#[path = "gen_vectors/zlib.rs"]
mod zlib;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bundle_case::BundleCase;
use case::{Case, Result};
use fixture::Fixture;

const USAGE: &str = "usage: gen_vectors [--out DIR]   (default: test-vectors/ of this crate)";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<()> {
    let Some(out) = parse_args(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let cases = all_cases()?;
    let bundles = bundle::cases(&Fixture::new())?;
    let (decisions, malformed) = rules::cases(&Fixture::new())?;
    let names = cases.iter().map(|c| c.name.as_str());
    let rule_names = decisions.iter().map(|c| c.name.as_str());
    check_names(
        names
            .chain(bundles.iter().map(|c| c.name.as_str()))
            .chain(rule_names.chain(malformed.iter().map(|c| c.name.as_str()))),
    )?;
    for case in &cases {
        case.check()?;
    }
    for case in &bundles {
        case.check()?;
    }
    for case in &malformed {
        case.check()?;
    }
    let mut files = Vec::new();
    for case in &decisions {
        files.push((case.name.clone(), case.to_json()?));
    }
    for case in &malformed {
        files.push((case.name.clone(), case.to_json()?));
    }
    write_all(&out, &cases)?;
    write_bundles(&out, &bundles)?;
    write_family(&out.join("rules"), &files)?;
    let valid = cases.iter().filter(|c| c.is_valid()).count();
    let loaded = bundles.iter().filter(|c| c.loads_ok()).count();
    eprintln!(
        "wrote {} cases ({valid} valid, {} invalid) and {} bundle cases ({loaded} load, {} refused) to {}",
        cases.len(),
        cases.len() - valid,
        bundles.len(),
        bundles.len() - loaded,
        out.display()
    );
    eprintln!(
        "wrote {} rules cases ({} decisions, {} malformed rule sets)",
        files.len(),
        decisions.len(),
        malformed.len()
    );
    Ok(())
}

/// The output directory; `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<PathBuf>> {
    let mut out = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--out" => out = PathBuf::from(args.next().ok_or("--out needs a directory")?),
            other => return Err(format!("unexpected argument {other:?}\n{USAGE}").into()),
        }
    }
    Ok(Some(out))
}

/// Every case, layer by layer.
fn all_cases() -> Result<Vec<Case>> {
    let fx = Fixture::new();
    let groups = [
        valid::cases(&fx)?,
        valid_claims::cases(&fx)?,
        valid_edges::cases(&fx)?,
        valid_keys::cases(&fx)?,
        text::cases(&fx)?,
        zlib::cases(&fx)?,
        cose::cases(&fx)?,
        claims::cases(&fx)?,
        claims_body::cases(&fx)?,
        claims_rules::cases(&fx)?,
        policy::cases(&fx)?,
    ];
    Ok(groups.concat())
}

/// Names are unique across the families, snake_case, and say which layer
/// they test.
fn check_names<'a>(names: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen = BTreeSet::new();
    for name in names {
        let well_formed = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !well_formed || !seen.insert(name) {
            return Err(format!("case name {name:?} is malformed or used twice").into());
        }
    }
    Ok(())
}

fn write_all(out: &Path, cases: &[Case]) -> Result<()> {
    for (dir, valid) in [("valid", true), ("invalid", false)] {
        let dir = out.join(dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut wanted = BTreeSet::new();
        for case in cases.iter().filter(|c| c.is_valid() == valid) {
            let file = format!("{}.json", case.name);
            write_if_changed(&dir.join(&file), &case.to_json()?)?;
            wanted.insert(file);
        }
        remove_stale(&dir, &wanted)?;
    }
    Ok(())
}

fn write_bundles(out: &Path, cases: &[BundleCase]) -> Result<()> {
    let dir = out.join("bundle");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut wanted = BTreeSet::new();
    for case in cases {
        let file = format!("{}.json", case.name);
        write_if_changed(&dir.join(&file), &case.to_json()?)?;
        wanted.insert(file);
    }
    remove_stale(&dir, &wanted)
}

/// Writes `(name, contents)` files into `dir` and removes stale ones.
fn write_family(dir: &Path, files: &[(String, String)]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut wanted = BTreeSet::new();
    for (name, contents) in files {
        let file = format!("{name}.json");
        write_if_changed(&dir.join(&file), contents)?;
        wanted.insert(file);
    }
    remove_stale(dir, &wanted)
}

fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()).into())
}

/// Removes `*.json` files of `dir` that were not generated this time.
fn remove_stale(dir: &Path, wanted: &BTreeSet<String>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if path.is_file() && name.ends_with(".json") && !wanted.contains(name) {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("removed stale {}", path.display());
        }
    }
    Ok(())
}
