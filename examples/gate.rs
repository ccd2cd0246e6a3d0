//! A door scanner: verifies the codes each person presents against a signed
//! trust bundle and decides, offline, admit, deny or check ID, with the
//! reason in Chinese or English.
//!
//! ```text
//! cargo run --release --example gate -- --bundle BUNDLE --root ROOT.pub.pem [--state FILE] [--rules FILE.json]
//!     [--site ID] [--lang zh|en] [--now RFC3339] [--json] INPUTS...
//! ```
//!
//! Each INPUT is one person: a code text, a PNG or JPEG file (every code in
//! it), or `@FILE`; several codes of one person are joined with commas
//! (`CODE,CODE` or `status.png,pass.png`; a comma is not in the Base45
//! alphabet). `-` reads standard input line by line, as a keyboard-wedge
//! hardware scanner types codes: each line is one person (commas join codes
//! there too), and a verdict is printed as each line arrives. The rules are
//! `--rules` (a local JSON rule set, SPEC.md §13.2) when given, else the
//! ones the bundle carries. `--site` is this gate's site id, for access
//! passes. `--state` keeps the trust state between runs (rollback and clock
//! checks), as in the verify example.
//!
//! A line from the scanner is typed by whoever holds the code, so it is only
//! ever code text: never a file name, `@FILE` or `-`. Whatever it holds,
//! its person gets one verdict and the gate reads on: a line longer than
//! eight codes of the longest length (a line's end is looked for without
//! keeping what comes before it) is denied with `limits.text_too_long`; any
//! byte that is not Base45 (invalid UTF-8, control characters, a path) is
//! refused by the verifier (`prefix.*`, `base45.invalid_char`) and denied.
//! Spaces, tabs and a carriage return around a code are dropped (scanners
//! add them); a blank line is nobody.
//!
//! Exit status: 0 when nobody was denied, 1 when someone was, 2 on usage or
//! I/O errors, 3 when the trust data failed (the `--root`, `--bundle` or
//! `--state` file could not be read or was refused, or the state could not
//! be written back; with `--json`, stdout then ends with
//! `{"trust_error":{"code":..,"message":..,"label":..}}`, as in the verify
//! example). With `--json`, one object per person and line:
//! `{"verdict":"admit"|"check_id"|"deny","code":..,"text":..,"rule":..,
//! "rule_set":{"name":..,"version":..},"colour":..,"name":..,"revocation_ids":[..]}`;
//! `revocation_ids` are those of the codes that verified (SPEC.md §12.3), for
//! logs and for counting a person once however their code's text was
//! re-encoded.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use cli::Failure;
use qrcred::report::DecisionReport;
use qrcred::{Decision, Gate, LimitsError, RevocationId, RuleSet, TrustBundle, Verdict, Verified, Verifier};

mod cli;

const USAGE: &str = "usage: gate --bundle BUNDLE --root ROOT.pub.pem [--state FILE] [--rules FILE.json] [--site ID] \
[--lang zh|en] [--now RFC3339] [--json] INPUTS... | -";
/// How many codes of the longest length one line from the scanner may hold.
const CODES_PER_LINE: usize = 8;

struct Args {
    bundle: PathBuf,
    roots: Vec<PathBuf>,
    state: Option<PathBuf>,
    rules: Option<PathBuf>,
    site: Option<String>,
    lang: String,
    now: Option<DateTime<Utc>>,
    json: bool,
    inputs: Vec<String>,
}

/// The gate: its verifier, rules and settings.
struct Door {
    verifier: Verifier<TrustBundle>,
    rules: RuleSet,
    site: Option<String>,
    lang: String,
    json: bool,
    colour: bool,
}

fn main() -> ExitCode {
    cli::main(run)
}

