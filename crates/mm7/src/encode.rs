//! Typed → bytes, strictly and deterministically.
//!
//! Everything that would otherwise be random or time-dependent (MIME boundaries,
//! Content-IDs, TransactionIDs, the clock) comes from an [`IdSource`], so a test can pin
//! the exact bytes. Layout written (BRIEF §1, §8): a `multipart/related; type="text/xml";
//! start=…` body whose root is the SOAP part, and one content part referenced by
//! `<Content href="cid:…">` that is itself `multipart/related` (SMIL first, named by
//! `start`) when there is a SMIL part, else `multipart/mixed`. SubmitReq always gets a
//! SMIL part, generated when the caller did not supply one. Messages without content go
//! as a plain `text/xml` body. CRLF everywhere.

use std::borrow::Cow;

use base64::Engine;
use memchr::memmem;

use crate::envelope::write_envelope;
use crate::error::EncodeError;
use crate::http::{StartLine, write_head};
use crate::message::{ContentRef, Envelope, Kind};
use crate::mime::transfer::encode_base64_into;
use crate::part::Part;
use crate::smil;

/// Where boundaries, IDs and the time come from.
pub trait IdSource {
    /// A fresh MIME boundary (at most 70 characters of RFC 2046's set).
    fn boundary(&mut self) -> String;
    /// A fresh TransactionID.
    fn transaction_id(&mut self) -> String;
    /// A fresh Content-ID, without angle brackets.
    fn content_id(&mut self) -> String;
    /// The current time as an xs:dateTime in UTC, e.g. `2026-01-02T03:04:05Z`.
    fn now(&mut self) -> String;
}

/// A deterministic [`IdSource`]: counters under a prefix and a fixed time. Good for tests
/// and golden files; production code supplies random IDs and the real clock.
#[derive(Debug, Clone)]
pub struct SequentialIds {
    prefix: String,
    next: u64,
    now: String,
}

impl SequentialIds {
    pub fn new(prefix: impl Into<String>, now: impl Into<String>) -> Self {
        SequentialIds {
            prefix: prefix.into(),
            next: 0,
            now: now.into(),
        }
    }

    fn bump(&mut self) -> u64 {
        self.next += 1;
        self.next
    }
}

impl IdSource for SequentialIds {
    fn boundary(&mut self) -> String {
        let n = self.bump();
        format!("=_{}_boundary_{n}", self.prefix)
    }

    fn transaction_id(&mut self) -> String {
        let n = self.bump();
        format!("{}-{n}", self.prefix)
    }

    fn content_id(&mut self) -> String {
        let n = self.bump();
        format!("{}-part-{n}@groupline", self.prefix)
    }

    fn now(&mut self) -> String {
        self.now.clone()
    }
}

/// How non-text parts are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransferEncoding {
    /// Raw bytes (`Content-Transfer-Encoding: binary`): smallest, and Sinch's binary size
    /// limits are the generous ones (BRIEF §5).
    #[default]
    Binary,
    /// base64 with 76-character lines.
    Base64,
}

/// An encoded body and the Content-Type header that goes with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedBody {
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Options for an HTTP request (SubmitReq to the provider, DeliverReq from the simulator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOptions {
    /// Request target, e.g. `/mm7/v1`.
    pub path: String,
    pub host: Option<String>,
    /// `SOAPAction` value without quotes; `None` sends the namespace URI (Sinch's form).
    pub soap_action: Option<String>,
    /// Basic auth user and password.
    pub basic_auth: Option<(String, String)>,
    /// Operator ID header name and value, e.g. `("x-mblox-operator-id", "31002")`.
    pub operator_id: Option<(String, String)>,
    pub transfer_encoding: TransferEncoding,
}

impl Default for RequestOptions {
    fn default() -> Self {
        RequestOptions {
            path: "/mm7".to_owned(),
            host: None,
            soap_action: None,
            basic_auth: None,
            operator_id: None,
            transfer_encoding: TransferEncoding::Binary,
        }
    }
}

/// Options for an HTTP response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResponseOptions {
    /// `None`: 500 for a SOAP Fault (SOAP 1.1), 200 otherwise.
    pub status: Option<u16>,
    pub transfer_encoding: TransferEncoding,
}

