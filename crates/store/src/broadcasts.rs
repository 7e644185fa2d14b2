//! Broadcast links: a broadcast's record message and the direct copies that carry it to
//! each recipient (see migration 0015).

use rusqlite::params;

use crate::ids::MessageId;
use crate::{Store, StoreError, Writer};

impl Writer<'_> {
    /// Records that `copy` delivers the broadcast `record` to one recipient.
    pub fn link_broadcast_copy(
        &mut self,
        record: MessageId,
        copy: MessageId,
    ) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT OR IGNORE INTO broadcast_copies (record_id, copy_id) VALUES (?1, ?2)",
            )?
            .execute(params![record, copy])?;
        Ok(())
    }
}

impl Store {
    /// The copies of a broadcast record, in the order they were written.
    pub fn broadcast_copies(&self, record: MessageId) -> Result<Vec<MessageId>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT copy_id FROM broadcast_copies WHERE record_id = ?1 ORDER BY copy_id",
            )?
            .query_map([record], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// The broadcast record a copy belongs to, if it is one.
    pub fn broadcast_of(&self, copy: MessageId) -> Result<Option<MessageId>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT record_id FROM broadcast_copies WHERE copy_id = ?1")?
            .query_row([copy], |r| r.get(0))
            .optional()?)
    }
}
