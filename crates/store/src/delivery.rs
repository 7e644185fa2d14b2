//! Per-recipient delivery state of outgoing messages, with the MM7 status behind each change.
//!
//! Invariant: the current state only moves forward (queued → submitted → accepted → a
//! final outcome → read). Reports arrive out of order (a late "accepted" after
//! "delivered"); a step backwards is ignored (its provider MessageID is still kept).

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::events::StoreEvent;
use crate::ids::{MessageId, ThreadId};
use crate::{StoreError, Writer};

/// Where an outgoing message stands for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Queued,
    Submitted,
    Accepted,
    Delivered,
    Read,
    Failed,
    Expired,
    Rejected,
}

// Stored as integer codes (migration 0013); the words are only the API's.
impl DeliveryState {
    pub(crate) fn as_sql(self) -> i64 {
        match self {
            DeliveryState::Queued => 0,
            DeliveryState::Submitted => 1,
            DeliveryState::Accepted => 2,
            DeliveryState::Delivered => 3,
            DeliveryState::Read => 4,
            DeliveryState::Failed => 5,
            DeliveryState::Expired => 6,
            DeliveryState::Rejected => 7,
        }
    }

    fn from_sql(code: i64) -> rusqlite::Result<Self> {
        Ok(match code {
            0 => DeliveryState::Queued,
            1 => DeliveryState::Submitted,
            2 => DeliveryState::Accepted,
            3 => DeliveryState::Delivered,
            4 => DeliveryState::Read,
            5 => DeliveryState::Failed,
            6 => DeliveryState::Expired,
            7 => DeliveryState::Rejected,
            other => return Err(crate::sql::bad_code("deliveries.state", other)),
        })
    }

    /// Whether the message did not reach this recipient (failed, expired, rejected).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            DeliveryState::Failed | DeliveryState::Expired | DeliveryState::Rejected
        )
    }

    /// Whether this is a final outcome (its time is kept as `final_at`).
    fn is_final(self) -> bool {
        self.rank() == 3
    }

    /// How far along a state is; a change applies only to a higher rank.
    fn rank(self) -> u8 {
        match self {
            DeliveryState::Queued => 0,
            DeliveryState::Submitted => 1,
            DeliveryState::Accepted => 2,
            DeliveryState::Delivered
            | DeliveryState::Failed
            | DeliveryState::Expired
            | DeliveryState::Rejected => 3,
            DeliveryState::Read => 4,
        }
    }
}

/// One recipient's delivery state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub recipient: String,
    pub state: DeliveryState,
    pub provider_message_id: Option<String>,
    pub status_code: Option<i64>,
    pub status_text: Option<String>,
    pub queued_at: i64,
    pub submitted_at: Option<i64>,
    /// When the final outcome (delivered, failed, expired, rejected) came.
    pub final_at: Option<i64>,
    /// When the current state and status came.
    pub updated_at: i64,
}

/// A report of a new state for one recipient.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryUpdate<'a> {
    pub state: DeliveryState,
    /// The MessageID the provider gave this recipient's submission (kept once known).
    pub provider_message_id: Option<&'a str>,
    /// The MM7 status code and text.
    pub status_code: Option<i64>,
    pub status_text: Option<&'a str>,
    pub at: i64,
}

impl Writer<'_> {
    /// Records a report for `recipient` of `message`. Returns whether the current state
    /// changed (it does not move backwards).
    pub fn update_delivery(
        &mut self,
        message: MessageId,
        recipient: &str,
        update: &DeliveryUpdate<'_>,
    ) -> Result<bool, StoreError> {
        let recipient = self.canonical(recipient)?;
        let recipient = recipient.as_str();
        let not_found = StoreError::NotFound {
            what: "delivery for message",
            id: message.0,
        };
        let thread_id = match self.thread_of(message) {
            Ok(thread) => thread,
            Err(StoreError::NotFound { .. }) => return Err(not_found),
            Err(other) => return Err(other),
        };
        let current: Option<i64> = self
            .conn()
            .prepare_cached(
                "SELECT state FROM deliveries
                 WHERE thread_id = ?1 AND message_id = ?2
                   AND recipient_id = (SELECT id FROM addresses WHERE address = ?3)",
            )?
            .query_row(params![thread_id, message, recipient], |r| r.get(0))
            .optional()?;
        let current = current.ok_or(not_found)?;
        let forward = update.state.rank() > DeliveryState::from_sql(current)?.rank();
        self.conn()
            .prepare_cached(
                "UPDATE deliveries SET
                    provider_message_id = coalesce(?3, provider_message_id),
                    state = CASE WHEN ?7 THEN ?4 ELSE state END,
                    status_code = CASE WHEN ?7 THEN ?5 ELSE status_code END,
                    status_text = CASE WHEN ?7 THEN ?6 ELSE status_text END,
                    updated_at = CASE WHEN ?7 THEN ?8 ELSE updated_at END,
                    submitted_at = CASE WHEN ?7 AND submitted_at IS NULL AND ?4 <> ?10 THEN ?8 ELSE submitted_at END,
                    final_at = CASE WHEN ?7 AND ?11 THEN ?8 ELSE final_at END
                 WHERE thread_id = ?9 AND message_id = ?1
                   AND recipient_id = (SELECT id FROM addresses WHERE address = ?2)",
            )?
            .execute(params![
                message,
                recipient,
                update.provider_message_id,
                update.state.as_sql(),
                update.status_code,
                update.status_text,
                forward,
                update.at,
                thread_id,
                DeliveryState::Queued.as_sql(),
                update.state.is_final()
            ])?;
        if forward && self.collect_events {
            self.emit(StoreEvent::DeliveryChanged {
                thread_id,
                message_id: message,
                recipient: recipient.to_owned(),
            });
        }
        Ok(forward)
    }

    /// Records a delivery report that names the provider's MessageID rather than ours.
    /// Returns the message it belongs to, or `None` when no submission had that id.
    pub fn update_delivery_by_provider_id(
        &mut self,
        provider_message_id: &str,
        recipient: &str,
        update: &DeliveryUpdate<'_>,
    ) -> Result<Option<MessageId>, StoreError> {
        let canonical = self.plan.canonical(recipient)?;
        let message: Option<MessageId> = self
            .conn()
            .prepare_cached(
                "SELECT message_id FROM deliveries
                 WHERE provider_message_id = ?1
                   AND recipient_id = (SELECT id FROM addresses WHERE address = ?2)",
            )?
            .query_row(params![provider_message_id, canonical.as_str()], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(message) = message else {
            return Ok(None);
        };
        self.update_delivery(message, recipient, update)?;
        Ok(Some(message))
    }
}

