//! A guided tour, offline: `cargo run --release --example demo [-- --out DIR]`.
//!
//! Two demo issuers mint one code of every kind from the sample credentials,
//! draw them as PNG files in DIR (default `target/qrcred-demo`), scan them
//! back and verify them against a signed trust bundle; then come codes a
//! scanner must refuse (one of them revoked by a bundle update), and a table.
//! Exit status: 0 when everything behaved as expected, 1 when something did
//! not, 2 on usage or I/O errors.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use cli::Failure;
use qrcred::{
    BirthDate, BundleDraft, Colour, Credential, CredentialBody, Decision, Disease, EccLevel, Gate, HealthStatus,
    IdDigest, Issuer, IssuerKey, Kind, Limits, QrCode, RenderOptions, RuleSet, Subject, TestOutcome, TestResult,
    TestType, TrustBundle, TrustState, TrustedKey, Vaccination, VaccineProduct, Verdict, Verified, Verifier,
    scan_image,
};

mod cli;

const USAGE: &str = "usage: demo [--out DIR]";
/// How often each verification is timed; the table shows the median.
const TIMED_RUNS: usize = 15;
const DEFAULT_OUT: &str = "target/qrcred-demo";

// DEMO ONLY. These seeds are printed here for anyone to read, so the keys
// derived from them protect nothing: never trust them outside this demo.
const HEALTH_AUTHORITY_SEED: &[u8; 32] = b"qrcred DEMO ONLY: health auth 01";
const COMPOUND_SEED: &[u8; 32] = b"qrcred DEMO ONLY: compound gate1";
const UNKNOWN_SEED: &[u8; 32] = b"qrcred DEMO ONLY: unknown issuer";
const ROOT_SEED: &[u8; 32] = b"qrcred DEMO ONLY: trust root 001";
/// The entry rules the demo bundle carries.
const CITY_RULES: &str = include_str!("rules/city.json");
/// The ID card number of the third person at the gate (made up).
const DEMO_ID_NUMBER: &str = "610113199204010027";
const HEALTH_AUTHORITY: &str = "DEMO-HEALTH-AUTHORITY";
const COMPOUND: &str = "DEMO-COMPOUND";
const HEALTH_KINDS: [Kind; 4] = [Kind::HealthStatus, Kind::Vaccination, Kind::TestResult, Kind::Recovery];

/// The sample credentials, health status first and access pass last.
const SAMPLES: [&str; 5] = [
    include_str!("credentials/health_status.json"),
    include_str!("credentials/vaccination.json"),
    include_str!("credentials/test_result.json"),
    include_str!("credentials/recovery.json"),
    include_str!("credentials/access_pass.json"),
];

/// The codes a scanner must refuse: label, what was done, the expected
/// error code (`None`: any).
const BAD_CODES: [(&str, &str, Option<&str>); 4] = [
    ("tampered", "one character of the text changed", None),
    ("expired", "checked after its expiry", Some("time.expired")),
    ("unknown issuer", "a key the scanner lacks", Some("key.unknown_kid")),
    ("wrong kind", "a pass from the health key", Some("key.kind_not_allowed")),
];

/// The demo's issuers, its trust authority and scanner, the time and the output folder.
struct Demo {
    health: IssuerKey,
    compound: IssuerKey,
    root: IssuerKey,
    /// The scanner's trust state after loading the first bundle.
    state: TrustState,
    verifier: Verifier<TrustBundle>,
    now: DateTime<Utc>,
    out: PathBuf,
}

/// A minted code and its picture.
struct Minted {
    credential: Credential,
    issuer: &'static str,
    text: String,
    png: PathBuf,
}

fn main() -> ExitCode {
    cli::main(run)
}

fn run() -> Result<ExitCode, Failure> {
    let Some(out) = parse_args(cli::Args::from_env(USAGE))? else {
        return cli::help(USAGE);
    };
    let demo = Demo::new(out, cli::now_or_clock(None))?;
    demo.introduce()?;
    let minted = demo.mint_all()?;
    demo.show_in_terminal(&minted[0])?;
    // The lines of the closing table.
    let mut rows = demo.scan_all(&minted)?;
    rows.extend(demo.refusals(&minted[0], &minted[1], &minted[4])?);
    print_table(&rows);
    demo.at_the_gate()?;
    println!("\nEverything behaved as expected.");
    Ok(ExitCode::SUCCESS)
}

