//! Ed25519 verification with ed25519-dalek `verify_strict`'s verdicts, one
//! signature at a time and many at once (SPEC.md §4.4, §4.5).
//!
//! One at a time: the rules of `verify_strict`, with the recomputed `R`
//! compared as a point against the decoded `R` (whose encoding was checked
//! to be canonical) instead of by compressing it, which saves a field
//! inversion.
//!
//! Many at once: keys are [`PrimeOrderKey`]s, checked once when they
//! enter trust (canonical, in the prime-order subgroup). Identical entries
//! (same key, message and signature) are checked once and share the
//! verdict. Every signature is first put through the checks that need no
//! curve equation (`S < L`, `R` canonical, decodable and not of small
//! order), so those refusals never depend on the batch. The rest are
//! checked together with one multi-scalar multiplication,
//! `Σ zᵢ·(Rᵢ − [sᵢ]B + [kᵢ]Aᵢ) = 0`, with coefficients `zᵢ = 8·hᵢ + 1` where
//! `hᵢ` is 128 bits of SHA-512 over the whole batch. When the sum is not
//! the identity the batch is split in halves until the bad signatures are
//! found, without redoing the hashing and decoding; small groups, and
//! groups where both halves fail, are checked one by one (see `settle`).

use alloc::{
    collections::{BTreeMap, btree_map},
    vec,
    vec::Vec,
};
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha512};

use crate::error::KeyError;

/// A failing group this small is checked signature by signature.
const SINGLE_AT_MOST: usize = 4;

/// A failing group this small whose halves both fail is checked signature
/// by signature (chosen with a cost model of 1 to 256 bad signatures in 64
/// and 256; see `settle`).
const DENSE_AT_MOST: usize = 128;

/// Domain separation for the batch coefficients.
const BATCH_DOMAIN: &[u8] = b"qrcred ed25519 batch v1";

/// An Ed25519 public key fit for trust: canonically encoded (`y < p`) and
/// in the prime-order subgroup (neither of small order nor with a torsion
/// component). Every key generator makes such keys; the others verify
/// signatures nobody made (small order), fail by torsion alone where a sum
/// of signatures could cancel it (mixed order), or share their point with
/// a canonical encoding and so carry a second kid (non-canonical).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct PrimeOrderKey(VerifyingKey);

impl PrimeOrderKey {
    /// Classifies a decoded key: `key.non_canonical`, `key.small_order`,
    /// `key.mixed_order`, in that order.
    pub(crate) fn new(key: VerifyingKey) -> Result<PrimeOrderKey, KeyError> {
        let point = key.to_edwards();
        if !y_is_canonical(key.as_bytes()) {
            Err(KeyError::NonCanonical)
        } else if point.is_small_order() {
            Err(KeyError::SmallOrder)
        } else if !point.is_torsion_free() {
            Err(KeyError::MixedOrder)
        } else {
            Ok(PrimeOrderKey(key))
        }
    }

    /// A key derived from a secret scalar (`[a]B`): in the prime-order
    /// subgroup and canonically encoded by construction.
    pub(crate) fn of_signing_key(key: VerifyingKey) -> PrimeOrderKey {
        PrimeOrderKey(key)
    }

    /// The key as ed25519-dalek's type.
    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }
}

/// One signature to check: under `key`, over `message`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SignatureCheck<'a> {
    /// The public key.
    pub key: &'a PrimeOrderKey,
    /// The signed message.
    pub message: &'a [u8],
    /// The 64 signature bytes (`R ‖ S`).
    pub signature: &'a [u8; 64],
}

impl core::fmt::Debug for PrimeOrderKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.fmt(f)
    }
}

/// An entry as its signature, key bytes and message: equal entries share
/// one verdict.
type Entry<'a> = (&'a [u8; 64], &'a [u8; 32], &'a [u8]);

/// A signature past the checks that need no curve equation.
struct Prepared {
    /// Index into the checks.
    item: usize,
    /// Index into the distinct keys.
    key: usize,
    r: EdwardsPoint,
    s: Scalar,
    k: Scalar,
}

/// `S < L`, `R` canonical, on the curve and not of small order; the
/// challenge `k`. `None` when `verify_strict` refuses whatever the equation
/// says (but for a key of small order, which the callers check).
fn decode(key: &VerifyingKey, message: &[u8], signature: &[u8; 64]) -> Option<(EdwardsPoint, Scalar, Scalar)> {
    let (r_bytes, s_bytes) = signature.split_at(32);
    let r_bytes: [u8; 32] = r_bytes.try_into().ok()?;
    let s_bytes: [u8; 32] = s_bytes.try_into().ok()?;
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))?;
    // verify_strict compares the canonical encoding of the recomputed R with
    // these bytes: a y of p or more never matches. (The other non-canonical
    // form, x = 0 with the sign bit set, is a point of small order.)
    if !y_is_canonical(&r_bytes) || has_small_order_y(&r_bytes) {
        return None;
    }
    let r = CompressedEdwardsY(r_bytes).decompress()?;
    let mut hash = Sha512::new();
    hash.update(r_bytes);
    hash.update(key.as_bytes());
    hash.update(message);
    let k = Scalar::from_bytes_mod_order_wide(&hash.finalize().into());
    Some((r, s, k))
}

