//! A session: one data directory and its open store, shared by every caller in a process.

use std::sync::mpsc::Receiver;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use store::{
    Contact, ContactQuery, DeliveryState, MessageId, MessageQuery, MessageState, OutboxJob, Page,
    SearchQuery, SearchResults, Store, StoreEvent, ThreadId, ThreadListQuery, ThreadSummary,
};

use crate::outbound::request::OutgoingPart;
use crate::outbound::worker::LoadedMessage;
use crate::{DataDir, EngineError};

/// What the app reports about itself (the desktop status bar, `groupline status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppStatus {
    pub version: String,
    pub data_dir: String,
    pub schema_version: u32,
}

/// Where a session keeps things on disk (`groupline paths`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Paths {
    pub data_dir: String,
    pub database: String,
    pub media_dir: String,
}

/// A thread's header and a page of its messages, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadView {
    pub thread: ThreadSummary,
    pub messages: Page<store::Message>,
}

/// Media files younger than this are spared by the startup sweep: another process (the CLI
/// beside the app) may have written one and not yet committed its row.
const MEDIA_SWEEP_GRACE: Duration = Duration::from_secs(3600);

/// An open data directory.
#[derive(Debug)]
pub struct Session {
    data_dir: DataDir,
    // rusqlite connections are not `Sync`; one writer connection behind a lock until the
    // store grows a reader pool.
    store: Mutex<Store>,
}

/// Why an unconfirmed submit was given up (see [`Session::expire_unconfirmed`]).
pub const UNCONFIRMED_EXPIRED: &str = "no confirmation from the provider within a day: it may not \
     have been delivered; Retry sends it again (they may get it twice)";

impl Session {
    /// Opens the store in `data_dir`, creating and migrating it as needed.
    ///
    /// Media files left without a row by a crash (written, then never committed) are
    /// removed here, once they are older than an hour.
    pub fn open(data_dir: DataDir, now_unix_ms: i64) -> Result<Self, EngineError> {
        Self::open_reporting(data_dir, now_unix_ms, &mut |_| {})
    }

    /// [`Self::open`], calling `progress` before each schema migration it runs (the app
    /// shows them: upgrading a large store can take a minute).
    pub fn open_reporting(
        data_dir: DataDir,
        now_unix_ms: i64,
        progress: &mut dyn FnMut(store::migration::UpgradeStep),
    ) -> Result<Self, EngineError> {
        let store = Store::open_in_reporting(data_dir.path(), now_unix_ms, progress)?;
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(now_unix_ms.max(0) as u64);
        store.sweep_media(
            now.checked_sub(MEDIA_SWEEP_GRACE)
                .unwrap_or(SystemTime::UNIX_EPOCH),
        )?;
        Ok(Session {
            data_dir,
            store: Mutex::new(store),
        })
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>, EngineError> {
        self.store.lock().map_err(|_| EngineError::Poisoned)
    }

    /// The data directory, the database file and the media folder.
    pub fn paths(&self) -> Result<Paths, EngineError> {
        let store = self.store()?;
        Ok(Paths {
            data_dir: self.data_dir.path().display().to_string(),
            database: store.path().display().to_string(),
            media_dir: store.media_dir().display().to_string(),
        })
    }

    /// A page of the thread list (pinned, then most recent).
    pub fn threads(&self, query: &ThreadListQuery) -> Result<Page<ThreadSummary>, EngineError> {
        Ok(self.store()?.threads(query)?)
    }

    /// A thread and a page of its messages, newest first.
    pub fn thread(&self, id: ThreadId, query: &MessageQuery) -> Result<ThreadView, EngineError> {
        let store = self.store()?;
        Ok(ThreadView {
            thread: store.thread(id)?,
            messages: store.messages(id, query)?,
        })
    }

    /// Full-text search over messages and threads.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, EngineError> {
        Ok(self.store()?.search(query)?)
    }

