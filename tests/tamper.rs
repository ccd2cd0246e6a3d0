//! Tamper-proofing over the published valid vectors, exhaustively: every
//! single-bit flip of the COSE bytes, and every change of one character of
//! the text (after the prefix) to each of the 44 other Base45 characters,
//! must be refused.
//!
//! The one kind of change that may verify is a change of a zlib payload
//! that inflates to the very same COSE bytes (deflate ignores the padding
//! bits after a stored block's header and after the last block): the signed
//! content is then unchanged. It is counted, and allowed only for zlib.
//!
//! A code's text is therefore not unique, and what tells codes apart after
//! verification is the revocation id (SPEC.md §3, §12.3): every text of one
//! signed COSE_Sign1 must verify to the same id.
//!
//! `cargo test` runs a representative subset of the valid vectors; the
//! full set runs with `cargo test --release --test tamper -- --ignored`.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use qrcred::{Limits, RevocationId, layers};
use support::{Case, bytes, load};

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// One valid vector per kind, the non-default encodings and both zlib forms.
const SUBSET: &[&str] = &[
    "health_status_green",
    "vaccination_dose_1_of_2",
    "test_result_pcr_negative",
    "recovery_covid19",
    "access_pass_resident",
    "claims_with_iss",
    "claims_with_nbf",
    "cose_alg_ed25519",
    "cbor_claims_keys_unsorted",
    "zlib_compressed_payload",
    "zlib_payload_not_shorter",
];

/// What tampering with one vector gave.
#[derive(Debug, Default)]
struct Tally {
    /// Variants tried.
    tried: usize,
    /// Variants that verified although the signed content changed.
    accepted: Vec<String>,
    /// Zlib variants that verified because they inflate to the same COSE bytes.
    same_content: Vec<String>,
}

fn tamper(name: &str, case: &Case) -> Tally {
    let verifier = case.verifier();
    let now = case.now();
    let cose = bytes(case.cose_hex.as_deref().expect("a valid vector has cose_hex"));
    let text = case.text.as_deref().expect("a valid vector has a text");
    assert!(
        verifier.verify(text, now).is_ok(),
        "{name}: the vector itself must verify"
    );
    let mut tally = Tally::default();
    for bit in 0..cose.len() * 8 {
        let mut flipped = cose.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        tally.tried += 1;
        if verifier.verify_bytes(&flipped, now).is_ok() {
            tally.accepted.push(format!("{name}: COSE bit {bit}"));
        }
    }
    let mut changed = text.as_bytes().to_vec();
    for at in qrcred::PREFIX.len()..changed.len() {
        let original = changed[at];
        for &c in ALPHABET.iter().filter(|&&c| c != original) {
            changed[at] = c;
            let variant = std::str::from_utf8(&changed).expect("ASCII");
            tally.tried += 1;
            if verifier.verify(variant, now).is_ok() {
                let change = format!("{name}: character {at} -> {:?}", c as char);
                if inflates_to(variant, &cose) {
                    tally.same_content.push(change);
                } else {
                    tally.accepted.push(change);
                }
            }
        }
        changed[at] = original;
    }
    tally
}

/// Whether a text's payload is zlib that inflates to exactly `cose`.
fn inflates_to(text: &str, cose: &[u8]) -> bool {
    let payload = layers::strip_prefix(text)
        .and_then(layers::base45_decode)
        .expect("verified text decodes");
    payload.first() == Some(&0x78) && layers::decompress(payload, &Limits::DEFAULT).ok().as_deref() == Some(cose)
}

/// Tampers with the chosen vectors on every core and checks the outcome.
fn run(select: impl Fn(&str) -> bool) {
    let cases: Vec<(String, Case)> = load("valid").into_iter().filter(|(n, _)| select(n)).collect();
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    while let Some((name, case)) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                        mine.push(tamper(name, case));
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker")).collect()
    });
    let tried: usize = tallies.iter().map(|t| t.tried).sum();
    let same: Vec<&String> = tallies.iter().flat_map(|t| &t.same_content).collect();
    let accepted: Vec<&String> = tallies.iter().flat_map(|t| &t.accepted).collect();
    eprintln!(
        "{} vectors, {tried} tampered variants; {} zlib variants inflate to the same COSE bytes: {same:?}",
        cases.len(),
        same.len()
    );
    assert!(accepted.is_empty(), "accepted after tampering:\n{accepted:#?}");
}

