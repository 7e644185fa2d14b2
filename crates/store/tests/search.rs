//! Full-text search over messages and thread participants, on a real database.

mod fixture;

use store::{ContactInput, SearchQuery};

fn search(store: &store::Store, text: &str) -> store::SearchResults {
    store
        .search(&SearchQuery {
            text: text.into(),
            limit: 50,
            after: None,
        })
        .unwrap()
}

#[test]
fn bodies_and_subjects_match_with_snippets_newest_first() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123", "6175550177"]);
    let a = fixture::say(
        &mut f.store,
        t,
        "6175550123",
        "The tow truck is stuck on Route 9",
        10,
    );
    fixture::say(&mut f.store, t, "6175550177", "nothing to see", 11);
    let b = fixture::say(
        &mut f.store,
        t,
        "6175550177",
        "Towing receipt attached, claim 4411",
        12,
    );
    let subject = f
        .store
        .write(|w| {
            w.add_message(&store::NewMessage {
                subject: Some("Claim 4411 photos"),
                ..fixture::incoming(t, "6175550123", "", 13)
            })
        })
        .unwrap()
        .id;

    let hits = search(&f.store, "tow");
    let ids: Vec<_> = hits.messages.items.iter().map(|h| h.message_id).collect();
    assert_eq!(ids, [b, a], "prefix match, newest first");
    let snippet = &hits.messages.items[1].snippet;
    assert!(
        snippet.iter().any(|p| p.hit && p.text == "tow"),
        "{snippet:?}"
    );

    let hits = search(&f.store, "claim 4411");
    let ids: Vec<_> = hits.messages.items.iter().map(|h| h.message_id).collect();
    assert_eq!(ids, [subject, b]);
    // The index follows deletions.
    f.store.write(|w| w.delete_message(a)).unwrap();
    let ids: Vec<_> = search(&f.store, "tow")
        .messages
        .items
        .iter()
        .map(|h| h.message_id)
        .collect();
    assert_eq!(ids, [b]);
    // FTS5 syntax in user text is just words.
    assert!(search(&f.store, "\"tow OR NEAR(").messages.items.is_empty());
    assert!(search(&f.store, "").messages.items.is_empty());
}

#[test]
fn hits_page_by_key() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    for i in 0..7 {
        fixture::say(
            &mut f.store,
            t,
            "6175550123",
            &format!("estimate number {i}"),
            i,
        );
    }
    let mut seen = 0;
    let mut after = None;
    loop {
        let r = f
            .store
            .search(&SearchQuery {
                text: "estimate".into(),
                limit: 3,
                after: after.clone(),
            })
            .unwrap();
        seen += r.messages.items.len();
        match r.messages.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, 7);
}

#[test]
fn participant_names_and_numbers_find_the_thread_and_follow_contact_edits() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123", "6175550177"]);
    let other = fixture::thread(&mut f.store, &["6175550188"]);
    for q in ["617-555-0123", "+1 (617) 555-0123", "6175550123"] {
        let hits = search(&f.store, q);
        let threads: Vec<_> = hits.threads.iter().map(|h| h.thread_id).collect();
        assert_eq!(threads, [t], "{q}");
    }
    assert!(search(&f.store, "Dana").threads.is_empty());
    let dana = f
        .store
        .write(|w| {
            w.add_contact(
                &ContactInput {
                    display_name: "Dana Driver",
                    numbers: vec!["+16175550123"],
                    ..Default::default()
                },
                1,
            )
        })
        .unwrap();
    let threads: Vec<_> = search(&f.store, "dana")
        .threads
        .iter()
        .map(|h| h.thread_id)
        .collect();
    assert_eq!(threads, [t]);
    // Dana's number changes: the old thread no longer matches her name.
    f.store
        .write(|w| {
            w.update_contact(
                dana,
                &ContactInput {
                    display_name: "Dana Driver",
                    numbers: vec!["6175550188"],
                    ..Default::default()
                },
                2,
            )
        })
        .unwrap();
    let threads: Vec<_> = search(&f.store, "dana")
        .threads
        .iter()
        .map(|h| h.thread_id)
        .collect();
    assert_eq!(threads, [other]);
}

fn message_ids(store: &store::Store, text: &str) -> Vec<store::MessageId> {
    search(store, text)
        .messages
        .items
        .iter()
        .map(|h| h.message_id)
        .collect()
}

#[test]
fn a_word_matches_every_term_it_starts_whatever_its_case_or_accents() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    let a = fixture::say(&mut f.store, t, "6175550123", "Estimate ready", 1);
    let b = fixture::say(&mut f.store, t, "6175550123", "estimates attached", 2);
    let c = fixture::say(&mut f.store, t, "6175550123", "the ESTIMATED total", 3);
    let d = fixture::say(&mut f.store, t, "6175550123", "meet at the Café", 4);
    fixture::say(&mut f.store, t, "6175550123", "nothing here", 5);

    assert_eq!(message_ids(&f.store, "estim"), [c, b, a]);
    assert_eq!(message_ids(&f.store, "ESTIMATES"), [b]);
    assert_eq!(message_ids(&f.store, "estim attach"), [b]);
    assert_eq!(message_ids(&f.store, "estimate zebra"), []);
    // Accents are folded by the index: either spelling finds the café.
    assert_eq!(message_ids(&f.store, "cafe"), [d]);
    assert_eq!(message_ids(&f.store, "Café"), [d]);
    let hit = &search(&f.store, "caf").messages.items[0];
    assert!(
        hit.snippet.iter().any(|p| p.hit && p.text == "Café"),
        "{:?}",
        hit.snippet
    );
}

#[test]
fn a_short_prefix_of_many_terms_still_finds_them_all() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    // More distinct terms under one prefix than the store expands into exact terms.
    let ids: Vec<_> = (0..80)
        .map(|i| fixture::say(&mut f.store, t, "6175550123", &format!("unit wx{i} ok"), i))
        .collect();
    let mut found = Vec::new();
    let mut after = None;
    loop {
        let page = f
            .store
            .search(&SearchQuery {
                text: "wx".into(),
                limit: 50,
                after: after.clone(),
            })
            .unwrap()
            .messages;
        found.extend(page.items.iter().map(|h| h.message_id));
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    found.reverse();
    assert_eq!(found, ids);
    assert_eq!(message_ids(&f.store, "wx7").len(), 11, "wx7 and wx70-wx79");
}
