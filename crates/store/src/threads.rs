//! Threads: resolving a set of participants to its one thread, the thread list, and the
//! per-thread flags and denormalized fields the list shows.
//!
//! Invariants:
//! - `(kind, participant_key)` is unique, so resolving the same people twice gives the same
//!   thread (see [`crate::address::ParticipantKey`]).
//! - `last_*`, `unread_count` and `message_count` always describe the thread's messages; they
//!   are maintained by the writes that change messages, within the same transaction.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::address::{Address, ParticipantKey};
use crate::events::StoreEvent;
use crate::ids::{MessageId, ThreadId};
use crate::messages::MessageState;
use crate::page::{Page, clamp_limit, parse_ints};
use crate::{Store, StoreError, Writer};

/// Longest preview kept on the thread row, in characters.
const PREVIEW_CHARS: usize = 120;

/// What kind of conversation a thread is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadKind {
    /// Everyone sees everyone's messages (group MMS).
    Group,
    /// One other participant.
    Direct,
    /// We send to many; each recipient sees a private conversation.
    Broadcast,
}

impl ThreadKind {
    pub(crate) fn as_sql(self) -> &'static str {
        match self {
            ThreadKind::Group => "group",
            ThreadKind::Direct => "direct",
            ThreadKind::Broadcast => "broadcast",
        }
    }

    pub(crate) fn from_sql(s: &str) -> rusqlite::Result<Self> {
        Ok(match s {
            "group" => ThreadKind::Group,
            "direct" => ThreadKind::Direct,
            "broadcast" => ThreadKind::Broadcast,
            other => return Err(crate::sql::bad_enum("threads.kind", other)),
        })
    }
}

/// A participant as shown: the canonical address and the contact's name when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participant {
    pub address: String,
    pub name: Option<String>,
    /// Their latest consent event is an opt-out: nothing more may be sent to them.
    pub opted_out: bool,
    /// The provider's operator ID of their carrier, when it has told us.
    pub operator_id: Option<String>,
}

/// A thread as the list and the header show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadSummary {
    pub id: ThreadId,
    pub kind: ThreadKind,
    pub title: Option<String>,
    pub participants: Vec<Participant>,
    pub created_at: i64,
    pub last_activity: i64,
    pub unread_count: i64,
    pub message_count: i64,
    pub pinned: bool,
    pub archived: bool,
    pub muted: bool,
    pub predecessor_id: Option<ThreadId>,
    pub last_message_id: Option<MessageId>,
    pub last_preview: Option<String>,
    pub last_author: Option<String>,
    /// The state of our latest message in the thread, if we have sent one.
    pub last_outgoing_state: Option<MessageState>,
    /// How that message's recipients fared, once it was handed to the provider.
    pub last_outgoing_delivery: Option<DeliveryTally>,
}

/// Per-recipient outcome of one outgoing message, for a list row's tick marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeliveryTally {
    pub recipients: u32,
    /// Delivered or read.
    pub delivered: u32,
    /// Failed, expired or rejected.
    pub failed: u32,
}

/// Which threads to list.
#[derive(Debug, Clone, Default)]
pub struct ThreadListQuery {
    /// The archive instead of the inbox.
    pub archived: bool,
    pub limit: usize,
    /// A cursor from the previous page.
    pub after: Option<String>,
}

/// The outcome of resolving participants to a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedThread {
    pub id: ThreadId,
    /// Whether this call created the thread.
    pub created: bool,
}

/// A message's effect on its thread row, folded per transaction and written once at commit
/// (bulk ingest would otherwise rewrite the thread row and its list index per message).
#[derive(Debug, Clone)]
pub(crate) struct ThreadTouch {
    newest: Option<Newest>,
    unread_delta: i64,
    count_delta: i64,
}

/// The newest message a transaction added to a thread. The preview is made from its text
/// once, at flush, not for every message that was newest for a moment (in time-ordered
/// ingest, every one).
#[derive(Debug, Clone)]
pub(crate) struct Newest {
    pub(crate) at: i64,
    pub(crate) message: MessageId,
    pub(crate) body: String,
    pub(crate) subject: Option<String>,
    pub(crate) author: String,
}

const SUMMARY_COLUMNS: &str = "id, kind, title, created_at, last_activity, unread_count, \
     message_count, pinned, archived, muted, predecessor_id, last_message_id, last_preview, \
     last_author";

