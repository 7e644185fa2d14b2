//! Upgrading a populated database written by schema version 10 (the last one before the
//! store wrote its own full-text rows and clustered messages by thread): every message,
//! part, delivery and job must read back the same, and search must keep working on old
//! and new messages alike.

use std::path::Path;

use rusqlite::{Connection, params};

use crate::migration::{self, MIGRATIONS};
use crate::{
    DATABASE_FILE_NAME, DeliveryState, Direction, MessageQuery, MessageState, NewMessage,
    SearchQuery, Store, ThreadId,
};

/// id, thread, direction, author, body, subject, at, provider MessageID, state.
type OldMessage = (
    i64,
    i64,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    i64,
    Option<&'static str>,
    &'static str,
);

/// A version-10 database with two threads, messages in both (one outgoing with two
/// recipients and a delivery report, one with a part, one unread), filled by plain SQL the
/// way the version-10 store wrote it (its triggers indexed the text).
fn version_10(path: &Path) {
    let mut conn = Connection::open(path).unwrap();
    migration::migrate_with(&mut conn, path, &MIGRATIONS[..10], &mut |_| {}).unwrap();
    conn.execute_batch(
        "INSERT INTO accounts (id, profile, number, created_at) VALUES (1, 'p', '+16175550100', 1);
         INSERT INTO threads (id, kind, participant_key, created_at, last_activity)
             VALUES (1, 'group', '+16175550123,+16175550177', 1, 1),
                    (2, 'direct', '+16175550123', 1, 1);
         INSERT INTO thread_participants VALUES (1, '+16175550123'), (1, '+16175550177'),
             (2, '+16175550123');",
    )
    .unwrap();
    let rows: &[OldMessage] = &[
        (
            1,
            1,
            "in",
            "+16175550123",
            "the tow truck is here",
            None,
            100,
            Some("MM-1"),
            "read",
        ),
        (
            2,
            2,
            "in",
            "+16175550123",
            "direct hello",
            None,
            150,
            Some("MM-2"),
            "read",
        ),
        (
            3,
            1,
            "out",
            "+16175550100",
            "thanks, photos of the damage",
            Some("Claim 4411"),
            200,
            None,
            "sent",
        ),
        (
            4,
            1,
            "in",
            "+16175550177",
            "estimate attached",
            None,
            300,
            Some("MM-3"),
            "unread",
        ),
    ];
    for (id, thread, dir, author, body, subject, at, pm, state) in rows {
        conn.execute(
            "INSERT INTO messages (id, thread_id, direction, author, body, subject, at,
                 provider_at, provider_message_id, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                id,
                thread,
                dir,
                author,
                body,
                subject,
                at,
                at - 5,
                pm,
                state
            ],
        )
        .unwrap();
    }
    conn.execute_batch(
        "UPDATE threads SET last_message_id = 4, last_message_at = 300, last_activity = 300,
             last_preview = 'estimate attached', last_author = '+16175550177',
             unread_count = 1, message_count = 3 WHERE id = 1;
         UPDATE threads SET last_message_id = 2, last_message_at = 150, last_activity = 150,
             last_preview = 'direct hello', last_author = '+16175550123',
             message_count = 1 WHERE id = 2;
         INSERT INTO deliveries (message_id, recipient, state, provider_message_id, status_code,
                 queued_at, submitted_at, final_at, updated_at)
             VALUES (3, '+16175550123', 'delivered', 'PM-1', 1000, 200, 210, 250, 250),
                    (3, '+16175550177', 'queued', NULL, NULL, 200, NULL, NULL, 200);
         INSERT INTO outbox (id, message_id, recipient, state, attempts, next_attempt_at)
             VALUES (7, 3, '+16175550177', 'pending', 1, 500);
         INSERT INTO parts (message_id, ord, content_type, size, sha256)
             VALUES (4, 0, 'image/png', 10, 'ab00');",
    )
    .unwrap();
    assert_eq!(migration::current_version(&conn).unwrap(), 10);
}

fn search_ids(store: &Store, text: &str) -> Vec<i64> {
    store
        .search(&SearchQuery {
            text: text.into(),
            limit: 50,
            after: None,
        })
        .unwrap()
        .messages
        .items
        .iter()
        .map(|h| h.message_id.0)
        .collect()
}

