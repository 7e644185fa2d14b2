//! The HTTP framing around an MM7 message: the start line and headers of a raw request or
//! response, as a relay stores it or a test fixture holds it. Sans-IO: this only splits
//! and writes bytes; sockets, TLS and chunked transfer belong to the transport.

use crate::error::DecodeError;
use crate::mime::header::{Headers, parse_headers};

/// The first line of an HTTP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    Request { method: String, target: String },
    Response { status: u16, reason: String },
}

/// Start line and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpHead {
    pub start: StartLine,
    /// Header names as sent, values trimmed and unfolded.
    pub headers: Vec<(String, String)>,
}

impl HttpHead {
    /// A header by name, case-insensitive.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The operator (carrier) ID header in any of its documented spellings (BRIEF §1).
    pub fn operator_id(&self) -> Option<&str> {
        [
            "x-mblox-operator-id",
            "X-Mblox-Carrier-Id",
            "X-Skycore-Carrier-Id",
            "X-OpenMarket-Carrier-Id",
            "X-Vibes-CarrierCode",
        ]
        .into_iter()
        .find_map(|h| self.header(h))
    }
}

/// Whether `raw` starts with an HTTP start line (`POST / HTTP/1.1`, `HTTP/1.1 200 OK`).
pub fn looks_like_http(raw: &[u8]) -> bool {
    let end = memchr::memchr(b'\n', raw).unwrap_or(raw.len()).min(8192);
    let line = String::from_utf8_lossy(&raw[..end]);
    parse_start_line(line.trim_end()).is_some()
}

fn parse_start_line(line: &str) -> Option<StartLine> {
    let mut words = line.splitn(3, ' ');
    let first = words.next()?;
    let second = words.next()?;
    if first.starts_with("HTTP/") {
        let status = second.parse().ok()?;
        return Some(StartLine::Response {
            status,
            reason: words.next().unwrap_or_default().to_owned(),
        });
    }
    let third = words.next()?;
    let is_method = !first.is_empty() && first.bytes().all(|b| b.is_ascii_uppercase());
    (is_method && third.starts_with("HTTP/")).then(|| StartLine::Request {
        method: first.to_owned(),
        target: second.to_owned(),
    })
}

/// Splits a raw HTTP message into its head and body. `Content-Length` is not used to cut
/// the body: the transport has already framed it, and published examples carry lengths
/// that do not match their bodies.
pub(crate) fn split_http(raw: &[u8]) -> Result<(HttpHead, &[u8]), DecodeError> {
    let end = memchr::memchr(b'\n', raw)
        .ok_or_else(|| DecodeError::MalformedHttp("no line end".into()))?;
    let line = String::from_utf8_lossy(&raw[..end]);
    let start = parse_start_line(line.trim_end())
        .ok_or_else(|| DecodeError::MalformedHttp("not an HTTP start line".into()))?;
    let (Headers { fields }, body_at) = parse_headers(&raw[end + 1..]);
    Ok((
        HttpHead {
            start,
            headers: fields,
        },
        &raw[end + 1 + body_at..],
    ))
}

/// Writes a head with CRLF line ends and the blank line.
pub(crate) fn write_head(out: &mut Vec<u8>, start: &StartLine, headers: &[(String, String)]) {
    match start {
        StartLine::Request { method, target } => {
            out.extend_from_slice(format!("{method} {target} HTTP/1.1\r\n").as_bytes());
        }
        StartLine::Response { status, reason } => {
            out.extend_from_slice(format!("HTTP/1.1 {status} {reason}\r\n").as_bytes());
        }
    }
    for (k, v) in headers {
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_lines() {
        assert!(looks_like_http(b"POST /mm7 HTTP/1.1\r\n"));
        assert!(looks_like_http(b"HTTP/1.1 500 Internal Server Error\n"));
        assert!(!looks_like_http(b"--boundary\r\n"));
        assert!(!looks_like_http(b"<?xml version=\"1.0\"?>"));
        let (head, body) = split_http(b"HTTP/1.1 200 OK\nA: b\n  c\n\nbody").unwrap();
        assert_eq!(
            head.start,
            StartLine::Response {
                status: 200,
                reason: "OK".into()
            }
        );
        assert_eq!(head.header("a"), Some("b c"));
        assert_eq!(body, b"body");
    }
}