/// Parses the arguments into the output folder; `None` means `--help`.
fn parse_args(mut it: cli::Args) -> Result<Option<PathBuf>, Failure> {
    let mut out = PathBuf::from(DEFAULT_OUT);
    while let Some(arg) = it.next_arg() {
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--out" => out = PathBuf::from(it.value(&arg)?),
            _ => return Err(it.unexpected(&arg)),
        }
    }
    Ok(Some(out))
}

impl Demo {
    /// The demo keys, a trust bundle listing each issuer for its own kinds
    /// only, and a scanner that pins the root and loads the bundle.
    fn new(out: PathBuf, now: DateTime<Utc>) -> Result<Demo, Failure> {
        let health = IssuerKey::from_seed(HEALTH_AUTHORITY_SEED);
        let compound = IssuerKey::from_seed(COMPOUND_SEED);
        let root = IssuerKey::from_seed(ROOT_SEED);
        let mut draft = BundleDraft::new(1, now, TimeDelta::days(7));
        draft.add_key(
            TrustedKey::new(*health.public_key(), HEALTH_AUTHORITY)
                .with_kinds(&HEALTH_KINDS)
                .with_display_name("示例卫生健康委员会 (demo health authority)"),
        );
        draft.add_key(
            TrustedKey::new(*compound.public_key(), COMPOUND)
                .with_kinds(&[Kind::AccessPass])
                .with_display_name("示例小区 (demo compound)"),
        );
        draft.rules = Some(RuleSet::from_json(CITY_RULES)?);
        let bundle = draft.sign(&root)?;
        fs::create_dir_all(&out).map_err(|e| cli::io_error(&out, &e))?;
        cli::write_atomic(&out.join("trust.bundle"), &bundle)?;
        let mut state = TrustState::new(&[*root.public_key()]);
        let verifier = Verifier::new(state.load(&bundle, now)?);
        Ok(Demo {
            health,
            compound,
            root,
            state,
            verifier,
            now,
            out,
        })
    }

    /// Part 1: the issuers; their keys go to `DIR/keys` for the other examples.
    fn introduce(&self) -> Result<(), Failure> {
        println!("qrcred demo: signed credentials in QR codes that any scanner checks offline.");
        heading(
            "1. Two issuers",
            "An issuer signs credentials with its private key; a scanner holds only public keys, each trusted\n\
             for some kinds of credential. It gets them in a trust bundle signed by a root key it pins, which\n\
             also lists revoked credentials. These demo keys come from fixed seeds in examples/demo.rs:\n\
             DEMO ONLY, anyone can sign with them.",
        );
        let keys = self.out.join("keys");
        fs::create_dir_all(&keys).map_err(|e| cli::io_error(&keys, &e))?;
        let health_kinds = "health_status, vaccination, test_result, recovery";
        for (key, id, kinds) in [
            (&self.health, HEALTH_AUTHORITY, health_kinds),
            (&self.compound, COMPOUND, "access_pass"),
        ] {
            println!("  {id:<22} kid {}  trusted for: {kinds}", key.kid());
            let public = key.public_key().to_spki_pem()?;
            cli::write_atomic(&keys.join(format!("{id}.key.pem")), key.to_pkcs8_pem()?.as_bytes())?;
            cli::write_atomic(&keys.join(format!("{id}.pub.pem")), public.as_bytes())?;
        }
        cli::write_atomic(
            &keys.join("root.pub.pem"),
            self.root.public_key().to_spki_pem()?.as_bytes(),
        )?;
        let bundle = self.verifier.resolver();
        println!(
            "  trust bundle: sequence {}, {} keys, signed by root {}, valid until {}",
            bundle.sequence(),
            bundle.keys().count(),
            bundle.signed_by(),
            bundle.expires_at().format("%Y-%m-%d %H:%M UTC")
        );
        let (dir, out) = (keys.display(), self.out.display());
        println!("  (PEM files in {dir}, the bundle in {out}/trust.bundle, for the mint and verify examples)");
        Ok(())
    }

