//! Small previews of decoded images for the thread view.
//!
//! Thumbnails are always re-encoded by us (never the sender's bytes), so what the UI
//! displays inline has passed through our decoder and carries no metadata: JPEG for opaque
//! images, PNG when there is transparency to keep.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};

use crate::{decode, fit};

/// Quality of JPEG thumbnails: small files, no visible blocking at thumbnail size.
const THUMBNAIL_QUALITY: u8 = 80;

/// A preview image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
}

/// `image` scaled to fit `max_side` on its longest side (never enlarged), encoded.
pub(crate) fn thumbnail(image: &DynamicImage, max_side: u32) -> Thumbnail {
    let max_side = max_side.max(1);
    let small = if image.width().max(image.height()) > max_side {
        image.thumbnail(max_side, max_side)
    } else {
        image.clone()
    };
    let (width, height) = (small.width(), small.height());
    if small.color().has_alpha() {
        let mut bytes = Vec::new();
        // PNG into memory only fails on absurd sizes, which max_side rules out; fall back to
        // JPEG if it ever does.
        if small
            .to_rgba8()
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .is_ok()
        {
            return Thumbnail {
                bytes,
                content_type: "image/png",
                width,
                height,
            };
        }
    }
    Thumbnail {
        bytes: fit::encode(&decode::flatten(small), THUMBNAIL_QUALITY),
        content_type: "image/jpeg",
        width,
        height,
    }
}
