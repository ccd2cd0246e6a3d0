//! Bounds on every untrusted size.

/// Bounds applied to untrusted input before and while it is decoded.
///
/// The defaults fit every code a QR symbol can carry with a wide margin and
/// keep a hostile code from costing a scanner more than a few kilobytes of
/// memory or a few microseconds of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest accepted code text, prefix included. Default 4296, the
    /// alphanumeric capacity of the largest QR symbol (version 40-L).
    pub max_text_len: usize,
    /// Largest payload that zlib may inflate to. Default 16 KiB.
    pub max_inflated_len: usize,
    /// Deepest CBOR nesting (arrays, maps and tags). Default 16.
    pub max_cbor_depth: usize,
    /// Most CBOR items in one decoded structure. Default 512.
    pub max_cbor_items: usize,
    /// Most pixels (width × height) of an image handed to the scanner
    /// (feature `scan`). Default 16 777 216 (16 MiP, e.g. 4096 × 4096),
    /// more than a phone photo needs. Image files are checked from their
    /// header, before any pixel is decoded. Reading and scanning an RGBA PNG
    /// of 16 MiP peaked at about 85 MiB besides the file's own bytes (about
    /// 5 bytes per pixel), a colour JPEG at about 30 MiB.
    pub max_image_pixels: usize,
    /// Largest trust bundle file. Default 32 MiB: a bundle with a million
    /// revoked credentials is about 8 MB.
    pub max_bundle_len: usize,
    /// Most CBOR items in a trust bundle (keys and labels; the revocation
    /// list is one byte string). Default 262 144.
    pub max_bundle_items: usize,
}

impl Limits {
    /// The default limits, usable in `const` context.
    pub const DEFAULT: Limits = Limits {
        max_text_len: 4296,
        max_inflated_len: 16 * 1024,
        max_cbor_depth: 16,
        max_cbor_items: 512,
        max_image_pixels: 16 * 1024 * 1024,
        max_bundle_len: 32 * 1024 * 1024,
        max_bundle_items: 256 * 1024,
    };

    /// Replaces `max_text_len`.
    pub const fn with_max_text_len(mut self, n: usize) -> Self {
        self.max_text_len = n;
        self
    }

    /// Replaces `max_inflated_len`.
    pub const fn with_max_inflated_len(mut self, n: usize) -> Self {
        self.max_inflated_len = n;
        self
    }

    /// Replaces `max_cbor_depth`.
    pub const fn with_max_cbor_depth(mut self, n: usize) -> Self {
        self.max_cbor_depth = n;
        self
    }

    /// Replaces `max_cbor_items`.
    pub const fn with_max_cbor_items(mut self, n: usize) -> Self {
        self.max_cbor_items = n;
        self
    }

    /// Replaces `max_bundle_len`.
    pub const fn with_max_bundle_len(mut self, n: usize) -> Self {
        self.max_bundle_len = n;
        self
    }

    /// Replaces `max_bundle_items`.
    pub const fn with_max_bundle_items(mut self, n: usize) -> Self {
        self.max_bundle_items = n;
        self
    }

    /// Replaces `max_image_pixels`.
    pub const fn with_max_image_pixels(mut self, n: usize) -> Self {
        self.max_image_pixels = n;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
