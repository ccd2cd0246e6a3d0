//! What the command-line examples share: failures and exit statuses,
//! argument parsing, bounded file reading, atomic file writing and times.
//!
//! Each example includes this file with `mod cli;`. Not every example uses
//! every item, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Kind, TrustBundle, TrustState};

// --- failures and exit statuses --------------------------------------------

/// A failure and the exit status it maps to.
pub enum Failure {
    /// Bad arguments or a file system problem: exit 2.
    Usage(String),
    /// The library refused: exit 1.
    Library(qrcred::Error),
    /// Something did not behave as expected (the demo's checks): exit 1.
    Unexpected(String),
    /// The trust data (a trust bundle, a pinned root or trusted key, the
    /// trust state) could not be read, was refused, or the state could not
    /// be written back: exit 3, so that a script tells it from a refused code.
    Trust(TrustFailure),
}

/// Why the trust data failed: a stable code and a message naming the file.
///
/// The code is the library's when it refused the data (`trust.rollback`,
/// `key.invalid_encoding`, `cbor.*` ...), else one of the files' own:
/// `file.unreadable` (missing, not permitted, not readable),
/// `file.too_large` (a key or state file over 1 MiB) or `file.unwritable`
/// (the state could not be written back).
pub struct TrustFailure {
    pub code: &'static str,
    pub message: String,
}

impl TrustFailure {
    /// A failure of the file itself.
    fn file(path: &Path, code: &'static str, detail: impl std::fmt::Display) -> Failure {
        Failure::Trust(TrustFailure {
            code,
            message: format!("{}: {detail}", path.display()),
        })
    }

    /// The library refused what the file holds.
    fn refused(path: &Path, e: &qrcred::Error) -> Failure {
        TrustFailure::file(path, e.code(), e)
    }

    /// `{"trust_error":{"code":..,"message":..,"label":..}}` (`label` only when there is one).
    pub fn to_json(&self, lang: Option<&str>) -> String {
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if let Some(label) = lang.and_then(|lang| qrcred::default_label(self.code, lang)) {
            error["label"] = label.into();
        }
        serde_json::json!({ "trust_error": error }).to_string()
    }
}

/// Under `--json`, a trust failure is also written to standard output, as
/// [`TrustFailure::to_json`], for scripts; the failure is handed back.
pub fn trust_json(failure: Failure, json: bool, lang: Option<&str>) -> Failure {
    if let (Failure::Trust(t), true) = (&failure, json) {
        println!("{}", t.to_json(lang));
    }
    failure
}

impl From<qrcred::Error> for Failure {
    fn from(e: qrcred::Error) -> Self {
        Failure::Library(e)
    }
}

/// Runs an example's `run` and turns its failure into a message on stderr
/// and an exit status.
pub fn main(run: impl FnOnce() -> Result<ExitCode, Failure>) -> ExitCode {
    match run() {
        Ok(status) => status,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Library(e)) => {
            eprintln!("error: {}: {e}", e.code());
            ExitCode::from(1)
        }
        Err(Failure::Unexpected(msg)) => {
            eprintln!("unexpected: {msg}");
            ExitCode::from(1)
        }
        Err(Failure::Trust(t)) => {
            eprintln!("error: {}: {}", t.code, t.message);
            ExitCode::from(3)
        }
    }
}

// --- arguments -------------------------------------------------------------

/// One command-line argument: `--flag`, `--flag=value` (`inline` holds the
/// value), `-h`, `-` or a positional value.
pub struct Arg {
    /// The argument up to the first `=` of a `--flag=value`, else all of it.
    pub name: String,
    /// The value after `=` in `--flag=value`.
    pub inline: Option<String>,
}

/// The arguments after the program name, with the usage line for errors.
pub struct Args {
    rest: std::iter::Skip<std::env::Args>,
    usage: &'static str,
}

impl Args {
    /// The process's arguments.
    pub fn from_env(usage: &'static str) -> Args {
        Args {
            rest: std::env::args().skip(1),
            usage,
        }
    }

    /// The next argument, if any.
    pub fn next_arg(&mut self) -> Option<Arg> {
        let arg = self.rest.next()?;
        Some(match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => Arg {
                name: flag.to_owned(),
                inline: Some(value.to_owned()),
            },
            _ => Arg {
                name: arg,
                inline: None,
            },
        })
    }

    /// The flag's value: the part after `=`, else the next argument.
    pub fn value(&mut self, flag: &Arg) -> Result<String, Failure> {
        match &flag.inline {
            Some(value) => Ok(value.clone()),
            None => self
                .rest
                .next()
                .ok_or_else(|| self.error(&format!("{} needs a value", flag.name))),
        }
    }

    /// A usage failure: the message, then the usage line.
    pub fn error(&self, msg: &str) -> Failure {
        Failure::Usage(format!("{msg}\n{}", self.usage))
    }

    /// A usage failure for an argument the command does not take.
    pub fn unexpected(&self, arg: &Arg) -> Failure {
        self.error(&format!("unexpected argument {:?}", arg.name))
    }

    /// The value of a flag that must be given.
    pub fn required<T>(&self, value: Option<T>, flag: &str) -> Result<T, Failure> {
        value.ok_or_else(|| self.error(&format!("{flag} is required")))
    }
}

