//! Done-when: a group submit of 5 participants through the simulator yields 5 accepted
//! submits and 5 delivery reports stored in the relay, matched by MessageID.

mod fixtures;

use std::collections::BTreeSet;
use std::time::Duration;

use fixtures::*;
use mm7::group::fan_out;
use mm7::{Address, Body, Kind, SequentialIds, Version};
use mmsc_sim::{SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_five_person_group_gets_five_submits_and_five_reports_in_the_relay() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(&dir).await;
    let base = format!("http://{}", relay.addr);
    let sim = Simulator::start(
        SimConfig {
            dlr_delay: Duration::from_millis(10),
            retry: fast_retries(),
            ..SimConfig::default()
        }
        .with_push_to(format!("{base}/mm7")),
    )
    .await
    .unwrap();

    let people: Vec<Address> = (1..=5)
        .map(|i| Address::number(format!("120255501{i}0")))
        .collect();
    let mut ids = SequentialIds::new("group", "2026-01-01T00:00:00Z");
    let group = fan_out(&valid_submit(), &people, &Version::default(), &mut ids).unwrap();
    let client = reqwest::Client::new();
    let mut message_ids = BTreeSet::new();
    for submit in &group {
        let (status, answer) = post_mm7(
            &client,
            &sim.submit_url(),
            &submit.envelope,
            &[text_part("Tow truck is on the way")],
            None,
        )
        .await;
        assert_eq!(status, 200);
        let Body::SubmitRsp(rsp) = &answer.body else {
            panic!("expected SubmitRsp, got {:?}", answer.kind());
        };
        assert_eq!(rsp.status.code.0, 1000);
        assert_eq!(answer.transaction_id, submit.envelope.transaction_id);
        assert!(
            message_ids.insert(rsp.message_id.clone().unwrap()),
            "fresh MessageIDs"
        );
    }

    let reports = await_entries(&base, "t", "DeliveryReportReq", 5).await;
    assert_eq!(reports.len(), 5);
    let reported: BTreeSet<String> = reports
        .iter()
        .map(|e| e.summary.message_id.clone().unwrap())
        .collect();
    assert_eq!(reported, message_ids);
    let recipients: BTreeSet<String> = reports
        .iter()
        .map(|e| e.summary.recipients[0].value.clone())
        .collect();
    let expected: BTreeSet<String> = people.iter().map(|p| p.value.clone()).collect();
    assert_eq!(recipients, expected, "one report per participant");
    for e in &reports {
        let raw = e.raw().unwrap();
        let decoded = mm7::decode_http(&raw, &mm7::Limits::default()).unwrap();
        assert_eq!(decoded.envelope.kind(), Kind::DeliveryReportReq);
        assert_eq!(e.summary.mm_status.as_deref(), Some("Retrieved"));
    }

    // The simulator's log says the same, and so does its HTTP endpoint.
    let log = await_log(&sim, 5, |e| e.event == "push" && e.answered).await;
    assert_eq!(
        log.iter()
            .filter(|e| e.event == "submit" && e.status_code == Some(1000))
            .count(),
        5
    );
    assert_eq!(
        log.iter()
            .filter(|e| e.event == "push" && e.answered)
            .count(),
        5
    );
    let over_http: Vec<mmsc_sim::LogEvent> = serde_json::from_slice(
        &client
            .get(format!("http://{}/sim/log", sim.addr))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(over_http.len(), log.len());
    sim.shutdown().await;
    relay.shutdown().await;
}
