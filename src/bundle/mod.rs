//! Signed trust bundles (SPEC.md §12): the one file a scanner needs to
//! verify offline, with key rotation, revocation and clock safety.
//!
//! A [`BundleDraft`] is built by the trust authority and signed with a root
//! key into COSE_Sign1 bytes. A scanner keeps a [`TrustState`] (its pinned
//! root keys, the highest sequence number it has loaded and the newest
//! issue time it has seen), persists it, and loads bundles through it:
//! the root signature is checked, a rollback to an older sequence number
//! and a bundle dated in the future are refused, and a device clock set
//! back behind what was already seen is detected. The loaded
//! [`TrustBundle`] is a [`KeyResolver`] for the [`Verifier`](crate::Verifier),
//! which then also refuses revoked credentials and keys and applies its
//! [`StalePolicy`](crate::StalePolicy).

mod revocation;
mod state;
mod wire;
#[cfg(fuzzing)]
pub(crate) use wire::BUNDLE_CBOR_DEPTH;

use alloc::{
    borrow::Cow,
    collections::{BTreeMap, BTreeSet},
    string::String,
    vec::Vec,
};
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::cose::{self, UnverifiedSign1};
use crate::error::{Error, KeyError, Result, TrustError};
use crate::keys::{IssuerKey, Kid, PublicKey};
use crate::labels::{DEFAULT_LABELS, default_label, primary_language};
use crate::limits::Limits;
use crate::rules::RuleSet;
use crate::trust::{KeyResolver, KeyState, RevocationId, TrustStore, TrustValidity, TrustedKey};
use crate::verifier::UnverifiedCode;
use revocation::RevocationList;
pub use state::TrustState;
use wire::Contents;

/// A verified, loaded trust bundle: the issuer keys, revocations and labels
/// a root key signed. Made by [`TrustState::load`] or [`TrustState::check`].
#[derive(Debug, Clone)]
pub struct TrustBundle {
    sequence: u64,
    digest: [u8; 32],
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    signed_by: Kid,
    keys: TrustStore,
    revoked: RevocationList,
    labels: BTreeMap<String, BTreeMap<String, String>>,
    next_roots: Vec<PublicKey>,
    rules: Option<RuleSet>,
    dscs: Vec<BundleDsc>,
}

/// The largest Document Signer Certificate a bundle carries, in bytes of DER.
pub(crate) const MAX_DSC_LEN: usize = 16 * 1024;

/// A Document Signer Certificate as a trust bundle carries it (field 10,
/// SPEC.md §12.2): its DER and its state, for `HC1:` codes (feature
/// `hcert`; a build without it loads such bundles and ignores them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleDsc {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// Active, retired or revoked, as issuer keys (SPEC.md §14.4).
    pub state: KeyState,
}

impl BundleDsc {
    /// Its kid: SHA-256 of the DER, first 8 bytes.
    pub fn kid(&self) -> Kid {
        let digest = Sha256::digest(&self.der);
        let mut kid = [0u8; 8];
        kid.copy_from_slice(&digest[..8]);
        Kid(kid)
    }
}

impl TrustBundle {
    /// Checks the root signature and reads the contents; the state checks
    /// (rollback, future issue time, clock) are [`TrustState::check`]'s.
    fn open(bytes: &[u8], roots: &[PublicKey], limits: &Limits) -> Result<TrustBundle> {
        limits.check()?;
        if bytes.len() > limits.max_bundle_len {
            return Err(TrustError::TooLarge {
                max: limits.max_bundle_len,
            }
            .into());
        }
        let sign1 = UnverifiedSign1::parse(bytes, &wire::bundle_cbor_limits(limits), cose::Document::Bundle)?;
        let kid = sign1.kid();
        let candidates: Vec<&PublicKey> = roots.iter().filter(|r| r.kid() == kid).collect();
        if candidates.is_empty() {
            return Err(TrustError::UnknownRoot { kid: kid.to_string() }.into());
        }
        let (payload, _) = sign1.verify_with(&candidates, |k: &&PublicKey| *k)?;
        let contents = wire::decode(&payload, limits)?;
        let digest = Sha256::digest(&payload).into();
        Ok(TrustBundle::from_contents(contents, kid, digest))
    }

