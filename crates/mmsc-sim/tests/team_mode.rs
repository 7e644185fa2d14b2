//! Team mode over loopback: a desktop sends a SubmitReq through the relay, which adds the
//! provider credentials only it holds, forwards it to the simulator, returns the
//! simulator's answer, and records the submit (with its MessageID) in the stream where a
//! colleague's desktop sees it, followed by its delivery report.

mod fixtures;

use fixtures::*;
use mm7::message::SenderIdentification;
use mm7::{Body, Kind, SequentialIds, TransferEncoding};
use mmsc_sim::{SimConfig, Simulator, SinchAccount};
use relay::client_api::EntriesPage;
use relay::team::CURSOR_HEADER;
use relay::{Relay, RelayConfig, TeamConfig};

/// A SubmitReq without the account's credentials: in team mode the relay holds them.
fn bare_submit(transaction_id: &str, sender: &str) -> (String, Vec<u8>) {
    let mut submit = valid_submit();
    submit.sender_identification = SenderIdentification {
        vasp_id: None,
        vas_id: None,
        sender: Some(mm7::Address::number(sender)),
    };
    let e = envelope(transaction_id, Body::SubmitReq(submit));
    let mut ids = SequentialIds::new("desk", "2026-01-01T00:00:00Z");
    let encoded = mm7::encode_body(
        &e,
        &[text_part("Tow truck booked for 3 pm")],
        TransferEncoding::Binary,
        &mut ids,
    )
    .unwrap();
    (encoded.content_type, encoded.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_through_the_relay_reaches_the_provider_and_every_desktop() {
    let dir = tempfile::tempdir().unwrap();
    // The relay's own address must be known before the simulator (which pushes to it)
    // and the simulator's before the relay's team config: bind the relay on a fixed
    // free port by starting it once without team mode to learn one.
    let probe = Relay::start(RelayConfig::new(dir.path().join("probe.sqlite3")))
        .await
        .unwrap();
    let relay_addr = probe.addr;
    probe.shutdown().await;
    let sim = Simulator::start(
        SimConfig {
            account: SinchAccount {
                vas_id: Some("svc-7".into()),
                basic: Some(("acct".into(), "pw".into())),
                ..SinchAccount::default()
            },
            dlr_delay: std::time::Duration::ZERO,
            retry: fast_retries(),
            ..SimConfig::default()
        }
        .with_push_to(format!("http://{relay_addr}/mm7")),
    )
    .await
    .unwrap();
    let relay = Relay::start(
        RelayConfig::new(dir.path().join("relay.sqlite3"))
            .with_listen(relay_addr)
            .with_client("alice", "a-token")
            .with_client("bob", "b-token")
            .with_team(TeamConfig {
                provider_basic: Some(relay::BasicCredentials {
                    user: "acct".into(),
                    password: "pw".into(),
                }),
                vasp_id: Some(VASP_ID.into()),
                vas_id: Some("svc-7".into()),
                ..TeamConfig::new(sim.submit_url())
            }),
    )
    .await
    .unwrap();
    let base = format!("http://{relay_addr}");
    let client = reqwest::Client::new();

    // Alice sends through the relay and gets the provider's SubmitRsp back.
    let (ct, body) = bare_submit("team-1", OUR_NUMBER);
    let r = client
        .post(format!("{base}/v1/submit"))
        .bearer_auth("a-token")
        .header("Content-Type", ct)
        .header("x-mblox-operator-id", "31003")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cursor: i64 = r.headers()[CURSOR_HEADER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let answer_ct = r.headers()["content-type"].to_str().unwrap().to_owned();
    let answer = r.bytes().await.unwrap();
    let answer = mm7::decode_body(&answer, Some(&answer_ct), &mm7::Limits::default()).unwrap();
    assert_eq!(answer.envelope.kind(), Kind::SubmitRsp);
    assert_eq!(answer.envelope.transaction_id.as_deref(), Some("team-1"));
    let Body::SubmitRsp(rsp) = &answer.envelope.body else {
        unreachable!()
    };
    assert_eq!(rsp.status.code.0, 1000);
    let message_id = rsp.message_id.clone().unwrap();
    let submits: Vec<_> = sim
        .log()
        .into_iter()
        .filter(|e| e.event == "submit")
        .collect();
    assert_eq!(submits.len(), 1);
    assert_eq!(submits[0].status_code, Some(1000), "credentials added");

    // Bob's desktop sees Alice's submit, then its delivery report, by the same MessageID.
    let reports = await_entries(&base, "b-token", "DeliveryReportReq", 1).await;
    let page: EntriesPage = serde_json::from_slice(
        &client
            .get(format!("{base}/v1/entries?after=0"))
            .bearer_auth("b-token")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    let sent = &page.entries[0];
    assert_eq!(sent.cursor, cursor);
    assert_eq!(sent.summary.kind.as_deref(), Some("SubmitReq"));
    assert_eq!(sent.summary.submitted_by.as_deref(), Some("alice"));
    assert_eq!(
        sent.summary.message_id.as_deref(),
        Some(message_id.as_str())
    );
    assert_eq!(sent.summary.transaction_id.as_deref(), Some("team-1"));
    assert_eq!(sent.summary.operator_id.as_deref(), Some("31003"));
    assert_eq!(sent.summary.sender.as_ref().unwrap().value, OUR_NUMBER);
    assert_eq!(sent.summary.recipients[0].value, "12025550111");
    let raw = sent.raw().unwrap();
    let text = String::from_utf8_lossy(&raw);
    assert!(
        !text.contains(VASP_ID) && !text.to_ascii_lowercase().contains("authorization"),
        "the stored copy holds no provider credential"
    );
    let stored = mm7::decode_http(&raw, &mm7::Limits::default()).unwrap();
    assert!(
        stored
            .parts
            .iter()
            .any(|p| p.data.as_ref() == b"Tow truck booked for 3 pm")
    );
    assert_eq!(
        reports[0].summary.message_id.as_deref(),
        Some(message_id.as_str())
    );

    // The provider's refusal comes back as it is, and nothing is recorded.
    let (ct, body) = bare_submit("team-2", "19995550000");
    let r = client
        .post(format!("{base}/v1/submit"))
        .bearer_auth("b-token")
        .header("Content-Type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    assert!(r.headers().get(CURSOR_HEADER).is_none());
    assert_eq!(status_of(&r.bytes().await.unwrap()), 2563);

    // Without a client token: refused before anything reaches the provider.
    let (ct, body) = bare_submit("team-3", OUR_NUMBER);
    let r = client
        .post(format!("{base}/v1/submit"))
        .header("Content-Type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(status_of(&r.bytes().await.unwrap()), 2568);
    assert_eq!(
        sim.log().iter().filter(|e| e.event == "submit").count(),
        2,
        "the unauthenticated one never left the relay"
    );
    let m = relay.metrics();
    assert_eq!((m.team_submits, m.team_recorded), (2, 1));

    sim.shutdown().await;
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_mode_off_or_provider_down_answers_a_fault() {
    let dir = tempfile::tempdir().unwrap();
    let off =
        Relay::start(RelayConfig::new(dir.path().join("off.sqlite3")).with_client("alice", "a"))
            .await
            .unwrap();
    let client = reqwest::Client::new();
    let (ct, body) = bare_submit("t-1", OUR_NUMBER);
    let r = client
        .post(format!("http://{}/v1/submit", off.addr))
        .bearer_auth("a")
        .header("Content-Type", &ct)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(status_of(&r.bytes().await.unwrap()), 4003);
    let dead_port = off.addr.port();
    off.shutdown().await;

    // A provider URL nobody listens on: 502 with a transient 3000, nothing recorded.
    let relay = Relay::start(
        RelayConfig::new(dir.path().join("relay.sqlite3"))
            .with_client("alice", "a")
            .with_team(TeamConfig::new(format!("http://127.0.0.1:{dead_port}/mm7"))),
    )
    .await
    .unwrap();
    let r = client
        .post(format!("http://{}/v1/submit", relay.addr))
        .bearer_auth("a")
        .header("Content-Type", &ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);
    let answer = r.bytes().await.unwrap();
    assert_eq!(status_of(&answer), 3000);
    assert!(relay.store().read_after(0, 10).unwrap().is_empty());
    assert_eq!(relay.metrics().team_unreachable, 1);
    relay.shutdown().await;
}

/// The MM7 StatusCode of an answer's body.
fn status_of(body: &[u8]) -> u16 {
    let d = mm7::decode_body(body, None, &mm7::Limits::default()).unwrap();
    d.envelope.status().unwrap().code.0
}
