//! The SOAP envelope: turning the SOAP part's bytes into an [`Envelope`] and back.
//!
//! Reading is by local name over a forgiving tree ([`tree`]); the namespace is kept only
//! to report the version. Writing is explicit text ([`write`]) in the form BRIEF §8 asks
//! for, with the SOAP Fault wrapper for RSErrorRsp/VASPErrorRsp.

pub(crate) mod tree;
pub(crate) mod write;

use std::borrow::Cow;

use crate::error::DecodeError;
use crate::limits::Limits;
use crate::message::{Body, Envelope, Kind};
use crate::version::SOAP_ENV_NAMESPACE;

use tree::{Element, TreeLimits};
use write::XmlWriter;

/// Reads an envelope from the SOAP part's bytes.
pub fn read_envelope(bytes: &[u8], limits: &Limits) -> Result<Envelope, DecodeError> {
    let text = sniff_text(bytes);
    // A leading blank line before `<?xml` (Sinch responses, BRIEF §1) would make the
    // declaration illegal; nothing before the first `<` matters to us.
    let start = text.find('<').unwrap_or(text.len());
    let root = tree::parse(
        &text[start..],
        TreeLimits {
            max_depth: limits.max_xml_depth,
            max_elements: limits.max_xml_elements,
        },
    )?;
    envelope_from_tree(&root)
}

/// The SOAP part as text. The XML declaration's `encoding` is ignored: Vibes declares
/// utf-16 and sends UTF-8 (BRIEF §1). Only a real UTF-16 byte-order mark (or the
/// unmistakable `<\0` pattern) switches to UTF-16; anything else is read as UTF-8 with
/// invalid sequences replaced.
fn sniff_text(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, false)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, true)),
        [b'<', 0, ..] => Some((bytes, false)),
        [0, b'<', ..] => Some((bytes, true)),
        _ => None,
    };
    match utf16 {
        Some((rest, big_endian)) => {
            let units = rest.chunks_exact(2).map(|c| {
                if big_endian {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            });
            Cow::Owned(
                char::decode_utf16(units)
                    .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect(),
            )
        }
        None => String::from_utf8_lossy(bytes),
    }
}

fn envelope_from_tree(root: &Element) -> Result<Envelope, DecodeError> {
    // Envelope → Body is the normal path; a bare message element (no envelope) is
    // tolerated by searching from the root.
    let body = root.find("Body").unwrap_or(root);
    let (kind, message, fault) = locate_message(body)?;
    let mut decoded = Body::read(kind, message)?;
    if let (Some(fault), Body::RSErrorRsp(e) | Body::VASPErrorRsp(e)) = (fault, &mut decoded) {
        e.read_fault(fault);
    }
    let transaction = root.find("TransactionID");
    let namespace = mm7_namespace(message)
        .or_else(|| transaction.and_then(mm7_namespace))
        .map(str::to_owned);
    Ok(Envelope {
        transaction_id: transaction.map(|t| t.text.trim().to_owned()),
        namespace,
        mm7_version: message.child_text("MM7Version"),
        body: decoded,
    })
}

fn locate_message(body: &Element) -> Result<(Kind, &Element, Option<&Element>), DecodeError> {
    if let Some(fault) = body.find("Fault") {
        for kind in [Kind::RSErrorRsp, Kind::VASPErrorRsp] {
            if let Some(m) = fault.find(kind.element()) {
                return Ok((kind, m, Some(fault)));
            }
        }
        // A fault without an MM7 detail still has to be surfaced as an error response.
        return Err(DecodeError::MissingElement {
            message: "Fault",
            element: "RSErrorRsp",
        });
    }
    for child in &body.children {
        if let Some(kind) = Kind::from_element(&child.local) {
            return Ok((kind, child, None));
        }
    }
    // Not a direct child: search deeper (e.g. no Body, message under Envelope).
    for kind in Kind::ALL {
        if let Some(m) = body.find(kind.element()) {
            return Ok((kind, m, None));
        }
    }
    match body.children.first() {
        Some(first) if body.local == "Body" => {
            Err(DecodeError::UnknownMessage(first.local.clone()))
        }
        _ => Err(DecodeError::NoEnvelope),
    }
}

fn mm7_namespace(element: &Element) -> Option<&str> {
    element
        .namespace
        .as_deref()
        .filter(|ns| !ns.is_empty() && *ns != SOAP_ENV_NAMESPACE)
}

/// Writes the SOAP part (UTF-8, CRLF) for `envelope`.
pub fn write_envelope(envelope: &Envelope) -> String {
    let mut w = XmlWriter::new();
    w.raw_line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    w.open_with(
        "soap-env:Envelope",
        &[("xmlns:soap-env", SOAP_ENV_NAMESPACE)],
    );
    let ns: Vec<(&str, &str)> = envelope
        .namespace
        .as_deref()
        .map(|n| vec![("xmlns", n)])
        .unwrap_or_default();
    if let Some(id) = &envelope.transaction_id {
        w.open("soap-env:Header");
        let mut attributes = ns.clone();
        attributes.push(("soap-env:mustUnderstand", "1"));
        w.text_element_with("TransactionID", &attributes, id);
        w.close("soap-env:Header");
    }
    w.open("soap-env:Body");
    let kind = envelope.kind();
    let fault = match &envelope.body {
        Body::RSErrorRsp(e) | Body::VASPErrorRsp(e) => Some(e),
        _ => None,
    };
    if let Some(e) = fault {
        w.open("soap-env:Fault");
        w.text_element("faultcode", &e.fault_code_or_default());
        w.text_element("faultstring", &e.fault_string_or_default());
        w.open("detail");
    }
    w.open_with(kind.element(), &ns);
    w.optional("MM7Version", envelope.mm7_version.as_deref());
    envelope.body.write_children(&mut w);
    w.close(kind.element());
    if fault.is_some() {
        w.close("detail");
        w.close("soap-env:Fault");
    }
    w.close("soap-env:Body");
    w.close("soap-env:Envelope");
    w.finish()
}
