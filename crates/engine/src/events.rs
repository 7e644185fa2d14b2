//! The engine's events: what the desktop shell (and `groupline demo`) listen to.
//!
//! The store's committed changes ([`store::StoreEvent`]) are forwarded as they are; the
//! pipelines add their own state (outbox load, the poller's connection), so a status bar
//! can say "3 sending" or "relay unreachable, retrying in 8 s".

use serde::Serialize;
use tokio::sync::broadcast;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EngineEvent {
    /// A committed change in the store.
    Store(store::StoreEvent),
    Outbox(OutboxStatus),
    Poller(PollerStatus),
}

/// The outbox's load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OutboxStatus {
    /// Jobs not finished (due now or later).
    pub pending: usize,
    /// Attempts on the wire right now.
    pub in_flight: usize,
}

/// The inbound poller's connection to its relay.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PollerStatus {
    /// Connected and waiting for new entries.
    Connected {
        relay: String,
    },
    /// The last poll failed; the next try is in `retry_in_ms`.
    Unreachable {
        relay: String,
        error: String,
        retry_in_ms: u64,
    },
    Stopped,
}

/// A cloneable sender; events nobody listens to are dropped.
#[derive(Debug, Clone)]
pub struct Events {
    tx: broadcast::Sender<EngineEvent>,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            tx: broadcast::channel(1024).0,
        }
    }
}

impl Events {
    pub fn send(&self, event: EngineEvent) {
        let _ = self.tx.send(event);
    }

    /// A new listener. A listener that falls more than 1024 events behind is told it
    /// lagged and should re-read what it shows.
    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.tx.subscribe()
    }
}
