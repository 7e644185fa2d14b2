//! Messages, parts, per-recipient delivery and the outbox, on a real database.

mod fixture;

use store::{
    DeliveryState, DeliveryUpdate, Direction, MessageQuery, MessageState, NewMessage, NewPart,
    StoreError,
};

#[test]
fn a_thread_reads_newest_first_by_key_with_parts() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123", "6175550177"]);
    for i in 0..25 {
        // Two messages share each timestamp: the id breaks the tie.
        fixture::say(
            &mut f.store,
            t,
            "6175550123",
            &format!("m{i}"),
            1_000 + i / 2,
        );
    }
    let png = {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend_from_slice(&32u32.to_be_bytes());
        b.extend_from_slice(&16u32.to_be_bytes());
        b
    };
    let with_photo = fixture::say(&mut f.store, t, "6175550177", "photo of the damage", 5_000);
    f.store
        .write(|w| {
            w.add_part(
                with_photo,
                &NewPart {
                    bytes: &png,
                    declared_type: Some("application/x-msdownload"),
                    file_name: Some("../../damage.exe"),
                    thumbnail: None,
                },
            )
        })
        .unwrap();

    let mut bodies = Vec::new();
    let mut before = None;
    loop {
        let page = f
            .store
            .messages(
                t,
                &MessageQuery {
                    limit: 10,
                    before: before.clone(),
                },
            )
            .unwrap();
        bodies.extend(page.items.iter().map(|m| m.body.clone()));
        if bodies.len() == 1 {
            let part = &page.items[0].parts[0];
            assert_eq!(part.content_type, "image/png", "sniffed, not declared");
            assert_eq!(
                part.declared_type.as_deref(),
                Some("application/x-msdownload")
            );
            assert_eq!(part.file_name.as_deref(), Some("damage.exe"));
            assert_eq!((part.width, part.height), (Some(32), Some(16)));
            assert_eq!(
                std::fs::read(f.store.media_file(&part.sha256)).unwrap(),
                png
            );
        }
        match page.next {
            Some(n) => before = Some(n),
            None => break,
        }
    }
    let mut expected = vec!["photo of the damage".to_owned()];
    expected.extend((0..25).rev().map(|i| format!("m{i}")));
    assert_eq!(bodies, expected);
}

#[test]
fn an_inbound_message_seen_twice_is_stored_once() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    let m = NewMessage {
        provider_message_id: Some("MSG-1"),
        ..fixture::incoming(t, "6175550123", "hello", 10)
    };
    let first = f.store.write(|w| w.add_message(&m)).unwrap();
    let second = f.store.write(|w| w.add_message(&m)).unwrap();
    assert!(!first.duplicate);
    assert!(second.duplicate);
    assert_eq!(second.id, first.id);
    let thread = f.store.thread(t).unwrap();
    assert_eq!((thread.message_count, thread.unread_count), (1, 1));
}

#[test]
fn a_message_for_a_missing_thread_is_not_found() {
    let mut f = fixture::store();
    let err = f
        .store
        .write(|w| {
            w.add_message(&fixture::incoming(
                store::ThreadId(999),
                "6175550123",
                "x",
                1,
            ))
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "thread",
                id: 999
            }
        ),
        "{err}"
    );
}

