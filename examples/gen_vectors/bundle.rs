//! Trust bundle vectors (`test-vectors/bundle/`, SPEC.md §12): loading
//! (roots, rollback, future bundles, clock, size limits, root rotation)
//! here; codes verified with a bundle in `bundle_verify`, malformed
//! payloads in `bundle_payload`.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use qrcred::{BundleDraft, Kind, Limits, TrustedKey};

use super::bundle_case::{BundleCase, State};
use super::bundle_wire;
use super::case::{Case, Result};
use super::fixture::{Fixture, HOUR, ISSUED, ISSUER_A, ISSUER_B, Mint, TestKey, green, instant};

/// One day, in seconds.
pub const DAY: i64 = 24 * HOUR;
/// When the base bundle is issued: a day before the codes.
pub const B_ISSUED: i64 = ISSUED - DAY;
/// When the base bundle expires: 7 days after its issue.
pub const B_EXPIRES: i64 = B_ISSUED + 7 * DAY;
/// The scanner's clock at loading: an hour after the codes are issued.
pub const NOW: i64 = ISSUED + HOUR;
/// The sequence number of the base bundle.
pub const SEQUENCE: u64 = 7;

/// The keys and the base bundle every case starts from.
pub struct World<'a> {
    /// Signs codes, listed as [`ISSUER_A`] for every kind.
    pub fx: &'a Fixture,
    /// The root pinned by the scanner.
    pub root_a: TestKey,
    /// A second root: unknown, or announced for rotation.
    pub root_b: TestKey,
    /// An issuer key no bundle lists.
    pub issuer_c: TestKey,
}

impl World<'_> {
    /// The base bundle: sequence 7, issued a day before the codes, valid 7
    /// days; issuer-a for every kind, issuer-b for vaccinations and test
    /// results issued in the year before the codes; no revocations; one
    /// label in English and Chinese.
    pub fn base(&self) -> BundleDraft {
        let mut d = BundleDraft::new(SEQUENCE, instant(B_ISSUED), TimeDelta::days(7));
        let mut en = BTreeMap::new();
        en.insert("revoked.credential".to_owned(), "Revoked by the issuer".to_owned());
        let mut zh = BTreeMap::new();
        zh.insert("revoked.credential".to_owned(), "凭证已被签发机构撤销".to_owned());
        d.labels = BTreeMap::from([("en".to_owned(), en), ("zh".to_owned(), zh)]);
        d.add_key(TrustedKey::new(*self.fx.a.key.public_key(), ISSUER_A).with_display_name("西安市卫生健康委员会"));
        d.add_key(
            TrustedKey::new(*self.fx.b.key.public_key(), ISSUER_B)
                .with_display_name("北京市卫生健康委员会")
                .with_kinds(&[Kind::Vaccination, Kind::TestResult])
                .with_window(Some(instant(ISSUED - 365 * DAY)), Some(instant(ISSUED))),
        );
        d
    }

    /// A case loading at [`NOW`] with root-a pinned and nothing held.
    pub fn case(&self, name: &str, description: &str) -> BundleCase {
        BundleCase::new(
            name,
            description,
            instant(NOW),
            &[&self.root_a],
            State::fresh(&[&self.root_a]),
        )
        .with_keys(&[&self.fx.a, &self.fx.b])
    }

    /// A green health status signed by issuer-a at `iat`, valid 24 hours.
    pub fn green_at(&self, iat: i64) -> Result<Case> {
        let mint = Mint {
            at: instant(iat),
            ..self.fx.mint()
        };
        mint.issue(self.fx.case("", ""), &green()?)
    }
}

/// Every bundle case.
pub fn cases(fx: &Fixture) -> Result<Vec<BundleCase>> {
    let w = World {
        fx,
        root_a: TestKey::derive("root-a"),
        root_b: TestKey::derive("root-b"),
        issuer_c: TestKey::derive("issuer-c"),
    };
    let mut all = loading(&w)?;
    all.extend(refusals(&w)?);
    all.extend(limits(&w)?);
    all.extend(rotation(&w)?);
    all.extend(super::bundle_verify::cases(&w)?);
    all.extend(super::bundle_payload::cases(&w)?);
    Ok(all)
}

