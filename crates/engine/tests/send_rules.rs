//! The send-time compliance rules (opt-out footer, opt-in policy, quiet hours with the
//! urgent override, preflight) and the configurable wording of the automatic replies, on a
//! real store in a temporary directory. Nothing here needs the network: composing writes
//! the outbox, and what would be submitted is read back from it.

use engine::config::{ComplianceSettings, OptInPolicy};
use engine::consent_ledger::{self, OptInSource};
use engine::outbound::compose::{self, Audience, Draft, SendRules};
use engine::outbound::preflight::preflight;
use engine::store::{
    ConsentKind, ConsentStatus, DeliveryState, DeliveryUpdate, Evidence, MessageQuery,
};
use engine::{DataDir, EngineError, ErrorCode, Session};

const OUR: &str = "+12025550100";
/// Eastern (Washington, DC).
const DC: &str = "+12025550111";
const DC2: &str = "+12025550112";
/// Pacific (Los Angeles).
const LA: &str = "+12135550113";
/// Florida (Miami): the state's window closes at 20:00.
const MIAMI: &str = "+13055550114";

fn at(text: &str) -> i64 {
    engine::clock::parse_xs_date_time(text).unwrap()
}

/// 18:00 UTC in June: 14:00 in DC, 11:00 in LA. Everyone may be texted.
fn midday() -> i64 {
    at("2026-06-10T18:00:00Z")
}

struct Office {
    _dir: tempfile::TempDir,
    session: Session,
}

fn office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::resolve(Some(dir.path().join("data")), None).unwrap();
    let session = Session::open(data, 1).unwrap();
    session
        .write(|w| w.add_account("sinch", OUR, 1).map(|_| ()))
        .unwrap();
    Office { _dir: dir, session }
}

fn rules() -> SendRules {
    SendRules::configured(true, &ComplianceSettings::default())
}

fn people(numbers: &[&str]) -> Audience {
    Audience::People(numbers.iter().map(|n| (*n).to_owned()).collect())
}

fn send(
    o: &Office,
    audience: Audience,
    text: &str,
    rules: &SendRules,
    now: i64,
) -> compose::Composed {
    compose::compose(&o.session, OUR, &Draft::text(audience, text), rules, now).unwrap()
}

fn body(o: &Office, message: engine::store::MessageId) -> String {
    o.session.message(message).unwrap().body
}

fn disclosures(o: &Office, number: &str) -> usize {
    o.session
        .consent_history(number)
        .unwrap()
        .iter()
        .filter(|e| e.kind == ConsentKind::DisclosureSent)
        .count()
}

#[test]
fn the_footer_goes_with_each_persons_first_message_only() {
    let o = office();
    let r = rules();
    let first = send(&o, people(&[DC, DC2]), "Claim 4471 opened.", &r, midday());
    assert!(first.footer_appended);
    assert_eq!(
        body(&o, first.message_id),
        "Claim 4471 opened.\nReply STOP to opt out"
    );
    assert_eq!(disclosures(&o, DC), 1);
    assert_eq!(disclosures(&o, DC2), 1);

    let second = send(
        &o,
        Audience::Thread(first.thread_id),
        "Tow booked.",
        &r,
        midday(),
    );
    assert!(!second.footer_appended);
    assert_eq!(body(&o, second.message_id), "Tow booked.");

    // A new group with one newcomer: the one text everyone sees carries the footer, and
    // only the newcomer's disclosure is recorded.
    let third = send(
        &o,
        people(&[DC, DC2, LA]),
        "Adding the adjuster.",
        &r,
        midday(),
    );
    assert!(third.footer_appended);
    assert_eq!(disclosures(&o, DC), 1);
    assert_eq!(disclosures(&o, LA), 1);

    // Individual texts: each copy on its own.
    let b = send(
        &o,
        Audience::Broadcast(vec![DC.into(), MIAMI.into()]),
        "Office closed Monday.",
        &r,
        midday(),
    );
    let copies: Vec<_> = b.sent_as.iter().map(|(_, m)| body(&o, *m)).collect();
    assert_eq!(
        copies,
        [
            "Office closed Monday.",
            "Office closed Monday.\nReply STOP to opt out"
        ]
    );
    assert_eq!(body(&o, b.message_id), "Office closed Monday.");
}

