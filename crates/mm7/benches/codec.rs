//! Decode and encode of a DeliverReq carrying a 1 MB JPEG-like payload, binary and base64.
//! Throughput is reported per byte of payload. Targets (issue 3, 2 cores): decode ≥ 1 GB/s
//! binary and ≥ 300 MB/s base64; encode at least as fast.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mm7::message::DeliverReq;
use mm7::{
    Address, Body, ContentRef, Envelope, Limits, Part, Recipient, SequentialIds, TransferEncoding,
    Version, decode_body, encode_body,
};

const PAYLOAD: usize = 1024 * 1024;

/// Incompressible bytes with a JPEG header, from a fixed xorshift seed.
fn jpeg_like() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut data: Vec<u8> = (0..PAYLOAD)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    data[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
    data
}

fn deliver_req() -> Envelope {
    Envelope::new(
        &Version::default(),
        "bench-1",
        Body::DeliverReq(DeliverReq {
            linked_id: Some("1000001".into()),
            sender: Some(Address::number("12025550102")),
            recipients: vec![Recipient::to(Address::number("12025550100"))],
            content: Some(ContentRef::cid("content")),
            ..DeliverReq::default()
        }),
    )
}

fn bench(c: &mut Criterion) {
    let data = jpeg_like();
    let envelope = deliver_req();
    let parts = vec![
        Part::new("image/jpeg", &data[..]).with_content_id("image"),
        Part::new("text/plain; charset=utf-8", &b"Look at this"[..]).with_content_id("text"),
    ];
    let mut group = c.benchmark_group("deliver_req_1mb");
    group.throughput(Throughput::Bytes(PAYLOAD as u64));
    for (name, encoding) in [
        ("binary", TransferEncoding::Binary),
        ("base64", TransferEncoding::Base64),
    ] {
        let encoded = encode_body(
            &envelope,
            &parts,
            encoding,
            &mut SequentialIds::new("b", "t"),
        )
        .unwrap();
        let limits = Limits::default();
        let check = decode_body(&encoded.body, Some(&encoded.content_type), &limits).unwrap();
        assert_eq!(check.parts[0].data.len(), PAYLOAD);
        group.bench_function(format!("decode_{name}"), |b| {
            b.iter(|| {
                let decoded = decode_body(
                    black_box(&encoded.body),
                    Some(&encoded.content_type),
                    &limits,
                )
                .unwrap();
                black_box(decoded.parts.len())
            })
        });
        group.bench_function(format!("encode_{name}"), |b| {
            b.iter(|| {
                let mut ids = SequentialIds::new("b", "t");
                black_box(
                    encode_body(black_box(&envelope), &parts, encoding, &mut ids)
                        .unwrap()
                        .body
                        .len(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
