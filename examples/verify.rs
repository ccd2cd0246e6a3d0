//! Verifies a code offline against trusted public keys, from its text or
//! from a picture of it.
//!
//! ```text
//! cargo run --release --example verify -- --trust PUB.pem [--trust PUB2.pem ...] \
//!     [--issuer ID] [--now RFC3339] [--json] [--batch] CODE | IMAGE | @FILE | -
//! cargo run --release --example verify -- --bundle BUNDLE --root ROOT.pub.pem [--state FILE] \
//!     [--stale warn|refuse] [--grace DURATION] [--lang zh|en] [--trust PUB.pem ...] ... CODE | IMAGE | @FILE | -
//! cargo run --release --example verify -- --dsc CERT.pem [--dsc CERT2.der ...] [--now RFC3339] [--json] HC1-CODE | IMAGE | @FILE | -
//! ```
//!
//! `HC1:` codes (EU DCC / WHO GDHCN health certificates, SPEC.md §14) verify
//! against Document Signer Certificates: `--dsc FILE` (repeatable; PEM with
//! one or more certificates, or DER), and those a `--bundle` carries. They
//! are judged as `QC1:` codes are; the JSON report adds `"format":"HC1"` and
//! the signed certificate as `"hcert"`.
//!
//! With `--bundle`, the keys, key states and revocations come from a signed
//! trust bundle, checked against the pinned root keys (`--root`, repeatable).
//! `--state FILE` keeps the scanner's trust state between runs (the roots,
//! the highest bundle sequence number loaded, the newest issue time seen):
//! read when it exists, written back after each run, so an older bundle or
//! a clock set back is refused (`trust.rollback`, `time.clock_behind`).
//! A stale bundle warns (`--stale warn`, the default) or refuses
//! (`--stale refuse`) once `--grace` (default 0s) past its expiry. Keys
//! given with `--trust` are trusted next to the bundle's. `--lang` adds the
//! label of each refusal and warning in that language (the bundle's labels,
//! else the built-in ones); with a bundle, Chinese labels are shown by default.
//!
//! Each key's issuer id is `--issuer` if given, else the contents of an
//! `issuer.id` file next to the PEM, else the PEM's file name without
//! `.pem` and `.pub` (`cn-bj.pub.pem` → `cn-bj`). The code is the argument,
//! the contents of FILE (`@FILE`) or standard input (`-`); surrounding
//! whitespace and a trailing newline are removed (a Base45 code never ends
//! in a space, and starts with `QC1:`).
//!
//! With `--batch`, the text (usually `@FILE` or `-`) holds one code per line,
//! blank lines skipped, and the codes are verified together with
//! `Verifier::verify_batch` (Ed25519 batch verification, SPEC.md §4.5): an
//! audit, or a re-check after a bundle update. One result per code, in
//! order; the text read is bounded at 1 MiB (some 4,500 codes; the `city`
//! example streams millions).
//!
//! An argument naming an existing PNG or JPEG file (known by its first
//! bytes), and a FILE or standard input holding one, is scanned instead, and
//! every QR code found in it is verified: one result per code, in reading
//! order. An image without a code is refused with `scan.no_code`.
//!
//! Exit status: 0 when every code is valid (and an image held at least one),
//! 1 when any is refused, 2 usage or I/O error, 3 when the trust data failed:
//! a `--trust` key, `--dsc` certificate, `--root` key, `--bundle` or `--state` file could not be
//! read or was refused (`trust.rollback`, `trust.unknown_root`, ...), or the
//! state could not be written back; no code was verified then. With
//! `--json`, stdout then holds `{"trust_error":{"code":..,"message":..,"label":..}}`
//! (the codes are the library's, or `file.unreadable`, `file.too_large`,
//! `file.unwritable`), and for exit 0 and 1 one JSON object per code, one per line:
//! `{"valid":true,"kind":..,"issuer":..,"issuer_name":..,"kid":..,"revocation_id":..,"issued_at":..,"expires_at":..,"warnings":[{"code":..,"label":..}],"credential":{..}}`
//! or `{"valid":false,"error":{"code":..,"message":..,"label":..}}` (`label`
//! and `issuer_name` only when there is one). `revocation_id` (16 hex
//! digits, SPEC.md §12.3) is what a script keys logs and deduplication on:
//! several texts carry one signed code (SPEC.md §3), but they share this id,
//! and `bundle revoke-credential --id` takes it.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use cli::Failure;
use qrcred::report::{ErrorReport, Labels, RefusedReport, ValidReport, rfc3339};
use qrcred::scanner::Trust;
use qrcred::{StalePolicy, TrustState, TrustStore, TrustedKey, Verified, Verifier};
use serde::Serialize;

