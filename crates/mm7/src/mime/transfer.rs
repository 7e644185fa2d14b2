//! Content-Transfer-Encoding decoding and encoding.
//!
//! binary, 7bit, 8bit and an absent header mean "the bytes are the content": those parts
//! stay borrowed. base64 (any case, any line length, CRLF or LF) and quoted-printable are
//! decoded into owned buffers.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Lenient on input: padding optional.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Why a transfer decoding failed (the caller adds the part index).
#[derive(Debug)]
pub(crate) struct BadEncoding(pub &'static str);

pub(crate) fn decode<'a>(
    encoding: Option<&str>,
    data: &'a [u8],
) -> Result<Cow<'a, [u8]>, BadEncoding> {
    let encoding = encoding.map(str::trim).unwrap_or("");
    if encoding.eq_ignore_ascii_case("base64") {
        decode_base64(data)
            .map(Cow::Owned)
            .ok_or(BadEncoding("base64"))
    } else if encoding.eq_ignore_ascii_case("quoted-printable") {
        Ok(Cow::Owned(decode_quoted_printable(data)))
    } else {
        Ok(Cow::Borrowed(data))
    }
}

fn decode_base64(data: &[u8]) -> Option<Vec<u8>> {
    decode_base64_in_chunks(data, 32 * 1024)
}

/// Gathers alphabet characters line by line (memchr finds the line ends) into a small
/// staging buffer that stays in cache, and decodes it in 4-character-aligned chunks of
/// about `chunk` characters (a parameter so tests can cross chunk edges cheaply).
fn decode_base64_in_chunks(data: &[u8], chunk: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; data.len() / 4 * 3 + 3];
    let mut written = 0;
    let mut staged: Vec<u8> = Vec::with_capacity(chunk + 128);
    let mut chunked = true;
    let mut rest = data;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        // The usual line is 76 alphabet characters and a CR: copy it whole. Only lines
        // with other whitespace take the byte-by-byte path.
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if memchr::memchr3(b' ', b'\t', b'\r', line).is_some() {
            staged.extend(line.iter().filter(|b| !matches!(b, b' ' | b'\t' | b'\r')));
        } else {
            staged.extend_from_slice(line);
        }
        rest = rest.get(end + 1..).unwrap_or_default();
        if chunked && staged.len() >= chunk {
            // Padding only ends the data, so a 4-aligned prefix with no '=' decodes alone.
            let aligned = staged.len() / 4 * 4;
            if memchr::memchr(b'=', &staged[..aligned]).is_some() {
                // Odd input (padding mid-stream): stop chunking and leave the rest to the
                // final whole-buffer decode, without rescanning the buffer every line.
                chunked = false;
                continue;
            }
            written += BASE64_LENIENT
                .decode_slice(&staged[..aligned], &mut out[written..])
                .ok()?;
            staged.drain(..aligned);
        }
    }
    written += BASE64_LENIENT
        .decode_slice(&staged, &mut out[written..])
        .ok()?;
    out.truncate(written);
    Some(out)
}

fn decode_quoted_printable(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        // Soft line break: "=" then optional whitespace then CRLF/LF.
        let mut j = i + 1;
        while j < data.len() && matches!(data[j], b' ' | b'\t') {
            j += 1;
        }
        if data.get(j) == Some(&b'\n') {
            i = j + 1;
            continue;
        }
        if data.get(j) == Some(&b'\r') && data.get(j + 1) == Some(&b'\n') {
            i = j + 2;
            continue;
        }
        match (data.get(i + 1).and_then(hex), data.get(i + 2).and_then(hex)) {
            (Some(h), Some(l)) => {
                out.push(h << 4 | l);
                i += 3;
            }
            // A stray '=' is kept literally (lenient, as most mail readers do).
            _ => {
                out.push(b'=');
                i += 1;
            }
        }
    }
    out
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).map(|d| d as u8)
}

/// Appends base64 with 76-character lines and CRLF line ends (RFC 2045).
pub(crate) fn encode_base64_into(out: &mut Vec<u8>, data: &[u8]) {
    const LINE_INPUT: usize = 57; // 57 bytes → 76 characters
    let engine = &base64::engine::general_purpose::STANDARD;
    let lines = data.len().div_ceil(LINE_INPUT);
    let start = out.len();
    out.resize(start + data.len().div_ceil(3) * 4 + lines * 2, 0);
    let mut at = start;
    for (n, chunk) in data.chunks(LINE_INPUT).enumerate() {
        let written = engine
            .encode_slice(chunk, &mut out[at..])
            .unwrap_or_default();
        at += written;
        if n + 1 < lines {
            out[at..at + 2].copy_from_slice(b"\r\n");
            at += 2;
        }
    }
    out.truncate(at);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_with_line_breaks_and_any_case_name() {
        let decoded = decode(Some("BASE64"), b"aGVs\r\nbG8g\nd29y bGQ=\r\n").unwrap();
        assert_eq!(&*decoded, b"hello world");
        assert!(matches!(
            decode(Some("base64"), b"@@@@"),
            Err(BadEncoding("base64"))
        ));
    }

    #[test]
    fn long_base64_decodes_in_chunks_and_mid_stream_padding_fails() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut encoded = Vec::new();
        encode_base64_into(&mut encoded, &data);
        assert_eq!(&*decode(Some("base64"), &encoded).unwrap(), &data[..]);
        let mut lf_only = encoded.clone();
        lf_only.retain(|&b| b != b'\r');
        assert_eq!(&*decode(Some("base64"), &lf_only).unwrap(), &data[..]);
        // Two padded blocks back to back, the first padded block early in the stream.
        let mut glued = b"QQ==\r\n".to_vec();
        glued.extend_from_slice(&encoded);
        assert!(decode(Some("base64"), &glued).is_err());
    }

    proptest::proptest! {
        #[test]
        fn base64_survives_any_whitespace_and_chunk_size(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000),
            breaks in proptest::collection::vec((0usize..5000, 0usize..4), 0..40),
            chunk in 4usize..300,
        ) {
            let mut encoded = base64::engine::general_purpose::STANDARD.encode(&data).into_bytes();
            for (at, kind) in breaks {
                let at = at % (encoded.len() + 1);
                let ws: &[u8] = [&b" "[..], b"\t", b"\r\n", b"\n"][kind];
                encoded.splice(at..at, ws.iter().copied());
            }
            proptest::prop_assert_eq!(decode_base64_in_chunks(&encoded, chunk), Some(data));
        }
    }

    #[test]
    fn quoted_printable_soft_breaks_and_escapes() {
        let decoded = decode(Some("quoted-printable"), b"caf=C3=A9 =\r\nau lait=\nx=ZZ").unwrap();
        assert_eq!(&*decoded, "café au laitx=ZZ".as_bytes());
    }

    #[test]
    fn binary_stays_borrowed() {
        let data = b"\x00\xff";
        assert!(matches!(
            decode(Some("binary"), data).unwrap(),
            Cow::Borrowed(_)
        ));
        assert!(matches!(decode(None, data).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn base64_round_trips_with_wrapped_lines() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let mut out = Vec::new();
        encode_base64_into(&mut out, &data);
        assert!(out.split(|&b| b == b'\n').all(|l| l.len() <= 77));
        assert_eq!(&*decode(Some("base64"), &out).unwrap(), &data[..]);
    }
}
