//! The revoked-credential list: sorted 8-byte ids with a bucket index, so
//! a lookup is one index read and a binary search over a handful of ids.

use alloc::vec::Vec;

use crate::trust::RevocationId;

/// Most index bits: 65 536 buckets (256 KiB of index) for a million ids.
const MAX_BITS: u32 = 16;

/// Sorted, distinct revocation ids and an index by their top bits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct RevocationList {
    /// The ids as big-endian integers, strictly ascending.
    ids: Vec<u64>,
    /// `index[b]` is the position of the first id whose top `bits` bits are
    /// at least `b`; `index[buckets]` is `ids.len()`.
    index: Vec<u32>,
    bits: u32,
}

impl RevocationList {
    /// Reads the wire form: concatenated 8-byte ids in strictly ascending
    /// order. `None` when the length is not a multiple of 8, the ids are
    /// not strictly ascending, or there are more than `u32::MAX`.
    pub fn from_wire(bytes: &[u8]) -> Option<RevocationList> {
        if !bytes.len().is_multiple_of(8) {
            return None;
        }
        let mut ids = Vec::with_capacity(bytes.len() / 8);
        for chunk in bytes.chunks_exact(8) {
            let mut id = [0u8; 8];
            id.copy_from_slice(chunk);
            let id = u64::from_be_bytes(id);
            if ids.last().is_some_and(|last| *last >= id) {
                return None;
            }
            ids.push(id);
        }
        RevocationList::indexed(ids)
    }

    /// A list from ids in any order, duplicates dropped.
    pub fn from_ids(ids: impl IntoIterator<Item = RevocationId>) -> Option<RevocationList> {
        let mut ids: Vec<u64> = ids.into_iter().map(|id| u64::from_be_bytes(id.0)).collect();
        ids.sort_unstable();
        ids.dedup();
        RevocationList::indexed(ids)
    }

    fn indexed(ids: Vec<u64>) -> Option<RevocationList> {
        let n = u32::try_from(ids.len()).ok()?;
        // About one id per bucket, at most 2^16 buckets.
        let bits = if n < 2 { 0 } else { n.ilog2().min(MAX_BITS) };
        let buckets = 1usize << bits;
        let mut index = Vec::with_capacity(buckets + 1);
        let mut at = 0usize;
        for bucket in 0..buckets {
            while at < ids.len() && bucket_of(ids[at], bits) < bucket {
                at += 1;
            }
            index.push(u32::try_from(at).ok()?);
        }
        index.push(n);
        Some(RevocationList { ids, index, bits })
    }

    /// Whether `id` is listed.
    pub fn contains(&self, id: RevocationId) -> bool {
        let id = u64::from_be_bytes(id.0);
        let bucket = bucket_of(id, self.bits);
        let (Some(&start), Some(&end)) = (self.index.get(bucket), self.index.get(bucket + 1)) else {
            return false;
        };
        self.ids
            .get(start as usize..end as usize)
            .is_some_and(|slice| slice.binary_search(&id).is_ok())
    }

    /// How many ids are listed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = RevocationId> + '_ {
        self.ids.iter().map(|id| RevocationId(id.to_be_bytes()))
    }

    /// The wire form.
    pub fn to_wire(&self) -> Vec<u8> {
        self.ids.iter().flat_map(|id| id.to_be_bytes()).collect()
    }

    /// Heap bytes held (ids and index).
    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 8 + self.index.capacity() * 4
    }
}

/// The bucket of an id: its top `bits` bits.
fn bucket_of(id: u64, bits: u32) -> usize {
    if bits == 0 {
        0
    } else {
        // At most 16 bits: fits in usize on every target.
        (id >> (64 - bits)) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> RevocationId {
        RevocationId(n.to_be_bytes())
    }

    #[test]
    fn lookups_agree_with_a_linear_search() {
        for n in [0u64, 1, 2, 3, 7, 100, 5000] {
            // Spread over the whole range and clustered at both ends.
            let mut ids: Vec<RevocationId> = (0..n).map(|i| id(i.wrapping_mul(0x9E37_79B9_7F4A_7C15))).collect();
            ids.push(id(0));
            ids.push(id(u64::MAX));
            let list = RevocationList::from_ids(ids.iter().copied()).expect("list");
            let back = RevocationList::from_wire(&list.to_wire()).expect("wire");
            assert_eq!(back, list);
            for probe in ids.iter().copied() {
                assert!(list.contains(probe));
            }
            for k in 0..200u64 {
                let probe = id(k.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 1);
                assert_eq!(list.contains(probe), ids.contains(&probe), "{probe}");
            }
        }
    }

    #[test]
    fn wire_form_must_be_strictly_ascending_whole_ids() {
        assert!(RevocationList::from_wire(&[0; 7]).is_none());
        let mut two = [0u8; 16];
        two[7] = 2;
        two[15] = 1;
        assert!(RevocationList::from_wire(&two).is_none(), "descending");
        two[15] = 2;
        assert!(RevocationList::from_wire(&two).is_none(), "duplicate");
        two[15] = 3;
        assert_eq!(RevocationList::from_wire(&two).map(|l| l.len()), Some(2));
        assert_eq!(RevocationList::from_wire(&[]).map(|l| l.len()), Some(0));
    }
}
