//! [`RelayStore`] on SQLite plus segment files: the raw bodies are appended to segment
//! files ([`super::segments`]) and fsync'd as one group, then a small index row per push
//! (cursor, dedupe key, summary, where its body lives) commits in SQLite with WAL and
//! `synchronous=FULL`. `append` returns only after both, so a push answered 200 is on disk
//! twice over: its body synced, its row committed. An entry is visible only once its row
//! committed; a body written before a crash cut off its commit is truncated away on open.
//!
//! One connection writes (the append queue batches pushes into one call), another reads,
//! so long polls never wait on a commit. Rows from schema version 1 keep their body inline
//! (`raw`) and are still served.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use super::segments::{Placement, Recovery, SegmentReader, Segments};
use super::{Appended, Cursor, Entry, NewEntry, RelayStore};
use crate::error::{StoreError, StoreErrorKind};
use crate::summary::Summary;

/// The schema version this code writes (`PRAGMA user_version`).
const SCHEMA_VERSION: i64 = 2;

const SCHEMA_V1: &str = "
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

/// Version 2: bodies move to segment files; `raw` stays (empty) for the rows that do.
const SCHEMA_V2: &str = "
ALTER TABLE entries ADD COLUMN segment INTEGER;
ALTER TABLE entries ADD COLUMN body_offset INTEGER;
ALTER TABLE entries ADD COLUMN body_len INTEGER;
CREATE INDEX entries_segment ON entries(segment, body_offset) WHERE segment IS NOT NULL;
";

/// Tuning and test hooks for [`SqliteStore::open_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// A segment file is closed and the next one started past this size.
    pub max_segment_bytes: u64,
    /// Test hook: abort the process after a batch's bodies are synced and before its index
    /// commits, to prove such a batch is neither visible nor answered after a restart.
    #[doc(hidden)]
    pub abort_before_index_commit: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_segment_bytes: 64 * 1024 * 1024,
            abort_before_index_commit: false,
        }
    }
}

/// Locks, always taken in this order when more than one is held: `segments`, then
/// `writer`. A batch takes `segments`, appends and syncs its bodies, takes `writer` and only
/// then lets go of `segments`: the next batch's bodies go to disk while this one's index
/// commits (two fsyncs in flight, not one after the other), rows commit in segment order,
/// and pruning (which takes both) never sees a body whose row is about to commit.
pub struct SqliteStore {
    segments: Mutex<Segments>,
    writer: Mutex<Connection>,
    /// Looks up dedupe keys before bodies are written, without waiting on a commit.
    dedupe: Mutex<Connection>,
    reader: Mutex<Connection>,
    /// Checkpoints the WAL beside the writer, so commits never wait on copying it back.
    checkpointer: Mutex<Connection>,
    bodies: PathBuf,
    options: StoreOptions,
    recovery: Recovery,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

fn open_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::new(StoreErrorKind::Open, e.to_string())
}

fn io_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::new(StoreErrorKind::Io, e.to_string())
}

fn poisoned() -> StoreError {
    StoreError::new(StoreErrorKind::Closed, "a previous store call panicked")
}

/// The segment directory beside `db`: `relay.sqlite3` keeps its bodies in
/// `relay.sqlite3-bodies/`.
pub fn bodies_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_owned();
    name.push("-bodies");
    db.with_file_name(name)
}

