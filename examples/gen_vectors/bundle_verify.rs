//! Codes verified with a loaded bundle: key policy from the bundle (kinds,
//! window, retired and revoked keys), revoked credentials by cti and by
//! signature, the stale policy and a clock set back (SPEC.md §8.2, §12).

use chrono::TimeDelta;
use qrcred::{BundleDraft, Credential, CtiPolicy, RevocationId, StalePolicy};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::bundle::{B_EXPIRES, B_ISSUED, DAY, NOW, World};
use super::bundle_case::{BundleCase, State};
use super::case::{Case, Expect, Result};
use super::fixture::{HOUR, ISSUED, ISSUER_A, ISSUER_B, Mint, credential, instant, vaccine};

/// Every case of this module.
pub fn cases(w: &World) -> Result<Vec<BundleCase>> {
    let mut all = key_policy(w)?;
    all.extend(key_states(w)?);
    all.extend(revocations(w)?);
    all.extend(freshness(w)?);
    all.extend(clock(w)?);
    Ok(all)
}

fn vaccination() -> Result<Credential> {
    credential(
        "vaccination",
        vaccine("CoronaVac", Some("Sinovac"), [2, 2], "2026-10-05", "CN"),
    )
}

fn test_result() -> Result<Credential> {
    credential(
        "test_result",
        json!({
            "disease": "covid-19",
            "test_type": "nucleic_acid",
            "result": "negative",
            "sampled_at": "2026-11-24T09:30:00Z",
            "country": "CN"
        }),
    )
}

/// A code minted with `mint` at `iat`, valid `validity`.
fn minted(w: &World, mint: Mint, iat: i64, validity: TimeDelta, credential: &Credential) -> Result<Case> {
    let mint = Mint {
        at: instant(iat),
        validity,
        ..mint
    };
    mint.issue(w.fx.case("", ""), credential)
}

/// A vaccination signed by issuer-a at `iat`, valid a year, derived cti.
fn vaccination_a(w: &World, iat: i64) -> Result<Case> {
    vaccination_a_for(w, iat, TimeDelta::days(365))
}

/// A vaccination by issuer-a issued at `iat` and valid for `validity`.
fn vaccination_a_for(w: &World, iat: i64, validity: TimeDelta) -> Result<Case> {
    minted(w, w.fx.mint(), iat, validity, &vaccination()?)
}

/// Issuer-b as the issuer, with a `cti` policy.
fn mint_b(w: &World, cti: CtiPolicy) -> Mint {
    Mint {
        key: w.fx.b.clone(),
        issuer: ISSUER_B.into(),
        cti,
        ..w.fx.mint()
    }
}

fn key_policy(w: &World) -> Result<Vec<BundleCase>> {
    let base = w.base();
    let a = &w.root_a;
    let loaded = |name, description| -> Result<BundleCase> { w.case(name, description).signed(&base, a)?.loads() };
    let by_c = Mint {
        key: w.issuer_c.clone(),
        issuer: "CN-XX-ZZ".into(),
        ..w.fx.mint()
    };
    let now = instant(NOW);
    Ok(vec![
        loaded(
            "verify_second_issuer",
            "a vaccination signed by issuer-b (kinds vaccination and test result, window ending at its iat + 1 day)",
        )?
        .verifies(
            &minted(
                w,
                mint_b(w, CtiPolicy::Auto),
                ISSUED - DAY,
                TimeDelta::days(365),
                &vaccination()?,
            )?,
            now,
            &[],
        )?,
        loaded(
            "verify_kind_not_allowed",
            "a health status signed by issuer-b, whose bundle entry allows vaccination and test result only",
        )?
        .rejects(
            &minted(
                w,
                mint_b(w, CtiPolicy::Auto),
                ISSUED - HOUR,
                TimeDelta::hours(24),
                &super::fixture::green()?,
            )?,
            now,
            "key.kind_not_allowed",
        )?,
        loaded(
            "verify_outside_key_window",
            "a test result signed by issuer-b at its valid_until (the window excludes its end)",
        )?
        .rejects(
            &minted(
                w,
                mint_b(w, CtiPolicy::Auto),
                ISSUED,
                TimeDelta::hours(72),
                &test_result()?,
            )?,
            now,
            "key.outside_validity",
        )?,
        loaded(
            "verify_key_not_in_bundle",
            "a health status signed by issuer-c, a key the bundle does not list",
        )?
        .rejects(
            &minted(w, by_c, ISSUED, TimeDelta::hours(24), &super::fixture::green()?)?,
            now,
            "key.unknown_kid",
        )?,
    ])
}

