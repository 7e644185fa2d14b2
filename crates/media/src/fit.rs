//! Encoding one image as a JPEG no larger than a byte target, as good as fits.
//!
//! The search finds the largest scale at which quality [`Q_GOOD`] fits: past about 80,
//! JPEG quality gains are hard to see while pixels still are. Each step predicts the next
//! scale from the last size, with bytes growing as scale^k and k learnt from the steps so
//! far (about 2 for clean pictures, 3 for noisy ones, since shrinking averages noise away),
//! aiming 2% under the target; a 12-megapixel photo typically takes 3–4 resizes and as many
//! encodes. Only an image that fits at full size has room left for quality, which is then
//! raised towards [`Q_MAX`] by binary search. Only if even the smallest allowed size
//! ([`MIN_SIDE`]) does not fit at [`Q_GOOD`] does quality go below it, down to [`Q_MIN`].

use image::codecs::jpeg::JpegEncoder;
use image::imageops;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

/// The quality the scale search aims at.
pub const Q_GOOD: u8 = 80;
/// The best quality we spend bytes on; above it files grow fast for nothing visible.
pub const Q_MAX: u8 = 92;
/// The worst quality we send before calling an image unable to fit.
pub const Q_MIN: u8 = 40;
/// The smallest longest side (pixels) we shrink an image to.
pub const MIN_SIDE: u32 = 240;
/// A first guess at JPEG bytes per pixel at [`Q_GOOD`] for a photo (phone photos come out at
/// 0.1–0.2), to pick the first scale; a wrong guess costs one more step.
const BYTES_PER_PIXEL_GUESS: f64 = 0.15;
/// Scale-search steps, at most.
const MAX_SCALE_STEPS: usize = 6;

/// An encoded JPEG and how it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fitted {
    pub bytes: Vec<u8>,
    pub quality: u8,
    pub width: u32,
    pub height: u32,
}

/// Encodes `src` as a JPEG of at most `target` bytes; `Err(smallest size)` when even
/// [`MIN_SIDE`] at [`Q_MIN`] is bigger.
pub(crate) fn fit_jpeg(src: &RgbImage, target: u64) -> Result<Fitted, u64> {
    let (w0, h0) = src.dimensions();
    let longest = f64::from(w0.max(h0));
    // JPEG can't be wider or taller than 65535 pixels.
    let max_scale = (65_535.0 / longest).min(1.0);
    let min_scale = (f64::from(MIN_SIDE) / longest).min(max_scale);
    let pixels = f64::from(w0) * f64::from(h0);
    let mut scale = (target as f64 / (pixels * BYTES_PER_PIXEL_GUESS))
        .sqrt()
        .clamp(min_scale, max_scale);

    // The largest scale known to fit at Q_GOOD, and the smallest known not to.
    let mut fits: Option<(f64, RgbImage, Vec<u8>)> = None;
    let mut fails = f64::INFINITY;
    // Bytes grow as scale^k: k = 2 if bytes followed pixel count, more for noisy photos
    // (shrinking averages noise away). Learnt from the last two steps.
    let mut k = 2.0f64;
    let mut last: Option<(f64, f64)> = None;
    for _ in 0..MAX_SCALE_STEPS {
        let image = resized(src, scale);
        let bytes = encode(&image, Q_GOOD);
        let size = bytes.len() as f64;
        if let Some((s0, b0)) = last
            && (scale - s0).abs() > 1e-3
        {
            k = ((size / b0).ln() / (scale / s0).ln()).clamp(1.2, 4.0);
        }
        last = Some((scale, size));
        // Aim 2% under the target so the next step lands inside it.
        let aimed = scale * (0.98 * target as f64 / size).powf(1.0 / k);
        let next = if fits_in(&bytes, target) {
            fits = Some((scale, image, bytes));
            if scale >= max_scale {
                break;
            }
            aimed.min(max_scale).min(fails * 0.995)
        } else {
            fails = scale;
            if scale <= min_scale {
                break;
            }
            aimed.max(min_scale)
        };
        // Within 2% of the side length of a fit (or no better than it): good enough.
        let settled = match &fits {
            Some((ok, ..)) => next <= ok * 1.02,
            None => (next - scale).abs() <= scale * 0.005,
        };
        if settled {
            break;
        }
        scale = next;
    }

    match fits {
        Some((scale, image, bytes)) => {
            // Below full size the scale search has already filled the target at Q_GOOD about
            // as well as it can, and more quality would buy next to nothing for an encode
            // each; at full size the headroom is real.
            if scale < max_scale {
                return Ok(Fitted {
                    width: image.width(),
                    height: image.height(),
                    bytes,
                    quality: Q_GOOD,
                });
            }
            Ok(best_quality(&image, target, Q_GOOD, Q_MAX, bytes))
        }
        None => {
            let image = resized(src, min_scale);
            let bytes = encode(&image, Q_MIN);
            if !fits_in(&bytes, target) {
                return Err(bytes.len() as u64);
            }
            Ok(best_quality(&image, target, Q_MIN, Q_GOOD - 1, bytes))
        }
    }
}

/// The highest quality in `lo..=hi` whose encoding fits, given that `lo` fits as `lo_bytes`.
fn best_quality(image: &RgbImage, target: u64, lo: u8, hi: u8, lo_bytes: Vec<u8>) -> Fitted {
    let (mut ok, mut ok_bytes, mut bad) = (lo, lo_bytes, hi + 1);
    // Far under the target (small images, mostly), the top likely fits: try it first.
    if ok_bytes.len() as u64 * 2 <= target {
        let top = encode(image, hi);
        if fits_in(&top, target) {
            (ok, ok_bytes) = (hi, top);
        } else {
            bad = hi;
        }
    }
    // Two quality steps apart is close enough (the file size differs by a few percent).
    while bad - ok > 2 {
        let mid = ok + (bad - ok) / 2;
        let bytes = encode(image, mid);
        if fits_in(&bytes, target) {
            (ok, ok_bytes) = (mid, bytes);
        } else {
            bad = mid;
        }
    }
    Fitted {
        bytes: ok_bytes,
        quality: ok,
        width: image.width(),
        height: image.height(),
    }
}

/// An encoding fits when it exists (the encoder failed if it is empty) and is small enough.
fn fits_in(bytes: &[u8], target: u64) -> bool {
    !bytes.is_empty() && bytes.len() as u64 <= target
}

/// `src` scaled by `scale` (≤ 1), both sides at least one pixel, by area averaging: as good
/// as a triangle filter for shrinking photos and over ten times faster on 12 megapixels in
/// the `image` crate (about 0.2 s against 3 s under load).
pub(crate) fn resized(src: &RgbImage, scale: f64) -> RgbImage {
    let (w0, h0) = src.dimensions();
    let w = ((f64::from(w0) * scale).round() as u32).clamp(1, w0);
    let h = ((f64::from(h0) * scale).round() as u32).clamp(1, h0);
    if (w, h) == (w0, h0) {
        return src.clone();
    }
    imageops::thumbnail(src, w, h)
}

/// A baseline JPEG with no metadata at all (no EXIF, no GPS, no ICC).
pub(crate) fn encode(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    // Writing into a Vec only fails on sides over 65535 pixels; then the result is empty,
    // and an empty encoding never fits.
    if JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .is_err()
    {
        out.clear();
    }
    out
}
