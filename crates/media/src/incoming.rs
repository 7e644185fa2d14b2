//! Checking a received part before anything shows it: what it really is, whether it is
//! within bounds, and a thumbnail for images.
//!
//! Everything here treats the bytes as hostile. The declared Content-Type is only compared,
//! never trusted; the pixel count is checked from the header before a decoder runs and the
//! decoder is bounded again by the `image` crate's `Limits`; SVG is never rasterized and
//! never offered for inline display.

use crate::decode::{self, DecodeBounds};
use crate::thumbnail::{Thumbnail, thumbnail};
use crate::{MediaError, MediaKind, Sniffed, headers, sniff};

/// What incoming media may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncomingBounds {
    /// Bytes of one part.
    pub max_bytes: u64,
    /// Width × height announced by an image's header (decompression bombs).
    pub max_pixels: u64,
    /// Bytes the image decoder may allocate.
    pub max_alloc: u64,
    /// Longest side of a thumbnail, in pixels.
    pub thumbnail_side: u32,
}

impl Default for IncomingBounds {
    /// 16 MiB parts (three times the most generous carrier's limit), 50 megapixels (a
    /// 48 MP phone photo passes), 512 MiB of decoder memory, 320-pixel thumbnails.
    fn default() -> Self {
        IncomingBounds {
            max_bytes: 16 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_alloc: 512 * 1024 * 1024,
            thumbnail_side: 320,
        }
    }
}

/// How the UI may present a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShowAs {
    /// A raster image we decoded: show the thumbnail inline.
    Image,
    Video,
    Audio,
    Contact,
    Text,
    /// The MMS SMIL layout: not content to show.
    Presentation,
    /// Offer it as a file to save or open elsewhere (PDF, SVG, HEIC, unknown binary).
    File,
}

/// What an incoming part turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectedMedia {
    /// Sniffed from the bytes: label and store the part with this type.
    pub sniffed: Sniffed,
    pub size: u64,
    /// Whether the declared type names the same thing as the sniffed one (false when
    /// nothing was declared). Informational only: nothing here acts on the declared type.
    pub declared_agrees: bool,
    pub show_as: ShowAs,
    /// For images we decoded.
    pub thumbnail: Option<Thumbnail>,
    /// A GIF with more than one frame.
    pub animated: bool,
}

/// Sniffs, bounds and (for images) thumbnails one received part.
///
/// Errors mean "don't display this inline", not "drop it": the engine should still keep the
/// bytes as a file part so no message content is lost.
pub fn inspect_incoming(
    bytes: &[u8],
    declared_type: Option<&str>,
    bounds: &IncomingBounds,
) -> Result<InspectedMedia, MediaError> {
    const WHAT: &str = "the received attachment";
    let size = bytes.len() as u64;
    if size > bounds.max_bytes {
        return Err(MediaError::TooLarge {
            what: WHAT.to_owned(),
            size,
            limit: bounds.max_bytes,
        });
    }
    let sniffed = sniff(bytes);
    let declared_agrees = declared_type.is_some_and(|d| same_type(d, sniffed.content_type));
    let mut inspected = InspectedMedia {
        sniffed,
        size,
        declared_agrees,
        show_as: show_as(&sniffed),
        thumbnail: None,
        animated: false,
    };
    if inspected.show_as != ShowAs::Image {
        if sniffed.kind == MediaKind::Image {
            // Not decodable here (HEIC, AVIF) but still bounded, for whoever opens it.
            if sniffed.dimensions().is_some() {
                decode::checked_dimensions(&sniffed, WHAT, bounds.max_pixels)?;
            }
        }
        return Ok(inspected);
    }
    let image = decode::decode(
        bytes,
        &sniffed,
        WHAT,
        DecodeBounds {
            max_pixels: bounds.max_pixels,
            max_alloc: bounds.max_alloc,
        },
    )?;
    inspected.animated =
        sniffed.content_type == "image/gif" && headers::gif_frame_count(bytes, 2) == Some(2);
    inspected.thumbnail = Some(thumbnail(&image, bounds.thumbnail_side));
    Ok(inspected)
}

fn show_as(sniffed: &Sniffed) -> ShowAs {
    match sniffed.kind {
        MediaKind::Image if decode::decodable(sniffed.content_type) => ShowAs::Image,
        MediaKind::Video => ShowAs::Video,
        MediaKind::Audio => ShowAs::Audio,
        MediaKind::Contact => ShowAs::Contact,
        MediaKind::Text => ShowAs::Text,
        MediaKind::Presentation => ShowAs::Presentation,
        MediaKind::Image | MediaKind::Document | MediaKind::Svg | MediaKind::Other => ShowAs::File,
    }
}

/// Whether a declared Content-Type (parameters and case aside, common aliases allowed)
/// names the sniffed type.
fn same_type(declared: &str, sniffed: &str) -> bool {
    let essence = declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let canonical = match essence.as_str() {
        "image/jpg" | "image/pjpeg" => "image/jpeg",
        "image/x-png" => "image/png",
        "image/x-ms-bmp" | "image/x-bmp" => "image/bmp",
        "image/heif" if sniffed == "image/heic" => "image/heic",
        "audio/mp3" | "audio/x-mp3" | "audio/mpeg3" => "audio/mpeg",
        "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => "audio/wav",
        "audio/3gpp" if sniffed == "video/3gpp" => "video/3gpp",
        "text/x-vcard" | "text/directory" => "text/vcard",
        "application/x-pdf" => "application/pdf",
        other => other,
    };
    canonical == sniffed
}
