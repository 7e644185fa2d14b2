//! Opening the store: the file, the connection settings, the migrations, the media folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::address::{Address, NumberingPlan};
use crate::events::{StoreEvent, Subscribers};
use crate::media::MediaDir;
use crate::{StoreError, migration};

/// The database's file name inside the data directory.
pub const DATABASE_FILE_NAME: &str = "groupline.sqlite3";

/// How long a writer waits for another connection's lock before giving up with a
/// transient error.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The media folder's name inside the data directory.
pub const MEDIA_DIR_NAME: &str = "media";

/// How many pages SQLite may cache per connection (negative: KiB). Enough to keep the
/// thread list's index and the hot end of the message index in memory.
const CACHE_KIB: i64 = 64 * 1024;

/// WAL pages (of 4 KiB) after which a commit checkpoints (SQLite's default is 1000).
const WAL_CHECKPOINT_PAGES: i64 = 16_384;

/// What the WAL file is truncated to after a checkpoint.
const WAL_KEEP_BYTES: i64 = 16 * 1024 * 1024;

/// Prepared statements kept per connection (the store has fewer distinct statements).
const STATEMENT_CACHE: usize = 128;

/// An open, migrated thread store.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    pub(crate) media: MediaDir,
    pub(crate) plan: NumberingPlan,
    pub(crate) subscribers: Subscribers,
    /// Canonical forms of raw addresses already parsed under `plan` (see
    /// [`crate::Writer::canonical`]), kept across transactions.
    pub(crate) canonical_cache: HashMap<String, Address>,
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir` and migrates it to the latest
    /// schema. `now_unix_ms` is recorded as the creation time of a new store.
    pub fn open_in(data_dir: &Path, now_unix_ms: i64) -> Result<Self, StoreError> {
        Self::open_in_reporting(data_dir, now_unix_ms, &mut |_| {})
    }

    /// [`Self::open_in`], calling `progress` before each migration it runs (none on a
    /// store that is up to date).
    pub fn open_in_reporting(
        data_dir: &Path,
        now_unix_ms: i64,
        progress: &mut dyn FnMut(migration::UpgradeStep),
    ) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Open {
            path: data_dir.to_path_buf(),
            source,
        })?;
        Self::open_reporting(&data_dir.join(DATABASE_FILE_NAME), now_unix_ms, progress)
    }

    /// Opens (creating if needed) the database file at `path` and migrates it.
    pub fn open(path: &Path, now_unix_ms: i64) -> Result<Self, StoreError> {
        Self::open_reporting(path, now_unix_ms, &mut |_| {})
    }

    fn open_reporting(
        path: &Path,
        now_unix_ms: i64,
        progress: &mut dyn FnMut(migration::UpgradeStep),
    ) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(_, _) => StoreError::Open {
                path: path.to_path_buf(),
                source: std::io::Error::other(e),
            },
            other => StoreError::Sqlite(other),
        })?;
        Self::from_connection(conn, path, now_unix_ms, progress)
    }

    fn from_connection(
        mut conn: Connection,
        path: &Path,
        now_unix_ms: i64,
        progress: &mut dyn FnMut(migration::UpgradeStep),
    ) -> Result<Self, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Refuse a newer database before anything below writes to it (switching to WAL
        // rewrites the file header). `migrate` checks again under the write lock.
        migration::refuse_newer(&conn, path, migration::LATEST)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // WAL lets the UI read while the engine writes; NORMAL is durable across application
        // crashes in WAL mode (only a power loss can drop the last commits).
        conn.pragma_update_and_check(None, "journal_mode", "wal", |_| Ok(()))?;
        conn.pragma_update(None, "synchronous", "normal")?;
        // Checkpoint at ~64 MB of WAL instead of SQLite's 4 MB: a bulk write that touches
        // the same pages batch after batch (each thread's newest page) copies them into the
        // database once per checkpoint, not once per batch, with fewer fsyncs. The file is
        // cut back to WAL_KEEP_BYTES after a checkpoint, so a burst does not keep its space.
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
        conn.pragma_update(None, "journal_size_limit", WAL_KEEP_BYTES)?;
        migration::migrate_reporting(&mut conn, path, progress)?;
        conn.execute(
            "INSERT OR IGNORE INTO store_meta (key, value) VALUES ('created_at_unix_ms', ?1)",
            [now_unix_ms.to_string()],
        )?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
        // Every statement the store runs stays prepared: rusqlite's default of 16 is fewer
        // than one outgoing message's write path uses, and re-preparing dominated ingest.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "temp_store", "memory")?;
        let media_dir = path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(MEDIA_DIR_NAME);
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            media: MediaDir::new(media_dir),
            plan: NumberingPlan::default(),
            subscribers: Subscribers::default(),
            canonical_cache: HashMap::new(),
        })
    }

    /// Reads national numbers in `plan`'s region from now on (US by default).
    pub fn set_numbering_plan(&mut self, plan: NumberingPlan) {
        self.plan = plan;
        self.canonical_cache.clear();
    }

    pub fn numbering_plan(&self) -> &NumberingPlan {
        &self.plan
    }

    /// The folder holding media files, named by their sha256.
    pub fn media_dir(&self) -> &Path {
        self.media.path()
    }

    /// Subscribes to the change feed: every committed write's events, in commit order.
    pub fn subscribe(&mut self) -> Receiver<StoreEvent> {
        self.subscribers.subscribe()
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database (always [`migration::LATEST`] once open).
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        migration::current_version(&self.conn)
    }

    /// When this store was first created, in Unix milliseconds.
    pub fn created_at_unix_ms(&self) -> Result<i64, StoreError> {
        let text: String = self.conn.query_row(
            "SELECT value FROM store_meta WHERE key = 'created_at_unix_ms'",
            [],
            |row| row.get(0),
        )?;
        text.parse().map_err(|_| {
            StoreError::Sqlite(rusqlite::Error::InvalidColumnType(
                0,
                "created_at_unix_ms".into(),
                rusqlite::types::Type::Text,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_store_is_migrated_wal_and_enforces_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_in(&dir.path().join("nested/data"), 1_700_000_000_000).unwrap();
        assert_eq!(store.schema_version().unwrap(), migration::LATEST);
        assert!(store.path().ends_with(DATABASE_FILE_NAME));
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: bool = store
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert!(fk);
    }

    #[test]
    fn a_version_1_store_is_upgraded_in_place_keeping_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE_NAME);
        {
            let mut conn = Connection::open(&path).unwrap();
            migration::migrate_with(&mut conn, &path, &migration::MIGRATIONS[..1], &mut |_| {})
                .unwrap();
            conn.execute(
                "INSERT INTO store_meta (key, value) VALUES ('created_at_unix_ms', '42')",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path, 7).unwrap();
        assert_eq!(store.schema_version().unwrap(), migration::LATEST);
        assert_eq!(store.created_at_unix_ms().unwrap(), 42);
        let tables: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name IN ('threads', 'messages', 'messages_fts', 'outbox', 'consent_events')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 5);
    }

    #[test]
    fn reopening_keeps_the_creation_time() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open_in(dir.path(), 111).unwrap());
        let again = Store::open_in(dir.path(), 222).unwrap();
        assert_eq!(again.created_at_unix_ms().unwrap(), 111);
    }

    #[test]
    fn refuses_a_database_from_a_newer_groupline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE_NAME);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
                .unwrap();
        }
        let err = Store::open(&path, 0).unwrap_err();
        match &err {
            StoreError::NewerSchema {
                found, supported, ..
            } => {
                assert_eq!(*found, 999);
                assert_eq!(*supported, migration::LATEST);
            }
            other => panic!("expected NewerSchema, got {other}"),
        }
        assert!(err.to_string().contains("upgrade Groupline"));
        // Nothing was written: the newer database is exactly as it was.
        let conn = Connection::open(&path).unwrap();
        let v: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 999);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(
            mode, "delete",
            "the journal mode must not be switched to WAL"
        );
        let meta: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'store_meta'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(meta, 0);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE_NAME);
        std::fs::write(&path, b"this is not sqlite, just text that is long enough...........................................................................").unwrap();
        let err = Store::open(&path, 0).unwrap_err();
        assert!(!err.is_transient());
        assert!(err.to_string().contains("not a database"), "{err}");
    }
}