/// Prints the usage line for `--help`: a success.
pub fn help(usage: &str) -> Result<ExitCode, Failure> {
    println!("{usage}");
    Ok(ExitCode::SUCCESS)
}

// --- files -----------------------------------------------------------------

/// A usage failure naming the file.
pub fn io_error(path: &Path, e: &io::Error) -> Failure {
    Failure::Usage(format!("{}: {e}", path.display()))
}

pub fn open(path: &Path) -> Result<File, Failure> {
    File::open(path).map_err(|e| io_error(path, &e))
}

/// The first `n` bytes of `reader` (all of a shorter one): memory is never
/// reserved past `n`, whatever the source holds.
fn read_prefix(reader: &mut impl Read, n: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(n).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads at most `max` bytes; more is a failure. `name` is for messages.
pub fn read_bounded(reader: &mut impl Read, name: &Path, max: u64) -> Result<Vec<u8>, Failure> {
    let bytes = read_prefix(reader, max + 1).map_err(|e| io_error(name, &e))?;
    if bytes.len() as u64 > max {
        return Err(Failure::Usage(format!("{}: larger than {max} bytes", name.display())));
    }
    Ok(bytes)
}

/// Bytes as UTF-8 text; `name` is for the message.
pub fn utf8(bytes: Vec<u8>, name: &Path) -> Result<String, Failure> {
    String::from_utf8(bytes).map_err(|_| Failure::Usage(format!("{}: not UTF-8 text", name.display())))
}

/// A whole text file of at most 1 MiB (keys, credentials, codes).
pub fn read_text(path: &Path) -> Result<String, Failure> {
    utf8(read_bounded(&mut open(path)?, path, 1 << 20)?, path)
}

/// Writes `contents` to a temporary file beside `path`, then renames it
/// over `path`: readers see the old file or the whole new one, never a
/// half-written one.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Failure> {
    let temp = temp_path(path);
    let written = File::create(&temp)
        .and_then(|mut file| file.write_all(contents).and_then(|()| file.sync_all()))
        .and_then(|()| fs::rename(&temp, path));
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error(path, &e)
    })
}

/// `DIR/.NAME.PID.tmp` for `DIR/NAME`: same directory, so the rename is atomic.
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Creates a private key file with owner-only permissions, refusing to
/// replace one.
pub fn write_private_key(path: &Path, key: &qrcred::IssuerKey) -> Result<(), Failure> {
    let pem = key.to_pkcs8_pem()?;
    let mut file = create_new_private(path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => Failure::Usage(format!(
            "{} already exists; refusing to overwrite a private key",
            path.display()
        )),
        _ => io_error(path, &e),
    })?;
    if let Err(e) = file.write_all(pem.as_bytes()).and_then(|()| file.sync_all()) {
        // Do not leave a truncated key behind that a later run would refuse to replace.
        let _ = fs::remove_file(path);
        return Err(io_error(path, &e));
    }
    Ok(())
}

