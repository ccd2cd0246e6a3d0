//! Builds and signs trust bundles: the one file scanners load to know which
//! issuer keys to trust and which credentials and keys were revoked.
//!
//! ```text
//! cargo run --release --example bundle -- root-key --out DIR
//! cargo run --release --example bundle -- init --root ROOT.pem --out BUNDLE [--valid 7d]
//! cargo run --release --example bundle -- add-key --root ROOT.pem --bundle BUNDLE --key PUB.pem --issuer ID
//!     [--name NAME] [--kinds health_status,vaccination,...] [--from RFC3339] [--until RFC3339]
//! cargo run --release --example bundle -- retire-key --root ROOT.pem --bundle BUNDLE --kid HEX [--at RFC3339]
//! cargo run --release --example bundle -- revoke-key --root ROOT.pem --bundle BUNDLE --kid HEX [--since RFC3339]
//! cargo run --release --example bundle -- add-dsc --root ROOT.pem --bundle BUNDLE --cert CERT.pem
//! cargo run --release --example bundle -- revoke-credential --root ROOT.pem --bundle BUNDLE (CODE | IMAGE | @FILE | --id HEX | --dcc-hash KIND:BASE64)
//! cargo run --release --example bundle -- set-rules --root ROOT.pem --bundle BUNDLE --rules RULES.json
//! cargo run --release --example bundle -- announce-root --root ROOT.pem --bundle BUNDLE --next NEXT.pub.pem
//! cargo run --release --example bundle -- sign --root ROOT.pem --bundle BUNDLE [--valid 7d] [--previous-root OLD.pub.pem]
//! cargo run --release --example bundle -- dump --bundle BUNDLE --root ROOT.pub.pem
//! ```
//!
//! `root-key` writes `DIR/root.key.pem` (PKCS#8, mode 0600, never
//! overwritten) and `DIR/root.pub.pem`, the key scanners pin. Every other
//! command that changes the bundle reads `BUNDLE` (checking it is signed by
//! the root), applies the change, and signs it again with the next sequence
//! number, issued now (`--now` to fix the time) and valid as long as before
//! (or `--valid`); it writes `BUNDLE` (CBOR, atomically) and `BUNDLE.json`,
//! a dump for people to read. `sign` only renews the dates; with
//! `--previous-root` it also takes a bundle signed by the previous root, to
//! finish a root rotation announced with `announce-root`. `dump` prints the
//! JSON of a bundle checked against a root public key. `set-rules` puts a
//! rule set (JSON, SPEC.md §13) in the bundle, for the gate example and any
//! scanner that decides at a door.
//!
//! `add-dsc` adds every Document Signer Certificate of a PEM (or DER) file,
//! for `HC1:` codes (EU DCC / WHO GDHCN, SPEC.md §14); `retire-key` and
//! `revoke-key` take a DSC's kid as well as an issuer key's. A DCC is
//! revoked by its code (the UVCI hash), or by an entry of an EU revocation
//! list: `--dcc-hash UCI:BASE64`, `COUNTRYCODEUCI:BASE64` or
//! `SIGNATURE:BASE64` (the list's 16-byte hash, base64).
//!
//! Exit status: 0 on success, 1 when the library refuses (e.g. the bundle is
//! not signed by the root, or a code to revoke does not verify under the
//! bundle's keys), 2 on usage or I/O errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use cli::Failure;
use qrcred::report::rfc3339;
use qrcred::{
    BundleDraft, DccHash, IssuerKey, KeyState, Kid, Kind, KindSet, Limits, PublicKey, RevocationId, RuleSet,
    TrustBundle, TrustState, TrustedKey,
};
use serde_json::{Value, json};

mod cli;

const USAGE: &str = "usage: bundle root-key --out DIR
       bundle init --root ROOT.pem --out BUNDLE [--valid 7d]
       bundle add-key --root ROOT.pem --bundle BUNDLE --key PUB.pem --issuer ID [--name NAME] [--kinds K,K] [--from T] [--until T]
       bundle retire-key --root ROOT.pem --bundle BUNDLE --kid HEX [--at T]
       bundle revoke-key --root ROOT.pem --bundle BUNDLE --kid HEX [--since T]
       bundle add-dsc --root ROOT.pem --bundle BUNDLE --cert CERT.pem
       bundle revoke-credential --root ROOT.pem --bundle BUNDLE (CODE | IMAGE | @FILE | --id HEX | --dcc-hash KIND:BASE64)
       bundle set-rules --root ROOT.pem --bundle BUNDLE --rules RULES.json
       bundle announce-root --root ROOT.pem --bundle BUNDLE --next NEXT.pub.pem
       bundle sign --root ROOT.pem --bundle BUNDLE [--valid 7d] [--previous-root OLD.pub.pem]
       bundle dump --bundle BUNDLE --root ROOT.pub.pem
