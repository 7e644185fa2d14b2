//! The engine's use of the `media` crate: thumbnails for inbound parts and carrier-fit
//! preparation of outgoing attachments.

/// A thumbnail for an inbound part when it is an image that is safe to decode.
pub fn thumbnail(_bytes: &[u8]) -> Option<Vec<u8>> {
    None
}
