//! Media the scripted participants send: real JPEG/PNG/GIF images drawn here with the
//! `image` crate, a vCard, a one-page PDF and a short WAV tone, so the desktop's media
//! pipeline meets real files without the repository shipping any.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use mm7::Part;
use serde::{Deserialize, Serialize};

/// What a scripted message attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Jpeg,
    Png,
    Gif,
    Vcard,
    Pdf,
    Wav,
}

/// A generated attachment named `name` (used as Content-Location and drawn into images).
pub fn generate(kind: MediaKind, name: &str, seed: u64) -> Part<'static> {
    let (content_type, data) = match kind {
        MediaKind::Jpeg => ("image/jpeg", picture(seed, ImageFormat::Jpeg)),
        MediaKind::Png => ("image/png", picture(seed, ImageFormat::Png)),
        MediaKind::Gif => ("image/gif", picture(seed, ImageFormat::Gif)),
        MediaKind::Vcard => ("text/vcard; charset=utf-8", vcard(name).into_bytes()),
        MediaKind::Pdf => ("application/pdf", pdf(name)),
        MediaKind::Wav => ("audio/wav", wav(seed)),
    };
    Part::new(content_type, data).with_content_location(name.to_owned())
}

/// Picture size: small enough to generate quickly, big enough to look like a photo.
pub const PICTURE_SIZE: (u32, u32) = (240, 180);

/// A picture: a sky-to-ground gradient with a few seeded boxes (a "car").
fn picture(seed: u64, format: ImageFormat) -> Vec<u8> {
    let (w, h) = PICTURE_SIZE;
    let hue = (seed % 200) as u8;
    let mut img = RgbImage::from_fn(w, h, |x, y| {
        if y < h / 2 {
            Rgb([90 + (y / 4) as u8, 140 + (y / 5) as u8, 220])
        } else {
            Rgb([70 + (x / 8) as u8, 70, 60 + (y / 8) as u8])
        }
    });
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in 0..4u32 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let x0 = 40 + (s % 180) as u32;
        let y0 = 110 + (i * 17) % 60;
        for x in x0..(x0 + 60).min(w) {
            for y in y0..(y0 + 30).min(h) {
                img.put_pixel(x, y, Rgb([200, hue.wrapping_add(i as u8 * 40), 40]));
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    if format == ImageFormat::Gif {
        // The fastest palette search: the default takes seconds in debug builds.
        let rgba = DynamicImage::ImageRgb8(img).to_rgba8();
        let mut encoder = image::codecs::gif::GifEncoder::new_with_speed(&mut out, 30);
        encoder
            .encode(rgba.as_raw(), w, h, image::ExtendedColorType::Rgba8)
            .expect("encoding an in-memory image");
        drop(encoder);
        return out.into_inner();
    }
    DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .expect("encoding an in-memory image");
    out.into_inner()
}

fn vcard(name: &str) -> String {
    let display = name.trim_end_matches(".vcf");
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{display}\r\nORG:{display}\r\nTEL;TYPE=WORK,VOICE:+12025550199\r\nADR;TYPE=WORK:;;12 Yard Rd;Springfield;VA;22150;USA\r\nEND:VCARD\r\n"
    )
}

/// A minimal one-page PDF with one line of text, xref offsets computed.
fn pdf(name: &str) -> Vec<u8> {
    let text: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " .-_".contains(*c))
        .collect();
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Half a second of a tone at 8 kHz, 16-bit mono PCM.
fn wav(seed: u64) -> Vec<u8> {
    let rate = 8000u32;
    let samples = rate / 2;
    let freq = 440.0 + (seed % 5) as f64 * 110.0;
    let mut data = Vec::with_capacity(samples as usize * 2);
    for n in 0..samples {
        let v = (2.0 * std::f64::consts::PI * freq * n as f64 / rate as f64).sin();
        data.extend_from_slice(&((v * 8000.0) as i16).to_le_bytes());
    }
    let mut out = Vec::with_capacity(44 + data.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_a_real_file_of_its_type() {
        let sniff = |k| generate(k, "x.bin", 3).data.into_owned();
        assert!(sniff(MediaKind::Jpeg).starts_with(&[0xFF, 0xD8, 0xFF]));
        assert!(sniff(MediaKind::Png).starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(sniff(MediaKind::Gif).starts_with(b"GIF8"));
        assert!(sniff(MediaKind::Pdf).starts_with(b"%PDF-1.4"));
        assert!(sniff(MediaKind::Wav).starts_with(b"RIFF"));
        assert!(sniff(MediaKind::Vcard).starts_with(b"BEGIN:VCARD"));
        let jpeg = sniff(MediaKind::Jpeg);
        let decoded = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), PICTURE_SIZE);
        let gif = image::load_from_memory(&sniff(MediaKind::Gif)).unwrap();
        assert_eq!((gif.width(), gif.height()), PICTURE_SIZE);
    }
}
