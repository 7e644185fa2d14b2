//! Pushes as real providers send them (the codec's published samples: Sinch's plain-XML
//! DLR under a multipart Content-Type, Sinch's MO, the 3GPP and instantcom variants), and a
//! ReadReplyReq: each is stored and answered with the matching response.

mod fixtures;

use std::path::PathBuf;

use fixtures::*;
use mm7::message::ReadReplyReq;
use mm7::{Address, Body, Envelope, Kind, Version};
use relay::{Relay, RelayConfig};

fn samples() -> Vec<(String, Vec<u8>)> {
    let dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("../mm7/tests/samples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let pushed =
            name.starts_with("deliverreq-http") || name.starts_with("deliveryreportreq-http");
        if pushed && name.ends_with(".txt") && !name.ends_with(".src.txt") {
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

/// Splits a raw HTTP request into its headers and body.
fn split(raw: &[u8]) -> (Vec<(String, String)>, Vec<u8>) {
    let (head_end, body_at) = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, i + 4))
        .or_else(|| {
            raw.windows(2)
                .position(|w| w == b"\n\n")
                .map(|i| (i, i + 2))
        })
        .unwrap();
    let head = String::from_utf8_lossy(&raw[..head_end]).replace("\r\n", "\n");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines().skip(1) {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    (headers, raw[body_at..].to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_pushes_are_stored_and_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let relay = Relay::start(RelayConfig::new(dir.path().join("r.sqlite3")))
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let samples = samples();
    assert!(samples.len() >= 3, "found {} samples", samples.len());
    for (name, raw) in &samples {
        let expected = mm7::decode_http(raw, &mm7::Limits::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (headers, body) = split(raw);
        let mut request = client.post(format!("http://{}/mm7", relay.addr)).body(body);
        for (k, v) in &headers {
            if ["content-type", "soapaction", "x-mblox-carrier-id"]
                .contains(&k.to_ascii_lowercase().as_str())
            {
                request = request.header(k, v);
            }
        }
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), 200, "{name}");
        let answer_bytes = r.bytes().await.unwrap();
        let answer = mm7::decode_body(&answer_bytes, None, &mm7::Limits::default()).unwrap();
        let wanted = match expected.envelope.kind() {
            Kind::DeliverReq => Kind::DeliverRsp,
            Kind::DeliveryReportReq => Kind::DeliveryReportRsp,
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(answer.envelope.kind(), wanted, "{name}");
        assert_eq!(
            answer.envelope.transaction_id, expected.envelope.transaction_id,
            "{name}"
        );
        assert_eq!(
            answer.envelope.namespace, expected.envelope.namespace,
            "{name}"
        );
    }
    let stored = relay.store().read_after(0, 100).unwrap();
    assert_eq!(stored.len(), samples.len());
    assert!(stored.iter().all(|e| e.summary.rejected.is_none()));
    assert!(
        stored.iter().any(|e| e.summary.operator_id.is_some()),
        "carrier header kept"
    );

    let read_reply = encode(
        &Envelope::new(
            &Version::default(),
            "rr-1",
            Body::ReadReplyReq(ReadReplyReq {
                message_id: Some("m-9".into()),
                recipient: Some(Address::number("12025550111")),
                sender: Some(Address::number("12025550100")),
                mm_status: Some("Read".into()),
                ..ReadReplyReq::default()
            }),
        ),
        &[],
    );
    let (status, answer) = post(&client, &format!("http://{}/mm7", relay.addr), &read_reply).await;
    assert_eq!((status, answer.kind()), (200, Kind::ReadReplyRsp));
    relay.shutdown().await;
}
