//! The typed MM7 messages: one module per message family, each owning its structs and both
//! directions (read from the lenient element tree, write in schema order).
//!
//! An [`Envelope`] is what travels in the SOAP part: the header's TransactionID, the
//! namespace and MM7Version (kept as sent, see [`crate::version`]) and one [`Body`].

mod cancel;
mod deliver;
mod delivery_report;
mod fault;
mod read_reply;
mod replace;
mod response;
mod submit;

pub use cancel::CancelReq;
pub use deliver::{DeliverReq, UaCapabilities};
pub use delivery_report::{DeliveryReportReq, MmStatus};
pub use fault::ErrorRsp;
pub use read_reply::ReadReplyReq;
pub use replace::ReplaceReq;
pub use response::{DeliverRsp, StatusRsp, SubmitRsp};
pub use submit::{ReplyCharging, SubmitReq};

use crate::address::{Address, parse_bool};
use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;
use crate::status::{Status, StatusCode};
use crate::version::Version;

/// One SOAP message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Envelope {
    /// The header's `TransactionID`, trimmed. Absent only in broken input.
    pub transaction_id: Option<String>,
    /// The MM7 namespace URI the message element (or else the TransactionID) was in.
    /// `None` writes the message element with no namespace (as Sinch's full example does).
    pub namespace: Option<String>,
    /// `MM7Version` as sent (e.g. "6.8.0").
    pub mm7_version: Option<String>,
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub body: Body,
}

impl Envelope {
    /// A message written with `version` and `transaction_id`.
    pub fn new(version: &Version, transaction_id: impl Into<String>, body: Body) -> Self {
        Envelope {
            transaction_id: Some(transaction_id.into()),
            namespace: Some(version.namespace.clone()),
            mm7_version: Some(version.mm7_version.clone()),
            body,
        }
    }

    /// A response to this request that echoes its TransactionID, namespace and MM7Version,
    /// as providers check (BRIEF §2).
    pub fn respond(&self, body: Body) -> Envelope {
        Envelope {
            transaction_id: self.transaction_id.clone(),
            namespace: self.namespace.clone(),
            mm7_version: self.mm7_version.clone(),
            body,
        }
    }

    /// The response kind that acknowledges this request with `status`, if it is a request
    /// (DeliverReq → DeliverRsp, …). What a webhook answers within 10 s (BRIEF §0.6).
    pub fn acknowledge(&self, status: Status) -> Option<Envelope> {
        let body = match &self.body {
            Body::SubmitReq(_) => Body::SubmitRsp(SubmitRsp {
                status,
                ..SubmitRsp::default()
            }),
            Body::DeliverReq(_) => Body::DeliverRsp(DeliverRsp {
                status,
                service_code: None,
            }),
            Body::DeliveryReportReq(_) => Body::DeliveryReportRsp(StatusRsp { status }),
            Body::ReadReplyReq(_) => Body::ReadReplyRsp(StatusRsp { status }),
            Body::CancelReq(_) => Body::CancelRsp(StatusRsp { status }),
            Body::ReplaceReq(_) => Body::ReplaceRsp(StatusRsp { status }),
            _ => return None,
        };
        Some(self.respond(body))
    }

    /// The status a response carries (every response kind and both faults have one).
    pub fn status(&self) -> Option<&Status> {
        match &self.body {
            Body::SubmitRsp(r) => Some(&r.status),
            Body::DeliverRsp(r) => Some(&r.status),
            Body::DeliveryReportRsp(r)
            | Body::ReadReplyRsp(r)
            | Body::CancelRsp(r)
            | Body::ReplaceRsp(r) => Some(&r.status),
            Body::RSErrorRsp(r) | Body::VASPErrorRsp(r) => Some(&r.status),
            _ => None,
        }
    }

    pub fn kind(&self) -> Kind {
        self.body.kind()
    }
}

/// The message element.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "kind")
)]
#[allow(clippy::large_enum_variant)] // one message per request; boxing buys nothing here
pub enum Body {
    SubmitReq(SubmitReq),
    SubmitRsp(SubmitRsp),
    DeliverReq(DeliverReq),
    DeliverRsp(DeliverRsp),
    DeliveryReportReq(DeliveryReportReq),
    DeliveryReportRsp(StatusRsp),
    ReadReplyReq(ReadReplyReq),
    ReadReplyRsp(StatusRsp),
    CancelReq(CancelReq),
    CancelRsp(StatusRsp),
    ReplaceReq(ReplaceReq),
    ReplaceRsp(StatusRsp),
    /// Relay/server → VASP error, always inside a SOAP Fault.
    RSErrorRsp(ErrorRsp),
    /// VASP → relay/server error, always inside a SOAP Fault.
    VASPErrorRsp(ErrorRsp),
}