/// Encodes a full HTTP request.
pub fn encode_request(
    envelope: &Envelope,
    parts: &[Part<'_>],
    options: &RequestOptions,
    ids: &mut dyn IdSource,
) -> Result<Vec<u8>, EncodeError> {
    single_line("path", &options.path)?;
    if options.path.contains(' ') {
        return Err(EncodeError::InvalidField {
            field: "path",
            reason: "must not contain spaces",
        });
    }
    for (field, value) in [
        ("host", options.host.as_deref()),
        ("soap_action", options.soap_action.as_deref()),
        (
            "operator_id",
            options.operator_id.as_ref().map(|(_, v)| v.as_str()),
        ),
        (
            "operator_id header",
            options.operator_id.as_ref().map(|(n, _)| n.as_str()),
        ),
        ("namespace", envelope.namespace.as_deref()),
    ] {
        if let Some(value) = value {
            single_line(field, value)?;
        }
    }
    let encoded = encode_body(envelope, parts, options.transfer_encoding, ids)?;
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(host) = &options.host {
        headers.push(("Host".into(), host.clone()));
    }
    headers.push(("Content-Type".into(), encoded.content_type));
    headers.push(("Content-Length".into(), encoded.body.len().to_string()));
    let action = options
        .soap_action
        .clone()
        .or_else(|| envelope.namespace.clone())
        .unwrap_or_default();
    headers.push(("SOAPAction".into(), format!("\"{action}\"")));
    if let Some((user, password)) = &options.basic_auth {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        headers.push(("Authorization".into(), format!("Basic {token}")));
    }
    if let Some((name, value)) = &options.operator_id {
        headers.push((name.clone(), value.clone()));
    }
    let mut out = Vec::with_capacity(encoded.body.len() + 512);
    write_head(
        &mut out,
        &StartLine::Request {
            method: "POST".into(),
            target: options.path.clone(),
        },
        &headers,
    );
    out.extend_from_slice(&encoded.body);
    Ok(out)
}

/// Encodes a full HTTP response (a webhook's DeliverRsp, the simulator's SubmitRsp or
/// RSErrorRsp fault).
pub fn encode_response(
    envelope: &Envelope,
    parts: &[Part<'_>],
    options: &ResponseOptions,
    ids: &mut dyn IdSource,
) -> Result<Vec<u8>, EncodeError> {
    let encoded = encode_body(envelope, parts, options.transfer_encoding, ids)?;
    let status = options
        .status
        .unwrap_or(if envelope.kind().is_fault() { 500 } else { 200 });
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let headers = vec![
        ("Content-Type".to_owned(), encoded.content_type),
        ("Content-Length".to_owned(), encoded.body.len().to_string()),
    ];
    let mut out = Vec::with_capacity(encoded.body.len() + 256);
    write_head(
        &mut out,
        &StartLine::Response {
            status,
            reason: reason.into(),
        },
        &headers,
    );
    out.extend_from_slice(&encoded.body);
    Ok(out)
}

/// Encodes the body alone (for transports that build their own HTTP request).
pub fn encode_body(
    envelope: &Envelope,
    parts: &[Part<'_>],
    transfer_encoding: TransferEncoding,
    ids: &mut dyn IdSource,
) -> Result<EncodedBody, EncodeError> {
    if parts.is_empty() {
        return Ok(EncodedBody {
            content_type: "text/xml; charset=utf-8".to_owned(),
            body: write_envelope(envelope).into_bytes(),
        });
    }
    for part in parts {
        single_line("content_type", &part.content_type)?;
        for value in [&part.content_id, &part.content_location]
            .into_iter()
            .flatten()
        {
            single_line("content_id/content_location", value)?;
        }
    }
    let mut leaves: Vec<Part<'_>> = parts
        .iter()
        .map(|p| Part {
            content_type: p.content_type.clone(),
            content_id: p.content_id.clone(),
            content_location: p.content_location.clone(),
            data: Cow::Borrowed(&p.data[..]),
        })
        .collect();
    if envelope.kind() == Kind::SubmitReq && !leaves.iter().any(Part::is_smil) {
        for leaf in &mut leaves {
            if leaf.content_id.is_none() {
                leaf.content_id = Some(ids.content_id());
            }
        }
        let document = smil::presentation(&leaves);
        let smil = Part::new("application/smil; charset=utf-8", document.into_bytes())
            .with_content_id(ids.content_id());
        leaves.insert(0, smil);
    }

    let mut envelope = envelope.clone();
    let container_id = match envelope.body.content().and_then(ContentRef::content_id) {
        Some(id) => id.to_owned(),
        None => {
            let id = ids.content_id();
            if let Some(slot) = envelope.body.content_mut() {
                let allow_adaptations = slot.as_ref().and_then(|c| c.allow_adaptations);
                *slot = Some(ContentRef {
                    href: format!("cid:{id}"),
                    allow_adaptations,
                });
            }
            id
        }
    };
    let soap_id = ids.content_id();
    let xml = write_envelope(&envelope);

    let (outer, inner) = pick_boundaries(ids, &xml, &leaves)?;
    let smil_start = leaves
        .iter()
        .find(|p| p.is_smil())
        .and_then(|p| p.content_id.clone());
    let container_type = if leaves.iter().any(Part::is_smil) {
        match &smil_start {
            Some(start) => format!(
                "multipart/related; boundary=\"{inner}\"; type=\"application/smil\"; start=\"<{start}>\""
            ),
            None => format!("multipart/related; boundary=\"{inner}\"; type=\"application/smil\""),
        }
    } else {
        format!("multipart/mixed; boundary=\"{inner}\"")
    };

    let payload: usize = leaves.iter().map(|p| p.data.len()).sum();
    let mut body = Vec::with_capacity(xml.len() + payload * 4 / 3 + 1024);
    push_line(&mut body, &format!("--{outer}"));
    push_line(&mut body, "Content-Type: text/xml; charset=utf-8");
    push_line(&mut body, &format!("Content-ID: <{soap_id}>"));
    push_line(&mut body, "");
    body.extend_from_slice(xml.as_bytes());
    push_line(&mut body, &format!("\r\n--{outer}"));
    push_line(&mut body, &format!("Content-Type: {container_type}"));
    push_line(&mut body, &format!("Content-ID: <{container_id}>"));
    push_line(&mut body, "");
    for leaf in &leaves {
        push_line(&mut body, &format!("--{inner}"));
        write_leaf(&mut body, leaf, transfer_encoding);
        body.extend_from_slice(b"\r\n");
    }
    push_line(&mut body, &format!("--{inner}--"));
    push_line(&mut body, &format!("--{outer}--"));
    Ok(EncodedBody {
        content_type: format!(
            "multipart/related; boundary=\"{outer}\"; type=\"text/xml\"; start=\"<{soap_id}>\""
        ),
        body,
    })
}

/// Header values come from callers (and, in the relay, from decoded input): a line break
/// in one would let it forge headers or MIME boundaries.
fn single_line(field: &'static str, value: &str) -> Result<(), EncodeError> {
    if value.contains(['\r', '\n']) {
        return Err(EncodeError::InvalidField {
            field,
            reason: "header values must not contain line breaks",
        });
    }
    Ok(())
}

fn push_line(out: &mut Vec<u8>, line: &str) {
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(b"\r\n");
}

fn write_leaf(out: &mut Vec<u8>, part: &Part<'_>, transfer_encoding: TransferEncoding) {
    push_line(out, &format!("Content-Type: {}", part.content_type));
    let textual = is_textual(&part.media_type()) && std::str::from_utf8(&part.data).is_ok();
    let encoding = match (textual, transfer_encoding) {
        (true, _) => "8bit",
        (false, TransferEncoding::Binary) => "binary",
        (false, TransferEncoding::Base64) => "base64",
    };
    push_line(out, &format!("Content-Transfer-Encoding: {encoding}"));
    if let Some(id) = &part.content_id {
        push_line(out, &format!("Content-ID: <{id}>"));
    }
    if let Some(location) = &part.content_location {
        push_line(out, &format!("Content-Location: {location}"));
    }
    push_line(out, "");
    if encoding == "base64" {
        encode_base64_into(out, &part.data);
    } else {
        out.extend_from_slice(&part.data);
    }
}

fn is_textual(media_type: &str) -> bool {
    media_type.starts_with("text/")
        || media_type == "application/smil"
        || media_type == "application/xml"
        || media_type.ends_with("+xml")
}

/// Asks for boundaries until neither occurs in anything it must delimit.
fn pick_boundaries(
    ids: &mut dyn IdSource,
    xml: &str,
    leaves: &[Part<'_>],
) -> Result<(String, String), EncodeError> {
    let collides = |boundary: &str| {
        let needle = format!("--{boundary}");
        let finder = memmem::Finder::new(needle.as_bytes());
        finder.find(xml.as_bytes()).is_some()
            || leaves.iter().any(|p| finder.find(&p.data).is_some())
    };
    for _ in 0..8 {
        let outer = ids.boundary();
        let inner = ids.boundary();
        if outer.is_empty() || inner.is_empty() || outer.len() > 70 || inner.len() > 70 {
            return Err(EncodeError::InvalidField {
                field: "boundary",
                reason: "must be 1 to 70 characters",
            });
        }
        // Neither boundary may be a prefix of the other, or one delimiter would match
        // inside the other.
        if inner.starts_with(&outer)
            || outer.starts_with(&inner)
            || collides(&outer)
            || collides(&inner)
        {
            continue;
        }
        return Ok((outer, inner));
    }
    Err(EncodeError::BoundaryCollision)
}
