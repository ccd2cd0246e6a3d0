//! Code text ⇄ QR image: rendering (feature `render`).

#[cfg(feature = "render")]
mod encode;
#[cfg(feature = "render")]
mod render;

#[cfg(feature = "render")]
pub use render::{EccLevel, QrCode, RenderOptions, render_png, render_svg, render_terminal};
