//! One sender per data directory: the outbox lease.
//!
//! The app, `groupline poll` and `groupline send` can all run an outbox worker on the same
//! data directory. Each worker keeps the jobs it has in flight in memory, so two workers
//! at once would both take a due job and submit it twice. The lease is an exclusive lock
//! on `DATA_DIR/outbox.lock` held for as long as the worker lives: the first worker to
//! take it sends; the others leave their composed messages in the outbox for it (it looks
//! at the outbox every few seconds) and try again later. The operating system releases
//! the lock when its process dies, so a crash never strands the outbox.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;
use std::sync::Mutex;

use crate::EngineError;

/// The lock file's name in the data directory.
pub const LEASE_FILE_NAME: &str = "outbox.lock";

#[derive(Debug)]
pub struct OutboxLease {
    path: PathBuf,
    held: Mutex<Option<File>>,
}

impl OutboxLease {
    pub fn new(data_dir: &std::path::Path) -> Self {
        OutboxLease {
            path: data_dir.join(LEASE_FILE_NAME),
            held: Mutex::new(None),
        }
    }

    /// Takes the lease if nobody holds it; `false` while another worker does.
    pub fn hold(&self) -> Result<bool, EngineError> {
        let mut held = self.held.lock().expect("lease lock");
        if held.is_some() {
            return Ok(true);
        }
        let io = |source| EngineError::DataDir {
            path: self.path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {
                *held = Some(file);
                Ok(true)
            }
            Err(TryLockError::WouldBlock) => Ok(false),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_the_lease_passes_on_when_it_goes() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutboxLease::new(dir.path());
        let second = OutboxLease::new(dir.path());
        assert!(first.hold().unwrap());
        assert!(first.hold().unwrap(), "holding again is a no-op");
        assert!(!second.hold().unwrap());
        drop(first);
        assert!(second.hold().unwrap());
    }
}
