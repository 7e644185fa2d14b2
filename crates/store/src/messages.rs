//! Messages: storing one (deduplicated by the provider's MessageID) and reading a thread's
//! messages newest first with their parts and per-recipient delivery states.
//!
//! Invariant: a message is stored in the same transaction that updates its thread's
//! denormalized fields (see [`crate::threads`]) and the row of the full-text index
//! (`messages_fts`, written here and removed in [`Writer::delete_message`]; migration 0011
//! says why not by triggers).

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::delivery::{Delivery, deliveries_of};
use crate::events::StoreEvent;
use crate::ids::{MessageId, ThreadId};
use crate::page::{Page, clamp_limit, parse_ints};
use crate::parts::{Part, parts_of};
use crate::threads::Newest;
use crate::{Store, StoreError, Writer};

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

/// Where a message stands locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// Received, not yet seen.
    Unread,
    /// Received and seen.
    Read,
    /// Written here, waiting in the outbox.
    Queued,
    /// Being submitted.
    Sending,
    /// Submitted to every recipient.
    Sent,
    /// Could not be sent to at least one recipient.
    Failed,
}

// Stored as small integer codes (migration 0012); the words are only the API's.
impl Direction {
    fn as_sql(self) -> i64 {
        match self {
            Direction::In => 0,
            Direction::Out => 1,
        }
    }

    fn from_sql(code: i64) -> rusqlite::Result<Self> {
        match code {
            0 => Ok(Direction::In),
            1 => Ok(Direction::Out),
            other => Err(crate::sql::bad_code("messages.direction", other)),
        }
    }
}

impl MessageState {
    pub(crate) const UNREAD: i64 = 0;
    pub(crate) const READ: i64 = 1;

    pub(crate) fn as_sql(self) -> i64 {
        match self {
            MessageState::Unread => Self::UNREAD,
            MessageState::Read => Self::READ,
            MessageState::Queued => 2,
            MessageState::Sending => 3,
            MessageState::Sent => 4,
            MessageState::Failed => 5,
        }
    }

    pub(crate) fn from_sql(code: i64) -> rusqlite::Result<Self> {
        Ok(match code {
            Self::UNREAD => MessageState::Unread,
            Self::READ => MessageState::Read,
            2 => MessageState::Queued,
            3 => MessageState::Sending,
            4 => MessageState::Sent,
            5 => MessageState::Failed,
            other => return Err(crate::sql::bad_code("messages.state", other)),
        })
    }
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub thread_id: ThreadId,
    pub direction: Direction,
    /// Who wrote it, in any format (canonicalized here); our own number for outgoing.
    pub author: &'a str,
    pub body: &'a str,
    pub subject: Option<&'a str>,
    /// Our time: received, or created for outgoing (Unix ms). Orders the thread.
    pub at: i64,
    /// The provider's timestamp, when given.
    pub provider_at: Option<i64>,
    /// The provider's MessageID of an inbound message; a second message with the same id
    /// is a duplicate and is not stored again.
    pub provider_message_id: Option<&'a str>,
    pub linked_id: Option<&'a str>,
    pub transaction_id: Option<&'a str>,
    pub state: MessageState,
}

/// The outcome of [`Writer::add_message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddedMessage {
    pub id: MessageId,
    /// The provider's MessageID was already stored: nothing was written.
    pub duplicate: bool,
}

/// A message as a thread view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: MessageId,
    pub thread_id: ThreadId,
    pub direction: Direction,
    pub author: String,
    pub author_name: Option<String>,
    pub body: String,
    pub subject: Option<String>,
    pub at: i64,
    pub provider_at: Option<i64>,
    pub provider_message_id: Option<String>,
    pub linked_id: Option<String>,
    pub transaction_id: Option<String>,
    pub state: MessageState,
    pub parts: Vec<Part>,
    /// Per-recipient states of an outgoing message (empty for inbound).
    pub deliveries: Vec<Delivery>,
}

/// Which messages of a thread to read.
#[derive(Debug, Clone, Default)]
pub struct MessageQuery {
    pub limit: usize,
    /// A cursor from the previous page (older messages follow).
    pub before: Option<String>,
}

/// A window of a thread around one message (see [`Store::messages_around`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessagesAround {
    /// Newest first; includes the message asked for.
    pub items: Vec<Message>,
    /// A cursor for [`MessageQuery::before`]: the page older than these.
    pub older: Option<String>,
    /// Messages newer than these exist (the newest page is [`Store::messages`] with no
    /// cursor).
    pub has_newer: bool,
}

/// Messages newer than one already shown (see [`Store::messages_newer`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessagesNewer {
    /// Newest first, all newer than the message asked after.
    pub items: Vec<Message>,
    /// More messages exist newer than these.
    pub has_newer: bool,
}

