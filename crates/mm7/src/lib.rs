//! The MM7 codec (3GPP TS 23.140: SOAP with attachments over HTTP).
//!
//! Typed MM7 messages ([`Envelope`] with a [`Body`] per message kind) become exact bytes,
//! and real-world bytes become typed messages again, including the quirks real providers
//! produce (see `shared/mm7/BRIEF.md`). It is sans-IO: no sockets, no async runtime, no
//! database. Encoding is strict and deterministic: the clock, TransactionIDs, MIME
//! boundaries and Content-IDs come from an injected [`IdSource`]. Decoding is lenient
//! but bounded ([`Limits`]) and never panics.
//!
//! - [`decode_http`] / [`decode_body`]: bytes → [`Decoded`] (envelope + content parts,
//!   borrowed from the input where no transfer decoding was needed).
//! - [`encode_request`] / [`encode_response`] / [`encode_body`]: typed → bytes.
//! - [`group`]: the Sinch 10DLC group fan-out and its validation.
//!
//! Answering a webhook push (what the relay does for every DeliverReq):
//!
//! ```
//! use mm7::{Limits, ResponseOptions, SequentialIds, Status, decode_http, encode_response};
//!
//! let push = b"POST /mo HTTP/1.1\r\nContent-Type: text/xml\r\n\r\n\
//!     <Envelope><Header><TransactionID>42</TransactionID></Header><Body>\
//!     <DeliverReq><MM7Version>6.8.0</MM7Version><Sender><Number>+12025550102</Number></Sender>\
//!     </DeliverReq></Body></Envelope>";
//! let decoded = decode_http(push, &Limits::default())?;
//! let ack = decoded.envelope.acknowledge(Status::success("Received")).expect("a request");
//! let mut ids = SequentialIds::new("relay", "2026-01-01T00:00:00Z");
//! let reply = encode_response(&ack, &[], &ResponseOptions::default(), &mut ids)?;
//! assert!(reply.starts_with(b"HTTP/1.1 200 OK\r\n"));
//! assert!(String::from_utf8_lossy(&reply).contains(">42</TransactionID>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Sending one message to a Sinch group (one SubmitReq per participant):
//!
//! ```
//! use mm7::message::SubmitReq;
//! use mm7::{Address, Part, RequestOptions, SequentialIds, Version, encode_request, group};
//!
//! let mut ids = SequentialIds::new("out", "2026-01-01T00:00:00Z");
//! let template = SubmitReq { subject: Some("Lunch?".into()), ..SubmitReq::default() };
//! let people = [Address::number("12025550101"), Address::number("12025550102")];
//! let parts = [Part::new("text/plain; charset=utf-8", &b"Noon at the usual place"[..])];
//! for send in group::fan_out(&template, &people, &Version::default(), &mut ids)? {
//!     let request = encode_request(&send.envelope, &parts, &RequestOptions::default(), &mut ids)?;
//!     let text = String::from_utf8_lossy(&request);
//!     assert_eq!(text.matches("displayOnly=\"false\"").count(), 1);
//!     assert!(text.contains("application/smil"));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod address;
mod decode;
mod encode;
pub mod envelope;
pub mod error;
pub mod group;
mod http;
mod limits;
pub mod message;
mod mime;
mod part;
mod smil;
pub mod status;
pub mod version;

pub use address::{Address, AddressKind, Recipient, RecipientField};
pub use decode::{Decoded, decode_body, decode_http};
pub use encode::{
    EncodedBody, IdSource, RequestOptions, ResponseOptions, SequentialIds, TransferEncoding,
    encode_body, encode_request, encode_response,
};
pub use error::{DecodeError, EncodeError, GroupError};
pub use http::{HttpHead, StartLine, looks_like_http};
pub use limits::Limits;
pub use message::{Body, ContentRef, Envelope, Kind};
pub use part::Part;
pub use status::{Status, StatusCode};
pub use version::{Release, Version};
