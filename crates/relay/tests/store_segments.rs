//! The store's write path on disk: bodies in segment files, rows in SQLite. What a crash
//! between the two leaves behind is cut on open; a relay's version 1 file still serves its
//! inline bodies; segments whose entries were all pruned are deleted.

use std::io::Write;
use std::path::Path;

use relay::store::bodies_dir;
use relay::{NewEntry, RelayStore, SqliteStore, StoreOptions, Summary};

fn entry(n: u8, size: usize) -> NewEntry {
    NewEntry {
        received_at_ms: 1_000 + n as i64,
        dedupe_key: [n; 32],
        summary: Summary {
            kind: Some("DeliverReq".into()),
            transaction_id: Some(format!("tx-{n}")),
            ..Summary::default()
        },
        raw: vec![b'a' + n; size],
    }
}

fn segment_files(db: &Path) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = std::fs::read_dir(bodies_dir(db))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().len(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn bodies_written_but_never_indexed_are_cut_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("relay.sqlite3");
    {
        let store = SqliteStore::open(&db).unwrap();
        let appended = store.append(&[entry(1, 100), entry(2, 50)]).unwrap();
        assert_eq!(
            appended.iter().map(|a| a.cursor).collect::<Vec<_>>(),
            [1, 2]
        );
    }
    assert_eq!(segment_files(&db), [("0000000001.seg".to_owned(), 150)]);
    // A crash after a batch's bodies were synced and before its rows committed: bytes in
    // the segment that no row names (the process died; nothing was answered 200).
    let seg = bodies_dir(&db).join("0000000001.seg");
    let mut f = std::fs::OpenOptions::new().append(true).open(&seg).unwrap();
    f.write_all(&[b'x'; 70]).unwrap();
    drop(f);

    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.recovered_bytes(), 70);
    assert_eq!(segment_files(&db), [("0000000001.seg".to_owned(), 150)]);
    let entries = store.read_after(0, 10).unwrap();
    assert_eq!(entries.len(), 2, "the unindexed batch is not visible");
    assert_eq!(entries[0].raw, vec![b'b'; 100]);
    assert_eq!(entries[1].raw, vec![b'c'; 50]);
    // The provider's retry of what was cut is stored normally, where the cut bytes were.
    let again = store.append(&[entry(3, 70)]).unwrap();
    assert_eq!((again[0].cursor, again[0].duplicate), (3, false));
    assert_eq!(store.read_after(2, 10).unwrap()[0].raw, vec![b'd'; 70]);
    assert_eq!(segment_files(&db), [("0000000001.seg".to_owned(), 220)]);
}

#[test]
fn retries_in_one_batch_or_later_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("relay.sqlite3");
    let store = SqliteStore::open(&db).unwrap();
    let a = store
        .append(&[entry(1, 10), entry(1, 10), entry(2, 10)])
        .unwrap();
    assert_eq!(
        a.iter()
            .map(|a| (a.cursor, a.duplicate))
            .collect::<Vec<_>>(),
        [(1, false), (1, true), (2, false)]
    );
    let b = store.append(&[entry(2, 10)]).unwrap();
    assert_eq!((b[0].cursor, b[0].duplicate), (2, true));
    assert_eq!(store.read_after(0, 10).unwrap().len(), 2);
    assert_eq!(
        segment_files(&db),
        [("0000000001.seg".to_owned(), 20)],
        "no body written for a retry"
    );
}

#[test]
fn pruned_segments_are_deleted_and_full_ones_rotate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("relay.sqlite3");
    let store = SqliteStore::open_with(
        &db,
        StoreOptions {
            max_segment_bytes: 100,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    store.register_clients(&["desk".into()], 0).unwrap();
    for n in 1..=5 {
        store.append(&[entry(n, 60)]).unwrap();
    }
    assert_eq!(segment_files(&db).len(), 5, "60 + 60 > 100: one body each");
    store.ack("desk", 3, 10).unwrap();
    assert_eq!(store.prune(11).unwrap(), 3);
    assert_eq!(
        segment_files(&db)
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>(),
        ["0000000004.seg", "0000000005.seg"]
    );
    let left = store.read_after(0, 10).unwrap();
    assert_eq!(
        left.iter().map(|e| e.raw[0]).collect::<Vec<_>>(),
        [b'e', b'f']
    );
    store.ack("desk", 5, 20).unwrap();
    assert_eq!(store.prune(21).unwrap(), 2);
    assert_eq!(
        segment_files(&db),
        [("0000000005.seg".to_owned(), 60)],
        "the segment being appended to stays"
    );
    drop(store);
    // Reopened with nothing committed left: the newest segment is emptied and reused,
    // and cursors still never repeat.
    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(segment_files(&db), [("0000000005.seg".to_owned(), 0)]);
    assert_eq!(store.append(&[entry(9, 5)]).unwrap()[0].cursor, 6);
}

#[test]
fn a_version_1_file_keeps_serving_its_inline_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("relay.sqlite3");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE entries (
                 cursor INTEGER PRIMARY KEY AUTOINCREMENT,
                 received_at_ms INTEGER NOT NULL,
                 dedupe_key BLOB NOT NULL UNIQUE,
                 summary_json TEXT NOT NULL,
                 raw BLOB NOT NULL,
                 all_acked_at_ms INTEGER
             );
             CREATE INDEX entries_all_acked ON entries(all_acked_at_ms)
                 WHERE all_acked_at_ms IS NOT NULL;
             CREATE TABLE clients (
                 name TEXT PRIMARY KEY,
                 acked_cursor INTEGER NOT NULL DEFAULT 0,
                 registered_at_ms INTEGER NOT NULL
             );
             INSERT INTO entries (received_at_ms, dedupe_key, summary_json, raw)
                 VALUES (5, x'01', '{\"kind\":\"DeliverReq\",\"parts\":0}', CAST('old body' AS BLOB));
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&db).unwrap();
    store.append(&[entry(7, 8)]).unwrap();
    let all = store.read_after(0, 10).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].raw, b"old body");
    assert_eq!(all[0].summary.kind.as_deref(), Some("DeliverReq"));
    assert_eq!((all[1].cursor, all[1].raw.as_slice()), (2, &[b'h'; 8][..]));
}
