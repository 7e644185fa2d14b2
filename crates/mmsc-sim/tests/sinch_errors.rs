//! Done-when: every Sinch error the simulator implements is produced over HTTP and decoded
//! by the codec to its code, inside an RSErrorRsp SOAP Fault echoing the TransactionID.

mod fixtures;

use std::io::{Read, Write};
use std::sync::Arc;

use fixtures::*;
use mm7::message::{CancelReq, ReplyCharging, SubmitReq};
use mm7::{Address, Body, Envelope, Kind, Part, Recipient};
use mmsc_sim::{SimConfig, Simulator, SinchAccount};

struct FixedClock;

impl mmsc_sim::Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        1_767_225_600_000
    }
}

fn group(flags: &[Option<bool>]) -> Vec<Recipient> {
    flags
        .iter()
        .enumerate()
        .map(|(i, f)| {
            Recipient::to(Address {
                display_only: *f,
                ..Address::number(format!("1202555{i:04}"))
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_sinch_error_comes_back_with_its_code() {
    let sim = Simulator::start(SimConfig {
        account: SinchAccount {
            vas_id: Some("svc-1".into()),
            basic: Some(("acct".into(), "pw".into())),
            max_message_bytes: 50_000,
            max_submits_per_second: Some(1000),
            ..SinchAccount::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let url = sim.submit_url();
    let auth = Some(("acct", "pw"));
    let good = || {
        let mut s = valid_submit();
        s.sender_identification.vas_id = Some("svc-1".into());
        s
    };
    let text = [text_part("hi")];

    type Case = (
        u16,
        &'static str,
        Envelope,
        Vec<Part<'static>>,
        Option<(&'static str, &'static str)>,
    );
    let submit = |tx: &str, s: SubmitReq| envelope(tx, Body::SubmitReq(s));
    let mut cases: Vec<Case> = Vec::new();
    let mut with = |code, name, e: Envelope, parts: &[Part<'static>], auth| {
        cases.push((code, name, e, parts.to_vec(), auth))
    };
    with(2568, "no Basic auth", submit("t2568", good()), &text, None);
    with(
        2568,
        "wrong Basic auth",
        submit("t2568b", good()),
        &text,
        Some(("acct", "nope")),
    );
    let mut e = submit("t2505", good());
    e.mm7_version = Some("6.8".into());
    with(2505, "version not x.y.z", e, &text, auth);
    let mut e = submit("t2505b", good());
    e.mm7_version = Some("7.0.0".into());
    with(2505, "unsupported version", e, &text, auth);
    let mut e = submit("t2507", good());
    e.namespace = Some("http://example.com/not-mm7".into());
    with(2507, "unknown namespace", e, &text, auth);
    let mut e = submit("t2507b", good());
    e.namespace = Some(mm7::Release::Rel5Mm7_1_2.namespace());
    with(2507, "6.8.0 needs REL-6-MM7-1-4", e, &text, auth);
    let mut e = submit("t2510", good());
    e.transaction_id = None;
    with(2510, "no SOAP header", e, &text, auth);
    with(2506, "no Content", submit("t2506", good()), &[], auth);
    let mut s = good();
    s.sender_identification.sender = Some(Address::number("19995550000"));
    with(
        2563,
        "sender not provisioned",
        submit("t2563", s),
        &text,
        auth,
    );
    let mut s = good();
    s.sender_identification.sender = None;
    with(2504, "no sender address", submit("t2504", s), &text, auth);
    let mut s = good();
    s.sender_identification.vasp_id = Some("someone-else".into());
    with(2564, "wrong VASPID", submit("t2564", s), &text, auth);
    let mut s = good();
    s.sender_identification.vas_id = Some("svc-2".into());
    with(2562, "wrong VASID", submit("t2562", s), &text, auth);
    let mut s = good();
    s.sender_identification = Default::default();
    with(
        2561,
        "no sender identification",
        submit("t2561", s),
        &text,
        auth,
    );
    let mut s = good();
    s.recipients.clear();
    with(2502, "no recipients", submit("t2502", s), &text, auth);
    let mut s = good();
    s.recipients = group(&[Some(true), Some(true), Some(true)]);
    with(2571, "all displayOnly", submit("t2571", s), &text, auth);
    let mut s = good();
    s.recipients = group(&[Some(false), Some(false), Some(true)]);
    with(2572, "two deliverable", submit("t2572", s), &text, auth);
    let mut s = good();
    s.recipients = group(&[None, None, Some(true)]);
    with(
        2572,
        "two without the attribute",
        submit("t2572b", s),
        &text,
        auth,
    );
    let mut s = good();
    let mut flags = vec![Some(true); 21];
    flags[0] = Some(false);
    s.recipients = group(&flags);
    with(
        2503,
        "more than 20 in a group",
        submit("t2503", s),
        &text,
        auth,
    );
    with(
        2560,
        "over the carrier limit",
        submit("t2560", good()),
        &[Part::new("image/jpeg", vec![0xAB; 60_000])],
        auth,
    );
    let mut s = good();
    s.reply_charging = Some(ReplyCharging::default());
    with(2565, "reply charging", submit("t2565", s), &text, auth);
    let mut s = good();
    s.charged_party = Some("Recipient".into());
    with(3002, "charged party", submit("t3002", s), &text, auth);
    with(
        2512,
        "CancelReq",
        envelope("t2512", Body::CancelReq(CancelReq::default())),
        &[],
        auth,
    );

    for (code, name, request, parts, auth) in &cases {
        let (status, answer) = post_mm7(&client, &url, request, parts, *auth).await;
        assert_eq!(status, 500, "{name}");
        assert_eq!(answer.kind(), Kind::RSErrorRsp, "{name}");
        assert_eq!(answer.status().unwrap().code.0, *code, "{name}");
        if request.transaction_id.is_some() && *code != 2568 {
            assert_eq!(
                answer.transaction_id, request.transaction_id,
                "{name} echoes"
            );
        }
    }
    // And the good one passes with the same credentials.
    let (status, answer) = post_mm7(&client, &url, &submit("ok", good()), &text, auth).await;
    assert_eq!((status, answer.kind()), (200, Kind::SubmitRsp));
    let log = sim.log();
    assert_eq!(
        log.iter().filter(|e| e.event == "submit").count(),
        cases.len() + 1
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_content_length_is_2500() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let mut stream = std::net::TcpStream::connect(sim.addr).unwrap();
    let body = b"<Envelope/>";
    write!(
        stream,
        "POST /mm7 HTTP/1.1\r\nHost: sim\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(body).unwrap();
    stream.write_all(b"\r\n0\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let decoded = mm7::decode_http(&raw, &mm7::Limits::default()).unwrap();
    assert_eq!(decoded.envelope.kind(), Kind::RSErrorRsp);
    assert_eq!(decoded.envelope.status().unwrap().code.0, 2500);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submits_above_the_throughput_are_3510() {
    let sim = Simulator::start(SimConfig {
        account: SinchAccount {
            max_submits_per_second: Some(2),
            ..SinchAccount::default()
        },
        // A clock that never moves: every submit falls in the same second.
        clock: Arc::new(FixedClock),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    let mut codes = Vec::new();
    for i in 0..4 {
        let e = envelope(&format!("t{i}"), Body::SubmitReq(valid_submit()));
        let (_, answer) = post_mm7(&client, &sim.submit_url(), &e, &[text_part("x")], None).await;
        codes.push(answer.status().unwrap().code.0);
    }
    assert_eq!(codes, [1000, 1000, 3510, 3510]);
    assert!(mm7::StatusCode(3510).is_transient());
    sim.shutdown().await;
}