#[test]
fn outgoing_messages_get_one_job_and_one_state_per_recipient() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123", "6175550177"]);
    let (msg, jobs) = f
        .store
        .write(|w| {
            let m = w.add_message(&NewMessage {
                direction: Direction::Out,
                state: MessageState::Queued,
                ..fixture::incoming(t, fixture::OWN, "tow is on its way", 100)
            })?;
            // Duplicates, formats and our own number collapse to the two recipients.
            let jobs = w.queue_outgoing(
                m.id,
                ["6175550123", "+1 617 555 0177", "16175550123", fixture::OWN],
                100,
            )?;
            Ok((m.id, jobs))
        })
        .unwrap();
    assert_eq!(jobs.len(), 2);
    let due = f.store.due_jobs(100, 10).unwrap();
    assert_eq!(due.len(), 2);
    assert!(f.store.due_jobs(99, 10).unwrap().is_empty());

    f.store
        .write(|w| {
            w.start_attempt(jobs[0], "TX-1")?;
            w.retry_job(jobs[0], "503 from provider", 500)?;
            w.start_attempt(jobs[1], "TX-2")?;
            w.complete_job(jobs[1])
        })
        .unwrap();
    assert!(
        matches!(f.store.job(jobs[1]), Err(StoreError::NotFound { .. })),
        "a finished job leaves the outbox"
    );
    let retried = f.store.job(jobs[0]).unwrap();
    assert_eq!(retried.attempts, 1);
    assert_eq!(retried.transaction_id.as_deref(), Some("TX-1"));
    assert_eq!(retried.last_error.as_deref(), Some("503 from provider"));
    assert_eq!(f.store.due_jobs(400, 10).unwrap().len(), 0);
    assert_eq!(f.store.due_jobs(500, 10).unwrap().len(), 1);

    let update = |state, code| DeliveryUpdate {
        state,
        provider_message_id: Some("PM-77"),
        status_code: Some(code),
        status_text: Some("text"),
        at: 200,
    };
    f.store
        .write(|w| {
            assert!(w.update_delivery(
                msg,
                "6175550177",
                &update(DeliveryState::Submitted, 1000)
            )?);
            assert!(w.update_delivery(
                msg,
                "6175550177",
                &update(DeliveryState::Delivered, 1000)
            )?);
            // A late "accepted" does not move the state back.
            assert!(!w.update_delivery(
                msg,
                "6175550177",
                &update(DeliveryState::Accepted, 1000)
            )?);
            let found = w.update_delivery_by_provider_id(
                "PM-77",
                "+16175550177",
                &update(DeliveryState::Read, 1000),
            )?;
            assert_eq!(found, Some(msg));
            assert_eq!(
                w.update_delivery_by_provider_id(
                    "nope",
                    "6175550177",
                    &update(DeliveryState::Read, 1)
                )?,
                None
            );
            Ok(())
        })
        .unwrap();
    let m = f.store.message(msg).unwrap();
    assert_eq!(
        (m.deliveries[1].submitted_at, m.deliveries[1].final_at),
        (Some(200), Some(200))
    );
    assert_eq!(m.deliveries[0].final_at, None);
    let states: Vec<_> = m
        .deliveries
        .iter()
        .map(|d| (d.recipient.as_str(), d.state))
        .collect();
    assert_eq!(
        states,
        [
            ("+16175550123", DeliveryState::Queued),
            ("+16175550177", DeliveryState::Read)
        ]
    );
}

#[test]
fn a_thread_page_is_one_range_of_the_thread_ordered_table() {
    let f = fixture::store();
    let plan = f.store.explain_thread_page().unwrap();
    assert!(
        plan.contains("SEARCH m USING PRIMARY KEY (thread_id=? AND (at,id)<(?,?))"),
        "{plan}"
    );
    assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
}

/// An outgoing message from us in `t` to `recipients`, queued at `at`.
fn sent(
    f: &mut fixture::Fixture,
    t: store::ThreadId,
    body: &str,
    recipients: &[&str],
    at: i64,
) -> store::MessageId {
    f.store
        .write(|w| {
            let m = w.add_message(&NewMessage {
                direction: Direction::Out,
                state: MessageState::Sent,
                ..fixture::incoming(t, fixture::OWN, body, at)
            })?;
            w.queue_outgoing(m.id, recipients.iter().copied(), at)?;
            Ok(m.id)
        })
        .unwrap()
}

fn report(state: DeliveryState, at: i64) -> DeliveryUpdate<'static> {
    DeliveryUpdate {
        state,
        provider_message_id: None,
        status_code: Some(4000),
        status_text: Some("report"),
        at,
    }
}

