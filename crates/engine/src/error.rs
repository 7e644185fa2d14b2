//! The engine's error type, with a stable machine-readable code for each kind so shells
//! (the IPC boundary, the CLI's exit status) can act on it without parsing text.

use std::path::PathBuf;

/// What went wrong, as the engine's callers see it.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(
        "cannot find a home directory to keep Groupline's data in; set {}",
        crate::DATA_DIR_ENV
    )]
    NoHomeDirectory,
    #[error("cannot use the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("the store is unavailable because an earlier operation panicked; restart Groupline")]
    Poisoned,
    #[error("cannot send this message: {0}")]
    Compose(String),
    /// Everyone the message would go to has opted out (STOP).
    #[error("{} opted out (STOP); texting {} is blocked", .numbers.join(", "), if .numbers.len() == 1 { "them" } else { "everyone here" })]
    OptedOut { numbers: Vec<String> },
    /// Another Groupline process (the app, `groupline poll`) is sending this data
    /// directory's outbox; what was composed here waits there for it.
    #[error(
        "another Groupline process on this data directory (the app or `groupline poll`) is sending the outbox; queued messages go out through it"
    )]
    OutboxElsewhere,
    /// The account refuses to text numbers with no opt-in on record.
    #[error("no opt-in is on record for {}; record their consent first (this account's policy refuses to text without it)", .numbers.join(", "))]
    NoOptIn { numbers: Vec<String> },
    #[error("cannot read the media file {path}: {source}")]
    Media {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    MediaRefused(#[from] media::MediaError),
    #[error(transparent)]
    Transport(#[from] crate::transport::TransportSetupError),
    #[error("cannot start {what}: {detail}")]
    Start { what: &'static str, detail: String },
    #[error("the relay answered something Groupline cannot read: {0}")]
    RelayProtocol(String),
    #[error("internal error: {0}")]
    Runtime(String),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
}

/// Stable codes for [`EngineError`] kinds; the UI keys its messages and actions on these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    DataDirUnavailable,
    StoreNewerSchema,
    StoreBusy,
    /// The store is still opening (upgrading its schema after an update): try again soon.
    StoreOpening,
    StoreFailed,
    /// The thread, message or contact asked for does not exist.
    NotFound,
    /// The request itself is wrong: a bad address, page cursor or duplicate number.
    InvalidInput,
    /// A provider or relay could not be set up or started (bad URL, port in use, TLS).
    ProviderUnavailable,
    /// A stored media file is missing or unreadable.
    MediaUnavailable,
    /// A file could not be written where it was being saved (a folder without write
    /// permission, a full disk); nothing was left there.
    SaveFailed,
    /// An attachment cannot be sent: its type, or a size that cannot be made to fit.
    MediaRefused,
    /// Every recipient opted out: nothing may be sent.
    OptedOut,
    /// The opt-in policy refuses: a recipient has no opt-in on record.
    NoOptIn,
    /// Another process sends this data directory's outbox.
    OutboxElsewhere,
    Internal,
    /// The configuration file cannot be parsed or holds a bad value (the message names the key).
    ConfigInvalid,
    /// The configuration file cannot be read or written.
    ConfigUnavailable,
    /// No usable secret store: the keyring does not answer, or `GROUPLINE_SECRETS` is wrong.
    SecretStoreUnavailable,
    /// The secrets file is readable by other users and is refused until `chmod 600`.
    SecretsFileInsecure,
}

impl crate::config::ConfigError {
    pub fn code(&self) -> ErrorCode {
        use crate::config::ConfigError as E;
        match self {
            E::NoHomeDirectory | E::Io { .. } => ErrorCode::ConfigUnavailable,
            E::Parse { .. } | E::Invalid { .. } | E::MissingSecret { .. } => {
                ErrorCode::ConfigInvalid
            }
            E::UnknownProfile { .. } => ErrorCode::NotFound,
            E::UnknownKey { .. } | E::ProfileExists { .. } | E::UnknownSecret { .. } => {
                ErrorCode::InvalidInput
            }
            E::InsecureSecretsFile { .. } => ErrorCode::SecretsFileInsecure,
            E::SecretStoreUnavailable { .. } => ErrorCode::SecretStoreUnavailable,
        }
    }
}

impl EngineError {
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::NoHomeDirectory | EngineError::DataDir { .. } => {
                ErrorCode::DataDirUnavailable
            }
            EngineError::Store(store::StoreError::NewerSchema { .. }) => {
                ErrorCode::StoreNewerSchema
            }
            EngineError::Store(e) if e.is_transient() => ErrorCode::StoreBusy,
            EngineError::Store(store::StoreError::Open { .. }) => ErrorCode::DataDirUnavailable,
            EngineError::Store(store::StoreError::NotFound { .. }) => ErrorCode::NotFound,
            EngineError::Store(e) if e.is_invalid_input() => ErrorCode::InvalidInput,
            EngineError::Store(_) => ErrorCode::StoreFailed,
            EngineError::Compose(_) => ErrorCode::InvalidInput,
            EngineError::OptedOut { .. } => ErrorCode::OptedOut,
            EngineError::NoOptIn { .. } => ErrorCode::NoOptIn,
            EngineError::OutboxElsewhere => ErrorCode::OutboxElsewhere,
            EngineError::Media { .. } => ErrorCode::MediaUnavailable,
            EngineError::MediaRefused(_) => ErrorCode::MediaRefused,
            EngineError::Transport(_)
            | EngineError::Start { .. }
            | EngineError::RelayProtocol(_) => ErrorCode::ProviderUnavailable,
            EngineError::Poisoned | EngineError::Runtime(_) => ErrorCode::Internal,
            EngineError::Config(e) => e.code(),
        }
    }

    /// Whether the same call may succeed if tried again later.
    pub fn is_transient(&self) -> bool {
        matches!(self, EngineError::Store(e) if e.is_transient())
    }
}
