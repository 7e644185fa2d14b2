//! Scripted participants reach the relay as real DeliverReqs in Sinch's group form, with
//! real media, and the built-in demo plays its whole story (including the "Stop.").

mod fixtures;

use std::collections::BTreeSet;

use fixtures::*;
use mm7::{Body, Kind};
use mmsc_sim::{Script, SimConfig, Simulator, demo_script};

const SCRIPT: &str = r#"
our_number = "12025550100"

[[cast]]
name = "Dana"
number = "12025550111"
carrier = "att"

[[cast]]
name = "Sam"
number = "12025550122"

[[cast]]
name = "Rick"
number = "12025550133"

[[messages]]
at_ms = 0
from = "Dana"
group = ["Sam", "Rick"]
text = "Photos attached"
media = [{ kind = "jpeg", name = "bumper.jpg" }, { kind = "vcard", name = "Dana.vcf" }]

[[messages]]
at_ms = 20
from = "Rick"
text = "Just to you: truck is 20 minutes out"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_arrives_in_sinch_group_form_with_media() {
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
    let mut entries = await_entries(&base, "t", "DeliverReq", 2).await;
    entries.sort_by_key(|e| e.summary.sender.as_ref().unwrap().value.clone());

    // The group message: Sender without displayOnly, our number false, the rest true.
    let group = &entries[0];
    assert_eq!(group.summary.operator_id.as_deref(), Some("31002"));
    let raw = group.raw().unwrap();
    let decoded = mm7::decode_http(&raw, &mm7::Limits::default()).unwrap();
    let Body::DeliverReq(d) = &decoded.envelope.body else {
        panic!("{:?}", decoded.envelope.kind())
    };
    let sender = d.sender.as_ref().unwrap();
    assert_eq!(
        (sender.value.as_str(), sender.display_only),
        ("12025550111", None)
    );
    let flags: Vec<(String, Option<bool>)> = d
        .recipients
        .iter()
        .map(|r| (r.address.value.clone(), r.address.display_only))
        .collect();
    assert_eq!(
        flags,
        [
            ("12025550100".to_owned(), Some(false)),
            ("12025550122".to_owned(), Some(true)),
            ("12025550133".to_owned(), Some(true)),
        ]
    );
    assert!(d.linked_id.is_some());
    let types: Vec<String> = decoded.parts.iter().map(|p| p.media_type()).collect();
    assert_eq!(types, ["text/plain", "image/jpeg", "text/vcard"]);
    let jpeg = image::load_from_memory(&decoded.parts[1].data).unwrap();
    assert_eq!(jpeg.width(), mmsc_sim::media::PICTURE_SIZE.0);

    // The one-to-one message lists only our number.
    let direct_raw = entries[1].raw().unwrap();
    let direct = mm7::decode_http(&direct_raw, &mm7::Limits::default()).unwrap();
    let Body::DeliverReq(d) = &direct.envelope.body else {
        panic!()
    };
    assert_eq!(d.recipients.len(), 1);
    assert_eq!(d.recipients[0].address.value, "12025550100");
    sim.shutdown().await;
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_plays_the_claim_and_the_listing() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(&dir).await;
    let base = format!("http://{}", relay.addr);
    let script = demo_script();
    let sim = Simulator::start(
        SimConfig {
            script: Some(script.clone()),
            // 44 s of story in under half a second.
            time_scale: 0.01,
            retry: fast_retries(),
            ..SimConfig::default()
        }
        .with_push_to(format!("{base}/mm7")),
    )
    .await
    .unwrap();
    let entries = await_entries(&base, "t", "DeliverReq", script.messages.len()).await;
    let senders: BTreeSet<String> = entries
        .iter()
        .map(|e| e.summary.sender.as_ref().unwrap().value.clone())
        .collect();
    assert_eq!(senders.len(), 6, "everyone in the cast speaks");
    let raws: Vec<Vec<u8>> = entries.iter().map(|e| e.raw().unwrap()).collect();
    let stop = raws
        .iter()
        .map(|raw| mm7::decode_http(raw, &mm7::Limits::default()).unwrap())
        .filter(|d| d.envelope.kind() == Kind::DeliverReq)
        .find(|d| d.parts.iter().any(|p| p.data.as_ref() == b"Stop."))
        .expect("someone texts Stop.");
    let Body::DeliverReq(d) = &stop.envelope.body else {
        panic!()
    };
    assert_eq!(d.sender.as_ref().unwrap().value, "12025550166");
    sim.shutdown().await;
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_delivery_reports_carry_their_status() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay(&dir).await;
    let base = format!("http://{}", relay.addr);
    let script = Script::parse(
        r#"
        [[cast]]
        name = "Sam"
        number = "12025550122"
        [[delivery_reports]]
        number = "Sam"
        status = "Rejected"
        "#,
    )
    .unwrap();
    let sim = Simulator::start(
        SimConfig {
            script: Some(script),
            dlr_delay: std::time::Duration::ZERO,
            retry: fast_retries(),
            ..SimConfig::default()
        }
        .with_push_to(format!("{base}/mm7")),
    )
    .await
    .unwrap();
    let client = reqwest::Client::new();
    for (tx, to) in [("a", "12025550122"), ("b", "12025550111")] {
        let mut s = valid_submit();
        s.recipients = vec![mm7::Recipient::to(mm7::Address::number(to))];
        let (status, _) = post_mm7(
            &client,
            &sim.submit_url(),
            &envelope(tx, Body::SubmitReq(s)),
            &[text_part("x")],
            None,
        )
        .await;
        assert_eq!(status, 200);
    }
    let reports = await_entries(&base, "t", "DeliveryReportReq", 2).await;
    let status_of = |number: &str| {
        reports
            .iter()
            .find(|e| e.summary.recipients[0].value == number)
            .and_then(|e| e.summary.mm_status.clone())
    };
    assert_eq!(status_of("12025550122").as_deref(), Some("Rejected"));
    assert_eq!(status_of("12025550111").as_deref(), Some("Retrieved"));
    sim.shutdown().await;
    relay.shutdown().await;
}
