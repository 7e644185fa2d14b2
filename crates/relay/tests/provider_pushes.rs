//! The provider side of the relay over real loopback HTTP: answers, durability, dedupe,
//! refusals and limits.

mod fixtures;

use std::io::{Read, Write};
use std::time::Duration;

use fixtures::*;
use mm7::{Body, Kind};
use relay::{Relay, RelayConfig, RelayLimits};

async fn start(
    dir: &tempfile::TempDir,
    f: impl FnOnce(RelayConfig) -> RelayConfig,
) -> relay::RelayHandle {
    let config = f(RelayConfig::new(dir.path().join("relay.sqlite3")).with_client("desk", "t0k"));
    Relay::start(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_is_stored_then_answered_and_a_retry_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(&dir, |c| c).await;
    let url = format!("http://{}/mm7", relay.addr);
    let client = reqwest::Client::new();

    let push = deliver_req("tx-1", "hello");
    let (status, answer) = post(&client, &url, &push).await;
    assert_eq!(status, 200);
    assert_eq!(answer.kind(), Kind::DeliverRsp);
    assert_eq!(answer.transaction_id.as_deref(), Some("tx-1"));
    assert_eq!(answer.mm7_version.as_deref(), Some("6.8.0"));
    assert_eq!(answer.status().unwrap().code.0, 1000);

    // The answer came after the commit: the entry is there for any reader.
    let stored = relay.store().read_after(0, 10).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].summary.kind.as_deref(), Some("DeliverReq"));
    assert_eq!(stored[0].summary.linked_id.as_deref(), Some("linked-tx-1"));
    let raw = mm7::decode_http(&stored[0].raw, &mm7::Limits::default()).unwrap();
    assert_eq!(raw.parts[0].data.as_ref(), b"hello");

    // The provider retries the identical request: answered again, stored once.
    let (status, again) = post(&client, &url, &push).await;
    assert_eq!(
        (status, again.transaction_id.as_deref()),
        (200, Some("tx-1"))
    );
    // Same TransactionID, other content: a different request, stored.
    let (status, _) = post(&client, &url, &deliver_req("tx-1", "other")).await;
    assert_eq!(status, 200);
    let (status, dlr) = post(&client, &url, &delivery_report("tx-2", "m-1")).await;
    assert_eq!((status, dlr.kind()), (200, Kind::DeliveryReportRsp));

    let stored = relay.store().read_after(0, 10).unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(stored[2].summary.message_id.as_deref(), Some("m-1"));
    assert_eq!(stored[2].summary.mm_status.as_deref(), Some("Retrieved"));
    let m = relay.metrics();
    assert_eq!((m.received, m.stored, m.duplicates), (4, 3, 1));
    assert_eq!(m.answered, 4);
    let text = client
        .get(format!("http://{}/metrics", relay.addr))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("relay_pushes_stored_total 3\n"), "{text}");
    assert!(text.contains("relay_answer_seconds_count 4\n"), "{text}");
    let health = client
        .get(format!("http://{}/health", relay.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    relay.shutdown().await;

    // Durable: a new relay on the same file has them all.
    let relay = start(&dir, |c| c).await;
    assert_eq!(relay.store().read_after(0, 10).unwrap().len(), 3);
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undecodable_body_is_kept_and_refused_with_a_vasp_error() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(&dir, |c| c).await;
    let url = format!("http://{}/mm7", relay.addr);
    let client = reqwest::Client::new();
    let garbage = Encoded {
        content_type: "text/xml".into(),
        body: b"<soap-env:Envelope><Body><Nonsense/>".to_vec(),
    };
    let (status, answer) = post(&client, &url, &garbage).await;
    assert_eq!(status, 500);
    assert_eq!(answer.kind(), Kind::VASPErrorRsp);
    assert!(
        answer.status().unwrap().code.is_client_error() || answer.status().unwrap().code.0 == 4003
    );

    // A SubmitReq is not something a provider pushes to a VASP.
    let submit = encode(
        &mm7::Envelope::new(
            &mm7::Version::default(),
            "tx-s",
            Body::SubmitReq(mm7::message::SubmitReq::default()),
        ),
        &[],
    );
    let (status, answer) = post(&client, &url, &submit).await;
    assert_eq!((status, answer.kind()), (500, Kind::VASPErrorRsp));
    assert_eq!(answer.transaction_id.as_deref(), Some("tx-s"));
    assert_eq!(answer.status().unwrap().code.0, 4003);

    let stored = relay.store().read_after(0, 10).unwrap();
    assert_eq!(stored.len(), 2, "both kept for inspection");
    assert!(stored.iter().all(|e| e.summary.rejected.is_some()));
    assert!(stored[0].raw.ends_with(b"<Nonsense/>"));
    assert_eq!(relay.metrics().refused, 2);
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_credentials_and_secret_path_are_enforced_and_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(&dir, |c| {
        c.with_provider_basic("sinch", "pw")
            .with_provider_path("/mm7/s3cret")
    })
    .await;
    let client = reqwest::Client::new();
    let push = deliver_req("tx-a", "hi");
    let send = |path: &str, auth: Option<(&str, &str)>| {
        let mut r = client
            .post(format!("http://{}{path}", relay.addr))
            .header("Content-Type", &push.content_type)
            .body(push.body.clone());
        if let Some((u, p)) = auth {
            r = r.basic_auth(u, Some(p));
        }
        r.send()
    };
    assert_eq!(
        send("/mm7", Some(("sinch", "pw"))).await.unwrap().status(),
        404
    );
    let r = send("/mm7/s3cret", Some(("sinch", "nope"))).await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(status_code(&r.bytes().await.unwrap()), 4001);
    assert_eq!(send("/mm7/s3cret", None).await.unwrap().status(), 401);
    assert_eq!(
        send("/mm7/s3cret", Some(("sinch", "pw")))
            .await
            .unwrap()
            .status(),
        200
    );

    let stored = relay.store().read_after(0, 10).unwrap();
    assert_eq!(stored.len(), 1);
    let raw = String::from_utf8_lossy(&stored[0].raw);
    assert!(!raw.to_ascii_lowercase().contains("authorization"), "{raw}");
    assert!(!raw.contains("s3cret"));
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn size_and_slow_bodies_answer_with_their_own_status() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(&dir, |c| {
        c.with_limits(RelayLimits {
            max_body_bytes: 4096,
            header_timeout: Duration::from_millis(300),
            body_timeout: Duration::from_millis(300),
            ..RelayLimits::default()
        })
    })
    .await;
    let client = reqwest::Client::new();
    let url = format!("http://{}/mm7", relay.addr);

    // Too large: 413 with a 2560 fault, before the body is read.
    let big = deliver_req("tx-big", &"x".repeat(10_000));
    let (status, answer) = post(&client, &url, &big).await;
    assert_eq!(status, 413);
    assert_eq!(answer.status().unwrap().code.0, 2560);

    // A client that sends headers then stalls on the body gets 408 with a fault.
    let mut slow = std::net::TcpStream::connect(relay.addr).unwrap();
    slow.write_all(b"POST /mm7 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 100\r\n\r\n<a>")
        .unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("<StatusCode>4006</StatusCode>"), "{answer}");

    // A client that never finishes its headers is disconnected.
    let mut stalled = std::net::TcpStream::connect(relay.addr).unwrap();
    stalled
        .write_all(b"POST /mm7 HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut rest = Vec::new();
    let _ = stalled.read_to_end(&mut rest);
    assert!(!String::from_utf8_lossy(&rest).starts_with("HTTP/1.1 200"));

    assert_eq!(relay.metrics().limited, 2);
    assert!(relay.store().read_after(0, 10).unwrap().is_empty());
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_limit_get_503() {
    let dir = tempfile::tempdir().unwrap();
    let relay = start(&dir, |c| {
        c.with_limits(RelayLimits {
            max_connections: 1,
            ..RelayLimits::default()
        })
    })
    .await;
    // The first connection takes the only slot (accepts happen in connection order).
    let mut holder = std::net::TcpStream::connect(relay.addr).unwrap();
    holder
        .write_all(b"POST /mm7 HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let r = reqwest::Client::new()
        .post(format!("http://{}/mm7", relay.addr))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(status_code(&r.bytes().await.unwrap()), 4006);
    drop(holder);
    assert!(relay.metrics().limited >= 1);
    relay.shutdown().await;
}
