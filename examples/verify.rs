//! Verifies a code offline against trusted public keys.
//!
//! ```text
//! cargo run --release --example verify -- --trust PUB.pem [--trust PUB2.pem ...] \
//!     [--issuer ID] [--now RFC3339] [--json] CODE | @FILE | -
//! ```
//!
//! Each key's issuer id is `--issuer` if given, else the contents of an
//! `issuer.id` file next to the PEM, else the PEM's file name without
//! `.pem` and `.pub` (`cn-bj.pub.pem` → `cn-bj`). The code is the argument,
//! the contents of FILE (`@FILE`) or standard input (`-`); surrounding
//! whitespace and a trailing newline are removed (a Base45 code never ends
//! in a space, and starts with `QC1:`).
//!
//! Exit status: 0 valid, 1 refused, 2 usage or I/O error. With `--json`,
//! stdout holds exactly one JSON object for exit 0 and 1:
//! `{"valid":true,"kind":..,"issuer":..,"kid":..,"issued_at":..,"expires_at":..,"credential":{..}}`
//! or `{"valid":false,"error":{"code":..,"message":..}}`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use qrcred::{Credential, PublicKey, TrustStore, TrustedKey, Verified, Verifier};
use serde::Serialize;

const USAGE: &str =
    "usage: verify --trust PUB.pem [--trust PUB2.pem ...] [--issuer ID] [--now RFC3339] [--json] CODE | @FILE | -";
/// Largest code input read from a file or stdin; the library's own limit is far lower.
const MAX_INPUT: u64 = 1 << 20;

#[derive(Default)]
struct Args {
    trust: Vec<PathBuf>,
    issuer: Option<String>,
    now: Option<DateTime<Utc>>,
    json: bool,
    code: Option<String>,
}

#[derive(Serialize)]
struct ValidJson<'a> {
    valid: bool,
    kind: &'static str,
    issuer: &'a str,
    kid: String,
    issued_at: String,
    expires_at: String,
    credential: &'a Credential,
}

#[derive(Serialize)]
struct RefusedJson<'a> {
    valid: bool,
    error: ErrorJson<'a>,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    code: &'a str,
    message: String,
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// Runs the command; `Err` is a usage or I/O error (exit 2).
fn run() -> Result<ExitCode, String> {
    let Some(args) = parse_args(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    };
    if args.trust.is_empty() {
        return Err(format!("at least one --trust PUB.pem is needed\n{USAGE}"));
    }
    let source = args.code.as_deref().ok_or_else(|| format!("no code given\n{USAGE}"))?;
    let trust = load_trust(&args.trust, args.issuer.as_deref())?;
    let text = read_code(source)?;
    let now = args.now.unwrap_or_else(|| std::time::SystemTime::now().into());
    let outcome = Verifier::new(trust).verify(&text, now);
    report(&outcome, args.json)?;
    // 0 valid, 1 refused.
    Ok(ExitCode::from(u8::from(outcome.is_err())))
}

/// Parses the arguments; `None` means `--help` was asked for.
fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args::default();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg, None),
        };
        let mut value = || inline.clone().or_else(|| it.next()).ok_or_else(|| missing(&flag));
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--trust" => args.trust.push(PathBuf::from(value()?)),
            "--issuer" => args.issuer = Some(value()?),
            "--now" => args.now = Some(parse_now(&value()?)?),
            "--json" if inline.is_none() => args.json = true,
            f if f.starts_with("--") || (f.starts_with('-') && f != "-") => {
                return Err(format!("unexpected argument {f:?}\n{USAGE}"));
            }
            _ if args.code.is_some() => return Err(format!("only one code may be given\n{USAGE}")),
            _ => args.code = Some(flag),
        }
    }
    Ok(Some(args))
}

fn missing(flag: &str) -> String {
    format!("{flag} needs a value\n{USAGE}")
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("invalid --now {s:?}: {e} (expected RFC 3339, e.g. 2026-11-25T08:00:00Z)"))
}

