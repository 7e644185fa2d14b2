//! Received parts: sniffed, bounded and thumbnailed, never trusting the declared type.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use media::*;

#[test]
fn a_photo_gets_a_thumbnail_no_bigger_than_asked() {
    let bytes = jpeg(&photo(1200, 800, 8, 1), 90);
    let m = inspect_incoming(&bytes, Some("image/jpg"), &IncomingBounds::default()).unwrap();
    assert_eq!(m.sniffed.content_type, "image/jpeg");
    assert_eq!(m.sniffed.dimensions(), Some((1200, 800)));
    assert!(m.declared_agrees);
    assert_eq!(m.show_as, ShowAs::Image);
    let t = m.thumbnail.unwrap();
    assert_eq!(
        (t.content_type, t.width, t.height),
        ("image/jpeg", 320, 213)
    );
    let back = image::load_from_memory(&t.bytes).unwrap();
    assert_eq!((back.width(), back.height()), (320, 213));
}

#[test]
fn thumbnails_follow_the_bound_and_never_enlarge() {
    let bytes = png(&photo(500, 1000, 0, 2));
    let bounds = IncomingBounds {
        thumbnail_side: 100,
        ..IncomingBounds::default()
    };
    let t = inspect_incoming(&bytes, None, &bounds)
        .unwrap()
        .thumbnail
        .unwrap();
    assert_eq!((t.width, t.height), (50, 100));

    let tiny = png(&photo(40, 30, 0, 3));
    let t = inspect_incoming(&tiny, None, &bounds)
        .unwrap()
        .thumbnail
        .unwrap();
    assert_eq!((t.width, t.height), (40, 30));
}

#[test]
fn transparency_gets_a_png_thumbnail() {
    let img = RgbaImage::from_fn(64, 64, |x, _| Rgba([255, 0, 0, (x * 4) as u8]));
    let bytes = common::encode(&DynamicImage::ImageRgba8(img), ImageFormat::Png);
    let t = inspect_incoming(&bytes, None, &IncomingBounds::default())
        .unwrap()
        .thumbnail
        .unwrap();
    assert_eq!(t.content_type, "image/png");
}

#[test]
fn the_declared_type_is_never_trusted() {
    let bytes = png(&photo(64, 48, 0, 4));
    let m = inspect_incoming(&bytes, Some("application/pdf"), &IncomingBounds::default()).unwrap();
    assert_eq!(m.sniffed.content_type, "image/png");
    assert!(!m.declared_agrees);

    let m = inspect_incoming(
        b"MZ\x90\0\x03\0\0\0",
        Some("image/jpeg"),
        &IncomingBounds::default(),
    )
    .unwrap();
    assert_eq!(m.sniffed.content_type, "application/octet-stream");
    assert_eq!((m.show_as, m.thumbnail), (ShowAs::File, None));
}

#[test]
fn svg_is_a_file_never_an_image() {
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let m = inspect_incoming(svg, Some("image/svg+xml"), &IncomingBounds::default()).unwrap();
    assert_eq!(m.sniffed.kind, MediaKind::Svg);
    assert_eq!(m.show_as, ShowAs::File);
    assert!(m.thumbnail.is_none());
}

#[test]
fn animated_gifs_are_flagged_and_thumbnailed() {
    let gif = animated_gif(100, 80, 3);
    let m = inspect_incoming(&gif, Some("image/gif"), &IncomingBounds::default()).unwrap();
    assert!(m.animated);
    assert_eq!(m.thumbnail.unwrap().width, 100);
}

#[test]
fn other_kinds_are_shown_by_kind() {
    let b = IncomingBounds::default();
    let d = |bytes: &[u8]| inspect_incoming(bytes, None, &b).unwrap().show_as;
    assert_eq!(d(b"BEGIN:VCARD\r\nEND:VCARD\r\n"), ShowAs::Contact);
    assert_eq!(d(b"hello"), ShowAs::Text);
    assert_eq!(d(b"%PDF-1.7"), ShowAs::File);
    assert_eq!(d(b"#!AMR\n"), ShowAs::Audio);
    assert_eq!(d(b"\0\0\0\x14ftyp3gp5\0\0\0\0"), ShowAs::Video);
    assert_eq!(d(b"<smil><body/></smil>"), ShowAs::Presentation);
}

#[test]
fn oversized_parts_are_refused_by_how_much() {
    let bounds = IncomingBounds {
        max_bytes: 10,
        ..IncomingBounds::default()
    };
    let err = inspect_incoming(b"hello world!", None, &bounds).unwrap_err();
    assert_eq!((err.code(), err.over_by()), ("too_large", Some(2)));
}

#[test]
fn decompression_bombs_are_refused_from_the_header() {
    // PNG: a header claiming 50000×50000 in a file of a few bytes.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&50_000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let err = inspect_incoming(&bomb, Some("image/png"), &IncomingBounds::default()).unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooManyPixels {
                width: 50_000,
                height: 50_000,
                ..
            }
        ),
        "{err:?}"
    );

    // A real, small-looking image over a tight bound.
    let real = png(&photo(300, 300, 0, 5));
    let bounds = IncomingBounds {
        max_pixels: 10_000,
        ..IncomingBounds::default()
    };
    assert_eq!(
        inspect_incoming(&real, None, &bounds).unwrap_err().code(),
        "too_many_pixels"
    );

    // GIF: a tiny logical screen, but a frame that claims to be huge.
    let mut gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
    gif.extend_from_slice(&[
        0x2C, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x08, 0x02, 0x4C, 0x01, 0x00, 0x3B,
    ]);
    let err = inspect_incoming(&gif, None, &IncomingBounds::default()).unwrap_err();
    assert!(
        matches!(err.code(), "too_many_pixels" | "corrupt"),
        "{err:?}"
    );
}

#[test]
fn truncated_images_are_corrupt_not_panics() {
    let bytes = jpeg(&photo(200, 100, 8, 6), 90);
    let err = inspect_incoming(&bytes[..bytes.len() / 3], None, &IncomingBounds::default());
    // zune-jpeg may decode a truncated baseline JPEG as far as it goes; either is fine.
    if let Err(e) = err {
        assert_eq!(e.code(), "corrupt");
    }
    let png = png(&photo(200, 100, 8, 7));
    let err =
        inspect_incoming(&png[..png.len() / 2], None, &IncomingBounds::default()).unwrap_err();
    assert_eq!(err.code(), "corrupt");
}
