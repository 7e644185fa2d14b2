//! Groupline's engine: the one API that the desktop shell and the `groupline` CLI stand on.
//!
//! It joins the `mm7` codec and the `store` into the pipelines (outbound send with retries,
//! inbound polling of the relay, compliance, media) and owns configuration. It never depends
//! on Tauri; the shells are thin layers over the functions here.
//!
//! Today it resolves the data directory, opens the store, reports the app's status and
//! serves the store's reads (threads, messages, search, contacts); the pipelines arrive
//! with issue 6. The store's types are re-exported as [`store`] so shells need no direct
//! dependency on it.

pub mod config;
mod data_dir;
mod error;
mod session;

pub use config::{
    Config, ConfigError, ConfigLocation, LoadedConfig, ProviderProfile, RelaySettings, SecretStore,
};
pub use data_dir::{DATA_DIR_ENV, DataDir, DataDirSource};
pub use error::{EngineError, ErrorCode};
pub use session::{AppStatus, Paths, Session, ThreadView};
pub use store;

/// Groupline's version, the same for every crate of the workspace.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
