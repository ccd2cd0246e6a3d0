//! Encoder internals against the standard's worked values.

use super::*;

#[test]
fn capacities_match_the_standard() {
    // Alphanumeric capacity = the largest n whose bits fit (ISO/IEC 18004 Table 7).
    let capacity = |v: usize, ecc: EccLevel| {
        let bits = data_codewords(v, ecc) * 8 - 4 - count_bits(v);
        bits / 11 * 2 + usize::from(bits % 11 >= 6)
    };
    assert_eq!(capacity(1, EccLevel::L), 25);
    assert_eq!(capacity(1, EccLevel::H), 10);
    assert_eq!(capacity(8, EccLevel::M), 221);
    assert_eq!(capacity(9, EccLevel::M), 262);
    assert_eq!(capacity(10, EccLevel::M), 311);
    assert_eq!(capacity(15, EccLevel::M), 600);
    assert_eq!(capacity(40, EccLevel::L), 4296);
    assert_eq!(capacity(40, EccLevel::H), 1852);
}

#[test]
fn data_bits_of_the_standard_example() {
    // ISO/IEC 18004 §7.4.5 (annex I example): "AC-42" at 1-M.
    let bytes = data_bytes(b"AC-42", 1, EccLevel::M);
    // 0010 000000101 00111001110 11100111001 000010 0000 then padding.
    assert_eq!(&bytes[..6], &[0x20, 0x29, 0xCE, 0xE7, 0x21, 0x00]);
    assert_eq!(&bytes[6..8], &[0xEC, 0x11]);
    assert_eq!(bytes.len(), 16);
}

#[test]
fn reed_solomon_of_the_standard_example() {
    // "01234567" at 1-M (ISO/IEC 18004 annex I): data and its 10 EC codewords.
    let data = [16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17];
    let ec = rs_remainder(&data, &rs_divisor(10));
    assert_eq!(ec, [165, 36, 212, 193, 237, 54, 199, 135, 44, 85]);
}

#[test]
fn every_version_has_its_size_and_refuses_overflow() {
    for v in 1..=40 {
        let bits = data_codewords(v, EccLevel::Q) * 8 - 4 - count_bits(v);
        let n = bits / 11 * 2 + usize::from(bits % 11 >= 6);
        let symbol = encode(&vec![b'7'; n], EccLevel::Q).expect("fits");
        assert_eq!(symbol.size, 17 + 4 * v, "version {v}");
    }
    assert!(encode(&vec![b'A'; 4297], EccLevel::L).is_none());
}

/// The penalty rules written out module by module, as the standard states them.
fn reference_penalty(dark: &[u8], n: usize) -> u32 {
    let at = |x: usize, y: usize| dark[y * n + x];
    let mut score = 0;
    for horizontal in [true, false] {
        for a in 0..n {
            // Padded line: 4 light modules each side.
            let mut line = vec![0u8; 4];
            line.extend((0..n).map(|b| if horizontal { at(b, a) } else { at(a, b) }));
            line.extend([0u8; 4]);
            let mut run = 1;
            for i in 5..4 + n {
                if line[i] == line[i - 1] {
                    run += 1;
                } else {
                    score += if run >= 5 { 3 + run - 5 } else { 0 };
                    run = 1;
                }
            }
            score += if run >= 5 { 3 + run - 5 } else { 0 };
            let core = [1u8, 0, 1, 1, 1, 0, 1];
            for i in 0..line.len() - 10 {
                let w = &line[i..i + 11];
                score += 40 * u32::from(w[..4] == [0; 4] && w[4..] == core);
                score += 40 * u32::from(w[..7] == core && w[7..] == [0; 4]);
            }
        }
    }
    for y in 0..n - 1 {
        for x in 0..n - 1 {
            let c = at(x, y);
            score += 3 * u32::from(c == at(x + 1, y) && c == at(x, y + 1) && c == at(x + 1, y + 1));
        }
    }
    let d: usize = dark.iter().map(|&v| usize::from(v)).sum();
    let k = (d * 20).abs_diff(n * n * 10).div_ceil(n * n) - 1;
    score + 10 * k as u32
}

#[test]
fn packed_penalty_equals_the_rules_as_written() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for version in [1, 2, 9, 14, 27, 40] {
        for density in [1u64, 2, 4] {
            let mut m = Matrix::new(version);
            for d in m.dark.iter_mut() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *d = u8::from(seed.is_multiple_of(density + 1));
            }
            let (mut rows, mut cols) = (Vec::new(), Vec::new());
            assert_eq!(
                m.penalty(&mut rows, &mut cols),
                reference_penalty(&m.dark, m.size),
                "version {version}"
            );
        }
    }
}
