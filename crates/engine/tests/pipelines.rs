//! The engine's pipelines against the real simulator and relay over loopback HTTP, with a
//! real SQLite store in a temporary directory.

use std::sync::Arc;
use std::time::Duration;

use engine::Clock;
use engine::clock::OffsetClock;
use engine::inbound::relay_client::RelayEndpoint;
use engine::outbound::compose::{Attachment, Audience, Draft};
use engine::outbound::policy::RetryPolicy;
use engine::provider::ProviderEndpoint;
use engine::store::{DeliveryState, MessageQuery, MessageState, ThreadKind, ThreadListQuery};
use engine::{DataDir, Engine, EngineConfig, Session};

const OUR: &str = "12025550100";

/// Today at 18:00 UTC (1 or 2 pm in Washington, DC, where the test numbers are): inside
/// quiet hours' window, so tests pass at any hour they run.
fn midday() -> OffsetClock {
    let now = engine::SystemClock.now_ms();
    let day = now - now.rem_euclid(86_400_000);
    OffsetClock::starting_at(day + 18 * 3_600_000)
}

struct Rig {
    _dir: tempfile::TempDir,
    engine: Engine,
    sim: mmsc_sim::SimHandle,
    relay: relay::RelayHandle,
}

async fn rig(sim_config: mmsc_sim::SimConfig, tweak: impl FnOnce(&mut ProviderEndpoint)) -> Rig {
    rig_with_clock(sim_config, tweak, midday()).await
}

/// A rig whose engine runs on `clock` (the simulator and relay keep the system's).
async fn rig_with_clock(
    sim_config: mmsc_sim::SimConfig,
    tweak: impl FnOnce(&mut ProviderEndpoint),
    clock: impl Clock + 'static,
) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay::Relay::start(
        relay::RelayConfig::new(dir.path().join("relay.sqlite3")).with_client("desktop", "t0ken"),
    )
    .await
    .unwrap();
    let sim = mmsc_sim::Simulator::start(
        mmsc_sim::SimConfig {
            dlr_delay: Duration::from_millis(20),
            retry: mmsc_sim::RetryPolicy {
                timeout: Duration::from_secs(5),
                interval: Duration::from_millis(50),
                retries: 5,
            },
            ..sim_config
        }
        .with_push_to(format!("http://{}/mm7", relay.addr)),
    )
    .await
    .unwrap();
    let data = DataDir::resolve(Some(dir.path().join("data")), None).unwrap();
    let session = Arc::new(Session::open(data, 1).unwrap());
    let mut provider = ProviderEndpoint::new("sim", sim.submit_url(), "groupline-demo", OUR);
    provider.max_concurrency = 20;
    provider.rate_per_second = 1000.0;
    // Generous, so a test machine under load never turns a slow answer into an
    // unconfirmed submit; tests about timeouts set their own.
    provider.timeout = Duration::from_secs(15);
    tweak(&mut provider);
    let engine = Engine::new(
        session,
        EngineConfig {
            provider,
            relay: RelayEndpoint {
                url: format!("http://{}", relay.addr),
                token: "t0ken".into(),
            },
            relay_key: "test-relay".into(),
            retry: RetryPolicy {
                base: Duration::from_millis(20),
                // Above the 1 s floor a 3510 asks for, so throttling is retried as in
                // production; small enough that tests stay quick.
                max: Duration::from_millis(1500),
                max_attempts: 10,
            },
            seed: 42,
            quiet_hours: true,
            compliance: Default::default(),
        },
        Arc::new(clock),
    )
    .unwrap();
    Rig {
        _dir: dir,
        engine,
        sim,
        relay,
    }
}

impl Rig {
    async fn shutdown(self) {
        self.engine.shutdown().await;
        self.sim.shutdown().await;
        self.relay.shutdown().await;
    }
}

