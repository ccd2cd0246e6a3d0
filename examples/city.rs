//! City-scale issuance and verification on one machine.
//!
//! ```text
//! cargo run --release --example city -- [--people N] [--png-sample N] [--out FILE] [--threads N]
//! ```
//!
//! Mints a health status code for each of N people (default 1,000,000) on
//! all cores, streaming the code texts to FILE (default
//! `target/qrcred-city/codes.txt`, one per line, written as it goes, so
//! memory stays flat), then draws `--png-sample` of them (default 20,000)
//! as PNG bytes, then reads FILE back and verifies every code on all cores,
//! twice: one code at a time (`Verifier::verify`, what a scanner at a door
//! does) and in batches (`Verifier::verify_batch`, what a gate server or an
//! audit does). It prints the throughput of each step and what it means:
//! the time to issue for the 13 million residents of Xi'an on this machine,
//! and how much of the 1.2 million scans a minute the Xi'an backend was
//! rated for one core verifying offline covers. The peak memory (the
//! process's high water mark) is printed at the end.
//!
//! Exit status: 0 when every code verified, 1 otherwise, 2 on usage or I/O errors.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use cli::Failure;
use qrcred::{
    BirthDate, Colour, Credential, CredentialBody, HealthStatus, Issuer, IssuerKey, RenderOptions, Subject, TrustStore,
    TrustedKey, Verifier,
};

mod cli;

const USAGE: &str = "usage: city [--people N] [--png-sample N] [--out FILE] [--threads N]";
const DEFAULT_PEOPLE: u64 = 1_000_000;
const XIAN_RESIDENTS: f64 = 13_000_000.0;
const XIAN_SCANS_PER_MINUTE: f64 = 1_200_000.0;
// DEMO ONLY: a seed anyone can read.
const CITY_SEED: &[u8; 32] = b"qrcred DEMO ONLY: city issuer 01";
/// Codes a worker issues before handing them to the writer.
const CHUNK: u64 = 1_000;

struct Args {
    people: u64,
    png_sample: u64,
    out: PathBuf,
    threads: usize,
}

fn main() -> ExitCode {
    cli::main(run)
}

fn run() -> Result<ExitCode, Failure> {
    let Some(args) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    let now: DateTime<Utc> = DateTime::from_timestamp(cli::now_or_clock(None).timestamp(), 0).unwrap_or_default();
    let key = IssuerKey::from_seed(CITY_SEED);
    let issuer = Issuer::new(key.clone(), "DEMO-CITY");
    let trust = TrustStore::new().with(TrustedKey::new(*key.public_key(), "DEMO-CITY"));
    if let Some(dir) = args.out.parent() {
        fs::create_dir_all(dir).map_err(|e| cli::io_error(dir, &e))?;
    }
    println!(
        "{} people, {} threads, codes streamed to {}",
        args.people,
        args.threads,
        args.out.display()
    );

    // 1. Issue, on every thread, streaming chunks to one writer.
    let started = Instant::now();
    let issued = issue_all(&args, &issuer, now)?;
    let issue_time = started.elapsed();
    let issue_rate = rate(issued, issue_time);
    println!(
        "issued {issued} code texts in {:.1} s: {issue_rate:.0} per second",
        secs(issue_time)
    );

    // 2. PNG bytes for a sample (drawing every code is the same work N times).
    let started = Instant::now();
    let drawn = draw_sample(&args, &issuer, now)?;
    let png_time = started.elapsed();
    let png_rate = rate(drawn, png_time);
    println!(
        "drew {drawn} PNG codes in {:.1} s: {png_rate:.0} per second",
        secs(png_time)
    );

    // 3. Verify every code in the file, on every thread: one at a time,
    // then in batches.
    let mut per_core = [0.0; 2];
    let mut refused_any = false;
    for (i, mode) in [Mode::Single, Mode::Batch].into_iter().enumerate() {
        let started = Instant::now();
        let (verified, refused) = verify_all(&args, &trust, now, mode)?;
        let verify_time = started.elapsed();
        let verify_rate = rate(verified + refused, verify_time);
        per_core[i] = verify_rate / args.threads as f64;
        refused_any |= refused > 0;
        println!(
            "verified {verified} codes ({refused} refused) {} in {:.1} s: {verify_rate:.0} per second, {:.0} per core",
            mode.label(),
            secs(verify_time),
            per_core[i]
        );
    }

    println!("\nWhat it means:");
    println!(
        "  issuing for the {:.0} million residents of Xi'an: {:.0} s on this machine ({:.1} min)",
        XIAN_RESIDENTS / 1e6,
        XIAN_RESIDENTS / issue_rate,
        XIAN_RESIDENTS / issue_rate / 60.0
    );
    let per_core_minute = per_core[0] * 60.0;
    println!(
        "  one core verifies {per_core_minute:.0} codes a minute offline, one at a time: {:.1} % of the {:.1} million \
         scans a minute the Xi'an backend was rated for; {:.0} scanners at one core each cover all of it, with no backend",
        100.0 * per_core_minute / XIAN_SCANS_PER_MINUTE,
        XIAN_SCANS_PER_MINUTE / 1e6,
        (XIAN_SCANS_PER_MINUTE / per_core_minute).ceil()
    );
    let batch_minute = per_core[1] * 60.0;
    println!(
        "  in batches one core re-checks {batch_minute:.0} codes a minute ({:.1}x one at a time): the whole city's \
         {:.0} million codes in {:.0} s on this machine, after a trust bundle update",
        per_core[1] / per_core[0],
        XIAN_RESIDENTS / 1e6,
        XIAN_RESIDENTS / (per_core[1] * args.threads as f64)
    );
    match peak_memory_kib() {
        Some(kib) => println!("  peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0),
        None => println!("  peak memory: not available on this system"),
    }
    Ok(ExitCode::from(u8::from(refused_any)))
}

/// The credential of person `n`: a health status, names and birth dates varied.
fn person(n: u64) -> Credential {
    const FAMILY: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
    const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "秀英", "丽", "强"];
    let born = format!("{}-{:02}-{:02}", 1940 + n % 80, 1 + n % 12, 1 + n % 28);
    Credential {
        subject: Subject::new(
            FAMILY[(n % 8) as usize],
            GIVEN[((n / 8) % 8) as usize],
            BirthDate::parse(&born).unwrap_or(BirthDate::Year(1980)),
        ),
        body: CredentialBody::HealthStatus(HealthStatus {
            colour: if n.is_multiple_of(50) {
                Colour::Yellow
            } else {
                Colour::Green
            },
            reason: None,
        }),
    }
}

