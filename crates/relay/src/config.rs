//! What a relay is told at start: where its store lives, how providers and clients
//! authenticate, and the bounds that keep one bad peer from hurting the others.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{Clock, SystemClock};
use crate::team::TeamConfig;

/// HTTP Basic credentials a provider must present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    pub user: String,
    pub password: String,
}

/// A client (a desktop) allowed to read the stream, by bearer token. Every configured
/// client is "registered": entries are pruned only once all of them acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCredential {
    pub name: String,
    pub token: String,
}

/// Bounds on what one peer may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayLimits {
    /// Largest push body. Sinch's largest legal 10DLC MMS is T-Mobile's 3.1 MB base64
    /// (BRIEF §5); the default leaves headroom for the SOAP part and MIME framing.
    pub max_body_bytes: usize,
    /// Connections served at once; more are answered 503 at once and closed.
    pub max_connections: usize,
    /// Time allowed for a request's headers to arrive.
    pub header_timeout: Duration,
    /// Time allowed for a request's body to arrive once its headers did.
    pub body_timeout: Duration,
    /// The longest a client's long poll may wait.
    pub max_poll_wait: Duration,
    /// The most entries one read returns.
    pub max_read_entries: usize,
}

impl Default for RelayLimits {
    fn default() -> Self {
        RelayLimits {
            max_body_bytes: 4 * 1024 * 1024,
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_poll_wait: Duration::from_secs(60),
            max_read_entries: 500,
        }
    }
}

/// Everything [`crate::Relay::start`] needs.
#[derive(Clone)]
pub struct RelayConfig {
    /// Where to listen; port 0 picks a free one (see [`crate::RelayHandle::addr`]).
    pub listen: SocketAddr,
    /// The relay's own SQLite file (not the desktop's thread store).
    pub db_path: PathBuf,
    /// The path providers POST to. Put a secret in it (`/mm7/<random>`) where the provider
    /// cannot send Basic auth; any other path answers 404.
    pub provider_path: String,
    /// Basic auth the provider must send, if any.
    pub provider_basic: Option<BasicCredentials>,
    pub clients: Vec<ClientCredential>,
    /// How long an entry every client acknowledged is kept before it is pruned.
    pub retention: Duration,
    /// How often pruning runs.
    pub prune_every: Duration,
    pub limits: RelayLimits,
    pub clock: Arc<dyn Clock>,
    /// Team mode: clients' SubmitReqs go through the relay to this provider (see
    /// [`crate::team`]); `None` answers `POST /v1/submit` with 404.
    pub team: Option<TeamConfig>,
}

impl std::fmt::Debug for RelayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayConfig")
            .field("listen", &self.listen)
            .field("db_path", &self.db_path)
            .field("provider_path", &"<redacted>")
            .field("provider_basic", &self.provider_basic.is_some())
            .field(
                "clients",
                &self.clients.iter().map(|c| &c.name).collect::<Vec<_>>(),
            )
            .field("retention", &self.retention)
            .field("limits", &self.limits)
            .field("team", &self.team.as_ref().map(|t| &t.provider_url))
            .finish()
    }
}

impl RelayConfig {
    /// Loopback on a free port, `/mm7`, no provider auth, no clients, 7 days' retention.
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        RelayConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_path: db_path.into(),
            provider_path: "/mm7".to_owned(),
            provider_basic: None,
            clients: Vec::new(),
            retention: Duration::from_secs(7 * 24 * 3600),
            prune_every: Duration::from_secs(60),
            limits: RelayLimits::default(),
            clock: Arc::new(SystemClock),
            team: None,
        }
    }

    /// Turns team mode on (see [`crate::team`]).
    pub fn with_team(mut self, team: TeamConfig) -> Self {
        self.team = Some(team);
        self
    }

    pub fn with_listen(mut self, listen: SocketAddr) -> Self {
        self.listen = listen;
        self
    }

    pub fn with_client(mut self, name: impl Into<String>, token: impl Into<String>) -> Self {
        self.clients.push(ClientCredential {
            name: name.into(),
            token: token.into(),
        });
        self
    }

    pub fn with_provider_basic(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.provider_basic = Some(BasicCredentials {
            user: user.into(),
            password: password.into(),
        });
        self
    }

    pub fn with_provider_path(mut self, path: impl Into<String>) -> Self {
        self.provider_path = path.into();
        self
    }

    pub fn with_limits(mut self, limits: RelayLimits) -> Self {
        self.limits = limits;
        self
    }

    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }
}
