//! How long the expensive calls take on a phone-sized photo: fitting a 12-megapixel JPEG
//! into the Verizon 10DLC budget (decode, resize, search, encode), and thumbnailing one.
//!
//! `cargo bench -p media`. Note the machine's load (`uptime`) beside any figure you record.
//!
//! Recorded 2026-11-23 on the 2-core build machine shared with four other builds, load
//! average 6.6 falling to 3.7 during the run:
//! - fit (4.2 MB 4000×3000 JPEG → 2868×2151 at quality 80, 950,641 bytes: the 1,000,000-byte
//!   per-part cap binds before Verizon's 1,310,720): 985 ms [933 ms, 1.04 s];
//! - thumbnail (decode and 320-px JPEG): 142 ms [132 ms, 150 ms].

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use media::{
    Attachment, Carrier, IncomingBounds, inspect_incoming, prepare_outgoing, tightest_limit,
};

/// A 4000×3000 photo-like JPEG: gradients plus sensor-like noise, at quality 92.
fn twelve_megapixel_jpeg() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let image = RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let n = (state % 25) as i32 - 12;
        let base = [(x / 16) as i32, (y / 12) as i32, ((x + y) / 28) as i32];
        Rgb(base.map(|v| (v + n).clamp(0, 255) as u8))
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&image)
        .expect("encoding into memory");
    out
}

fn bench(c: &mut Criterion) {
    let photo = twelve_megapixel_jpeg();
    let budget = tightest_limit(&[Carrier::Verizon]);
    let attachments = [Attachment {
        file_name: "IMG_0001.JPG",
        bytes: &photo,
    }];
    let prepared = prepare_outgoing("", &attachments, budget).expect("fits");
    println!(
        "source {} bytes -> {} bytes ({:?}, {}×{})",
        photo.len(),
        prepared.total_bytes,
        prepared.parts[0].change,
        prepared.parts[0].width.unwrap_or(0),
        prepared.parts[0].height.unwrap_or(0),
    );

    let mut group = c.benchmark_group("media");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("fit 12 MP JPEG into Verizon 1.25 MB", |b| {
        b.iter(|| prepare_outgoing("", black_box(&attachments), budget).expect("fits"))
    });
    let bounds = IncomingBounds::default();
    group.bench_function("thumbnail 12 MP JPEG (320 px)", |b| {
        b.iter(|| inspect_incoming(black_box(&photo), Some("image/jpeg"), &bounds).expect("ok"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
