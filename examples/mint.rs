//! Issues a code for a credential given as JSON.
//!
//! ```text
//! cargo run --release --example mint -- --key KEY.pem --issuer ID --credential FILE.json \
//!     [--valid-for DURATION] [--now RFC3339]
//! ```
//!
//! Prints the code text and a newline on stdout. DURATION is a whole number
//! with a unit: `90s`, `30m`, `24h`, `7d`. Without `--valid-for` the validity
//! depends on the kind: health_status 24h, test_result 72h, vaccination 365d,
//! recovery 180d, access_pass 365d. `--now` defaults to the system clock: the
//! library itself never reads it.
//!
//! Exit status: 0 on success, 1 when the library refuses (`error: <code>:
//! <message>`), 2 on usage or I/O errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, Issuer, IssuerKey, Kind};

const USAGE: &str =
    "usage: mint --key KEY.pem --issuer ID --credential FILE.json [--valid-for DURATION] [--now RFC3339]";

/// A failure and the exit status it maps to.
enum Failure {
    /// Bad arguments, unreadable files, malformed JSON: exit 2.
    Usage(String),
    /// The library refused: exit 1.
    Library(qrcred::Error),
}

impl From<qrcred::Error> for Failure {
    fn from(e: qrcred::Error) -> Self {
        Failure::Library(e)
    }
}

#[derive(Default)]
struct Args {
    key: Option<PathBuf>,
    issuer: Option<String>,
    credential: Option<PathBuf>,
    valid_for: Option<TimeDelta>,
    now: Option<DateTime<Utc>>,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Library(e)) => {
            eprintln!("error: {}: {e}", e.code());
            ExitCode::from(1)
        }
    }
}

fn run() -> Result<(), Failure> {
    let Some(args) = parse_args(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let key_path = args.key.ok_or_else(|| required("--key"))?;
    let issuer_id = args.issuer.ok_or_else(|| required("--issuer"))?;
    let credential_path = args.credential.ok_or_else(|| required("--credential"))?;

    let key = IssuerKey::from_pkcs8_pem(&read(&key_path)?)?;
    let credential: Credential = serde_json::from_str(&read(&credential_path)?)
        .map_err(|e| Failure::Usage(format!("{}: not a credential: {e}", credential_path.display())))?;
    let validity = args.valid_for.unwrap_or_else(|| default_validity(credential.kind()));
    let now = args.now.unwrap_or_else(|| std::time::SystemTime::now().into());

    let code = Issuer::new(key, &issuer_id).issue(&credential, validity, now)?;
    println!("{code}");
    Ok(())
}

/// Parses the arguments; `None` means `--help` was asked for.
fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, Failure> {
    let mut args = Args::default();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg, None),
        };
        let mut value = || inline.clone().or_else(|| it.next()).ok_or_else(|| missing(&flag));
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--key" => args.key = Some(PathBuf::from(value()?)),
            "--issuer" => args.issuer = Some(value()?),
            "--credential" => args.credential = Some(PathBuf::from(value()?)),
            "--valid-for" => args.valid_for = Some(parse_duration(&value()?)?),
            "--now" => args.now = Some(parse_now(&value()?)?),
            _ => return Err(Failure::Usage(format!("unexpected argument {flag:?}\n{USAGE}"))),
        }
    }
    Ok(Some(args))
}

fn missing(flag: &str) -> Failure {
    Failure::Usage(format!("{flag} needs a value\n{USAGE}"))
}

fn required(flag: &str) -> Failure {
    Failure::Usage(format!("{flag} is required\n{USAGE}"))
}

/// The validity a kind gets when `--valid-for` is not given.
fn default_validity(kind: Kind) -> TimeDelta {
    match kind {
        Kind::HealthStatus => TimeDelta::hours(24),
        Kind::TestResult => TimeDelta::hours(72),
        Kind::Recovery => TimeDelta::days(180),
        // Vaccination, access pass and any kind added later.
        _ => TimeDelta::days(365),
    }
}

/// Parses `<positive integer><s|m|h|d>`, e.g. `90s`, `30m`, `24h`, `365d`.
fn parse_duration(s: &str) -> Result<TimeDelta, Failure> {
    let bad = || Failure::Usage(format!("invalid duration {s:?}: expected e.g. 90s, 30m, 24h or 7d"));
    let unit = s.chars().last().ok_or_else(bad)?;
    let digits = &s[..s.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let per_unit = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        _ => return Err(bad()),
    };
    let seconds = n.checked_mul(per_unit).filter(|&secs| secs > 0).ok_or_else(bad)?;
    TimeDelta::try_seconds(seconds).ok_or_else(bad)
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, Failure> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Failure::Usage(format!(
                "invalid --now {s:?}: {e} (expected RFC 3339, e.g. 2026-11-25T08:00:00Z)"
            ))
        })
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))
}
