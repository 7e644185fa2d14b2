//! Pushes garbled on the way to the relay (truncated, malformed), injected from a script
//! or the config: the relay keeps each for inspection and refuses it with a VASPErrorRsp,
//! and the simulator's retry delivers the intact request. And the operator-ID header that
//! Sinch puts on its DLR posts, as the relay's summary shows it.

mod fixtures;

use std::collections::VecDeque;

use fixtures::*;
use mm7::{Body, Kind};
use mmsc_sim::{PushFault, PushFaultPlan, Script, SimConfig, Simulator};
use relay::client_api::{ApiEntry, EntriesPage};

const SCRIPT: &str = r#"
our_number = "12025550100"
push_faults = { next = ["truncated", "malformed"] }

[[cast]]
name = "Dana"
number = "12025550111"
carrier = "att"

[[messages]]
at_ms = 0
from = "Dana"
text = "Photo of the bumper"
media = [{ kind = "jpeg", name = "bumper.jpg" }]
"#;

/// Every entry the relay holds, in cursor order.
async fn all_entries(base: &str) -> Vec<ApiEntry> {
    let page: EntriesPage = serde_json::from_slice(
        &reqwest::Client::new()
            .get(format!("{base}/v1/entries?after=0&limit=500"))
            .bearer_auth("t")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    page.entries
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbled_pushes_are_kept_refused_and_then_retried_intact() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(&dir).await;
    let base = format!("http://{}", relay.addr);
    let sim = Simulator::start(
        SimConfig {
            script: Some(Script::parse(SCRIPT).unwrap()),
            retry: fast_retries(),
            ..SimConfig::default()
        }
        .with_push_to(format!("{base}/mm7")),
    )
    .await
    .unwrap();
    let log = await_log(&sim, 1, |e| e.event == "push" && e.answered).await;

    // Three attempts of one push: cut in half, not SOAP at all, then intact.
    let attempts: Vec<_> = log.iter().filter(|e| e.event == "push").collect();
    assert_eq!(
        attempts
            .iter()
            .map(|e| (e.attempt, e.fault.as_deref(), e.http_status, e.answered))
            .collect::<Vec<_>>(),
        [
            (Some(1), Some("Truncated"), Some(500), false),
            (Some(2), Some("Malformed"), Some(500), false),
            (Some(3), None, Some(200), true),
        ]
    );
    assert_eq!(
        attempts[0].status_code,
        Some(2007),
        "message format corrupt"
    );

    let entries = all_entries(&base).await;
    assert_eq!(entries.len(), 3, "each attempt kept for inspection");
    let (cut, garbage, intact) = (&entries[0], &entries[1], &entries[2]);
    assert!(
        cut.summary
            .rejected
            .as_deref()
            .unwrap()
            .contains("truncated"),
        "{:?}",
        cut.summary
    );
    assert_eq!(
        cut.summary.kind.as_deref(),
        Some("DeliverReq"),
        "its SOAP part still decodes"
    );
    assert!(garbage.summary.rejected.is_some());
    assert_eq!(garbage.summary.kind, None);
    assert_eq!(intact.summary.rejected, None);
    assert_eq!(intact.summary.parts, 2, "text and the whole JPEG");
    assert_eq!(intact.summary.transaction_id, cut.summary.transaction_id);
    let (cut_raw, intact_raw) = (cut.raw().unwrap(), intact.raw().unwrap());
    assert!(cut_raw.len() < intact_raw.len());
    let decoded = mm7::decode_http(&intact_raw, &mm7::Limits::default()).unwrap();
    assert!(
        decoded
            .parts
            .iter()
            .any(|p| p.data.starts_with(&[0xFF, 0xD8]))
    );
    let m = relay.metrics();
    assert_eq!((m.stored, m.refused), (3, 2));

    sim.shutdown().await;
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_faults_from_the_config_hit_delivery_reports() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(&dir).await;
    let base = format!("http://{}", relay.addr);
    let sim = Simulator::start(
        SimConfig {
            dlr_delay: std::time::Duration::ZERO,
            retry: fast_retries(),
            push_faults: PushFaultPlan {
                next: VecDeque::from([PushFault::Truncated]),
                ..PushFaultPlan::default()
            },
            ..SimConfig::default()
        }
        .with_push_to(format!("{base}/mm7")),
    )
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let (status, _) = post_mm7(
        &client,
        &sim.submit_url(),
        &envelope("s1", Body::SubmitReq(valid_submit())),
        &[text_part("on our way")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    let log = await_log(&sim, 1, |e| e.event == "push" && e.answered).await;
    let faults: Vec<_> = log
        .iter()
        .filter(|e| e.event == "push")
        .map(|e| e.fault.clone())
        .collect();
    assert_eq!(faults, [Some("Truncated".to_owned()), None]);
    // A plain-XML report cut in half does not decode at all: kept, refused, retried.
    let entries = all_entries(&base).await;
    assert_eq!(entries.len(), 2);
    assert!(entries[0].summary.rejected.is_some());
    assert_eq!(
        entries[1].summary.kind.as_deref(),
        Some("DeliveryReportReq")
    );
    sim.shutdown().await;
    relay.shutdown().await;
}

/// Sinch echoes the carrier on every DLR post: the one the submit named, else the
/// recipient's carrier (here from the script's cast), else a fallback from the config.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_reports_carry_the_operator_id_header() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(&dir).await;
    let base = format!("http://{}", relay.addr);
    let script = Script::parse(
        r#"
        [[cast]]
        name = "Sam"
        number = "12025550122"
        carrier = "verizon"
        "#,
    )
    .unwrap();
    let sim = Simulator::start(
        SimConfig {
            dlr_delay: std::time::Duration::ZERO,
            retry: fast_retries(),
            script: Some(script),
            dlr_operator_id: Some("10488".into()),
            ..SimConfig::default()
        }
        .with_push_to(format!("{base}/mm7")),
    )
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let mut ids = mm7::SequentialIds::new("op", "2026-01-01T00:00:00Z");
    for (n, to, header) in [
        (1, "12025550111", Some("31004")),
        (2, "12025550122", None),
        (3, "12025550133", None),
    ] {
        let mut submit = valid_submit();
        submit.recipients = vec![mm7::Recipient::to(mm7::Address::number(to))];
        let e = envelope(&format!("op-{n}"), Body::SubmitReq(submit));
        let encoded = mm7::encode_body(
            &e,
            &[text_part("x")],
            mm7::TransferEncoding::Binary,
            &mut ids,
        )
        .unwrap();
        let mut request = client
            .post(sim.submit_url())
            .header("Content-Type", encoded.content_type)
            .body(encoded.body);
        if let Some(op) = header {
            request = request.header("x-mblox-operator-id", op);
        }
        assert_eq!(request.send().await.unwrap().status(), 200);
    }
    let reports = await_entries(&base, "t", "DeliveryReportReq", 3).await;
    let mut by_recipient: Vec<(String, Option<String>, Option<String>)> = reports
        .iter()
        .map(|e| {
            let raw = e.raw().unwrap();
            let head = mm7::decode_http(&raw, &mm7::Limits::default())
                .unwrap()
                .http
                .unwrap();
            (
                e.summary.recipients[0].value.clone(),
                e.summary.operator_id.clone(),
                head.header("x-mblox-operator-id").map(str::to_owned),
            )
        })
        .collect();
    by_recipient.sort();
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        by_recipient,
        [
            ("12025550111".into(), some("31004"), some("31004")),
            ("12025550122".into(), some("31003"), some("31003")),
            ("12025550133".into(), some("10488"), some("10488")),
        ]
    );
    assert!(
        reports
            .iter()
            .all(|e| e.summary.kind.as_deref() == Some(Kind::DeliveryReportReq.element()))
    );
    sim.shutdown().await;
    relay.shutdown().await;
}
