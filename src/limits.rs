//! Bounds on every untrusted size.

use crate::error::{LimitsError, Result};

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
    /// Deepest CBOR nesting (arrays, maps and tags). Default 16; at most
    /// [`Limits::CBOR_DEPTH_CEILING`] (the reader recurses once per level,
    /// so the ceiling bounds its stack): limits set above it are refused
    /// with `limits.out_of_range` before any input is read.
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
    /// The highest `max_cbor_depth` a reader accepts: 64 levels, four times
    /// what a code needs and well above a trust bundle's 23. The CBOR
    /// reader recurses once per level; at 64 levels it needs a few tens of
    /// kilobytes of stack (tested in a 256 KiB thread).
    pub const CBOR_DEPTH_CEILING: usize = 64;

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

    /// Replaces `max_cbor_depth`. A value above
    /// [`Limits::CBOR_DEPTH_CEILING`] is kept here (so this stays usable in
    /// `const` context) and refused by [`Limits::check`], which every
    /// reader of codes and bundles calls before reading its input.
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

impl Limits {
    /// Checks that every bound is within its ceiling: `limits.out_of_range`
    /// when `max_cbor_depth` is above [`Limits::CBOR_DEPTH_CEILING`].
    /// Verifiers, trust states and the CBOR reader call it before reading
    /// any input, so out-of-range limits are refused before they are used;
    /// call it where the limits are built to refuse them there.
    pub const fn check(&self) -> Result<()> {
        if self.max_cbor_depth > Limits::CBOR_DEPTH_CEILING {
            return Err(crate::error::Error::Limits(LimitsError::OutOfRange {
                field: "max_cbor_depth",
                max: Limits::CBOR_DEPTH_CEILING,
            }));
        }
        Ok(())
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
