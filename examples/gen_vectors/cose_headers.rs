//! Refusals of the protected and unprotected headers (SPEC.md §4.3;
//! step 6 of §8.2), each in a correctly signed structure.

use super::case::{Case, Result};
use super::cose::carrying;
use super::fixture::Fixture;
use super::wire::{self, Cbor};

/// Every case of this module.
pub fn cases(fx: &Fixture, claims: &[u8]) -> Result<Vec<Case>> {
    let h = Headers { fx, claims };
    Ok([h.alg()?, h.kid()?, h.others()?].concat())
}

/// Builds cases whose headers vary around the sample claims.
struct Headers<'a> {
    fx: &'a Fixture,
    claims: &'a [u8],
}

/// A header map with integer labels.
fn map(entries: Vec<(i64, Cbor)>) -> Cbor {
    Cbor::map(entries)
}

fn alg() -> Cbor {
    Cbor::int(-8)
}

fn empty() -> Cbor {
    Cbor::Map(vec![])
}

impl Headers<'_> {
    /// A case with this protected header (the bstr's content) and
    /// unprotected header, correctly signed by key A.
    fn case(
        &self,
        name: &str,
        description: &str,
        protected: Cbor,
        unprotected: Cbor,
        code: &'static str,
    ) -> Result<Case> {
        let cose = wire::sign1(&self.fx.a.key, &protected.encode(), &unprotected.encode(), self.claims);
        carrying(self.fx, name, description, self.claims, cose, code)
    }

    /// Key A's kid as a header value.
    fn kid_value(&self) -> Cbor {
        Cbor::Bytes(self.fx.a.key.kid().0.to_vec())
    }

    fn alg(&self) -> Result<Vec<Case>> {
        let kid = || self.kid_value();
        let min_i65 = Cbor::Raw(vec![0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        Ok(vec![
            self.case(
                "cose_missing_alg",
                "protected header {4: kid}",
                map(vec![(4, kid())]),
                empty(),
                "cose.missing_alg",
            )?,
            self.case(
                "cose_missing_alg_empty_map",
                "protected header {} (the bstr holds a0)",
                map(vec![]),
                empty(),
                "cose.missing_alg",
            )?,
            self.case(
                "cose_missing_alg_empty_bstr",
                "protected header of zero bytes",
                Cbor::Raw(vec![]),
                empty(),
                "cose.missing_alg",
            )?,
            self.case(
                "cose_unsupported_alg_es256",
                "alg -7 (ES256)",
                map(vec![(1, Cbor::int(-7)), (4, kid())]),
                empty(),
                "cose.unsupported_alg",
            )?,
            self.case(
                "cose_unsupported_alg_name",
                "alg as the text \"EdDSA\"",
                map(vec![(1, Cbor::text("EdDSA")), (4, kid())]),
                empty(),
                "cose.unsupported_alg_name",
            )?,
            self.case(
                "cose_malformed_alg_out_of_range",
                "alg -2^64 (3b ffffffffffffffff), outside the signed 64-bit range",
                map(vec![(1, min_i65), (4, kid())]),
                empty(),
                "cose.malformed",
            )?,
            self.case(
                "cose_malformed_alg_as_bytes",
                "alg as a byte string",
                map(vec![(1, Cbor::Bytes(vec![0x27])), (4, kid())]),
                empty(),
                "cose.malformed",
            )?,
        ])
    }

    fn kid(&self) -> Result<Vec<Case>> {
        let kid = || self.kid_value();
        let full_hash = sha256(&self.fx.a.key.public_key().to_bytes());
        Ok(vec![
            self.case(
                "cose_malformed_kid_as_int",
                "kid as an integer",
                map(vec![(1, alg()), (4, Cbor::Uint(7))]),
                empty(),
                "cose.malformed",
            )?,
            self.case(
                "cose_malformed_protected_not_a_map",
                "the protected bstr holds an array [1, -8]",
                Cbor::Array(vec![Cbor::Uint(1), alg()]),
                empty(),
                "cose.malformed",
            )?,
            self.case(
                "cose_missing_kid",
                "protected header {1: -8}",
                map(vec![(1, alg())]),
                empty(),
                "cose.missing_kid",
            )?,
            self.case(
                "cose_missing_kid_in_unprotected",
                "alg protected, kid only in the unprotected header: the protected header is judged first",
                map(vec![(1, alg())]),
                map(vec![(4, kid())]),
                "cose.missing_kid",
            )?,
            self.case(
                "cose_invalid_kid_32_bytes",
                "a kid of the full 32-byte SHA-256 instead of its first 8 bytes",
                map(vec![(1, alg()), (4, Cbor::Bytes(full_hash))]),
                empty(),
                "cose.invalid_kid",
            )?,
            self.case(
                "cose_invalid_kid_empty",
                "an empty kid",
                map(vec![(1, alg()), (4, Cbor::Bytes(vec![]))]),
                empty(),
                "cose.invalid_kid",
            )?,
        ])
    }

    fn others(&self) -> Result<Vec<Case>> {
        let kid = || self.kid_value();
        let standard = || map(vec![(1, alg()), (4, kid())]);
        let labels = |extra: (Cbor, Cbor)| Cbor::Map(vec![(Cbor::Uint(1), alg()), (Cbor::Uint(4), kid()), extra]);
        let twice = Cbor::Map(vec![
            (Cbor::Uint(1), alg()),
            (Cbor::Uint(1), alg()),
            (Cbor::Uint(4), kid()),
        ]);
        let crit = Cbor::Array(vec![Cbor::Uint(4)]);
        Ok(vec![
            self.case(
                "cose_alg_in_unprotected",
                "a correct protected header, and alg repeated in the unprotected header",
                standard(),
                map(vec![(1, alg())]),
                "cose.unprotected_header",
            )?,
            self.case(
                "cose_kid_in_unprotected",
                "a correct protected header, and kid repeated in the unprotected header",
                standard(),
                map(vec![(4, kid())]),
                "cose.unprotected_header",
            )?,
            self.case(
                "cose_unsupported_header_content_type",
                "protected header with content type (3: 0) besides alg and kid",
                map(vec![(1, alg()), (3, Cbor::Uint(0)), (4, kid())]),
                empty(),
                "cose.unsupported_header",
            )?,
            self.case(
                "cose_unsupported_header_crit",
                "protected header with crit (2: [4])",
                map(vec![(1, alg()), (2, crit), (4, kid())]),
                empty(),
                "cose.unsupported_header",
            )?,
            self.case(
                "cose_unsupported_header_text_label",
                "protected header with the text label \"kid\"",
                labels((Cbor::text("kid"), kid())),
                empty(),
                "cose.unsupported_header",
            )?,
            self.case(
                "cbor_protected_non_shortest",
                "protected header alg -8 written as 38 07 (non-shortest)",
                map(vec![(1, Cbor::Raw(vec![0x38, 0x07])), (4, kid())]),
                empty(),
                "cbor.non_shortest",
            )?,
            self.case(
                "cbor_protected_duplicate_alg",
                "protected header with alg twice",
                twice,
                empty(),
                "cbor.duplicate_key",
            )?,
        ])
    }
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}
