//! Content-type sniffing: what a part's bytes are, whatever the sender declared.
//!
//! A provider's, a sender's or a file name's idea of the type is untrusted; everything
//! downstream (what to convert, whether to decode, how the UI shows a part) follows the
//! type sniffed here from magic numbers. Image dimensions come from headers only (see
//! [`crate::headers`]). This supersedes the store's first version: same `sniff` and
//! `Sniffed` fields, plus a [`MediaKind`] and more formats.

use crate::headers;

/// What the bytes turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// The MIME type to label the part with, e.g. `image/jpeg`.
    pub content_type: &'static str,
    /// From the header, for images whose header we read.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub kind: MediaKind,
}

/// The broad family a sniffed type belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A raster image (JPEG, PNG, GIF, WebP, BMP, HEIC/HEIF, AVIF).
    Image,
    Video,
    Audio,
    /// A vCard.
    Contact,
    /// A PDF.
    Document,
    /// Plain UTF-8 text.
    Text,
    /// An MMS SMIL presentation.
    Presentation,
    /// SVG: an image format that is a program (scripts, external references). Never
    /// rasterized and never shown inline; it is a file.
    Svg,
    /// Anything else: `application/octet-stream`.
    Other,
}

impl Sniffed {
    /// Width and height, when both are known.
    pub fn dimensions(&self) -> Option<(u32, u32)> {
        Some((self.width?, self.height?))
    }

    /// The pixel count the header announces.
    pub fn pixels(&self) -> Option<u64> {
        self.dimensions().map(|(w, h)| u64::from(w) * u64::from(h))
    }
}

/// Sniffs `bytes` by their magic numbers; unknown binary is `application/octet-stream`.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    use MediaKind::*;
    let b = bytes;
    let of = |content_type, kind| Sniffed {
        content_type,
        width: None,
        height: None,
        kind,
    };
    let image = |content_type, dims: Option<(u32, u32)>| Sniffed {
        content_type,
        width: dims.map(|d| d.0),
        height: dims.map(|d| d.1),
        kind: Image,
    };
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return image("image/jpeg", headers::jpeg_size(b));
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return image("image/png", headers::png_size(b));
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return image("image/gif", headers::gif_size(b));
    }
    if b.len() >= 12 && b.starts_with(b"RIFF") {
        match &b[8..12] {
            b"WEBP" => return image("image/webp", headers::webp_size(b)),
            b"WAVE" => return of("audio/wav", Audio),
            _ => {}
        }
    }
    if b.starts_with(b"BM")
        && let Some(dims) = headers::bmp_size(b)
    {
        return image("image/bmp", Some(dims));
    }
    if b.get(4..8) == Some(b"ftyp") {
        return iso_media(b);
    }
    if b.starts_with(b"%PDF-") {
        return of("application/pdf", Document);
    }
    if b.starts_with(b"#!AMR-WB\n") {
        return of("audio/amr-wb", Audio);
    }
    if b.starts_with(b"#!AMR\n") {
        return of("audio/amr", Audio);
    }
    if b.starts_with(b"ID3") || is_mp3_frame(b) {
        return of("audio/mpeg", Audio);
    }
    if let Some(text) = as_text(b) {
        return sniff_text(text);
    }
    of("application/octet-stream", Other)
}