mod cli;

const USAGE: &str = "usage: verify [--trust PUB.pem ...] [--issuer ID] [--dsc CERT.pem ...] [--bundle BUNDLE --root ROOT.pub.pem ... \
[--state FILE] [--stale warn|refuse] [--grace DURATION]] [--lang zh|en] [--now RFC3339] [--json] [--batch] CODE | IMAGE | @FILE | -";

struct Args {
    trust: Vec<PathBuf>,
    dscs: Vec<PathBuf>,
    issuer: Option<String>,
    bundle: Option<PathBuf>,
    roots: Vec<PathBuf>,
    state: Option<PathBuf>,
    stale: StalePolicy,
    lang: Option<String>,
    now: Option<DateTime<Utc>>,
    json: bool,
    batch: bool,
    code: String,
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

fn main() -> ExitCode {
    cli::main(run)
}

/// Runs the command: exit 0 valid, 1 refused; `Err` is a usage or I/O error
/// (exit 2) or a failure of the trust data (exit 3).
fn run() -> Result<ExitCode, Failure> {
    let Some(args) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    let now = cli::now_or_clock(args.now);
    let lang = args
        .lang
        .clone()
        .or_else(|| args.bundle.is_some().then(|| "zh".to_owned()));
    let trust_json = |failure| cli::trust_json(failure, args.json, lang.as_deref());
    let mut store = load_trust(&args.trust, args.issuer.as_deref()).map_err(trust_json)?;
    for path in &args.dscs {
        for dsc in cli::read_dscs(path).map_err(trust_json)? {
            store.add_dsc(dsc);
        }
    }
    let (mut state, bundle) = match &args.bundle {
        Some(path) => {
            let (state, bundle) =
                cli::load_bundle(path, &args.roots, args.state.as_deref(), now).map_err(trust_json)?;
            (Some(state), Some(bundle))
        }
        None => (None, None),
    };
    let verifier = Verifier::new(Trust { store, bundle })
        .with_stale_policy(args.stale)
        .with_newest_seen(state.as_ref().and_then(TrustState::newest_seen));
    let outcomes = match cli::read_input(&args.code)? {
        cli::Input::Text(text) if args.batch => {
            let codes: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            if codes.is_empty() {
                return Err(Failure::Usage("--batch: no code in the input".into()));
            }
            verifier
                .verify_batch(&codes, now)
                .into_iter()
                .map(|r| r.map_err(Refusal::from))
                .collect()
        }
        cli::Input::Text(text) => vec![verifier.verify(&text, now).map_err(Refusal::from)],
        cli::Input::Image(name, bytes) => verify_image(&verifier, &name, &bytes, now),
    };
    if let (Some(path), Some(state)) = (&args.state, &mut state) {
        cli::save_state(path, state, verifier.newest_seen()).map_err(trust_json)?;
    }
    let labels = Labels::new(verifier.resolver().bundle.as_ref(), lang.as_deref());
    report(&outcomes, args.json, &labels)?;
    Ok(ExitCode::from(u8::from(outcomes.iter().any(Result::is_err))))
}

/// Every code in the image, verified; a refusal if it holds none.
fn verify_image(verifier: &Verifier<Trust>, name: &Path, bytes: &[u8], now: DateTime<Utc>) -> Vec<Outcome> {
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
    let mut dscs = Vec::new();
    let mut batch = false;
    let (mut bundle, mut roots, mut state, mut lang) = (None, Vec::new(), None, None);
    let (mut refuse, mut grace) = (false, TimeDelta::zero());
    while let Some(arg) = it.next_arg() {
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--trust" => trust.push(PathBuf::from(it.value(&arg)?)),
            "--dsc" => dscs.push(PathBuf::from(it.value(&arg)?)),
            "--bundle" => bundle = Some(PathBuf::from(it.value(&arg)?)),
            "--root" => roots.push(PathBuf::from(it.value(&arg)?)),
            "--state" => state = Some(PathBuf::from(it.value(&arg)?)),
            "--grace" => grace = cli::parse_duration(&it.value(&arg)?)?,
            "--stale" => {
                refuse = match it.value(&arg)?.as_str() {
                    "warn" => false,
                    "refuse" => true,
                    other => return Err(it.error(&format!("--stale takes warn or refuse, not {other:?}"))),
                }
            }
            "--lang" => lang = Some(it.value(&arg)?),
            "--issuer" => issuer = Some(it.value(&arg)?),
            "--now" => now = Some(cli::parse_now(&it.value(&arg)?)?),
            "--json" if arg.inline.is_none() => json = true,
            "--batch" if arg.inline.is_none() => batch = true,
            f if f.starts_with("--") || (f.starts_with('-') && f != "-") => return Err(it.unexpected(&arg)),
            _ if code.is_some() => return Err(it.error("only one code may be given")),
            _ => code = Some(arg.name),
        }
    }
    if trust.is_empty() && dscs.is_empty() && bundle.is_none() {
        return Err(it.error("at least one --trust PUB.pem, --dsc CERT.pem or a --bundle is needed"));
    }
    if bundle.is_none() && (!roots.is_empty() || state.is_some()) {
        return Err(it.error("--root and --state go with --bundle"));
    }
    let code = code.ok_or_else(|| it.error("no code given"))?;
    let stale = if refuse {
        StalePolicy::refuse_after(grace)
    } else {
        StalePolicy::warn_after(grace)
    };
    Ok(Some(Args {
        trust,
        dscs,
        issuer,
        bundle,
        roots,
        state,
        stale,
        lang,
        now,
        json,
        batch,
        code,
    }))
}

