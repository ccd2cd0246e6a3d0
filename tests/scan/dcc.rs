//! The EU Digital COVID Certificate test images (dgc-testdata, copied to
//! test-vectors/third-party/dgc-testdata/): each file's `2DCODE` is a
//! base64 PNG of its `PREFIX` text (an `HC1:` code). Per the set's README,
//! `EXPECTEDRESULTS.EXPECTEDPICTUREDECODE` true means the picture must
//! decode to `PREFIX`, false that it must not, and absent that the step is
//! not part of that file's test; we read those pictures too and count them.

use base64::Engine;
use qrcred::{Limits, TrustStore, Verifier, scan_image};
use serde_json::Value;

/// The PNG bytes of `2DCODE` (base64, possibly as a data URL or wrapped).
fn picture(case: &Value) -> Option<Vec<u8>> {
    let text = case.get("2DCODE")?.as_str()?;
    let text = text.rsplit_once("base64,").map_or(text, |(_, data)| data);
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

#[test]
fn every_picture_decodes_to_its_prefix_text() {
    let (mut must_read, mut unflagged_read, mut unflagged, mut must_not) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let verifier = Verifier::new(TrustStore::new());
    for crate::dcc::DccFile { name, case, .. } in crate::dcc::files() {
        // Only the files that carry a picture are this test's.
        if case.get("2DCODE").and_then(Value::as_str).is_none_or(str::is_empty) {
            continue;
        }
        let flag = case["EXPECTEDRESULTS"]
            .get("EXPECTEDPICTUREDECODE")
            .and_then(Value::as_bool);
        let expected = case["PREFIX"].as_str().expect("PREFIX").to_string();
        let scanned = picture(&case).map(|png| scan_image(&png, &Limits::DEFAULT));
        let reads = matches!(&scanned, Some(Ok(texts)) if *texts == [expected.clone()]);
        match flag {
            Some(true) => {
                must_read += 1;
                if !reads {
                    failures.push(format!("{name}: {scanned:?}"));
                }
                // Read, and an HC1 code: with no Document Signer
                // Certificate trusted, its kid is unknown (tests/hcert.rs
                // verifies them with their certificates).
                let refusal = verifier
                    .verify(&expected, crate::samples::now())
                    .expect_err("no DSC is trusted");
                assert_eq!(refusal.code(), "key.unknown_kid", "{name}: {refusal}");
            }
            Some(false) => {
                must_not += 1;
                if reads {
                    failures.push(format!("{name}: marked unreadable, but read"));
                }
            }
            None => {
                unflagged += 1;
                unflagged_read += usize::from(reads);
            }
        }
    }
    println!(
        "EXPECTEDPICTUREDECODE true: {must_read} read; false: {must_not} refused; absent: {unflagged_read}/{unflagged} read"
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!((must_read, must_not, unflagged), (60, 1, 14), "files checked");
    assert_eq!(unflagged_read, unflagged, "the unflagged pictures read too");
}

#[test]
fn the_unreadable_picture_is_refused_with_a_code() {
    let case = crate::dcc::files()
        .into_iter()
        .find(|f| f.name == "common/Q1.json")
        .expect("Q1")
        .case;
    let bytes = picture(&case).expect("base64");
    let err = scan_image(&bytes, &Limits::DEFAULT).expect_err("not an image");
    assert_eq!(err.code(), "scan.unsupported_format");
}
