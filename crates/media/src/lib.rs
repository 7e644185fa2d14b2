//! Media for MMS, with no I/O: what a part's bytes really are, whether they are safe to
//! decode, their thumbnails, and how to make an outgoing message fit a carrier's limit.
//!
//! Bytes in, bytes out: no files, no network, no async, no store. The engine reads files,
//! calls these functions (off its async threads: decoding and encoding are CPU work) and
//! stores what they return.
//!
//! - [`sniff`]: the type by magic numbers, image dimensions from headers.
//! - [`tightest_limit`]: the byte budget for a set of recipients' carriers.
//! - [`plan_outgoing`] (cheap, for a size meter) and [`prepare_outgoing`] (does the work):
//!   an outgoing message made to fit.
//! - [`inspect_incoming`]: a received part sniffed, bounded and thumbnailed.

mod carrier;
mod decode;
mod error;
mod fit;
mod headers;
mod incoming;
mod outgoing;
mod plan;
mod sniff;
mod strip;
mod thumbnail;

pub use carrier::{Carrier, KNOWN_CARRIERS, Route, tightest_limit, tightest_limit_on};
pub use decode::DecodeBounds;
pub use error::MediaError;
pub use fit::{MIN_SIDE, Q_GOOD, Q_MAX, Q_MIN};
pub use incoming::{Display, IncomingBounds, InspectedMedia, inspect_incoming};
pub use outgoing::{Change, PreparedMessage, PreparedPart, prepare_outgoing};
pub use plan::{
    Attachment, GIF_ANIMATED_MAX, MESSAGE_OVERHEAD, MIN_IMAGE_BYTES, OUTGOING_MAX_PIXELS,
    OutgoingPlan, PART_OVERHEAD, PlannedAction, PlannedPart, ReencodeReason, overhead_bytes,
    plan_outgoing,
};
pub use sniff::{MediaKind, Sniffed, sniff};
pub use thumbnail::{Thumbnail, thumbnail};
