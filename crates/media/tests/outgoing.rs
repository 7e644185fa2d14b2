//! Outgoing messages made to fit a carrier budget, with images generated in the test.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat};
use media::*;

const VERIZON: u64 = 1_310_720;

fn att<'a>(file_name: &'a str, bytes: &'a [u8]) -> Attachment<'a> {
    Attachment { file_name, bytes }
}

fn assert_fits(m: &PreparedMessage) {
    let sum: u64 =
        m.text_bytes + m.overhead_bytes + m.parts.iter().map(|p| p.bytes.len() as u64).sum::<u64>();
    assert_eq!(m.total_bytes, sum);
    assert!(
        m.total_bytes <= m.budget_bytes,
        "{} > {}",
        m.total_bytes,
        m.budget_bytes
    );
}

/// Downscales a noisy `width`×`height` photo, given as JPEG (or PNG), into `budget`.
fn downscales_to_fit(width: u32, height: u32, as_png: bool, budget: u64) {
    let photo = photo(width, height, 24, 1);
    let (bytes, name) = if as_png {
        (png(&photo), "IMG_0001.PNG")
    } else {
        (jpeg(&photo, 95), "IMG_0001.JPG")
    };
    assert!(
        bytes.len() as u64 > budget,
        "the source must not fit already"
    );
    let m = prepare_outgoing("look!", &[att(name, &bytes)], budget).unwrap();
    assert_fits(&m);
    let p = &m.parts[0];
    assert_eq!(p.content_type, "image/jpeg");
    assert_eq!(p.file_name, "IMG_0001.jpg");
    let Change::Reencoded {
        quality,
        original_width,
        ..
    } = p.change
    else {
        panic!("{:?}", p.change)
    };
    assert_eq!(original_width, width);
    assert!(quality >= Q_GOOD, "q{quality}");
    // It uses the budget (or Sinch's per-part cap, if smaller) rather than wasting it.
    let usable = (budget - m.overhead_bytes - m.text_bytes).min(SINCH_MEDIA_PART_LIMIT);
    assert!(p.bytes.len() as u64 <= SINCH_MEDIA_PART_LIMIT);
    assert!(
        p.bytes.len() as u64 > usable * 85 / 100,
        "{} bytes, q{quality}",
        p.bytes.len()
    );
    let (w, h) = (p.width.unwrap(), p.height.unwrap());
    assert!(w < width, "{w}×{h}");
    let aspect = f64::from(w) / f64::from(h) / (f64::from(width) / f64::from(height));
    assert!((aspect - 1.0).abs() < 0.01, "{w}×{h}");
    // What went out decodes, at the size it says.
    let back = image::load_from_memory(&p.bytes).unwrap();
    assert_eq!((back.width(), back.height()), (w, h));
}

// The two 12 MP cases cost about 25 s of CPU each in an unoptimized build (most of it making
// the source image); the smaller case below runs the same checks in a fraction of that.
#[test]
fn a_big_noisy_jpeg_is_downscaled_to_fit_verizon() {
    downscales_to_fit(4000, 3000, false, tightest_limit(&[Carrier::Verizon]));
}

#[test]
fn a_big_noisy_png_becomes_a_jpeg_that_fits_verizon() {
    downscales_to_fit(4000, 3000, true, VERIZON);
}

#[test]
fn a_noisy_photo_is_downscaled_to_fit_a_small_budget() {
    downscales_to_fit(1200, 900, false, 120_000);
    downscales_to_fit(900, 1200, true, 120_000);
}

#[test]
fn several_images_share_the_budget_in_proportion() {
    let big = jpeg(&photo(1200, 900, 16, 3), 95);
    let small = jpeg(&photo(600, 450, 16, 4), 95);
    let third = png(&photo(600, 450, 16, 5));
    let atts = [
        att("a.jpg", &big),
        att("b.jpg", &small),
        att("c.png", &third),
    ];
    let budget = 200_000;
    let plan = plan_outgoing("three", &atts, budget).unwrap();
    let targets: Vec<u64> = plan
        .parts
        .iter()
        .map(|p| match p.action {
            PlannedAction::Reencode { target_bytes, .. } => target_bytes,
            other => panic!("{other:?}"),
        })
        .collect();
    // Shares follow pixel counts: four times the pixels, four times the bytes.
    assert!(targets[0].abs_diff(targets[1] * 4) <= 4, "{targets:?}");
    assert_eq!(targets[1], targets[2]);
    assert!(plan.planned_total_bytes <= budget);

    let m = prepare_outgoing("three", &atts, budget).unwrap();
    assert_fits(&m);
    assert!(m.parts.iter().all(|p| p.content_type == "image/jpeg"));
    assert!(m.parts[0].bytes.len() > m.parts[1].bytes.len());
}