fn run() -> Result<ExitCode, Failure> {
    let Some(args) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    let now = cli::now_or_clock(args.now);
    let trust_json = |failure| cli::trust_json(failure, args.json, Some(&args.lang));
    let (mut state, bundle) =
        cli::load_bundle(&args.bundle, &args.roots, args.state.as_deref(), now).map_err(trust_json)?;
    let rules = match (&args.rules, bundle.rules()) {
        (Some(path), _) => RuleSet::from_json(&cli::read_text(path)?)
            .map_err(|e| Failure::Usage(format!("{}: {}: {e}", path.display(), e.code())))?,
        (None, Some(rules)) => rules.clone(),
        (None, None) => {
            return Err(Failure::Usage(
                "the bundle carries no entry rules: give a local rule set with --rules FILE.json".into(),
            ));
        }
    };
    let door = Door {
        verifier: Verifier::new(bundle).with_newest_seen(state.newest_seen()),
        rules,
        site: args.site.clone(),
        lang: args.lang.clone(),
        json: args.json,
        colour: !args.json && std::io::stdout().is_terminal(),
    };
    let denied = if args.inputs == ["-"] {
        door.scanner(std::io::stdin().lock(), args.now)?
    } else {
        let mut denied = false;
        for input in &args.inputs {
            // The operator's arguments may name files; a scanner's lines never do.
            let mut codes = Vec::new();
            for part in parts(input) {
                codes.push(cli::read_input(part)?);
            }
            denied |= door.person(codes, now)?;
        }
        denied
    };
    if let Some(path) = &args.state {
        cli::save_state(path, &mut state, door.verifier.newest_seen()).map_err(trust_json)?;
    }
    Ok(ExitCode::from(u8::from(denied)))
}

/// The codes of one person: the comma-separated parts, without the spaces,
/// tabs and carriage returns around them, empty ones dropped.
fn parts(line: &str) -> impl Iterator<Item = &str> {
    line.split(',')
        .map(|part| part.trim_matches([' ', '\t', '\r']))
        .filter(|part| !part.is_empty())
}

/// One line of a keyboard-wedge scanner.
enum Line {
    /// The line's bytes, without its line end.
    Bytes(Vec<u8>),
    /// A line longer than allowed: read to its end and dropped.
    TooLong,
}

/// Reads the next line of at most `max` bytes; `None` at the end of input.
/// A longer line is read to its end a buffer at a time and dropped, never
/// held whole.
fn read_line(input: &mut impl BufRead, max: usize) -> std::io::Result<Option<Line>> {
    let mut line = Vec::new();
    if (&mut *input).take(max as u64 + 1).read_until(b'\n', &mut line)? == 0 {
        return Ok(None);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        return Ok(Some(Line::Bytes(line)));
    }
    if line.len() <= max {
        // The last line, without a line end.
        return Ok(Some(Line::Bytes(line)));
    }
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        match buffer.iter().position(|&b| b == b'\n') {
            Some(end) => {
                input.consume(end + 1);
                break;
            }
            None => {
                let len = buffer.len();
                input.consume(len);
            }
        }
    }
    Ok(Some(Line::TooLong))
}

impl Door {
    /// Reads people from a keyboard-wedge scanner until the end of input,
    /// one verdict per line; `true` when someone was denied.
    fn scanner(&self, mut input: impl BufRead, now: Option<DateTime<Utc>>) -> Result<bool, Failure> {
        let max = CODES_PER_LINE * (self.verifier.limits().max_text_len + 1);
        let mut denied = false;
        while let Some(line) = read_line(&mut input, max).map_err(|e| cli::io_error("<stdin>".as_ref(), &e))? {
            // Each person is judged at the moment their line arrives.
            let now = cli::now_or_clock(now);
            denied |= match line {
                Line::TooLong => {
                    let max = self.verifier.limits().max_text_len;
                    self.print(
                        &qrcred::refused(&LimitsError::TextTooLong { max }.into(), &self.rules),
                        &[],
                    )?
                }
                Line::Bytes(bytes) => {
                    // Not UTF-8 is not Base45 either: the verifier refuses the
                    // replacement characters with its own code.
                    let text = String::from_utf8_lossy(&bytes);
                    if text.trim_matches([' ', '\t', '\r']).is_empty() {
                        continue;
                    }
                    let codes = parts(&text).map(|part| cli::Input::Text(part.to_owned())).collect();
                    self.person(codes, now)?
                }
            };
        }
        Ok(denied)
    }

    /// Decides for one person and prints the verdict; `true` when denied.
    fn person(&self, codes: Vec<cli::Input>, now: DateTime<Utc>) -> Result<bool, Failure> {
        let mut results = Vec::new();
        for code in codes {
            match code {
                cli::Input::Text(text) => results.push(self.verifier.verify(&text, now)),
                cli::Input::Image(_, bytes) => match self.verifier.verify_image(&bytes, now) {
                    Ok(found) => results.extend(found),
                    Err(e) => results.push(Err(e)),
                },
            }
        }
        let gate = Gate {
            site: self.site.clone(),
            now,
        };
        let (decision, verified) = self.rules.decide_results(results, &gate);
        let ids: Vec<RevocationId> = verified.iter().map(Verified::revocation_id).collect();
        self.print(&decision, &ids)
    }

