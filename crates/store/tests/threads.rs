//! Thread identity and the thread list, on a real database.

mod fixture;

use store::{ContactInput, ThreadKind, ThreadListQuery};

#[test]
fn one_conversation_is_one_thread_whatever_the_format_order_or_field() {
    let mut f = fixture::store();
    // To: the driver and the tow service; Cc: us (our own number, another format).
    let first = f
        .store
        .write(|w| w.resolve_thread(["+1 (617) 555-0123", "tel:+16175550177", "16175550100"], 10))
        .unwrap();
    assert!(first.created);
    // The same people, other order, other formats, what was Cc now To and vice versa.
    for people in [
        ["6175550177", "16175550123", "+1 617-555-0100"],
        ["+16175550123/TYPE=PLMN", "(617) 555-0177", "6175550123"],
    ] {
        let again = f.store.write(|w| w.resolve_thread(people, 20)).unwrap();
        assert_eq!(again.id, first.id);
        assert!(!again.created);
    }
    let t = f.store.thread(first.id).unwrap();
    assert_eq!(t.kind, ThreadKind::Group);
    let addresses: Vec<_> = t.participants.iter().map(|p| p.address.as_str()).collect();
    assert_eq!(
        addresses,
        ["+16175550123", "+16175550177"],
        "our own number is not a participant"
    );

    let direct = f
        .store
        .write(|w| w.resolve_thread(["6175550123", "+16175550100"], 30))
        .unwrap();
    assert_ne!(direct.id, first.id);
    assert_eq!(f.store.thread(direct.id).unwrap().kind, ThreadKind::Direct);
    let broadcast = f
        .store
        .write(|w| w.resolve_broadcast(["6175550123", "6175550177"], 30))
        .unwrap();
    assert_ne!(broadcast.id, first.id, "a broadcast is not the group");
}

#[test]
fn a_membership_change_continues_in_a_linked_thread() {
    let mut f = fixture::store();
    let old = fixture::thread(&mut f.store, &["6175550123", "6175550177"]);
    let new = f
        .store
        .write(|w| w.continue_thread(old, ["6175550123", "6175550177", "6175550188"], 50))
        .unwrap();
    assert!(new.created);
    assert_eq!(f.store.thread(new.id).unwrap().predecessor_id, Some(old));
    assert_eq!(f.store.successor_of(old).unwrap(), Some(new.id));
}

#[test]
fn the_list_is_pinned_then_recent_with_preview_unread_and_names_by_key() {
    let mut f = fixture::store();
    f.store
        .write(|w| {
            w.add_contact(
                &ContactInput {
                    display_name: "Dana Driver",
                    numbers: vec!["617-555-0123"],
                    ..Default::default()
                },
                5,
            )
        })
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..7 {
        let t = fixture::thread(&mut f.store, &["6175550123", &format!("61755502{i:02}")]);
        fixture::say(
            &mut f.store,
            t,
            "6175550123",
            &format!("message {i}"),
            100 + i,
        );
        ids.push(t);
    }
    // An older message arriving late does not replace the preview.
    fixture::say(&mut f.store, ids[6], "6175550123", "late and old", 1);
    f.store
        .write(|w| w.set_thread_pinned(ids[0], true))
        .unwrap();
    f.store
        .write(|w| w.set_thread_archived(ids[5], true))
        .unwrap();

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = f
            .store
            .threads(&ThreadListQuery {
                archived: false,
                limit: 2,
                after: after.clone(),
            })
            .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items);
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let order: Vec<_> = seen.iter().map(|t| t.id).collect();
    assert_eq!(order, [ids[0], ids[6], ids[4], ids[3], ids[2], ids[1]]);
    let top = &seen[1];
    assert_eq!(top.last_preview.as_deref(), Some("message 6"));
    assert_eq!(top.unread_count, 2);
    assert_eq!(top.message_count, 2);
    assert_eq!(top.participants[0].name.as_deref(), Some("Dana Driver"));

    f.store.write(|w| w.mark_thread_read(ids[6])).unwrap();
    assert_eq!(f.store.thread(ids[6]).unwrap().unread_count, 0);

    let archive = f
        .store
        .threads(&ThreadListQuery {
            archived: true,
            limit: 50,
            after: None,
        })
        .unwrap();
    assert_eq!(archive.items.len(), 1);
    assert_eq!(archive.items[0].id, ids[5]);
}

#[test]
fn the_list_query_seeks_the_covering_index() {
    let f = fixture::store();
    // The plan must walk threads_list in order: no temporary sort, no table scan.
    let plan = f.store.explain_thread_list().unwrap();
    assert!(plan.contains("threads_list"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}
