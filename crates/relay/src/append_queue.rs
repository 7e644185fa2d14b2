//! Group commit: pushes arriving together are written in one transaction by one thread, so
//! the relay pays one fsync per batch rather than one per push, and every push is still
//! answered only after the commit that holds it.

use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::error::{StoreError, StoreErrorKind};
use crate::store::{Appended, NewEntry, RelayStore};

/// The most pushes one transaction takes.
const MAX_BATCH: usize = 256;

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
        std::thread::Builder::new()
            .name("relay-append".into())
            .spawn(move || write_batches(store.as_ref(), &rx))
            .expect("spawning the relay's writer thread");
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

fn write_batches(store: &dyn RelayStore, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
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
