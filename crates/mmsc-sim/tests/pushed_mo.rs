//! A test drives handsets one message at a time (`SimHandle::push_mo`): each reaches the
//! relay as a Sinch DeliverReq before the call returns, and the log names who got what,
//! including the group a submit showed.

mod fixtures;

use fixtures::*;
use mm7::Body;
use mm7::group::fan_out;
use mm7::{Address, SequentialIds, Version};
use mmsc_sim::{MoMessage, PushError, SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushed_message_is_in_the_relay_when_the_call_returns() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(&dir).await;
    let base = format!("http://{}", relay.addr);
    let sim = Simulator::start(
        SimConfig {
            retry: fast_retries(),
            ..SimConfig::default()
        }
        .with_push_to(format!("{base}/mm7")),
    )
    .await
    .unwrap();

    let group = sim
        .push_mo(&MoMessage {
            from: "12025550111".into(),
            group: vec!["12025550122".into(), "12025550133".into()],
            text: "can we stop by at 5?".into(),
        })
        .await
        .unwrap();
    let direct = sim
        .push_mo(&MoMessage {
            from: "12025550122".into(),
            group: vec![],
            text: "Stop.".into(),
        })
        .await
        .unwrap();
    assert_ne!(group, direct, "each message has its own LinkedID");

    // No waiting: both are stored already.
    let page: relay::client_api::EntriesPage = serde_json::from_slice(
        &reqwest::Client::new()
            .get(format!("{base}/v1/entries?after=0&wait=0"))
            .bearer_auth("t")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(page.entries.len(), 2);
    let decoded: Vec<_> = page
        .entries
        .iter()
        .map(|e| {
            let raw = e.raw().unwrap();
            let d = mm7::decode_http(&raw, &mm7::Limits::default()).unwrap();
            let Body::DeliverReq(req) = d.envelope.body else {
                panic!("{:?}", d.envelope.kind())
            };
            let flags: Vec<_> = req
                .recipients
                .iter()
                .map(|r| (r.address.value.clone(), r.address.display_only))
                .collect();
            let text = String::from_utf8(d.parts[0].data.to_vec()).unwrap();
            (
                req.sender.unwrap().value,
                req.linked_id.unwrap(),
                flags,
                text,
            )
        })
        .collect();
    assert_eq!(
        decoded[0],
        (
            "12025550111".to_owned(),
            group,
            vec![
                ("12025550100".to_owned(), Some(false)),
                ("12025550122".to_owned(), Some(true)),
                ("12025550133".to_owned(), Some(true)),
            ],
            "can we stop by at 5?".to_owned()
        )
    );
    assert_eq!(
        decoded[1],
        (
            "12025550122".to_owned(),
            direct,
            vec![("12025550100".to_owned(), None)],
            "Stop.".to_owned()
        )
    );
    let pushes: Vec<_> = sim
        .log()
        .into_iter()
        .filter(|e| e.event == "push" && e.answered)
        .map(|e| e.participant.unwrap())
        .collect();
    assert_eq!(pushes, ["12025550111", "12025550122"]);
    sim.shutdown().await;
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushing_without_a_relay_says_so() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let err = sim
        .push_mo(&MoMessage {
            from: "12025550111".into(),
            group: vec![],
            text: "hello".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, PushError::NoTarget), "{err}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_names_the_group_a_submit_showed() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let people: Vec<Address> = ["12025550111", "12025550122", "12025550133"]
        .into_iter()
        .map(Address::number)
        .collect();
    let mut ids = SequentialIds::new("group", "2026-01-01T00:00:00Z");
    let client = reqwest::Client::new();
    for submit in fan_out(&valid_submit(), &people, &Version::default(), &mut ids).unwrap() {
        post_mm7(
            &client,
            &sim.submit_url(),
            &submit.envelope,
            &[text_part("Tow yard closes at 5")],
            None,
        )
        .await;
    }
    post_mm7(
        &client,
        &sim.submit_url(),
        &envelope("one", Body::SubmitReq(valid_submit())),
        &[text_part("Just to you")],
        None,
    )
    .await;
    let shown: Vec<(String, Vec<String>)> = sim
        .log()
        .into_iter()
        .filter(|e| e.event == "submit" && e.status_code == Some(1000))
        .map(|e| (e.participant.unwrap(), e.group))
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        shown,
        [
            ("12025550111".into(), s(&["12025550122", "12025550133"])),
            ("12025550122".into(), s(&["12025550111", "12025550133"])),
            ("12025550133".into(), s(&["12025550111", "12025550122"])),
            ("12025550111".into(), vec![]),
        ]
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_refused_by_a_fault_is_still_logged_with_its_participant() {
    let sim = Simulator::start(SimConfig {
        faults: mmsc_sim::FaultPlan {
            next: [mmsc_sim::Fault::Http503].into_iter().collect(),
            ..Default::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut ids = SequentialIds::new("vasp", "2026-01-01T00:00:00Z");
    let encoded = mm7::encode_body(
        &envelope("t-503", Body::SubmitReq(valid_submit())),
        &[text_part("Tow yard closes at 5")],
        mm7::TransferEncoding::Binary,
        &mut ids,
    )
    .unwrap();
    let status = reqwest::Client::new()
        .post(sim.submit_url())
        .header("Content-Type", encoded.content_type)
        .body(encoded.body)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 503);
    let log = sim.log();
    assert_eq!(log.len(), 1);
    let e = &log[0];
    assert_eq!(
        (
            e.http_status,
            e.status_code,
            e.participant.as_deref(),
            e.transaction_id.as_deref(),
            e.kind.as_deref()
        ),
        (
            Some(503),
            None,
            Some("12025550111"),
            Some("t-503"),
            Some("SubmitReq")
        )
    );
    sim.shutdown().await;
}
