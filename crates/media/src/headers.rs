//! Facts read from image headers without decoding pixels: dimensions, EXIF orientation, GIF
//! frame count.
//!
//! These run on untrusted bytes before anything is decoded (the pixel-count bound against
//! decompression bombs depends on them), so every read is bounds-checked and every walk is
//! bounded by the input's length: a truncated or hostile header gives `None`, never a panic.

/// Width and height from a PNG's IHDR chunk, which must come first.
pub(crate) fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((be32(b, 16)?, be32(b, 20)?))
}

/// The logical screen size of a GIF.
pub(crate) fn gif_size(b: &[u8]) -> Option<(u32, u32)> {
    Some((u32::from(le16(b, 6)?), u32::from(le16(b, 8)?)))
}

/// Width and height from a JPEG's first start-of-frame segment.
pub(crate) fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut found = None;
    walk_jpeg(b, |marker, _, seg| {
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
        let is_sof = (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker);
        if is_sof {
            found = Some((u32::from(be16(seg, 3)?), u32::from(be16(seg, 1)?)));
            return None;
        }
        Some(())
    });
    found
}

/// The EXIF orientation tag (1..=8) of a JPEG, if it has one.
pub(crate) fn jpeg_orientation(b: &[u8]) -> Option<u16> {
    let mut found = None;
    walk_jpeg(b, |marker, _, seg| {
        if marker == 0xE1 && seg.starts_with(b"Exif\0\0") {
            found = exif_orientation(&seg[6..]);
            return None;
        }
        Some(())
    });
    found
}

/// Calls `f(marker, offset of the marker, segment payload)` for each length-carrying
/// segment up to and including start-of-scan; stops when `f` returns `None`, after
/// start-of-scan, or at anything malformed (a truncated payload is passed as far as it goes).
pub(crate) fn walk_jpeg(b: &[u8], mut f: impl FnMut(u8, usize, &[u8]) -> Option<()>) {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return;
    }
    let mut i = 2;
    while i + 1 < b.len() {
        if b[i] != 0xFF {
            return;
        }
        let marker = b[i + 1];
        // Fill bytes, and standalone markers that carry no length.
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += 2;
            continue;
        }
        if marker == 0xD9 {
            return;
        }
        let Some(len) = be16(b, i + 2).map(usize::from) else {
            return;
        };
        if len < 2 {
            return;
        }
        let end = (i + 2 + len).min(b.len());
        if f(marker, i, b.get(i + 4..end).unwrap_or_default()).is_none() || marker == 0xDA {
            return;
        }
        i += 2 + len;
    }
}