#[test]
fn a_populated_version_10_store_upgrades_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE_NAME);
    version_10(&path);

    let mut store = Store::open(&path, 0).unwrap();
    assert_eq!(store.schema_version().unwrap(), migration::LATEST);

    let page = store
        .messages(
            ThreadId(1),
            &MessageQuery {
                limit: 10,
                before: None,
            },
        )
        .unwrap();
    let ids: Vec<i64> = page.items.iter().map(|m| m.id.0).collect();
    assert_eq!(ids, [4, 3, 1]);
    let [unread, out, first] = &page.items[..] else {
        unreachable!()
    };
    assert_eq!(
        (unread.direction, unread.state, unread.parts.len()),
        (Direction::In, MessageState::Unread, 1)
    );
    assert_eq!(unread.parts[0].sha256, "ab00");
    assert_eq!(
        (out.direction, out.state, out.subject.as_deref()),
        (Direction::Out, MessageState::Sent, Some("Claim 4411"))
    );
    assert_eq!(out.provider_at, Some(195));
    let states: Vec<_> = out
        .deliveries
        .iter()
        .map(|d| {
            (
                d.recipient.as_str(),
                d.state,
                d.provider_message_id.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("+16175550123", DeliveryState::Delivered, Some("PM-1")),
            ("+16175550177", DeliveryState::Queued, None)
        ]
    );
    assert_eq!(
        (out.deliveries[0].submitted_at, out.deliveries[0].final_at),
        (Some(210), Some(250))
    );
    assert_eq!(first.provider_message_id.as_deref(), Some("MM-1"));
    assert_eq!(store.job(crate::JobId(7)).unwrap().attempts, 1);

    // Text indexed by the old triggers is still found, and so is new text.
    assert_eq!(search_ids(&store, "tow"), [1]);
    assert_eq!(search_ids(&store, "claim"), [3]);
    let added = store
        .write(|w| {
            let m = w.add_message(&NewMessage {
                thread_id: ThreadId(2),
                direction: Direction::In,
                author: "6175550123",
                body: "second tow needed",
                subject: None,
                at: 400,
                provider_at: None,
                provider_message_id: Some("MM-4"),
                linked_id: None,
                transaction_id: None,
                state: MessageState::Unread,
            })?;
            // The old MessageIDs still deduplicate.
            let again = w.add_message(&NewMessage {
                thread_id: ThreadId(1),
                direction: Direction::In,
                author: "6175550123",
                body: "the tow truck is here",
                subject: None,
                at: 100,
                provider_at: None,
                provider_message_id: Some("MM-1"),
                linked_id: None,
                transaction_id: None,
                state: MessageState::Unread,
            })?;
            assert!(again.duplicate);
            assert_eq!(again.id.0, 1);
            Ok(m.id)
        })
        .unwrap();
    assert!(added.0 > 4, "new ids follow the old ones");
    assert_eq!(search_ids(&store, "tow"), [added.0, 1]);
    store
        .write(|w| w.delete_message(crate::MessageId(1)))
        .unwrap();
    assert_eq!(search_ids(&store, "tow"), [added.0]);
    store.write(|w| w.mark_thread_read(ThreadId(1))).unwrap();
    let t = store.thread(ThreadId(1)).unwrap();
    assert_eq!((t.unread_count, t.message_count), (0, 2));
    // Reports still find old submissions by the provider's MessageID, and move forward.
    store
        .write(|w| {
            let update = crate::DeliveryUpdate {
                state: DeliveryState::Read,
                provider_message_id: None,
                status_code: Some(1000),
                status_text: None,
                at: 600,
            };
            let found = w.update_delivery_by_provider_id("PM-1", "6175550123", &update)?;
            assert_eq!(found, Some(crate::MessageId(3)));
            Ok(())
        })
        .unwrap();
    let out = store.message(crate::MessageId(3)).unwrap();
    assert_eq!(out.deliveries[0].state, DeliveryState::Read);
    assert_eq!(out.deliveries[0].final_at, Some(250));
    // Deleting the outgoing message takes its delivery rows and job with it.
    store
        .write(|w| w.delete_message(crate::MessageId(3)))
        .unwrap();
    drop(store);

    // The upgraded file passes SQLite's own checks.
    let conn = Connection::open(&path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
    let left: (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM deliveries), (SELECT count(*) FROM outbox)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(left, (0, 0));
    conn.execute(
        "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .unwrap();
}

#[test]
fn an_upgrade_reports_each_migration_it_runs_and_an_up_to_date_store_none() {
    let dir = tempfile::tempdir().unwrap();
    version_10(&dir.path().join(DATABASE_FILE_NAME));
    let mut steps = Vec::new();
    let store = Store::open_in_reporting(dir.path(), 0, &mut |s| steps.push(s)).unwrap();
    drop(store);
    let pending = MIGRATIONS.len() as u32 - 10;
    assert_eq!(steps.len() as u32, pending);
    for (i, s) in steps.iter().enumerate() {
        assert_eq!(s.step, i as u32 + 1);
        assert_eq!(s.of, pending);
        assert_eq!(s.version, 11 + i as u32);
        assert_eq!(s.name, MIGRATIONS[10 + i].name);
    }

    let mut again = Vec::new();
    Store::open_in_reporting(dir.path(), 0, &mut |s| again.push(s)).unwrap();
    assert!(again.is_empty(), "{again:?}");
}