impl Writer<'_> {
    /// Stores a message in its thread, or recognises it as a duplicate.
    pub fn add_message(&mut self, m: &NewMessage<'_>) -> Result<AddedMessage, StoreError> {
        let author = self.canonical(m.author)?;
        // No RETURNING and no trigger: SQLite runs both as triggers, which gives the
        // statement a statement journal, and FTS5 flushes its pending terms at every
        // savepoint (see migration 0011). `execute` reports whether a row went in.
        let id = self.next_message_id()?;
        let changed = self
            .conn()
            .prepare_cached(
                "INSERT INTO messages (thread_id, direction, author, body, subject, at, provider_at,
                     provider_message_id, linked_id, transaction_id, state, id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING",
            )?
            .execute(params![
                m.thread_id,
                m.direction.as_sql(),
                author.as_str(),
                m.body,
                m.subject,
                m.at,
                m.provider_at,
                m.provider_message_id,
                m.linked_id,
                m.transaction_id,
                m.state.as_sql(),
                id
            ])
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
                {
                    StoreError::NotFound {
                        what: "thread",
                        id: m.thread_id.0,
                    }
                }
                other => StoreError::Sqlite(other),
            })?;
        if changed == 0 {
            let existing: MessageId = self
                .conn()
                .prepare_cached("SELECT id FROM messages WHERE provider_message_id = ?1")?
                .query_row([m.provider_message_id], |r| r.get(0))?;
            return Ok(AddedMessage {
                id: existing,
                duplicate: true,
            });
        }
        self.next_id = Some(id.0 + 1);
        self.conn()
            .prepare_cached("INSERT INTO messages_fts (rowid, body, subject) VALUES (?1, ?2, ?3)")?
            .execute(params![id, m.body, m.subject])?;
        self.touch_thread(
            m.thread_id,
            id,
            m.at,
            || Newest {
                at: m.at,
                message: id,
                body: m.body.to_owned(),
                subject: m.subject.map(str::to_owned),
                author: author.as_str().to_owned(),
            },
            m.state == MessageState::Unread,
        );
        self.emit(StoreEvent::MessageAdded {
            thread_id: m.thread_id,
            message_id: id,
        });
        Ok(AddedMessage {
            id,
            duplicate: false,
        })
    }

    /// Sets an outgoing message's local state (queued, sending, sent, failed).
    pub fn set_message_state(
        &mut self,
        id: MessageId,
        state: MessageState,
    ) -> Result<(), StoreError> {
        let thread: Option<ThreadId> = self
            .conn()
            .prepare_cached("UPDATE messages SET state = ?2 WHERE id = ?1 RETURNING thread_id")?
            .query_row(params![id, state.as_sql()], |r| r.get(0))
            .optional()?;
        let thread = thread.ok_or(StoreError::NotFound {
            what: "message",
            id: id.0,
        })?;
        self.emit(StoreEvent::ThreadChanged { thread_id: thread });
        Ok(())
    }

    /// The id the next stored message gets: one above the largest, as a rowid table would
    /// assign it (messages are keyed by thread, migration 0012). Read once per transaction,
    /// which holds the write lock, then counted here.
    fn next_message_id(&mut self) -> Result<MessageId, StoreError> {
        if let Some(next) = self.next_id {
            return Ok(MessageId(next));
        }
        let max: Option<i64> = self
            .conn()
            .prepare_cached("SELECT max(id) FROM messages")?
            .query_row([], |r| r.get(0))?;
        Ok(MessageId(max.unwrap_or(0) + 1))
    }

    /// The thread a message belongs to.
    pub(crate) fn thread_of(&self, id: MessageId) -> Result<ThreadId, StoreError> {
        self.conn()
            .prepare_cached("SELECT thread_id FROM messages WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "message",
                id: id.0,
            })
    }
}

const MESSAGE_COLUMNS: &str = "m.id, m.thread_id, m.direction, m.author, c.display_name, m.body, \
     m.subject, m.at, m.provider_at, m.provider_message_id, m.linked_id, m.transaction_id, m.state";

fn message_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: row.get(0)?,
        thread_id: row.get(1)?,
        direction: Direction::from_sql(row.get(2)?)?,
        author: row.get(3)?,
        author_name: row.get(4)?,
        body: row.get(5)?,
        subject: row.get(6)?,
        at: row.get(7)?,
        provider_at: row.get(8)?,
        provider_message_id: row.get(9)?,
        linked_id: row.get(10)?,
        transaction_id: row.get(11)?,
        state: MessageState::from_sql(row.get(12)?)?,
        parts: Vec::new(),
        deliveries: Vec::new(),
    })
}

fn thread_page_sql() -> String {
    format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages m
         LEFT JOIN contact_numbers cn ON cn.number = m.author
         LEFT JOIN contacts c ON c.id = cn.contact_id
         WHERE m.thread_id = ?1 AND (m.at, m.id) < (?2, ?3)
         ORDER BY m.at DESC, m.id DESC
         LIMIT ?4"
    )
}

impl Store {
    /// The query plan of a thread's page, for tests that pin it to one range of the
    /// thread-ordered table.
    #[doc(hidden)]
    pub fn explain_thread_page(&self) -> Result<String, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", thread_page_sql()))?;
        let rows = stmt
            .query_map(params![1, i64::MAX, i64::MAX, 51], |r| {
                r.get::<_, String>(3)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows.join("\n"))
    }

