//! Splitting a multipart body at its boundary.
//!
//! A delimiter is `--boundary` at the start of a line, optionally followed by `--` (the
//! close delimiter) and transport padding, then a line end. The line break *before* the
//! delimiter belongs to the delimiter, not to the part. The search is memchr's SIMD
//! `memmem`, so a 1 MB binary JPEG costs one fast scan and no copy.

use memchr::memmem::Finder;

use crate::error::DecodeError;

/// The raw bytes of each part (headers and content), borrowed from `body`.
pub(crate) fn split<'a>(
    body: &'a [u8],
    boundary: &str,
    max_parts: usize,
) -> Result<Vec<&'a [u8]>, DecodeError> {
    let delimiter = format!("--{boundary}");
    let finder = Finder::new(delimiter.as_bytes());
    let mut parts = Vec::new();
    // Offset where the current part's bytes begin (after its opening delimiter line).
    let mut open: Option<usize> = None;
    let mut search_from = 0;
    while let Some(found) = finder.find(&body[search_from..]) {
        let at = search_from + found;
        search_from = at + delimiter.len();
        if at > 0 && body[at - 1] != b'\n' {
            continue;
        }
        let mut cursor = at + delimiter.len();
        let closing = body[cursor..].starts_with(b"--");
        if closing {
            cursor += 2;
        }
        while cursor < body.len() && matches!(body[cursor], b' ' | b'\t') {
            cursor += 1;
        }
        let line_end = match body.get(cursor) {
            None => cursor,
            Some(b'\n') => cursor + 1,
            Some(b'\r') if body.get(cursor + 1) == Some(&b'\n') => cursor + 2,
            // `--boundaryX…`: a longer string that merely starts like the delimiter.
            _ => continue,
        };
        if let Some(start) = open {
            parts.push(strip_line_break_before(&body[start..at]));
            if parts.len() > max_parts {
                return Err(DecodeError::TooManyParts { limit: max_parts });
            }
        }
        if closing {
            return Ok(parts);
        }
        open = Some(line_end);
        search_from = line_end;
    }
    match open {
        // No close delimiter (truncated, or a sloppy writer): the rest is the last part.
        Some(start) => {
            if start < body.len() {
                parts.push(strip_trailing_line_break(&body[start..]));
            }
            if parts.len() > max_parts {
                return Err(DecodeError::TooManyParts { limit: max_parts });
            }
            Ok(parts)
        }
        None => Err(DecodeError::MalformedMime(format!(
            "boundary {boundary:?} not found"
        ))),
    }
}

fn strip_line_break_before(part: &[u8]) -> &[u8] {
    // `at` is just after a '\n' (or 0); the CRLF/LF before it is the delimiter's.
    let part = part.strip_suffix(b"\n").unwrap_or(part);
    part.strip_suffix(b"\r").unwrap_or(part)
}

fn strip_trailing_line_break(part: &[u8]) -> &[u8] {
    strip_line_break_before(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_crlf_lf_padding_and_missing_close() {
        let body = b"preamble\r\n--b \r\nA: 1\r\n\r\none\r\n--b\nB: 2\n\ntwo--bnot\n--bb\n\n--b--\r\nepilogue";
        let parts = split(body, "b", 10).unwrap();
        assert_eq!(
            parts,
            vec![&b"A: 1\r\n\r\none"[..], &b"B: 2\n\ntwo--bnot\n--bb\n"[..]]
        );
        let truncated = b"--b\r\nX: y\r\n\r\ndata\r\n";
        assert_eq!(
            split(truncated, "b", 10).unwrap(),
            vec![&b"X: y\r\n\r\ndata"[..]]
        );
    }

    #[test]
    fn part_count_is_bounded() {
        let body = "--b\r\n\r\nx\r\n".repeat(5) + "--b--";
        assert_eq!(
            split(body.as_bytes(), "b", 3),
            Err(DecodeError::TooManyParts { limit: 3 })
        );
        assert!(matches!(
            split(b"no delimiter", "b", 3),
            Err(DecodeError::MalformedMime(_))
        ));
    }
}
