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
//! Exit status: 0 when nobody was denied, 1 when someone was (or the bundle
//! was refused), 2 on usage or I/O errors. With `--json`, one object per
//! person and line: `{"verdict":"admit"|"check_id"|"deny","code":..,"text":..,
//! "rule":..,"rule_set":{"name":..,"version":..},"colour":..,"name":..}`.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use cli::Failure;
use qrcred::{Decision, Gate, RuleSet, TrustBundle, Verdict, Verified, Verifier};
use serde::Serialize;

mod cli;

const USAGE: &str = "usage: gate --bundle BUNDLE --root ROOT.pub.pem [--state FILE] [--rules FILE.json] [--site ID] \
[--lang zh|en] [--now RFC3339] [--json] INPUTS... | -";
/// Longest line read from standard input.
const MAX_LINE: u64 = 64 << 10;

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

#[derive(Serialize)]
struct DecisionJson<'a> {
    verdict: Verdict,
    code: &'static str,
    text: String,
    rule: &'a str,
    rule_set: RuleSetJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    colour: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct RuleSetJson<'a> {
    name: &'a str,
    version: u32,
}

fn main() -> ExitCode {
    cli::main(run)
}

fn run() -> Result<ExitCode, Failure> {
    let Some(args) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    let now = cli::now_or_clock(args.now);
    let (mut state, bundle) = cli::load_bundle(&args.bundle, &args.roots, args.state.as_deref(), now)?;
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
    let mut denied = false;
    if args.inputs == ["-"] {
        let stdin = std::io::stdin();
        let mut lines = stdin.lock();
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = (&mut lines)
                .take(MAX_LINE + 1)
                .read_until(b'\n', &mut line)
                .map_err(|e| cli::io_error("<stdin>".as_ref(), &e))?;
            if read == 0 {
                break;
            }
            if line.len() as u64 > MAX_LINE {
                return Err(Failure::Usage(format!("<stdin>: a line longer than {MAX_LINE} bytes")));
            }
            let text = cli::utf8(std::mem::take(&mut line), "<stdin>".as_ref())?;
            if !text.trim().is_empty() {
                // Each person is judged at the moment their line arrives.
                denied |= door.person(text.trim(), cli::now_or_clock(args.now))?;
            }
        }
    } else {
        for input in &args.inputs {
            denied |= door.person(input, now)?;
        }
    }
    if let Some(path) = &args.state {
        cli::save_state(path, &mut state, door.verifier.newest_seen())?;
    }
    Ok(ExitCode::from(u8::from(denied)))
}

impl Door {
    /// Decides for one person and prints the verdict; `true` when denied.
    fn person(&self, input: &str, now: DateTime<Utc>) -> Result<bool, Failure> {
        let mut verified: Vec<Verified> = Vec::new();
        let mut refusal = None;
        for part in input.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let results = match cli::read_input(part)? {
                cli::Input::Text(text) => vec![self.verifier.verify(&text, now)],
                cli::Input::Image(_, bytes) => match self.verifier.verify_image(&bytes, now) {
                    Ok(results) => results,
                    Err(e) => vec![Err(e)],
                },
            };
            for result in results {
                match result {
                    Ok(v) => verified.push(v),
                    Err(e) => {
                        refusal.get_or_insert(e);
                    }
                }
            }
        }
        let gate = Gate {
            site: self.site.clone(),
            now,
        };
        let decision = match refusal {
            // One code that does not verify denies: it may be a forgery.
            Some(e) => qrcred::refused(&e, &self.rules),
            None => self.rules.decide(&verified, &gate),
        };
        self.print(&decision)?;
        Ok(decision.verdict == Verdict::Deny)
    }

    fn print(&self, d: &Decision) -> Result<(), Failure> {
        let text = d.text(&self.lang);
        let colour = d.colour.map(|c| c.as_str());
        let mut out = std::io::stdout().lock();
        let written = if self.json {
            let json = DecisionJson {
                verdict: d.verdict,
                code: d.code(),
                text,
                rule: &d.rule,
                rule_set: RuleSetJson {
                    name: &d.rule_set.0,
                    version: d.rule_set.1,
                },
                colour,
                name: d.name.as_deref(),
            };
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
        written.map_err(|e| Failure::Usage(format!("cannot write the verdict: {e}")))
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
