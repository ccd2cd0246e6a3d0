//! The one public error type, a variant per pipeline layer.
//!
//! Every error has a stable machine code ([`Error::code`]) of the form
//! `layer.reason` that scanner apps, test vectors and other implementations
//! match on, and a message for a person (`Display`). Codes never change
//! meaning once published; new ones may be added.

use alloc::string::String;
use chrono::{DateTime, SecondsFormat, Utc};

/// An instant in an error, in seconds since 1970-01-01 UTC; shown as
/// RFC 3339 (`2026-11-26T08:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub i64);

impl core::fmt::Display for UnixTime {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match DateTime::<Utc>::from_timestamp(self.0, 0) {
            Some(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            None => write!(f, "{} seconds since 1970-01-01 UTC", self.0),
        }
    }
}

impl From<u32> for UnixTime {
    fn from(t: u32) -> Self {
        UnixTime(t.into())
    }
}

impl From<DateTime<Utc>> for UnixTime {
    fn from(t: DateTime<Utc>) -> Self {
        UnixTime(t.timestamp())
    }
}

/// Errors from issuing or verifying a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text does not start with a supported context prefix (`QC1:`).
    #[error(transparent)]
    Prefix(#[from] PrefixError),
    /// The text after the prefix is not valid Base45 (RFC 9285).
    #[error(transparent)]
    Base45(#[from] Base45Error),
    /// The payload is a zlib stream that does not inflate cleanly.
    #[error(transparent)]
    Compression(#[from] CompressionError),
    /// The bytes are not well-formed, strictly encoded CBOR.
    #[error(transparent)]
    Cbor(#[from] CborError),
    /// The CBOR is not a COSE_Sign1 structure this library accepts.
    #[error(transparent)]
    Cose(#[from] CoseError),
    /// No usable key: unknown kid, key outside its window, kind not allowed, bad key file.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The signature does not verify.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The credential is expired or not yet valid at the given time.
    #[error(transparent)]
    Time(#[from] TimeError),
    /// The signed claims are missing, malformed or not allowed.
    #[error(transparent)]
    Claims(#[from] ClaimsError),
    /// An input exceeded a configured [`Limits`](crate::Limits) bound.
    #[error(transparent)]
    Limits(#[from] LimitsError),
    /// A code text could not be drawn as a QR symbol.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// An image could not be read for scanning (feature `scan`).
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// Options given to a [`Scanner`](crate::scanner::Scanner) or to a
    /// binding could not be read.
    #[error(transparent)]
    Options(#[from] OptionsError),
    /// A trust bundle is malformed, not signed by a trusted root, rolled
    /// back, not yet valid, or stale under a failing policy.
    #[error(transparent)]
    Trust(#[from] TrustError),
    /// The credential or its signing key was revoked by the trust bundle.
    #[error(transparent)]
    Revoked(#[from] RevokedError),
    /// A rule set is malformed or out of bounds.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// An `HC1:` health certificate (EU DCC / WHO GDHCN) or its Document
    /// Signer Certificate is malformed or outside this library's reach.
    #[error(transparent)]
    Hcert(#[from] HcertError),
}

impl Error {
    /// Every code this library defines, layer by layer (for documentation,
    /// label tables in scanner apps, and test coverage).
    pub fn all_codes() -> impl Iterator<Item = &'static str> {
        [
            PrefixError::CODES,
            Base45Error::CODES,
            CompressionError::CODES,
            CborError::CODES,
            CoseError::CODES,
            KeyError::CODES,
            SignatureError::CODES,
            TimeError::CODES,
            ClaimsError::CODES,
            LimitsError::CODES,
            RenderError::CODES,
            ScanError::CODES,
            OptionsError::CODES,
            TrustError::CODES,
            RevokedError::CODES,
            RulesError::CODES,
            HcertError::CODES,
        ]
        .into_iter()
        .flatten()
        .copied()
    }

    /// The stable machine code, e.g. `"base45.invalid_char"`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Prefix(e) => e.code(),
            Error::Base45(e) => e.code(),
            Error::Compression(e) => e.code(),
            Error::Cbor(e) => e.code(),
            Error::Cose(e) => e.code(),
            Error::Key(e) => e.code(),
            Error::Signature(e) => e.code(),
            Error::Time(e) => e.code(),
            Error::Claims(e) => e.code(),
            Error::Limits(e) => e.code(),
            Error::Render(e) => e.code(),
            Error::Scan(e) => e.code(),
            Error::Options(e) => e.code(),
            Error::Trust(e) => e.code(),
            Error::Revoked(e) => e.code(),
            Error::Rules(e) => e.code(),
            Error::Hcert(e) => e.code(),
        }
    }
}

/// Declares a layer's error enum together with its stable codes.
macro_rules! layer_error {
    (
        $(#[$meta:meta])*
        $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident $( { $($field:ident : $ty:ty),* $(,)? } )? => $code:literal, $msg:literal;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[doc = $doc])*
                #[error($msg)]
                $variant $( { $(
                    #[allow(missing_docs)]
                    $field: $ty
                ),* } )?,
            )*
        }

        impl $name {
            /// The stable machine code of this error.
            pub fn code(&self) -> &'static str {
                match self {
                    $( $name::$variant { .. } => $code, )*
                }
            }

            /// Every code this layer can produce, for documentation and test coverage.
            pub const CODES: &'static [&'static str] = &[$($code),*];
        }
    };
}

layer_error! {
    /// Errors of the text prefix layer.
    PrefixError {
        /// The text has no `XXn:` context prefix at all.
        Missing => "prefix.missing", "the code has no context prefix; expected it to start with \"QC1:\"";
        /// The prefix names another format (for example `HC1:` for EU DCC).
        Unknown { found: String } => "prefix.unknown", "the code starts with {found:?}, which is not a qrcred code (expected \"QC1:\")";
        /// The prefix is `QC` with a format version this library does not read.
        UnsupportedVersion { found: String } => "prefix.unsupported_version", "the code uses format version {found:?}; this library reads version 1 (\"QC1:\")";
    }
}

layer_error! {
    /// Errors of the Base45 layer (RFC 9285).
    Base45Error {
        /// A character outside the 45-character alphabet (lower case included).
        InvalidChar { position: usize } => "base45.invalid_char", "character {position} is not in the Base45 alphabet (0-9, A-Z, space, $%*+-./:)";
        /// The length leaves one character over (valid lengths are 3n or 3n+2).
        InvalidLength { length: usize } => "base45.invalid_length", "Base45 text of {length} characters cannot be decoded: one character is left over";
        /// A group decodes to a value above 65535 (or above 255 for a final pair).
        ValueOutOfRange { position: usize } => "base45.value_out_of_range", "the Base45 group at character {position} encodes a value that does not fit";
        /// Nothing follows the prefix.
        Empty => "base45.empty", "the code has no data after its prefix";
    }
}

layer_error! {
    /// Errors of the optional zlib layer (RFC 1950).
    CompressionError {
        /// The zlib stream is corrupt, truncated or fails its checksum.
        Invalid => "compression.invalid", "the compressed payload is corrupt or truncated";
        /// Bytes follow the end of the zlib stream.
        TrailingBytes => "compression.trailing_bytes", "bytes follow the end of the compressed payload";
        /// Compression failed while issuing.
        Failed => "compression.failed", "compressing the payload failed";
    }
}

layer_error! {
    /// Errors of the strict CBOR decoder.
    CborError {
        /// The input ends inside an item.
        Truncated => "cbor.truncated", "the CBOR data ends in the middle of an item";
        /// Bytes follow the single top-level item.
        TrailingBytes => "cbor.trailing_bytes", "bytes follow the end of the CBOR item";
        /// An indefinite-length string, array or map.
        IndefiniteLength => "cbor.indefinite_length", "indefinite-length CBOR items are not allowed";
        /// An integer or length not in its shortest form.
        NonShortest => "cbor.non_shortest", "a CBOR integer or length is not in its shortest form";
        /// A map has the same key twice.
        DuplicateKey => "cbor.duplicate_key", "a CBOR map has the same key twice";
        /// Reserved additional information, a stray break, or a two-byte simple value below 32.
        Malformed => "cbor.malformed", "the CBOR data is not well-formed";
        /// A text string is not valid UTF-8.
        InvalidUtf8 => "cbor.invalid_utf8", "a CBOR text string is not valid UTF-8";
        /// Floats, undefined, reserved or unassigned simple values.
        Unsupported => "cbor.unsupported", "the CBOR data uses an item type this format does not allow (floats, undefined or simple values)";
        /// The CBOR could not be written.
        Encode => "cbor.encode", "the CBOR data could not be encoded";
    }
}

layer_error! {
    /// Errors of the COSE_Sign1 layer (RFC 9052).
    CoseError {
        /// The top-level item is not tag 18 (COSE_Sign1).
        NotSign1 => "cose.not_sign1", "the payload is not a tagged COSE_Sign1 structure (CBOR tag 18)";
        /// The structure is not the 4-element array of RFC 9052.
        Malformed => "cose.malformed", "the COSE_Sign1 structure is malformed";
        /// The protected header has no `alg`.
        MissingAlg => "cose.missing_alg", "the protected header has no algorithm";
        /// The algorithm is not EdDSA (-8) or Ed25519 (-19).
        UnsupportedAlg { alg: i64 } => "cose.unsupported_alg", "algorithm {alg} is not supported; qrcred codes are signed with EdDSA/Ed25519 (-8 or -19)";
        /// The algorithm is given as a text label.
        UnsupportedAlgName => "cose.unsupported_alg_name", "the algorithm is given by name; qrcred codes use the integer label -8";
        /// The protected header has no `kid`.
        MissingKid => "cose.missing_kid", "the protected header has no key id";
        /// The kid is not 8 bytes.
        InvalidKid { length: usize } => "cose.invalid_kid", "the key id is {length} bytes long; qrcred key ids are 8 bytes";
        /// The unprotected header is not empty (alg and kid must be protected).
        UnprotectedHeader => "cose.unprotected_header", "the unprotected header must be empty; algorithm and key id belong in the protected header";
        /// A header parameter this profile does not allow (crit, content type, ...).
        UnsupportedHeader => "cose.unsupported_header", "the protected header carries a parameter this format does not allow";
        /// The payload is detached (nil).
        DetachedPayload => "cose.detached_payload", "the COSE_Sign1 payload is detached; qrcred codes carry it inline";
    }
}

layer_error! {
    /// Errors about keys: lookup, validity, permissions and key files.
    KeyError {
        /// No trusted key has this kid.
        UnknownKid { kid: String } => "key.unknown_kid", "no trusted issuer key has key id {kid}";
        /// The key's validity window does not cover the issue time.
        OutsideValidity => "key.outside_validity", "the issuer key was not valid when this code was issued";
        /// The key may not sign this kind of credential.
        KindNotAllowed { kind: &'static str } => "key.kind_not_allowed", "the issuer key is not allowed to sign {kind} credentials";
        /// A key file or key bytes could not be read.
        InvalidEncoding => "key.invalid_encoding", "the key is not a valid Ed25519 key in the expected encoding";
        /// The public key's encoding is not canonical (its y is p or more): the
        /// same point has another encoding, and with it another kid.
        NonCanonical => "key.non_canonical", "the public key is not in canonical encoding (its y coordinate is not below 2^255 - 19)";
        /// The public key is a point of small order (order dividing 8): it
        /// verifies signatures nobody made.
        SmallOrder => "key.small_order", "the public key is a point of small order, which verifies signatures nobody made";
        /// The public key has a torsion component (mixed order): no key
        /// generator makes one.
        MixedOrder => "key.mixed_order", "the public key has a small-order component (mixed order); no Ed25519 key generator makes such a key";
        /// Key material could not be written.
        EncodeFailed => "key.encode_failed", "the key could not be encoded";
        /// The key was retired before this code was issued (normal key rotation).
        Retired { retired_at: UnixTime } => "key.retired", "the issuer key was retired at {retired_at}, before this code was issued";
        /// The code is valid for longer after its key's retirement or
        /// withdrawal than such a key may grant (SPEC.md §8.1).
        BeyondWithdrawal { withdrawn_at: UnixTime, days: i64 } => "key.beyond_withdrawal", "the code is valid until more than {days} days after its issuer key was retired or withdrawn at {withdrawn_at}, longer than such a key may grant";
        /// The operating system gave no randomness for key generation.
        Randomness => "key.randomness", "no secure randomness was available to generate a key";
    }
}

layer_error! {
    /// Errors of the signature check.
    SignatureError {
        /// The signature is not 64 bytes.
        InvalidLength { length: usize } => "signature.invalid_length", "the signature is {length} bytes long; Ed25519 signatures are 64 bytes";
        /// The signature does not verify under any trusted key with this kid.
        Invalid => "signature.invalid", "the signature does not match: the code was altered or not signed by a trusted issuer";
    }
}

layer_error! {
    /// Errors of the time checks.
    TimeError {
        /// `now >= exp`.
        Expired { expired_at: UnixTime } => "time.expired", "the code expired at {expired_at}";
        /// `now < nbf - skew` (or `iat - skew`).
        NotYetValid { valid_from: UnixTime } => "time.not_yet_valid", "the code is not valid before {valid_from}";
        /// `now` is earlier than the newest issue time already seen (a trust
        /// bundle's or a verified code's) minus the skew: the device clock was set back.
        ClockBehind { newest_seen: UnixTime } => "time.clock_behind", "the device clock is behind: a code or trust bundle issued at {newest_seen} was already seen; check the date and time settings";
        /// A time or validity given to the issuer is outside what the format carries.
        OutOfRange => "time.out_of_range", "a time is outside the range this format can carry (1970-01-01 to 2106-02-07 UTC)";
    }
}

layer_error! {
    /// Errors in the signed claims or in a credential handed to the issuer.
    ClaimsError {
        /// The claims set is not a CBOR map.
        NotAMap => "claims.not_a_map", "the signed payload is not a CWT claims map";
        /// A required claim or field is absent.
        Missing { field: &'static str } => "claims.missing", "the required field {field} is missing";
        /// A claim or field has the wrong CBOR type.
        WrongType { field: &'static str } => "claims.wrong_type", "the field {field} has the wrong type";
        /// A claim or field value is out of its allowed range or set.
        InvalidValue { field: &'static str } => "claims.invalid_value", "the field {field} has a value that is not allowed";
        /// A shown text (a name, `iss`, a site...) holds a control,
        /// bidirectional or invisible formatting character (SPEC.md §7.6).
        InvisibleChar { field: &'static str } => "claims.invisible_char", "the field {field} holds a control, bidirectional or invisible formatting character";
        /// A claim or field this version does not define.
        UnknownField { field: String } => "claims.unknown_field", "the field {field} is not defined by this format version";
        /// The body holds no credential kind or more than one.
        InvalidKind => "claims.invalid_kind", "the credential must carry exactly one kind (status, vaccination, test, recovery or access pass)";
        /// `exp` is not after `iat` (or `nbf`).
        InvalidWindow => "claims.invalid_window", "the expiry is not after the issue time";
        /// The validity exceeds what the credential kind allows.
        ValidityTooLong { max_hours: u32 } => "claims.validity_too_long", "the validity exceeds the {max_hours} hours this kind allows";
        /// The `iss` claim names another issuer than the trusted key's.
        IssuerMismatch => "claims.issuer_mismatch", "the issuer named in the code is not the issuer the key is trusted for";
    }
}

layer_error! {
    /// An input exceeded a configured [`Limits`](crate::Limits) bound.
    LimitsError {
        /// The code text is longer than `Limits::max_text_len`.
        TextTooLong { max: usize } => "limits.text_too_long", "the code text is longer than the {max} characters allowed";
        /// Inflating the payload would exceed `Limits::max_inflated_len`.
        InflatedTooLarge { max: usize } => "limits.inflated_too_large", "the payload inflates to more than the {max} bytes allowed";
        /// CBOR nesting deeper than `Limits::max_cbor_depth`.
        CborTooDeep { max: usize } => "limits.cbor_too_deep", "the CBOR data is nested deeper than {max} levels";
        /// More CBOR items than `Limits::max_cbor_items`.
        CborTooManyItems { max: usize } => "limits.cbor_too_many_items", "the CBOR data has more than {max} items";
        /// A string or container claims more bytes or items than the input holds.
        CborLengthTooLarge => "limits.cbor_length", "a CBOR item claims a length larger than the input";
        /// A text field is longer than the format allows.
        FieldTooLong { field: &'static str, max: usize } => "limits.field_too_long", "the field {field} is longer than {max} bytes";
        /// A [`Limits`](crate::Limits) value is set above its ceiling
        /// (`max_cbor_depth` above `Limits::CBOR_DEPTH_CEILING`); refused
        /// before any input is read.
        OutOfRange { field: &'static str, max: usize } => "limits.out_of_range", "the limit {field} is set above its ceiling of {max}";
        /// An image has more pixels than `Limits::max_image_pixels`.
        ImageTooLarge { width: u32, height: u32, max: usize } => "limits.image_too_large", "the image is {width}×{height} pixels, more than the {max} pixels allowed";
    }
}

layer_error! {
    /// Errors of reading an image for scanning (feature `scan`). Finding no
    /// QR code in a readable image is not an error: the scan returns no text.
    ScanError {
        /// The bytes are neither a PNG nor a JPEG file.
        UnsupportedFormat => "scan.unsupported_format", "the image is neither a PNG nor a JPEG file";
        /// A PNG or JPEG file that is corrupt, truncated or of a variant the decoder does not read.
        InvalidImage { format: &'static str } => "scan.invalid_image", "the {format} image is corrupt, truncated or of a kind that cannot be read";
        /// A pixel buffer whose length is not width × height.
        BufferSize { width: u32, height: u32, channels: u8, length: usize } => "scan.buffer_size", "a {width}×{height} image of {channels} byte(s) a pixel needs width × height × {channels} bytes, but the buffer holds {length}";
        /// An image with no pixels (zero width or height).
        EmptyImage => "scan.empty_image", "the image has no pixels";
        /// The QR decoder failed unexpectedly on this image.
        DecoderFailed => "scan.decoder_failed", "the QR decoder failed on this image";
    }
}

layer_error! {
    /// Errors of QR rendering.
    RenderError {
        /// A character outside the QR alphanumeric set (the Base45 alphabet).
        NotAlphanumeric { position: usize } => "render.not_alphanumeric", "character {position} is not in the QR alphanumeric set; only code texts can be drawn";
        /// The text does not fit in the largest QR symbol at this ECC level.
        TooLong { length: usize } => "render.too_long", "a text of {length} characters does not fit in a QR symbol at this error-correction level";
        /// Module size or quiet zone out of range.
        InvalidOptions => "render.invalid_options", "module size must be 1 to 64 pixels and the quiet zone 0 to 16 modules";
        /// The PNG encoder failed.
        Png => "render.png", "the PNG image could not be written";
    }
}

layer_error! {
    /// Errors of trust bundles (SPEC.md §12): reading, root signature,
    /// rollback, freshness.
    TrustError {
        /// The bundle is not signed by a root the scanner trusts (pinned or announced).
        UnknownRoot { kid: String } => "trust.unknown_root", "the trust bundle is signed by key {kid}, which is not a trusted root";
        /// The bundle's sequence number is lower than the one already held.
        Rollback { sequence: u64, held: u64 } => "trust.rollback", "the trust bundle has sequence number {sequence}, older than the {held} already loaded";
        /// The bundle has the sequence number already held but other contents:
        /// one number, one bundle.
        SequenceReused { sequence: u64 } => "trust.sequence_reused", "the trust bundle has sequence number {sequence}, which the bundle already loaded has, with other contents";
        /// The bundle's issue time is after `now` plus the skew.
        NotYetValid { issued_at: UnixTime } => "trust.not_yet_valid", "the trust bundle is issued at {issued_at}, in the future";
        /// The bundle expired (plus grace) and the policy refuses stale trust.
        Stale { expires_at: UnixTime } => "trust.stale", "the trust bundle expired at {expires_at}; load a newer one";
        /// The payload is not a qrcred trust bundle (wrong format identifier).
        NotABundle => "trust.not_a_bundle", "the signed payload is not a qrcred trust bundle";
        /// The bundle uses a format version this library does not read.
        UnsupportedVersion { version: u64 } => "trust.unsupported_version", "the trust bundle has format version {version}; this library reads version 1";
        /// A required field is absent.
        Missing { field: &'static str } => "trust.missing", "the trust bundle field {field} is missing";
        /// A field has the wrong CBOR type.
        WrongType { field: &'static str } => "trust.wrong_type", "the trust bundle field {field} has the wrong type";
        /// A field value is out of range or inconsistent (kid not matching its key, unsorted revocations, ...).
        InvalidValue { field: &'static str } => "trust.invalid_value", "the trust bundle field {field} has a value that is not allowed";
        /// A field this format version does not define.
        UnknownField { field: String } => "trust.unknown_field", "the trust bundle field {field} is not defined by this format version";
        /// The bundle is larger than `Limits::max_bundle_len`.
        TooLarge { max: usize } => "trust.too_large", "the trust bundle is larger than the {max} bytes allowed";
    }
}

layer_error! {
    /// Refusals by revocation in the trust bundle.
    RevokedError {
        /// This credential was revoked (by `cti` or by signature hash).
        Credential => "revoked.credential", "this code was revoked by its issuer";
        /// The signing key was revoked for codes issued at or after `since` (or for all codes).
        Key { since: Option<UnixTime> } => "revoked.key", "the issuer key that signed this code was revoked";
    }
}

layer_error! {
    /// Errors of rule sets (SPEC.md §13).
    RulesError {
        /// Not a rule set: wrong structure, unknown field or value, wrong type.
        Malformed { detail: String } => "rules.malformed", "the rule set is malformed: {detail}";
        /// A value out of range (a zero or over-long window, an empty list, ...).
        InvalidValue { field: &'static str } => "rules.invalid_value", "the rule set field {field} has a value that is not allowed";
        /// `any_of` / `all_of` nested deeper than allowed.
        TooDeep { max: usize } => "rules.too_deep", "the rule set nests combinations deeper than {max} levels";
        /// More requirements than allowed.
        TooLarge { max: usize } => "rules.too_large", "the rule set has more than {max} requirements";
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_layered() {
        let all: alloc::vec::Vec<&str> = Error::all_codes().collect();
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), all.len(), "duplicate error code");
        for code in all {
            let (layer, reason) = code.split_once('.').expect("layer.reason");
            assert!(!layer.is_empty() && !reason.is_empty());
        }
    }

    #[test]
    fn error_delegates_code_and_message() {
        let e = Error::from(Base45Error::InvalidChar { position: 3 });
        assert_eq!(e.code(), "base45.invalid_char");
        assert!(alloc::format!("{e}").contains("character 3"));
    }
}

layer_error! {
    /// Errors in the options a scanner or a binding is given (not in a code,
    /// a bundle or a rule set, which have their own codes).
    OptionsError {
        /// Options that are not JSON, have an unknown field or a value of the
        /// wrong type or out of range, or an argument a binding cannot read
        /// (a null pointer, text that is not UTF-8, a wrong length).
        Invalid { detail: String } => "options.invalid", "invalid options: {detail}";
    }
}

layer_error! {
    /// Errors of `HC1:` health certificates (feature `hcert`, SPEC.md §14)
    /// and of their Document Signer Certificates. The layers they share
    /// with `QC1:` codes (Base45, zlib, limits, kid lookup, signature,
    /// time) keep their own codes.
    HcertError {
        /// The Base45-decoded payload is not a zlib stream (HCERT requires one).
        NotCompressed => "hcert.not_compressed", "the HC1 payload is not zlib-compressed, as the HCERT specification requires";
        /// The COSE_Sign1 or CWT structure is malformed.
        Malformed { field: &'static str } => "hcert.malformed", "the HC1 signed structure is malformed at {field}";
        /// The algorithm is not ES256 (-7) or PS256 (-37).
        UnsupportedAlg { alg: i64 } => "hcert.unsupported_alg", "algorithm {alg} is not supported for HC1 codes, only ES256 (-7) and PS256 (-37)";
        /// Neither header carries a kid.
        MissingKid => "hcert.missing_kid", "the HC1 code carries no key id";
        /// The certificate breaks a rule of the DCC schema.
        Schema { field: &'static str } => "hcert.schema", "the health certificate does not follow the DCC schema at {field}";
        /// Not exactly one vaccination, test or recovery entry.
        EntryCount => "hcert.entry_count", "the health certificate must hold exactly one vaccination, test or recovery entry";
        /// A value with no counterpart in the credential model.
        Unmapped { field: &'static str } => "hcert.unmapped", "the health certificate's {field} has no counterpart in the credential model";
        /// A Document Signer Certificate that cannot be read.
        Certificate { reason: &'static str } => "hcert.certificate", "the document signer certificate cannot be read: {reason}";
        /// A Document Signer Certificate whose key is not P-256 or RSA.
        UnsupportedKey => "hcert.unsupported_key", "the document signer certificate's key is neither an ECDSA P-256 nor an RSA key";
    }
}