fn load_trust(paths: &[PathBuf], issuer: Option<&str>) -> Result<TrustStore, Failure> {
    let mut store = TrustStore::new();
    for path in paths {
        let key = cli::read_trusted_key(path)?;
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

/// One line of JSON, or one human summary, per code.
fn report(outcomes: &[Outcome], json: bool, labels: &Labels<'_>) -> Result<(), Failure> {
    for (i, outcome) in outcomes.iter().enumerate() {
        if !json && outcomes.len() > 1 {
            println!("code {} of {}:", i + 1, outcomes.len());
        }
        match (outcome, json) {
            (Ok(v), true) => println!("{}", to_json(&ValidReport::new(v, labels))?),
            (Ok(v), false) => print_summary(v, labels),
            (Err(r), true) => {
                let error = ErrorReport::with_code(r.code, r.message.as_str(), labels);
                println!("{}", to_json(&RefusedReport::from_error(error))?);
            }
            (Err(r), false) => {
                println!("REFUSED {}: {}", r.code, r.message);
                if let Some(label) = labels.of(r.code) {
                    println!("  {label}");
                }
            }
        }
    }
    Ok(())
}

fn to_json(value: &impl Serialize) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))
}

fn print_summary(v: &Verified, labels: &Labels<'_>) {
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
    match v.issuer_name() {
        Some(shown) => println!("  issuer:  {shown} ({}, kid {})", v.issuer(), v.kid()),
        None => println!("  issuer:  {} (kid {})", v.issuer(), v.kid()),
    }
    println!("  name:    {name}");
    println!("  born:    {}", subject.birth_date);
    println!("  expires: {}", rfc3339(v.expires_at()));
    println!("  id:      {}", v.revocation_id());
    for warning in v.warnings() {
        let label = labels.of(warning.code()).map(|l| format!(" ({l})")).unwrap_or_default();
        println!("  WARNING {}{label}", warning.code());
    }
}
