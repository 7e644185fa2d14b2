//! Removing metadata from images we send unchanged, without touching their pixels.
//!
//! A photo that already fits is sent as is rather than re-encoded (no generation loss),
//! but its EXIF block can carry the place it was taken (GPS), the phone's serial number and
//! the time. So such JPEGs lose every APPn segment except JFIF (APP0), the colour profile
//! (APP2 ICC) and Adobe's colour-transform flag (APP14), plus comments and anything after the
//! image's end; PNGs lose their text, time and EXIF chunks. Re-encoded images never carry metadata at all (see `fit`).

use crate::headers::walk_jpeg;

/// `jpeg` without privacy-bearing segments, or `None` if its structure is not one we can
/// rewrite safely (the caller then re-encodes it).
pub(crate) fn strip_jpeg(jpeg: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(jpeg.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut scan_at = None;
    // Fill bytes and standalone markers between segments are dropped: decoders skip them.
    walk_jpeg(jpeg, |marker, start, payload| {
        if marker == 0xDA {
            scan_at = Some(start);
            return None;
        }
        let keep = match marker {
            0xE0 | 0xEE => true,
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(jpeg.get(start..start + 4 + payload.len())?);
        }
        Some(())
    });
    // The image ends at the first EOI after the scan starts (inside entropy-coded data a
    // 0xFF is always followed by 0x00 or a restart marker). Anything after it is dropped:
    // phones append secondary images there (MPF depth and gain maps) with EXIF of their own.
    let scan = jpeg.get(scan_at?..)?;
    let eoi = scan.windows(2).position(|w| w == [0xFF, 0xD9])?;
    out.extend_from_slice(&scan[..eoi + 2]);
    Some(out)
}

/// Chunk types that carry text, time or EXIF.
const PNG_DROPPED: [&[u8; 4]; 5] = [b"tEXt", b"zTXt", b"iTXt", b"tIME", b"eXIf"];

/// `png` without text, time and EXIF chunks, or `None` if it is malformed or carries
/// EXIF (which may hold an orientation we'd lose: re-encode those instead).
pub(crate) fn strip_png(png: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(png.len());
    out.extend_from_slice(png.get(..8)?);
    let mut i = 8;
    while i < png.len() {
        let len = usize::try_from(u32::from_be_bytes(png.get(i..i + 4)?.try_into().ok()?)).ok()?;
        let kind: &[u8; 4] = png.get(i + 4..i + 8)?.try_into().ok()?;
        let end = i.checked_add(12)?.checked_add(len)?;
        let chunk = png.get(i..end)?;
        if kind == b"eXIf" {
            return None;
        }
        if !PNG_DROPPED.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
    None
}
