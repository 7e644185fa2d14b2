//! Done-when: a relay process killed with SIGKILL while delivery reports stream in, then
//! restarted on the same file and port, has lost no push the simulator saw answered 200,
//! and the simulator's retries fill in the ones that were not.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Child;
use std::time::Duration;

use mm7::message::{SenderIdentification, SubmitReq};
use mm7::{Address, Body, Envelope, Part, Recipient, SequentialIds, TransferEncoding, Version};
use mmsc_sim::{RetryPolicy, SimConfig, Simulator};
use relay::client_api::EntriesPage;

const PUSHES: usize = 120;

/// Starts `groupline relay serve` and returns it with the address it listens on.
mod common;

fn start_relay(data_dir: &Path, listen: &str) -> (Child, SocketAddr) {
    let (child, ready) = common::spawn_serving(
        &["relay", "serve", "--listen", listen, "--client", "desk:t"],
        data_dir,
    );
    (child, ready["listening"].as_str().unwrap().parse().unwrap())
}

fn submit(n: usize) -> (String, Vec<u8>) {
    let envelope = Envelope::new(
        &Version::default(),
        format!("submit-{n}"),
        Body::SubmitReq(SubmitReq {
            sender_identification: SenderIdentification {
                vasp_id: Some("groupline-demo".into()),
                vas_id: None,
                sender: Some(Address::number("12025550100")),
            },
            recipients: vec![Recipient::to(Address::number(format!("1202556{n:04}")))],
            ..SubmitReq::default()
        }),
    );
    let mut ids = SequentialIds::new("k", "2026-01-01T00:00:00Z");
    let parts = [Part::new("text/plain", b"on our way".to_vec())];
    let e = mm7::encode_body(&envelope, &parts, TransferEncoding::Binary, &mut ids).unwrap();
    (e.content_type, e.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_relay_loses_no_answered_push() {
    let dir = tempfile::tempdir().unwrap();
    let (mut first, addr) = start_relay(dir.path(), "127.0.0.1:0");
    let sim = Simulator::start(
        SimConfig {
            dlr_delay: Duration::ZERO,
            retry: RetryPolicy {
                timeout: Duration::from_secs(2),
                interval: Duration::from_millis(400),
                retries: 5,
            },
            ..SimConfig::default()
        }
        .with_push_to(format!("http://{addr}/mm7")),
    )
    .await
    .unwrap();

    // Submits keep coming; each one makes the simulator push a delivery report.
    let submitter = {
        let url = sim.submit_url();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            for n in 0..PUSHES {
                let (ct, body) = submit(n);
                let r = client
                    .post(&url)
                    .header("Content-Type", ct)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    // Kill the relay once a third of the reports were answered: pushes are in flight.
    while sim.log().iter().filter(|e| e.answered).count() < PUSHES / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().unwrap(); // SIGKILL: no shutdown code runs.
    first.wait().unwrap();
    let answered_before_kill: BTreeSet<String> = sim
        .log()
        .iter()
        .filter(|e| e.answered)
        .filter_map(|e| e.transaction_id.clone())
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (mut second, again) = start_relay(dir.path(), &addr.to_string());
    assert_eq!(again, addr);
    submitter.await.unwrap();

    // Wait until the simulator has an answer (or gave up) for every push.
    loop {
        let log = sim.log();
        let settled: BTreeSet<&str> = log
            .iter()
            .filter(|e| e.answered || e.event == "push_gave_up")
            .filter_map(|e| e.transaction_id.as_deref())
            .collect();
        if settled.len() >= PUSHES {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = sim.log();
    assert_eq!(log.iter().filter(|e| e.event == "push_gave_up").count(), 0);
    let failed_attempts = log
        .iter()
        .filter(|e| e.event == "push" && !e.answered)
        .count();
    assert!(failed_attempts > 0, "the kill interrupted some pushes");
    let answered: BTreeSet<String> = log
        .iter()
        .filter(|e| e.answered)
        .filter_map(|e| e.transaction_id.clone())
        .collect();
    assert_eq!(answered.len(), PUSHES);

    // Read everything the restarted relay has.
    let client = reqwest::Client::new();
    let mut stored = Vec::new();
    let mut after = 0;
    loop {
        let page: EntriesPage = serde_json::from_slice(
            &client
                .get(format!("http://{addr}/v1/entries?after={after}&limit=500"))
                .bearer_auth("t")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap(),
        )
        .unwrap();
        if page.entries.is_empty() {
            break;
        }
        after = page.next_after;
        stored.extend(page.entries);
    }
    let stored_ids: BTreeSet<String> = stored
        .iter()
        .filter_map(|e| e.summary.transaction_id.clone())
        .collect();
    let lost: Vec<_> = answered_before_kill.difference(&stored_ids).collect();
    assert!(
        lost.is_empty(),
        "answered 200 before the kill but not stored: {lost:?}"
    );
    assert_eq!(stored_ids, answered, "retries filled in the rest");
    assert_eq!(stored.len(), PUSHES, "each push stored once");

    sim.shutdown().await;
    second.kill().unwrap();
    second.wait().unwrap();
}

/// The new write path's crash window: a relay that dies after a push's body is on disk
/// and before its index row commits never answered 200, so after a restart the entry is
/// not visible (its bytes are cut) and the provider's retry stores it, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_body_and_index_hides_the_push_until_the_retry() {
    let dir = tempfile::tempdir().unwrap();
    let (child, ready) = common::spawn_serving(
        &[
            "relay",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--client",
            "desk:t",
            "--test-abort-before-index-commit",
        ],
        dir.path(),
    );
    let addr: SocketAddr = ready["listening"].as_str().unwrap().parse().unwrap();
    let mut first = child;
    let sim = Simulator::start(
        SimConfig {
            dlr_delay: Duration::ZERO,
            retry: RetryPolicy {
                timeout: Duration::from_secs(2),
                interval: Duration::from_millis(300),
                retries: 30,
            },
            ..SimConfig::default()
        }
        .with_push_to(format!("http://{addr}/mm7")),
    )
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let (ct, body) = submit(0);
    let r = client
        .post(sim.submit_url())
        .header("Content-Type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The delivery report's first push kills the relay mid-commit.
    let status = first.wait().unwrap();
    assert!(!status.success(), "the relay aborted: {status}");
    let bodies = dir.path().join("relay").join("relay.sqlite3-bodies");
    let written: u64 = std::fs::read_dir(&bodies)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(written > 0, "the body reached the segment before the crash");
    while !sim.log().iter().any(|e| e.event == "push") {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        sim.log().iter().all(|e| !e.answered),
        "the provider was never answered 200"
    );

    // Restarted normally: nothing visible until the provider's retry lands.
    let (mut second, again) = start_relay(dir.path(), &addr.to_string());
    assert_eq!(again, addr);
    let entries = |after: i64, wait: u64| {
        let client = client.clone();
        async move {
            let page: EntriesPage = serde_json::from_slice(
                &client
                    .get(format!(
                        "http://{addr}/v1/entries?after={after}&wait={wait}"
                    ))
                    .bearer_auth("t")
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap(),
            )
            .unwrap();
            page
        }
    };
    let page = entries(0, 10).await;
    assert_eq!(page.entries.len(), 1, "exactly the retry, stored once");
    let entry = &page.entries[0];
    assert_eq!(entry.cursor, 1, "the aborted batch never took a cursor");
    assert_eq!(entry.summary.kind.as_deref(), Some("DeliveryReportReq"));
    // The relay stores the retry before it answers, and the simulator logs the push when
    // the answer arrives: wait for that log line rather than race it.
    let mut log = sim.log();
    for _ in 0..200 {
        if log.iter().any(|e| e.event == "push" && e.answered) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        log = sim.log();
    }
    let pushes: Vec<_> = log.iter().filter(|e| e.event == "push").collect();
    assert!(pushes.len() >= 2, "a failed attempt, then the retry");
    assert!(!pushes[0].answered && pushes.last().unwrap().answered);
    assert_eq!(
        entry.summary.transaction_id, pushes[0].transaction_id,
        "the retry is the same request"
    );
    let raw = entry.raw().unwrap();
    let decoded = mm7::decode_http(&raw, &mm7::Limits::default()).unwrap();
    assert_eq!(decoded.envelope.kind(), mm7::Kind::DeliveryReportReq);
    assert!(entries(1, 0).await.entries.is_empty());

    sim.shutdown().await;
    second.kill().unwrap();
    second.wait().unwrap();
}
