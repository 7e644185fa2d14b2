//! [`RelayStore`] on SQLite: one file, WAL, `synchronous=FULL` so a commit is on disk
//! (fsync'd) before `append` returns. One connection writes (the append queue batches
//! pushes into one transaction), another reads, so long polls never wait on a commit.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Appended, Cursor, Entry, NewEntry, RelayStore};
use crate::error::{StoreError, StoreErrorKind};
use crate::summary::Summary;

/// The schema version this code writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE entries (
    -- AUTOINCREMENT: a pruned cursor is never handed out again.
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at_ms INTEGER NOT NULL,
    dedupe_key BLOB NOT NULL UNIQUE,
    summary_json TEXT NOT NULL,
    raw BLOB NOT NULL,
    -- When the last registered client acknowledged it; NULL while someone has not.
    all_acked_at_ms INTEGER
);
CREATE INDEX entries_all_acked ON entries(all_acked_at_ms) WHERE all_acked_at_ms IS NOT NULL;
CREATE TABLE clients (
    name TEXT PRIMARY KEY,
    acked_cursor INTEGER NOT NULL DEFAULT 0,
    registered_at_ms INTEGER NOT NULL
);
";

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    /// Checkpoints the WAL beside the writer, so commits never wait on copying it back.
    checkpointer: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

fn open_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::new(StoreErrorKind::Open, e.to_string())
}

fn poisoned() -> StoreError {
    StoreError::new(StoreErrorKind::Closed, "a previous store call panicked")
}

impl SqliteStore {
    /// Opens (creating and migrating) the store at `path`. A file written by a newer relay
    /// is refused before anything is changed.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let writer = Connection::open(path).map_err(open_error)?;
        writer
            .execute_batch(
                // The commit path checkpoints only as a safety net (a 64 MB WAL); the
                // checkpointer connection does it in the background (see `maintain`).
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;
                 PRAGMA wal_autocheckpoint=16384;",
            )
            .map_err(open_error)?;
        migrate(&writer)?;
        let open_other = || -> Result<Connection, StoreError> {
            let c = Connection::open(path).map_err(open_error)?;
            c.execute_batch("PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL;")
                .map_err(open_error)?;
            Ok(c)
        };
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            reader: Mutex::new(open_other()?),
            checkpointer: Mutex::new(open_other()?),
        })
    }
}

fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(open_error)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::new(
            StoreErrorKind::TooNew,
            format!("schema version {version} is newer than this relay's {SCHEMA_VERSION}"),
        ));
    }
    if version < 1 {
        conn.execute_batch(&format!(
            "BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        ))
        .map_err(open_error)?;
    }
    Ok(())
}

/// Stamps `all_acked_at_ms` on entries that every registered client has now acknowledged.
fn mark_all_acked(tx: &Connection, now_ms: i64) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE entries SET all_acked_at_ms = ?1
         WHERE all_acked_at_ms IS NULL
           AND cursor <= (SELECT MIN(acked_cursor) FROM clients)",
        params![now_ms],
    )?;
    Ok(())
}

