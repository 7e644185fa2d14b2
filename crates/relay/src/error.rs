//! Errors with kinds callers act on: a bind failure is a configuration problem, a store
//! failure means a push was not stored (and must not be answered 200).

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Why the relay could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RelayError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: io::Error,
    },
    #[error("cannot create the relay's directory {path}: {source}")]
    Directory { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot set up team mode: {0}")]
    Team(String),
}

/// What went wrong in a [`crate::RelayStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The database could not be opened or migrated (a configuration problem).
    Open,
    /// The database was written by a newer relay; it is left untouched.
    TooNew,
    /// A read or write failed; the caller may retry later (the provider will).
    Io,
    /// The store is shutting down.
    Closed,
}

/// A store failure. Cloneable because one failed batch commit answers every push in it.
#[derive(Debug, Clone, Error)]
#[error("relay store ({kind:?}): {message}")]
pub struct StoreError {
    pub kind: StoreErrorKind,
    pub message: String,
}

impl StoreError {
    pub fn new(kind: StoreErrorKind, message: impl Into<String>) -> Self {
        StoreError {
            kind,
            message: message.into(),
        }
    }

    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self.kind, StoreErrorKind::Io)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::new(StoreErrorKind::Io, e.to_string())
    }
}
