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

/// Copies each line (without its CR/LF) into a small staging buffer that stays in cache
/// and decodes it in 4-character-aligned chunks of about `chunk` characters (a parameter
/// so tests can cross chunk edges cheaply). Lines are not checked for other whitespace:
/// the strict SIMD decoder refuses it, and only then is the chunk cleaned and handed to
/// the lenient scalar decoder. Well-formed input never leaves the fast path.
fn decode_base64_in_chunks(data: &[u8], chunk: usize) -> Option<Vec<u8>> {
    let mut out = vec![0u8; data.len() / 4 * 3 + 3];
    let mut written = 0;
    let mut staged: Vec<u8> = Vec::with_capacity(chunk + 128);
    let mut chunked = true;
    let mut rest = data;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        staged.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        rest = rest.get(end + 1..).unwrap_or_default();
        if !chunked || staged.len() < chunk {
            continue;
        }
        let aligned = staged.len() / 4 * 4;
        // Mid-stream chunks carry no padding, so the no-padding decoder is the strict one.
        if let Ok(decoded) = base64_simd::STANDARD_NO_PAD.decode(
            &staged[..aligned],
            base64_simd::Out::from_slice(&mut out[written..]),
        ) {
            written += decoded.len();
            staged.drain(..aligned);
            continue;
        }
        strip_whitespace(&mut staged);
        let aligned = staged.len() / 4 * 4;
        if memchr::memchr(b'=', &staged[..aligned]).is_some() {
            // Padding mid-stream: stop chunking and leave the rest to the final
            // whole-buffer decode, without rescanning the buffer every line.
            chunked = false;
            continue;
        }
        written += BASE64_LENIENT
            .decode_slice(&staged[..aligned], &mut out[written..])
            .ok()?;
        staged.drain(..aligned);
    }
    let simd = if staged.len().is_multiple_of(4) {
        &base64_simd::STANDARD
    } else {
        &base64_simd::STANDARD_NO_PAD
    };
    written += match simd.decode(&staged, base64_simd::Out::from_slice(&mut out[written..])) {
        Ok(decoded) => decoded.len(),
        Err(_) => {
            strip_whitespace(&mut staged);
            BASE64_LENIENT
                .decode_slice(&staged, &mut out[written..])
                .ok()?
        }
    };
    out.truncate(written);
    Some(out)
}

fn strip_whitespace(staged: &mut Vec<u8>) {
    staged.retain(|b| !matches!(b, b' ' | b'\t' | b'\r'));
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

/// Appends base64 with 76-character lines and CRLF line ends (RFC 2045). The SIMD encoder
/// writes one unbroken run, which is then copied out line by line.
pub(crate) fn encode_base64_into(out: &mut Vec<u8>, data: &[u8]) {
    const LINE: usize = 76;
    let engine = &base64_simd::STANDARD;
    let mut flat = vec![0u8; engine.encoded_length(data.len())];
    let encoded = engine.encode(data, base64_simd::Out::from_slice(&mut flat));
    let lines = encoded.len().div_ceil(LINE);
    out.reserve(encoded.len() + lines * 2);
    for (n, line) in encoded.chunks(LINE).enumerate() {
        if n > 0 {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(line);
    }
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