impl Writer<'_> {
    /// Matches a delivery report whose MessageID we never learned to the latest submit to
    /// `recipient` still unconfirmed (sent, no readable answer) since `since`, records the
    /// MessageID on it and applies `update`. Returns its message, or `None` when there is
    /// no such submit (the report is about something this store did not send).
    pub fn adopt_unconfirmed(
        &mut self,
        recipient: &str,
        since: i64,
        update: &DeliveryUpdate<'_>,
    ) -> Result<Option<MessageId>, StoreError> {
        let canonical = self.canonical(recipient)?;
        let message: Option<MessageId> = self
            .conn()
            .prepare_cached(
                "SELECT message_id FROM deliveries INDEXED BY deliveries_unconfirmed
                 WHERE recipient_id = (SELECT id FROM addresses WHERE address = ?1)
                   AND state = 1 AND provider_message_id IS NULL
                   AND queued_at >= ?2
                 ORDER BY queued_at DESC LIMIT 1",
            )?
            .query_row(params![canonical.as_str(), since], |r| r.get(0))
            .optional()?;
        let Some(message) = message else {
            return Ok(None);
        };
        self.update_delivery(message, recipient, update)?;
        Ok(Some(message))
    }
}

impl Writer<'_> {
    /// Gives up on submits still unconfirmed (sent, no readable answer, no report adopted
    /// them) that were queued before `before`: each becomes `expired` with `reason`, so the
    /// message reads as not delivered and can be retried. Returns the messages touched.
    ///
    /// `before` should be the end of [`Self::adopt_unconfirmed`]'s window: past it no
    /// report can move them any more, so they would otherwise read "submitted" forever.
    pub fn expire_unconfirmed(
        &mut self,
        before: i64,
        at: i64,
        reason: &str,
    ) -> Result<Vec<MessageId>, StoreError> {
        let stale: Vec<(MessageId, String)> = self
            .conn()
            .prepare_cached(
                "SELECT d.message_id, a.address
                 FROM deliveries d INDEXED BY deliveries_unconfirmed
                 JOIN addresses a ON a.id = d.recipient_id
                 WHERE d.state = 1 AND d.provider_message_id IS NULL AND d.queued_at < ?1
                 ORDER BY d.message_id",
            )?
            .query_map(params![before], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut touched = Vec::new();
        for (message, recipient) in stale {
            self.update_delivery(
                message,
                &recipient,
                &DeliveryUpdate {
                    state: DeliveryState::Expired,
                    provider_message_id: None,
                    status_code: None,
                    status_text: Some(reason),
                    at,
                },
            )?;
            if touched.last() != Some(&message) {
                touched.push(message);
            }
        }
        Ok(touched)
    }
}

/// The delivery rows of `messages` (all in `thread`), by recipient.
pub(crate) fn deliveries_of(
    conn: &rusqlite::Connection,
    thread: ThreadId,
    messages: &[MessageId],
) -> Result<HashMap<MessageId, Vec<Delivery>>, StoreError> {
    let mut out: HashMap<MessageId, Vec<Delivery>> = HashMap::new();
    if messages.is_empty() {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT d.message_id, a.address, d.state, d.provider_message_id, d.status_code,
                d.status_text, d.queued_at, d.submitted_at, d.final_at, d.updated_at
         FROM deliveries d JOIN addresses a ON a.id = d.recipient_id
         WHERE d.thread_id = ?1 AND d.message_id IN (SELECT value FROM json_each(?2))
         ORDER BY d.message_id, a.address",
    )?;
    let rows = stmt.query_map(
        params![thread, crate::sql::json_ids(messages.iter().map(|m| m.0))],
        |r| {
            Ok((
                r.get::<_, MessageId>(0)?,
                Delivery {
                    recipient: r.get(1)?,
                    state: DeliveryState::from_sql(r.get(2)?)?,
                    provider_message_id: r.get(3)?,
                    status_code: r.get(4)?,
                    status_text: r.get(5)?,
                    queued_at: r.get(6)?,
                    submitted_at: r.get(7)?,
                    final_at: r.get(8)?,
                    updated_at: r.get(9)?,
                },
            ))
        },
    )?;
    for row in rows {
        let (message, delivery) = row?;
        out.entry(message).or_default().push(delivery);
    }
    Ok(out)
}
