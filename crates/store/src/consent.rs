//! The consent ledger: who agreed to be texted and who asked us to stop, with evidence.
//!
//! Invariant: append-only (the database refuses UPDATE and DELETE on it, migrations 0008
//! and 0016); a number's current standing is its latest opt-in or opt-out. Beside consent
//! itself the ledger records what we told the person (the confirmation after an opt-out,
//! the opt-out footer), and a separate append-only table the agents' quiet-hours
//! overrides, with their reasons.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::events::StoreEvent;
use crate::ids::MessageId;
use crate::{Store, StoreError, Writer};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentKind {
    OptIn,
    OptOut,
    /// The one confirmation the rules allow after an opt-out.
    ConfirmationSent,
    /// The opt-out footer ("Reply STOP to opt out") went with the first message this
    /// number received from us.
    DisclosureSent,
}

impl ConsentKind {
    fn as_sql(self) -> &'static str {
        match self {
            ConsentKind::OptIn => "opt_in",
            ConsentKind::OptOut => "opt_out",
            ConsentKind::ConfirmationSent => "confirmation_sent",
            ConsentKind::DisclosureSent => "disclosure_sent",
        }
    }

    fn from_sql(s: &str) -> rusqlite::Result<Self> {
        Ok(match s {
            "opt_in" => ConsentKind::OptIn,
            "opt_out" => ConsentKind::OptOut,
            "confirmation_sent" => ConsentKind::ConfirmationSent,
            "disclosure_sent" => ConsentKind::DisclosureSent,
            other => return Err(crate::sql::bad_enum("consent_events.event", other)),
        })
    }
}

/// What shows the event happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Evidence {
    /// A note (e.g. "verbal consent on the phone, 3 May").
    Text(String),
    /// The message that carried it (e.g. an inbound "STOP").
    Message(MessageId),
    /// A file (a signed form), by media sha256 or name.
    File(String),
}

/// A ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentEvent {
    pub id: i64,
    pub number: String,
    pub kind: ConsentKind,
    /// Where it came from: "keyword", "web_form", "agent", ...
    pub source: String,
    pub evidence: Evidence,
    /// Who recorded it, when a person did.
    pub agent: Option<String>,
    pub at: i64,
}

/// Which ledger events a page shows: these kinds (all when empty), at or after `from`, at
/// or before `to`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LedgerFilter<'a> {
    pub kinds: &'a [ConsentKind],
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl LedgerFilter<'_> {
    fn kinds_json(&self) -> String {
        let names: Vec<String> = self
            .kinds
            .iter()
            .map(|k| format!("\"{}\"", k.as_sql()))
            .collect();
        format!("[{}]", names.join(","))
    }
}

/// A number's current standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    Unknown,
    OptedIn,
    OptedOut,
}

impl Writer<'_> {
    /// Appends an event for `number` (any format).
    pub fn record_consent(
        &mut self,
        number: &str,
        kind: ConsentKind,
        source: &str,
        evidence: &Evidence,
        agent: Option<&str>,
        at: i64,
    ) -> Result<i64, StoreError> {
        let number = self.plan.canonical(number)?;
        let (evidence_kind, text, message) = match evidence {
            Evidence::Text(t) => ("text", t.clone(), None),
            Evidence::Message(m) => ("message", m.0.to_string(), Some(*m)),
            Evidence::File(f) => ("file", f.clone(), None),
        };
        self.conn()
            .prepare_cached(
                "INSERT INTO consent_events (number, event, source, evidence_kind, evidence,
                     evidence_message_id, agent, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                number.as_str(),
                kind.as_sql(),
                source,
                evidence_kind,
                text,
                message,
                agent,
                at
            ])?;
        let id = self.conn().last_insert_rowid();
        self.emit(StoreEvent::ConsentChanged {
            number: number.as_str().to_owned(),
        });
        Ok(id)
    }
}

impl Writer<'_> {
    /// [`Store::consent_history`] inside this transaction (the engine decides on an
    /// inbound STOP and records it atomically).
    pub fn consent_history(&mut self, number: &str) -> Result<Vec<ConsentEvent>, StoreError> {
        let number = self.canonical(number)?;
        history(self.conn(), number.as_str())
    }

    /// [`Store::consent_status`] inside this transaction.
    pub fn consent_status(&mut self, number: &str) -> Result<ConsentStatus, StoreError> {
        let number = self.canonical(number)?;
        status(self.conn(), number.as_str())
    }

    /// Keeps `bytes` (a scanned consent form, say) in the media folder, durably, for an
    /// [`Evidence::File`] naming the returned sha256. Record the event in the same
    /// transaction: until a row names it the file is fair game for the media sweep.
    pub fn store_evidence_file(&mut self, bytes: &[u8]) -> Result<String, StoreError> {
        Ok(self.media.put(bytes)?.sha256)
    }

    /// [`Store::disclosed`] inside this transaction.
    pub fn disclosed(&mut self, number: &str) -> Result<bool, StoreError> {
        let number = self.canonical(number)?;
        disclosed(self.conn(), number.as_str())
    }

    /// Records that `message` went out during its recipients' quiet hours because an agent
    /// said why. Once per message: the reason given first stands.
    pub fn record_quiet_hours_override(
        &mut self,
        message: MessageId,
        reason: &str,
        agent: Option<&str>,
        at: i64,
    ) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO quiet_hours_overrides (message_id, reason, agent, at)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (message_id) DO NOTHING",
            )?
            .execute(params![message, reason.trim(), agent, at])?;
        Ok(())
    }
}

