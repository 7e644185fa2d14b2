//! Which carrier each number is on, as the provider last told us (its operator ID).

use rusqlite::{OptionalExtension, params};

use crate::{Store, StoreError, Writer};

impl Writer<'_> {
    /// Records that `number` (any format) was seen on `operator_id` at `at`. An older
    /// sighting than the one stored changes nothing.
    pub fn note_carrier(
        &mut self,
        number: &str,
        operator_id: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let operator_id = operator_id.trim();
        if operator_id.is_empty() {
            return Ok(());
        }
        let number = self.canonical(number)?;
        self.conn()
            .prepare_cached(
                "INSERT INTO number_carriers (number, operator_id, seen_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (number) DO UPDATE SET operator_id = ?2, seen_at = ?3
                 WHERE ?3 >= number_carriers.seen_at",
            )?
            .execute(params![number.as_str(), operator_id, at])?;
        Ok(())
    }

    /// [`Store::carrier_of`] inside this transaction.
    pub fn carrier_of(&mut self, number: &str) -> Result<Option<String>, StoreError> {
        let number = self.canonical(number)?;
        carrier_of(self.conn(), number.as_str())
    }
}

impl Store {
    /// The operator ID `number` (any format) was last seen on, if any.
    pub fn carrier_of(&self, number: &str) -> Result<Option<String>, StoreError> {
        let number = self.numbering_plan().canonical(number)?;
        carrier_of(&self.conn, number.as_str())
    }
}

fn carrier_of(conn: &rusqlite::Connection, number: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT operator_id FROM number_carriers WHERE number = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?)
}