fn key_states(w: &World) -> Result<Vec<BundleCase>> {
    let a = &w.root_a;
    let kid = w.fx.a.key.kid();
    let mut since = w.base();
    since.revoke_key(kid, Some(instant(ISSUED)))?;
    let mut all = w.base();
    all.revoke_key(kid, None)?;
    let mut retired = w.base();
    retired.retire_key(kid, instant(ISSUED))?;
    let with =
        |d: &BundleDraft, name, description| -> Result<BundleCase> { w.case(name, description).signed(d, a)?.loads() };
    let now = instant(NOW);
    let revoked_since = "issuer-a revoked since 2026-11-25T08:00:00Z";
    let retired_at = "issuer-a retired at 2026-11-25T08:00:00Z";
    Ok(vec![
        with(
            &since,
            "key_revoked_since_iat",
            &format!("{revoked_since}; a code issued at that second is refused"),
        )?
        .rejects(&w.green_at(ISSUED)?, now, "revoked.key")?,
        with(
            &since,
            "key_revoked_since_after_iat",
            &format!("{revoked_since}; a code issued one second before still verifies"),
        )?
        .verifies(&w.green_at(ISSUED - 1)?, now, &[])?,
        with(
            &all,
            "key_revoked_for_all",
            "issuer-a revoked with no since: a vaccination it signed 30 days ago is refused",
        )?
        .rejects(&vaccination_a(w, ISSUED - 30 * DAY)?, now, "revoked.key")?,
        with(
            &retired,
            "key_retired_at_iat",
            &format!("{retired_at}; a code issued at that second is refused"),
        )?
        .rejects(&w.green_at(ISSUED)?, now, "key.retired")?,
        with(
            &retired,
            "key_retired_after_iat",
            &format!("{retired_at}; a vaccination it signed 30 days before verifies until its own expiry"),
        )?
        .verifies(&vaccination_a(w, ISSUED - 30 * DAY)?, now, &[])?,
        with(
            &retired,
            "key_retired_grant_ends",
            &format!("{retired_at}; a code signed one day before, expiring exactly 400 days after the retirement, verifies"),
        )?
        .verifies(&vaccination_a_for(w, ISSUED - DAY, TimeDelta::days(401))?, now, &[])?,
        with(
            &retired,
            "key_retired_beyond_withdrawal",
            &format!("{retired_at}; a code signed one day before but valid 30 years exceeds the 400 days a retired key grants"),
        )?
        .rejects(&vaccination_a_for(w, ISSUED - DAY, TimeDelta::days(30 * 365))?, now, "key.beyond_withdrawal")?,
        with(
            &since,
            "key_revoked_since_beyond_withdrawal",
            &format!("{revoked_since}; a code signed one day before, expiring one second past 400 days after it, is refused"),
        )?
        .rejects(
            &vaccination_a_for(w, ISSUED - DAY, TimeDelta::days(401) + TimeDelta::seconds(1))?,
            now,
            "key.beyond_withdrawal",
        )?,
    ])
}

/// The code's COSE signature: the last 64 bytes of its COSE_Sign1.
fn signature_of(code: &Case) -> Result<[u8; 64]> {
    let cose = code.cose.as_deref().ok_or("a minted code has COSE bytes")?;
    Ok(cose[cose.len() - 64..].try_into()?)
}