fn load_trust(paths: &[PathBuf], issuer: Option<&str>) -> Result<TrustStore, String> {
    let mut store = TrustStore::new();
    for path in paths {
        let pem = read_text(&mut open(path)?, path)?;
        let key = PublicKey::from_spki_pem(&pem).map_err(|e| format!("{}: {}: {e}", path.display(), e.code()))?;
        let id = match issuer {
            Some(id) => id.to_owned(),
            None => issuer_for(path)?,
        };
        store.add(TrustedKey::new(key, &id));
    }
    Ok(store)
}

/// The issuer id for a key file without `--issuer`: `issuer.id` beside it, else its name.
fn issuer_for(pem: &Path) -> Result<String, String> {
    let id_file = pem.parent().unwrap_or(Path::new(".")).join("issuer.id");
    if id_file.is_file() {
        let id = read_text(&mut open(&id_file)?, &id_file)?;
        let id = id.trim();
        if id.is_empty() {
            return Err(format!("{}: empty issuer id", id_file.display()));
        }
        return Ok(id.to_owned());
    }
    let name = pem.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let stem = name.strip_suffix(".pem").unwrap_or(&name);
    let stem = stem.strip_suffix(".pub").unwrap_or(stem);
    Ok(stem.to_owned())
}

/// The code text from the argument, `@FILE` or `-` (stdin), trimmed.
fn read_code(source: &str) -> Result<String, String> {
    let raw = match source {
        "-" => read_text(&mut std::io::stdin().lock(), Path::new("<stdin>"))?,
        _ => match source.strip_prefix('@') {
            Some(file) => read_text(&mut open(Path::new(file))?, Path::new(file))?,
            None => source.to_owned(),
        },
    };
    let line = raw
        .strip_suffix("\r\n")
        .or_else(|| raw.strip_suffix('\n'))
        .unwrap_or(&raw);
    Ok(line.trim().to_owned())
}

fn open(path: &Path) -> Result<std::fs::File, String> {
    std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads at most [`MAX_INPUT`] bytes of UTF-8.
fn read_text(reader: &mut impl Read, name: &Path) -> Result<String, String> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", name.display()))?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(format!("{}: larger than {MAX_INPUT} bytes", name.display()));
    }
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", name.display()))
}

fn report(outcome: &qrcred::Result<Verified>, json: bool) -> Result<(), String> {
    match (outcome, json) {
        (Ok(v), true) => println!("{}", to_json(&valid_json(v))?),
        (Ok(v), false) => print_summary(v),
        (Err(e), true) => println!("{}", to_json(&refused_json(e))?),
        (Err(e), false) => println!("REFUSED {}: {e}", e.code()),
    }
    Ok(())
}

fn valid_json(v: &Verified) -> ValidJson<'_> {
    ValidJson {
        valid: true,
        kind: v.kind().as_str(),
        issuer: v.issuer(),
        kid: v.kid().to_string(),
        issued_at: rfc3339(v.issued_at()),
        expires_at: rfc3339(v.expires_at()),
        credential: v.credential(),
    }
}

fn refused_json(e: &qrcred::Error) -> RefusedJson<'_> {
    RefusedJson {
        valid: false,
        error: ErrorJson {
            code: e.code(),
            message: e.to_string(),
        },
    }
}

fn to_json(value: &impl Serialize) -> Result<String, String> {
    serde_json::to_string(value).map_err(|e| format!("cannot write JSON: {e}"))
}

fn print_summary(v: &Verified) {
    let subject = &v.credential().subject;
    let mut name = subject.family_name.clone();
    if let Some(given) = &subject.given_name {
        name = format!("{name} {given}");
    }
    if let Some(icao) = &subject.family_name_icao {
        let given = subject.given_name_icao.as_deref().unwrap_or_default();
        name = format!("{name} ({})", format!("{icao} {given}").trim_end());
    }
    println!("VALID {}", v.kind());
    println!("  issuer:  {} (kid {})", v.issuer(), v.kid());
    println!("  name:    {name}");
    println!("  born:    {}", subject.birth_date);
    println!("  expires: {}", rfc3339(v.expires_at()));
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
