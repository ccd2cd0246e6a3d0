//! The QR scanner (feature `scan`): robustness against zbarimg, the EU DCC
//! test images, hostile input, and the API's promises.
#![cfg(feature = "scan")]

mod scan {
    pub mod api;
    pub mod dcc;
    pub mod hostile;
    pub mod robustness;
    pub mod samples;
    pub mod transform;
}

use scan::{samples, transform};