fn summary_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ThreadSummary> {
    Ok(ThreadSummary {
        id: row.get(0)?,
        kind: ThreadKind::from_sql(&row.get::<_, String>(1)?)?,
        title: row.get(2)?,
        participants: Vec::new(),
        created_at: row.get(3)?,
        last_activity: row.get(4)?,
        unread_count: row.get(5)?,
        message_count: row.get(6)?,
        pinned: row.get(7)?,
        archived: row.get(8)?,
        muted: row.get(9)?,
        predecessor_id: row.get(10)?,
        last_message_id: row.get(11)?,
        last_preview: row.get(12)?,
        last_author: row.get(13)?,
        last_outgoing_state: None,
        last_outgoing_delivery: None,
    })
}

pub(crate) fn preview_of(body: &str, subject: Option<&str>) -> String {
    let text = if body.trim().is_empty() {
        subject.unwrap_or("")
    } else {
        body
    };
    let mut preview: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(PREVIEW_CHARS + 1)
        .collect();
    if preview.chars().count() > PREVIEW_CHARS {
        preview = preview.chars().take(PREVIEW_CHARS - 1).collect();
        preview.push('…');
    }
    preview
}

impl Writer<'_> {
    /// Our own numbers (the accounts), which never count as participants.
    pub fn own_numbers(&mut self) -> Result<Vec<Address>, StoreError> {
        let numbers = self
            .conn()
            .prepare_cached("SELECT number FROM accounts")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        numbers.iter().map(|n| self.canonical(n)).collect()
    }

    /// The thread among `participants` (any order or format, To and Cc alike, our own
    /// numbers ignored), created at `now` if it does not exist: direct for one other
    /// participant, group otherwise.
    pub fn resolve_thread<'p>(
        &mut self,
        participants: impl IntoIterator<Item = &'p str>,
        now: i64,
    ) -> Result<ResolvedThread, StoreError> {
        let key = self.participant_key(participants)?;
        let kind = if key.members().len() == 1 {
            ThreadKind::Direct
        } else {
            ThreadKind::Group
        };
        self.resolve_key(kind, &key, now, None)
    }

    /// The broadcast thread to `recipients`, created if needed.
    pub fn resolve_broadcast<'p>(
        &mut self,
        recipients: impl IntoIterator<Item = &'p str>,
        now: i64,
    ) -> Result<ResolvedThread, StoreError> {
        let key = self.participant_key(recipients)?;
        self.resolve_key(ThreadKind::Broadcast, &key, now, None)
    }

    /// The thread that continues `predecessor` with a changed membership. A new thread links
    /// back to its predecessor; an existing one keeps its own history.
    pub fn continue_thread<'p>(
        &mut self,
        predecessor: ThreadId,
        participants: impl IntoIterator<Item = &'p str>,
        now: i64,
    ) -> Result<ResolvedThread, StoreError> {
        let old_kind = self.thread_kind(predecessor)?;
        let key = self.participant_key(participants)?;
        let kind = match old_kind {
            ThreadKind::Broadcast => ThreadKind::Broadcast,
            _ if key.members().len() == 1 => ThreadKind::Direct,
            _ => ThreadKind::Group,
        };
        self.resolve_key(kind, &key, now, Some(predecessor))
    }

    /// The participant key of raw addresses, canonicalized through the transaction's cache.
    fn participant_key<'p>(
        &mut self,
        participants: impl IntoIterator<Item = &'p str>,
    ) -> Result<ParticipantKey, StoreError> {
        let own = self.own_numbers()?;
        let addresses = participants
            .into_iter()
            .map(|raw| self.canonical(raw))
            .collect::<Result<Vec<_>, _>>()?;
        ParticipantKey::from_canonical(addresses, &own)
    }

    fn thread_kind(&self, id: ThreadId) -> Result<ThreadKind, StoreError> {
        let kind: Option<String> = self
            .conn()
            .prepare_cached("SELECT kind FROM threads WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        let kind = kind.ok_or(StoreError::NotFound {
            what: "thread",
            id: id.0,
        })?;
        Ok(ThreadKind::from_sql(&kind)?)
    }

    fn resolve_key(
        &mut self,
        kind: ThreadKind,
        key: &ParticipantKey,
        now: i64,
        predecessor: Option<ThreadId>,
    ) -> Result<ResolvedThread, StoreError> {
        let stored = key.as_stored();
        let existing: Option<ThreadId> = self
            .conn()
            .prepare_cached("SELECT id FROM threads WHERE kind = ?1 AND participant_key = ?2")?
            .query_row(params![kind.as_sql(), stored], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok(ResolvedThread { id, created: false });
        }
        self.conn()
            .prepare_cached(
                "INSERT INTO threads (kind, participant_key, created_at, last_activity, predecessor_id)
                 VALUES (?1, ?2, ?3, ?3, ?4)",
            )?
            .execute(params![kind.as_sql(), stored, now, predecessor])?;
        let id = ThreadId(self.conn().last_insert_rowid());
        {
            let mut insert = self.conn().prepare_cached(
                "INSERT INTO thread_participants (thread_id, address) VALUES (?1, ?2)",
            )?;
            for member in key.members() {
                insert.execute(params![id, member.as_str()])?;
            }
        }
        self.refresh_thread_search(id)?;
        self.emit(StoreEvent::ThreadChanged { thread_id: id });
        Ok(ResolvedThread { id, created: true })
    }

    /// Renames a thread (`None` shows the participants' names instead).
    pub fn set_thread_title(
        &mut self,
        id: ThreadId,
        title: Option<&str>,
    ) -> Result<(), StoreError> {
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        self.update_thread(id, "UPDATE threads SET title = ?2 WHERE id = ?1", title)?;
        self.refresh_thread_search(id)
    }

    pub fn set_thread_pinned(&mut self, id: ThreadId, pinned: bool) -> Result<(), StoreError> {
        self.update_thread(id, "UPDATE threads SET pinned = ?2 WHERE id = ?1", pinned)
    }

    pub fn set_thread_archived(&mut self, id: ThreadId, archived: bool) -> Result<(), StoreError> {
        self.update_thread(
            id,
            "UPDATE threads SET archived = ?2 WHERE id = ?1",
            archived,
        )
    }

    pub fn set_thread_muted(&mut self, id: ThreadId, muted: bool) -> Result<(), StoreError> {
        self.update_thread(id, "UPDATE threads SET muted = ?2 WHERE id = ?1", muted)
    }

    /// Marks every unread message of the thread read and zeroes its unread count.
    pub fn mark_thread_read(&mut self, id: ThreadId) -> Result<(), StoreError> {
        self.flush_thread_touches()?;
        self.conn()
            .prepare_cached("UPDATE messages SET state = ?2 WHERE thread_id = ?1 AND state = ?3")?
            .execute(params![id, MessageState::READ, MessageState::UNREAD])?;
        self.update_thread(id, "UPDATE threads SET unread_count = ?2 WHERE id = ?1", 0)
    }

    fn update_thread(
        &mut self,
        id: ThreadId,
        sql: &str,
        value: impl rusqlite::ToSql,
    ) -> Result<(), StoreError> {
        self.flush_thread_touches()?;
        let n = self
            .conn()
            .prepare_cached(sql)?
            .execute(params![id, value])?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "thread",
                id: id.0,
            });
        }
        self.emit(StoreEvent::ThreadChanged { thread_id: id });
        Ok(())
    }

    /// Notes a new message for its thread's row (written at commit).
    pub(crate) fn touch_thread(
        &mut self,
        thread: ThreadId,
        message: MessageId,
        at: i64,
        newest: impl FnOnce() -> Newest,
        unread: bool,
    ) {
        let touch = self.touched.entry(thread).or_insert(ThreadTouch {
            newest: None,
            unread_delta: 0,
            count_delta: 0,
        });
        touch.count_delta += 1;
        touch.unread_delta += i64::from(unread);
        if touch
            .newest
            .as_ref()
            .is_none_or(|n| (at, message) > (n.at, n.message))
        {
            touch.newest = Some(newest());
        }
        self.emit(StoreEvent::ThreadChanged { thread_id: thread });
    }

    /// Writes the folded [`ThreadTouch`]es. Runs before commit and before any statement
    /// that reads or writes those thread rows.
    pub(crate) fn flush_thread_touches(&mut self) -> Result<(), StoreError> {
        if self.touched.is_empty() {
            return Ok(());
        }
        let touched = std::mem::take(&mut self.touched);
        // SET expressions all see the old row, so `newer` is judged against the previous
        // last message (a late-arriving older message never replaces the preview).
        let mut stmt = self.conn().prepare_cached(
            "UPDATE threads SET
                last_activity = max(last_activity, ?2),
                last_message_id = CASE WHEN last_message_id IS NULL OR (?2, ?3) > (last_message_at, last_message_id) THEN ?3 ELSE last_message_id END,
                last_preview    = CASE WHEN last_message_id IS NULL OR (?2, ?3) > (last_message_at, last_message_id) THEN ?4 ELSE last_preview END,
                last_author     = CASE WHEN last_message_id IS NULL OR (?2, ?3) > (last_message_at, last_message_id) THEN ?5 ELSE last_author END,
                last_message_at = CASE WHEN last_message_id IS NULL OR (?2, ?3) > (last_message_at, last_message_id) THEN ?2 ELSE last_message_at END,
                unread_count = unread_count + ?6,
                message_count = message_count + ?7
             WHERE id = ?1",
        )?;
        for (thread, touch) in touched {
            let Some(Newest {
                at,
                message,
                body,
                subject,
                author,
            }) = touch.newest
            else {
                continue;
            };
            let preview = preview_of(&body, subject.as_deref());
            stmt.execute(params![
                thread,
                at,
                message,
                preview,
                author,
                touch.unread_delta,
                touch.count_delta
            ])?;
        }
        Ok(())
    }

    /// Rewrites the thread's search row: its title, its participants' names and numbers.
    pub(crate) fn refresh_thread_search(&mut self, id: ThreadId) -> Result<(), StoreError> {
        let title: Option<String> = self
            .conn()
            .prepare_cached("SELECT title FROM threads WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        let participants = participants_of(self.conn(), &[id])?
            .remove(&id)
            .unwrap_or_default();
        let names: Vec<&str> = participants
            .iter()
            .filter_map(|p| p.name.as_deref())
            .collect();
        let mut numbers = Vec::new();
        for p in &participants {
            numbers.extend(self.plan.canonical(&p.address)?.search_forms());
        }
        self.conn()
            .prepare_cached("DELETE FROM threads_fts WHERE rowid = ?1")?
            .execute([id])?;
        self.conn()
            .prepare_cached(
                "INSERT INTO threads_fts (rowid, title, names, numbers) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, title, names.join(", "), numbers.join(" ")])?;
        Ok(())
    }

    /// Rewrites the search rows of every thread `address` takes part in.
    pub(crate) fn refresh_threads_with(&mut self, address: &str) -> Result<(), StoreError> {
        let ids = self
            .conn()
            .prepare_cached("SELECT thread_id FROM thread_participants WHERE address = ?1")?
            .query_map([address], |r| r.get::<_, ThreadId>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        for id in ids {
            self.refresh_thread_search(id)?;
            self.emit(StoreEvent::ThreadChanged { thread_id: id });
        }
        Ok(())
    }
}

/// The participants of `threads`, with contact names, each thread's list sorted by address.
pub(crate) fn participants_of(
    conn: &rusqlite::Connection,
    threads: &[ThreadId],
) -> Result<HashMap<ThreadId, Vec<Participant>>, StoreError> {
    let mut out: HashMap<ThreadId, Vec<Participant>> = HashMap::new();
    if threads.is_empty() {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT tp.thread_id, tp.address, c.display_name,
                coalesce((SELECT ce.event = 'opt_out' FROM consent_events ce
                          WHERE ce.number = tp.address AND ce.event IN ('opt_in', 'opt_out')
                          ORDER BY ce.id DESC LIMIT 1), 0),
                nc.operator_id
         FROM thread_participants tp
         LEFT JOIN number_carriers nc ON nc.number = tp.address
         LEFT JOIN contact_numbers cn ON cn.number = tp.address
         LEFT JOIN contacts c ON c.id = cn.contact_id
         WHERE tp.thread_id IN (SELECT value FROM json_each(?1))
         ORDER BY tp.thread_id, tp.address",
    )?;
    let rows = stmt.query_map([crate::sql::json_ids(threads.iter().map(|t| t.0))], |r| {
        Ok((
            r.get::<_, ThreadId>(0)?,
            Participant {
                address: r.get(1)?,
                name: r.get(2)?,
                opted_out: r.get(3)?,
                operator_id: r.get(4)?,
            },
        ))
    })?;
    for row in rows {
        let (thread, participant) = row?;
        out.entry(thread).or_default().push(participant);
    }
    Ok(out)
}

fn thread_list_sql() -> String {
    format!(
        "SELECT {SUMMARY_COLUMNS} FROM threads
         WHERE archived = ?1 AND (pinned, last_activity, id) < (?2, ?3, ?4)
         ORDER BY archived, pinned DESC, last_activity DESC, id DESC
         LIMIT ?5"
    )
}

impl Store {
    /// The query plan of the thread list, for tests that pin its index use.
    #[doc(hidden)]
    pub fn explain_thread_list(&self) -> Result<String, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", thread_list_sql()))?;
        let rows = stmt
            .query_map(params![0, 2, i64::MAX, i64::MAX, 51], |r| {
                r.get::<_, String>(3)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows.join("\n"))
    }

    /// A page of the thread list: pinned first, then by last activity, newest first.
    pub fn threads(&self, query: &ThreadListQuery) -> Result<Page<ThreadSummary>, StoreError> {
        let limit = clamp_limit(query.limit);
        // The first page starts above every real key: pinned is 0 or 1.
        let [pinned, activity, id] = match &query.after {
            Some(c) => parse_ints::<3>(c)?,
            None => [2, i64::MAX, i64::MAX],
        };
        let mut stmt = self.conn.prepare_cached(&thread_list_sql())?;
        let mut rows = stmt
            .query_map(
                params![query.archived, pinned, activity, id, limit as i64 + 1],
                summary_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<ThreadId> = rows.iter().map(|t| t.id).collect();
        let mut participants = participants_of(&self.conn, &ids)?;
        for t in &mut rows {
            t.participants = participants.remove(&t.id).unwrap_or_default();
            self.fill_last_outgoing(t)?;
        }
        Ok(Page::from_rows(rows, limit, |t| {
            format!("{}.{}.{}", i64::from(t.pinned), t.last_activity, t.id)
        }))
    }

    /// One thread, with its participants.
    pub fn thread(&self, id: ThreadId) -> Result<ThreadSummary, StoreError> {
        let mut t = self
            .conn
            .prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS} FROM threads WHERE id = ?1"
            ))?
            .query_row([id], summary_from_row)
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "thread",
                id: id.0,
            })?;
        t.participants = participants_of(&self.conn, &[id])?
            .remove(&id)
            .unwrap_or_default();
        self.fill_last_outgoing(&mut t)?;
        Ok(t)
    }

    /// Our latest message in `t` and how its recipients fared.
    fn fill_last_outgoing(&self, t: &mut ThreadSummary) -> Result<(), StoreError> {
        // Outgoing messages are the ones with delivery rows, which are keyed by (thread,
        // message): our newest is the end of the thread's range, one seek. A broadcast's
        // record has no rows of its own (its copies do), so its thread walks back instead.
        let sql = if t.kind == ThreadKind::Broadcast {
            "SELECT id, state FROM messages WHERE thread_id = ?1 AND direction = 1
             ORDER BY at DESC, id DESC LIMIT 1"
        } else {
            "SELECT m.id, m.state FROM messages m
             WHERE m.id = (SELECT message_id FROM deliveries WHERE thread_id = ?1
                           ORDER BY message_id DESC LIMIT 1)"
        };
        let last: Option<(MessageId, MessageState)> = self
            .conn
            .prepare_cached(sql)?
            .query_row([t.id], |r| {
                Ok((r.get(0)?, MessageState::from_sql(r.get(1)?)?))
            })
            .optional()?;
        let Some((message, state)) = last else {
            return Ok(());
        };
        t.last_outgoing_state = Some(state);
        let (recipients, delivered, failed): (u32, u32, u32) = self
            .conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(state IN (3, 4)), 0), coalesce(sum(state >= 5), 0)
                 FROM deliveries WHERE thread_id = ?1 AND message_id = ?2",
            )?
            .query_row(params![t.id, message], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        t.last_outgoing_delivery = (recipients > 0).then_some(DeliveryTally {
            recipients,
            delivered,
            failed,
        });
        Ok(())
    }

    /// The thread that continued `id` after a membership change, if any.
    pub fn successor_of(&self, id: ThreadId) -> Result<Option<ThreadId>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM threads WHERE predecessor_id = ?1 ORDER BY id LIMIT 1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }
}

