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
