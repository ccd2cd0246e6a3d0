//! Base45 (RFC 9285), both directions.
//!
//! Written here rather than taken from the `base45` crate so that every
//! refusal carries its own stable code and the position of the bad
//! character, which a scanner app can show and a test vector can pin.

use alloc::{string::String, vec::Vec};

use crate::error::{Base45Error, Result};

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Encodes bytes as Base45 text.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    let mut push = |v: usize| out.push(char::from(ALPHABET[v % 45]));
    for pair in bytes.chunks(2) {
        match *pair {
            [a, b] => {
                let n = usize::from(a) * 256 + usize::from(b);
                push(n);
                push(n / 45);
                push(n / 2025);
            }
            [a] => {
                push(usize::from(a));
                push(usize::from(a) / 45);
            }
            _ => {}
        }
    }
    out
}

/// Decodes Base45 text; `offset` is added to reported positions (the prefix length).
pub(crate) fn decode(text: &str, offset: usize) -> Result<Vec<u8>> {
    let chars = text.as_bytes();
    // Characters first, so a stray character (a trailing newline, lower
    // case) is reported as such whatever the length.
    if let Some(position) = chars.iter().position(|&c| value(c).is_none()) {
        return Err(Base45Error::InvalidChar {
            position: offset + position,
        }
        .into());
    }
    if chars.len() % 3 == 1 {
        return Err(Base45Error::InvalidLength { length: chars.len() }.into());
    }
    let mut out = Vec::with_capacity(chars.len() / 3 * 2 + 1);
    for (group, chunk) in chars.chunks(3).enumerate() {
        let start = group * 3;
        let mut n: u32 = 0;
        for &c in chunk.iter().rev() {
            // Every character was checked above: its value is below 45.
            n = n * 45 + u32::from(VALUES[usize::from(c)]);
        }
        let out_of_range = Base45Error::ValueOutOfRange {
            position: offset + start,
        };
        if chunk.len() == 3 {
            let pair = u16::try_from(n).map_err(|_| out_of_range)?;
            out.extend_from_slice(&pair.to_be_bytes());
        } else {
            out.push(u8::try_from(n).map_err(|_| out_of_range)?);
        }
    }
    Ok(out)
}

/// The value of each byte in the alphabet; 0xFF for bytes outside it.
const VALUES: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn value(c: u8) -> Option<u8> {
    match VALUES[usize::from(c)] {
        0xFF => None,
        v => Some(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9285_examples() {
        let cases: [(&[u8], &str); 4] = [
            (b"AB", "BB8"),
            (b"Hello!!", "%69 VD92EX0"),
            (b"base-45", "UJCLQE7W581"),
            (b"ietf!", "QED8WEX0"),
        ];
        for (bytes, text) in cases {
            assert_eq!(encode(bytes), text);
            assert_eq!(decode(text, 0).expect("decodes"), bytes);
        }
    }

    #[test]
    fn refusals_have_positions() {
        assert_eq!(
            decode("GGW", 4).expect_err("overflow"),
            Base45Error::ValueOutOfRange { position: 4 }.into()
        );
        assert_eq!(
            decode("QEDaWEX0", 4).expect_err("lower case"),
            Base45Error::InvalidChar { position: 7 }.into()
        );
        assert_eq!(
            decode("QED8", 0).expect_err("length"),
            Base45Error::InvalidLength { length: 4 }.into()
        );
        // A final pair may carry at most 255.
        assert_eq!(decode("V5", 0).expect_err("pair").code(), "base45.value_out_of_range");
        assert_eq!(decode("", 0).expect("empty"), Vec::<u8>::new());
    }

    proptest::proptest! {
        #[test]
        fn round_trip(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let text = encode(&bytes);
            proptest::prop_assert_eq!(decode(&text, 0).expect("round trip"), bytes);
        }
    }
}