#[test]
fn an_agents_own_stop_line_counts_and_a_failed_first_message_does_not() {
    let o = office();
    let r = rules();
    let own = send(
        &o,
        people(&[DC]),
        "Hi, this is Sam from Harbor. Text STOP to unsubscribe.",
        &r,
        midday(),
    );
    assert!(!own.footer_appended, "no second opt-out line");
    assert_eq!(disclosures(&o, DC), 1, "but the person was told");

    // LA's first message is rejected by the carrier: it told them nothing, so the next
    // one carries the footer again.
    let failed = send(&o, people(&[LA]), "Your claim photos?", &r, midday());
    assert!(failed.footer_appended);
    o.session
        .write(|w| {
            w.update_delivery(
                failed.message_id,
                LA,
                &DeliveryUpdate {
                    state: DeliveryState::Rejected,
                    provider_message_id: None,
                    status_code: Some(4004),
                    status_text: Some("unreachable"),
                    at: midday(),
                },
            )
            .map(|_| ())
        })
        .unwrap();
    let again = send(&o, people(&[LA]), "Trying again.", &r, midday());
    assert!(again.footer_appended);

    let off = SendRules {
        footer: None,
        ..rules()
    };
    let quiet = send(&o, people(&[MIAMI]), "No footer here.", &off, midday());
    assert!(!quiet.footer_appended);
    assert_eq!(disclosures(&o, MIAMI), 0);
}

#[test]
fn the_opt_in_policy_warns_or_refuses_and_a_recorded_opt_in_satisfies_it() {
    let o = office();
    let warn = rules();
    let sent = send(&o, people(&[DC, LA]), "Showing at 5?", &warn, midday());
    assert_eq!(sent.without_opt_in, [DC, LA]);

    let refuse = SendRules {
        opt_in_policy: OptInPolicy::Refuse,
        ..rules()
    };
    let before = o.session.pending_jobs().unwrap();
    let e = compose::compose(
        &o.session,
        OUR,
        &Draft::text(people(&[DC, MIAMI]), "Open house Sunday"),
        &refuse,
        midday(),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NoOptIn);
    assert!(e.to_string().contains(MIAMI), "{e}");
    assert_eq!(o.session.pending_jobs().unwrap(), before, "nothing queued");

    // Verbal consent needs the agent who heard it.
    let verbal = OptInSource::Verbal {
        note: "on the phone about the listing".into(),
    };
    assert!(consent_ledger::record_opt_in(&o.session, MIAMI, &verbal, None, midday()).is_err());
    consent_ledger::record_opt_in(&o.session, MIAMI, &verbal, Some("Ana Ruiz"), midday()).unwrap();
    let scan = OptInSource::PaperForm {
        file_name: "consent-dc.pdf".into(),
        scan: b"%PDF-1.4 signed".to_vec(),
    };
    consent_ledger::record_opt_in(&o.session, DC, &scan, Some("Ana Ruiz"), midday()).unwrap();
    let history = o.session.consent_history(DC).unwrap();
    let Evidence::File(sha) = &history.last().unwrap().evidence else {
        panic!("a paper form's evidence is its scan: {history:?}");
    };
    assert!(o.session.media_file(sha).unwrap().exists());
    assert_eq!(history.last().unwrap().source, "paper_form: consent-dc.pdf");

    let now_ok = send(
        &o,
        people(&[DC, MIAMI]),
        "Open house Sunday",
        &refuse,
        midday(),
    );
    assert!(now_ok.without_opt_in.is_empty());
    assert_eq!(now_ok.jobs, 2);

    let off = SendRules {
        opt_in_policy: OptInPolicy::Off,
        ..rules()
    };
    assert!(
        send(&o, people(&[DC2]), "hi", &off, midday())
            .without_opt_in
            .is_empty()
    );
}