/// The kind of a message: its element name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    SubmitReq,
    SubmitRsp,
    DeliverReq,
    DeliverRsp,
    DeliveryReportReq,
    DeliveryReportRsp,
    ReadReplyReq,
    ReadReplyRsp,
    CancelReq,
    CancelRsp,
    ReplaceReq,
    ReplaceRsp,
    RSErrorRsp,
    VASPErrorRsp,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::SubmitReq,
        Kind::SubmitRsp,
        Kind::DeliverReq,
        Kind::DeliverRsp,
        Kind::DeliveryReportReq,
        Kind::DeliveryReportRsp,
        Kind::ReadReplyReq,
        Kind::ReadReplyRsp,
        Kind::CancelReq,
        Kind::CancelRsp,
        Kind::ReplaceReq,
        Kind::ReplaceRsp,
        Kind::RSErrorRsp,
        Kind::VASPErrorRsp,
    ];

    /// The element name, e.g. `"DeliverReq"`.
    pub fn element(self) -> &'static str {
        match self {
            Kind::SubmitReq => "SubmitReq",
            Kind::SubmitRsp => "SubmitRsp",
            Kind::DeliverReq => "DeliverReq",
            Kind::DeliverRsp => "DeliverRsp",
            Kind::DeliveryReportReq => "DeliveryReportReq",
            Kind::DeliveryReportRsp => "DeliveryReportRsp",
            Kind::ReadReplyReq => "ReadReplyReq",
            Kind::ReadReplyRsp => "ReadReplyRsp",
            Kind::CancelReq => "CancelReq",
            Kind::CancelRsp => "CancelRsp",
            Kind::ReplaceReq => "ReplaceReq",
            Kind::ReplaceRsp => "ReplaceRsp",
            Kind::RSErrorRsp => "RSErrorRsp",
            Kind::VASPErrorRsp => "VASPErrorRsp",
        }
    }

    pub fn from_element(local: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.element() == local)
    }

    /// Requests travel as HTTP requests, the rest as HTTP responses.
    pub fn is_request(self) -> bool {
        self.element().ends_with("Req")
    }

    pub fn is_fault(self) -> bool {
        matches!(self, Kind::RSErrorRsp | Kind::VASPErrorRsp)
    }
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::SubmitReq(_) => Kind::SubmitReq,
            Body::SubmitRsp(_) => Kind::SubmitRsp,
            Body::DeliverReq(_) => Kind::DeliverReq,
            Body::DeliverRsp(_) => Kind::DeliverRsp,
            Body::DeliveryReportReq(_) => Kind::DeliveryReportReq,
            Body::DeliveryReportRsp(_) => Kind::DeliveryReportRsp,
            Body::ReadReplyReq(_) => Kind::ReadReplyReq,
            Body::ReadReplyRsp(_) => Kind::ReadReplyRsp,
            Body::CancelReq(_) => Kind::CancelReq,
            Body::CancelRsp(_) => Kind::CancelRsp,
            Body::ReplaceReq(_) => Kind::ReplaceReq,
            Body::ReplaceRsp(_) => Kind::ReplaceRsp,
            Body::RSErrorRsp(_) => Kind::RSErrorRsp,
            Body::VASPErrorRsp(_) => Kind::VASPErrorRsp,
        }
    }

    /// The `<Content href>` reference, for the kinds that carry content.
    pub fn content(&self) -> Option<&ContentRef> {
        match self {
            Body::SubmitReq(m) => m.content.as_ref(),
            Body::DeliverReq(m) => m.content.as_ref(),
            Body::ReplaceReq(m) => m.content.as_ref(),
            _ => None,
        }
    }

    pub(crate) fn content_mut(&mut self) -> Option<&mut Option<ContentRef>> {
        match self {
            Body::SubmitReq(m) => Some(&mut m.content),
            Body::DeliverReq(m) => Some(&mut m.content),
            Body::ReplaceReq(m) => Some(&mut m.content),
            _ => None,
        }
    }

    /// Reads the message element `element` of kind `kind`.
    pub(crate) fn read(kind: Kind, element: &Element) -> Result<Body, DecodeError> {
        Ok(match kind {
            Kind::SubmitReq => Body::SubmitReq(SubmitReq::read(element)?),
            Kind::SubmitRsp => Body::SubmitRsp(SubmitRsp::read(element)?),
            Kind::DeliverReq => Body::DeliverReq(DeliverReq::read(element)?),
            Kind::DeliverRsp => Body::DeliverRsp(DeliverRsp::read(element)?),
            Kind::DeliveryReportReq => Body::DeliveryReportReq(DeliveryReportReq::read(element)?),
            Kind::DeliveryReportRsp => {
                Body::DeliveryReportRsp(StatusRsp::read(element, "DeliveryReportRsp")?)
            }
            Kind::ReadReplyReq => Body::ReadReplyReq(ReadReplyReq::read(element)?),
            Kind::ReadReplyRsp => Body::ReadReplyRsp(StatusRsp::read(element, "ReadReplyRsp")?),
            Kind::CancelReq => Body::CancelReq(CancelReq::read(element)?),
            Kind::CancelRsp => Body::CancelRsp(StatusRsp::read(element, "CancelRsp")?),
            Kind::ReplaceReq => Body::ReplaceReq(ReplaceReq::read(element)?),
            Kind::ReplaceRsp => Body::ReplaceRsp(StatusRsp::read(element, "ReplaceRsp")?),
            Kind::RSErrorRsp => Body::RSErrorRsp(ErrorRsp::read(element, "RSErrorRsp")?),
            Kind::VASPErrorRsp => Body::VASPErrorRsp(ErrorRsp::read(element, "VASPErrorRsp")?),
        })
    }

    /// Writes the children of the message element, after `MM7Version`.
    pub(crate) fn write_children(&self, w: &mut XmlWriter) {
        match self {
            Body::SubmitReq(m) => m.write(w),
            Body::SubmitRsp(m) => m.write(w),
            Body::DeliverReq(m) => m.write(w),
            Body::DeliverRsp(m) => m.write(w),
            Body::DeliveryReportReq(m) => m.write(w),
            Body::ReadReplyReq(m) => m.write(w),
            Body::CancelReq(m) => m.write(w),
            Body::ReplaceReq(m) => m.write(w),
            Body::DeliveryReportRsp(m)
            | Body::ReadReplyRsp(m)
            | Body::CancelRsp(m)
            | Body::ReplaceRsp(m) => m.write(w),
            Body::RSErrorRsp(m) | Body::VASPErrorRsp(m) => m.write(w),
        }
    }
}