    /// Part 2: one code per sample credential, drawn as a PNG file.
    fn mint_all(&self) -> Result<Vec<Minted>, Failure> {
        heading(
            "2. Minting one code of every kind",
            &format!(
                "Each credential becomes CBOR claims, signed with Ed25519, compressed when that helps, and\n\
                 written as Base45 text behind \"QC1:\". The QR pictures go to {}/.",
                self.out.display()
            ),
        );
        let mut minted = Vec::new();
        for json in SAMPLES {
            let credential: Credential = serde_json::from_str(json).map_err(|e| unexpected(e.to_string()))?;
            let (key, issuer) = match credential.kind() {
                Kind::AccessPass => (&self.compound, COMPOUND),
                _ => (&self.health, HEALTH_AUTHORITY),
            };
            let text = issue(key, issuer, &credential, self.now)?;
            let png = self.out.join(format!("{}.png", credential.kind()));
            let image = QrCode::encode(&text, EccLevel::M)?.to_png(&RenderOptions::DEFAULT)?;
            cli::write_atomic(&png, &image)?;
            let kind = credential.kind().as_str();
            println!("  {kind:<14} {} characters → {}", text.len(), png.display());
            minted.push(Minted {
                credential,
                issuer,
                text,
                png,
            });
        }
        Ok(minted)
    }

    /// Part 3: the health status code as a phone screen, or this terminal, shows it.
    fn show_in_terminal(&self, status: &Minted) -> Result<(), Failure> {
        heading(
            "3. The health status code",
            "Its text, and the same code drawn with Unicode half blocks: a phone can scan it off this screen.",
        );
        println!("{}\n", status.text);
        print!("{}", QrCode::encode(&status.text, EccLevel::M)?.to_terminal(4));
        Ok(())
    }

    /// Part 4: every PNG read back by the scanner and verified.
    fn scan_all(&self, minted: &[Minted]) -> Result<Vec<String>, Failure> {
        heading(
            "4. Scanning the pictures back and verifying them",
            "The scanner finds the QR code in each PNG file and verifies the text it reads against its trust\n\
             bundle at the current time: no network, no database.",
        );
        let mut rows = Vec::new();
        for m in minted {
            let text = scan_one(&m.png)?;
            let (outcome, micros) = self.timed_verify(&text, self.now);
            let verified = outcome?;
            let kind = verified.kind().as_str();
            if text != m.text || verified.credential() != &m.credential || verified.issuer() != m.issuer {
                return Err(unexpected(format!("{kind}: the scan differs from what was minted")));
            }
            println!("  {kind:<14} {}", summary(&verified));
            rows.push(row(kind, &text, "VALID", micros)?);
        }
        Ok(rows)
    }

    /// Part 5: codes a scanner must refuse, each with its stable error code.
    fn refusals(&self, status: &Minted, vaccination: &Minted, pass: &Minted) -> Result<Vec<String>, Failure> {
        heading(
            "5. What a scanner shows for bad codes",
            "Each refusal has a stable machine code that apps match on, a message, and a label in Chinese and\n\
             English from the trust bundle for the person at the door.",
        );
        let unknown = IssuerKey::from_seed(UNKNOWN_SEED);
        let stranger = issue(&unknown, "DEMO-UNKNOWN", &status.credential, self.now)?;
        let forged_pass = issue(&self.health, HEALTH_AUTHORITY, &pass.credential, self.now)?;
        let texts = [tamper(&status.text), status.text.clone(), stranger, forged_pass];
        let later = self.now + cli::default_validity(status.credential.kind());
        let times = [self.now, later, self.now, self.now];
        let mut rows = Vec::new();
        for (((label, what, expected), text), at) in BAD_CODES.into_iter().zip(texts).zip(times) {
            let (outcome, micros) = self.timed_verify(&text, at);
            let e = refusal(outcome, label, expected)?;
            self.print_refusal(self.verifier.resolver(), label, what, &e);
            rows.push(row(label, &text, &format!("REFUSED {}", e.code()), micros)?);
        }
        rows.push(self.revocation(vaccination)?);
        Ok(rows)
    }

    /// The authority revokes the vaccination code in bundle 2; the scanner
    /// loads it and refuses the code it accepted before.
    fn revocation(&self, vaccination: &Minted) -> Result<String, Failure> {
        let mut draft = self.verifier.resolver().to_draft();
        let id = draft.revoke_code(&vaccination.text, &Limits::DEFAULT)?;
        let bundle = draft.sign(&self.root)?;
        cli::write_atomic(&self.out.join("trust-2.bundle"), &bundle)?;
        let updated = Verifier::new(self.state.clone().load(&bundle, self.now)?);
        println!(
            "  (bundle 2 revokes the vaccination code: revocation id {id}, by its cti; written to {}/trust-2.bundle)",
            self.out.display()
        );
        let label = "revoked";
        let what = "valid before, revoked by bundle 2";
        let started = Instant::now();
        let outcome = updated.verify(&vaccination.text, self.now);
        let micros = started.elapsed().as_micros();
        let e = refusal(outcome, label, Some("revoked.credential"))?;
        self.print_refusal(updated.resolver(), label, what, &e);
        row(label, &vaccination.text, &format!("REFUSED {}", e.code()), micros)
    }