    fn from_contents(c: Contents, signed_by: Kid, digest: [u8; 32]) -> TrustBundle {
        let mut keys = TrustStore::new();
        for key in c.keys {
            keys.add(key);
        }
        // Each was read as a certificate when the payload was decoded.
        #[cfg(feature = "hcert")]
        for dsc in c.parsed_dscs {
            keys.add_dsc(dsc);
        }
        TrustBundle {
            sequence: c.sequence,
            digest,
            issued_at: c.issued_at,
            expires_at: c.expires_at,
            signed_by,
            keys,
            revoked: c.revoked,
            labels: c.labels,
            next_roots: c.next_roots,
            rules: c.rules,
            dscs: c.dscs,
        }
    }

    /// The Document Signer Certificates it carries, in kid order.
    pub fn dscs(&self) -> &[BundleDsc] {
        &self.dscs
    }

    /// The entry rules the bundle carries, if any (SPEC.md §13).
    pub fn rules(&self) -> Option<&RuleSet> {
        self.rules.as_ref()
    }

    /// The sequence number (grows with every bundle the authority signs).
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// SHA-256 of the signed payload: what tells two bundles with one
    /// sequence number apart (SPEC.md §12.4, §12.5).
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// When the bundle was issued.
    pub fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }

    /// When the bundle stops being current (see [`StalePolicy`](crate::StalePolicy)).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// The kid of the root key that signed the bundle.
    pub fn signed_by(&self) -> Kid {
        self.signed_by
    }

    /// The issuer keys, in kid order.
    pub fn keys(&self) -> impl Iterator<Item = &TrustedKey> {
        self.keys.iter()
    }

    /// How many credentials are revoked.
    pub fn revoked_count(&self) -> usize {
        self.revoked.len()
    }

    /// The revoked credential ids, ascending.
    pub fn revoked(&self) -> impl Iterator<Item = RevocationId> + '_ {
        self.revoked.iter()
    }

    /// Whether the credential with this id is revoked.
    pub fn is_revoked(&self, id: RevocationId) -> bool {
        self.revoked.contains(id)
    }

    /// The root keys announced for signing later bundles.
    pub fn next_roots(&self) -> &[PublicKey] {
        &self.next_roots
    }

    /// The label of a code in a language (`"zh"`, `"en"`, `"zh-CN"`, ...):
    /// the bundle's own, else the built-in one, else `None`.
    pub fn label(&self, code: &str, lang: &str) -> Option<&str> {
        let primary = primary_language(lang);
        [lang, primary]
            .iter()
            .find_map(|l| self.labels.get(*l).and_then(|t| t.get(code)))
            .map(String::as_str)
            .or_else(|| default_label(code, lang))
    }

    /// The bundle's label tables: language → code → text.
    pub fn labels(&self) -> &BTreeMap<String, BTreeMap<String, String>> {
        &self.labels
    }

    /// Heap bytes the bundle holds for its revocation list (the part that
    /// grows with a city's revocations).
    pub fn revocation_heap_bytes(&self) -> usize {
        self.revoked.heap_bytes()
    }

    /// The contents as a draft for the next bundle, for the authority to
    /// edit and sign again (with new dates): it takes the next sequence
    /// number itself, so two different bundles never share one (SPEC.md
    /// §12.4). At `u64::MAX` the number stays, and a changed bundle under it
    /// is refused by scanners that hold the old one.
    pub fn to_draft(&self) -> BundleDraft {
        BundleDraft {
            sequence: self.sequence.saturating_add(1),
            issued_at: self.issued_at,
            expires_at: self.expires_at,
            keys: self.keys.iter().cloned().collect(),
            revoked: self.revoked().collect(),
            labels: self.labels.clone(),
            next_roots: self.next_roots.clone(),
            rules: self.rules.clone(),
            dscs: self.dscs.clone(),
        }
    }
}

