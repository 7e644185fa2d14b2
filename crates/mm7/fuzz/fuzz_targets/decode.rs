//! Feeds arbitrary bytes to the decoder, as a raw HTTP message and as a multipart body
//! with a fixed boundary (so the fuzzer reaches the MIME paths quickly). Any panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = mm7::Limits::default();
    let _ = mm7::decode_http(data, &limits);
    let _ = mm7::decode_body(data, Some("multipart/related; boundary=b; start=\"<s>\""), &limits);
});