#[test]
fn quiet_hours_hold_a_mixed_time_zone_group_until_its_last_member_may_be_texted() {
    let o = office();
    let r = rules();
    // 13:30 UTC: 09:30 in DC and Miami, 06:30 in LA. The group waits for 08:00 in LA.
    let early = at("2026-06-10T13:30:00Z");
    let held = send(&o, people(&[DC, LA]), "Adjuster visit today", &r, early);
    assert_eq!(held.scheduled_at, Some(at("2026-06-10T15:00:00Z")));
    let due = o.session.due_jobs(at("2026-06-10T14:59:00Z"), 10).unwrap();
    assert!(due.is_empty(), "nothing goes before the window: {due:?}");
    assert_eq!(
        o.session
            .due_jobs(at("2026-06-10T15:00:00Z"), 10)
            .unwrap()
            .len(),
        2
    );

    // 00:30 UTC is 20:30 in Miami (closed since 20:00 in Florida) and 20:30 in DC (open
    // until 21:00): a direct text to DC goes now, one to Miami waits until 08:00.
    let evening = at("2026-06-11T00:30:00Z");
    assert_eq!(
        send(&o, people(&[DC]), "Still on?", &r, evening).scheduled_at,
        None
    );
    assert_eq!(
        send(&o, people(&[MIAMI]), "Still on?", &r, evening).scheduled_at,
        Some(at("2026-06-11T12:00:00Z"))
    );

    // Urgent: sent now, and the reason is kept with the message.
    let urgent = SendRules {
        urgent: Some("tow truck dispatched to the accident".into()),
        ..rules()
    };
    let now = send(
        &o,
        people(&[DC, LA]),
        "Tow arriving in 10 min",
        &urgent,
        early,
    );
    assert_eq!(now.scheduled_at, None);
    let kept = o
        .session
        .quiet_hours_override(now.message_id)
        .unwrap()
        .unwrap();
    assert_eq!(kept.reason, "tow truck dispatched to the accident");
    // Inside the window "urgent" changes nothing and records nothing.
    let plain = send(&o, people(&[DC]), "noon update", &urgent, midday());
    assert_eq!(
        o.session.quiet_hours_override(plain.message_id).unwrap(),
        None
    );
    let blank = SendRules {
        urgent: Some("  ".into()),
        ..rules()
    };
    let e = compose::compose(
        &o.session,
        OUR,
        &Draft::text(people(&[LA]), "x"),
        &blank,
        early,
    )
    .unwrap_err();
    assert!(e.to_string().contains("needs a reason"), "{e}");
}

#[test]
fn preflight_tells_the_composer_what_compose_will_do() {
    let o = office();
    let r = rules();
    o.session
        .write(|w| {
            w.record_consent(
                LA,
                ConsentKind::OptOut,
                "keyword",
                &Evidence::Text("STOP".into()),
                None,
                1,
            )
            .map(|_| ())
        })
        .unwrap();
    let early = at("2026-06-10T11:30:00Z"); // 07:30 in DC and Miami
    let audience = people(&["(202) 555-0111", LA, MIAMI, "2025550111"]);
    let p = preflight(&o.session, &audience, &r, early).unwrap();
    let numbers: Vec<_> = p.recipients.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(numbers, [DC, LA, MIAMI], "canonical, duplicates merged");
    assert!(p.recipients[1].opted_out);
    assert_eq!(p.recipients[1].consent, ConsentStatus::OptedOut);
    assert!(p.recipients[0].no_opt_in);
    assert_eq!(p.blocked, None);
    assert_eq!(p.scheduled_at, Some(at("2026-06-10T12:00:00Z")));
    assert_eq!(p.footer.as_deref(), Some("Reply STOP to opt out"));

    let composed =
        compose::compose(&o.session, OUR, &Draft::text(audience, "hi"), &r, early).unwrap();
    assert_eq!(composed.skipped_opted_out, [LA]);
    assert_eq!(composed.scheduled_at, p.scheduled_at);
    assert_eq!(composed.jobs, 2, "no job for the opted-out number");

    let alone = preflight(&o.session, &people(&[LA]), &r, early).unwrap();
    let blocked = alone.blocked.unwrap();
    assert_eq!(blocked.code, ErrorCode::OptedOut);
    let e = compose::compose(
        &o.session,
        OUR,
        &Draft::text(people(&[LA]), "hi"),
        &r,
        early,
    )
    .unwrap_err();
    assert!(matches!(e, EngineError::OptedOut { .. }));
    assert_eq!(e.to_string(), blocked.message);

    let crowd: Vec<String> = (0..21)
        .map(|i| format!("+1202555{:04}", 2000 + i))
        .collect();
    let too_many = preflight(&o.session, &Audience::People(crowd), &r, early).unwrap();
    assert_eq!(too_many.blocked.unwrap().code, ErrorCode::InvalidInput);
}