/// Whether the 255-bit y of an encoded point is below p = 2^255 − 19.
fn y_is_canonical(bytes: &[u8; 32]) -> bool {
    // y ≥ p only when the bits above the lowest byte are all ones and the
    // lowest byte is at least 0xED (p's lowest byte).
    let high_ones = bytes[1..31].iter().all(|&b| b == 0xFF) && bytes[31] & 0x7F == 0x7F;
    !(high_ones && bytes[0] >= 0xED)
}

/// The y-coordinates (little-endian, sign bit clear) of the eight points of
/// small order: 1 (the identity), −1 (order 2), 0 (order 4, two points) and
/// ±y₈ (order 8, four points). The unit test derives them from
/// curve25519-dalek's `EIGHT_TORSION`.
const SMALL_ORDER_Y: [[u8; 32]; 5] = {
    let mut ys = [[0u8; 32]; 5];
    ys[1][0] = 1;
    ys[2] = [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
    ];
    ys[3] = [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf,
        0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
    ];
    ys[4] = [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20,
        0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
    ];
    ys
};

/// Whether a point with this canonical encoding is of small order: its y
/// is one of the five (each small-order point has one of them, whatever
/// the sign of x).
fn has_small_order_y(bytes: &[u8; 32]) -> bool {
    let mut y = *bytes;
    y[31] &= 0x7F;
    SMALL_ORDER_Y.contains(&y)
}

/// `R == [S]B − [k]A`, as points.
fn equation_holds(a: &EdwardsPoint, r: &EdwardsPoint, s: &Scalar, k: &Scalar) -> bool {
    EdwardsPoint::vartime_double_scalar_mul_basepoint(k, &-a, s) == *r
}

/// Verifies one signature with `verify_strict`'s verdict, under any key
/// ed25519-dalek decodes (the tests hold it to `verify_strict` on keys that
/// [`PrimeOrderKey`] refuses too).
pub(crate) fn verify_strict(key: &VerifyingKey, message: &[u8], signature: &[u8; 64]) -> bool {
    let Some((r, s, k)) = decode(key, message, signature) else {
        return false;
    };
    let a = key.to_edwards();
    // The key's small-order test after the equation: it cannot change a refusal.
    equation_holds(&a, &r, &s, &k) && !a.is_small_order()
}