    /// Part 7: three people at a gate that applies the bundle's entry rules.
    fn at_the_gate(&self) -> Result<(), Failure> {
        let bundle = self.verifier.resolver();
        let rules = bundle
            .rules()
            .ok_or_else(|| unexpected("the demo bundle carries no rules".into()))?;
        heading(
            "7. Three people at a gate",
            &format!(
                "The bundle also carries the city's entry rules ({} v{}: a green code within 24 hours, a negative\n\
                 test within 48 hours (rapid 24), a vaccination 14 to 270 days old, or a recovery). The gate\n\
                 decides offline and tells each person why, in Chinese and English.",
                rules.name, rules.version
            ),
        );
        let now = self.now;
        let person = |family: &str, given: &str, born: &str| -> Result<Subject, Failure> {
            let born = BirthDate::parse(born).ok_or_else(|| unexpected(format!("bad date {born}")))?;
            Ok(Subject::new(family, given, born))
        };
        let green = Credential {
            subject: person("王", "小明", "1990-03-15")?,
            body: CredentialBody::HealthStatus(HealthStatus {
                colour: Colour::Green,
                reason: None,
            }),
        };
        // Sample times are whole seconds (SPEC.md §7.5).
        let sampled = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now) - TimeDelta::hours(50);
        let old_test = Credential {
            subject: person("李", "华", "1985-01-02")?,
            body: CredentialBody::TestResult(TestResult {
                disease: Disease::Covid19,
                test_type: TestType::NucleicAcid,
                result: TestOutcome::Negative,
                sampled_at: sampled,
                facility: None,
                country: "CN".into(),
            }),
        };
        let vaccinated = Credential {
            subject: person("张", "伟", "1992-04-01")?.with_id_digest(IdDigest::compute([7, 7, 7, 7], DEMO_ID_NUMBER)),
            body: CredentialBody::Vaccination(Vaccination {
                disease: Disease::Covid19,
                product: VaccineProduct::BbibpCorV,
                manufacturer: None,
                dose: 3,
                series_total: 2,
                date: (now - TimeDelta::days(30)).date_naive(),
                country: "CN".into(),
                centre: None,
            }),
        };
        let people = [
            (green, now - TimeDelta::hours(2), Verdict::Admit),
            (old_test, sampled + TimeDelta::hours(6), Verdict::Deny),
            (vaccinated, now - TimeDelta::days(30), Verdict::CheckId),
        ];
        let gate = Gate { site: None, now };
        for (credential, issued, expected) in people {
            let text = issue(&self.health, HEALTH_AUTHORITY, &credential, issued)?;
            let verified = self.verifier.verify(&text, now)?;
            let decision = rules.decide(&[verified], &gate);
            if decision.verdict != expected {
                return Err(unexpected(format!(
                    "the gate said {:?}, not {expected:?}",
                    decision.verdict
                )));
            }
            print_decision(&decision);
            if decision.verdict == Verdict::CheckId {
                let matches = decision.matches_id(DEMO_ID_NUMBER);
                println!(
                    "      ID card {DEMO_ID_NUMBER} shown: {}",
                    if matches {
                        "matches, admit"
                    } else {
                        "does not match, deny"
                    }
                );
                if !matches {
                    return Err(unexpected("the ID number did not match its digest".into()));
                }
            }
        }
        Ok(())
    }

    fn print_refusal(&self, bundle: &TrustBundle, label: &str, what: &str, e: &qrcred::Error) {
        let zh = bundle.label(e.code(), "zh").unwrap_or_default();
        let en = bundle.label(e.code(), "en").unwrap_or_default();
        println!(
            "  {label} ({what}):\n      REFUSED {}: {e}\n      {zh} / {en}",
            e.code()
        );
    }

    /// Verifies `text` at `at`, and the median time of `TIMED_RUNS` runs in µs.
    fn timed_verify(&self, text: &str, at: DateTime<Utc>) -> (qrcred::Result<Verified>, u128) {
        let mut micros = Vec::with_capacity(TIMED_RUNS);
        let mut outcome = self.verifier.verify(text, at);
        for _ in 0..TIMED_RUNS {
            let start = Instant::now();
            outcome = self.verifier.verify(text, at);
            micros.push(start.elapsed().as_micros());
        }
        micros.sort_unstable();
        (outcome, micros[TIMED_RUNS / 2])
    }
}

