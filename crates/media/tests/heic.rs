//! HEIC photos (the `heic` feature): made in the test with heifer's encoder, then sent
//! as JPEG and thumbnailed when received.
#![cfg(feature = "heic")]

mod common;

use common::*;
use media::*;

fn heic(width: u32, height: u32) -> Vec<u8> {
    let rgb = photo(width, height, 4, 11);
    heifer::encode_rgb8(
        width,
        height,
        rgb.as_raw(),
        &heifer::EncodeOptions::default(),
    )
    .unwrap()
}

#[test]
fn a_heic_photo_is_sniffed_with_its_size_and_sent_as_jpeg() {
    let bytes = heic(192, 128);
    let s = sniff(&bytes);
    assert_eq!(
        (s.content_type, s.dimensions()),
        ("image/heic", Some((192, 128)))
    );

    let m = prepare_outgoing(
        "",
        &[Attachment {
            file_name: "IMG_0002.HEIC",
            bytes: &bytes,
        }],
        1_310_720,
    )
    .unwrap();
    let p = &m.parts[0];
    assert_eq!(
        (p.content_type, p.file_name.as_str()),
        ("image/jpeg", "IMG_0002.jpg")
    );
    assert!(matches!(
        p.change,
        Change::Reencoded {
            reason: ReencodeReason::Convert,
            ..
        }
    ));
    assert_eq!((p.width, p.height), (Some(192), Some(128)));
    // The colours survive the trip (the photo's top-left is dark red-ish, bottom-right blue-ish).
    let back = image::load_from_memory(&p.bytes).unwrap().to_rgb8();
    let centre = back.get_pixel(96, 64);
    let source = photo(192, 128, 0, 11);
    let expected = source.get_pixel(96, 64);
    for c in 0..3 {
        assert!(
            centre[c].abs_diff(expected[c]) < 40,
            "{centre:?} vs {expected:?}"
        );
    }
}

#[test]
fn a_received_heic_gets_a_thumbnail() {
    let bytes = heic(256, 192);
    let bounds = IncomingBounds {
        thumbnail_side: 128,
        ..IncomingBounds::default()
    };
    let m = inspect_incoming(&bytes, Some("image/heif"), &bounds).unwrap();
    assert!(m.declared_agrees);
    assert_eq!(m.show_as, ShowAs::Image);
    let t = m.thumbnail.unwrap();
    assert_eq!((t.width, t.height), (128, 96));
}