/// The revocation id of SPEC.md §12.3, computed here and checked against
/// the library's.
fn revocation_id(kind: u8, parts: &[&[u8]], library: RevocationId) -> Result<RevocationId> {
    let mut sha = Sha256::new().chain_update(b"qrcred-revocation-v1").chain_update([kind]);
    for part in parts {
        sha.update(part);
    }
    let mut id = [0u8; 8];
    id.copy_from_slice(&sha.finalize()[..8]);
    if RevocationId(id) != library {
        return Err(format!("revocation id {library} differs from SPEC.md §12.3").into());
    }
    Ok(library)
}

fn by_cti(issuer: &str, cti: [u8; 8]) -> Result<RevocationId> {
    let len = [u8::try_from(issuer.len())?];
    revocation_id(1, &[&len, issuer.as_bytes(), &cti], RevocationId::for_cti(issuer, &cti))
}

fn by_signature(code: &Case) -> Result<RevocationId> {
    let signature = signature_of(code)?;
    revocation_id(2, &[&signature], RevocationId::for_signature(&signature))
}

fn cti_of(code: &Case) -> Result<[u8; 8]> {
    match &code.expect {
        Expect::Valid(v) => v.cti.ok_or_else(|| "the code has no cti".into()),
        Expect::Error(_) => Err("not a valid code".into()),
    }
}

fn revocations(w: &World) -> Result<Vec<BundleCase>> {
    let with_cti = vaccination_a(w, ISSUED)?;
    let without_cti = w.green_at(ISSUED - 2 * HOUR)?;
    let cti_by_signature = vaccination_a(w, ISSUED - DAY)?;
    let other = w.green_at(ISSUED)?;
    let cti = cti_of(&with_cti)?;
    let same_cti_b = minted(
        w,
        mint_b(w, CtiPolicy::Fixed(cti)),
        ISSUED - DAY,
        TimeDelta::days(365),
        &vaccination()?,
    )?;
    let mut d = w.base();
    d.revoke(by_cti(ISSUER_A, cti)?)
        .revoke(by_signature(&without_cti)?)
        .revoke(by_signature(&cti_by_signature)?);
    for n in 1..=3u8 {
        d.revoke(by_cti(ISSUER_A, [n; 8])?);
    }
    let listed = "a bundle revoking 6 credentials";
    let case = |name, description: &str| -> Result<BundleCase> {
        w.case(name, &format!("{listed}; {description}"))
            .signed(&d, &w.root_a)?
            .loads()
    };
    let now = instant(NOW);
    let expired = instant(ISSUED - 2 * HOUR + DAY + HOUR);
    Ok(vec![
        case(
            "revoked_by_cti",
            "a vaccination listed by its cti id (issuer CN-SN-XA and cti)",
        )?
        .rejects(&with_cti, now, "revoked.credential")?,
        case(
            "revoked_by_signature",
            "a health status without cti, listed by its signature id",
        )?
        .rejects(&without_cti, now, "revoked.credential")?,
        case(
            "revoked_by_signature_with_cti",
            "a vaccination with a cti, listed by its signature id: a reader checks both ids",
        )?
        .rejects(&cti_by_signature, now, "revoked.credential")?,
        case(
            "revoked_cti_of_another_issuer",
            "a vaccination by issuer-b with the very cti revoked for CN-SN-XA: the cti id is scoped to its issuer",
        )?
        .verifies(&same_cti_b, now, &[])?,
        case(
            "revoked_not_listed",
            "a health status whose ids are not listed verifies",
        )?
        .verifies(&other, now, &[])?,
        case(
            "revoked_checked_before_time",
            "the health status revoked by signature, verified an hour after it expired: revocation is reported first",
        )?
        .rejects(&without_cti, expired, "revoked.credential")?,
    ])
}

