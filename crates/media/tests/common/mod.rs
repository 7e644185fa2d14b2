//! Images made in the test, so no binary fixtures are needed.
#![allow(dead_code)]

use std::io::Cursor;

use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Frame, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// A tiny deterministic PRNG (xorshift64*), so images are the same every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// A photo-like picture: smooth colour gradients, a few discs, and per-pixel noise of
/// `noise` levels (sensor noise makes real photos hard to compress; noise 0 is easy).
pub fn photo(width: u32, height: u32, noise: u8, seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    let discs: Vec<(f32, f32, f32, [u8; 3])> = (0..6)
        .map(|_| {
            let r = rng.next();
            (
                (r % u64::from(width)) as f32,
                ((r >> 20) % u64::from(height)) as f32,
                (width.min(height) as f32) * (0.05 + ((r >> 40) % 100) as f32 / 500.0),
                [(r >> 8) as u8, (r >> 16) as u8, (r >> 24) as u8],
            )
        })
        .collect();
    let span = u64::from(noise) * 2 + 1;
    RgbImage::from_fn(width, height, |x, y| {
        let fx = x as f32 / width as f32;
        let fy = y as f32 / height as f32;
        let mut px = [
            (255.0 * fx) as i32,
            (255.0 * fy) as i32,
            (255.0 * (1.0 - fx * fy)) as i32,
        ];
        for (cx, cy, r, c) in &discs {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            if dx * dx + dy * dy < r * r {
                px = [i32::from(c[0]), i32::from(c[1]), i32::from(c[2])];
            }
        }
        let n = if noise == 0 {
            0
        } else {
            (rng.next() % span) as i32 - i32::from(noise)
        };
        Rgb(px.map(|v| (v + n).clamp(0, 255) as u8))
    })
}

pub fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .unwrap();
    out
}

pub fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

pub fn png(image: &RgbImage) -> Vec<u8> {
    encode(&DynamicImage::ImageRgb8(image.clone()), ImageFormat::Png)
}

/// An animated GIF of `frames` frames of four-colour noise (few colours keep the encoder
/// fast; noise keeps the file big).
pub fn animated_gif(width: u32, height: u32, frames: u32) -> Vec<u8> {
    const COLOURS: [[u8; 4]; 4] = [
        [200, 30, 30, 255],
        [20, 20, 220, 255],
        [240, 240, 240, 255],
        [10, 120, 10, 255],
    ];
    let mut rng = Rng::new(u64::from(width * height * frames));
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new_with_speed(&mut out, 30);
        enc.set_repeat(Repeat::Infinite).unwrap();
        for _ in 0..frames {
            let img = RgbaImage::from_fn(width, height, |_, _| {
                Rgba(COLOURS[(rng.next() % 4) as usize])
            });
            enc.encode_frame(Frame::new(img)).unwrap();
        }
    }
    out
}

/// A JPEG with an EXIF block holding an orientation tag and a GPS-looking string.
pub fn jpeg_with_exif(image: &RgbImage, orientation: u16) -> Vec<u8> {
    let plain = jpeg(image, 90);
    let mut tiff = b"II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPS 40.7128N 74.0060W");
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
