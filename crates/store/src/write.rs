//! Writing: every change goes through one [`Writer`], i.e. one `IMMEDIATE` transaction,
//! and its change events are published only once that transaction has committed.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Transaction, TransactionBehavior};

use crate::address::{Address, NumberingPlan};
use crate::events::StoreEvent;
use crate::ids::ThreadId;
use crate::media::MediaDir;
use crate::threads::ThreadTouch;
use crate::{Store, StoreError};

/// Most raw addresses whose canonical form the store remembers (a few MB at most).
const CANONICAL_CACHE_MAX: usize = 50_000;

/// An open write transaction. Obtain one with [`Store::write`].
pub struct Writer<'s> {
    pub(crate) tx: Transaction<'s>,
    pub(crate) plan: &'s NumberingPlan,
    pub(crate) media: &'s MediaDir,
    /// Whether anyone listens; when nobody does, bulk writes skip building events.
    pub(crate) collect_events: bool,
    events: Vec<StoreEvent>,
    /// Threads changed by this transaction: one `ThreadChanged` each, published last.
    changed_threads: BTreeSet<ThreadId>,
    /// Thread rows whose denormalized last-message fields and counters are updated once
    /// per transaction rather than once per message (see [`ThreadTouch`]).
    pub(crate) touched: HashMap<ThreadId, ThreadTouch>,
    /// Canonical forms already computed, the store's cache (messages repeat their authors;
    /// parsing a number costs far more than a lookup). Pure function of the raw text and
    /// the plan, so it outlives transactions, rolled back ones included.
    canonical_cache: &'s mut HashMap<String, Address>,
    /// The id the next message gets, once this transaction has read it (see
    /// [`Writer::add_message`]).
    pub(crate) next_id: Option<i64>,
}

impl Store {
    /// Runs `f` in one write transaction. When `f` returns `Ok`, the transaction commits and
    /// then the events it recorded are published; when it returns `Err` (or panics), it
    /// rolls back and nothing is published.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let collect_events = !self.subscribers.is_empty();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut writer = Writer {
            tx,
            plan: &self.plan,
            media: &self.media,
            collect_events,
            events: Vec::new(),
            changed_threads: BTreeSet::new(),
            touched: HashMap::new(),
            canonical_cache: &mut self.canonical_cache,
            next_id: None,
        };
        let value = f(&mut writer)?;
        writer.flush_thread_touches()?;
        let Writer {
            tx,
            mut events,
            changed_threads,
            ..
        } = writer;
        events.extend(
            changed_threads
                .into_iter()
                .map(|thread_id| StoreEvent::ThreadChanged { thread_id }),
        );
        tx.commit()?;
        self.subscribers.publish(events);
        Ok(value)
    }
}

impl Writer<'_> {
    /// Records an event to publish after commit.
    pub(crate) fn emit(&mut self, event: StoreEvent) {
        if !self.collect_events {
            return;
        }
        match event {
            StoreEvent::ThreadChanged { thread_id } => {
                self.changed_threads.insert(thread_id);
            }
            other => self.events.push(other),
        }
    }

    /// The canonical form of `raw` (see [`NumberingPlan::canonical`]), cached per transaction.
    pub(crate) fn canonical(&mut self, raw: &str) -> Result<Address, StoreError> {
        if let Some(found) = self.canonical_cache.get(raw) {
            return Ok(found.clone());
        }
        let address = self.plan.canonical(raw)?;
        if self.canonical_cache.len() >= CANONICAL_CACHE_MAX {
            // Bounded by starting over: simpler than LRU, and a refill costs one parse each.
            self.canonical_cache.clear();
        }
        self.canonical_cache.insert(raw.to_owned(), address.clone());
        Ok(address)
    }

    /// The SQL connection of this transaction, for the modules' statements.
    pub(crate) fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }
}