(every command also takes --now RFC3339)";
/// Largest bundle file read: the library's default `max_bundle_len`.
const MAX_BUNDLE: u64 = Limits::DEFAULT.max_bundle_len as u64;
const DEFAULT_VALIDITY: TimeDelta = TimeDelta::days(7);

/// The options any command may take; each command checks it got what it needs.
#[derive(Default)]
struct Options {
    out: Option<PathBuf>,
    root: Option<PathBuf>,
    bundle: Option<PathBuf>,
    key: Option<PathBuf>,
    issuer: Option<String>,
    name: Option<String>,
    kinds: Option<KindSet>,
    from: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    kid: Option<Kid>,
    at: Option<DateTime<Utc>>,
    id: Option<RevocationId>,
    next: Option<PathBuf>,
    rules: Option<PathBuf>,
    previous_root: Option<PathBuf>,
    valid: Option<TimeDelta>,
    now: Option<DateTime<Utc>>,
    code: Option<String>,
    cert: Option<PathBuf>,
    dcc_hash: Option<RevocationId>,
}

fn main() -> ExitCode {
    cli::main(run)
}

fn run() -> Result<ExitCode, Failure> {
    let mut it = cli::Args::from_env(USAGE);
    let Some(command) = it.next_arg() else {
        return Err(it.error("no command given"));
    };
    if matches!(command.name.as_str(), "-h" | "--help") {
        return cli::help(USAGE);
    }
    let Some(o) = parse_options(&mut it)? else {
        return cli::help(USAGE);
    };
    let now = cli::now_or_clock(o.now);
    match command.name.as_str() {
        "root-key" => root_key(&it, &o),
        "init" => {
            let root = read_root(&it, &o)?;
            let draft = BundleDraft::new(1, now, o.valid.unwrap_or(DEFAULT_VALIDITY));
            let out = it.required(o.out.clone(), "--out")?;
            if out.exists() {
                return Err(Failure::Usage(format!(
                    "{} already exists; refusing to replace a bundle (its sequence number would restart)",
                    out.display()
                )));
            }
            write_bundle(&out, &draft, &root)
        }
        "add-key" => edit(&it, &o, now, |draft| {
            let path = it.required(o.key.clone(), "--key")?;
            let key = cli::read_public_key(&path)?;
            let mut entry =
                TrustedKey::new(key, &it.required(o.issuer.clone(), "--issuer")?).with_window(o.from, o.until);
            entry.kinds = o.kinds.unwrap_or(KindSet::ALL);
            entry.display_name = o.name.clone();
            draft.add_key(entry);
            Ok(())
        }),
        "add-dsc" => edit(&it, &o, now, |draft| {
            let path = it.required(o.cert.clone(), "--cert")?;
            for dsc in cli::read_dscs(&path)? {
                eprintln!(
                    "added DSC {} ({})",
                    dsc.kid(),
                    dsc.common_name().or(dsc.country()).unwrap_or("no name")
                );
                draft.add_dsc(&dsc);
            }
            Ok(())
        }),
        "retire-key" => edit(&it, &o, now, |draft| {
            let kid = it.required(o.kid, "--kid")?;
            set_state(
                draft,
                kid,
                KeyState::Retired {
                    at: o.at.unwrap_or(now),
                },
            )
        }),
        "revoke-key" => edit(&it, &o, now, |draft| {
            let kid = it.required(o.kid, "--kid")?;
            set_state(draft, kid, KeyState::Revoked { since: o.from.or(o.at) })
        }),
        "revoke-credential" => edit(&it, &o, now, |draft| {
            let id = match (&o.code, o.id.or(o.dcc_hash)) {
                (Some(code), None) => draft.revoke_code(&read_code(code)?, &Limits::DEFAULT)?,
                (None, Some(id)) if o.id.is_none() || o.dcc_hash.is_none() => {
                    draft.revoke(id);
                    id
                }
                _ => {
                    return Err(
                        it.error("give one of a code (CODE, IMAGE or @FILE), --id HEX or --dcc-hash KIND:BASE64")
                    );
                }
            };
            eprintln!("revoked credential id {id}");
            Ok(())
        }),
        "set-rules" => edit(&it, &o, now, |draft| {
            let path = it.required(o.rules.clone(), "--rules")?;
            let rules = RuleSet::from_json(&cli::read_text(&path)?)
                .map_err(|e| Failure::Usage(format!("{}: {}: {e}", path.display(), e.code())))?;
            draft.rules = Some(rules);
            Ok(())
        }),
        "announce-root" => edit(&it, &o, now, |draft| {
            let path = it.required(o.next.clone(), "--next")?;
            let next = cli::read_public_key(&path)?;
            if !draft.next_roots.contains(&next) {
                draft.next_roots.push(next);
            }
            Ok(())
        }),
        // Only new dates and the next sequence number (see `edit`).
        "sign" => edit(&it, &o, now, |_| Ok(())),
        "dump" => {
            let path = it.required(o.bundle.clone(), "--bundle")?;
            let root_path = it.required(o.root.clone(), "--root")?;
            let root = cli::read_public_key(&root_path)?;
            let bundle = read_bundle(&path, &[root], now)?;
            println!("{}", pretty(&dump(&bundle))?);
            Ok(ExitCode::SUCCESS)
        }
        _ => Err(it.error(&format!("unknown command {:?}", command.name))),
    }
}