fn loading(w: &World) -> Result<Vec<BundleCase>> {
    let base = w.base();
    let code = w.green_at(ISSUED)?;
    let a = &w.root_a;
    let held = |sequence, seen| State::fresh(&[a]).holding(Some(sequence), Some(instant(seen)));
    let mut future = base.clone();
    future.issued_at = instant(NOW + 300);
    future.expires_at = future.issued_at + TimeDelta::days(7);
    Ok(vec![
        w.case(
            "bundle_valid",
            "a bundle signed by the pinned root, loaded by a scanner that holds none; a health status \
             signed by a key it lists verifies, with the display name the bundle gives",
        )
        .signed(&base, a)?
        .loads()?
        .verifies(&code, instant(NOW), &[])?,
        w.case(
            "bundle_newer_sequence",
            "the scanner holds sequence 6 (issued a week earlier): sequence 7 loads and is held",
        )
        .state(held(SEQUENCE - 1, B_ISSUED - 7 * DAY))
        .signed(&base, a)?
        .loads()?,
        w.case(
            "bundle_same_sequence",
            "the scanner already holds sequence 7 and its digest: the same bundle loads again (e.g. after a restart)",
        )
        .state(held(SEQUENCE, B_ISSUED).with_digest(&base.to_payload()?))
        .signed(&base, a)?
        .loads()?,
        w.case(
            "bundle_same_sequence_no_digest",
            "the scanner holds sequence 7 from a state persisted without a digest: the bundle at that number \
             loads and its digest is recorded",
        )
        .state(held(SEQUENCE, B_ISSUED))
        .signed(&base, a)?
        .loads()?,
        w.case(
            "bundle_issued_within_skew",
            "issued_at = now + 300 s, the default skew: loads; codes verify at now",
        )
        .signed(&future, a)?
        .loads()?
        .verifies(&code, instant(NOW), &[])?,
        w.case(
            "bundle_newest_seen_within_skew",
            "the scanner saw an issue time of now + 300 s: now is not behind it by more than the skew, \
             so the bundle loads and newest_seen stays the later time",
        )
        .state(State::fresh(&[a]).holding(None, Some(instant(NOW + 300))))
        .signed(&base, a)?
        .loads()?,
    ])
}

fn refusals(w: &World) -> Result<Vec<BundleCase>> {
    let base = w.base();
    let a = &w.root_a;
    let good = w.case("", "").signed(&base, a)?;
    let future = |seconds: i64| {
        let mut d = base.clone();
        d.issued_at = instant(NOW + seconds);
        d.expires_at = d.issued_at + TimeDelta::days(7);
        d
    };
    let mut rolled_future = future(DAY);
    rolled_future.sequence = SEQUENCE - 1;
    let held = State::fresh(&[a]).holding(Some(SEQUENCE + 1), Some(instant(B_ISSUED + DAY)));
    Ok(vec![
        tampered_payload(&good)?.named(
            "bundle_tampered_payload",
            "the sequence number changed from 7 to 8 after signing: the root signature does not verify",
        ),
        tampered_signature(&good).named("bundle_tampered_signature", "bit 0 of byte 10 of the signature flipped"),
        w.case("bundle_unknown_root", "signed by root-b; the scanner pins only root-a")
            .signed(&base, &w.root_b)?
            .refused("trust.unknown_root"),
        w.case(
            "bundle_signed_by_issuer_key",
            "signed by issuer-a, a key the bundle lists for codes: issuer keys never sign bundles",
        )
        .signed(&base, &w.fx.a)?
        .refused("trust.unknown_root"),
        w.case(
            "bundle_rollback",
            "the scanner holds sequence 8: sequence 7 is a rollback",
        )
        .state(held.clone())
        .signed(&base, a)?
        .refused("trust.rollback"),
        w.case(
            "bundle_sequence_reused",
            "the scanner holds sequence 7 with the digest of a bundle that revokes one more credential: \
             this bundle, also numbered 7, has other contents (one number, one bundle)",
        )
        .state(held_7_other_digest(w)?)
        .signed(&base, a)?
        .refused("trust.sequence_reused"),
        w.case(
            "bundle_rollback_checked_first",
            "sequence 6 against a held 7, also issued a day in the future: the rollback is reported (step 6 before 7)",
        )
        .state(held.holding(Some(SEQUENCE), Some(instant(B_ISSUED))))
        .signed(&rolled_future, a)?
        .refused("trust.rollback"),
        w.case(
            "bundle_not_yet_valid",
            "issued_at = now + 301 s, one second beyond the default skew",
        )
        .signed(&future(301), a)?
        .refused("trust.not_yet_valid"),
        w.case(
            "bundle_not_yet_valid_skew",
            "skew_seconds = 60: issued_at = now + 61 s is in the future",
        )
        .skew(60)
        .signed(&future(61), a)?
        .refused("trust.not_yet_valid"),
        w.case(
            "bundle_clock_behind",
            "the scanner saw an issue time of now + 301 s (a code or an earlier bundle): its clock was set back",
        )
        .state(State::fresh(&[a]).holding(Some(SEQUENCE - 1), Some(instant(NOW + 301))))
        .signed(&base, a)?
        .refused("time.clock_behind"),
    ])
}