impl Writer<'_> {
    /// Recomputes a thread's denormalized fields from its messages (after a deletion; the
    /// write path keeps them current incrementally).
    pub(crate) fn recount_thread(&mut self, id: ThreadId) -> Result<(), StoreError> {
        self.flush_thread_touches()?;
        let newest: Option<(MessageId, i64, String, Option<String>, String)> = self
            .conn()
            .prepare_cached(
                "SELECT id, at, body, subject, author FROM messages WHERE thread_id = ?1
                 ORDER BY at DESC, id DESC LIMIT 1",
            )?
            .query_row([id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let (last_id, last_at, preview, author) = match &newest {
            Some((m, at, body, subject, author)) => (
                Some(*m),
                Some(*at),
                Some(preview_of(body, subject.as_deref())),
                Some(author.clone()),
            ),
            None => (None, None, None, None),
        };
        self.conn()
            .prepare_cached(
                "UPDATE threads SET
                    message_count = (SELECT count(*) FROM messages WHERE thread_id = ?1),
                    unread_count = (SELECT count(*) FROM messages WHERE thread_id = ?1 AND state = ?6),
                    last_message_id = ?2, last_message_at = ?3, last_preview = ?4, last_author = ?5
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                last_id,
                last_at,
                preview,
                author,
                MessageState::UNREAD
            ])?;
        self.emit(StoreEvent::ThreadChanged { thread_id: id });
        Ok(())
    }
}