impl KeyResolver for TrustBundle {
    fn keys_for(&self, kid: Kid) -> Cow<'_, [TrustedKey]> {
        self.keys.keys_for(kid)
    }

    fn is_revoked(&self, id: RevocationId) -> bool {
        self.revoked.contains(id)
    }

    fn revokes_credentials(&self) -> bool {
        self.revoked.len() > 0
    }

    fn trust_validity(&self) -> Option<TrustValidity> {
        Some(TrustValidity {
            issued_at: self.issued_at,
            expires_at: self.expires_at,
        })
    }

    #[cfg(feature = "hcert")]
    fn dscs_for(&self, kid: Kid) -> Cow<'_, [crate::hcert::Dsc]> {
        self.keys.dscs_for(kid)
    }
}

/// The contents of a trust bundle before it is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleDraft {
    /// Must be at least the sequence of every bundle a scanner may hold;
    /// scanners refuse lower ones.
    pub sequence: u64,
    /// When the bundle is issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops being current (after `issued_at`).
    pub expires_at: DateTime<Utc>,
    /// The issuer keys (one entry per kid).
    pub keys: Vec<TrustedKey>,
    /// The revoked credentials.
    pub revoked: BTreeSet<RevocationId>,
    /// Label tables: language → code → text.
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Root keys announced to sign later bundles (root rotation).
    pub next_roots: Vec<PublicKey>,
    /// Entry rules for the scanners, if the authority sets them (SPEC.md §13).
    pub rules: Option<RuleSet>,
    /// Document Signer Certificates for `HC1:` codes (one per kid).
    pub dscs: Vec<BundleDsc>,
}

impl BundleDraft {
    /// An empty draft valid from `issued_at` for `validity`, with the
    /// built-in English (`en`) and Chinese (`zh`) labels for every code.
    pub fn new(sequence: u64, issued_at: DateTime<Utc>, validity: TimeDelta) -> BundleDraft {
        let mut labels = BTreeMap::new();
        for (lang, pick) in [("en", 1), ("zh", 2)] {
            let table = DEFAULT_LABELS
                .iter()
                .map(|(code, en, zh)| (String::from(*code), String::from(if pick == 1 { *en } else { *zh })))
                .collect();
            labels.insert(String::from(lang), table);
        }
        BundleDraft {
            sequence,
            issued_at,
            expires_at: issued_at + validity,
            keys: Vec::new(),
            revoked: BTreeSet::new(),
            labels,
            next_roots: Vec::new(),
            rules: None,
            dscs: Vec::new(),
        }
    }

    /// Adds an issuer key; a key already in the draft is replaced.
    pub fn add_key(&mut self, key: TrustedKey) -> &mut Self {
        self.keys.retain(|k| k.kid() != key.kid());
        self.keys.push(key);
        self
    }

    /// The key with this kid.
    pub fn key_mut(&mut self, kid: Kid) -> Result<&mut TrustedKey> {
        self.keys
            .iter_mut()
            .find(|k| k.kid() == kid)
            .ok_or_else(|| KeyError::UnknownKid { kid: kid.to_string() }.into())
    }

    /// Retires a key at `at` (normal rotation: what it signed before still verifies).
    pub fn retire_key(&mut self, kid: Kid, at: DateTime<Utc>) -> Result<&mut Self> {
        self.key_mut(kid)?.state = KeyState::Retired { at };
        Ok(self)
    }

    /// Revokes a key for codes issued at or after `since`, or for all codes.
    pub fn revoke_key(&mut self, kid: Kid, since: Option<DateTime<Utc>>) -> Result<&mut Self> {
        self.key_mut(kid)?.state = KeyState::Revoked { since };
        Ok(self)
    }

    /// Revokes a credential by id.
    pub fn revoke(&mut self, id: RevocationId) -> &mut Self {
        self.revoked.insert(id);
        self
    }