    /// A page of contacts by name.
    pub fn contacts(&self, query: &ContactQuery) -> Result<Page<Contact>, EngineError> {
        Ok(self.store()?.contacts(query)?)
    }

    /// The contact a number belongs to, in any format.
    pub fn contact_by_number(&self, number: &str) -> Result<Option<Contact>, EngineError> {
        Ok(self.store()?.contact_by_number(number)?)
    }

    /// The store's change feed: every committed write's events.
    pub fn subscribe(&self) -> Result<Receiver<StoreEvent>, EngineError> {
        Ok(self.store()?.subscribe())
    }

    /// Runs one write transaction on the store (for the pipelines and the shells' edits).
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut store::Writer<'_>) -> Result<T, store::StoreError>,
    ) -> Result<T, EngineError> {
        Ok(self.store()?.write(f)?)
    }

    /// The region numbers without a country code are read in ("US").
    pub fn set_region(&self, region: &str) -> Result<(), EngineError> {
        let plan = store::NumberingPlan::new(region)?;
        self.store()?.set_numbering_plan(plan);
        Ok(())
    }

    /// A number in its canonical form (E.164 for phone numbers) under the session's region.
    pub fn canonical(&self, raw: &str) -> Result<String, EngineError> {
        Ok(self
            .store()?
            .numbering_plan()
            .canonical(raw)?
            .as_str()
            .to_owned())
    }

    /// A number's standing in the consent ledger.
    pub fn consent_status(&self, number: &str) -> Result<store::ConsentStatus, EngineError> {
        Ok(self.store()?.consent_status(number)?)
    }

    /// A number's consent events, oldest first.
    pub fn consent_history(&self, number: &str) -> Result<Vec<store::ConsentEvent>, EngineError> {
        Ok(self.store()?.consent_history(number)?)
    }

    /// The consent ledger in order, `limit` events after event id `after` (0 to start).
    pub fn consent_events(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<store::ConsentEvent>, EngineError> {
        Ok(self.store()?.consent_events(after, limit)?)
    }

    /// Newest first: a page of the ledger events matching `filter` below event id `before`.
    pub fn consent_events_before(
        &self,
        filter: &store::LedgerFilter<'_>,
        before: i64,
        limit: usize,
    ) -> Result<Vec<store::ConsentEvent>, EngineError> {
        Ok(self.store()?.consent_events_before(filter, before, limit)?)
    }

    /// How many ledger events match `filter`.
    pub fn count_consent_events(
        &self,
        filter: &store::LedgerFilter<'_>,
    ) -> Result<u64, EngineError> {
        Ok(self.store()?.count_consent_events(filter)?)
    }

    /// The provider's operator ID for `number`'s carrier, if it has named one.
    pub fn carrier_of(&self, number: &str) -> Result<Option<String>, EngineError> {
        Ok(self.store()?.carrier_of(number)?)
    }

    /// Whether `number` has been told how to opt out (the footer on a message that did not
    /// fail for them).
    pub fn disclosed(&self, number: &str) -> Result<bool, EngineError> {
        Ok(self.store()?.disclosed(number)?)
    }

    /// Why `message` went out during its recipients' quiet hours, if it did.
    pub fn quiet_hours_override(
        &self,
        message: MessageId,
    ) -> Result<Option<store::QuietHoursOverride>, EngineError> {
        Ok(self.store()?.quiet_hours_override(message)?)
    }

    /// Up to `limit` messages of `thread` around `message` (a search hit), newest first.
    pub fn messages_around(
        &self,
        thread: ThreadId,
        message: MessageId,
        limit: usize,
    ) -> Result<store::MessagesAround, EngineError> {
        Ok(self.store()?.messages_around(thread, message, limit)?)
    }

    /// Up to `limit` messages of `thread` newer than `message`, newest first.
    pub fn messages_newer(
        &self,
        thread: ThreadId,
        message: MessageId,
        limit: usize,
    ) -> Result<store::MessagesNewer, EngineError> {
        Ok(self.store()?.messages_newer(thread, message, limit)?)
    }

    /// One thread's header.
    pub fn thread_summary(&self, id: ThreadId) -> Result<ThreadSummary, EngineError> {
        Ok(self.store()?.thread(id)?)
    }

    /// One message with its parts and delivery states.
    pub fn message(&self, id: MessageId) -> Result<store::Message, EngineError> {
        Ok(self.store()?.message(id)?)
    }

    /// The direct copies of a broadcast record message.
    pub fn broadcast_copies(&self, record: MessageId) -> Result<Vec<MessageId>, EngineError> {
        Ok(self.store()?.broadcast_copies(record)?)
    }

    /// Where a stored media file (or thumbnail) lives.
    pub fn media_file(&self, sha256: &str) -> Result<std::path::PathBuf, EngineError> {
        Ok(self.store()?.media_file(sha256))
    }

    /// The cursor stored for a relay, if any entry was stored from it.
    pub fn relay_cursor(&self, relay: &str) -> Result<Option<String>, EngineError> {
        Ok(self.store()?.relay_cursor(relay)?)
    }

    /// Outbox jobs due at `now`, oldest due first.
    pub fn due_jobs(&self, now: i64, limit: usize) -> Result<Vec<OutboxJob>, EngineError> {
        Ok(self.store()?.due_jobs(now, limit)?)
    }

    /// When the earliest pending job is due, if any is pending.
    pub fn next_job_due_at(&self) -> Result<Option<i64>, EngineError> {
        Ok(self
            .store()?
            .due_jobs(i64::MAX, 1)?
            .first()
            .map(|j| j.next_attempt_at))
    }

    /// How many outbox jobs are pending (counted up to 10,000).
    pub fn pending_jobs(&self) -> Result<usize, EngineError> {
        Ok(self.store()?.due_jobs(i64::MAX, 10_000)?.len())
    }

    /// An outgoing message as the outbox worker sends it: its thread's kind and
    /// participants, its text and its parts' bytes.
    pub fn outgoing(&self, id: MessageId) -> Result<LoadedMessage, EngineError> {
        let (message, thread) = {
            let store = self.store()?;
            let message = store.message(id)?;
            let thread = store.thread(message.thread_id)?;
            (message, thread)
        };
        let mut parts = Vec::with_capacity(message.parts.len());
        for part in &message.parts {
            let path = self.media_file(&part.sha256)?;
            let bytes = std::fs::read(&path).map_err(|source| EngineError::Media {
                path: path.clone(),
                source,
            })?;
            parts.push(OutgoingPart {
                content_type: part.content_type.clone(),
                file_name: part.file_name.clone(),
                bytes,
            });
        }
        Ok(LoadedMessage {
            kind: thread.kind,
            participants: thread.participants.into_iter().map(|p| p.address).collect(),
            subject: message.subject,
            body: message.body,
            parts,
        })
    }

    /// Sets an outgoing message's state from its recipients' states: sending while any
    /// recipient waits, failed when any failed, sent otherwise.
    pub fn settle_message_state(&self, id: MessageId) -> Result<(), EngineError> {
        let message = self.message(id)?;
        if message.direction != store::Direction::Out || message.deliveries.is_empty() {
            return Ok(());
        }
        let waiting = message
            .deliveries
            .iter()
            .any(|d| d.state == DeliveryState::Queued);
        // Someone who opted out between compose and send was not texted by design: the
        // message did not fail them, and Retry could not reach them anyway.
        // Nobody reached at all is a failure whatever the reasons.
        let mut failed = message.deliveries.iter().all(|d| d.state.is_failure());
        for d in message.deliveries.iter().filter(|d| d.state.is_failure()) {
            if failed {
                break;
            }
            failed = self.consent_status(&d.recipient)? != store::ConsentStatus::OptedOut;
        }
        let state = match (waiting, failed) {
            (true, _) => MessageState::Sending,
            (false, true) => MessageState::Failed,
            (false, false) => MessageState::Sent,
        };
        if state != message.state {
            self.write(|w| w.set_message_state(id, state))?;
        }
        Ok(())
    }

    /// Gives up on submits still unconfirmed (no readable answer, and no delivery report
    /// adopted them) once the window in which a report could adopt them has passed: they
    /// become `expired` with the reason, their messages read as failed, and Retry can send
    /// them again. Without this they would read "submitted" forever. Returns how many
    /// messages changed.
    pub fn expire_unconfirmed(&self, now: i64) -> Result<usize, EngineError> {
        let before = now - crate::inbound::apply::ADOPT_WITHIN_MS;
        let touched = self.write(|w| w.expire_unconfirmed(before, now, UNCONFIRMED_EXPIRED))?;
        for m in &touched {
            self.settle_message_state(*m)?;
        }
        Ok(touched.len())
    }

    /// The version, data directory and schema version, read from the open store.
    pub fn status(&self) -> Result<AppStatus, EngineError> {
        let store = self.store()?;
        Ok(AppStatus {
            version: crate::VERSION.to_owned(),
            data_dir: self.data_dir.path().display().to_string(),
            schema_version: store.schema_version()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_reports_the_open_store() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::resolve(Some(dir.path().join("d")), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        let status = session.status().unwrap();
        assert_eq!(status.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(status.schema_version, store::migration::LATEST);
        assert_eq!(status.data_dir, dir.path().join("d").display().to_string());
        assert!(
            dir.path()
                .join("d")
                .join(store::DATABASE_FILE_NAME)
                .exists()
        );
    }

    #[test]
    fn reads_go_through_the_session_and_errors_have_codes() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::resolve(Some(dir.path().to_path_buf()), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        let feed = session.subscribe().unwrap();
        let t = session
            .write(|w| {
                let t = w.resolve_thread(["6175550123"], 1)?;
                w.add_message(&store::NewMessage {
                    thread_id: t.id,
                    direction: store::Direction::In,
                    author: "6175550123",
                    body: "the adjuster is here",
                    subject: None,
                    at: 2,
                    provider_at: None,
                    provider_message_id: None,
                    linked_id: None,
                    transaction_id: None,
                    state: store::MessageState::Unread,
                })?;
                Ok(t.id)
            })
            .unwrap();
        assert!(feed.try_iter().count() >= 2);
        let list = session
            .threads(&ThreadListQuery {
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(list.items[0].id, t);
        let view = session
            .thread(
                t,
                &MessageQuery {
                    limit: 10,
                    before: None,
                },
            )
            .unwrap();
        assert_eq!(view.messages.items[0].body, "the adjuster is here");
        let hits = session
            .search(&SearchQuery {
                text: "adjuster".into(),
                limit: 5,
                after: None,
            })
            .unwrap();
        assert_eq!(hits.messages.items.len(), 1);
        let paths = session.paths().unwrap();
        assert!(paths.database.ends_with(store::DATABASE_FILE_NAME));
        assert!(paths.media_dir.ends_with(store::MEDIA_DIR_NAME));

        let missing = session
            .thread(ThreadId(999), &MessageQuery::default())
            .unwrap_err();
        assert_eq!(missing.code(), crate::ErrorCode::NotFound);
        let bad = session
            .threads(&ThreadListQuery {
                limit: 10,
                after: Some("junk".into()),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(bad.code(), crate::ErrorCode::InvalidInput);
    }

    #[test]
    fn newer_store_maps_to_its_own_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(store::DATABASE_FILE_NAME);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("PRAGMA user_version = 999;")
            .unwrap();
        let data = DataDir::resolve(Some(dir.path().to_path_buf()), None).unwrap();
        let err = Session::open(data, 0).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::StoreNewerSchema);
        assert!(!err.is_transient());
    }
}
