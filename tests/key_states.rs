//! Key states across trust entries (SPEC.md §8.1, §8.2 step 10): a
//! revocation on any entry for a public key vetoes every entry for it, and a
//! retired or withdrawn key grants validity for a bounded time only.

use chrono::{DateTime, TimeDelta, Utc};
use qrcred::{Credential, Issuer, IssuerKey, KeyState, TrustStore, TrustedKey, Verifier};

const ISSUER: &str = "CN-SN-XA";

fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T08:00:00Z")
        .expect("time")
        .to_utc()
}

fn key() -> IssuerKey {
    IssuerKey::from_seed(&[0x33; 32])
}

fn vaccination() -> Credential {
    let json = include_str!("../examples/credentials/vaccination.json");
    serde_json::from_str(json).expect("sample")
}

/// A vaccination code issued at `iat`, valid for `validity`.
fn code(iat: DateTime<Utc>, validity: TimeDelta) -> String {
    Issuer::new(key(), ISSUER)
        .issue(&vaccination(), validity, iat)
        .expect("issues")
}

fn entry(state: KeyState) -> TrustedKey {
    TrustedKey::new(*key().public_key(), ISSUER).with_state(state)
}

/// The error code of verifying `code` at `now` with `entries`, or "valid".
fn verdict(entries: &[TrustedKey], code: &str, now: DateTime<Utc>) -> &'static str {
    let mut trust = TrustStore::new();
    for e in entries {
        trust = trust.with(e.clone());
    }
    match Verifier::new(trust).verify(code, now) {
        Ok(_) => "valid",
        Err(e) => e.code(),
    }
}

#[test]
fn a_revoked_entry_vetoes_every_entry_for_its_key() {
    let code = code(t0(), TimeDelta::days(365));
    let now = t0() + TimeDelta::hours(1);
    let active = entry(KeyState::Active);
    let revoked = entry(KeyState::Revoked { since: None });
    assert_eq!(verdict(std::slice::from_ref(&active), &code, now), "valid");
    // In either order, and with more active entries around it.
    for entries in [
        vec![active.clone(), revoked.clone()],
        vec![revoked.clone(), active.clone()],
        vec![active.clone(), active.clone(), revoked.clone()],
    ] {
        assert_eq!(verdict(&entries, &code, now), "revoked.key");
    }
    // Revoked since a time before the code: the veto holds.
    let since = entry(KeyState::Revoked {
        since: Some(t0() - TimeDelta::hours(1)),
    });
    assert_eq!(verdict(&[active.clone(), since], &code, now), "revoked.key");
    // Revoked since a time after the code: the code stays valid.
    let later = entry(KeyState::Revoked {
        since: Some(t0() + TimeDelta::minutes(30)),
    });
    assert_eq!(verdict(&[active.clone(), later.clone()], &code, now), "valid");
    assert_eq!(verdict(&[later, active.clone()], &code, now), "valid");
    // A retirement vetoes likewise, in either order.
    let retired = entry(KeyState::Retired {
        at: t0() - TimeDelta::hours(1),
    });
    for entries in [vec![active.clone(), retired.clone()], vec![retired, active]] {
        assert_eq!(verdict(&entries, &code, now), "key.retired");
    }
}

#[test]
fn retired_and_withdrawn_keys_grant_a_bounded_validity() {
    let withdrawn = t0() + TimeDelta::days(10);
    let grant = TimeDelta::days(TrustedKey::WITHDRAWAL_GRANT_DAYS);
    // Issued before the withdrawal, expiring exactly at its grant's end and one second later.
    let iat = t0();
    let within = code(iat, withdrawn + grant - iat);
    let beyond = code(iat, withdrawn + grant - iat + TimeDelta::seconds(1));
    let decades = code(iat, TimeDelta::days(30 * 365));
    let now = t0() + TimeDelta::days(20);
    for state in [
        KeyState::Retired { at: withdrawn },
        KeyState::Revoked { since: Some(withdrawn) },
    ] {
        let entries = [entry(state)];
        assert_eq!(verdict(&entries, &within, now), "valid", "{state:?}");
        assert_eq!(verdict(&entries, &beyond, now), "key.beyond_withdrawal", "{state:?}");
        assert_eq!(verdict(&entries, &decades, now), "key.beyond_withdrawal", "{state:?}");
    }
    // An active key grants what it signs.
    assert_eq!(verdict(&[entry(KeyState::Active)], &decades, now), "valid");
    // A compromised key (revoked with no time) grants nothing at all.
    let compromised = [entry(KeyState::Revoked { since: None })];
    assert_eq!(verdict(&compromised, &within, now), "revoked.key");
}
