//! The text layer: `QC1:` prefix and Base45.
//!
//! Oracles: any bytes survive Base45 encode then decode; Base45 is
//! canonical, so any text that decodes re-encodes to exactly itself; the
//! whole parse refuses with a typed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qrcred::{Limits, UnverifiedCode, layers};

fuzz_target!(|data: &[u8]| {
    let encoded = layers::base45_encode(data);
    assert_eq!(layers::base45_decode(&encoded).as_deref(), Ok(data));

    let text = String::from_utf8_lossy(data);
    let base45 = layers::strip_prefix(&text).unwrap_or(&text);
    if let Ok(bytes) = layers::base45_decode(base45) {
        assert_eq!(layers::base45_encode(&bytes), base45, "Base45 is not canonical");
    }
    let _ = UnverifiedCode::parse(&text, &Limits::DEFAULT);
});
