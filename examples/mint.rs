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

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use cli::Failure;
use qrcred::{Credential, Issuer, IssuerKey};

mod cli;

const USAGE: &str =
    "usage: mint --key KEY.pem --issuer ID --credential FILE.json [--valid-for DURATION] [--now RFC3339]";

struct Args {
    key: PathBuf,
    issuer: String,
    credential: PathBuf,
    valid_for: Option<TimeDelta>,
    now: Option<DateTime<Utc>>,
}

fn main() -> ExitCode {
    cli::main(run)
}

fn run() -> Result<ExitCode, Failure> {
    let Some(args) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    let key = IssuerKey::from_pkcs8_pem(&cli::read_text(&args.key)?)?;
    let credential: Credential = serde_json::from_str(&cli::read_text(&args.credential)?)
        .map_err(|e| Failure::Usage(format!("{}: not a credential: {e}", args.credential.display())))?;
    let validity = args
        .valid_for
        .unwrap_or_else(|| cli::default_validity(credential.kind()));
    let now = cli::now_or_clock(args.now);

    let code = Issuer::new(key, &args.issuer).issue(&credential, validity, now)?;
    println!("{code}");
    Ok(ExitCode::SUCCESS)
}

/// Parses the arguments; `None` means `--help` was asked for.
fn parse_args(mut it: cli::Args) -> Result<Option<Args>, Failure> {
    let (mut key, mut issuer, mut credential, mut valid_for, mut now) = (None, None, None, None, None);
    while let Some(arg) = it.next_arg() {
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--key" => key = Some(PathBuf::from(it.value(&arg)?)),
            "--issuer" => issuer = Some(it.value(&arg)?),
            "--credential" => credential = Some(PathBuf::from(it.value(&arg)?)),
            "--valid-for" => valid_for = Some(cli::parse_duration(&it.value(&arg)?)?),
            "--now" => now = Some(cli::parse_now(&it.value(&arg)?)?),
            _ => return Err(it.unexpected(&arg)),
        }
    }
    Ok(Some(Args {
        key: it.required(key, "--key")?,
        issuer: it.required(issuer, "--issuer")?,
        credential: it.required(credential, "--credential")?,
        valid_for,
        now,
    }))
}
