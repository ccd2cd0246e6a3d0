//! The QR scanner (feature `scan`; the test images come from the renderer,
//! feature `render`): robustness against zbarimg, the EU DCC test images,
//! hostile input, and the API's promises.
#![cfg(all(feature = "scan", feature = "render"))]

#[path = "support/dcc.rs"]
mod dcc;
#[path = "support/outside.rs"]
mod outside;

mod scan {
    pub mod api;
    pub mod dcc;
    pub mod hostile;
    pub mod robustness;
    pub mod samples;
    pub mod transform;
}

use scan::{samples, transform};
