//! Bytes → [`Decoded`]: finds the SOAP root part, reads the envelope, resolves the content
//! part the `<Content href>` names and flattens it into leaf parts.
//!
//! Layouts accepted (BRIEF §1): the root named by `start` or else the first part; the
//! content part found by Content-ID (with or without `<>`), else by Content-Location,
//! else every non-root part (which covers the flat layout with no `<Content>` and a
//! `cid:` that names nothing, as in the 3GPP example); content that is a single media
//! part, `multipart/related` with SMIL or `multipart/mixed`; and a plain XML body even
//! when the header claims multipart (Sinch's DLR push).

use crate::envelope::read_envelope;
use crate::error::DecodeError;
use crate::http::{HttpHead, looks_like_http, split_http};
use crate::limits::Limits;
use crate::message::{Envelope, strip_angles};
use crate::mime::header::{ContentType, parse_headers};
use crate::mime::{multipart, transfer};
use crate::part::Part;

/// A decoded MM7 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// Present when the input was a whole HTTP message.
    pub http: Option<HttpHead>,
    pub envelope: Envelope,
    /// The content's leaf parts in document order (the SOAP part excluded).
    pub parts: Vec<Part<'a>>,
}

/// Decodes a raw HTTP request or response (start line, headers, blank line, body); input
/// that has no start line is decoded as a body alone.
pub fn decode_http<'a>(raw: &'a [u8], limits: &Limits) -> Result<Decoded<'a>, DecodeError> {
    if !looks_like_http(raw) {
        return decode_body(raw, None, limits);
    }
    let (head, body) = split_http(raw)?;
    if head
        .header("Transfer-Encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
    {
        // Chunk-size lines would end up inside the parts; de-chunking is the transport's
        // job (it owns the buffer the parts borrow from).
        return Err(DecodeError::MalformedHttp(
            "chunked body: de-chunk it before decoding".into(),
        ));
    }
    let mut decoded = decode_body(body, head.header("Content-Type"), limits)?;
    decoded.http = Some(head);
    Ok(decoded)
}

/// Decodes a body. Its type comes from `content_type`, else from a leading MIME boundary
/// line (multipart/related with that boundary), else it is taken to be XML.
pub fn decode_body<'a>(
    body: &'a [u8],
    content_type: Option<&str>,
    limits: &Limits,
) -> Result<Decoded<'a>, DecodeError> {
    if body.len() > limits.max_body_bytes {
        return Err(DecodeError::BodyTooLarge {
            size: body.len(),
            limit: limits.max_body_bytes,
        });
    }
    let declared = content_type.map(ContentType::parse);
    let boundary = declared
        .as_ref()
        .filter(|ct| ct.is_multipart())
        .and_then(|ct| ct.param("boundary").map(str::to_owned))
        .filter(|b| {
            !b.is_empty() && memchr::memmem::find(body, format!("--{b}").as_bytes()).is_some()
        })
        .or_else(|| leading_boundary(body));
    let Some(boundary) = boundary else {
        // Plain XML (DLRs are often sent this way, even under a multipart Content-Type).
        return Ok(Decoded {
            http: None,
            envelope: read_envelope(body, limits)?,
            parts: Vec::new(),
        });
    };
    let start = declared
        .as_ref()
        .and_then(|ct| ct.param("start"))
        .map(|s| strip_angles(s).to_owned());
    decode_multipart(body, &boundary, start.as_deref(), limits)
}

/// `--boundary` as the first non-blank line.
fn leading_boundary(body: &[u8]) -> Option<String> {
    let first = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &body[first..];
    let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let line = std::str::from_utf8(&rest[..line_end]).ok()?;
    let boundary = line.strip_prefix("--")?.trim_end();
    (!boundary.is_empty() && boundary.len() <= 200).then(|| boundary.to_owned())
}

/// A part split into its headers and still-encoded content.
struct RawPart<'a> {
    content_type: Option<String>,
    content_id: Option<String>,
    content_location: Option<String>,
    transfer_encoding: Option<String>,
    content: &'a [u8],
}