/// Verifies many signatures; `result[i]` is `verify_strict`'s verdict on
/// `checks[i]` but in the one case SPEC.md §4.5 states: two or more
/// distinct signatures, each failing only by a small-order component of
/// `R`, whose components add up to the identity within a group the sum
/// tests (something only a signing-key holder can make).
pub(crate) fn verify_strict_batch(checks: &[SignatureCheck<'_>]) -> Vec<bool> {
    let mut verdicts = vec![false; checks.len()];
    // Identical entries share one verdict and enter the sum once: copies
    // of one signature add up their torsion, which could cancel (twice the
    // order-2 point, eight times one of order 8).
    let mut first_of: BTreeMap<Entry<'_>, usize> = BTreeMap::new();
    let mut same_as = Vec::with_capacity(checks.len());
    // Distinct keys by their bytes (k hashes the bytes as given), each
    // decoded once.
    let mut key_index: BTreeMap<&[u8; 32], usize> = BTreeMap::new();
    let mut keys: Vec<EdwardsPoint> = Vec::new();
    let mut prepared = Vec::with_capacity(checks.len());
    for (item, check) in checks.iter().enumerate() {
        let key = check.key.verifying_key();
        match first_of.entry((check.signature, key.as_bytes(), check.message)) {
            btree_map::Entry::Occupied(first) => {
                same_as.push(*first.get());
                continue;
            }
            btree_map::Entry::Vacant(slot) => {
                slot.insert(item);
                same_as.push(item);
            }
        }
        let key_at = *key_index.entry(key.as_bytes()).or_insert_with(|| {
            keys.push(key.to_edwards());
            keys.len() - 1
        });
        if let Some((r, s, k)) = decode(key, check.message, check.signature) {
            prepared.push(Prepared {
                item,
                key: key_at,
                r,
                s,
                k,
            });
        }
    }
    let z = coefficients(checks, &prepared);
    settle(&prepared, &z, &keys, &mut verdicts, false);
    // A copy comes after its first occurrence, whose verdict is set.
    for (item, first) in same_as.into_iter().enumerate() {
        verdicts[item] = verdicts[first];
    }
    verdicts
}

/// `zᵢ = 8·hᵢ + 1`, with the `hᵢ` taken from SHA-512 over every signature,
/// key and challenge in the batch: fixed before anyone could choose them,
/// and ≡ 1 mod 8 so that a torsion component of one signature can never
/// vanish from the sum on its own.
fn coefficients(checks: &[SignatureCheck<'_>], prepared: &[Prepared]) -> Vec<Scalar> {
    let mut transcript = Sha512::new();
    transcript.update(BATCH_DOMAIN);
    transcript.update((prepared.len() as u64).to_le_bytes());
    for p in prepared {
        transcript.update(checks[p.item].signature);
        transcript.update(checks[p.item].key.verifying_key().as_bytes());
        transcript.update(p.k.as_bytes());
    }
    let seed = transcript.finalize();
    let eight = Scalar::from(8u8);
    let mut z = Vec::with_capacity(prepared.len());
    for block in 0..prepared.len().div_ceil(4) {
        let mut hash = Sha512::new();
        hash.update(seed);
        hash.update((block as u64).to_le_bytes());
        let out = hash.finalize();
        for chunk in out.chunks_exact(16).take(prepared.len() - z.len()) {
            let mut h = [0u8; 16];
            h.copy_from_slice(chunk);
            z.push(Scalar::from(u128::from_le_bytes(h)) * eight + Scalar::ONE);
        }
    }
    z
}

/// Sets the verdicts of `group` (`failing`: its sum is known not to be the
/// identity): all true when its sum is the identity; else its halves are
/// tested, a half that passes is settled, and a half whose sum is known
/// not to be the identity is split again. When both halves fail (two bad
/// signatures at least) in a group of [`DENSE_AT_MOST`] or fewer, or once a
/// group is [`SINGLE_AT_MOST`] or fewer, its signatures are checked one by
/// one: all bad then cost about 1.5 times checking every one alone,
/// rather than twice.
fn settle(group: &[Prepared], z: &[Scalar], keys: &[EdwardsPoint], verdicts: &mut [bool], failing: bool) {
    let one_by_one = |verdicts: &mut [bool]| {
        for p in group {
            verdicts[p.item] = equation_holds(&keys[p.key], &p.r, &p.s, &p.k);
        }
    };
    if group.len() <= SINGLE_AT_MOST {
        return one_by_one(verdicts);
    }
    if !failing && sum_is_identity(group, z, keys) {
        return accept(group, verdicts);
    }
    let half = group.len() / 2;
    let ((left, right), (z_left, z_right)) = (group.split_at(half), z.split_at(half));
    if sum_is_identity(left, z_left, keys) {
        // The group's sum is the left one plus the right one.
        accept(left, verdicts);
        return settle(right, z_right, keys, verdicts, true);
    }
    if sum_is_identity(right, z_right, keys) {
        accept(right, verdicts);
        return settle(left, z_left, keys, verdicts, true);
    }
    if group.len() <= DENSE_AT_MOST {
        return one_by_one(verdicts);
    }
    settle(left, z_left, keys, verdicts, true);
    settle(right, z_right, keys, verdicts, true);
}

fn accept(group: &[Prepared], verdicts: &mut [bool]) {
    for p in group {
        verdicts[p.item] = true;
    }
}

/// `Σ zᵢRᵢ − (Σ zᵢsᵢ)B + Σⱼ (Σ_{i under j} zᵢkᵢ)Aⱼ` is the identity.
fn sum_is_identity(group: &[Prepared], z: &[Scalar], keys: &[EdwardsPoint]) -> bool {
    let mut b_scalar = Scalar::ZERO;
    // Σ zk per key in this group (usually one key).
    let mut per_key: BTreeMap<usize, Scalar> = BTreeMap::new();
    for (p, z) in group.iter().zip(z) {
        b_scalar -= z * p.s;
        *per_key.entry(p.key).or_insert(Scalar::ZERO) += z * p.k;
    }
    let scalars = z
        .iter()
        .copied()
        .chain(core::iter::once(b_scalar))
        .chain(per_key.values().copied());
    let points = group
        .iter()
        .map(|p| p.r)
        .chain(core::iter::once(ED25519_BASEPOINT_POINT))
        .chain(per_key.keys().map(|key| keys[*key]));
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).is_identity()
}

#[cfg(test)]
mod tests;