/// Why a message went out during quiet hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuietHoursOverride {
    pub message_id: MessageId,
    pub reason: String,
    pub agent: Option<String>,
    pub at: i64,
}

impl Store {
    /// Every event for `number` (any format), oldest first.
    pub fn consent_history(&self, number: &str) -> Result<Vec<ConsentEvent>, StoreError> {
        let number = self.plan.canonical(number)?;
        history(&self.conn, number.as_str())
    }

    /// The whole ledger in order, `limit` events after event id `after` (0 to start).
    pub fn consent_events(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<ConsentEvent>, StoreError> {
        events_after(&self.conn, after, limit)
    }

    /// Newest first: up to `limit` events that match `filter` with an id below `before`
    /// (`i64::MAX` for the first page). The Compliance view's pages, without reading the
    /// whole ledger for each.
    pub fn consent_events_before(
        &self,
        filter: &LedgerFilter<'_>,
        before: i64,
        limit: usize,
    ) -> Result<Vec<ConsentEvent>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, number, event, source, evidence_kind, evidence, evidence_message_id, agent, at
                 FROM consent_events
                 WHERE id < ?1
                   AND (?2 = '[]' OR event IN (SELECT value FROM json_each(?2)))
                   AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at <= ?4)
                 ORDER BY id DESC LIMIT ?5",
            )?
            .query_map(
                params![
                    before,
                    filter.kinds_json(),
                    filter.from,
                    filter.to,
                    limit as i64
                ],
                event_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?)
    }

    /// How many events match `filter`.
    pub fn count_consent_events(&self, filter: &LedgerFilter<'_>) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM consent_events
                 WHERE (?1 = '[]' OR event IN (SELECT value FROM json_each(?1)))
                   AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at <= ?3)",
            )?
            .query_row(params![filter.kinds_json(), filter.from, filter.to], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    /// The latest opt-in or opt-out of `number` decides.
    pub fn consent_status(&self, number: &str) -> Result<ConsentStatus, StoreError> {
        let number = self.plan.canonical(number)?;
        status(&self.conn, number.as_str())
    }

    /// Whether `number` has been sent the opt-out footer.
    pub fn disclosed(&self, number: &str) -> Result<bool, StoreError> {
        let number = self.plan.canonical(number)?;
        disclosed(&self.conn, number.as_str())
    }

    /// The agent's reason for sending `message` during quiet hours, if it was.
    pub fn quiet_hours_override(
        &self,
        message: MessageId,
    ) -> Result<Option<QuietHoursOverride>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT message_id, reason, agent, at FROM quiet_hours_overrides
                 WHERE message_id = ?1",
            )?
            .query_row([message], |r| {
                Ok(QuietHoursOverride {
                    message_id: r.get(0)?,
                    reason: r.get(1)?,
                    agent: r.get(2)?,
                    at: r.get(3)?,
                })
            })
            .optional()?)
    }
}

/// A disclosure counts once the message carrying it has not failed for that number: a
/// footer on a message the carrier rejected told nobody anything.
fn disclosed(conn: &rusqlite::Connection, number: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM consent_events ce
                 WHERE ce.number = ?1 AND ce.event = 'disclosure_sent'
                   AND NOT EXISTS (SELECT 1 FROM deliveries d
                       WHERE d.thread_id = (SELECT thread_id FROM messages
                                            WHERE id = ce.evidence_message_id)
                         AND d.message_id = ce.evidence_message_id
                         AND d.recipient_id = (SELECT id FROM addresses
                                               WHERE address = ce.number)
                         AND d.state >= 5))",
        )?
        .query_row([number], |r| r.get(0))?)
}

fn history(conn: &rusqlite::Connection, number: &str) -> Result<Vec<ConsentEvent>, StoreError> {
    Ok(conn
            .prepare_cached(
                "SELECT id, number, event, source, evidence_kind, evidence, evidence_message_id, agent, at
                 FROM consent_events WHERE number = ?1 ORDER BY id",
            )?
            .query_map([number], event_from_row)?
            .collect::<Result<Vec<_>, _>>()?)
}

/// The ledger from the start, `limit` events after event id `after` (0 for the first page).
pub(crate) fn events_after(
    conn: &rusqlite::Connection,
    after: i64,
    limit: usize,
) -> Result<Vec<ConsentEvent>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id, number, event, source, evidence_kind, evidence, evidence_message_id, agent, at
             FROM consent_events WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?
        .query_map(params![after, limit as i64], event_from_row)?
        .collect::<Result<Vec<_>, _>>()?)
}

fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentEvent> {
    let evidence = match r.get::<_, String>(4)?.as_str() {
        "message" => Evidence::Message(r.get(6)?),
        "file" => Evidence::File(r.get(5)?),
        _ => Evidence::Text(r.get(5)?),
    };
    Ok(ConsentEvent {
        id: r.get(0)?,
        number: r.get(1)?,
        kind: ConsentKind::from_sql(&r.get::<_, String>(2)?)?,
        source: r.get(3)?,
        evidence,
        agent: r.get(7)?,
        at: r.get(8)?,
    })
}

fn status(conn: &rusqlite::Connection, number: &str) -> Result<ConsentStatus, StoreError> {
    let latest: Option<String> = conn
        .prepare_cached(
            "SELECT event FROM consent_events
                 WHERE number = ?1 AND event IN ('opt_in', 'opt_out') ORDER BY id DESC LIMIT 1",
        )?
        .query_row([number], |r| r.get(0))
        .optional()?;
    Ok(match latest.as_deref() {
        Some("opt_in") => ConsentStatus::OptedIn,
        Some(_) => ConsentStatus::OptedOut,
        None => ConsentStatus::Unknown,
    })
}