/// Issues every code; workers take chunks of people from a shared counter
/// and send their texts to this thread, which writes them as they come.
fn issue_all(args: &Args, issuer: &Issuer, now: DateTime<Utc>) -> Result<u64, Failure> {
    let file = File::create(&args.out).map_err(|e| cli::io_error(&args.out, &e))?;
    let mut out = BufWriter::new(file);
    let next = AtomicU64::new(0);
    let (tx, rx) = mpsc::sync_channel::<Result<String, qrcred::Error>>(args.threads * 2);
    let mut written = 0u64;
    let mut last_report = Instant::now();
    std::thread::scope(|scope| -> Result<(), Failure> {
        for _ in 0..args.threads {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                    if start >= args.people {
                        break;
                    }
                    let mut chunk = String::with_capacity(240 * CHUNK as usize);
                    for n in start..(start + CHUNK).min(args.people) {
                        match issuer.issue(&person(n), TimeDelta::hours(24), now) {
                            Ok(text) => {
                                chunk.push_str(&text);
                                chunk.push('\n');
                            }
                            Err(e) => {
                                let _ = tx.send(Err(e));
                                return;
                            }
                        }
                    }
                    if tx.send(Ok(chunk)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        for chunk in rx {
            let chunk = chunk?;
            out.write_all(chunk.as_bytes())
                .map_err(|e| cli::io_error(&args.out, &e))?;
            written += chunk.bytes().filter(|&b| b == b'\n').count() as u64;
            if last_report.elapsed() > Duration::from_millis(250) {
                progress("issuing", written, args.people);
                last_report = Instant::now();
            }
        }
        Ok(())
    })?;
    out.flush().map_err(|e| cli::io_error(&args.out, &e))?;
    progress("issuing", written, args.people);
    eprintln!();
    Ok(written)
}

/// Draws `png_sample` codes as PNG bytes on every thread (kept in memory
/// one at a time only).
fn draw_sample(args: &Args, issuer: &Issuer, now: DateTime<Utc>) -> Result<u64, Failure> {
    let total = args.png_sample.min(args.people);
    let next = AtomicU64::new(0);
    let failures = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..args.threads {
            scope.spawn(|| {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    let drawn = issuer
                        .issue(&person(n), TimeDelta::hours(24), now)
                        .and_then(|text| qrcred::render_png(&text, &RenderOptions::DEFAULT));
                    match drawn {
                        Ok(png) => {
                            std::hint::black_box(png);
                        }
                        Err(_) => {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            });
        }
    });
    match failures.load(Ordering::Relaxed) {
        0 => Ok(total),
        n => Err(Failure::Unexpected(format!("{n} codes could not be drawn"))),
    }
}

/// How the verifying threads take their codes.
#[derive(Clone, Copy)]
enum Mode {
    /// `Verifier::verify`, one code at a time.
    Single,
    /// `Verifier::verify_batch` on each chunk read.
    Batch,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Single => "one at a time",
            Mode::Batch => "in batches",
        }
    }
}

