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

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use cli::Failure;
use qrcred::{Credential, PublicKey, TrustStore, TrustedKey, Verified, Verifier};
use serde::Serialize;

mod cli;

const USAGE: &str =
    "usage: verify --trust PUB.pem [--trust PUB2.pem ...] [--issuer ID] [--now RFC3339] [--json] CODE | @FILE | -";
/// Largest code input read from a file or stdin; the library's own limit is far lower.
const MAX_INPUT: u64 = 1 << 20;

struct Args {
    trust: Vec<PathBuf>,
    issuer: Option<String>,
    now: Option<DateTime<Utc>>,
    json: bool,
    code: String,
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
    cli::main(run)
}

/// Runs the command: exit 0 valid, 1 refused; `Err` is a usage or I/O error (exit 2).
fn run() -> Result<ExitCode, Failure> {
    let Some(args) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    let trust = load_trust(&args.trust, args.issuer.as_deref())?;
    let text = read_code(&args.code)?;
    let now = cli::now_or_clock(args.now);
    let outcome = Verifier::new(trust).verify(&text, now);
    report(&outcome, args.json)?;
    Ok(ExitCode::from(u8::from(outcome.is_err())))
}

/// Parses the arguments; `None` means `--help` was asked for.
fn parse_args(mut it: cli::Args) -> Result<Option<Args>, Failure> {
    let (mut trust, mut issuer, mut now, mut json, mut code) = (Vec::new(), None, None, false, None);
    while let Some(arg) = it.next_arg() {
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--trust" => trust.push(PathBuf::from(it.value(&arg)?)),
            "--issuer" => issuer = Some(it.value(&arg)?),
            "--now" => now = Some(cli::parse_now(&it.value(&arg)?)?),
            "--json" if arg.inline.is_none() => json = true,
            f if f.starts_with("--") || (f.starts_with('-') && f != "-") => return Err(it.unexpected(&arg)),
            _ if code.is_some() => return Err(it.error("only one code may be given")),
            _ => code = Some(arg.name),
        }
    }
    if trust.is_empty() {
        return Err(it.error("at least one --trust PUB.pem is needed"));
    }
    let code = code.ok_or_else(|| it.error("no code given"))?;
    Ok(Some(Args {
        trust,
        issuer,
        now,
        json,
        code,
    }))
}

fn load_trust(paths: &[PathBuf], issuer: Option<&str>) -> Result<TrustStore, Failure> {
    let mut store = TrustStore::new();
    for path in paths {
        let pem = cli::read_text(path)?;
        let key = PublicKey::from_spki_pem(&pem)
            .map_err(|e| Failure::Usage(format!("{}: {}: {e}", path.display(), e.code())))?;
        let id = match issuer {
            Some(id) => id.to_owned(),
            None => issuer_for(path)?,
        };
        store.add(TrustedKey::new(key, &id));
    }
    Ok(store)
}

/// The issuer id for a key file without `--issuer`: `issuer.id` beside it, else its name.
fn issuer_for(pem: &Path) -> Result<String, Failure> {
    let id_file = pem.parent().unwrap_or(Path::new(".")).join("issuer.id");
    if id_file.is_file() {
        let id = cli::read_text(&id_file)?;
        let id = id.trim();
        if id.is_empty() {
            return Err(Failure::Usage(format!("{}: empty issuer id", id_file.display())));
        }
        return Ok(id.to_owned());
    }
    let name = pem.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let stem = name.strip_suffix(".pem").unwrap_or(&name);
    let stem = stem.strip_suffix(".pub").unwrap_or(stem);
    Ok(stem.to_owned())
}

/// The code text from the argument, `@FILE` or `-` (stdin), trimmed.
fn read_code(source: &str) -> Result<String, Failure> {
    let raw = match source {
        "-" => {
            let stdin = Path::new("<stdin>");
            cli::utf8(
                cli::read_bounded(&mut std::io::stdin().lock(), stdin, MAX_INPUT)?,
                stdin,
            )?
        }
        _ => match source.strip_prefix('@') {
            Some(file) => cli::read_text(Path::new(file))?,
            None => source.to_owned(),
        },
    };
    let line = raw
        .strip_suffix("\r\n")
        .or_else(|| raw.strip_suffix('\n'))
        .unwrap_or(&raw);
    Ok(line.trim().to_owned())
}

fn report(outcome: &qrcred::Result<Verified>, json: bool) -> Result<(), Failure> {
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

fn to_json(value: &impl Serialize) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))
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