/// A gate's verdict for one person: the verdict, who, and why in both languages.
fn print_decision(d: &Decision) {
    let verdict = match d.verdict {
        Verdict::Admit => "ADMIT 通行",
        Verdict::CheckId => "CHECK ID 核验证件",
        Verdict::Deny => "DENY 禁止通行",
    };
    let name = d.name.as_deref().unwrap_or("?");
    let colour = d.colour.map(|c| format!(" ({})", c.as_str())).unwrap_or_default();
    println!("  [{verdict}] {name}{colour}  {}", d.code());
    println!("      {}\n      {}", d.text("zh"), d.text("en"));
}

fn heading(title: &str, explanation: &str) {
    println!("\n== {title}\n{explanation}\n");
}

fn issue(key: &IssuerKey, issuer: &str, credential: &Credential, now: DateTime<Utc>) -> qrcred::Result<String> {
    Issuer::new(key.clone(), issuer).issue(credential, cli::default_validity(credential.kind()), now)
}

/// The one code text in a PNG file.
fn scan_one(png: &Path) -> Result<String, Failure> {
    let bytes = cli::read_bounded(&mut cli::open(png)?, png, 1 << 20)?;
    let mut texts = scan_image(&bytes, &Limits::DEFAULT)?;
    match (texts.pop(), texts.is_empty()) {
        (Some(text), true) => Ok(text),
        _ => Err(unexpected(format!("{}: not exactly one QR code", png.display()))),
    }
}

/// The refusal, its code checked against the expected one (`None`: any).
fn refusal(outcome: qrcred::Result<Verified>, label: &str, expected: Option<&str>) -> Result<qrcred::Error, Failure> {
    match outcome {
        Ok(_) => Err(unexpected(format!("the {label} code was accepted"))),
        Err(e) if expected.is_none_or(|code| code == e.code()) => Ok(e),
        Err(e) => Err(unexpected(format!("the {label} code was refused with {}", e.code()))),
    }
}

/// The code with one character near its end, inside the signature, set to
/// `0`: a lower Base45 digit keeps the Base45 valid, so only the signature
/// check can notice.
fn tamper(text: &str) -> String {
    let end = text.len().saturating_sub(10);
    match text[..end].rfind(|c| c != '0') {
        Some(i) => format!("{}0{}", &text[..i], &text[i + 1..]),
        None => text.to_owned(),
    }
}

/// Part 6: the closing table.
fn print_table(rows: &[String]) {
    heading(
        "6. Summary",
        &format!(
            "Code length in characters, the smallest QR version that holds it at error-correction level M,\n\
             the verdict, and the time `Verifier::verify` takes (median of {TIMED_RUNS} runs). Most of it is the\n\
             Ed25519 signature check; an unknown key is refused at the lookup, before any signature arithmetic."
        ),
    );
    if cfg!(debug_assertions) {
        println!("  (a debug build: run with --release for representative times)\n");
    }
    println!("  kind            length  QR version  verify µs  verdict");
    rows.iter().for_each(|row| println!("  {row}"));
}

/// A line of the closing table.
fn row(label: &str, text: &str, verdict: &str, micros: u128) -> Result<String, Failure> {
    let (length, version) = (text.len(), QrCode::encode(text, EccLevel::M)?.version());
    Ok(format!("{label:<15} {length:>6} {version:>11} {micros:>10}  {verdict}"))
}

fn summary(v: &Verified) -> String {
    let (family, given) = (&v.credential().subject.family_name, &v.credential().subject.given_name);
    let (issuer, expires) = (v.issuer(), v.expires_at().format("%Y-%m-%d %H:%M UTC"));
    format!(
        "VALID, {family}{}, from {issuer}, expires {expires}",
        given.as_deref().unwrap_or_default()
    )
}

fn unexpected(what: String) -> Failure {
    Failure::Unexpected(what)
}
