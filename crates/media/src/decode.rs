//! Decoding untrusted image bytes safely: the pixel bound is checked from the header before
//! any decoder runs, the `image` crate's [`Limits`] back it up during decoding, EXIF
//! orientation is applied, and a panicking decoder becomes [`MediaError::Corrupt`].

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};

use crate::{MediaError, Sniffed};

/// How much an image may be before we refuse to decode it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecodeBounds {
    /// Width × height as announced by the header.
    pub max_pixels: u64,
    /// Bytes the decoder may allocate (the `image` crate's `Limits::max_alloc`).
    pub max_alloc: u64,
}

/// Whether we decode images of this sniffed content type.
pub(crate) fn decodable(content_type: &str) -> bool {
    image_format(content_type).is_some()
        || (cfg!(feature = "heic") && matches!(content_type, "image/heic" | "image/heif"))
}

/// The `image` crate's format for a sniffed content type.
fn image_format(content_type: &str) -> Option<ImageFormat> {
    Some(match content_type {
        "image/jpeg" => ImageFormat::Jpeg,
        "image/png" => ImageFormat::Png,
        "image/gif" => ImageFormat::Gif,
        "image/webp" => ImageFormat::WebP,
        "image/bmp" => ImageFormat::Bmp,
        _ => return None,
    })
}

/// The header's dimensions, refused when missing or over `max_pixels`.
pub(crate) fn checked_dimensions(
    sniffed: &Sniffed,
    what: &str,
    max_pixels: u64,
) -> Result<(u32, u32), MediaError> {
    let (width, height) = sniffed
        .dimensions()
        .ok_or_else(|| MediaError::corrupt(what, "no readable image header"))?;
    if width == 0 || height == 0 {
        return Err(MediaError::corrupt(
            what,
            "the header says it has no pixels",
        ));
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(MediaError::TooManyPixels {
            what: what.to_owned(),
            width,
            height,
            max_pixels,
        });
    }
    Ok((width, height))
}

/// Decodes the first frame of `bytes` (already sniffed as a decodable image), upright.
pub(crate) fn decode(
    bytes: &[u8],
    sniffed: &Sniffed,
    what: &str,
    bounds: DecodeBounds,
) -> Result<DynamicImage, MediaError> {
    let (width, height) = checked_dimensions(sniffed, what, bounds.max_pixels)?;
    #[cfg(feature = "heic")]
    if matches!(sniffed.content_type, "image/heic" | "image/heif") {
        return catch_unwind(AssertUnwindSafe(|| heic::decode(bytes, what, bounds)))
            .unwrap_or_else(|_| Err(MediaError::corrupt(what, "the decoder gave up on it")));
    }
    let format = image_format(sniffed.content_type)
        .ok_or_else(|| MediaError::corrupt(what, "not a decodable image"))?;
    let too_many = || MediaError::TooManyPixels {
        what: what.to_owned(),
        width,
        height,
        max_pixels: bounds.max_pixels,
    };
    let run = || -> Result<DynamicImage, MediaError> {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        // The decoder's idea of the size must agree with the header's: a GIF frame larger
        // than its logical screen, say, is refused here rather than allocated.
        limits.max_image_width = Some(width.max(1));
        limits.max_image_height = Some(height.max(1));
        limits.max_alloc = Some(bounds.max_alloc);
        reader.limits(limits);
        let mut decoder = reader
            .into_decoder()
            .map_err(|e| map_err(e, what, too_many))?;
        let (w, h) = decoder.dimensions();
        if u64::from(w) * u64::from(h) > bounds.max_pixels {
            return Err(too_many());
        }
        let orientation = decoder
            .orientation()
            .unwrap_or(image::metadata::Orientation::NoTransforms);
        let mut image =
            DynamicImage::from_decoder(decoder).map_err(|e| map_err(e, what, too_many))?;
        image.apply_orientation(orientation);
        Ok(image)
    };
    catch_unwind(AssertUnwindSafe(run))
        .unwrap_or_else(|_| Err(MediaError::corrupt(what, "the decoder gave up on it")))
}

#[cfg(feature = "heic")]
mod heic {
    //! HEIC through `heifer` (pure Rust, no unsafe), which applies the file's own rotation,
    //! mirror and crop and converts its colour profile (Display P3 on iPhones) to sRGB.

    use image::{DynamicImage, RgbaImage};

    use super::DecodeBounds;
    use crate::MediaError;

    pub(super) fn decode(
        bytes: &[u8],
        what: &str,
        bounds: DecodeBounds,
    ) -> Result<DynamicImage, MediaError> {
        let options = heifer::Options {
            // One thread: the caller already runs this off the async threads, and the
            // machine is shared with everything else the app does.
            max_threads: 1,
            max_pixels: bounds.max_pixels,
        };
        let decoded = match heifer::decode_srgb_rgba8(bytes, &options) {
            Ok(image) => image,
            // A colour space heifer can't convert: take the samples as coded.
            Err(heifer::Error::Unsupported(_)) => {
                heifer::decode_rgba8(bytes, &options).map_err(|e| MediaError::corrupt(what, e))?
            }
            Err(e) => return Err(MediaError::corrupt(what, e)),
        };
        let (w, h) = (decoded.width, decoded.height);
        let rgba = RgbaImage::from_raw(w, h, decoded.data)
            .ok_or_else(|| MediaError::corrupt(what, "decoded pixels do not match the size"))?;
        Ok(DynamicImage::ImageRgba8(rgba))
    }
}

fn map_err(e: ImageError, what: &str, too_many: impl Fn() -> MediaError) -> MediaError {
    match e {
        ImageError::Limits(_) => too_many(),
        other => MediaError::corrupt(what, other),
    }
}

/// RGB for JPEG: transparency is composited onto white (carriers' advice: avoid alpha).
pub(crate) fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut rgb = RgbImage::new(w, h);
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = u16::from(px[3]);
        for c in 0..3 {
            let v = (u16::from(px[c]) * a + 255 * (255 - a) + 127) / 255;
            out[c] = v as u8;
        }
    }
    rgb
}