    /// Prints the verdict, with the revocation ids of the codes that
    /// verified under `--json`; `true` when denied.
    fn print(&self, d: &Decision, ids: &[RevocationId]) -> Result<bool, Failure> {
        let text = d.text(&self.lang);
        let colour = d.colour.map(|c| c.as_str());
        let mut out = std::io::stdout().lock();
        let written = if self.json {
            let json = DecisionReport::new(d, &self.lang, ids);
            let line = serde_json::to_string(&json).map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))?;
            writeln!(out, "{line}")
        } else {
            let zh = self.lang.starts_with("zh");
            let (word, ansi) = match (d.verdict, zh) {
                (Verdict::Admit, true) => ("通行  ADMIT", "42;30"),
                (Verdict::Admit, false) => ("ADMIT", "42;30"),
                (Verdict::CheckId, true) => ("核验证件  CHECK ID", "43;30"),
                (Verdict::CheckId, false) => ("CHECK ID", "43;30"),
                (Verdict::Deny, true) => ("禁止通行  DENY", "41;97"),
                (Verdict::Deny, false) => ("DENY", "41;97"),
            };
            let bar = "█".repeat(40);
            // Chinese characters take two columns on a terminal.
            let width: usize = word.chars().map(|c| if c > '\u{1100}' { 2 } else { 1 }).sum();
            let left = 36usize.saturating_sub(width) / 2;
            let right = 36usize.saturating_sub(width + left);
            let line = format!("██{}{word}{}██", " ".repeat(left), " ".repeat(right));
            let banner = if self.colour {
                format!("\x1b[1;{ansi}m{bar}\n{line}\n{bar}\x1b[0m")
            } else {
                format!("{bar}\n{line}\n{bar}")
            };
            let who = match (&d.name, colour) {
                (Some(name), Some(c)) => format!("{name} ({c})\n"),
                (Some(name), None) => format!("{name}\n"),
                (None, Some(c)) => format!("({c})\n"),
                (None, None) => String::new(),
            };
            writeln!(
                out,
                "{banner}\n{who}{text}\n[{}] rule {} of {} v{}\n",
                d.code(),
                d.rule,
                d.rule_set.0,
                d.rule_set.1
            )
        };
        written.map_err(|e| Failure::Usage(format!("cannot write the verdict: {e}")))?;
        Ok(d.verdict == Verdict::Deny)
    }
}

/// Parses the arguments; `None` means `--help` was asked for.
fn parse_args(mut it: cli::Args) -> Result<Option<Args>, Failure> {
    let (mut bundle, mut roots, mut state, mut rules, mut site) = (None, Vec::new(), None, None, None);
    let (mut lang, mut now, mut json, mut inputs) = (String::from("zh"), None, false, Vec::new());
    while let Some(arg) = it.next_arg() {
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--bundle" => bundle = Some(PathBuf::from(it.value(&arg)?)),
            "--root" => roots.push(PathBuf::from(it.value(&arg)?)),
            "--state" => state = Some(PathBuf::from(it.value(&arg)?)),
            "--rules" => rules = Some(PathBuf::from(it.value(&arg)?)),
            "--site" => site = Some(it.value(&arg)?),
            "--lang" => {
                lang = it.value(&arg)?;
                if !matches!(lang.as_str(), "zh" | "en") {
                    return Err(it.error("--lang takes zh or en"));
                }
            }
            "--now" => now = Some(cli::parse_now(&it.value(&arg)?)?),
            "--json" if arg.inline.is_none() => json = true,
            f if f.starts_with("--") || (f.starts_with('-') && f != "-") => return Err(it.unexpected(&arg)),
            _ => inputs.push(arg.name),
        }
    }
    let bundle = it.required(bundle, "--bundle")?;
    if inputs.is_empty() {
        return Err(it.error("no input given (codes, images, @FILE, or - for standard input)"));
    }
    if inputs.len() > 1 && inputs.iter().any(|i| i == "-") {
        return Err(it.error("- (standard input) cannot be combined with other inputs"));
    }
    Ok(Some(Args {
        bundle,
        roots,
        state,
        rules,
        site,
        lang,
        now,
        json,
        inputs,
    }))
}
