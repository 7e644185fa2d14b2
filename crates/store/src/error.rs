//! The store's error type: the kinds a caller can act on.

use std::path::PathBuf;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database was written by a newer Groupline: opening it would risk damaging data
    /// this version does not understand. The user must upgrade Groupline.
    #[error(
        "the database at {path} has schema version {found}, newer than this Groupline supports ({supported}); please upgrade Groupline"
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    /// The data directory or database file could not be created or opened.
    #[error("cannot open the store at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A migration failed; nothing of it was applied (migrations run in one transaction).
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: u32,
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },
    /// An address that is empty or cannot be read as a number, short code or e-mail.
    #[error("not a usable address: {0:?}")]
    InvalidAddress(String),
    /// A region that is not an ISO 3166 alpha-2 code known to the numbering plan.
    #[error("unknown region {0:?} for reading phone numbers")]
    InvalidRegion(String),
    /// A conversation needs at least one participant besides our own numbers.
    #[error("a thread needs at least one participant other than our own numbers")]
    NoParticipants,
    /// The thing asked for does not exist (a thread, message, contact or job id).
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: i64 },
    /// The number already belongs to another contact.
    #[error("{number} already belongs to contact {contact_id}")]
    NumberTaken { number: String, contact_id: i64 },
    /// A pagination cursor that this store did not hand out.
    #[error("not a valid page cursor: {0:?}")]
    InvalidCursor(String),
    /// A media file could not be written, read or removed.
    #[error("media file {path}: {source}")]
    Media {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Any other SQLite failure.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// Whether trying again later may succeed (the database was busy or locked by another
    /// process), as opposed to a condition that needs the user or a developer.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            _ => false,
        }
    }

    /// Whether the caller asked for something wrong (a bad address, cursor or id), as
    /// opposed to the store failing.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            StoreError::InvalidAddress(_)
                | StoreError::InvalidRegion(_)
                | StoreError::NoParticipants
                | StoreError::InvalidCursor(_)
                | StoreError::NumberTaken { .. }
        )
    }
}