/// A rig whose simulator plays `script` (TOML) from the start.
async fn scripted_rig(script: &str) -> Rig {
    let script = mmsc_sim::Script::parse(script).unwrap();
    rig(
        mmsc_sim::SimConfig {
            script: Some(script),
            ..Default::default()
        },
        |_| {},
    )
    .await
}

fn accepted_submits(sim: &mmsc_sim::SimHandle) -> Vec<mmsc_sim::LogEvent> {
    sim.log()
        .into_iter()
        .filter(|e| e.event == "submit" && e.status_code == Some(1000))
        .collect()
}

/// Polls until `done` holds or 30 s pass (a loaded CI machine is slow, not broken).
async fn poll_until(engine: &Engine, mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        engine.poll_once(Duration::from_millis(100)).await.unwrap();
        if done() {
            return;
        }
    }
    panic!("condition not reached after polling for 30 s");
}

/// Pushes a one-to-one DeliverReq from `from` into the relay, as a provider would.
async fn push_deliver(relay: &relay::RelayHandle, from: &str, text: &str, linked_id: &str) {
    let mut ids = mm7::SequentialIds::new(linked_id, "2026-01-01T00:00:00Z");
    let request = mm7::message::DeliverReq {
        linked_id: Some(linked_id.into()),
        sender: Some(mm7::Address::number(from)),
        recipients: vec![mm7::Recipient::to(mm7::Address::number(OUR))],
        ..Default::default()
    };
    let envelope = mm7::Envelope::new(
        &mm7::Version::default(),
        linked_id,
        mm7::Body::DeliverReq(request),
    );
    let parts = [mm7::Part::new(
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )];
    let body =
        mm7::encode_body(&envelope, &parts, mm7::TransferEncoding::Binary, &mut ids).unwrap();
    let status = reqwest::Client::new()
        .post(format!("http://{}/mm7", relay.addr))
        .header("content-type", body.content_type)
        .body(body.body)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success());
}

/// Records that `number` texted STOP, as the poller would.
fn record_stop(session: &Session, number: &str) {
    session
        .write(|w| {
            w.record_consent(
                number,
                engine::store::ConsentKind::OptOut,
                "keyword",
                &engine::store::Evidence::Text("STOP".into()),
                None,
                1,
            )
            .map(|_| ())
        })
        .unwrap();
}