/// Reads tag 0x0112 from IFD0 of a TIFF-structured EXIF block.
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let little = match tiff.get(..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |o: usize| -> Option<u16> {
        let s = tiff.get(o..o + 2)?;
        Some(if little {
            u16::from_le_bytes([s[0], s[1]])
        } else {
            u16::from_be_bytes([s[0], s[1]])
        })
    };
    let u32_at = |o: usize| -> Option<u32> {
        let s = tiff.get(o..o + 4)?;
        Some(if little {
            u32::from_le_bytes([s[0], s[1], s[2], s[3]])
        } else {
            u32::from_be_bytes([s[0], s[1], s[2], s[3]])
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    for n in 0..count.min(512) {
        let entry = ifd + 2 + n * 12;
        if u16_at(entry)? == 0x0112 {
            let v = u16_at(entry + 8)?;
            return (1..=8).contains(&v).then_some(v);
        }
    }
    None
}

/// Canvas size of a WebP (lossy VP8, lossless VP8L or extended VP8X).
pub(crate) fn webp_size(b: &[u8]) -> Option<(u32, u32)> {
    match b.get(12..16)? {
        b"VP8 " => {
            if b.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((
                u32::from(le16(b, 26)? & 0x3FFF),
                u32::from(le16(b, 28)? & 0x3FFF),
            ))
        }
        b"VP8L" => {
            if *b.get(20)? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(b, 24)? + 1, le24(b, 27)? + 1)),
        _ => None,
    }
}

/// Width and height of a BMP (core or info header); height may be negative (top-down).
pub(crate) fn bmp_size(b: &[u8]) -> Option<(u32, u32)> {
    match u32::from_le_bytes(b.get(14..18)?.try_into().ok()?) {
        12 => Some((u32::from(le16(b, 18)?), u32::from(le16(b, 20)?))),
        40 | 52 | 56 | 64 | 108 | 124 => {
            let w = i32::from_le_bytes(b.get(18..22)?.try_into().ok()?);
            let h = i32::from_le_bytes(b.get(22..26)?.try_into().ok()?);
            Some((w.unsigned_abs(), h.unsigned_abs()))
        }
        _ => None,
    }
}

/// The largest `ispe` (image spatial extent) property in a HEIF's first 64 KiB: a grid
/// photo lists each tile and the whole image, and the whole is the largest.
pub(crate) fn heif_size(b: &[u8]) -> Option<(u32, u32)> {
    let head = &b[..b.len().min(64 * 1024)];
    let mut best: Option<(u32, u32)> = None;
    let mut from = 0;
    while let Some(pos) = find(&head[from..], b"ispe") {
        let at = from + pos;
        // 'ispe', version and flags (4), width (4), height (4).
        if let (Some(w), Some(h)) = (be32(head, at + 8), be32(head, at + 12)) {
            let area = u64::from(w) * u64::from(h);
            if best.is_none_or(|(bw, bh)| area > u64::from(bw) * u64::from(bh)) {
                best = Some((w, h));
            }
        }
        from = at + 4;
    }
    best
}

/// How many frames (image descriptors) a GIF holds, walking its blocks without decoding.
/// Counting stops at `cap`; `None` when the structure is broken before the first frame.
pub(crate) fn gif_frame_count(b: &[u8], cap: u32) -> Option<u32> {
    let packed = *b.get(10)?;
    let mut i = 13;
    if packed & 0x80 != 0 {
        i += 3 * (1usize << ((packed & 0x07) + 1));
    }
    let mut frames = 0u32;
    let skip_sub_blocks = |mut i: usize| -> Option<usize> {
        loop {
            let len = usize::from(*b.get(i)?);
            i += 1;
            if len == 0 {
                return Some(i);
            }
            i += len;
        }
    };
    while frames < cap {
        match b.get(i) {
            Some(0x21) => {
                // Extension: introducer, label, then data sub-blocks.
                i = match skip_sub_blocks(i + 2) {
                    Some(i) => i,
                    None => break,
                };
            }
            Some(0x2C) => {
                let Some(&local) = b.get(i + 9) else { break };
                frames += 1;
                i += 10;
                if local & 0x80 != 0 {
                    i += 3 * (1usize << ((local & 0x07) + 1));
                }
                // LZW minimum code size, then the image data sub-blocks.
                i = match skip_sub_blocks(i + 1) {
                    Some(i) => i,
                    None => break,
                };
            }
            _ => break,
        }
    }
    (frames > 0).then_some(frames)
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 3)?;
    Some(u32::from(s[0]) | u32::from(s[1]) << 8 | u32::from(s[2]) << 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_orientation_is_read_from_either_byte_order() {
        for little in [true, false] {
            let mut tiff = Vec::new();
            let w16 = |v: u16| {
                if little {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                }
            };
            let w32 = |v: u32| {
                if little {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                }
            };
            tiff.extend_from_slice(if little { b"II" } else { b"MM" });
            tiff.extend_from_slice(&w16(42));
            tiff.extend_from_slice(&w32(8));
            tiff.extend_from_slice(&w16(1));
            tiff.extend_from_slice(&w16(0x0112));
            tiff.extend_from_slice(&w16(3));
            tiff.extend_from_slice(&w32(1));
            tiff.extend_from_slice(&w16(6));
            tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
            let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
            jpeg.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
            jpeg.extend_from_slice(b"Exif\0\0");
            jpeg.extend_from_slice(&tiff);
            jpeg.extend_from_slice(&[0xFF, 0xD9]);
            assert_eq!(jpeg_orientation(&jpeg), Some(6));
        }
    }

    #[test]
    fn truncated_headers_give_none() {
        assert_eq!(png_size(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0"), None);
        assert_eq!(jpeg_size(&[0xFF, 0xD8, 0xFF, 0xC0, 0x00]), None);
        assert_eq!(webp_size(b"RIFF\0\0\0\0WEBPVP8X"), None);
        assert_eq!(gif_frame_count(b"GIF89a\x01\x00", 10), None);
        assert_eq!(heif_size(b"....ispe\0\0\0\0\0\0"), None);
    }
}