/// `<Content href="cid:…" allowAdaptations="…"/>`: where the content part is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ContentRef {
    /// As sent, e.g. `cid:default.cid`. See [`ContentRef::content_id`].
    pub href: String,
    /// Schema default is true; `None` means the attribute was absent.
    pub allow_adaptations: Option<bool>,
}

impl ContentRef {
    /// A reference to the part with this Content-ID (no angle brackets).
    pub fn cid(content_id: &str) -> Self {
        ContentRef {
            href: format!("cid:{content_id}"),
            allow_adaptations: None,
        }
    }

    /// The Content-ID this reference names: `cid:` removed (any case, spaces tolerated,
    /// BRIEF §1) and angle brackets removed. `None` when the href is not a `cid:` URL.
    pub fn content_id(&self) -> Option<&str> {
        let href = self.href.trim();
        // `get` rather than slicing: the href is untrusted and may not be ASCII.
        let scheme = href.get(..4)?;
        let rest = href.get(4..)?;
        scheme
            .eq_ignore_ascii_case("cid:")
            .then(|| strip_angles(rest.trim()))
    }

    pub(crate) fn read(element: &Element) -> Result<ContentRef, DecodeError> {
        let allow_adaptations = match element.attribute("allowAdaptations") {
            Some(v) => Some(parse_bool("allowAdaptations", v)?),
            None => None,
        };
        Ok(ContentRef {
            href: element
                .attribute("href")
                .unwrap_or_default()
                .trim()
                .to_owned(),
            allow_adaptations,
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        let mut attributes = vec![("href", self.href.as_str())];
        if let Some(a) = self.allow_adaptations {
            attributes.push(("allowAdaptations", if a { "true" } else { "false" }));
        }
        w.empty("Content", &attributes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledgements_echo_id_namespace_and_version() {
        let version = Version::new(crate::Release::Rel5Mm7_1_3, "5.3.0");
        let requests = [
            (Body::SubmitReq(SubmitReq::default()), Kind::SubmitRsp),
            (Body::DeliverReq(DeliverReq::default()), Kind::DeliverRsp),
            (
                Body::DeliveryReportReq(DeliveryReportReq::default()),
                Kind::DeliveryReportRsp,
            ),
            (
                Body::ReadReplyReq(ReadReplyReq::default()),
                Kind::ReadReplyRsp,
            ),
            (Body::CancelReq(CancelReq::default()), Kind::CancelRsp),
            (Body::ReplaceReq(ReplaceReq::default()), Kind::ReplaceRsp),
        ];
        for (body, expected) in requests {
            let request = Envelope::new(&version, "tx-7", body);
            let ack = request.acknowledge(Status::success("ok")).unwrap();
            assert_eq!(ack.kind(), expected);
            assert_eq!(ack.transaction_id.as_deref(), Some("tx-7"));
            assert_eq!(ack.namespace, request.namespace);
            assert_eq!(ack.mm7_version.as_deref(), Some("5.3.0"));
            assert_eq!(ack.status().map(|s| s.code), Some(StatusCode::SUCCESS));
        }
        let response = Envelope::new(
            &version,
            "t",
            Body::DeliverRsp(DeliverRsp {
                status: Status::success("x"),
                service_code: None,
            }),
        );
        assert!(response.acknowledge(Status::success("x")).is_none());
    }

    #[test]
    fn content_ids_from_hrefs() {
        let id = |href: &str| {
            ContentRef {
                href: href.into(),
                allow_adaptations: None,
            }
            .content_id()
            .map(str::to_owned)
        };
        assert_eq!(id("cid:a"), Some("a".into()));
        assert_eq!(id(" CID: <a> "), Some("a".into()));
        assert_eq!(id("ab\u{20ac}"), None, "non-ASCII never panics");
        assert_eq!(id("http://x/y"), None);
    }
}

pub(crate) fn strip_angles(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(s)
        .trim()
}

/// `<SenderIdentification>` of SubmitReq, CancelReq and ReplaceReq.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SenderIdentification {
    /// Sinch: the API key.
    pub vasp_id: Option<String>,
    /// Sinch: the service ID of the short code / number.
    pub vas_id: Option<String>,
    /// `<SenderAddress>`: your short code, 10DLC or toll-free number.
    pub sender: Option<Address>,
}

impl SenderIdentification {
    pub(crate) fn read(message: &Element) -> Result<SenderIdentification, DecodeError> {
        let Some(si) = message.child("SenderIdentification") else {
            return Ok(SenderIdentification::default());
        };
        Ok(SenderIdentification {
            vasp_id: si.child_text("VASPID"),
            vas_id: si.child_text("VASID"),
            sender: match si.child("SenderAddress") {
                Some(sa) => Address::read_in(sa)?,
                None => None,
            },
        })
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        w.open("SenderIdentification");
        w.optional("VASPID", self.vasp_id.as_deref());
        w.optional("VASID", self.vas_id.as_deref());
        if let Some(sender) = &self.sender {
            sender.write_in(w, "SenderAddress");
        }
        w.close("SenderIdentification");
    }
}

/// Reads `<Status>`; required in every response.
pub(crate) fn read_status(message: &Element, kind: &'static str) -> Result<Status, DecodeError> {
    let status = message.child("Status").ok_or(DecodeError::MissingElement {
        message: kind,
        element: "Status",
    })?;
    let raw = status
        .child_text("StatusCode")
        .ok_or(DecodeError::MissingElement {
            message: kind,
            element: "StatusCode",
        })?;
    let code = raw.parse::<u16>().map_err(|_| DecodeError::InvalidValue {
        element: "StatusCode",
        value: raw.clone(),
    })?;
    Ok(Status {
        code: StatusCode(code),
        text: status.child_text("StatusText"),
        details: status.child_text("Details"),
    })
}

pub(crate) fn write_status(w: &mut XmlWriter, status: &Status) {
    w.open("Status");
    w.text_element("StatusCode", &status.code.0.to_string());
    w.optional("StatusText", status.text.as_deref());
    w.optional("Details", status.details.as_deref());
    w.close("Status");
}

/// An optional boolean child.
pub(crate) fn read_bool(
    message: &Element,
    local: &'static str,
) -> Result<Option<bool>, DecodeError> {
    match message.child(local) {
        Some(e) => parse_bool(local, &e.text).map(Some),
        None => Ok(None),
    }
}

/// An address container such as `<Sender>`. Optional even where the schema says
/// mandatory: real MMSCs omit them (the minimal instantcom DeliverReq has no Sender).
pub(crate) fn read_address(message: &Element, local: &str) -> Result<Option<Address>, DecodeError> {
    Ok(message
        .child(local)
        .map(Address::read_in)
        .transpose()?
        .flatten())
}

pub(crate) fn read_content(message: &Element) -> Result<Option<ContentRef>, DecodeError> {
    message.child("Content").map(ContentRef::read).transpose()
}