/// Parses the options after the command; `None` means `--help`.
fn parse_options(it: &mut cli::Args) -> Result<Option<Options>, Failure> {
    let mut o = Options::default();
    while let Some(arg) = it.next_arg() {
        let time = |it: &mut cli::Args| -> Result<Option<DateTime<Utc>>, Failure> {
            Ok(Some(cli::parse_now(&it.value(&arg)?)?))
        };
        match arg.name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--out" => o.out = Some(PathBuf::from(it.value(&arg)?)),
            "--root" => o.root = Some(PathBuf::from(it.value(&arg)?)),
            "--bundle" => o.bundle = Some(PathBuf::from(it.value(&arg)?)),
            "--key" => o.key = Some(PathBuf::from(it.value(&arg)?)),
            "--next" => o.next = Some(PathBuf::from(it.value(&arg)?)),
            "--rules" => o.rules = Some(PathBuf::from(it.value(&arg)?)),
            "--previous-root" => o.previous_root = Some(PathBuf::from(it.value(&arg)?)),
            "--issuer" => o.issuer = Some(it.value(&arg)?),
            "--name" => o.name = Some(it.value(&arg)?),
            "--kinds" => o.kinds = Some(parse_kinds(&it.value(&arg)?)?),
            "--from" | "--since" => o.from = time(it)?,
            "--until" => o.until = time(it)?,
            "--at" => o.at = time(it)?,
            "--now" => o.now = time(it)?,
            "--valid" => o.valid = Some(cli::parse_duration(&it.value(&arg)?)?),
            "--kid" => {
                let hex = it.value(&arg)?;
                o.kid = Some(
                    Kid::from_hex(&hex).ok_or_else(|| it.error(&format!("invalid --kid {hex:?}: 16 hex digits")))?,
                );
            }
            "--cert" => o.cert = Some(PathBuf::from(it.value(&arg)?)),
            "--dcc-hash" => {
                let value = it.value(&arg)?;
                o.dcc_hash = Some(parse_dcc_hash(&value).ok_or_else(|| {
                    it.error(&format!(
                        "invalid --dcc-hash {value:?}: UCI, COUNTRYCODEUCI or SIGNATURE, a colon, 16 bytes in base64"
                    ))
                })?);
            }
            "--id" => {
                let hex = it.value(&arg)?;
                o.id = Some(
                    RevocationId::from_hex(&hex)
                        .ok_or_else(|| it.error(&format!("invalid --id {hex:?}: 16 hex digits")))?,
                );
            }
            f if f.starts_with('-') && f != "-" => return Err(it.unexpected(&arg)),
            _ if o.code.is_some() => return Err(it.error("only one code may be given")),
            _ => o.code = Some(arg.name),
        }
    }
    Ok(Some(o))
}

