//! Content-type sniffing: what a part's bytes are, whatever the sender declared.
//!
//! A provider's or sender's Content-Type is untrusted; the UI decides how to show a part
//! from the type sniffed here. Image dimensions are read from the headers only, never by
//! decoding pixels.

/// What the bytes turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub content_type: &'static str,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Sniffs `bytes` by their magic numbers; unknown binary is `application/octet-stream`.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    let plain = |content_type| Sniffed {
        content_type,
        width: None,
        height: None,
    };
    let sized = |content_type, dims: Option<(u32, u32)>| Sniffed {
        content_type,
        width: dims.map(|d| d.0),
        height: dims.map(|d| d.1),
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return sized("image/png", png_size(bytes));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return sized("image/gif", gif_size(bytes));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return sized("image/jpeg", jpeg_size(bytes));
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return plain("image/webp");
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return plain(match &bytes[8..12] {
            b"heic" | b"heix" | b"mif1" => "image/heic",
            b"3gp4" | b"3gp5" | b"3gp6" | b"3gg6" => "video/3gpp",
            b"M4A " => "audio/mp4",
            _ => "video/mp4",
        });
    }
    if bytes.starts_with(b"%PDF-") {
        return plain("application/pdf");
    }
    if bytes.starts_with(b"#!AMR") {
        return plain("audio/amr");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let head = text.trim_start().get(..16).unwrap_or(text.trim_start());
        if head.to_ascii_uppercase().starts_with("BEGIN:VCARD") {
            return plain("text/vcard");
        }
        if head.starts_with("<smil") {
            return plain("application/smil");
        }
        if !text.contains('\0') {
            return plain("text/plain");
        }
    }
    plain("application/octet-stream")
}

fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    // The IHDR chunk comes first: 8-byte signature, 4 length, "IHDR", width, height.
    if b.len() < 24 || &b[12..16] != b"IHDR" {
        return None;
    }
    Some((be32(&b[16..20]), be32(&b[20..24])))
}

fn gif_size(b: &[u8]) -> Option<(u32, u32)> {
    if b.len() < 10 {
        return None;
    }
    Some((
        u32::from(u16::from_le_bytes([b[6], b[7]])),
        u32::from(u16::from_le_bytes([b[8], b[9]])),
    ))
}

fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    // Walk the marker segments to the first start-of-frame (SOF0..SOF15 but not DHT, JPG,
    // DAC), which holds height then width.
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        let is_sof = (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker);
        if is_sof {
            if i + 9 > b.len() {
                return None;
            }
            let h = u32::from(u16::from_be_bytes([b[i + 5], b[i + 6]]));
            let w = u32::from(u16::from_be_bytes([b[i + 7], b[i + 8]]));
            return Some((w, h));
        }
        if len < 2 {
            return None;
        }
        i += 2 + len;
    }
    None
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes_with_dimensions() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        let s = sniff(&png);
        assert_eq!(
            (s.content_type, s.width, s.height),
            ("image/png", Some(640), Some(480))
        );

        let gif = b"GIF89a\x20\x03\x58\x02rest";
        let s = sniff(gif);
        assert_eq!(
            (s.content_type, s.width, s.height),
            ("image/gif", Some(800), Some(600))
        );

        // SOI, an APP0 segment of length 4, then SOF0 with height 300 and width 400.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01,
            0x2C, 0x01, 0x90, 0x03,
        ];
        let s = sniff(&jpeg);
        assert_eq!(
            (s.content_type, s.width, s.height),
            ("image/jpeg", Some(400), Some(300))
        );
    }

    #[test]
    fn declared_types_do_not_matter_and_unknown_binary_is_opaque() {
        assert_eq!(sniff(b"hello there").content_type, "text/plain");
        assert_eq!(sniff(b"BEGIN:VCARD\r\nFN:A\r\n").content_type, "text/vcard");
        assert_eq!(sniff(b"%PDF-1.7 ...").content_type, "application/pdf");
        assert_eq!(
            sniff(&[0, 159, 146, 150]).content_type,
            "application/octet-stream"
        );
        assert_eq!(
            sniff(b"MZ\x90\0\x03\0\0\0").content_type,
            "application/octet-stream"
        );
    }
}
