//! `groupline sim serve --script demo` and `groupline relay serve` as real processes: the
//! demo story reaches the relay and the event log is written where it was asked.

use std::process::Command;

use relay::client_api::EntriesPage;

mod common;
use common::spawn_serving as spawn;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_script_plays_into_a_relay_process() {
    let dir = tempfile::tempdir().unwrap();
    let (mut relay, ready) = spawn(
        &[
            "relay",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--client",
            "desk:t",
        ],
        dir.path(),
    );
    let relay_addr = ready["listening"].as_str().unwrap().to_owned();
    let push_to = format!("http://{relay_addr}/mm7");
    let log = dir.path().join("events.jsonl");
    let (mut sim, ready) = spawn(
        &[
            "sim",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--push-to",
            &push_to,
            "--script",
            "demo",
            "--time-scale",
            "0.005",
            "--retry-interval-ms",
            "100",
            "--log",
            log.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(ready["submit_url"].as_str().unwrap().ends_with("/mm7"));

    let client = reqwest::Client::new();
    let expected = mmsc_sim::demo_script().messages.len();
    let mut seen = 0;
    let mut after = 0;
    for _ in 0..30 {
        let page: EntriesPage = serde_json::from_slice(
            &client
                .get(format!(
                    "http://{relay_addr}/v1/entries?after={after}&wait=2"
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
        after = page.next_after;
        seen += page
            .entries
            .iter()
            .filter(|e| e.summary.kind.as_deref() == Some("DeliverReq"))
            .count();
        if seen >= expected {
            break;
        }
    }
    assert_eq!(seen, expected);
    // The log line follows the relay's answer by a moment.
    let answered = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<mmsc_sim::LogEvent>(l).ok())
            .filter(|e| e.answered)
            .count()
    };
    for _ in 0..200 {
        if answered() >= expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(answered(), expected);
    sim.kill().unwrap();
    sim.wait().unwrap();
    relay.kill().unwrap();
    relay.wait().unwrap();
}

#[test]
fn a_bad_client_option_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_groupline"))
        .args([
            "relay",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--client",
            "no-token",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("GROUPLINE_RELAY_CLIENTS")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("NAME:TOKEN"));
}

/// `--push-fault` and `--dlr-operator-id` from the command line: the relay process keeps
/// and refuses the garbled attempts, the retry lands intact with the operator ID header.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_faults_and_the_operator_id_from_the_command_line() {
    use mm7::message::{SenderIdentification, SubmitReq};
    use mm7::{Address, Body, Envelope, Part, Recipient, SequentialIds, TransferEncoding};

    let dir = tempfile::tempdir().unwrap();
    let (mut relay, ready) = spawn(
        &[
            "relay",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--client",
            "desk:t",
        ],
        dir.path(),
    );
    let relay_addr = ready["listening"].as_str().unwrap().to_owned();
    let push_to = format!("http://{relay_addr}/mm7");
    let (mut sim, ready) = spawn(
        &[
            "sim",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--push-to",
            &push_to,
            "--dlr-delay-ms",
            "0",
            "--retry-interval-ms",
            "50",
            "--push-fault",
            "malformed",
            "--push-fault",
            "truncated",
            "--dlr-operator-id",
            "31012",
        ],
        dir.path(),
    );
    let envelope = Envelope::new(
        &mm7::Version::default(),
        "cli-1",
        Body::SubmitReq(SubmitReq {
            sender_identification: SenderIdentification {
                vasp_id: Some("groupline-demo".into()),
                vas_id: None,
                sender: Some(Address::number("12025550100")),
            },
            recipients: vec![Recipient::to(Address::number("12025550111"))],
            ..SubmitReq::default()
        }),
    );
    let mut ids = SequentialIds::new("c", "2026-01-01T00:00:00Z");
    let encoded = mm7::encode_body(
        &envelope,
        &[Part::new("text/plain", b"hi".to_vec())],
        TransferEncoding::Binary,
        &mut ids,
    )
    .unwrap();
    let client = reqwest::Client::new();
    let r = client
        .post(ready["submit_url"].as_str().unwrap())
        .header("Content-Type", encoded.content_type)
        .body(encoded.body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let mut entries = Vec::new();
    let mut after = 0;
    for _ in 0..30 {
        let page: EntriesPage = serde_json::from_slice(
            &client
                .get(format!(
                    "http://{relay_addr}/v1/entries?after={after}&wait=2"
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
        after = page.next_after;
        entries.extend(page.entries);
        if entries.len() >= 3 {
            break;
        }
    }
    let rejected: Vec<bool> = entries
        .iter()
        .map(|e| e.summary.rejected.is_some())
        .collect();
    assert_eq!(rejected, [true, true, false], "{entries:?}");
    assert_eq!(
        entries[2].summary.kind.as_deref(),
        Some("DeliveryReportReq")
    );
    assert_eq!(entries[2].summary.operator_id.as_deref(), Some("31012"));
    sim.kill().unwrap();
    sim.wait().unwrap();
    relay.kill().unwrap();
    relay.wait().unwrap();
}

/// `relay serve --team-provider-url …`: a client's SubmitReq without the account's
/// VASPID goes through the relay process, which adds it; the simulator accepts the submit
/// and the relay records it with the simulator's MessageID.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_mode_from_the_command_line() {
    use mm7::message::{SenderIdentification, SubmitReq};
    use mm7::{Address, Body, Envelope, Part, Recipient, SequentialIds, TransferEncoding};

    let dir = tempfile::tempdir().unwrap();
    let sim = mmsc_sim::Simulator::start(mmsc_sim::SimConfig::default())
        .await
        .unwrap();
    let submit_url = sim.submit_url();
    let (mut relay, ready) = spawn(
        &[
            "relay",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--client",
            "alice:a",
            "--team-provider-url",
            &submit_url,
            "--team-vasp-id",
            "groupline-demo",
        ],
        dir.path(),
    );
    let relay_addr = ready["listening"].as_str().unwrap().to_owned();
    let envelope = Envelope::new(
        &mm7::Version::default(),
        "team-cli-1",
        Body::SubmitReq(SubmitReq {
            sender_identification: SenderIdentification {
                vasp_id: None,
                vas_id: None,
                sender: Some(Address::number("12025550100")),
            },
            recipients: vec![Recipient::to(Address::number("12025550111"))],
            ..SubmitReq::default()
        }),
    );
    let mut ids = SequentialIds::new("c", "2026-01-01T00:00:00Z");
    let encoded = mm7::encode_body(
        &envelope,
        &[Part::new("text/plain", b"hi".to_vec())],
        TransferEncoding::Binary,
        &mut ids,
    )
    .unwrap();
    let client = reqwest::Client::new();
    let r = client
        .post(format!("http://{relay_addr}/v1/submit"))
        .bearer_auth("a")
        .header("Content-Type", encoded.content_type)
        .body(encoded.body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["groupline-cursor"], "1");
    let page: EntriesPage = serde_json::from_slice(
        &client
            .get(format!("http://{relay_addr}/v1/entries?after=0"))
            .bearer_auth("a")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    let submit = sim.log().into_iter().find(|e| e.event == "submit").unwrap();
    assert_eq!(submit.status_code, Some(1000), "the relay added the VASPID");
    assert_eq!(
        page.entries[0].summary.submitted_by.as_deref(),
        Some("alice")
    );
    assert_eq!(page.entries[0].summary.message_id, submit.message_id);
    sim.shutdown().await;
    relay.kill().unwrap();
    relay.wait().unwrap();
}