impl RelayStore for SqliteStore {
    fn append(&self, entries: &[NewEntry]) -> Result<Vec<Appended>, StoreError> {
        let mut conn = self.writer.lock().map_err(|_| poisoned())?;
        let tx = conn.transaction()?;
        let mut out = Vec::with_capacity(entries.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO entries (received_at_ms, dedupe_key, summary_json, raw)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(dedupe_key) DO NOTHING
                 RETURNING cursor",
            )?;
            let mut existing =
                tx.prepare_cached("SELECT cursor FROM entries WHERE dedupe_key = ?1")?;
            for entry in entries {
                let summary = serde_json::to_string(&entry.summary)
                    .map_err(|e| StoreError::new(StoreErrorKind::Io, e.to_string()))?;
                let inserted: Option<Cursor> = insert
                    .query_row(
                        params![
                            entry.received_at_ms,
                            &entry.dedupe_key[..],
                            summary,
                            entry.raw
                        ],
                        |r| r.get(0),
                    )
                    .optional()?;
                out.push(match inserted {
                    Some(cursor) => Appended {
                        cursor,
                        duplicate: false,
                    },
                    None => Appended {
                        cursor: existing.query_row(params![&entry.dedupe_key[..]], |r| r.get(0))?,
                        duplicate: true,
                    },
                });
            }
        }
        // synchronous=FULL: the WAL is fsync'd before commit returns.
        tx.commit()?;
        Ok(out)
    }

    fn read_after(&self, after: Cursor, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let conn = self.reader.lock().map_err(|_| poisoned())?;
        let mut select = conn.prepare_cached(
            "SELECT cursor, received_at_ms, summary_json, raw FROM entries
             WHERE cursor > ?1 ORDER BY cursor LIMIT ?2",
        )?;
        let rows = select.query_map(params![after, limit as i64], |r| {
            Ok((
                r.get::<_, Cursor>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (cursor, received_at_ms, summary, raw) = row?;
            let summary: Summary = serde_json::from_str(&summary)
                .map_err(|e| StoreError::new(StoreErrorKind::Io, e.to_string()))?;
            out.push(Entry {
                cursor,
                received_at_ms,
                summary,
                raw,
            });
        }
        Ok(out)
    }

    fn latest(&self) -> Result<Cursor, StoreError> {
        let conn = self.reader.lock().map_err(|_| poisoned())?;
        // sqlite_sequence remembers the highest cursor even when the table is empty.
        let seq: Option<Cursor> = conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'entries'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(seq.unwrap_or(0))
    }

    fn register_clients(&self, names: &[String], now_ms: i64) -> Result<(), StoreError> {
        let mut conn = self.writer.lock().map_err(|_| poisoned())?;
        let tx = conn.transaction()?;
        let keep = serde_json::to_string(names)
            .map_err(|e| StoreError::new(StoreErrorKind::Io, e.to_string()))?;
        tx.execute(
            "DELETE FROM clients WHERE name NOT IN (SELECT value FROM json_each(?1))",
            params![keep],
        )?;
        for name in names {
            tx.execute(
                "INSERT INTO clients (name, acked_cursor, registered_at_ms) VALUES (?1, 0, ?2)
                 ON CONFLICT(name) DO NOTHING",
                params![name, now_ms],
            )?;
        }
        mark_all_acked(&tx, now_ms)?;
        tx.commit()?;
        Ok(())
    }

    fn acked(&self, client: &str) -> Result<Cursor, StoreError> {
        let conn = self.reader.lock().map_err(|_| poisoned())?;
        Ok(conn
            .query_row(
                "SELECT acked_cursor FROM clients WHERE name = ?1",
                params![client],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    fn ack(&self, client: &str, cursor: Cursor, now_ms: i64) -> Result<Cursor, StoreError> {
        let mut conn = self.writer.lock().map_err(|_| poisoned())?;
        let tx = conn.transaction()?;
        let latest: Cursor = tx
            .query_row(
                "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'entries'), 0)",
                [],
                |r| r.get(0),
            )
            .unwrap_or(0);
        tx.execute(
            "UPDATE clients SET acked_cursor = MAX(acked_cursor, ?2) WHERE name = ?1",
            params![client, cursor.min(latest)],
        )?;
        let now: Cursor = tx
            .query_row(
                "SELECT acked_cursor FROM clients WHERE name = ?1",
                params![client],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        mark_all_acked(&tx, now_ms)?;
        tx.commit()?;
        Ok(now)
    }

    fn maintain(&self) -> Result<(), StoreError> {
        let conn = self.checkpointer.lock().map_err(|_| poisoned())?;
        // PASSIVE never blocks the writer; what it cannot copy now waits for next time.
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    fn prune(&self, acked_before_ms: i64) -> Result<usize, StoreError> {
        let conn = self.writer.lock().map_err(|_| poisoned())?;
        Ok(conn.execute(
            "DELETE FROM entries WHERE all_acked_at_ms IS NOT NULL AND all_acked_at_ms < ?1",
            params![acked_before_ms],
        )?)
    }
}