/// ISO base media files (MP4, 3GP, QuickTime, HEIF, AVIF) by their `ftyp` brands.
fn iso_media(b: &[u8]) -> Sniffed {
    let box_len = b
        .get(..4)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_be_bytes)
        .map_or(0, |n| n as usize)
        .clamp(16, 256)
        .min(b.len());
    let major = b.get(8..12).unwrap_or_default();
    let compatible: Vec<&[u8]> = b
        .get(16..box_len)
        .unwrap_or_default()
        .chunks_exact(4)
        .collect();
    let has =
        |brands: &[&[u8]]| brands.contains(&major) || compatible.iter().any(|c| brands.contains(c));
    let video = |content_type| Sniffed {
        content_type,
        width: None,
        height: None,
        kind: MediaKind::Video,
    };
    let heif_brands: &[&[u8]] = &[
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
    ];
    let image = |content_type| {
        Sniffed {
            content_type,
            width: None,
            height: None,
            kind: MediaKind::Image,
        }
        .with_dims(headers::heif_size(b))
    };
    if heif_brands.contains(&major) {
        return image("image/heic");
    }
    if major == b"avif" || major == b"avis" {
        return image("image/avif");
    }
    if major == b"mif1" || major == b"msf1" {
        return image(if has(heif_brands) {
            "image/heic"
        } else if has(&[b"avif"]) {
            "image/avif"
        } else {
            "image/heif"
        });
    }
    if major.starts_with(b"3g2") {
        return video("video/3gpp2");
    }
    if major.starts_with(b"3gp") || major.starts_with(b"3gg") || major.starts_with(b"3gs") {
        return video("video/3gpp");
    }
    if major == b"qt  " {
        return video("video/quicktime");
    }
    if major == b"M4A " || major == b"M4B " {
        return Sniffed {
            kind: MediaKind::Audio,
            ..video("audio/mp4")
        };
    }
    video("video/mp4")
}

impl Sniffed {
    fn with_dims(mut self, dims: Option<(u32, u32)>) -> Self {
        self.width = dims.map(|d| d.0);
        self.height = dims.map(|d| d.1);
        self
    }
}

/// An MPEG audio Layer III frame header: sync, a valid version, layer III, a real bitrate
/// and sample rate.
fn is_mp3_frame(b: &[u8]) -> bool {
    let [a, c, d, ..] = *b else { return false };
    a == 0xFF
        && c & 0xE0 == 0xE0
        && (c >> 3) & 0x03 != 0x01
        && (c >> 1) & 0x03 == 0x01
        && !matches!(d >> 4, 0x0 | 0xF)
        && (d >> 2) & 0x03 != 0x03
}