fn freshness(w: &World) -> Result<Vec<BundleCase>> {
    let base = w.base();
    let case =
        |name, description| -> Result<BundleCase> { w.case(name, description).signed(&base, &w.root_a)?.loads() };
    let at = |t: i64| -> Result<(Case, chrono::DateTime<chrono::Utc>)> { Ok((w.green_at(t - HOUR)?, instant(t))) };
    let day = TimeDelta::days(1);
    let stale = &["trust.stale"];
    let (c, t) = at(B_EXPIRES)?;
    let (c1, t1) = at(B_EXPIRES - 1)?;
    let (c2, t2) = at(B_EXPIRES + DAY)?;
    let (c3, t3) = at(B_EXPIRES + DAY - 1)?;
    let old = w.green_at(B_EXPIRES - DAY - HOUR)?;
    Ok(vec![
        case(
            "stale_at_expiry",
            "verified at the bundle's expires_at: accepted with the warning trust.stale (default policy)",
        )?
        .verifies(&c, t, stale)?,
        case(
            "stale_not_before_expiry",
            "verified one second before the bundle's expires_at: no warning",
        )?
        .verifies(&c1, t1, &[])?,
        case(
            "stale_refused_after_grace",
            "policy: refuse after a grace of 1 day; verified at expires_at + 1 day",
        )?
        .rejects(&c2, t2, "trust.stale")?
        .stale_policy(StalePolicy::refuse_after(day)),
        case(
            "stale_refuse_within_grace",
            "policy: refuse after a grace of 1 day; verified at expires_at + 1 day - 1 s: no warning",
        )?
        .verifies(&c3, t3, &[])?
        .stale_policy(StalePolicy::refuse_after(day)),
        case(
            "stale_warn_after_grace",
            "policy: warn after a grace of 1 day; verified at expires_at + 1 day: the warning",
        )?
        .verifies(&c2, t2, stale)?
        .stale_policy(StalePolicy::warn_after(day)),
        case(
            "stale_checked_after_time",
            "policy: refuse; an expired code verified after the bundle expired: time.expired is reported first",
        )?
        .rejects(&old, t, "time.expired")?
        .stale_policy(StalePolicy::refuse_after(TimeDelta::zero())),
    ])
}

fn clock(w: &World) -> Result<Vec<BundleCase>> {
    let base = w.base();
    let seen = ISSUED + HOUR / 2;
    let holding = State::fresh(&[&w.root_a]).holding(Some(SEQUENCE_HELD), Some(instant(seen)));
    let loaded = |name, description, state: State| -> Result<BundleCase> {
        w.case(name, description).state(state).signed(&base, &w.root_a)?.loads()
    };
    let early = w.green_at(B_ISSUED - 2 * HOUR)?;
    Ok(vec![
        loaded(
            "clock_behind_newest_seen",
            "the scanner held newest_seen = 2026-11-25T08:30:00Z (a code it accepted); it loads the bundle, \
             then verifies at 08:24:59, behind newest_seen by more than the skew",
            holding.clone(),
        )?
        .rejects(
            &w.green_at(ISSUED - 2 * HOUR)?,
            instant(seen - 301),
            "time.clock_behind",
        )?,
        loaded(
            "clock_within_skew_of_newest_seen",
            "as clock_behind_newest_seen, verified at 08:25:00: exactly the skew behind newest_seen, accepted",
            holding,
        )?
        .verifies(&w.green_at(ISSUED - 2 * HOUR)?, instant(seen - 300), &[])?,
        loaded(
            "clock_behind_bundle",
            "a fresh scanner loads the bundle, then verifies at its issued_at - 301 s: the bundle's own issue time \
             counts as seen",
            State::fresh(&[&w.root_a]),
        )?
        .rejects(&early, instant(B_ISSUED - 301), "time.clock_behind")?,
    ])
}

/// The sequence the clock cases' scanner holds before loading.
const SEQUENCE_HELD: u64 = super::bundle::SEQUENCE - 1;