/// `KIND:BASE64`: an EU DCC revocation list entry (`UCI`, `COUNTRYCODEUCI`
/// or `SIGNATURE`, and the first 16 bytes of the hash in base64).
fn parse_dcc_hash(value: &str) -> Option<RevocationId> {
    use base64::Engine;
    let (kind, hash) = value.split_once(':')?;
    let kind = DccHash::from_name(kind)?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(hash).ok()?;
    let hash: [u8; 16] = bytes.get(..16)?.try_into().ok()?;
    // A list entry is the first 16 bytes; a whole SHA-256 is cut to them.
    (bytes.len() == 16 || bytes.len() == 32).then(|| RevocationId::for_dcc(kind, &hash))
}

/// Retires or revokes the issuer key or DSC with this kid.
fn set_state(draft: &mut BundleDraft, kid: Kid, state: KeyState) -> Result<(), Failure> {
    if draft.dscs.iter().any(|d| d.kid() == kid) {
        draft.set_dsc_state(kid, state)?;
        return Ok(());
    }
    match state {
        KeyState::Retired { at } => draft.retire_key(kid, at)?,
        KeyState::Revoked { since } => draft.revoke_key(kid, since)?,
        KeyState::Active => return Ok(()),
    };
    Ok(())
}

/// `health_status,vaccination,...` (the kinds' JSON names).
fn parse_kinds(list: &str) -> Result<KindSet, Failure> {
    let mut kinds = Vec::new();
    for name in list.split(',') {
        let kind = Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == name.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                Failure::Usage(format!("unknown kind {name:?}; expected some of {}", names.join(",")))
            })?;
        kinds.push(kind);
    }
    Ok(KindSet::of(&kinds))
}

fn root_key(it: &cli::Args, o: &Options) -> Result<ExitCode, Failure> {
    let out = it.required(o.out.clone(), "--out")?;
    std::fs::create_dir_all(&out).map_err(|e| cli::io_error(&out, &e))?;
    let key = IssuerKey::generate()?;
    cli::write_private_key(&out.join("root.key.pem"), &key)?;
    cli::write_atomic(&out.join("root.pub.pem"), key.public_key().to_spki_pem()?.as_bytes())?;
    println!("{}", key.kid());
    Ok(ExitCode::SUCCESS)
}

fn read_root(it: &cli::Args, o: &Options) -> Result<IssuerKey, Failure> {
    let path = it.required(o.root.clone(), "--root")?;
    IssuerKey::from_pkcs8_pem(&cli::read_text(&path)?)
        .map_err(|e| Failure::Usage(format!("{}: {}: {e}", path.display(), e.code())))
}

/// Reads and checks a bundle file against the given roots.
fn read_bundle(path: &Path, roots: &[PublicKey], now: DateTime<Utc>) -> Result<TrustBundle, Failure> {
    let bytes = cli::read_bounded(&mut cli::open(path)?, path, MAX_BUNDLE)?;
    Ok(TrustState::new(roots).check(&bytes, now)?)
}

/// Reads the bundle, applies `change`, signs the next version and writes it.
fn edit(
    it: &cli::Args,
    o: &Options,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut BundleDraft) -> Result<(), Failure>,
) -> Result<ExitCode, Failure> {
    let root = read_root(it, o)?;
    let path = it.required(o.bundle.clone(), "--bundle")?;
    let mut roots = vec![*root.public_key()];
    if let Some(previous) = &o.previous_root {
        let key = cli::read_public_key(previous)?;
        roots.push(key);
    }
    let bundle = read_bundle(&path, &roots, now)?;
    let mut draft = bundle.to_draft();
    change(&mut draft)?;
    // A root that signs the bundle no longer needs announcing (the end of
    // a rotation started with announce-root).
    draft.next_roots.retain(|r| r != root.public_key());
    let validity = o.valid.unwrap_or(bundle.expires_at() - bundle.issued_at());
    draft.issued_at = now.max(bundle.issued_at());
    draft.expires_at = draft.issued_at + validity;
    write_bundle(&path, &draft, &root)
}

