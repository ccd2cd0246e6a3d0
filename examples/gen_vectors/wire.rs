//! Byte-level building blocks: a CBOR writer that keeps entries in the
//! order given (so hostile and non-deterministic encodings can be written),
//! COSE_Sign1 assembly with a correct signature, and the standard claims.

use qrcred::IssuerKey;

/// A CBOR item, written exactly as built: no sorting, shortest heads.
#[derive(Debug, Clone)]
pub enum Cbor {
    /// Major type 0.
    Uint(u64),
    /// Major type 1: the value `-1 - n`.
    Neg(u64),
    /// Major type 2.
    Bytes(Vec<u8>),
    /// Major type 3.
    Text(String),
    /// Major type 4.
    Array(Vec<Cbor>),
    /// Major type 5, entries in the order given.
    Map(Vec<(Cbor, Cbor)>),
    /// Major type 6.
    Tag(u64, Box<Cbor>),
    /// Bytes written as they are (hostile encodings).
    Raw(Vec<u8>),
}

impl Cbor {
    /// An integer of either sign.
    pub fn int(i: i64) -> Cbor {
        match u64::try_from(i) {
            Ok(u) => Cbor::Uint(u),
            Err(_) => Cbor::Neg(i.unsigned_abs() - 1),
        }
    }

    /// A text string.
    pub fn text(s: &str) -> Cbor {
        Cbor::Text(s.to_owned())
    }

    /// A map with integer keys, in the order given.
    pub fn map(entries: Vec<(i64, Cbor)>) -> Cbor {
        Cbor::Map(entries.into_iter().map(|(k, v)| (Cbor::int(k), v)).collect())
    }

    /// The encoding.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Cbor::Uint(n) => head(out, 0, *n),
            Cbor::Neg(n) => head(out, 1, *n),
            Cbor::Bytes(b) => {
                head(out, 2, b.len() as u64);
                out.extend_from_slice(b);
            }
            Cbor::Text(t) => {
                head(out, 3, t.len() as u64);
                out.extend_from_slice(t.as_bytes());
            }
            Cbor::Array(items) => {
                head(out, 4, items.len() as u64);
                items.iter().for_each(|i| i.write(out));
            }
            Cbor::Map(entries) => {
                head(out, 5, entries.len() as u64);
                for (k, v) in entries {
                    k.write(out);
                    v.write(out);
                }
            }
            Cbor::Tag(tag, inner) => {
                head(out, 6, *tag);
                inner.write(out);
            }
            Cbor::Raw(bytes) => out.extend_from_slice(bytes),
        }
    }
}

/// A shortest-form initial byte and argument.
fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

/// A byte string: shortest header and the bytes.
pub fn bstr(bytes: &[u8]) -> Vec<u8> {
    Cbor::Bytes(bytes.to_vec()).encode()
}

/// The standard protected header `{1: -8, 4: kid}` of `key`.
pub fn protected(key: &IssuerKey) -> Vec<u8> {
    protected_with_alg(key, -8)
}

/// A protected header `{1: alg, 4: kid}`.
pub fn protected_with_alg(key: &IssuerKey, alg: i64) -> Vec<u8> {
    Cbor::map(vec![(1, Cbor::int(alg)), (4, Cbor::Bytes(key.kid().0.to_vec()))]).encode()
}

/// The external_aad of a code's Sig_structure (SPEC.md §4.4).
pub const CODE_AAD: &[u8] = b"qrcred code v1";
/// The external_aad of a trust bundle's Sig_structure (SPEC.md §4.4).
pub const BUNDLE_AAD: &[u8] = b"qrcred bundle v1";

/// A code's Sig_structure `["Signature1", protected, "qrcred code v1", payload]`.
pub fn to_be_signed(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    to_be_signed_with_aad(protected, CODE_AAD, payload)
}

/// The Sig_structure `["Signature1", protected, external_aad, payload]`.
pub fn to_be_signed_with_aad(protected: &[u8], external_aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut tbs = vec![0x84, 0x6a];
    tbs.extend_from_slice(b"Signature1");
    tbs.extend(bstr(protected));
    tbs.extend(bstr(external_aad));
    tbs.extend(bstr(payload));
    tbs
}

/// A tagged COSE_Sign1 with these exact element encodings.
pub fn assemble(protected: &[u8], unprotected: &[u8], payload: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut out = vec![0xd2, 0x84];
    out.extend(bstr(protected));
    out.extend_from_slice(unprotected);
    out.extend(bstr(payload));
    out.extend(bstr(signature));
    out
}

/// A tagged COSE_Sign1 over `payload`, correctly signed by `key`.
pub fn sign1(key: &IssuerKey, protected: &[u8], unprotected: &[u8], payload: &[u8]) -> Vec<u8> {
    let signature = key.sign(&to_be_signed(protected, payload));
    assemble(protected, unprotected, payload, &signature)
}

/// The standard structure: `{1: -8, 4: kid}`, empty unprotected header.
pub fn sign1_standard(key: &IssuerKey, claims: &[u8]) -> Vec<u8> {
    sign1(key, &protected(key), &[0xa0], claims)
}

/// The claims bstr of an uncompressed COSE_Sign1 in the layout a writer
/// emits (SPEC.md §4.1): the payload header starts at byte 17.
pub fn claims_of(cose: &[u8]) -> Option<Vec<u8>> {
    let (start, len) = match cose.get(17..20)? {
        [0x58, n, _] => (19, usize::from(*n)),
        [0x59, a, b] => (20, usize::from(u16::from_be_bytes([*a, *b]))),
        _ => return None,
    };
    cose.get(start..start + len).map(<[u8]>::to_vec)
}

/// The subject of the sample credentials: 王 小明 (WANG XIAOMING), born
/// 1990-03-15 (day 7378).
pub fn subject() -> Vec<(i64, Cbor)> {
    vec![
        (1, Cbor::text("王")),
        (2, Cbor::text("小明")),
        (3, Cbor::text("WANG")),
        (4, Cbor::text("XIAOMING")),
        (5, Cbor::Uint(7378)),
    ]
}

/// A green health status `{1: 0}`.
pub fn green() -> Cbor {
    Cbor::map(vec![(1, Cbor::Uint(0))])
}

/// The body `{1: subject, 2: status}` with these subject entries.
pub fn status_body(subject: Vec<(i64, Cbor)>, status: Cbor) -> Cbor {
    Cbor::map(vec![(1, Cbor::map(subject)), (2, status)])
}

/// The claims `{4: exp, 6: iat, -65537: body}` of a green health status.
pub fn status_claims(iat: u32, exp: u32) -> Vec<(i64, Cbor)> {
    vec![
        (4, Cbor::Uint(exp.into())),
        (6, Cbor::Uint(iat.into())),
        (qrcred::CREDENTIAL_CLAIM_KEY, status_body(subject(), green())),
    ]
}

/// Replaces the value of `key` in `entries` (appends it when absent).
pub fn set(mut entries: Vec<(i64, Cbor)>, key: i64, value: Cbor) -> Vec<(i64, Cbor)> {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
    entries
}

/// Removes `key` from `entries`.
pub fn unset(mut entries: Vec<(i64, Cbor)>, key: i64) -> Vec<(i64, Cbor)> {
    entries.retain(|(k, _)| *k != key);
    entries
}
