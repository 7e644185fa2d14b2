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
//!
//! # Decisions
//!
//! - **Budget.** The whole message counts: text, every part, and a MIME/SMIL allowance of
//!   [`MESSAGE_OVERHEAD`] plus [`PART_OVERHEAD`] and twice the file name per part (boundary
//!   lines, part headers, the SMIL document). Sizes are binary; the base64 on the wire is
//!   the codec's business and the brief's binary figures are what carriers check. No image,
//!   audio or video part exceeds [`SINCH_MEDIA_PART_LIMIT`] (Sinch's account-level upload
//!   limit) unless [`OutgoingLimits`] says otherwise.
//! - **Quality search**: the largest scale that fits at quality
//!   [`Q_GOOD`], then the best quality up to [`Q_MAX`] at that scale; below `Q_GOOD` only
//!   at the smallest size ([`MIN_SIDE`]) and never below [`Q_MIN`]. Images share what the
//!   fixed parts leave in proportion to pixel count; leftovers flow to later images.
//! - **Photos that already fit** are sent as they are, minus EXIF/GPS, XMP, comments and
//!   trailing secondary images (stripped losslessly); a photo rotated by EXIF is re-encoded
//!   upright instead, since dropping the tag would turn it sideways.
//! - **GIF.** An animated GIF is kept, animated and byte for byte, when it fits its share
//!   and is under [`GIF_ANIMATED_MAX`] (Sinch's advice); otherwise its first frame is sent
//!   as a JPEG. Re-encoding every frame smaller would cost seconds and palette quality for
//!   a result carriers may still mangle, and a still is predictable.
//! - **HEIC** is decoded by `heifer` (pure Rust, no unsafe) behind the default `heic`
//!   feature and sent as JPEG; without the feature it is refused with "export as JPEG".
//! - **WebP and BMP** are converted to JPEG; transparency is flattened onto white.
//! - **Incoming** errors mean "don't show it inline", never "drop it".

mod accept;
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
pub use error::MediaError;
pub use fit::{MIN_SIDE, Q_GOOD, Q_MAX, Q_MIN};
pub use incoming::{IncomingBounds, InspectedMedia, ShowAs, inspect_incoming};
pub use outgoing::{
    Change, PreparedMessage, PreparedPart, prepare_outgoing, prepare_outgoing_with,
};
pub use plan::{
    Attachment, GIF_ANIMATED_MAX, MESSAGE_OVERHEAD, MIN_IMAGE_BYTES, OUTGOING_MAX_PIXELS,
    OutgoingLimits, OutgoingPlan, PART_OVERHEAD, PlannedAction, PlannedPart, ReencodeReason,
    SINCH_MEDIA_PART_LIMIT, overhead_bytes, plan_outgoing, plan_outgoing_with,
};
pub use sniff::{MediaKind, Sniffed, sniff};
pub use thumbnail::Thumbnail;
