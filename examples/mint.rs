//! Issues a code for a credential given as JSON, and draws it if asked.
//!
//! ```text
//! cargo run --release --example mint -- --key KEY.pem --issuer ID --credential FILE.json \
//!     [--valid-for DURATION] [--now RFC3339] \
//!     [--png FILE] [--svg FILE] [--terminal] [--ecc L|M|Q|H] [--module-px N]
//! ```
//!
//! Prints the code text and a newline on stdout. DURATION is a whole number
//! with a unit: `90s`, `30m`, `24h`, `7d`. Without `--valid-for` the validity
//! depends on the kind: health_status 24h, test_result 72h, vaccination 365d,
//! recovery 180d, access_pass 365d. `--now` defaults to the system clock: the
//! library itself never reads it.
//!
//! `--png` and `--svg` write the QR symbol to a file (atomically: a reader
//! never sees a half-written file); `--terminal` prints it after the text
//! line in Unicode half blocks. `--ecc` picks the error-correction level
//! (default M, Q for print), `--module-px` the pixels per module in the PNG
//! and user units per module in the SVG (default 4).
//!
//! Exit status: 0 on success, 1 when the library refuses (`error: <code>:
//! <message>`), 2 on usage or I/O errors. Nothing is printed or written
//! unless everything succeeds.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use cli::Failure;
use qrcred::{Credential, EccLevel, Issuer, IssuerKey, QrCode, RenderOptions};

mod cli;

const USAGE: &str = "usage: mint --key KEY.pem --issuer ID --credential FILE.json [--valid-for DURATION] \
[--now RFC3339] [--png FILE] [--svg FILE] [--terminal] [--ecc L|M|Q|H] [--module-px N]";

struct Args {
    key: PathBuf,
    issuer: String,
    credential: PathBuf,
    valid_for: Option<TimeDelta>,
    now: Option<DateTime<Utc>>,
    drawing: Drawing,
}

/// Which pictures of the code to make, and how.
struct Drawing {
    png: Option<PathBuf>,
    svg: Option<PathBuf>,
    terminal: bool,
    options: RenderOptions,
}

/// The pictures, made before anything is written or printed.
struct Pictures {
    png: Option<(PathBuf, Vec<u8>)>,
    svg: Option<(PathBuf, String)>,
    terminal: Option<String>,
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
    let pictures = draw(&code, &args.drawing)?;
    write_files(&pictures)?;
    println!("{code}");
    if let Some(terminal) = &pictures.terminal {
        print!("{terminal}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Parses the arguments; `None` means `--help` was asked for.
fn parse_args(mut it: cli::Args) -> Result<Option<Args>, Failure> {
    let (mut key, mut issuer, mut credential, mut valid_for, mut now) = (None, None, None, None, None);
    let (mut png, mut svg, mut terminal, mut options) = (None, None, false, RenderOptions::DEFAULT);
    while let Some(arg) = it.next_arg() {
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--key" => key = Some(PathBuf::from(it.value(&arg)?)),
            "--issuer" => issuer = Some(it.value(&arg)?),
            "--credential" => credential = Some(PathBuf::from(it.value(&arg)?)),
            "--valid-for" => valid_for = Some(cli::parse_duration(&it.value(&arg)?)?),
            "--now" => now = Some(cli::parse_now(&it.value(&arg)?)?),
            "--png" => png = Some(PathBuf::from(it.value(&arg)?)),
            "--svg" => svg = Some(PathBuf::from(it.value(&arg)?)),
            "--terminal" if arg.inline.is_none() => terminal = true,
            "--ecc" => options = options.with_ecc(parse_ecc(&it.value(&arg)?)?),
            "--module-px" => options = options.with_module_px(parse_module_px(&it.value(&arg)?)?),
            _ => return Err(it.unexpected(&arg)),
        }
    }
    Ok(Some(Args {
        key: it.required(key, "--key")?,
        issuer: it.required(issuer, "--issuer")?,
        credential: it.required(credential, "--credential")?,
        valid_for,
        now,
        drawing: Drawing {
            png,
            svg,
            terminal,
            options,
        },
    }))
}

fn parse_ecc(s: &str) -> Result<EccLevel, Failure> {
    EccLevel::parse(s).ok_or_else(|| Failure::Usage(format!("invalid --ecc {s:?}: expected L, M, Q or H")))
}

fn parse_module_px(s: &str) -> Result<u32, Failure> {
    s.parse().ok().filter(|px| (1..=64).contains(px)).ok_or_else(|| {
        Failure::Usage(format!(
            "invalid --module-px {s:?}: expected a whole number from 1 to 64"
        ))
    })
}

/// Encodes the code once and draws every picture asked for.
fn draw(code: &str, drawing: &Drawing) -> Result<Pictures, Failure> {
    let mut pictures = Pictures {
        png: None,
        svg: None,
        terminal: None,
    };
    if drawing.png.is_none() && drawing.svg.is_none() && !drawing.terminal {
        return Ok(pictures);
    }
    let options = &drawing.options;
    let symbol = QrCode::encode(code, options.ecc)?;
    if let Some(path) = &drawing.png {
        pictures.png = Some((path.clone(), symbol.to_png(options)?));
    }
    if let Some(path) = &drawing.svg {
        pictures.svg = Some((path.clone(), symbol.to_svg(options)?));
    }
    if drawing.terminal {
        pictures.terminal = Some(symbol.to_terminal(options.quiet_zone));
    }
    Ok(pictures)
}

fn write_files(pictures: &Pictures) -> Result<(), Failure> {
    if let Some((path, png)) = &pictures.png {
        cli::write_atomic(path, png)?;
    }
    if let Some((path, svg)) = &pictures.svg {
        cli::write_atomic(path, svg.as_bytes())?;
    }
    Ok(())
}
