//! Hostile input never panics: random bytes, real files cut short or with bytes flipped,
//! through every entry point.

mod common;

use common::*;
use media::*;
use proptest::prelude::*;
use std::sync::OnceLock;

fn all_entry_points(bytes: &[u8]) {
    let _ = sniff(bytes);
    let bounds = IncomingBounds {
        max_pixels: 4_000_000,
        ..IncomingBounds::default()
    };
    let _ = inspect_incoming(bytes, Some("image/jpeg"), &bounds);
    let a = [Attachment {
        file_name: "x",
        bytes,
    }];
    let _ = plan_outgoing("t", &a, 200_000);
    let _ = prepare_outgoing("t", &a, 200_000);
}

/// Small real files of each format, to cut and corrupt; made once.
fn seeds() -> &'static [Vec<u8>] {
    use image::{DynamicImage, ImageFormat};
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let img = photo(48, 32, 8, 1);
        let dynamic = DynamicImage::ImageRgb8(img.clone());
        #[allow(unused_mut)]
        let mut seeds = vec![
            jpeg(&img, 80),
            jpeg_with_exif(&img, 6),
            png(&img),
            common::encode(&dynamic, ImageFormat::Gif),
            common::encode(&dynamic, ImageFormat::WebP),
            common::encode(&dynamic, ImageFormat::Bmp),
            animated_gif(16, 16, 3),
        ];
        #[cfg(feature = "heic")]
        seeds.push(
            heifer::encode_rgb8(48, 32, img.as_raw(), &heifer::EncodeOptions::default())
                .expect("encoding a tiny HEIC"),
        );
        seeds
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        all_entry_points(&bytes);
    }

    #[test]
    fn random_bytes_behind_real_magic(
        magic in prop::sample::select(vec![
            &b"\xFF\xD8\xFF"[..], b"\x89PNG\r\n\x1a\n", b"GIF89a", b"RIFF\0\0\0\0WEBPVP8 ",
            b"RIFF\0\0\0\0WEBPVP8L", b"RIFF\0\0\0\0WEBPVP8X", b"BM", b"\0\0\0\x18ftypheic",
        ]),
        tail in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&tail);
        all_entry_points(&bytes);
    }

    #[test]
    fn real_files_cut_and_flipped(
        which in 0usize..64,
        cut in 0.0f64..1.0,
        flips in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..8),
    ) {
        let mut bytes = seeds()[which % seeds().len()].clone();
        if bytes.is_empty() {
            return Ok(());
        }
        for (at, value) in flips {
            let i = (at * bytes.len() as f64) as usize % bytes.len();
            bytes[i] = value;
        }
        bytes.truncate((cut * bytes.len() as f64) as usize);
        all_entry_points(&bytes);
    }
}