#[cfg(unix)]
fn create_new_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn create_new_private(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// An SPKI PEM public key file; a bad one is a usage failure naming the file.
pub fn read_public_key(path: &Path) -> Result<qrcred::PublicKey, Failure> {
    qrcred::PublicKey::from_spki_pem(&read_text(path)?)
        .map_err(|e| Failure::Usage(format!("{}: {}: {e}", path.display(), e.code())))
}

// --- codes and images -----------------------------------------------------

/// Largest code text read from a file or stdin; the library's own limit is far lower.
const MAX_TEXT: u64 = 1 << 20;
/// Largest image file read; the scanner then bounds its pixel count.
const MAX_IMAGE: u64 = 64 << 20;
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const JPEG_SIGNATURE: &[u8] = b"\xFF\xD8\xFF";

/// What the command was given to verify.
pub enum Input {
    /// A code text.
    Text(String),
    /// A PNG or JPEG file's bytes, and where they came from.
    Image(PathBuf, Vec<u8>),
}

/// The code text from the argument, `@FILE` or `-` (stdin), or the image
/// the argument, FILE or stdin holds.
pub fn read_input(source: &str) -> Result<Input, Failure> {
    let name = PathBuf::from(source.strip_prefix('@').unwrap_or(source));
    let bytes = match source {
        "-" => read_bounded(&mut std::io::stdin().lock(), Path::new("<stdin>"), MAX_IMAGE)?,
        _ if source.starts_with('@') || is_image_file(&name) => read_bounded(&mut open(&name)?, &name, MAX_IMAGE)?,
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
    Ok(Input::Text(trim_line(&utf8(bytes, &name)?)))
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

// --- trust bundles ------------------------------------------------------------

/// Loads a trust bundle file through the scanner's trust state: the
/// `state` file when it exists (with the `roots` added while it has loaded
/// no bundle yet), else a fresh state pinning `roots`. The state is not
/// written back here; see [`save_state`]. Every failure of the bundle,
/// root and state files is a [`Failure::Trust`].
pub fn load_bundle(
    bundle: &Path,
    roots: &[PathBuf],
    state: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<(TrustState, TrustBundle), Failure> {
    let mut trust_state = load_bundle_state(roots, state)?;
    // One byte over the limit is read, so that the library refuses a longer file (`trust.too_large`).
    let bytes = read_first(bundle, qrcred::Limits::DEFAULT.max_bundle_len as u64 + 1)?;
    let loaded = trust_state
        .load(&bytes, now)
        .map_err(|e| TrustFailure::refused(bundle, &e))?;
    Ok((trust_state, loaded))
}

/// Writes the trust state back (atomically), with the newest time seen.
pub fn save_state(path: &Path, state: &mut TrustState, newest_seen: Option<DateTime<Utc>>) -> Result<(), Failure> {
    if let Some(seen) = newest_seen {
        state.observe(seen);
    }
    let bytes = state.to_bytes().map_err(|e| TrustFailure::refused(path, &e))?;
    write_atomic(path, &bytes).map_err(|failure| match failure {
        Failure::Usage(detail) => Failure::Trust(TrustFailure {
            code: "file.unwritable",
            message: detail,
        }),
        other => other,
    })
}

/// A pinned root or trusted public key (SPKI PEM), as trust data.
pub fn read_trusted_key(path: &Path) -> Result<qrcred::PublicKey, Failure> {
    let bytes = read_trust_file(path, 1 << 20)?;
    // Bytes that are not UTF-8 are no PEM: the key parser refuses them.
    qrcred::PublicKey::from_spki_pem(&String::from_utf8_lossy(&bytes)).map_err(|e| TrustFailure::refused(path, &e))
}

/// Document Signer Certificates (PEM, one or more, or DER), as trust data.
#[cfg(feature = "hcert")]
pub fn read_dscs(path: &Path) -> Result<Vec<qrcred::hcert::Dsc>, Failure> {
    let bytes = read_trust_file(path, 1 << 20)?;
    qrcred::hcert::Dsc::from_file_bytes(&bytes).map_err(|e| TrustFailure::refused(path, &e))
}

/// A trust data file of at most `max` bytes.
fn read_trust_file(path: &Path, max: u64) -> Result<Vec<u8>, Failure> {
    let bytes = read_first(path, max + 1)?;
    if bytes.len() as u64 > max {
        return Err(TrustFailure::file(
            path,
            "file.too_large",
            format!("larger than {max} bytes"),
        ));
    }
    Ok(bytes)
}

/// The first `n` bytes of a trust data file (all of a shorter one).
fn read_first(path: &Path, n: u64) -> Result<Vec<u8>, Failure> {
    File::open(path)
        .and_then(|mut file| read_prefix(&mut file, n))
        .map_err(|e| TrustFailure::file(path, "file.unreadable", e))
}

/// The trust state with `--bundle`: the `--state` file when it exists, with
/// the `--root` keys added, else a fresh state pinning the `--root` keys.
fn load_bundle_state(roots: &[PathBuf], state: Option<&Path>) -> Result<TrustState, Failure> {
    let mut state = match state {
        Some(path) if path.exists() => {
            let bytes = read_trust_file(path, 1 << 20)?;
            TrustState::from_bytes(&bytes).map_err(|e| TrustFailure::refused(path, &e))?
        }
        _ => TrustState::new(&[]),
    };
    for path in roots {
        let root = read_trusted_key(path)?;
        // A state that already moved on to a newer root keeps its own set.
        if state.sequence().is_none() {
            state.add_root(root);
        }
    }
    if state.roots().is_empty() {
        return Err(Failure::Usage("--bundle needs at least one --root ROOT.pub.pem".into()));
    }
    Ok(state)
}

// --- times -----------------------------------------------------------------

/// Parses an RFC 3339 instant given as `--now`.
pub fn parse_now(s: &str) -> Result<DateTime<Utc>, Failure> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Failure::Usage(format!(
                "invalid --now {s:?}: {e} (expected RFC 3339, e.g. 2026-11-25T08:00:00Z)"
            ))
        })
}

/// `--now` if given, else the system clock: the library never reads it.
pub fn now_or_clock(now: Option<DateTime<Utc>>) -> DateTime<Utc> {
    now.unwrap_or_else(|| std::time::SystemTime::now().into())
}

/// Parses `<positive integer><s|m|h|d>`, e.g. `90s`, `30m`, `24h`, `365d`.
pub fn parse_duration(s: &str) -> Result<TimeDelta, Failure> {
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

/// The validity a code of `kind` gets unless told otherwise.
pub fn default_validity(kind: Kind) -> TimeDelta {
    match kind {
        Kind::HealthStatus => TimeDelta::hours(24),
        Kind::TestResult => TimeDelta::hours(72),
        Kind::Recovery => TimeDelta::days(180),
        // Vaccination, access pass and any kind added later.
        _ => TimeDelta::days(365),
    }
}
