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
