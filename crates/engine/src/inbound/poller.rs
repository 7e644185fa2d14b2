//! The poller: reads the relay by cursor, stores each batch with its cursor in one
//! transaction, then acknowledges. Backs off while the relay is unreachable and says so.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::apply::{self, Applied, Inbound};
use super::relay_client::{RelayClient, RelayClientError};
use crate::clock::Clock;
use crate::events::{EngineEvent, Events, PollerStatus};
use crate::{EngineError, Session};

/// Entries per batch (one transaction).
const BATCH: usize = 16;
/// How long one long poll waits on the relay for something new.
const LONG_POLL: Duration = Duration::from_secs(25);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub entries: usize,
    pub messages: usize,
    pub duplicates: usize,
    pub reports: usize,
    pub unmatched_reports: usize,
    pub skipped: usize,
}

/// Polls one relay into one store.
#[derive(Debug)]
pub struct Poller {
    session: Arc<Session>,
    client: RelayClient,
    clock: Arc<dyn Clock>,
    events: Events,
    /// The key the store keeps this relay's cursor under.
    relay_key: String,
    rules: Arc<crate::consent::Rules>,
}

impl Poller {
    pub fn new(
        session: Arc<Session>,
        client: RelayClient,
        relay_key: String,
        clock: Arc<dyn Clock>,
        events: Events,
        rules: Arc<crate::consent::Rules>,
    ) -> Self {
        Poller {
            session,
            client,
            clock,
            events,
            relay_key,
            rules,
        }
    }

    /// The cursor stored for this relay (0 before the first entry).
    pub fn cursor(&self) -> Result<i64, EngineError> {
        let stored = self.session.relay_cursor(&self.relay_key)?;
        Ok(stored.and_then(|c| c.parse().ok()).unwrap_or(0))
    }

    /// Reads and stores everything available now (waiting up to `wait` for the first
    /// entry), batch after batch, until the relay has nothing newer.
    pub async fn poll_once(&self, wait: Duration) -> Result<BatchReport, PollError> {
        let mut total = BatchReport::default();
        let mut wait = wait;
        loop {
            let after = self.cursor()?;
            let page = self.client.entries(after, BATCH, wait).await?;
            if page.entries.is_empty() {
                return Ok(total);
            }
            let report = self.store_batch(page.entries, page.next_after).await?;
            if let Err(e) = self.client.ack(page.next_after).await {
                // The store has the entries; the relay only keeps them longer.
                tracing::warn!(error = %e, "poller: acknowledgement failed; will repeat it");
            }
            total.entries += report.entries;
            total.messages += report.messages;
            total.duplicates += report.duplicates;
            total.reports += report.reports;
            total.unmatched_reports += report.unmatched_reports;
            total.skipped += report.skipped;
            if page.next_after >= page.latest {
                return Ok(total);
            }
            wait = Duration::ZERO;
        }
    }

    /// Polls until `shutdown`, backing off (with jitter) while the relay fails.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>, seed: u64) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut failures: u32 = 0;
        let mut connected = false;
        while !*shutdown.borrow() {
            let result = tokio::select! {
                r = self.poll_once(LONG_POLL) => r,
                _ = shutdown.changed() => break,
            };
            match result {
                Ok(_) => {
                    failures = 0;
                    if !connected {
                        connected = true;
                        self.events
                            .send(EngineEvent::Poller(PollerStatus::Connected {
                                relay: self.relay_key.clone(),
                            }));
                    }
                }
                Err(e) => {
                    connected = false;
                    failures = failures.saturating_add(1);
                    let base = Duration::from_millis(500)
                        .saturating_mul(2u32.saturating_pow(failures.min(8)))
                        .min(MAX_BACKOFF);
                    let delay = base.mul_f64(0.5 + 0.5 * rng.f64());
                    tracing::warn!(error = %e, retry_in = ?delay, "poller: relay poll failed");
                    self.events
                        .send(EngineEvent::Poller(PollerStatus::Unreachable {
                            relay: self.relay_key.clone(),
                            error: e.to_string(),
                            retry_in_ms: delay.as_millis() as u64,
                        }));
                    tokio::select! {
                        _ = tokio::time::sleep(delay) => {}
                        _ = shutdown.changed() => break,
                    }
                }
            }
        }
        self.events.send(EngineEvent::Poller(PollerStatus::Stopped));
    }

    async fn store_batch(
        &self,
        entries: Vec<relay::client_api::ApiEntry>,
        next_after: i64,
    ) -> Result<BatchReport, EngineError> {
        let session = self.session.clone();
        let relay_key = self.relay_key.clone();
        let rules = self.rules.clone();
        let now = self.clock.now_ms();
        tokio::task::spawn_blocking(move || {
            let parsed: Vec<(i64, Inbound, Option<String>)> = entries
                .iter()
                .map(|e| {
                    let inbound = match e.raw() {
                        Ok(raw) => apply::parse(&raw),
                        Err(err) => {
                            Inbound::Skip(format!("entry {} is not base64: {err}", e.cursor))
                        }
                    };
                    (e.received_at_ms, inbound, e.summary.operator_id.clone())
                })
                .collect();
            let mut report = BatchReport {
                entries: parsed.len(),
                ..BatchReport::default()
            };
            let mut touched = Vec::new();
            let mut stored = Vec::new();
            session.write(|w| {
                for (received_at, inbound, operator_id) in &parsed {
                    let received_at = if *received_at > 0 { *received_at } else { now };
                    // The provider names the carrier of the handset that sent the message
                    // or that the report is about (BRIEF §1).
                    let handset = match inbound {
                        Inbound::Message(m) => Some(m.from.as_str()),
                        Inbound::Report(r) => Some(r.recipient.as_str()),
                        Inbound::Skip(_) => None,
                    };
                    if let (Some(number), Some(id)) = (handset, operator_id) {
                        w.note_carrier(number, id, received_at)?;
                    }
                    match apply::write(w, &rules, inbound, received_at, now)? {
                        Applied::Stored(id) => {
                            report.messages += 1;
                            if let Inbound::Message(m) = inbound {
                                stored.push((id, m.from.clone(), m.body.clone()));
                            }
                        }
                        Applied::Duplicate => report.duplicates += 1,
                        Applied::Report { message } => {
                            report.reports += 1;
                            match message {
                                Some(id) => touched.push(id),
                                None => report.unmatched_reports += 1,
                            }
                        }
                        Applied::Skipped => report.skipped += 1,
                    }
                    if let Inbound::Skip(reason) = inbound {
                        tracing::info!(reason, "poller: entry skipped");
                    }
                }
                w.set_relay_cursor(&relay_key, &next_after.to_string(), now)
            })?;
            for id in touched {
                session.settle_message_state(id)?;
            }
            for (_, from, body) in &stored {
                crate::consent::answer_help(&session, &rules, from, body, now)?;
            }
            Ok(report)
        })
        .await
        .map_err(|e| EngineError::Runtime(e.to_string()))?
    }
}

/// Why a poll did not complete.
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Relay(#[from] RelayClientError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}
