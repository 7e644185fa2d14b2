//! Consent ledger, accounts and relay cursors, on a real database.

mod fixture;

use store::{ConsentKind, ConsentStatus, Evidence, StoreError};

#[test]
fn consent_is_append_only_and_the_latest_opt_decides() {
    let mut f = fixture::store();
    assert_eq!(
        f.store.consent_status("6175550123").unwrap(),
        ConsentStatus::Unknown
    );
    f.store
        .write(|w| {
            w.record_consent(
                "6175550123",
                ConsentKind::OptIn,
                "web_form",
                &Evidence::Text("form #12".into()),
                None,
                1,
            )?;
            w.record_consent(
                "+1 617 555 0123",
                ConsentKind::OptOut,
                "keyword",
                &Evidence::Text("STOP".into()),
                None,
                2,
            )?;
            w.record_consent(
                "16175550123",
                ConsentKind::ConfirmationSent,
                "system",
                &Evidence::Text("You are unsubscribed".into()),
                Some("agent-7"),
                3,
            )
        })
        .unwrap();
    assert_eq!(
        f.store.consent_status("tel:+16175550123").unwrap(),
        ConsentStatus::OptedOut
    );
    let history = f.store.consent_history("6175550123").unwrap();
    let kinds: Vec<_> = history.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            ConsentKind::OptIn,
            ConsentKind::OptOut,
            ConsentKind::ConfirmationSent
        ]
    );
    assert_eq!(history[2].agent.as_deref(), Some("agent-7"));

    // The database itself refuses to rewrite history.
    let dir = f.dir.path().join(store::DATABASE_FILE_NAME);
    let conn = rusqlite_conn(&dir);
    let e = conn.execute("DELETE FROM consent_events", []).unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = conn
        .execute("UPDATE consent_events SET event = 'opt_in'", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

fn rusqlite_conn(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

#[test]
fn accounts_are_canonical_and_relay_cursors_move() {
    let mut f = fixture::store();
    f.store
        .write(|w| w.add_account("second", "(617) 555-0101", 5))
        .unwrap();
    let numbers: Vec<_> = f
        .store
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.number)
        .collect();
    assert_eq!(numbers, ["+16175550100", "+16175550101"]);
    // Both our numbers are left out of a thread's participants.
    let t = fixture::thread(&mut f.store, &["6175550101", "6175550100", "6175550123"]);
    assert_eq!(f.store.thread(t).unwrap().participants.len(), 1);

    assert_eq!(f.store.relay_cursor("https://relay.example").unwrap(), None);
    f.store
        .write(|w| w.set_relay_cursor("https://relay.example", "c-1", 1))
        .unwrap();
    f.store
        .write(|w| w.set_relay_cursor("https://relay.example", "c-2", 2))
        .unwrap();
    assert_eq!(
        f.store
            .relay_cursor("https://relay.example")
            .unwrap()
            .as_deref(),
        Some("c-2")
    );
}

#[test]
fn contacts_are_found_by_any_number_format_and_listed_by_name() {
    let mut f = fixture::store();
    f.store
        .write(|w| {
            for (name, number) in [
                ("zoe", "6175550111"),
                ("Adam", "6175550112"),
                ("bea", "6175550113"),
            ] {
                w.add_contact(
                    &store::ContactInput {
                        display_name: name,
                        numbers: vec![number],
                        company: Some("Acme Towing"),
                        tags: vec!["vendor"],
                        ..Default::default()
                    },
                    1,
                )?;
            }
            Ok(())
        })
        .unwrap();
    for q in ["+1 (617) 555-0113", "16175550113", "tel:+16175550113"] {
        assert_eq!(
            f.store.contact_by_number(q).unwrap().unwrap().display_name,
            "bea",
            "{q}"
        );
    }
    assert!(f.store.contact_by_number("6175550999").unwrap().is_none());
    let taken = f
        .store
        .write(|w| {
            w.add_contact(
                &store::ContactInput {
                    display_name: "dup",
                    numbers: vec!["617-555-0111"],
                    ..Default::default()
                },
                2,
            )
        })
        .unwrap_err();
    assert!(matches!(taken, StoreError::NumberTaken { .. }), "{taken}");

    let first = f
        .store
        .contacts(&store::ContactQuery {
            limit: 2,
            after: None,
        })
        .unwrap();
    let names: Vec<_> = first
        .items
        .iter()
        .map(|c| c.display_name.as_str())
        .collect();
    assert_eq!(names, ["Adam", "bea"]);
    assert_eq!(first.items[0].tags, ["vendor"]);
    let rest = f
        .store
        .contacts(&store::ContactQuery {
            limit: 2,
            after: first.next,
        })
        .unwrap();
    let names: Vec<_> = rest.items.iter().map(|c| c.display_name.as_str()).collect();
    assert_eq!(names, ["zoe"]);
    assert_eq!(rest.next, None);
}

#[test]
fn disclosures_count_once_per_number_and_overrides_keep_their_reason() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123"]);
    let m = fixture::say(&mut f.store, t, "6175550123", "hi", 10);
    assert!(!f.store.disclosed("6175550123").unwrap());
    f.store
        .write(|w| {
            w.record_consent(
                "+1 (617) 555-0123",
                ConsentKind::DisclosureSent,
                "footer",
                &Evidence::Message(m),
                None,
                11,
            )
        })
        .unwrap();
    assert!(f.store.disclosed("tel:+16175550123").unwrap());
    assert!(!f.store.disclosed("6175550124").unwrap());
    // A disclosure is not consent: the number's standing is unchanged.
    assert_eq!(
        f.store.consent_status("6175550123").unwrap(),
        ConsentStatus::Unknown
    );

    assert_eq!(f.store.quiet_hours_override(m).unwrap(), None);
    f.store
        .write(|w| {
            w.record_quiet_hours_override(m, "  tow truck en route  ", Some("agent-3"), 12)?;
            // The first reason stands.
            w.record_quiet_hours_override(m, "second thoughts", None, 13)
        })
        .unwrap();
    let o = f.store.quiet_hours_override(m).unwrap().unwrap();
    assert_eq!(o.reason, "tow truck en route");
    assert_eq!(o.agent.as_deref(), Some("agent-3"));
    assert_eq!(o.at, 12);
    let empty = f
        .store
        .write(|w| w.record_quiet_hours_override(store::MessageId(999), "   ", None, 14));
    assert!(empty.is_err(), "an override needs a reason");
    let conn = rusqlite_conn(&f.dir.path().join(store::DATABASE_FILE_NAME));
    let e = conn
        .execute("DELETE FROM quiet_hours_overrides", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

#[test]
fn a_numbers_carrier_is_the_newest_sighting_and_shows_on_its_participant() {
    let mut f = fixture::store();
    let t = fixture::thread(&mut f.store, &["6175550123", "6175550124"]);
    assert_eq!(f.store.carrier_of("6175550123").unwrap(), None);
    f.store
        .write(|w| {
            w.note_carrier("(617) 555-0123", "31003", 10)?;
            // A late report from before a port does not undo it.
            w.note_carrier("+16175550123", "31002", 5)?;
            w.note_carrier("+16175550124", " ", 11)
        })
        .unwrap();
    assert_eq!(
        f.store.carrier_of("6175550123").unwrap().as_deref(),
        Some("31003")
    );
    f.store
        .write(|w| w.note_carrier("6175550123", "31004", 20))
        .unwrap();
    let people = f.store.thread(t).unwrap().participants;
    let carriers: Vec<_> = people.iter().map(|p| p.operator_id.as_deref()).collect();
    assert_eq!(carriers, [Some("31004"), None]);
}

#[test]
fn ledger_pages_newest_first_by_kind_and_time_without_reading_it_all() {
    use store::LedgerFilter;
    let mut f = fixture::store();
    f.store
        .write(|w| {
            for i in 0..10i64 {
                let kind = if i % 3 == 0 {
                    ConsentKind::OptOut
                } else {
                    ConsentKind::OptIn
                };
                w.record_consent(
                    &format!("61755501{:02}", i),
                    kind,
                    "keyword",
                    &Evidence::Text("x".into()),
                    None,
                    100 + i,
                )?;
            }
            Ok(())
        })
        .unwrap();
    let all = LedgerFilter::default();
    assert_eq!(f.store.count_consent_events(&all).unwrap(), 10);
    let first = f.store.consent_events_before(&all, i64::MAX, 4).unwrap();
    let ats: Vec<_> = first.iter().map(|e| e.at).collect();
    assert_eq!(ats, [109, 108, 107, 106]);
    let second = f
        .store
        .consent_events_before(&all, first.last().unwrap().id, 4)
        .unwrap();
    assert_eq!(
        second.iter().map(|e| e.at).collect::<Vec<_>>(),
        [105, 104, 103, 102]
    );

    let opt_outs = LedgerFilter {
        kinds: &[ConsentKind::OptOut],
        from: Some(101),
        to: Some(108),
    };
    assert_eq!(f.store.count_consent_events(&opt_outs).unwrap(), 2);
    let page = f
        .store
        .consent_events_before(&opt_outs, i64::MAX, 10)
        .unwrap();
    assert_eq!(page.iter().map(|e| e.at).collect::<Vec<_>>(), [106, 103]);
    assert!(page.iter().all(|e| e.kind == ConsentKind::OptOut));
}