#[test]
fn a_photo_that_fits_is_sent_unchanged_but_without_exif() {
    let bytes = jpeg_with_exif(&photo(640, 480, 4, 6), 1);
    assert!(contains(&bytes, b"GPS 40.7128N"));
    let m = prepare_outgoing("", &[att("small.jpg", &bytes)], VERIZON).unwrap();
    let p = &m.parts[0];
    assert_eq!(p.change, Change::MetadataStripped);
    assert!(!contains(&p.bytes, b"Exif") && !contains(&p.bytes, b"GPS"));
    assert_eq!(p.bytes.len(), bytes.len() - (bytes.len() - p.bytes.len()));
    // The pixels are untouched: the scan data is the same bytes.
    assert!(bytes.ends_with(&p.bytes[p.bytes.len() - 1000..]));
}

#[test]
fn a_rotated_photo_is_re_encoded_upright_without_exif() {
    // Orientation 6: stored landscape, shown rotated 90° clockwise (portrait).
    let bytes = jpeg_with_exif(&photo(400, 300, 4, 7), 6);
    let m = prepare_outgoing("", &[att("r.jpg", &bytes)], VERIZON).unwrap();
    let p = &m.parts[0];
    assert!(
        matches!(
            p.change,
            Change::Reencoded {
                reason: ReencodeReason::Normalize,
                ..
            }
        ),
        "{:?}",
        p.change
    );
    assert_eq!((p.width, p.height), (Some(300), Some(400)));
    assert!(!contains(&p.bytes, b"Exif") && !contains(&p.bytes, b"GPS"));
}

#[test]
fn a_small_animated_gif_stays_animated() {
    let gif = animated_gif(160, 120, 6);
    assert!((gif.len() as u64) < GIF_ANIMATED_MAX);
    let m = prepare_outgoing("", &[att("dance.gif", &gif)], VERIZON).unwrap();
    assert_eq!(m.parts[0].change, Change::None);
    assert_eq!(m.parts[0].bytes, gif);
    assert_eq!(m.parts[0].content_type, "image/gif");
}

#[test]
fn an_animated_gif_over_its_share_becomes_a_still_jpeg() {
    let gif = animated_gif(300, 200, 8);
    assert!(gif.len() > 100_000, "{}", gif.len());
    let budget = gif.len() as u64 / 2;
    let m = prepare_outgoing("", &[att("dance.gif", &gif)], budget).unwrap();
    assert_fits(&m);
    assert!(matches!(
        m.parts[0].change,
        Change::Reencoded {
            reason: ReencodeReason::AnimationTooLarge,
            ..
        }
    ));
    assert_eq!(m.parts[0].content_type, "image/jpeg");
}

#[test]
fn webp_is_converted_to_jpeg() {
    let webp = common::encode(
        &DynamicImage::ImageRgb8(photo(300, 200, 4, 8)),
        ImageFormat::WebP,
    );
    assert_eq!(sniff(&webp).content_type, "image/webp");
    let m = prepare_outgoing("", &[att("sticker.webp", &webp)], VERIZON).unwrap();
    let p = &m.parts[0];
    assert_eq!(
        (p.content_type, p.file_name.as_str()),
        ("image/jpeg", "sticker.jpg")
    );
    assert!(matches!(
        p.change,
        Change::Reencoded {
            reason: ReencodeReason::Convert,
            quality: Q_MAX,
            ..
        }
    ));
    assert_eq!((p.width, p.height), (Some(300), Some(200)));
}

#[test]
fn other_media_goes_as_is() {
    let vcard = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n";
    let pdf = b"%PDF-1.4\n%...\n";
    let mut mp4 = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    mp4.extend_from_slice(&[0u8; 1000]);
    let amr = b"#!AMR\n\x3c\x00";
    let m = prepare_outgoing(
        "files",
        &[
            att("ann.vcf", vcard),
            att("a.pdf", pdf),
            att("clip.mp4", &mp4),
            att("v.amr", amr),
            att("n.txt", b"note"),
        ],
        VERIZON,
    )
    .unwrap();
    let types: Vec<_> = m.parts.iter().map(|p| p.content_type).collect();
    assert_eq!(
        types,
        [
            "text/vcard",
            "application/pdf",
            "video/mp4",
            "audio/amr",
            "text/plain"
        ]
    );
    assert!(m.parts.iter().all(|p| p.change == Change::None));
}