/// Signs and writes `path` and `path.json`; prints the sequence number.
fn write_bundle(path: &Path, draft: &BundleDraft, root: &IssuerKey) -> Result<ExitCode, Failure> {
    let bytes = draft.sign(root)?;
    let bundle = TrustState::new(&[*root.public_key()]).check(&bytes, draft.issued_at)?;
    cli::write_atomic(path, &bytes)?;
    let mut json_path = path.as_os_str().to_owned();
    json_path.push(".json");
    cli::write_atomic(
        Path::new(&json_path),
        format!("{}\n", pretty(&dump(&bundle))?).as_bytes(),
    )?;
    println!(
        "{}: sequence {}, {} keys, {} DSCs, {} revoked, {} bytes",
        path.display(),
        bundle.sequence(),
        bundle.keys().count(),
        bundle.dscs().len(),
        bundle.revoked_count(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// A code text from the argument or `@FILE`, or the one code a PNG or JPEG
/// file (`IMAGE` or `@IMAGE`) shows.
fn read_code(source: &str) -> Result<String, Failure> {
    let path = Path::new(source.strip_prefix('@').unwrap_or(source));
    if !source.starts_with('@') && !path.is_file() {
        return Ok(source.trim().to_owned());
    }
    let bytes = cli::read_bounded(&mut cli::open(path)?, path, 64 << 20)?;
    if bytes.starts_with(b"\x89PNG") || bytes.starts_with(b"\xFF\xD8\xFF") {
        let mut texts = qrcred::scan_image(&bytes, &Limits::DEFAULT)?;
        return match (texts.pop(), texts.is_empty()) {
            (Some(text), true) => Ok(text),
            _ => Err(Failure::Usage(format!("{}: not exactly one QR code", path.display()))),
        };
    }
    Ok(cli::utf8(bytes, path)?.trim().to_owned())
}

/// The JSON dump of a bundle, for people to read (not a format to parse:
/// the signed CBOR is the bundle).
fn dump(b: &TrustBundle) -> Value {
    let keys: Vec<Value> = b
        .keys()
        .map(|k| {
            let (state, since) = state_json(k.state);
            json!({
                "kid": k.kid().to_string(),
                "public_key": hex(&k.public_key.to_bytes()),
                "issuer": k.issuer,
                "display_name": k.display_name,
                "valid_from": k.valid_from.map(rfc3339),
                "valid_until": k.valid_until.map(rfc3339),
                "kinds": k.kinds.iter().map(Kind::as_str).collect::<Vec<_>>(),
                "state": state,
                "state_since": since.map(rfc3339),
            })
        })
        .collect();
    let dscs: Vec<Value> = b
        .dscs()
        .iter()
        .map(|entry| {
            let (state, since) = state_json(entry.state);
            let dsc = qrcred::hcert::Dsc::from_der(&entry.der).ok();
            json!({
                "kid": entry.kid().to_string(),
                "country": dsc.as_ref().and_then(|d| d.country().map(String::from)),
                "common_name": dsc.as_ref().and_then(|d| d.common_name().map(String::from)),
                "not_before": dsc.as_ref().map(|d| rfc3339(d.not_before())),
                "not_after": dsc.as_ref().map(|d| rfc3339(d.not_after())),
                "usage": dsc.as_ref().and_then(|d| d.usage().map(|u| u.iter().map(|k| k.as_str()).collect::<Vec<_>>())),
                "state": state,
                "state_since": since.map(rfc3339),
            })
        })
        .collect();
    json!({
        "format": "qrcred-bundle",
        "version": 1,
        "sequence": b.sequence(),
        "issued_at": rfc3339(b.issued_at()),
        "expires_at": rfc3339(b.expires_at()),
        "signed_by": b.signed_by().to_string(),
        "keys": keys,
        "revoked": b.revoked().map(|id| id.to_string()).collect::<Vec<_>>(),
        "next_roots": b.next_roots().iter().map(|r| hex(&r.to_bytes())).collect::<Vec<_>>(),
        "labels": b.labels(),
        "rules": b.rules(),
        "dscs": dscs,
    })
}

/// A key or DSC state as the dump writes it.
fn state_json(state: KeyState) -> (&'static str, Option<DateTime<Utc>>) {
    match state {
        KeyState::Active => ("active", None),
        KeyState::Retired { at } => ("retired", Some(at)),
        KeyState::Revoked { since } => ("revoked", since),
    }
}

fn pretty(value: &Value) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|e| Failure::Usage(format!("cannot write JSON: {e}")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
