//! Code text ⇄ QR image: scanning (feature `scan`).

#[cfg(feature = "scan")]
mod scan;

#[cfg(feature = "scan")]
pub use scan::{scan_image, scan_luma};
