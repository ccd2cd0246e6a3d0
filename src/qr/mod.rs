//! Code text ⇄ QR image: rendering (feature `render`) and scanning
//! (feature `scan`).

#[cfg(feature = "render")]
mod encode;
#[cfg(feature = "render")]
mod render;
#[cfg(feature = "scan")]
mod scan;

#[cfg(feature = "render")]
pub use render::{EccLevel, QrCode, RenderOptions, render_png, render_svg, render_terminal};
#[cfg(feature = "scan")]
pub use scan::{scan_image, scan_luma, scan_rgba};