#[test]
fn the_automatic_replies_use_the_configured_wording_and_keywords() {
    let o = office();
    let settings = ComplianceSettings {
        business_name: "Harbor Insurance".into(),
        opt_out_confirmation: "Harbor: you're unsubscribed. Reply START to rejoin.".into(),
        extra_opt_out_keywords: vec!["ARRET".into()],
        ..Default::default()
    };
    let rules = engine::consent::Rules::new(settings);
    let thread = o
        .session
        .write(|w| w.resolve_thread([DC, DC2], 5).map(|t| t.id))
        .unwrap();
    let inbound = |from: &str, text: &str, t: i64| {
        o.session
            .write(|w| {
                let m = w.add_message(&engine::store::NewMessage {
                    thread_id: thread,
                    direction: engine::store::Direction::In,
                    author: from,
                    body: text,
                    subject: None,
                    at: t,
                    provider_at: None,
                    provider_message_id: None,
                    linked_id: None,
                    transaction_id: None,
                    state: engine::store::MessageState::Unread,
                })?;
                engine::consent::on_inbound(w, &rules, m.id, from, text, t, t)
            })
            .unwrap()
    };
    assert!(inbound(DC, "Arret!", 10).is_some());
    assert_eq!(
        o.session.consent_status(DC).unwrap(),
        ConsentStatus::OptedOut
    );
    let direct = o.session.write(|w| w.resolve_thread([DC], 11)).unwrap().id;
    let sent = o
        .session
        .thread(
            direct,
            &MessageQuery {
                limit: 5,
                before: None,
            },
        )
        .unwrap()
        .messages
        .items;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].body,
        "Harbor: you're unsubscribed. Reply START to rejoin."
    );

    assert!(engine::consent::answer_help(&o.session, &rules, DC2, "HELP", 20).unwrap());
    let direct2 = o.session.write(|w| w.resolve_thread([DC2], 21)).unwrap().id;
    let help = &o
        .session
        .thread(
            direct2,
            &MessageQuery {
                limit: 5,
                before: None,
            },
        )
        .unwrap()
        .messages
        .items[0]
        .body;
    assert!(help.starts_with("Harbor Insurance: "), "{help}");
    assert!(
        help.contains(OUR) && help.contains("Msg & data rates may apply"),
        "{help}"
    );
    assert!(!engine::consent::answer_help(&o.session, &rules, DC2, "help", 30).unwrap());
}

#[test]
fn the_size_meter_fits_the_recipients_carriers_and_names_what_will_change() {
    let o = office();
    let photo = {
        let mut out = std::io::Cursor::new(Vec::new());
        let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
            image::Rgb([
                (x * 7 % 251) as u8,
                (y * 13 % 241) as u8,
                ((x ^ y) % 239) as u8,
            ])
        });
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let attachments = [compose::Attachment {
        file_name: "damage.png".into(),
        bytes: photo.clone(),
    }];
    let group = people(&[DC, LA]);
    let unknown = meter(&o.session, &group, "Rear bumper", &attachments);
    assert!(!unknown.carriers_known);
    assert_eq!(
        unknown.budget_bytes,
        engine::media_pipeline::message_budget()
    );
    assert_eq!(unknown.parts.len(), 1);
    assert_eq!(unknown.parts[0].content_type, "image/png");
    assert_ne!(
        unknown.parts[0].action,
        engine::outbound::size_meter::MeterAction::Keep
    );
    assert!(unknown.planned_total_bytes <= unknown.budget_bytes);
    assert!(unknown.original_total_bytes > unknown.budget_bytes);

    // Both on AT&T, as their delivery reports said: AT&T's own (larger) limit applies.
    o.session
        .write(|w| {
            w.note_carrier(DC, "31002", 1)?;
            w.note_carrier(LA, "31002", 1)
        })
        .unwrap();
    let known = meter(&o.session, &group, "Rear bumper", &attachments);
    assert!(known.carriers_known);
    assert!(known.budget_bytes > unknown.budget_bytes, "{known:?}");

    let exe = [compose::Attachment {
        file_name: "claim.exe".into(),
        bytes: b"MZ\x90\x00\x03\x00\x00\x00".to_vec(),
    }];
    let refused = meter(&o.session, &group, "", &exe);
    assert!(refused.refused.is_some(), "{refused:?}");
}

fn meter(
    session: &Session,
    audience: &Audience,
    text: &str,
    attachments: &[compose::Attachment],
) -> engine::outbound::size_meter::SizeMeter {
    engine::outbound::size_meter::size_meter(session, audience, text, attachments).unwrap()
}
