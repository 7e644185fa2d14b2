//! The change feed: typed events, published only after commit.

mod fixture;

use store::{
    ConsentKind, ContactInput, DeliveryState, DeliveryUpdate, Direction, Evidence, MessageState,
    NewMessage, StoreError, StoreEvent,
};

#[test]
fn committed_writes_publish_typed_events_in_order() {
    let mut f = fixture::store();
    let feed = f.store.subscribe();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    assert_eq!(
        feed.try_recv().unwrap(),
        StoreEvent::ThreadChanged { thread_id: t }
    );
    let m = fixture::say(&mut f.store, t, "6175550123", "hi", 5);
    assert_eq!(
        feed.try_iter().collect::<Vec<_>>(),
        [
            StoreEvent::MessageAdded {
                thread_id: t,
                message_id: m
            },
            StoreEvent::ThreadChanged { thread_id: t },
        ]
    );
    let out = f
        .store
        .write(|w| {
            let m = w.add_message(&NewMessage {
                direction: Direction::Out,
                state: MessageState::Queued,
                ..fixture::incoming(t, fixture::OWN, "ok", 6)
            })?;
            w.queue_outgoing(m.id, ["6175550123"], 6)?;
            Ok(m.id)
        })
        .unwrap();
    let _ = feed.try_iter().count();
    f.store
        .write(|w| {
            w.update_delivery(
                out,
                "6175550123",
                &DeliveryUpdate {
                    state: DeliveryState::Delivered,
                    provider_message_id: None,
                    status_code: Some(1000),
                    status_text: None,
                    at: 7,
                },
            )
        })
        .unwrap();
    assert_eq!(
        feed.try_iter().collect::<Vec<_>>(),
        [StoreEvent::DeliveryChanged {
            thread_id: t,
            message_id: out,
            recipient: "+16175550123".into()
        }]
    );
    let c = f
        .store
        .write(|w| {
            w.add_contact(
                &ContactInput {
                    display_name: "Dana",
                    numbers: vec!["6175550123"],
                    ..Default::default()
                },
                8,
            )
        })
        .unwrap();
    let events: Vec<_> = feed.try_iter().collect();
    assert!(
        events.contains(&StoreEvent::ContactChanged { contact_id: c }),
        "{events:?}"
    );
    assert!(
        events.contains(&StoreEvent::ThreadChanged { thread_id: t }),
        "names changed: {events:?}"
    );
    f.store
        .write(|w| {
            w.record_consent(
                "(617) 555-0123",
                ConsentKind::OptOut,
                "keyword",
                &Evidence::Text("STOP".into()),
                None,
                9,
            )
        })
        .unwrap();
    assert_eq!(
        feed.try_iter().collect::<Vec<_>>(),
        [StoreEvent::ConsentChanged {
            number: "+16175550123".into()
        }],
        "named canonically, whatever the format recorded"
    );
}

#[test]
fn a_rolled_back_write_publishes_nothing_and_changes_nothing() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    let feed = f.store.subscribe();
    let err = f
        .store
        .write(|w| {
            w.add_message(&fixture::incoming(t, "6175550123", "lost", 5))?;
            w.set_thread_pinned(t, true)?;
            Err::<(), _>(StoreError::NoParticipants)
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::NoParticipants));
    assert!(
        feed.try_recv().is_err(),
        "nothing was committed, nothing is heard"
    );
    let thread = f.store.thread(t).unwrap();
    assert_eq!(thread.message_count, 0);
    assert!(!thread.pinned);
}

#[test]
fn a_dropped_subscriber_does_not_break_writes() {
    let mut f = fixture::store();
    drop(f.store.subscribe());
    let keep = f.store.subscribe();
    fixture::thread(&mut f.store, &["6175550123"]);
    assert!(keep.try_recv().is_ok());
}
