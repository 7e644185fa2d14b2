//! The outbox: one job per (message, recipient), written in the same transaction as the
//! message, so an outgoing message is durable before the first byte is sent.
//!
//! A job is `pending` until it succeeds (its row is then deleted: the outbox holds only
//! unfinished work; what happened is in `deliveries`) or is given up
//! (`dead`, kept for the user to see). Each attempt
//! records the TransactionID it used, so a retry after a crash can be matched with the
//! provider's answer to the earlier attempt.

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::delivery::DeliveryState;
use crate::events::StoreEvent;
use crate::ids::{JobId, MessageId};
use crate::{Store, StoreError, Writer};

/// A job as the outbox worker sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxJob {
    pub id: JobId,
    pub message_id: MessageId,
    pub recipient: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub transaction_id: Option<String>,
}

impl Writer<'_> {
    /// Queues an outgoing message for each recipient (canonicalized, duplicates and our own
    /// numbers dropped): a `queued` delivery row and a pending job due at `now`.
    pub fn queue_outgoing<'r>(
        &mut self,
        message: MessageId,
        recipients: impl IntoIterator<Item = &'r str>,
        now: i64,
    ) -> Result<Vec<JobId>, StoreError> {
        let thread_id = self.thread_of(message)?;
        let own = self.own_numbers()?;
        let mut unique = BTreeSet::new();
        for raw in recipients {
            let address = self.canonical(raw)?;
            if !own.contains(&address) {
                unique.insert(address);
            }
        }
        if unique.is_empty() {
            return Err(StoreError::NoParticipants);
        }
        let mut jobs = Vec::with_capacity(unique.len());
        for recipient in unique {
            self.conn()
                .prepare_cached(
                    "INSERT INTO addresses (address) VALUES (?1) ON CONFLICT (address) DO NOTHING",
                )?
                .execute([recipient.as_str()])?;
            self.conn()
                .prepare_cached(
                    "INSERT INTO deliveries (thread_id, message_id, recipient_id, state, queued_at, updated_at)
                     VALUES (?5, ?1, (SELECT id FROM addresses WHERE address = ?2), ?3, ?4, ?4)",
                )?
                .execute(params![
                    message,
                    recipient.as_str(),
                    DeliveryState::Queued.as_sql(),
                    now,
                    thread_id
                ])?;
            self.conn()
                .prepare_cached(
                    "INSERT INTO outbox (message_id, recipient, state, next_attempt_at)
                     VALUES (?1, ?2, 'pending', ?3)",
                )?
                .execute(params![message, recipient.as_str(), now])?;
            jobs.push(JobId(self.conn().last_insert_rowid()));
            self.emit(StoreEvent::DeliveryChanged {
                thread_id,
                message_id: message,
                recipient: recipient.as_str().to_owned(),
            });
        }
        Ok(jobs)
    }

    /// Sends `message` again to `recipients` whose delivery ended badly (failed, expired,
    /// rejected): their delivery rows go back to queued and their jobs (revived if given
    /// up, recreated if they had completed before a report said otherwise) are due at
    /// `now`, with a fresh attempt count and TransactionID. Recipients in any other state
    /// are left alone, so a retry can never resend what was delivered. Returns those
    /// requeued.
    pub fn requeue_failed<'r>(
        &mut self,
        message: MessageId,
        recipients: impl IntoIterator<Item = &'r str>,
        now: i64,
    ) -> Result<Vec<String>, StoreError> {
        let thread_id = self.thread_of(message)?;
        let mut requeued = Vec::new();
        for raw in recipients {
            let recipient = self.canonical(raw)?;
            let changed = self
                .conn()
                .prepare_cached(
                    "UPDATE deliveries SET state = ?4, provider_message_id = NULL,
                         status_code = NULL, status_text = NULL, submitted_at = NULL,
                         final_at = NULL, queued_at = ?5, updated_at = ?5
                     WHERE thread_id = ?1 AND message_id = ?2
                       AND recipient_id = (SELECT id FROM addresses WHERE address = ?3)
                       AND state IN (?6, ?7, ?8)",
                )?
                .execute(params![
                    thread_id,
                    message,
                    recipient.as_str(),
                    DeliveryState::Queued.as_sql(),
                    now,
                    DeliveryState::Failed.as_sql(),
                    DeliveryState::Expired.as_sql(),
                    DeliveryState::Rejected.as_sql(),
                ])?;
            if changed == 0 {
                continue;
            }
            self.conn()
                .prepare_cached(
                    "INSERT INTO outbox (message_id, recipient, state, next_attempt_at)
                     VALUES (?1, ?2, 'pending', ?3)
                     ON CONFLICT (message_id, recipient) DO UPDATE SET
                         state = 'pending', attempts = 0, next_attempt_at = ?3,
                         last_error = NULL, transaction_id = NULL",
                )?
                .execute(params![message, recipient.as_str(), now])?;
            self.emit(StoreEvent::DeliveryChanged {
                thread_id,
                message_id: message,
                recipient: recipient.as_str().to_owned(),
            });
            requeued.push(recipient.as_str().to_owned());
        }
        Ok(requeued)
    }

    /// Records that an attempt starts with `transaction_id`; the job stays pending until
    /// [`Writer::complete_job`] or [`Writer::retry_job`].
    pub fn start_attempt(&mut self, job: JobId, transaction_id: &str) -> Result<(), StoreError> {
        self.update_job(
            job,
            "UPDATE outbox SET attempts = attempts + 1, transaction_id = ?2
             WHERE id = ?1 AND state = 'pending'",
            params![job, transaction_id],
        )
    }

    /// The job succeeded: it leaves the outbox.
    pub fn complete_job(&mut self, job: JobId) -> Result<(), StoreError> {
        self.update_job(
            job,
            "DELETE FROM outbox WHERE id = ?1 AND state = 'pending'",
            params![job],
        )
    }

    /// The attempt failed transiently; try again at `next_attempt_at`.
    pub fn retry_job(
        &mut self,
        job: JobId,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<(), StoreError> {
        self.update_job(
            job,
            "UPDATE outbox SET last_error = ?2, next_attempt_at = ?3 WHERE id = ?1 AND state = 'pending'",
            params![job, error, next_attempt_at],
        )
    }

    /// The job failed for good.
    pub fn give_up_job(&mut self, job: JobId, error: &str) -> Result<(), StoreError> {
        self.update_job(
            job,
            "UPDATE outbox SET state = 'dead', last_error = ?2 WHERE id = ?1",
            params![job, error],
        )
    }

    fn update_job(
        &mut self,
        job: JobId,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<(), StoreError> {
        if self.conn().prepare_cached(sql)?.execute(params)? == 0 {
            return Err(StoreError::NotFound {
                what: "pending outbox job",
                id: job.0,
            });
        }
        Ok(())
    }
}

const JOB_COLUMNS: &str =
    "id, message_id, recipient, attempts, next_attempt_at, last_error, transaction_id";

fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OutboxJob> {
    Ok(OutboxJob {
        id: r.get(0)?,
        message_id: r.get(1)?,
        recipient: r.get(2)?,
        attempts: r.get(3)?,
        next_attempt_at: r.get(4)?,
        last_error: r.get(5)?,
        transaction_id: r.get(6)?,
    })
}

impl Store {
    /// Pending jobs due at `now`, oldest due first.
    pub fn due_jobs(&self, now: i64, limit: usize) -> Result<Vec<OutboxJob>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {JOB_COLUMNS} FROM outbox
                 WHERE state = 'pending' AND next_attempt_at <= ?1
                 ORDER BY next_attempt_at, id LIMIT ?2"
            ))?
            .query_map(params![now, limit as i64], job_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// One job, whatever its state.
    pub fn job(&self, id: JobId) -> Result<OutboxJob, StoreError> {
        self.conn
            .prepare_cached(&format!("SELECT {JOB_COLUMNS} FROM outbox WHERE id = ?1"))?
            .query_row([id], job_from_row)
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "outbox job",
                id: id.0,
            })
    }
}
