//! The change feed: what a committed write changed, for the engine and the UI to refresh.
//!
//! Invariant: events are sent only after the transaction that caused them has committed.
//! A write collects its events while it runs ([`crate::Writer`]); a rolled-back write drops
//! them, so a subscriber never hears of a change that did not happen.

use std::sync::mpsc::{Receiver, Sender, channel};

use serde::Serialize;

use crate::ids::{ContactId, MessageId, ThreadId};

/// One committed change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StoreEvent {
    /// A thread's row changed: created, new activity, read, renamed, pinned, archived...
    ThreadChanged { thread_id: ThreadId },
    /// A message was stored.
    MessageAdded {
        thread_id: ThreadId,
        message_id: MessageId,
    },
    /// An outgoing message's state for one recipient changed.
    DeliveryChanged {
        thread_id: ThreadId,
        message_id: MessageId,
        recipient: String,
    },
    /// A contact was added or edited (names in threads may read differently).
    ContactChanged { contact_id: ContactId },
    /// The consent ledger gained an event for this number (canonical): its standing, and
    /// the badges of every thread it is in, may read differently.
    ConsentChanged { number: String },
}

/// The subscribers of one store.
#[derive(Debug, Default)]
pub(crate) struct Subscribers {
    senders: Vec<Sender<StoreEvent>>,
}

impl Subscribers {
    pub(crate) fn subscribe(&mut self) -> Receiver<StoreEvent> {
        let (tx, rx) = channel();
        self.senders.push(tx);
        rx
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.senders.is_empty()
    }

    /// Delivers committed events, forgetting subscribers that have gone away.
    pub(crate) fn publish(&mut self, events: Vec<StoreEvent>) {
        if events.is_empty() {
            return;
        }
        self.senders
            .retain(|s| events.iter().all(|e| s.send(e.clone()).is_ok()));
    }
}