#[test]
fn a_retry_requeues_only_the_recipients_whose_delivery_ended_badly() {
    let mut f = fixture::store();
    let people = ["6175550121", "6175550122", "6175550123", "6175550124"];
    let t = fixture::thread(&mut f.store, &people);
    let msg = sent(&mut f, t, "photos attached", &people, 100);
    let jobs: Vec<_> = f.store.due_jobs(100, 10).unwrap();
    f.store
        .write(|w| {
            for job in &jobs {
                w.start_attempt(job.id, &format!("TX-{}", job.id.0))?;
            }
            // 0121 rejected at submit (job given up), 0122 accepted then expired (job
            // completed), 0123 delivered, 0124 still pending.
            w.give_up_job(jobs[0].id, "4004 rejected")?;
            w.update_delivery(msg, people[0], &report(DeliveryState::Rejected, 110))?;
            w.complete_job(jobs[1].id)?;
            w.update_delivery(msg, people[1], &report(DeliveryState::Expired, 120))?;
            w.complete_job(jobs[2].id)?;
            w.update_delivery(msg, people[2], &report(DeliveryState::Delivered, 130))
        })
        .unwrap();

    let requeued = f
        .store
        .write(|w| w.requeue_failed(msg, people, 500))
        .unwrap();
    assert_eq!(requeued, ["+16175550121", "+16175550122"]);
    let due = f.store.due_jobs(500, 10).unwrap();
    let mut due_to: Vec<_> = due.iter().map(|j| j.recipient.as_str()).collect();
    due_to.sort();
    assert_eq!(due_to, ["+16175550121", "+16175550122", "+16175550124"]);
    for job in due.iter().filter(|j| j.recipient != "+16175550124") {
        assert_eq!(job.attempts, 0, "a retry starts a fresh submission");
        assert_eq!(job.transaction_id, None);
        assert_eq!(job.last_error, None);
    }
    let states: Vec<_> = f
        .store
        .message(msg)
        .unwrap()
        .deliveries
        .iter()
        .map(|d| d.state)
        .collect();
    assert_eq!(
        states,
        [
            DeliveryState::Queued,
            DeliveryState::Queued,
            DeliveryState::Delivered,
            DeliveryState::Queued
        ]
    );
    // A second retry finds nothing that ended badly.
    assert!(
        f.store
            .write(|w| w.requeue_failed(msg, people, 600))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_search_hit_opens_with_newer_and_older_messages_around_it() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    let other = fixture::thread(&mut f.store, &["6175550199"]);
    let ids: Vec<_> = (0..30)
        .map(|i| fixture::say(&mut f.store, t, "6175550123", &format!("m{i}"), 1_000 + i))
        .collect();
    let elsewhere = fixture::say(&mut f.store, other, "6175550199", "other", 5);

    let around = f.store.messages_around(t, ids[10], 8).unwrap();
    let bodies: Vec<_> = around.items.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["m14", "m13", "m12", "m11", "m10", "m9", "m8", "m7"]
    );
    assert!(around.has_newer);
    let older = f
        .store
        .messages(
            t,
            &MessageQuery {
                limit: 3,
                before: around.older.clone(),
            },
        )
        .unwrap();
    let bodies: Vec<_> = older.items.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["m6", "m5", "m4"],
        "the cursor continues below the window"
    );

    // Near the newest end there is nothing newer; near the oldest, no older cursor.
    let newest = f.store.messages_around(t, ids[29], 8).unwrap();
    assert!(!newest.has_newer);
    assert_eq!(newest.items[0].body, "m29");
    let oldest = f.store.messages_around(t, ids[0], 8).unwrap();
    assert_eq!(oldest.items.last().unwrap().body, "m0");
    assert_eq!(oldest.older, None);

    assert!(matches!(
        f.store.messages_around(t, elsewhere, 8),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn scrolling_down_from_a_hit_reads_the_newer_pages_up_to_the_newest() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    let other = fixture::thread(&mut f.store, &["6175550199"]);
    // Two at the same instant: the id breaks the tie, so neither is skipped or repeated.
    let ids: Vec<_> = (0..12)
        .map(|i| {
            fixture::say(
                &mut f.store,
                t,
                "6175550123",
                &format!("m{i}"),
                1_000 + i.min(10),
            )
        })
        .collect();
    let elsewhere = fixture::say(&mut f.store, other, "6175550199", "other", 1_005);

    let around = f.store.messages_around(t, ids[2], 4).unwrap();
    let mut newest_shown = around.items[0].id;
    let mut read = Vec::new();
    let mut pages = 0;
    loop {
        let page = f.store.messages_newer(t, newest_shown, 3).unwrap();
        assert!(page.items.len() <= 3);
        assert!(
            page.items
                .windows(2)
                .all(|w| (w[0].at, w[0].id) > (w[1].at, w[1].id)),
            "newest first"
        );
        read.extend(page.items.iter().rev().map(|m| m.body.clone()));
        pages += 1;
        if !page.has_newer {
            break;
        }
        newest_shown = page.items[0].id;
    }
    assert_eq!(
        read,
        ["m5", "m6", "m7", "m8", "m9", "m10", "m11"],
        "every newer message once, in order"
    );
    assert_eq!(pages, 3);
    assert!(
        f.store
            .messages_newer(t, ids[11], 3)
            .unwrap()
            .items
            .is_empty(),
        "nothing is newer than the newest"
    );
    assert!(matches!(
        f.store.messages_newer(t, elsewhere, 3),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn list_rows_carry_the_last_outgoing_message_state_and_opted_out_participants() {
    let mut f = fixture::store();
    let people = ["6175550131", "6175550132", "6175550133"];
    let t = fixture::thread(&mut f.store, &people);
    let row = |f: &fixture::Fixture| f.store.thread(t).unwrap();
    assert_eq!(row(&f).last_outgoing_state, None);
    assert_eq!(row(&f).last_outgoing_delivery, None);

    let msg = sent(&mut f, t, "the adjuster is on site", &people, 100);
    // A reply after ours: the row still reports our latest message.
    fixture::say(&mut f.store, t, people[0], "thanks", 150);
    f.store
        .write(|w| {
            w.update_delivery(msg, people[0], &report(DeliveryState::Delivered, 120))?;
            w.update_delivery(msg, people[1], &report(DeliveryState::Failed, 130))?;
            w.record_consent(
                people[2],
                store::ConsentKind::OptOut,
                "keyword",
                &store::Evidence::Text("STOP".into()),
                None,
                140,
            )
        })
        .unwrap();
    let listed = f
        .store
        .threads(&store::ThreadListQuery {
            limit: 10,
            ..Default::default()
        })
        .unwrap()
        .items
        .remove(0);
    assert_eq!(listed, row(&f));
    assert_eq!(listed.last_outgoing_state, Some(MessageState::Sent));
    assert_eq!(
        listed.last_outgoing_delivery,
        Some(store::DeliveryTally {
            recipients: 3,
            delivered: 1,
            failed: 1
        })
    );
    let opted_out: Vec<_> = listed
        .participants
        .iter()
        .filter(|p| p.opted_out)
        .map(|p| p.address.as_str())
        .collect();
    assert_eq!(opted_out, ["+16175550133"]);

    // START clears the badge.
    f.store
        .write(|w| {
            w.record_consent(
                people[2],
                store::ConsentKind::OptIn,
                "keyword",
                &store::Evidence::Text("START".into()),
                None,
                160,
            )
        })
        .unwrap();
    assert!(row(&f).participants.iter().all(|p| !p.opted_out));
}

#[test]
fn unconfirmed_submits_past_the_window_expire_and_only_those() {
    let mut f = fixture::store();
    let people = ["6175550131", "6175550132", "6175550133"];
    let t = fixture::thread(&mut f.store, &people);
    let old = sent(&mut f, t, "tow at 5", &people, 100);
    let recent = sent(&mut f, t, "tow at 6", &people[..1], 900);
    let unconfirmed = |at| DeliveryUpdate {
        state: DeliveryState::Submitted,
        provider_message_id: None,
        status_code: None,
        status_text: Some("unconfirmed: timed out"),
        at,
    };
    f.store
        .write(|w| {
            // 0131: no answer (unconfirmed). 0132: accepted with a MessageID. 0133: no
            // answer, but a later report adopted it. The recent message: no answer.
            w.update_delivery(old, people[0], &unconfirmed(110))?;
            w.update_delivery(
                old,
                people[1],
                &DeliveryUpdate {
                    provider_message_id: Some("MID-2"),
                    ..unconfirmed(110)
                },
            )?;
            w.update_delivery(old, people[2], &unconfirmed(110))?;
            w.adopt_unconfirmed(people[2], 0, &report(DeliveryState::Delivered, 150))?;
            w.update_delivery(recent, people[0], &unconfirmed(910))
        })
        .unwrap();

    let touched = f
        .store
        .write(|w| w.expire_unconfirmed(500, 2_000, "no confirmation"))
        .unwrap();
    assert_eq!(touched, [old]);
    let by_recipient = |m| {
        f.store
            .message(m)
            .unwrap()
            .deliveries
            .iter()
            .map(|d| (d.recipient.clone(), d.state, d.status_text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by_recipient(old),
        [
            (
                "+16175550131".to_owned(),
                DeliveryState::Expired,
                Some("no confirmation".to_owned())
            ),
            (
                "+16175550132".to_owned(),
                DeliveryState::Submitted,
                Some("unconfirmed: timed out".to_owned())
            ),
            (
                "+16175550133".to_owned(),
                DeliveryState::Delivered,
                Some("report".to_owned())
            ),
        ]
    );
    assert_eq!(by_recipient(recent)[0].1, DeliveryState::Submitted);
    // Run again: nothing left to expire.
    let again = f
        .store
        .write(|w| w.expire_unconfirmed(500, 3_000, "no confirmation"))
        .unwrap();
    assert!(again.is_empty());
}