#[test]
fn every_bit_flip_and_character_change_is_refused_on_a_subset() {
    let valid: Vec<String> = load("valid").into_iter().map(|(n, _)| n).collect();
    for name in SUBSET {
        assert!(valid.iter().any(|v| v == name), "{name} is not a valid vector");
    }
    run(|name| SUBSET.contains(&name));
}

#[test]
#[ignore = "exhaustive over every valid vector; run with --release --ignored"]
fn every_bit_flip_and_character_change_is_refused_on_every_valid_vector() {
    run(|_| true);
}

/// `cose` as a zlib stream of one stored deflate block (RFC 1950; RFC 1951
/// §3.2.4): header `78 01`, the block header byte `01` (final, stored) whose
/// five high bits are padding, LEN, NLEN, the bytes, Adler-32.
fn zlib_stored(cose: &[u8], padding: u8) -> Vec<u8> {
    let len = u16::try_from(cose.len()).expect("a code's COSE bytes fit one stored block");
    let mut zlib = vec![0x78, 0x01, 0x01 | (padding << 3)];
    zlib.extend(len.to_le_bytes());
    zlib.extend((!len).to_le_bytes());
    zlib.extend(cose);
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in cose {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend(((b << 16) | a).to_be_bytes());
    zlib
}

fn text_of(payload: &[u8]) -> String {
    format!("{}{}", qrcred::PREFIX, layers::base45_encode(payload))
}

/// The vector's own text; its COSE bytes stored; the same in a stored zlib
/// block with each padding pattern; and, for a zlib vector, every one-bit
/// change of its deflate data that inflates to the same COSE bytes: all
/// verify, all to the one revocation id of the signed code (its `cti` id,
/// else its signature id).
#[test]
fn every_text_of_one_signed_code_has_its_revocation_id() {
    let mut deflate_variants = 0;
    for (name, case) in load("valid").into_iter().filter(|(n, _)| SUBSET.contains(&n.as_str())) {
        let verifier = case.verifier();
        let now = case.now();
        let cose = bytes(case.cose_hex.as_deref().expect("a valid vector has cose_hex"));
        let text = case.text.clone().expect("a valid vector has a text");
        // The vector's own text is one of the first two when it is stored.
        let mut texts = std::collections::BTreeSet::from([text.clone(), text_of(&cose)]);
        texts.extend((0..32).map(|padding| text_of(&zlib_stored(&cose, padding))));
        let payload = layers::base45_decode(layers::strip_prefix(&text).expect("prefix")).expect("base45");
        if payload[0] == 0x78 {
            for bit in 16..(payload.len() - 4) * 8 {
                let mut flipped = payload.clone();
                flipped[bit / 8] ^= 1 << (bit % 8);
                if layers::decompress(flipped.clone(), &Limits::DEFAULT).ok().as_deref() == Some(&cose[..]) {
                    deflate_variants += 1;
                    texts.insert(text_of(&flipped));
                }
            }
        }
        let first = verifier.verify(&text, now).expect("the vector verifies");
        let signature: [u8; 64] = cose[cose.len() - 64..].try_into().expect("64 bytes");
        let expected = match first.cti() {
            Some(cti) => RevocationId::for_cti(first.issuer(), &cti),
            None => RevocationId::for_signature(&signature),
        };
        assert_eq!(first.revocation_id(), expected, "{name}");
        assert!(texts.len() >= 33, "{name}: {} texts", texts.len());
        for variant in &texts {
            let verified = verifier
                .verify(variant, now)
                .unwrap_or_else(|e| panic!("{name}: {variant} is refused: {}", e.code()));
            assert_eq!(verified.revocation_id(), expected, "{name}: {variant}");
        }
    }
    eprintln!("{deflate_variants} one-bit changes of the zlib vectors' deflate data inflate to the same COSE bytes");
    assert!(deflate_variants > 0, "the zlib vectors have padding bits to flip");
}
