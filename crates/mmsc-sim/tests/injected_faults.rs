//! Faults injected into submit answers, each seen by a client the way a real failure
//! would be, and recorded in the log.

mod fixtures;

use std::collections::VecDeque;

use fixtures::*;
use mm7::{Body, SequentialIds, TransferEncoding};
use mmsc_sim::{Fault, FaultPlan, SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_is_what_a_client_sees() {
    let sim = Simulator::start(SimConfig {
        faults: FaultPlan {
            next: VecDeque::from([
                Fault::Http503,
                Fault::Http500,
                Fault::Reset,
                Fault::Truncated,
                Fault::Malformed,
                Fault::Delay(50),
            ]),
            ..FaultPlan::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let send = |n: usize| {
        let e = envelope(&format!("f{n}"), Body::SubmitReq(valid_submit()));
        let mut ids = SequentialIds::new("f", "2026-01-01T00:00:00Z");
        let encoded =
            mm7::encode_body(&e, &[text_part("x")], TransferEncoding::Binary, &mut ids).unwrap();
        client
            .post(sim.submit_url())
            .header("Content-Type", encoded.content_type)
            .body(encoded.body)
            .send()
    };
    assert_eq!(send(0).await.unwrap().status(), 503);
    assert_eq!(send(1).await.unwrap().status(), 500);
    assert!(send(2).await.is_err(), "reset: no answer at all");
    for (n, what) in [(3, "truncated"), (4, "malformed")] {
        let r = send(n).await.unwrap();
        assert_eq!(r.status(), 200, "{what}");
        let body = r.bytes().await.unwrap();
        assert!(
            mm7::decode_body(&body, Some("text/xml"), &mm7::Limits::default()).is_err(),
            "{what} does not decode"
        );
    }
    let (status, answer) = post_mm7(
        &client,
        &sim.submit_url(),
        &envelope("f5", Body::SubmitReq(valid_submit())),
        &[text_part("x")],
        None,
    )
    .await;
    assert_eq!(
        (status, answer.status().unwrap().code.0),
        (200, 1000),
        "delayed, then fine"
    );
    let (status, _) = post_mm7(
        &client,
        &sim.submit_url(),
        &envelope("f6", Body::SubmitReq(valid_submit())),
        &[text_part("x")],
        None,
    )
    .await;
    assert_eq!(status, 200, "the plan is used up");

    let faults: Vec<Option<String>> = sim.log().into_iter().map(|e| e.fault).collect();
    assert_eq!(
        faults,
        [
            Some("Http503".to_owned()),
            Some("Http500".to_owned()),
            Some("Reset".to_owned()),
            Some("Truncated".to_owned()),
            Some("Malformed".to_owned()),
            Some("Delay(50)".to_owned()),
            None,
        ]
    );
    sim.shutdown().await;
}