impl<'a> RawPart<'a> {
    fn parse(raw: &'a [u8]) -> RawPart<'a> {
        let (headers, body_at) = parse_headers(raw);
        RawPart {
            content_type: headers.get("Content-Type").map(str::to_owned),
            content_id: headers
                .get("Content-ID")
                .map(|v| strip_angles(v).to_owned()),
            content_location: headers.get("Content-Location").map(|v| v.trim().to_owned()),
            transfer_encoding: headers.get("Content-Transfer-Encoding").map(str::to_owned),
            content: &raw[body_at..],
        }
    }

    fn is_xml(&self) -> bool {
        self.content_type.as_deref().is_some_and(|ct| {
            let media = ContentType::parse(ct).media_type;
            media == "text/xml" || media == "application/xml" || media == "application/soap+xml"
        })
    }
}

fn decode_multipart<'a>(
    body: &'a [u8],
    boundary: &str,
    start: Option<&str>,
    limits: &Limits,
) -> Result<Decoded<'a>, DecodeError> {
    let raw_parts: Vec<RawPart<'a>> = multipart::split(body, boundary, limits.max_parts)?
        .into_iter()
        .map(RawPart::parse)
        .collect();
    // The root is the part `start` names; without a usable `start`, the first XML part
    // (the first part in every layout seen, but a SOAP part placed later is tolerated).
    let root_index = start
        .and_then(|s| {
            raw_parts
                .iter()
                .position(|p| p.content_id.as_deref() == Some(s))
        })
        .or_else(|| raw_parts.iter().position(RawPart::is_xml))
        .unwrap_or(0);
    let root = raw_parts
        .get(root_index)
        .ok_or_else(|| DecodeError::MalformedMime("multipart body has no parts".into()))?;
    let soap = transfer::decode(root.transfer_encoding.as_deref(), root.content).map_err(|e| {
        DecodeError::BadTransferEncoding {
            encoding: e.0,
            part: root_index,
        }
    })?;
    let envelope = read_envelope(&soap, limits)?;

    let others: Vec<usize> = (0..raw_parts.len()).filter(|&i| i != root_index).collect();
    let wanted = envelope.body.content().and_then(|c| {
        let id = c.content_id();
        others.iter().copied().find(|&i| {
            let p = &raw_parts[i];
            (id.is_some() && p.content_id.as_deref() == id)
                || p.content_location
                    .as_deref()
                    .is_some_and(|l| Some(l) == id || l == c.href.trim())
        })
    });
    let selected = match wanted {
        Some(i) => vec![i],
        None => others,
    };
    let mut parts = Vec::new();
    let mut seen = raw_parts.len();
    for i in selected {
        flatten(&raw_parts[i], 1, limits, &mut seen, &mut parts)?;
    }
    Ok(Decoded {
        http: None,
        envelope,
        parts,
    })
}

/// Appends the leaves of `part` to `out`; nested multiparts are split recursively.
fn flatten<'a>(
    part: &RawPart<'a>,
    depth: usize,
    limits: &Limits,
    seen: &mut usize,
    out: &mut Vec<Part<'a>>,
) -> Result<(), DecodeError> {
    let content_type = part.content_type.as_deref().map(ContentType::parse);
    if let Some(ct) = content_type.as_ref().filter(|ct| ct.is_multipart())
        && let Some(boundary) = ct.param("boundary").filter(|b| !b.is_empty())
    {
        if depth >= limits.max_mime_depth {
            return Err(DecodeError::NestingTooDeep {
                limit: limits.max_mime_depth,
            });
        }
        let children = match multipart::split(part.content, boundary, limits.max_parts) {
            Ok(children) => children,
            // Declared multipart but the boundary never occurs: keep the bytes as one
            // opaque part rather than losing the message.
            Err(DecodeError::MalformedMime(_)) => return push_leaf(part, out),
            Err(e) => return Err(e),
        };
        *seen += children.len();
        if *seen > limits.max_parts {
            return Err(DecodeError::TooManyParts {
                limit: limits.max_parts,
            });
        }
        for raw in children {
            flatten(&RawPart::parse(raw), depth + 1, limits, seen, out)?;
        }
        return Ok(());
    }
    push_leaf(part, out)
}

fn push_leaf<'a>(part: &RawPart<'a>, out: &mut Vec<Part<'a>>) -> Result<(), DecodeError> {
    let data = transfer::decode(part.transfer_encoding.as_deref(), part.content).map_err(|e| {
        DecodeError::BadTransferEncoding {
            encoding: e.0,
            part: out.len() + 1,
        }
    })?;
    out.push(Part {
        content_type: part
            .content_type
            .clone()
            .unwrap_or_else(|| "text/plain".to_owned()),
        content_id: part.content_id.clone(),
        content_location: part.content_location.clone(),
        data,
    });
    Ok(())
}