/// Root-a's state holding sequence 7 with the digest of another bundle
/// numbered 7: the base bundle plus one revoked credential.
fn held_7_other_digest(w: &World) -> Result<State> {
    let mut other = w.base();
    other.revoke(qrcred::RevocationId([0x42; 8]));
    Ok(State::fresh(&[&w.root_a])
        .holding(Some(SEQUENCE), Some(instant(B_ISSUED)))
        .with_digest(&other.to_payload()?))
}

/// The bundle with one payload byte changed after signing: the sequence
/// number (`02 07`, key 2, value 7) becomes 8.
fn tampered_payload(good: &BundleCase) -> Result<BundleCase> {
    let at = good
        .payload
        .windows(2)
        .position(|w| w == [0x02, SEQUENCE as u8])
        .ok_or("no sequence in the payload")?;
    let mut payload = good.payload.clone();
    payload[at + 1] += 1;
    let start = good.bundle.len() - 66 - good.payload.len();
    let mut bundle = good.bundle.clone();
    bundle[start + at + 1] += 1;
    Ok(good.clone().tampered(bundle, payload).refused("signature.invalid"))
}

/// The bundle with a bit of its signature flipped.
fn tampered_signature(good: &BundleCase) -> BundleCase {
    let mut bundle = good.bundle.clone();
    let at = bundle.len() - 64 + 10;
    bundle[at] ^= 0x01;
    let payload = good.payload.clone();
    good.clone().tampered(bundle, payload).refused("signature.invalid")
}

fn limits(w: &World) -> Result<Vec<BundleCase>> {
    let base = w.base();
    let a = &w.root_a;
    let good = w.case("", "").signed(&base, a)?;
    let len = good.bundle.len();
    let items = bundle_wire::items(&bundle_wire::payload_of(&base));
    let d = Limits::DEFAULT;
    let len_case = |name: &str, description: String, max| {
        good.clone()
            .named(name, &description)
            .limits(d.with_max_bundle_len(max))
    };
    let items_case = |name: &str, description: String, max| {
        good.clone()
            .named(name, &description)
            .limits(d.with_max_bundle_items(max))
    };
    Ok(vec![
        len_case(
            "bundle_len_at_cap",
            format!("max_bundle_len = {len}, the length of the file: loads"),
            len,
        )
        .loads()?,
        len_case(
            "bundle_too_large",
            format!("max_bundle_len = {}, one byte less than the file", len - 1),
            len - 1,
        )
        .refused("trust.too_large"),
        items_case(
            "bundle_items_at_cap",
            format!(
                "max_bundle_items = {items}, the CBOR items of the payload (map keys and values each count): loads"
            ),
            items,
        )
        .loads()?,
        items_case(
            "bundle_items_too_many",
            format!(
                "max_bundle_items = {}, one less than the CBOR items of the payload",
                items - 1
            ),
            items - 1,
        )
        .refused("limits.cbor_too_many_items"),
    ])
}

fn rotation(w: &World) -> Result<Vec<BundleCase>> {
    let (a, b) = (&w.root_a, &w.root_b);
    let mut announcing = w.base();
    announcing.next_roots.push(*b.key.public_key());
    let mut next = w.base();
    next.sequence = SEQUENCE + 1;
    let both = State::fresh(&[a, b]).holding(Some(SEQUENCE), Some(instant(B_ISSUED)));
    let code = w.green_at(ISSUED)?;
    Ok(vec![
        w.case(
            "bundle_rotation_announced",
            "signed by root-a, announcing root-b in next_roots: the scanner then trusts both roots",
        )
        .signed(&announcing, a)?
        .loads()?,
        BundleCase::new(
            "bundle_rotation_next_root_signs",
            "the scanner loaded sequence 7 announcing root-b; sequence 8 signed by root-b loads, and root-a, \
             neither the signer nor announced again, is no longer trusted",
            instant(NOW),
            &[a, b],
            both,
        )
        .with_keys(&[&w.fx.a, &w.fx.b])
        .signed(&next, b)?
        .loads()?
        .verifies(&code, instant(NOW), &[])?,
    ])
}