    /// Revokes the credential a code text carries: by its `cti` when it has
    /// one, else by its signature; an `HC1:` code by its UVCI hash (every
    /// code with that UVCI). The code must verify under a key (or DSC) of
    /// this draft (its time window is not checked: expired codes can be revoked).
    pub fn revoke_code(&mut self, text: &str, limits: &Limits) -> Result<RevocationId> {
        #[cfg(feature = "hcert")]
        if crate::hcert::is_hcert(text) {
            let mut dscs = TrustStore::new();
            for entry in &self.dscs {
                dscs.add_dsc(crate::hcert::Dsc::from_der(&entry.der)?);
            }
            let id = crate::hcert::open(text, &dscs, limits)?.revocation_ids()[0];
            self.revoked.insert(id);
            return Ok(id);
        }
        let code = UnverifiedCode::parse(text, limits)?;
        let keys = self.keys.iter().cloned().fold(TrustStore::new(), TrustStore::with);
        let opened = crate::verifier::open(code, &keys, limits)?;
        let id = match opened.cti {
            Some(cti) => RevocationId::for_cti(&opened.key.issuer, &cti),
            None => RevocationId::for_signature(&opened.signature),
        };
        self.revoked.insert(id);
        Ok(id)
    }

    /// Adds a Document Signer Certificate, active (replacing one with the
    /// same kid).
    #[cfg(feature = "hcert")]
    pub fn add_dsc(&mut self, dsc: &crate::hcert::Dsc) -> &mut Self {
        self.dscs.retain(|d| d.kid() != dsc.kid());
        self.dscs.push(BundleDsc {
            der: dsc.der().to_vec(),
            state: KeyState::Active,
        });
        self
    }

    /// Sets the state of the Document Signer Certificate with this kid
    /// (`key.unknown_kid` when the draft has none).
    pub fn set_dsc_state(&mut self, kid: Kid, state: KeyState) -> Result<&mut Self> {
        let entry = self
            .dscs
            .iter_mut()
            .find(|d| d.kid() == kid)
            .ok_or_else(|| Error::from(KeyError::UnknownKid { kid: kid.to_string() }))?;
        entry.state = state;
        Ok(self)
    }

    fn contents(&self) -> Result<Contents> {
        Ok(Contents {
            dscs: self.dscs.clone(),
            #[cfg(feature = "hcert")]
            parsed_dscs: Vec::new(),
            sequence: self.sequence,
            issued_at: self.issued_at,
            expires_at: self.expires_at,
            keys: self.keys.clone(),
            revoked: RevocationList::from_ids(self.revoked.iter().copied())
                .ok_or(TrustError::TooLarge { max: u32::MAX as usize })?,
            labels: self.labels.clone(),
            next_roots: self.next_roots.clone(),
            rules: self.rules.clone(),
        })
    }

    /// The unsigned CBOR payload (SPEC.md §12.2).
    pub fn to_payload(&self) -> Result<Vec<u8>> {
        let payload = wire::encode(&self.contents()?)?;
        // Whatever signs must load: the reader's checks run on the result.
        wire::decode(&payload, &Limits::DEFAULT.with_max_bundle_len(usize::MAX))?;
        Ok(payload)
    }

    /// Signs the draft with a root key: the bundle file's bytes.
    pub fn sign(&self, root: &IssuerKey) -> Result<Vec<u8>> {
        cose::sign(self.to_payload()?, root, cose::Document::Bundle)
    }
}

/// Fuzzing hook: the bundle payload decoder's round trip.
#[cfg(fuzzing)]
pub(crate) fn payload_round_trip(bytes: &[u8]) -> Option<Vec<u8>> {
    let limits = Limits::DEFAULT;
    let contents = wire::decode(bytes, &limits).ok()?;
    let again = wire::encode(&contents).expect("decoded bundle encodes");
    let back = wire::decode(&again, &limits).expect("encoded bundle decodes");
    assert_eq!(back, contents, "bundle changed in a round trip");
    assert_eq!(
        wire::encode(&back).expect("encodes"),
        again,
        "encoding is not deterministic"
    );
    Some(again)
}