impl SqliteStore {
    /// Opens (creating and migrating) the store at `path`, its bodies in
    /// [`bodies_dir`]`(path)`, and recovers: segment bytes past the last committed body are
    /// cut off. A file written by a newer relay is refused before anything is changed.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, StoreOptions::default())
    }

    pub fn open_with(path: &Path, options: StoreOptions) -> Result<SqliteStore, StoreError> {
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
        let committed_end = {
            let mut q = writer
                .prepare(
                    "SELECT segment, MAX(body_offset + body_len) FROM entries
                     WHERE segment IS NOT NULL GROUP BY segment",
                )
                .map_err(open_error)?;
            q.query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
            })
            .and_then(|rows| rows.collect::<Result<HashMap<u64, u64>, _>>())
            .map_err(open_error)?
        };
        let bodies = bodies_dir(path);
        let (segments, recovery) =
            Segments::open(&bodies, &committed_end, options.max_segment_bytes)
                .map_err(|e| open_error(format!("{}: {e}", bodies.display())))?;
        if recovery != Recovery::default() {
            tracing::warn!(
                "relay store recovered: {} uncommitted bytes cut, {} empty segments removed",
                recovery.truncated_bytes,
                recovery.removed_segments
            );
        }
        let open_other = || -> Result<Connection, StoreError> {
            let c = Connection::open(path).map_err(open_error)?;
            c.execute_batch("PRAGMA busy_timeout=5000; PRAGMA synchronous=FULL;")
                .map_err(open_error)?;
            Ok(c)
        };
        Ok(SqliteStore {
            segments: Mutex::new(segments),
            writer: Mutex::new(writer),
            dedupe: Mutex::new(open_other()?),
            reader: Mutex::new(open_other()?),
            checkpointer: Mutex::new(open_other()?),
            bodies,
            options,
            recovery,
        })
    }

    /// Uncommitted bytes cut off the segments when this store was opened (0 after a clean
    /// stop).
    pub fn recovered_bytes(&self) -> u64 {
        self.recovery.truncated_bytes
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
    let pending = match version {
        0 => format!("{SCHEMA_V1} {SCHEMA_V2}"),
        1 => SCHEMA_V2.to_owned(),
        _ => return Ok(()),
    };
    conn.execute_batch(&format!(
        "BEGIN; {pending} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
    ))
    .map_err(open_error)?;
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

impl SqliteStore {
    /// Splits a batch into the entries to write and those already stored (or repeated
    /// earlier in the same batch).
    fn classify(conn: &Connection, entries: &[NewEntry]) -> Result<Vec<Slot>, StoreError> {
        let mut existing =
            conn.prepare_cached("SELECT cursor FROM entries WHERE dedupe_key = ?1")?;
        let mut first_in_batch: HashMap<&[u8; 32], usize> = HashMap::new();
        let mut slots = Vec::with_capacity(entries.len());
        for (i, entry) in entries.iter().enumerate() {
            if let Some(&j) = first_in_batch.get(&entry.dedupe_key) {
                slots.push(Slot::SameAs(j));
                continue;
            }
            let stored: Option<Cursor> = existing
                .query_row(params![&entry.dedupe_key[..]], |r| r.get(0))
                .optional()?;
            slots.push(match stored {
                Some(cursor) => Slot::Stored(cursor),
                None => {
                    first_in_batch.insert(&entry.dedupe_key, i);
                    Slot::New
                }
            });
        }
        Ok(slots)
    }

    /// Commits the index rows of the new entries of a batch whose bodies are on disk.
    fn commit_index(
        conn: &mut Connection,
        entries: &[NewEntry],
        slots: &[Slot],
        placed: &[Placement],
    ) -> Result<Vec<Appended>, StoreError> {
        let tx = conn.transaction()?;
        let mut cursors: Vec<Option<Appended>> = vec![None; entries.len()];
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO entries
                   (received_at_ms, dedupe_key, summary_json, raw, segment, body_offset, body_len)
                 VALUES (?1, ?2, ?3, x'', ?4, ?5, ?6)
                 ON CONFLICT(dedupe_key) DO NOTHING
                 RETURNING cursor",
            )?;
            let mut existing =
                tx.prepare_cached("SELECT cursor FROM entries WHERE dedupe_key = ?1")?;
            let mut placed = placed.iter();
            for (i, (entry, slot)) in entries.iter().zip(slots).enumerate() {
                cursors[i] = Some(match *slot {
                    Slot::Stored(cursor) => Appended {
                        cursor,
                        duplicate: true,
                    },
                    Slot::SameAs(j) => Appended {
                        cursor: cursors[j].expect("an earlier entry").cursor,
                        duplicate: true,
                    },
                    Slot::New => {
                        let at = placed.next().expect("one placement per new entry");
                        let summary = serde_json::to_string(&entry.summary).map_err(io_error)?;
                        let inserted: Option<Cursor> = insert
                            .query_row(
                                params![
                                    entry.received_at_ms,
                                    &entry.dedupe_key[..],
                                    summary,
                                    at.segment as i64,
                                    at.offset as i64,
                                    at.len as i64,
                                ],
                                |r| r.get(0),
                            )
                            .optional()?;
                        match inserted {
                            Some(cursor) => Appended {
                                cursor,
                                duplicate: false,
                            },
                            // A retry committed by a batch that was in flight when this
                            // one looked: its body here stays unindexed.
                            None => Appended {
                                cursor: existing
                                    .query_row(params![&entry.dedupe_key[..]], |r| r.get(0))?,
                                duplicate: true,
                            },
                        }
                    }
                });
            }
        }
        // synchronous=FULL: the WAL is fsync'd before commit returns.
        tx.commit()?;
        Ok(cursors
            .into_iter()
            .map(|c| c.expect("every slot filled"))
            .collect())
    }
}

