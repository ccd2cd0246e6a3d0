//! Verifies a code offline against trusted public keys, from its text or
//! from a picture of it.
//!
//! ```text
//! cargo run --release --example verify -- --trust PUB.pem [--trust PUB2.pem ...] \
//!     [--issuer ID] [--now RFC3339] [--json] CODE | IMAGE | @FILE | -
//! ```
//!
//! Each key's issuer id is `--issuer` if given, else the contents of an
//! `issuer.id` file next to the PEM, else the PEM's file name without
//! `.pem` and `.pub` (`cn-bj.pub.pem` → `cn-bj`). The code is the argument,
//! the contents of FILE (`@FILE`) or standard input (`-`); surrounding
//! whitespace and a trailing newline are removed (a Base45 code never ends
//! in a space, and starts with `QC1:`).
//!
//! An argument naming an existing PNG or JPEG file (known by its first
//! bytes), and a FILE or standard input holding one, is scanned instead, and
//! every QR code found in it is verified: one result per code, in reading
//! order. An image without a code is refused with `scan.no_code`.
//!
//! Exit status: 0 when every code is valid (and an image held at least one),
//! 1 when any is refused, 2 usage or I/O error. With `--json`, stdout holds
//! one JSON object per code, one per line, for exit 0 and 1:
//! `{"valid":true,"kind":..,"issuer":..,"kid":..,"issued_at":..,"expires_at":..,"credential":{..}}`
//! or `{"valid":false,"error":{"code":..,"message":..}}`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use cli::Failure;
use qrcred::{Credential, PublicKey, TrustStore, TrustedKey, Verified, Verifier};
use serde::Serialize;

mod cli;

const USAGE: &str = "usage: verify --trust PUB.pem [--trust PUB2.pem ...] [--issuer ID] [--now RFC3339] [--json] \
CODE | IMAGE | @FILE | -";
/// Largest code text read from a file or stdin; the library's own limit is far lower.
const MAX_TEXT: u64 = 1 << 20;
/// Largest image file read; the scanner then bounds its pixel count.
const MAX_IMAGE: u64 = 64 << 20;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_SIGNATURE: &[u8] = b"\xFF\xD8\xFF";

struct Args {
    trust: Vec<PathBuf>,
    issuer: Option<String>,
    now: Option<DateTime<Utc>>,
    json: bool,
    code: String,
}

/// What the command was given to verify.
enum Input {
    /// A code text.
    Text(String),
    /// A PNG or JPEG file's bytes, and where they came from.
    Image(PathBuf, Vec<u8>),
}

/// Why a code, or an image, was refused.
struct Refusal {
    code: &'static str,
    message: String,
}

impl From<qrcred::Error> for Refusal {
    fn from(e: qrcred::Error) -> Self {
        Refusal {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

type Outcome = Result<Verified, Refusal>;

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
    code: &'static str,
    message: &'a str,
}

fn main() -> ExitCode {
    cli::main(run)
}

/// Runs the command: exit 0 valid, 1 refused; `Err` is a usage or I/O error (exit 2).
fn run() -> Result<ExitCode, Failure> {
    let Some(args) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    let verifier = Verifier::new(load_trust(&args.trust, args.issuer.as_deref())?);
    let now = cli::now_or_clock(args.now);
    let outcomes = match read_input(&args.code)? {
        Input::Text(text) => vec![verifier.verify(&text, now).map_err(Refusal::from)],
        Input::Image(name, bytes) => verify_image(&verifier, &name, &bytes, now),
    };
    report(&outcomes, args.json)?;
    Ok(ExitCode::from(u8::from(outcomes.iter().any(Result::is_err))))
}

/// Every code in the image, verified; a refusal if it holds none.
fn verify_image(verifier: &Verifier<TrustStore>, name: &Path, bytes: &[u8], now: DateTime<Utc>) -> Vec<Outcome> {
    match verifier.verify_image(bytes, now) {
        Ok(results) if results.is_empty() => vec![Err(Refusal {
            code: "scan.no_code",
            message: format!("no QR code found in the image {}", name.display()),
        })],
        Ok(results) => results.into_iter().map(|r| r.map_err(Refusal::from)).collect(),
        Err(e) => vec![Err(e.into())],
    }
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

/// The code text from the argument, `@FILE` or `-` (stdin), or the image
/// the argument, FILE or stdin holds.
fn read_input(source: &str) -> Result<Input, Failure> {
    let name = PathBuf::from(source.strip_prefix('@').unwrap_or(source));
    let bytes = match source {
        "-" => cli::read_bounded(&mut std::io::stdin().lock(), Path::new("<stdin>"), MAX_IMAGE)?,
        _ if source.starts_with('@') || is_image_file(&name) => {
            cli::read_bounded(&mut cli::open(&name)?, &name, MAX_IMAGE)?
        }
        _ => return Ok(Input::Text(trim_line(source))),
    };
    if is_image(&bytes) {
        return Ok(Input::Image(name, bytes));
    }
    if bytes.len() as u64 > MAX_TEXT {
        return Err(Failure::Usage(format!(
            "{}: larger than {MAX_TEXT} bytes",
            name.display()
        )));
    }
    Ok(Input::Text(trim_line(&cli::utf8(bytes, &name)?)))
}

/// Whether `path` is a file that starts like a PNG or JPEG file.
fn is_image_file(path: &Path) -> bool {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(PNG_SIGNATURE.len() as u64).read_to_end(&mut head))
        .is_ok_and(|_| is_image(&head))
}

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(PNG_SIGNATURE) || bytes.starts_with(JPEG_SIGNATURE)
}

/// The text without a trailing line end and surrounding whitespace.
fn trim_line(raw: &str) -> String {
    let line = raw
        .strip_suffix("\r\n")
        .or_else(|| raw.strip_suffix('\n'))
        .unwrap_or(raw);
    line.trim().to_owned()
}

/// One line of JSON, or one human summary, per code.
fn report(outcomes: &[Outcome], json: bool) -> Result<(), Failure> {
    for (i, outcome) in outcomes.iter().enumerate() {
        if !json && outcomes.len() > 1 {
            println!("code {} of {}:", i + 1, outcomes.len());
        }
        match (outcome, json) {
            (Ok(v), true) => println!("{}", to_json(&valid_json(v))?),
            (Ok(v), false) => print_summary(v),
            (Err(r), true) => println!("{}", to_json(&refused_json(r))?),
            (Err(r), false) => println!("REFUSED {}: {}", r.code, r.message),
        }
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

fn refused_json(refusal: &Refusal) -> RefusedJson<'_> {
    RefusedJson {
        valid: false,
        error: ErrorJson {
            code: refusal.code,
            message: &refusal.message,
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
