//! Inputs the fuzzer once crashed the decoder with. Each must now decode or fail with a
//! typed error, never panic.

use mm7::{Limits, decode_body, decode_http};

#[test]
fn past_fuzz_crashes_no_longer_panic() {
    let dir = format!(
        "{}/tests/fuzz_regressions",
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
    );
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let _ = decode_http(&bytes, &Limits::default());
        let _ = decode_body(
            &bytes,
            Some("multipart/related; boundary=b; start=\"<s>\""),
            &Limits::default(),
        );
        count += 1;
    }
    assert!(count >= 1, "the regression inputs are present");
}

/// crash-928ab83e: a `<Content href>` whose 4th byte falls inside a multi-byte character
/// (`ci\u{FFFD}:…`) was sliced at byte 4.
#[test]
fn non_ascii_content_href_is_not_a_cid() {
    let xml = "<Envelope><Body><DeliverReq><MM7Version>6.8.0</MM7Version><Content href=\"ci\u{FFFD}:default.cid\"/></DeliverReq></Body></Envelope>";
    let decoded = decode_http(xml.as_bytes(), &Limits::default()).unwrap();
    let content = decoded.envelope.body.content().unwrap();
    assert_eq!(content.content_id(), None);
}