/// What becomes of one entry of a batch.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// Not stored yet: its body is written and a row inserted.
    New,
    /// A provider retry of an entry already committed.
    Stored(Cursor),
    /// A retry of the entry at this index of the same batch.
    SameAs(usize),
}

impl RelayStore for SqliteStore {
    fn append(&self, entries: &[NewEntry]) -> Result<Vec<Appended>, StoreError> {
        let slots = {
            let conn = self.dedupe.lock().map_err(|_| poisoned())?;
            SqliteStore::classify(&conn, entries)?
        };
        let mut segments = self.segments.lock().map_err(|_| poisoned())?;
        let mark = segments.mark();
        let bodies = entries
            .iter()
            .zip(&slots)
            .filter(|(_, s)| matches!(s, Slot::New))
            .map(|(e, _)| e.raw.as_slice());
        let placed = match segments.append_durably(bodies) {
            Ok(p) => p,
            Err(e) => {
                if let Err(e) = segments.roll_back(mark) {
                    // Never indexed, so cut on the next open anyway.
                    tracing::error!("relay store could not roll back a failed write: {e}");
                }
                return Err(io_error(e));
            }
        };
        if self.options.abort_before_index_commit && !placed.is_empty() {
            tracing::error!("test hook: aborting before the index commit");
            std::process::abort();
        }
        let mut writer = self.writer.lock().map_err(|_| poisoned())?;
        drop(segments);
        // A failed commit leaves its bodies unindexed: invisible, and cut on the next open
        // when at a segment's end (a later batch may already have written after them).
        SqliteStore::commit_index(&mut writer, entries, &slots, &placed)
    }

    fn read_after(&self, after: Cursor, limit: usize) -> Result<Vec<Entry>, StoreError> {
        let conn = self.reader.lock().map_err(|_| poisoned())?;
        let mut select = conn.prepare_cached(
            "SELECT cursor, received_at_ms, summary_json, raw, segment, body_offset, body_len
             FROM entries WHERE cursor > ?1 ORDER BY cursor LIMIT ?2",
        )?;
        let rows = select.query_map(params![after, limit as i64], |r| {
            let placement = match r.get::<_, Option<i64>>(4)? {
                Some(segment) => Some(Placement {
                    segment: segment as u64,
                    offset: r.get::<_, i64>(5)? as u64,
                    len: r.get::<_, i64>(6)? as u64,
                }),
                None => None,
            };
            Ok((
                r.get::<_, Cursor>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                placement,
            ))
        })?;
        let mut bodies = SegmentReader::default();
        let mut out = Vec::new();
        for row in rows {
            let (cursor, received_at_ms, summary, inline, placement) = row?;
            let summary: Summary = serde_json::from_str(&summary).map_err(io_error)?;
            let raw = match placement {
                None => inline,
                Some(at) => bodies.read(&self.bodies, at).map_err(|e| {
                    io_error(format!(
                        "entry {cursor}'s body in {}: {e}",
                        self.bodies.display()
                    ))
                })?,
            };
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
        let mut writer = self.writer.lock().map_err(|_| poisoned())?;
        let tx = writer.transaction()?;
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
        let mut writer = self.writer.lock().map_err(|_| poisoned())?;
        let tx = writer.transaction()?;
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
        let segments = self.segments.lock().map_err(|_| poisoned())?;
        let writer = self.writer.lock().map_err(|_| poisoned())?;
        let pruned = writer.execute(
            "DELETE FROM entries WHERE all_acked_at_ms IS NOT NULL AND all_acked_at_ms < ?1",
            params![acked_before_ms],
        )?;
        if pruned > 0 {
            let referenced: Vec<u64> = writer
                .prepare_cached("SELECT DISTINCT segment FROM entries WHERE segment IS NOT NULL")?
                .query_map([], |r| r.get::<_, i64>(0).map(|s| s as u64))?
                .collect::<Result<_, _>>()?;
            let removed = segments
                .remove_unreferenced(&referenced)
                .map_err(io_error)?;
            if removed > 0 {
                tracing::info!(
                    "removed {removed} body segments from {}",
                    segments.dir().display()
                );
            }
        }
        Ok(pruned)
    }
}