fn png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(40, 30, image::Rgb([200, 30, 30]))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_conversation_both_ways_with_media_and_delivery_reports() {
    let rig = scripted_rig(
        r#"
name = "reply"
our_number = "12025550100"
[[cast]]
name = "Dana"
number = "12025550111"
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
text = "Photo of the bumper"
media = [{ kind = "jpeg", name = "bumper.jpg" }]
"#,
    )
    .await;
    let session = rig.engine.session().clone();

    let composed = rig
        .engine
        .send(Draft {
            audience: Audience::People(vec![
                "(202) 555-0111".into(),
                "+1 202 555 0122".into(),
                "tel:+12025550133".into(),
            ]),
            text: "Tow truck is 20 minutes out".into(),
            subject: None,
            attachments: vec![Attachment {
                file_name: "map.png".into(),
                bytes: png(),
            }],
        })
        .await
        .unwrap();
    assert_eq!(composed.jobs, 3);
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();

    let submits = accepted_submits(&rig.sim);
    assert_eq!(submits.len(), 3, "{submits:?}");
    let mut delivered_to: Vec<_> = submits
        .iter()
        .filter_map(|e| e.participant.clone())
        .collect();
    delivered_to.sort();
    assert_eq!(delivered_to, ["12025550111", "12025550122", "12025550133"]);

    poll_until(&rig.engine, || {
        let m = session.message(composed.message_id).unwrap();
        let threads = session
            .threads(&ThreadListQuery {
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        m.deliveries
            .iter()
            .all(|d| d.state == DeliveryState::Delivered)
            && threads.items.iter().any(|t| t.message_count == 2)
    })
    .await;

    let sent = session.message(composed.message_id).unwrap();
    assert_eq!(sent.state, MessageState::Sent);
    assert_eq!(sent.parts.len(), 1);
    assert!(
        sent.deliveries
            .iter()
            .all(|d| d.provider_message_id.is_some())
    );

    // Dana's group reply landed in the same thread as our message.
    let view = session
        .thread(
            composed.thread_id,
            &MessageQuery {
                limit: 10,
                before: None,
            },
        )
        .unwrap();
    assert_eq!(view.thread.kind, ThreadKind::Group);
    assert_eq!(view.messages.items.len(), 2);
    let reply = view
        .messages
        .items
        .iter()
        .find(|m| m.direction == engine::store::Direction::In)
        .expect("the reply is in our thread");
    assert_eq!(reply.author, "+12025550111");
    assert_eq!(reply.body, "Photo of the bumper");
    assert_eq!(reply.parts.len(), 1);
    assert_eq!(reply.parts[0].content_type, "image/jpeg");
    assert!(
        reply.parts[0].thumbnail_sha256.is_some(),
        "inbound photos are thumbnailed"
    );

    // Polling again finds nothing new: the cursor was stored with the batch.
    let again = rig.engine.poll_once(Duration::ZERO).await.unwrap();
    assert_eq!(again.messages, 0);
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_is_separate_direct_messages_with_a_record() {
    let rig = rig(mmsc_sim::SimConfig::default(), |_| {}).await;
    let session = rig.engine.session().clone();
    let people = vec![
        "2025550111".to_owned(),
        "2025550122".into(),
        "2025550133".into(),
    ];
    let composed = rig
        .engine
        .send(Draft::text(
            Audience::Broadcast(people),
            "Open house Saturday 1-3pm",
        ))
        .await
        .unwrap();
    assert_eq!(composed.jobs, 3);
    assert_eq!(composed.sent_as.len(), 3);
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();

    let submits = accepted_submits(&rig.sim);
    assert_eq!(submits.len(), 3);
    for (thread, message) in &composed.sent_as {
        let t = session.thread_summary(*thread).unwrap();
        assert_eq!(t.kind, ThreadKind::Direct);
        assert_eq!(t.participants.len(), 1);
        assert_eq!(session.message(*message).unwrap().state, MessageState::Sent);
    }
    let copies: Vec<_> = composed.sent_as.iter().map(|(_, m)| *m).collect();
    assert_eq!(
        session.broadcast_copies(composed.message_id).unwrap(),
        copies,
        "the record links its copies"
    );
    let record = session.thread_summary(composed.thread_id).unwrap();
    assert_eq!(record.kind, ThreadKind::Broadcast);
    assert_eq!(record.participants.len(), 3);
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_provider_fault_ends_delivered_or_failed_never_stuck_or_doubled() {
    use mmsc_sim::Fault;
    let faults = [
        Fault::Http500,
        Fault::Http503,
        Fault::Reset,
        Fault::Malformed,
        Fault::Truncated,
        Fault::Delay(3_000),
    ];
    let rig = rig(
        mmsc_sim::SimConfig {
            faults: mmsc_sim::FaultPlan {
                next: faults.iter().copied().collect(),
                ..Default::default()
            },
            ..Default::default()
        },
        |p| {
            p.max_concurrency = 1;
            p.timeout = Duration::from_secs(2);
        },
    )
    .await;
    let session = rig.engine.session().clone();
    let mut messages = Vec::new();
    for (i, _) in faults.iter().enumerate() {
        let composed = rig
            .engine
            .send(Draft {
                audience: Audience::People(vec![format!("20255501{:02}", 10 + i)]),
                text: format!("message {i}"),
                subject: None,
                attachments: vec![],
            })
            .await
            .unwrap();
        messages.push(composed.message_id);
    }
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        session.pending_jobs().unwrap(),
        0,
        "nothing left in the outbox"
    );

    // Every recipient got at most one accepted submit.
    let submits = accepted_submits(&rig.sim);
    let mut per_recipient = std::collections::HashMap::new();
    for s in &submits {
        *per_recipient.entry(s.participant.clone()).or_insert(0) += 1;
    }
    assert!(per_recipient.values().all(|n| *n == 1), "{per_recipient:?}");

    // Let delivery reports arrive; each message ends delivered, or failed with a reason,
    // or (timeout) submitted-unconfirmed with the reason recorded.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    rig.engine
        .poll_once(Duration::from_millis(200))
        .await
        .unwrap();
    for id in messages {
        let m = session.message(id).unwrap();
        let d = &m.deliveries[0];
        match d.state {
            DeliveryState::Delivered => {}
            DeliveryState::Failed | DeliveryState::Rejected | DeliveryState::Submitted => {
                assert!(
                    d.status_text.as_deref().is_some_and(|t| !t.is_empty()),
                    "{d:?}"
                )
            }
            other => panic!("message {} ended {other:?}: {d:?}", m.body),
        }
    }
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_is_recorded_confirmed_once_and_blocks_later_sends_until_start() {
    let rig = scripted_rig(
        r#"
name = "stop"
our_number = "12025550100"
[[cast]]
name = "Dana"
number = "12025550111"
[[cast]]
name = "Tom"
number = "12025550166"
[[messages]]
at_ms = 0
from = "Tom"
group = ["Dana"]
text = "Stop."
[[messages]]
at_ms = 100
from = "Tom"
group = ["Dana"]
text = "STOP!!"
[[messages]]
at_ms = 100
from = "Dana"
group = ["Tom"]
text = "don't stop the tow truck"
"#,
    )
    .await;
    let session = rig.engine.session().clone();
    let submits_to = |number: &str| {
        accepted_submits(&rig.sim)
            .into_iter()
            .filter(|e| e.participant.as_deref() == Some(number))
            .count()
    };
    poll_until(&rig.engine, || {
        let threads = session
            .threads(&ThreadListQuery {
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        threads.items.iter().map(|t| t.message_count).sum::<i64>() >= 4
    })
    .await;
    assert_eq!(
        session.consent_status("+12025550166").unwrap(),
        engine::store::ConsentStatus::OptedOut
    );
    assert_eq!(
        session.consent_status("+12025550111").unwrap(),
        engine::store::ConsentStatus::Unknown,
        "an ordinary sentence with 'stop' in it is not an opt-out"
    );
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(submits_to("12025550166"), 1, "exactly one confirmation");

    // A group message now goes to Dana only; a direct one to Tom is refused up front.
    let composed = rig
        .engine
        .send(Draft::text(
            Audience::People(vec!["2025550111".into(), "2025550166".into()]),
            "Tow yard closes at 5",
        ))
        .await
        .unwrap();
    assert_eq!(composed.jobs, 1);
    // Named canonically, however the agent typed them.
    assert_eq!(composed.skipped_opted_out, ["+12025550166"]);
    let refused = rig
        .engine
        .send(Draft::text(
            Audience::People(vec!["2025550166".into()]),
            "Are you there?",
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), engine::ErrorCode::OptedOut);
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(submits_to("12025550166"), 1);
    assert_eq!(submits_to("12025550111"), 1);

    // HELP is answered once a day.
    push_deliver(&rig.relay, "12025550111", "HELP", "dana-help-1").await;
    push_deliver(&rig.relay, "12025550111", "help", "dana-help-2").await;
    poll_until(&rig.engine, || {
        session
            .search(&engine::store::SearchQuery {
                text: "rates".into(),
                limit: 5,
                after: None,
            })
            .map(|r| !r.messages.items.is_empty())
            .unwrap_or(false)
    })
    .await;
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        submits_to("12025550111"),
        2,
        "one group message and one HELP answer"
    );

    // START re-opens the number with one confirmation.
    push_deliver(&rig.relay, "12025550166", "start", "tom-start").await;
    poll_until(&rig.engine, || {
        session.consent_status("+12025550166").unwrap() == engine::store::ConsentStatus::OptedIn
    })
    .await;
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(submits_to("12025550166"), 2);
    let kinds: Vec<_> = session
        .consent_history("+12025550166")
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    use engine::store::ConsentKind::*;
    assert_eq!(kinds, [OptOut, ConfirmationSent, OptIn, ConfirmationSent]);
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_too_big_for_the_carrier_is_downscaled_before_it_is_stored() {
    let rig = rig(mmsc_sim::SimConfig::default(), |_| {}).await;
    let session = rig.engine.session().clone();
    let mut rng = fastrand::Rng::with_seed(3);
    let noisy = image::RgbImage::from_fn(1200, 900, |_, _| {
        image::Rgb([rng.u8(..), rng.u8(..), rng.u8(..)])
    });
    let mut png = std::io::Cursor::new(Vec::new());
    noisy.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let png = png.into_inner();
    let budget = engine::media_pipeline::message_budget();
    assert!(
        png.len() as u64 > budget,
        "the test photo must not fit as it is"
    );

    let composed = rig
        .engine
        .send(Draft {
            audience: Audience::People(vec!["2025550111".into()]),
            text: "Listing photo".into(),
            subject: None,
            attachments: vec![Attachment {
                file_name: "front.png".into(),
                bytes: png,
            }],
        })
        .await
        .unwrap();
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    let sent = session.message(composed.message_id).unwrap();
    assert_eq!(sent.parts[0].content_type, "image/jpeg");
    assert!((sent.parts[0].size as u64) < budget);
    assert_eq!(
        sent.deliveries[0].status_code,
        Some(1000),
        "the simulator accepted its size"
    );

    let refused = rig
        .engine
        .send(Draft {
            audience: Audience::People(vec!["2025550111".into()]),
            text: String::new(),
            subject: None,
            attachments: vec![Attachment {
                file_name: "tool.exe".into(),
                bytes: b"MZ\x90\x00binary".to_vec(),
            }],
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), engine::ErrorCode::MediaRefused);
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_composed_in_quiet_hours_waits_for_the_window_unless_urgent() {
    let rig = rig(mmsc_sim::SimConfig::default(), |_| {}).await;
    let session = rig.engine.session().clone();
    let now = engine::SystemClock.now_ms();
    let day = now - now.rem_euclid(86_400_000);
    // 03:00 UTC is 22:00 or 23:00 in Washington: after the 21:00 close.
    let night = Arc::new(OffsetClock::starting_at(day + 3 * 3_600_000));
    let engine = Engine::new(
        session.clone(),
        EngineConfig {
            provider: engine::provider::ProviderEndpoint::new(
                "sim",
                rig.sim.submit_url(),
                "groupline-demo",
                OUR,
            ),
            relay: RelayEndpoint {
                url: format!("http://{}", rig.relay.addr),
                token: "t0ken".into(),
            },
            relay_key: "test-relay".into(),
            retry: RetryPolicy::default(),
            seed: 1,
            quiet_hours: true,
            compliance: Default::default(),
        },
        night.clone(),
    )
    .unwrap();
    let draft = |text: &str| {
        Draft::text(
            Audience::People(vec!["2025550111".into(), "3055550122".into()]),
            text,
        )
    };
    let held = engine.send(draft("Showing moved to 10am")).await.unwrap();
    let at = held.scheduled_at.expect("held for quiet hours");
    // 08:00 in Washington is 12:00 or 13:00 UTC the next day.
    assert!(
        at > night.now_ms() && at <= day + 86_400_000 + 13 * 3_600_000,
        "{at}"
    );
    let jobs = session.due_jobs(i64::MAX, 10).unwrap();
    assert!(jobs.iter().all(|j| {
        j.next_attempt_at == at
            && j.last_error
                .as_deref()
                .is_some_and(|e| e.contains("quiet hours"))
    }));
    engine
        .drain_outbox(Duration::from_millis(100))
        .await
        .unwrap();
    assert!(
        accepted_submits(&rig.sim).is_empty(),
        "nothing goes out at night"
    );

    let urgent = engine
        .send_urgent(
            draft("Tow truck is outside now"),
            "incident: vehicle recovery".into(),
        )
        .await
        .unwrap();
    assert_eq!(urgent.scheduled_at, None);
    engine
        .drain_outbox(Duration::from_millis(100))
        .await
        .unwrap();
    assert_eq!(
        accepted_submits(&rig.sim).len(),
        2,
        "the urgent message went to both"
    );
    engine.shutdown().await;
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_3510_is_retried_until_every_message_is_accepted_once() {
    let rig = rig(
        mmsc_sim::SimConfig {
            account: mmsc_sim::SinchAccount {
                max_submits_per_second: Some(2),
                ..Default::default()
            },
            ..Default::default()
        },
        |_| {},
    )
    .await;
    let session = rig.engine.session().clone();
    let people: Vec<String> = (0..6).map(|i| format!("20255502{i:02}")).collect();
    let composed = rig
        .engine
        .send(Draft::text(
            Audience::People(people),
            "Everyone: the inspection is at 9",
        ))
        .await
        .unwrap();
    rig.engine
        .drain_outbox(Duration::from_secs(20))
        .await
        .unwrap();
    let throttled = rig
        .sim
        .log()
        .iter()
        .filter(|e| e.event == "submit" && e.status_code == Some(3510))
        .count();
    assert!(throttled > 0, "the simulator throttled some submits");
    let accepted = accepted_submits(&rig.sim);
    assert_eq!(accepted.len(), 6, "each participant accepted exactly once");
    let m = session.message(composed.message_id).unwrap();
    assert!(
        m.deliveries
            .iter()
            .all(|d| d.state == DeliveryState::Accepted),
        "{:?}",
        m.deliveries
    );
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_resends_only_to_recipients_whose_delivery_failed_and_who_may_still_be_texted() {
    // Every delivery report says the message expired on the handset's side.
    let rig = rig(
        mmsc_sim::SimConfig {
            dlr_status: "Expired".into(),
            ..Default::default()
        },
        |_| {},
    )
    .await;
    let session = rig.engine.session().clone();
    let people = ["12025550151", "12025550152", "12025550153"];
    let composed = rig
        .engine
        .send(Draft::text(
            Audience::People(people.iter().map(|p| (*p).to_owned()).collect()),
            "Inspection moved to 3pm",
        ))
        .await
        .unwrap();
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    poll_until(&rig.engine, || {
        let m = session.message(composed.message_id).unwrap();
        m.deliveries
            .iter()
            .all(|d| d.state == DeliveryState::Expired)
    })
    .await;
    assert_eq!(accepted_submits(&rig.sim).len(), 3);

    // One of them opts out before the agent presses Retry.
    record_stop(&session, people[2]);
    assert_eq!(rig.engine.retry(composed.message_id).await.unwrap(), 2);
    assert_eq!(
        session.message(composed.message_id).unwrap().state,
        MessageState::Queued
    );
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    let submits = accepted_submits(&rig.sim);
    let to = |n: &str| {
        submits
            .iter()
            .filter(|e| e.participant.as_deref() == Some(n))
            .count()
    };
    assert_eq!(
        (to(people[0]), to(people[1]), to(people[2])),
        (2, 2, 1),
        "the retry went to the two who may be texted, once each"
    );
    // A retried submission is a new one: a fresh TransactionID per recipient.
    let mut transactions: Vec<_> = submits
        .iter()
        .filter_map(|e| e.transaction_id.clone())
        .collect();
    transactions.sort();
    transactions.dedup();
    assert_eq!(transactions.len(), 5);
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_carrier_a_delivery_report_names_is_kept_for_the_participant() {
    let rig = rig(
        mmsc_sim::SimConfig {
            dlr_operator_id: Some("31004".into()),
            ..Default::default()
        },
        |p| p.operator_id_header = true,
    )
    .await;
    let session = rig.engine.session().clone();
    let composed = rig
        .engine
        .send(Draft::text(
            Audience::People(vec!["12025550161".into(), "12025550162".into()]),
            "Keys are in the lockbox",
        ))
        .await
        .unwrap();
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    poll_until(&rig.engine, || {
        session
            .thread_summary(composed.thread_id)
            .unwrap()
            .participants
            .iter()
            .all(|p| p.operator_id.is_some())
    })
    .await;
    let people = session
        .thread_summary(composed.thread_id)
        .unwrap()
        .participants;
    for p in &people {
        assert_eq!(p.operator_id.as_deref(), Some("31004"));
        assert_eq!(
            engine::media_pipeline::carrier_name(p.operator_id.as_deref().unwrap()),
            Some("T-Mobile")
        );
    }
    // The next submit to them names the carrier; the simulator accepts it as Sinch does.
    rig.engine
        .send(Draft::text(Audience::Thread(composed.thread_id), "Thanks!"))
        .await
        .unwrap();
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(accepted_submits(&rig.sim).len(), 4);
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_on_one_data_directory_never_both_send() {
    let rig = rig(mmsc_sim::SimConfig::default(), |_| {}).await;
    let session = rig.engine.session().clone();
    // The app's engine sends first and so holds the outbox.
    rig.engine
        .drain_outbox(Duration::from_millis(10))
        .await
        .unwrap();
    // `groupline send` on the same data directory while the app runs.
    let cli = Engine::new(
        session.clone(),
        EngineConfig {
            provider: ProviderEndpoint::new("sim", rig.sim.submit_url(), "groupline-demo", OUR),
            relay: RelayEndpoint {
                url: format!("http://{}", rig.relay.addr),
                token: "t0ken".into(),
            },
            relay_key: "test-relay".into(),
            retry: RetryPolicy::default(),
            seed: 7,
            quiet_hours: false,
            compliance: Default::default(),
        },
        Arc::new(midday()),
    )
    .unwrap();
    let composed = cli
        .send(Draft::text(
            Audience::People(vec!["12025550171".into(), "12025550172".into()]),
            "Sent from the command line",
        ))
        .await
        .unwrap();
    let refused = cli.drain_outbox(Duration::from_secs(1)).await.unwrap_err();
    assert_eq!(refused.code(), engine::ErrorCode::OutboxElsewhere);
    assert!(
        accepted_submits(&rig.sim).is_empty(),
        "the CLI sent nothing"
    );

    // The lease holder sends what the CLI queued, once per recipient.
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(accepted_submits(&rig.sim).len(), 2);
    assert_eq!(
        session.message(composed.message_id).unwrap().state,
        MessageState::Sent
    );
    cli.shutdown().await;
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opt_out_is_confirmed_at_once_even_when_the_relays_clock_runs_ahead_of_ours() {
    // Our clock an hour behind the relay's (an office server with a fast clock).
    let behind = OffsetClock::starting_at(engine::SystemClock.now_ms() - 3_600_000);
    let rig = rig_with_clock(mmsc_sim::SimConfig::default(), |_| {}, behind).await;
    push_deliver(&rig.relay, "12025550181", "STOP", "stop-ahead").await;
    poll_until(&rig.engine, || {
        rig.engine.session().consent_status("12025550181").unwrap()
            == engine::store::ConsentStatus::OptedOut
    })
    .await;
    rig.engine
        .drain_outbox(Duration::from_secs(3))
        .await
        .unwrap();
    let confirmations: Vec<_> = accepted_submits(&rig.sim)
        .into_iter()
        .filter(|e| e.participant.as_deref() == Some("12025550181"))
        .collect();
    assert_eq!(
        confirmations.len(),
        1,
        "the confirmation was held: {confirmations:?}"
    );
    rig.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_opts_out_before_the_send_is_skipped_without_failing_the_message() {
    let rig = rig(mmsc_sim::SimConfig::default(), |_| {}).await;
    let session = rig.engine.session().clone();
    let composed = rig
        .engine
        .send(Draft::text(
            Audience::People(vec!["12025550191".into(), "12025550192".into()]),
            "Walkthrough at noon",
        ))
        .await
        .unwrap();
    // The STOP commits after compose, before the worker gets to the job.
    record_stop(&session, "12025550192");
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    let submits = accepted_submits(&rig.sim);
    assert_eq!(submits.len(), 1);
    assert_eq!(submits[0].participant.as_deref(), Some("12025550191"));
    let message = session.message(composed.message_id).unwrap();
    assert_eq!(
        message.state,
        MessageState::Sent,
        "{:?}",
        message.deliveries
    );
    let skipped = message
        .deliveries
        .iter()
        .find(|d| d.recipient == "+12025550192")
        .unwrap();
    assert_eq!(skipped.state, DeliveryState::Failed);
    assert!(
        skipped
            .status_text
            .as_deref()
            .unwrap_or("")
            .contains("opted out"),
        "{skipped:?}"
    );
    rig.shutdown().await;
}

/// A clock the test moves forward (the engine's; the simulator and relay keep the system's).
#[derive(Debug, Clone)]
struct MovableClock {
    base: OffsetClock,
    ahead_ms: Arc<std::sync::atomic::AtomicI64>,
}

impl Clock for MovableClock {
    fn now_ms(&self) -> i64 {
        self.base.now_ms() + self.ahead_ms.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_never_confirmed_expires_after_a_day_and_can_be_retried() {
    use mmsc_sim::Fault;
    let clock = MovableClock {
        base: midday(),
        ahead_ms: Arc::default(),
    };
    // The first submit is answered after the engine's 2 s timeout: unconfirmed.
    let rig = rig_with_clock(
        mmsc_sim::SimConfig {
            faults: mmsc_sim::FaultPlan {
                next: [Fault::Delay(3_000)].into_iter().collect(),
                ..Default::default()
            },
            ..Default::default()
        },
        |p| {
            p.max_concurrency = 1;
            p.timeout = Duration::from_secs(2);
        },
        clock.clone(),
    )
    .await;
    let session = rig.engine.session().clone();
    let composed = rig
        .engine
        .send(Draft::text(
            Audience::People(vec!["2025550111".into()]),
            "Adjuster comes at 10",
        ))
        .await
        .unwrap();
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    let d = session.message(composed.message_id).unwrap().deliveries[0].clone();
    assert_eq!(d.state, DeliveryState::Submitted, "{d:?}");
    assert_eq!(d.provider_message_id, None);

    // Within the day nothing changes (no report came: the poller never ran)...
    clock
        .ahead_ms
        .store(23 * 3_600_000, std::sync::atomic::Ordering::SeqCst);
    rig.engine
        .drain_outbox(Duration::from_secs(1))
        .await
        .unwrap();
    let d = session.message(composed.message_id).unwrap().deliveries[0].clone();
    assert_eq!(d.state, DeliveryState::Submitted);

    // ...past it the submit is given up, with a reason the agent can act on.
    clock
        .ahead_ms
        .store(25 * 3_600_000, std::sync::atomic::Ordering::SeqCst);
    rig.engine
        .drain_outbox(Duration::from_secs(1))
        .await
        .unwrap();
    let m = session.message(composed.message_id).unwrap();
    assert_eq!(m.deliveries[0].state, DeliveryState::Expired);
    assert_eq!(
        m.deliveries[0].status_text.as_deref(),
        Some(engine::UNCONFIRMED_EXPIRED)
    );
    assert_eq!(m.state, MessageState::Failed);

    // Retry sends it again, and this time the provider answers.
    assert_eq!(rig.engine.retry(composed.message_id).await.unwrap(), 1);
    rig.engine
        .drain_outbox(Duration::from_secs(5))
        .await
        .unwrap();
    let m = session.message(composed.message_id).unwrap();
    assert!(m.deliveries[0].provider_message_id.is_some(), "{m:?}");
    assert_ne!(m.state, MessageState::Failed);
    rig.shutdown().await;
}
