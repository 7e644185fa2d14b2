//! The engine's events, forwarded to the UI as one typed tauri-specta event.
//!
//! Events are batched: the forwarder takes whatever is waiting (up to [`MAX_BATCH`]) and
//! emits it as one [`EngineEvents`], so a bulk ingest of a thousand messages costs the
//! webview a few IPC messages rather than a thousand. The UI refreshes what each event
//! names; when the forwarder lags behind the engine it says [`AppEvent::Resync`] so the UI
//! re-reads everything it shows.

use engine::events::{OutboxStatus, PollerStatus};
use engine::store::StoreEvent;
use engine::{EngineEvent, Launched};
use serde::Serialize;
use specta::Type;
use specta_typescript::Number;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

use crate::IpcError;

/// The most events emitted in one batch.
pub const MAX_BATCH: usize = 256;

/// One thing the UI may need to refresh for.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AppEvent {
    /// A thread's row changed: created, new activity, read, renamed, pinned, archived...
    ThreadChanged {
        #[specta(type = Number)]
        thread_id: i64,
    },
    MessageAdded {
        #[specta(type = Number)]
        thread_id: i64,
        #[specta(type = Number)]
        message_id: i64,
    },
    /// An outgoing message's state for one recipient changed.
    DeliveryChanged {
        #[specta(type = Number)]
        thread_id: i64,
        #[specta(type = Number)]
        message_id: i64,
        recipient: String,
    },
    /// Names in threads may read differently.
    ContactChanged {
        #[specta(type = Number)]
        contact_id: i64,
    },
    /// The consent ledger gained an event for this number (an opt-out, an opt-in, a
    /// confirmation): badges showing it may read differently.
    ConsentChanged { number: String },
    /// The outbox's load.
    Outbox { pending: u32, in_flight: u32 },
    /// The inbound connection: `connected`, `unreachable` (with the error) or `stopped`.
    Poller {
        connected: bool,
        error: Option<String>,
    },
    /// The pipelines are running (on the demo provider when `demo`).
    EngineStarted { demo: bool },
    /// The pipelines could not start; the app still reads the store.
    EngineFailed { error: IpcError },
    /// Events were missed: re-read everything shown.
    Resync,
    /// The user clicked a desktop notification: open its thread.
    NotificationClicked {
        #[specta(type = Number)]
        thread_id: i64,
    },
}

impl From<EngineEvent> for AppEvent {
    fn from(e: EngineEvent) -> Self {
        match e {
            EngineEvent::Store(StoreEvent::ThreadChanged { thread_id }) => {
                AppEvent::ThreadChanged {
                    thread_id: thread_id.0,
                }
            }
            EngineEvent::Store(StoreEvent::MessageAdded {
                thread_id,
                message_id,
            }) => AppEvent::MessageAdded {
                thread_id: thread_id.0,
                message_id: message_id.0,
            },
            EngineEvent::Store(StoreEvent::DeliveryChanged {
                thread_id,
                message_id,
                recipient,
            }) => AppEvent::DeliveryChanged {
                thread_id: thread_id.0,
                message_id: message_id.0,
                recipient,
            },
            EngineEvent::Store(StoreEvent::ContactChanged { contact_id }) => {
                AppEvent::ContactChanged {
                    contact_id: contact_id.0,
                }
            }
            EngineEvent::Store(StoreEvent::ConsentChanged { number }) => {
                AppEvent::ConsentChanged { number }
            }
            EngineEvent::Outbox(OutboxStatus { pending, in_flight }) => AppEvent::Outbox {
                pending: u32::try_from(pending).unwrap_or(u32::MAX),
                in_flight: u32::try_from(in_flight).unwrap_or(u32::MAX),
            },
            EngineEvent::Poller(PollerStatus::Connected { .. }) => AppEvent::Poller {
                connected: true,
                error: None,
            },
            EngineEvent::Poller(PollerStatus::Unreachable { error, .. }) => AppEvent::Poller {
                connected: false,
                error: Some(error),
            },
            EngineEvent::Poller(PollerStatus::Stopped) => AppEvent::Poller {
                connected: false,
                error: None,
            },
        }
    }
}

/// What the UI listens to: a batch of events, oldest first.
#[derive(Debug, Clone, Serialize, Type, Event)]
pub struct EngineEvents {
    pub events: Vec<AppEvent>,
}

impl EngineEvents {
    pub fn one(event: AppEvent) -> Self {
        EngineEvents {
            events: vec![event],
        }
    }

    /// Emits, logging (never panicking) when the window is gone.
    pub fn send<R: Runtime>(&self, app: &AppHandle<R>) {
        if let Err(e) = self.emit(app) {
            tracing::warn!("cannot emit engine events to the UI: {e}");
        }
    }
}

/// Waits for the next batch: one event, then whatever else is already queued. `None` when
/// the engine is gone.
pub async fn next_batch(rx: &mut broadcast::Receiver<EngineEvent>) -> Option<Vec<AppEvent>> {
    let first = match rx.recv().await {
        Ok(e) => AppEvent::from(e),
        Err(RecvError::Lagged(_)) => AppEvent::Resync,
        Err(RecvError::Closed) => return None,
    };
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(e) => batch.push(AppEvent::from(e)),
            Err(TryRecvError::Lagged(_)) => batch.push(AppEvent::Resync),
            Err(TryRecvError::Empty | TryRecvError::Closed) => break,
        }
    }
    Some(batch)
}

/// Forwards the engine's events to the UI until the engine stops.
pub fn forward<R: Runtime>(app: AppHandle<R>, launched: &Launched) {
    let mut rx = launched.engine.subscribe();
    tauri::async_runtime::spawn(async move {
        while let Some(events) = next_batch(&mut rx).await {
            EngineEvents { events }.send(&app);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::store::{MessageId, ThreadId};

    #[tokio::test]
    async fn queued_events_come_as_one_batch_and_a_lag_asks_for_a_resync() {
        let (tx, mut rx) = broadcast::channel(4);
        for i in 0..3 {
            tx.send(EngineEvent::Store(StoreEvent::MessageAdded {
                thread_id: ThreadId(1),
                message_id: MessageId(i),
            }))
            .unwrap();
        }
        let batch = next_batch(&mut rx).await.unwrap();
        assert_eq!(batch.len(), 3);
        assert_eq!(
            batch[2],
            AppEvent::MessageAdded {
                thread_id: 1,
                message_id: 2
            }
        );

        for _ in 0..6 {
            tx.send(EngineEvent::Outbox(OutboxStatus {
                pending: 1,
                in_flight: 0,
            }))
            .unwrap();
        }
        let batch = next_batch(&mut rx).await.unwrap();
        assert_eq!(batch[0], AppEvent::Resync);

        drop(tx);
        assert!(next_batch(&mut rx).await.is_none());
    }
}
