//! The relay's durable log of pushes, behind a trait so a PostgreSQL backend can follow
//! (offices where several desktops share a number) without touching the HTTP side.
//!
//! Invariants every backend keeps:
//! - [`RelayStore::append`] returns only after the entries are durably committed; the
//!   provider is answered 200 only after that.
//! - Cursors increase strictly and are never reused, even after pruning.
//! - An entry with the same dedupe key as a stored one is not stored again; the existing
//!   cursor is returned with `duplicate: true`.
//! - Nothing is pruned before every registered client acknowledged it and the retention
//!   passed since the last of those acknowledgements.

mod segments;
mod sqlite;

pub use sqlite::{SqliteStore, StoreOptions, bodies_dir};

use crate::error::StoreError;
use crate::summary::Summary;

/// A position in the stream: the cursor of an entry (0 is "before everything").
pub type Cursor = i64;

/// A push about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub received_at_ms: i64,
    /// Identifies a provider retry of the same request (TransactionID and body hash).
    pub dedupe_key: [u8; 32],
    pub summary: Summary,
    /// The request as received (start line, headers without credentials, body).
    pub raw: Vec<u8>,
}

/// Where an appended entry landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub cursor: Cursor,
    /// It was already stored (a provider retry).
    pub duplicate: bool,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub cursor: Cursor,
    pub received_at_ms: i64,
    pub summary: Summary,
    pub raw: Vec<u8>,
}

/// The relay's storage. Methods block; async callers run them off the async threads.
pub trait RelayStore: Send + Sync + 'static {
    /// Stores `entries` in order in one durable commit (group commit).
    fn append(&self, entries: &[NewEntry]) -> Result<Vec<Appended>, StoreError>;
    /// Up to `limit` entries with a cursor above `after`, in cursor order.
    fn read_after(&self, after: Cursor, limit: usize) -> Result<Vec<Entry>, StoreError>;
    /// The highest cursor ever assigned (0 when none).
    fn latest(&self) -> Result<Cursor, StoreError>;
    /// Makes `names` the registered clients: adds the missing ones (acknowledged nothing
    /// yet) and forgets the others.
    fn register_clients(&self, names: &[String], now_ms: i64) -> Result<(), StoreError>;
    /// The cursor `client` acknowledged (0 when none).
    fn acked(&self, client: &str) -> Result<Cursor, StoreError>;
    /// Records that `client` processed everything up to `cursor` (never moves backwards,
    /// never past [`RelayStore::latest`]); returns the acknowledged cursor now in force.
    fn ack(&self, client: &str, cursor: Cursor, now_ms: i64) -> Result<Cursor, StoreError>;
    /// Deletes entries every client acknowledged at or before `acked_before_ms`; returns
    /// how many.
    fn prune(&self, acked_before_ms: i64) -> Result<usize, StoreError>;
    /// Background upkeep that should not run on the commit path (SQLite: checkpointing
    /// the WAL into the database file). Called every fraction of a second.
    fn maintain(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