/// UTF-8 with no NULs and hardly any other control characters.
fn as_text(b: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(b).ok()?;
    let controls = text
        .bytes()
        .filter(|c| *c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    let nul = text.bytes().any(|c| c == 0);
    (!nul && controls * 100 <= text.len()).then_some(text)
}

fn sniff_text(text: &str) -> Sniffed {
    let of = |content_type, kind| Sniffed {
        content_type,
        width: None,
        height: None,
        kind,
    };
    let head = text.trim_start_matches('\u{feff}').trim_start();
    let lead: String = head
        .chars()
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    if lead.starts_with("begin:vcard") {
        return of("text/vcard", MediaKind::Contact);
    }
    if lead.starts_with("<smil") {
        return of("application/smil", MediaKind::Presentation);
    }
    if lead.starts_with('<') {
        // Markup: SVG when an <svg element opens near the top (after any XML declaration,
        // doctype or comments).
        let window: String = head
            .chars()
            .take(4096)
            .collect::<String>()
            .to_ascii_lowercase();
        if window.contains("<svg") {
            return of("image/svg+xml", MediaKind::Svg);
        }
    }
    of("text/plain", MediaKind::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(b: &[u8]) -> &'static str {
        sniff(b).content_type
    }

    #[test]
    fn images_are_known_by_their_bytes_with_dimensions() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(sniff(&png).dimensions(), Some((640, 480)));
        assert_eq!(sniff(&png).kind, MediaKind::Image);

        let gif = sniff(b"GIF89a\x20\x03\x58\x02rest");
        assert_eq!(
            (gif.content_type, gif.dimensions()),
            ("image/gif", Some((800, 600)))
        );

        // SOI, an APP0 segment of length 4, then SOF0 with height 300 and width 400.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01,
            0x2C, 0x01, 0x90, 0x03,
        ];
        let s = sniff(&jpeg);
        assert_eq!(
            (s.content_type, s.dimensions()),
            ("image/jpeg", Some((400, 300)))
        );

        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend_from_slice(&[0x1F, 0x03, 0x00, 0x57, 0x02, 0x00]);
        assert_eq!(sniff(&webp).dimensions(), Some((800, 600)));

        let mut bmp = b"BM\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
        bmp.extend_from_slice(&40u32.to_le_bytes());
        bmp.extend_from_slice(&20i32.to_le_bytes());
        bmp.extend_from_slice(&(-10i32).to_le_bytes());
        assert_eq!(
            (ct(&bmp), sniff(&bmp).dimensions()),
            ("image/bmp", Some((20, 10)))
        );
    }

    #[test]
    fn iso_media_brands_separate_video_from_photos() {
        let ftyp = |major: &[u8], compat: &[u8]| {
            let mut b = ((16 + compat.len()) as u32).to_be_bytes().to_vec();
            b.extend_from_slice(b"ftyp");
            b.extend_from_slice(major);
            b.extend_from_slice(&[0, 0, 0, 0]);
            b.extend_from_slice(compat);
            b
        };
        assert_eq!(ct(&ftyp(b"isom", b"isomavc1")), "video/mp4");
        assert_eq!(ct(&ftyp(b"3gp5", b"3gp5")), "video/3gpp");
        assert_eq!(ct(&ftyp(b"qt  ", b"")), "video/quicktime");
        assert_eq!(ct(&ftyp(b"M4A ", b"")), "audio/mp4");
        assert_eq!(ct(&ftyp(b"heic", b"mif1heic")), "image/heic");
        assert_eq!(ct(&ftyp(b"mif1", b"mif1heic")), "image/heic");
        assert_eq!(ct(&ftyp(b"avif", b"")), "image/avif");
        let mut heic = ftyp(b"heic", b"");
        heic.extend_from_slice(b"\0\0\0\x14ispe\0\0\0\0\0\0\x0f\xc0\0\0\x0b\xd0");
        assert_eq!(sniff(&heic).dimensions(), Some((4032, 3024)));
    }

    #[test]
    fn audio_documents_and_text() {
        assert_eq!(ct(b"ID3\x04\0\0\0\0\0\0"), "audio/mpeg");
        assert_eq!(ct(&[0xFF, 0xFB, 0x90, 0x64, 0, 0]), "audio/mpeg");
        assert_eq!(ct(b"#!AMR\n\x3c"), "audio/amr");
        assert_eq!(ct(b"#!AMR-WB\n"), "audio/amr-wb");
        assert_eq!(ct(b"RIFF\x24\0\0\0WAVEfmt "), "audio/wav");
        assert_eq!(ct(b"%PDF-1.7 ..."), "application/pdf");
        assert_eq!(ct(b"BEGIN:VCARD\r\nFN:A\r\n"), "text/vcard");
        assert_eq!(ct(b"\xef\xbb\xbf begin:vcard\n"), "text/vcard");
        assert_eq!(ct(b"<smil><body/></smil>"), "application/smil");
        assert_eq!(ct(b"hello there"), "text/plain");
        assert_eq!(ct("caf\u{e9} \u{1f600}".as_bytes()), "text/plain");
        assert_eq!(ct(b"BMW is a car"), "text/plain");
    }

    #[test]
    fn svg_is_its_own_kind() {
        let svg = br#"<?xml version="1.0"?><!-- hi --><svg xmlns="http://www.w3.org/2000/svg"/>"#;
        assert_eq!(ct(svg), "image/svg+xml");
        assert_eq!(sniff(svg).kind, MediaKind::Svg);
        assert_eq!(ct(b"<p>not svg</p>"), "text/plain");
    }

    #[test]
    fn unknown_binary_is_opaque() {
        for b in [
            &[0u8, 159, 146, 150][..],
            b"MZ\x90\0\x03\0\0\0",
            b"PK\x03\x04\x14\0",
        ] {
            assert_eq!(ct(b), "application/octet-stream");
            assert_eq!(sniff(b).kind, MediaKind::Other);
        }
    }
}
