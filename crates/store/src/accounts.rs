//! Our own numbers: the provider profiles this office sends from. They are never a
//! thread's participants (see [`crate::address::ParticipantKey`]).

use rusqlite::params;
use serde::Serialize;

use crate::ids::AccountId;
use crate::{Store, StoreError, Writer};

/// One sender number and the provider profile it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: AccountId,
    pub profile: String,
    pub number: String,
    pub created_at: i64,
}

impl Writer<'_> {
    /// Adds one of our numbers (any format). Threads resolved afterwards leave it out;
    /// existing threads keep their keys.
    pub fn add_account(
        &mut self,
        profile: &str,
        number: &str,
        now: i64,
    ) -> Result<AccountId, StoreError> {
        let number = self.plan.canonical(number)?;
        self.conn()
            .prepare_cached(
                "INSERT INTO accounts (profile, number, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (number) DO UPDATE SET profile = excluded.profile
                 RETURNING id",
            )?
            .query_row(params![profile, number.as_str(), now], |r| r.get(0))
            .map_err(StoreError::from)
    }
}

impl Store {
    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, profile, number, created_at FROM accounts ORDER BY id")?
            .query_map([], |r| {
                Ok(Account {
                    id: r.get(0)?,
                    profile: r.get(1)?,
                    number: r.get(2)?,
                    created_at: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?)
    }
}
