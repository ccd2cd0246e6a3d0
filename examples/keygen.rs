//! Generates an issuer key pair.
//!
//! ```text
//! cargo run --release --example keygen -- --out DIR [--issuer ID]
//! ```
//!
//! Writes `DIR/issuer.key.pem` (PKCS#8, mode 0600 from the moment it is
//! created), `DIR/issuer.pub.pem` (SPKI) and, with `--issuer`, `DIR/issuer.id`;
//! prints the key id in hex on stdout. An existing key file is never
//! overwritten.
//!
//! Exit status: 0 on success, 2 on usage or I/O errors (including an
//! existing key file), 1 when the library fails (no randomness, encoding).

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use cli::{Failure, io_error};
use qrcred::IssuerKey;

mod cli;

const USAGE: &str = "usage: keygen --out DIR [--issuer ID]";
const KEY_FILE: &str = "issuer.key.pem";
const PUB_FILE: &str = "issuer.pub.pem";
const ID_FILE: &str = "issuer.id";

struct Args {
    out: PathBuf,
    issuer: Option<String>,
}

fn main() -> ExitCode {
    cli::main(run)
}

fn run() -> Result<ExitCode, Failure> {
    let Some(args) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    fs::create_dir_all(&args.out).map_err(|e| io_error(&args.out, &e))?;
    let key = IssuerKey::generate()?;
    cli::write_private_key(&args.out.join(KEY_FILE), &key)?;
    let public_pem = key.public_key().to_spki_pem()?;
    cli::write_atomic(&args.out.join(PUB_FILE), public_pem.as_bytes())?;
    if let Some(id) = &args.issuer {
        cli::write_atomic(&args.out.join(ID_FILE), format!("{id}\n").as_bytes())?;
    }
    println!("{}", key.kid());
    Ok(ExitCode::SUCCESS)
}

/// Parses the arguments; `None` means `--help` was asked for.
fn parse_args(mut it: cli::Args) -> Result<Option<Args>, Failure> {
    let (mut out, mut issuer) = (None, None);
    while let Some(arg) = it.next_arg() {
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--out" => out = Some(PathBuf::from(it.value(&arg)?)),
            "--issuer" => issuer = Some(check_issuer(it.value(&arg)?)?),
            _ => return Err(it.unexpected(&arg)),
        }
    }
    let out = it.required(out, "--out")?;
    Ok(Some(Args { out, issuer }))
}

/// An issuer id must be one non-empty line without control characters.
fn check_issuer(id: String) -> Result<String, Failure> {
    if id.trim().is_empty() || id.chars().any(char::is_control) || id.trim() != id {
        return Err(Failure::Usage(format!(
            "invalid issuer id {id:?}: it must be non-empty, without control characters or surrounding spaces"
        )));
    }
    Ok(id)
}