/// Verifies every line of the codes file on every thread: (valid, refused).
fn verify_all(args: &Args, trust: &TrustStore, now: DateTime<Utc>, mode: Mode) -> Result<(u64, u64), Failure> {
    let file = File::open(&args.out).map_err(|e| cli::io_error(&args.out, &e))?;
    let mut lines = BufReader::new(file).lines();
    let (valid, refused) = (AtomicU64::new(0), AtomicU64::new(0));
    let verifier = Verifier::new(trust);
    let mut done = 0u64;
    let mut last_report = Instant::now();
    let (tx, rx) = mpsc::sync_channel::<Vec<String>>(args.threads * 2);
    let rx = std::sync::Mutex::new(rx);
    std::thread::scope(|scope| -> Result<(), Failure> {
        for _ in 0..args.threads {
            let (rx, verifier, valid, refused) = (&rx, &verifier, &valid, &refused);
            scope.spawn(move || {
                loop {
                    let batch = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(batch) = batch else { return };
                    let results = match mode {
                        Mode::Single => batch.iter().map(|text| verifier.verify(text, now)).collect(),
                        Mode::Batch => verifier.verify_batch(&batch, now),
                    };
                    let ok = results.iter().filter(|r| r.is_ok()).count() as u64;
                    valid.fetch_add(ok, Ordering::Relaxed);
                    refused.fetch_add(results.len() as u64 - ok, Ordering::Relaxed);
                }
            });
        }
        loop {
            let mut batch = Vec::with_capacity(CHUNK as usize);
            for line in lines.by_ref().take(CHUNK as usize) {
                batch.push(line.map_err(|e| cli::io_error(&args.out, &e))?);
            }
            if batch.is_empty() {
                break;
            }
            done += batch.len() as u64;
            if tx.send(batch).is_err() {
                break;
            }
            if last_report.elapsed() > Duration::from_millis(250) {
                progress(mode.label(), done, args.people);
                last_report = Instant::now();
            }
        }
        drop(tx);
        Ok(())
    })?;
    progress(mode.label(), done, args.people);
    eprintln!();
    Ok((valid.load(Ordering::Relaxed), refused.load(Ordering::Relaxed)))
}

/// A one-line progress bar on standard error.
fn progress(what: &str, done: u64, total: u64) {
    let width = 40u64;
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(width);
    let bar: String = (0..width).map(|i| if i < filled { '█' } else { '·' }).collect();
    eprint!("\r{what:<10} {bar} {done}/{total}");
}

/// The process's peak resident memory in KiB (Linux: VmHWM in /proc/self/status).
fn peak_memory_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn rate(n: u64, time: Duration) -> f64 {
    n as f64 / time.as_secs_f64().max(1e-9)
}

fn secs(time: Duration) -> f64 {
    time.as_secs_f64()
}

/// Parses the arguments; `None` means `--help` was asked for.
fn parse_args(mut it: cli::Args) -> Result<Option<Args>, Failure> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut args = Args {
        people: DEFAULT_PEOPLE,
        png_sample: 20_000,
        out: PathBuf::from("target/qrcred-city/codes.txt"),
        threads,
    };
    let number = |it: &mut cli::Args, arg: &cli::Arg| -> Result<u64, Failure> {
        let value = it.value(arg)?;
        value
            .parse::<u64>()
            .map_err(|_| it.error(&format!("{} takes a whole number, not {value:?}", arg.name)))
    };
    while let Some(arg) = it.next_arg() {
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--people" => args.people = number(&mut it, &arg)?,
            "--png-sample" => args.png_sample = number(&mut it, &arg)?,
            "--threads" => {
                args.threads = usize::try_from(number(&mut it, &arg)?)
                    .ok()
                    .filter(|&t| (1..=1024).contains(&t))
                    .ok_or_else(|| it.error("--threads takes 1 to 1024"))?;
            }
            "--out" => args.out = PathBuf::from(it.value(&arg)?),
            _ => return Err(it.unexpected(&arg)),
        }
    }
    Ok(Some(args))
}
