//! The inbox relay.
//!
//! MM7 has no pull: a provider POSTs every inbound message and delivery report to a URL and
//! retries only a few times (Sinch: 10 s timeout, then 5 tries 5 minutes apart). A desktop
//! behind an office router has no such URL, so this crate is that URL. It answers each push
//! with the matching MM7 response only after the raw request is committed to its own store,
//! and serves the stream to Groupline clients by cursor with long polling. Clients
//! acknowledge cursors; what every registered client acknowledged is pruned after a
//! retention.
//!
//! It is a library so the same code runs on an office server (`groupline relay serve`),
//! embedded in the desktop app on a loopback port (the demo), and in tests on
//! `127.0.0.1:0`:
//!
//! ```no_run
//! # async fn demo() -> Result<(), relay::RelayError> {
//! let config = relay::RelayConfig::new("/tmp/relay.sqlite3")
//!     .with_client("desktop", "secret-token");
//! let handle = relay::Relay::start(config).await?;
//! println!("push to http://{}/mm7", handle.addr);
//! handle.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! HTTP surface (see [`client_api`] and [`provider_endpoint`]):
//! - `POST {provider_path}` (default `/mm7`): the provider's pushes.
//! - `GET /v1/entries?after=CURSOR&limit=N&wait=SECONDS` (bearer token): the stream.
//! - `POST /v1/ack?cursor=CURSOR` (bearer token): acknowledge everything up to a cursor.
//! - `POST /v1/submit` (bearer token, team mode): a SubmitReq forwarded to the provider and
//!   recorded in the stream (see [`team`]).
//! - `GET /health`, `GET /metrics` (Prometheus text).

mod append_queue;
pub mod client_api;
mod clock;
mod config;
mod error;
mod metrics;
pub mod provider_endpoint;
mod server;
pub mod store;
mod summary;
pub mod team;

pub use clock::{Clock, SystemClock};
pub use config::{BasicCredentials, ClientCredential, RelayConfig, RelayLimits};
pub use error::{RelayError, StoreError, StoreErrorKind};
pub use metrics::MetricsSnapshot;
pub use server::{Relay, RelayHandle};
pub use store::{Appended, Cursor, Entry, NewEntry, RelayStore, SqliteStore, StoreOptions};
pub use summary::{Summary, SummaryAddress};
pub use team::TeamConfig;