    /// A page of a thread's messages, newest first, with parts and delivery states.
    pub fn messages(
        &self,
        thread: ThreadId,
        query: &MessageQuery,
    ) -> Result<Page<Message>, StoreError> {
        let limit = clamp_limit(query.limit);
        let [at, id] = match &query.before {
            Some(c) => parse_ints::<2>(c)?,
            None => [i64::MAX, i64::MAX],
        };
        let mut stmt = self.conn.prepare_cached(&thread_page_sql())?;
        let rows = stmt
            .query_map(params![thread, at, id, limit as i64 + 1], message_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let mut page = Page::from_rows(rows, limit, |m| format!("{}.{}", m.at, m.id));
        self.attach_details(&mut page.items)?;
        Ok(page)
    }

    /// The messages around `message` in `thread`, for opening a search hit in place: up to
    /// `limit` messages, newest first, about half of them newer than the hit.
    pub fn messages_around(
        &self,
        thread: ThreadId,
        message: MessageId,
        limit: usize,
    ) -> Result<MessagesAround, StoreError> {
        let limit = clamp_limit(limit);
        let at = self.position_in(thread, message)?;
        let MessagesNewer {
            items: mut newer,
            has_newer,
        } = self.newer_than(thread, at, message, limit / 2)?;
        // The hit and older: a page whose cursor sits just above the hit (ids are integers,
        // nothing lies between `message` and `message + 1` at the same instant).
        let older = self.messages(
            thread,
            &MessageQuery {
                limit: limit - newer.len(),
                before: Some(format!("{}.{}", at, message.0 + 1)),
            },
        )?;
        newer.extend(older.items);
        Ok(MessagesAround {
            items: newer,
            older: older.next,
            has_newer,
        })
    }

    /// Up to `limit` messages of `thread` newer than `message`, newest first: scrolling
    /// down from a search hit towards the present.
    pub fn messages_newer(
        &self,
        thread: ThreadId,
        message: MessageId,
        limit: usize,
    ) -> Result<MessagesNewer, StoreError> {
        let at = self.position_in(thread, message)?;
        self.newer_than(thread, at, message, clamp_limit(limit))
    }

    /// When `message` was, checking it belongs to `thread`.
    fn position_in(&self, thread: ThreadId, message: MessageId) -> Result<i64, StoreError> {
        let (at, thread_of): (i64, ThreadId) = self
            .conn
            .prepare_cached("SELECT at, thread_id FROM messages WHERE id = ?1")?
            .query_row([message], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "message",
                id: message.0,
            })?;
        if thread_of != thread {
            return Err(StoreError::NotFound {
                what: "message in this thread",
                id: message.0,
            });
        }
        Ok(at)
    }

    /// The `limit` messages just after `(at, message)` in thread order, newest first, with
    /// their details. Reads one past the limit to know whether more follow.
    fn newer_than(
        &self,
        thread: ThreadId,
        at: i64,
        message: MessageId,
        limit: usize,
    ) -> Result<MessagesNewer, StoreError> {
        let mut items = self
            .conn
            .prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages m
                 LEFT JOIN contact_numbers cn ON cn.number = m.author
                 LEFT JOIN contacts c ON c.id = cn.contact_id
                 WHERE m.thread_id = ?1 AND (m.at, m.id) > (?2, ?3)
                 ORDER BY m.at ASC, m.id ASC
                 LIMIT ?4"
            ))?
            .query_map(
                params![thread, at, message, limit as i64 + 1],
                message_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let has_newer = items.len() > limit;
        items.truncate(limit);
        items.reverse();
        self.attach_details(&mut items)?;
        Ok(MessagesNewer { items, has_newer })
    }

    /// One message with its parts and delivery states.
    pub fn message(&self, id: MessageId) -> Result<Message, StoreError> {
        let m = self
            .conn
            .prepare_cached(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages m
                 LEFT JOIN contact_numbers cn ON cn.number = m.author
                 LEFT JOIN contacts c ON c.id = cn.contact_id
                 WHERE m.id = ?1"
            ))?
            .query_row([id], message_from_row)
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "message",
                id: id.0,
            })?;
        let mut one = vec![m];
        self.attach_details(&mut one)?;
        Ok(one.remove(0))
    }

    fn attach_details(&self, messages: &mut [Message]) -> Result<(), StoreError> {
        let ids: Vec<MessageId> = messages.iter().map(|m| m.id).collect();
        let mut parts: HashMap<MessageId, Vec<Part>> = parts_of(&self.conn, &ids)?;
        // Delivery rows are keyed by thread (migration 0013): one range read per thread.
        let mut outgoing: HashMap<ThreadId, Vec<MessageId>> = HashMap::new();
        for m in messages.iter().filter(|m| m.direction == Direction::Out) {
            outgoing.entry(m.thread_id).or_default().push(m.id);
        }
        let mut deliveries = HashMap::new();
        for (thread, ids) in &outgoing {
            deliveries.extend(deliveries_of(&self.conn, *thread, ids)?);
        }
        for m in messages {
            m.parts = parts.remove(&m.id).unwrap_or_default();
            m.deliveries = deliveries.remove(&m.id).unwrap_or_default();
        }
        Ok(())
    }
}
