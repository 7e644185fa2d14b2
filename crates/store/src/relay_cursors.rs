//! Where the app stands in each relay's inbound stream.
//!
//! Invariant (kept by the engine): a cursor is written in the same transaction as the
//! messages it covers, or after they committed, never before; so a crash re-fetches rather
//! than skips.

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError, Writer};

impl Writer<'_> {
    pub fn set_relay_cursor(
        &mut self,
        relay: &str,
        cursor: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO relay_cursors (relay, cursor, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (relay) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
            )?
            .execute(params![relay, cursor, now])?;
        Ok(())
    }
}

impl Store {
    /// The cursor last stored for `relay`, if any.
    pub fn relay_cursor(&self, relay: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT cursor FROM relay_cursors WHERE relay = ?1")?
            .query_row([relay], |r| r.get(0))
            .optional()?)
    }
}
