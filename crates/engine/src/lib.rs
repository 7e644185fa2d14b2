//! Groupline's engine: the one API that the desktop shell and the `groupline` CLI stand on.
//!
//! It joins the `mm7` codec and the `store` into the pipelines: outbound ([`outbound`]:
//! compose durably, then send with retries by status class), inbound ([`inbound`]: poll
//! the relay, dedupe, thread, store, then acknowledge), the provider transport
//! ([`transport`]), media ([`media_pipeline`]) and the embedded demo provider ([`demo`]).
//! It never depends on Tauri; the shells are thin layers over [`Session`] (the store's
//! reads and writes) and [`Engine`] (the running pipelines, and their [`EngineEvent`]s).
//! The store's types are re-exported as [`store`] so shells need no direct dependency.

pub mod clock;
pub mod config;
pub mod connection_check;
pub mod consent;
pub mod consent_ledger;
mod data_dir;
pub mod demo;
mod error;
pub mod events;
mod ids;
pub mod inbound;
mod launch;
pub mod media_pipeline;
pub mod outbound;
pub mod provider;
mod runtime;
mod session;
pub mod transport;

pub use clock::{Clock, SystemClock};
pub use config::{
    Config, ConfigError, ConfigLocation, LoadedConfig, ProviderProfile, RelaySettings, SecretStore,
};
pub use data_dir::{DATA_DIR_ENV, DataDir, DataDirSource};
pub use error::{EngineError, ErrorCode};
pub use events::{EngineEvent, Events};
pub use ids::RandomIds;
pub use launch::{
    EMBEDDED_RELAY_KEY, LaunchOptions, Launched, launch, launch_with, our_number, queue, run_seed,
};
pub use runtime::{Engine, EngineConfig};
pub use session::{AppStatus, Paths, Session, ThreadView, UNCONFIRMED_EXPIRED};
pub use store;

/// Groupline's version, the same for every crate of the workspace.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