#[test]
fn unsupported_types_are_refused_with_what_to_do() {
    // Without the heic feature HEIC is refused with the way out; with it, this header-only
    // HEIC is corrupt (see tests/heic.rs for real ones).
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    let err = prepare_outgoing("", &[att("IMG_1.HEIC", heic)], VERIZON).unwrap_err();
    if cfg!(feature = "heic") {
        assert_eq!(err.code(), "corrupt");
    } else {
        assert_eq!(err.code(), "unsupported_type");
        assert!(
            err.to_string().contains("export the photo as JPEG"),
            "{err}"
        );
    }
    let avif = b"\0\0\0\x18ftypavif\0\0\0\0mif1avif";
    let err = prepare_outgoing("", &[att("a.avif", avif)], VERIZON).unwrap_err();
    assert_eq!(err.code(), "unsupported_type");
    assert!(
        err.to_string().contains("export the picture as JPEG"),
        "{err}"
    );

    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff";
    let err = plan_outgoing("", &[att("setup.exe", exe)], VERIZON).unwrap_err();
    assert!(
        matches!(&err, MediaError::UnsupportedType { content_type, .. } if content_type == "application/octet-stream")
    );

    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"></svg>"#;
    assert_eq!(
        plan_outgoing("", &[att("x.svg", svg)], VERIZON)
            .unwrap_err()
            .code(),
        "unsupported_type"
    );
    assert_eq!(
        plan_outgoing("", &[], VERIZON).unwrap_err(),
        MediaError::Empty
    );
}

#[test]
fn parts_that_cannot_shrink_say_by_how_much_they_are_over() {
    // A PDF has no per-part cap of its own, only the message's.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(1_400_000, b' ');
    let err = plan_outgoing("hi", &[att("big.pdf", &pdf)], VERIZON).unwrap_err();
    let over = 2 + 1_400_000 + overhead_bytes(["big.pdf"], true) - VERIZON;
    assert_eq!(err.over_by(), Some(over));
    assert!(err.to_string().contains(&format!("{over} over")), "{err}");
}

#[test]
fn outgoing_bombs_are_refused_from_the_header() {
    // A PNG header claiming 100000×100000, with no pixel data behind it.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let err = plan_outgoing("", &[att("bomb.png", &png)], VERIZON).unwrap_err();
    assert_eq!(err.code(), "too_many_pixels");
}

#[test]
fn the_plan_is_a_cheap_preview_of_the_result() {
    let big = jpeg(&photo(1000, 750, 20, 9), 95);
    let atts = [att("big.jpg", &big)];
    let plan = plan_outgoing("hello", &atts, 100_000).unwrap();
    assert!(matches!(
        plan.parts[0].action,
        PlannedAction::Reencode {
            reason: ReencodeReason::TooLarge,
            ..
        }
    ));
    assert!(plan.planned_total_bytes <= 100_000);
    let m = prepare_outgoing("hello", &atts, 100_000).unwrap();
    assert_fits(&m);
}

#[test]
fn no_media_part_exceeds_the_per_part_cap() {
    let bytes = jpeg(&photo(1200, 900, 24, 12), 95);
    let limits = OutgoingLimits {
        message_bytes: 500_000,
        media_part_bytes: Some(100_000),
    };
    let m = prepare_outgoing_with("", &[att("p.jpg", &bytes)], limits).unwrap();
    let size = m.parts[0].bytes.len() as u64;
    assert!(size <= 100_000 && size > 85_000, "{size}");

    let mut mp4 = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    mp4.resize(1_100_000, 0);
    let err = plan_outgoing("", &[att("clip.mp4", &mp4)], 2_306_867).unwrap_err();
    assert_eq!(err.over_by(), Some(100_000));
    assert!(
        err.to_string()
            .contains("clip.mp4 (one audio or video part)"),
        "{err}"
    );
    let uncapped = OutgoingLimits {
        media_part_bytes: None,
        ..OutgoingLimits::new(2_306_867)
    };
    assert!(plan_outgoing_with("", &[att("clip.mp4", &mp4)], uncapped).is_ok());
}
