//! Group commit: pushes arriving together are written as one batch, so the relay pays one
//! round of fsyncs per batch rather than per push, and every push is still answered only
//! after the commit that holds it.
//!
//! Two writer threads take turns at the intake: while one waits for its batch's commit
//! (a store may split that in stages, as [`crate::SqliteStore`] does: bodies, then index),
//! the other gathers the pushes that arrived meanwhile and starts on them. A store that
//! serializes appends internally is still correct, just not overlapped.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::error::{StoreError, StoreErrorKind};
use crate::store::{Appended, NewEntry, RelayStore};

/// The most pushes one batch takes.
const MAX_BATCH: usize = 256;

/// Threads appending at once.
const WRITERS: usize = 2;

struct Job {
    entry: NewEntry,
    reply: oneshot::Sender<Result<Appended, StoreError>>,
}

/// A handle to the writer thread; the thread ends when the last handle is dropped.
#[derive(Clone)]
pub(crate) struct AppendQueue {
    jobs: mpsc::Sender<Job>,
}

impl AppendQueue {
    pub(crate) fn start(store: Arc<dyn RelayStore>) -> AppendQueue {
        let (jobs, rx) = mpsc::channel::<Job>();
        let intake = Arc::new(Mutex::new(rx));
        for n in 0..WRITERS {
            let (store, intake) = (store.clone(), intake.clone());
            std::thread::Builder::new()
                .name(format!("relay-append-{n}"))
                .spawn(move || write_batches(store.as_ref(), &intake))
                .expect("spawning the relay's writer thread");
        }
        AppendQueue { jobs }
    }

    /// Stores `entry`; resolves once it is durably committed.
    pub(crate) async fn append(&self, entry: NewEntry) -> Result<Appended, StoreError> {
        let (reply, answer) = oneshot::channel();
        let closed = || StoreError::new(StoreErrorKind::Closed, "the relay is shutting down");
        self.jobs.send(Job { entry, reply }).map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

/// The next batch: waits for one push, then takes what else is already waiting.
fn next_batch(intake: &Mutex<mpsc::Receiver<Job>>) -> Option<Vec<Job>> {
    let rx = intake.lock().ok()?;
    let mut jobs = vec![rx.recv().ok()?];
    while jobs.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    Some(jobs)
}

fn write_batches(store: &dyn RelayStore, intake: &Mutex<mpsc::Receiver<Job>>) {
    while let Some(jobs) = next_batch(intake) {
        let (entries, replies): (Vec<NewEntry>, Vec<_>) =
            jobs.into_iter().map(|j| (j.entry, j.reply)).unzip();
        match store.append(&entries) {
            Ok(appended) => {
                for (reply, a) in replies.into_iter().zip(appended) {
                    let _ = reply.send(Ok(a));
                }
            }
            Err(e) => {
                tracing::error!("relay store commit failed: {e}");
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}
