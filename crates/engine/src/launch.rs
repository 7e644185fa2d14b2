//! Starting the pipelines the way every shell does: on the configured provider profile,
//! or, with none configured, on the embedded demo provider. The desktop app's first run and
//! `groupline demo` share this code, so the demo is not a separate path.
//!
//! The relay is the configured one: a remote relay (an office server, read by cursor with
//! a bearer token) or one embedded in this process on the configured address, which the
//! provider pushes to directly.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{LoadedConfig, Provider, Relay};
use crate::demo::{DEMO_RELAY_KEY, Demo, DemoOptions};
use crate::inbound::relay_client::RelayEndpoint;
use crate::outbound::policy::RetryPolicy;
use crate::provider::ProviderEndpoint;
use crate::{Clock, Engine, EngineConfig, EngineError, Session};

/// The cursor key of a relay embedded with a real provider (its port may change).
pub const EMBEDDED_RELAY_KEY: &str = "embedded";

/// How to launch.
#[derive(Debug, Clone, Default)]
pub struct LaunchOptions {
    /// The configuration file (`--config`); `None` resolves it as `groupline config path`
    /// describes.
    pub config_file: Option<PathBuf>,
    pub demo: DemoOptions,
    /// Run on the demo provider whatever is configured (`groupline demo`).
    pub force_demo: bool,
}

/// A running engine and whatever provider-side parts run in this process.
pub struct Launched {
    pub engine: Engine,
    /// The embedded demo provider, when no profile is configured.
    pub demo: Option<Demo>,
    /// A relay embedded for a real provider.
    pub relay: Option<relay::RelayHandle>,
}

impl std::fmt::Debug for Launched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Launched")
            .field("engine", &self.engine)
            .field("demo", &self.demo)
            .field("relay", &self.relay.as_ref().map(|r| r.addr))
            .finish()
    }
}

impl Launched {
    /// Whether this is the demo provider (the UI shows a "Demo provider" badge).
    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    pub async fn shutdown(self) {
        self.engine.shutdown().await;
        if let Some(demo) = self.demo {
            demo.shutdown().await;
        }
        if let Some(relay) = self.relay {
            relay.shutdown().await;
        }
    }
}

/// Builds the engine over `session` with the default configuration file (background loops
/// not started; see [`Engine::start_background`]).
pub async fn launch(
    session: Arc<Session>,
    demo_options: &DemoOptions,
    clock: Arc<dyn Clock>,
    seed: u64,
) -> Result<Launched, EngineError> {
    let options = LaunchOptions {
        config_file: None,
        demo: demo_options.clone(),
        force_demo: false,
    };
    launch_with(session, &options, clock, seed).await
}

/// [`launch`] with an explicit configuration file.
pub async fn launch_with(
    session: Arc<Session>,
    options: &LaunchOptions,
    clock: Arc<dyn Clock>,
    seed: u64,
) -> Result<Launched, EngineError> {
    let loaded = LoadedConfig::open(options.config_file.clone(), session.data_dir())?;
    session.set_region(&loaded.config.default_region)?;
    if options.force_demo {
        return launch_demo(session, &options.demo, clock, seed, &loaded.config).await;
    }
    let provider = match loaded.provider()? {
        Provider::Demo => {
            return launch_demo(session, &options.demo, clock, seed, &loaded.config).await;
        }
        Provider::Mm7(p) => p,
    };
    let endpoint = ProviderEndpoint::from_profile(&provider);
    let (relay_endpoint, relay_key, embedded) = match loaded.relay()? {
        Relay::Remote { url, client_token } => {
            let key = url.as_str().trim_end_matches('/').to_owned();
            let endpoint = RelayEndpoint {
                url: key.clone(),
                token: client_token.expose().to_owned(),
            };
            (endpoint, key, None)
        }
        Relay::Embedded {
            listen,
            provider_path,
            provider_auth,
        } => {
            let dir = session.data_dir().path().join("relay");
            std::fs::create_dir_all(&dir).map_err(|source| EngineError::DataDir {
                path: dir.clone(),
                source,
            })?;
            let token = format!("embedded-{:016x}", fastrand::Rng::with_seed(seed).u64(..));
            let mut config = relay::RelayConfig::new(dir.join("relay.sqlite3"))
                .with_listen(listen)
                .with_provider_path(provider_path)
                .with_client("desktop", token.clone());
            if let Some((user, password)) = provider_auth {
                config = config.with_provider_basic(user, password.expose());
            }
            let handle = relay::Relay::start(config)
                .await
                .map_err(|e| EngineError::Start {
                    what: "the embedded relay",
                    detail: e.to_string(),
                })?;
            tracing::info!(addr = %handle.addr, "embedded relay listening for the provider's pushes");
            let endpoint = RelayEndpoint {
                url: format!("http://{}", handle.addr),
                token,
            };
            (endpoint, EMBEDDED_RELAY_KEY.to_owned(), Some(handle))
        }
    };
    let config = EngineConfig {
        provider: endpoint,
        relay: relay_endpoint,
        relay_key,
        retry: RetryPolicy::default(),
        seed,
        quiet_hours: loaded.config.quiet_hours,
        compliance: loaded.config.compliance.clone(),
    };
    match Engine::new(session, config, clock) {
        Ok(engine) => Ok(Launched {
            engine,
            demo: None,
            relay: embedded,
        }),
        Err(e) => {
            if let Some(relay) = embedded {
                relay.shutdown().await;
            }
            Err(e)
        }
    }
}

async fn launch_demo(
    session: Arc<Session>,
    options: &DemoOptions,
    clock: Arc<dyn Clock>,
    seed: u64,
    config: &crate::config::Config,
) -> Result<Launched, EngineError> {
    let demo = Demo::start(session.data_dir().path(), options).await?;
    demo.seed_contacts(&session, clock.now_ms())?;
    let config = EngineConfig {
        provider: demo.provider.clone(),
        relay: demo.relay_endpoint.clone(),
        relay_key: DEMO_RELAY_KEY.to_owned(),
        retry: RetryPolicy::default(),
        seed,
        quiet_hours: config.quiet_hours,
        compliance: config.compliance.clone(),
    };
    let engine = Engine::new(session, config, clock)?;
    Ok(Launched {
        engine,
        demo: Some(demo),
        relay: None,
    })
}

/// Our sending number under `options`: the active profile's sender, or the demo's.
pub fn our_number(
    session: &Session,
    options: &LaunchOptions,
) -> Result<(String, String), EngineError> {
    let loaded = LoadedConfig::open(options.config_file.clone(), session.data_dir())?;
    if options.force_demo {
        return Ok((
            crate::demo::DEMO_PROFILE.to_owned(),
            crate::demo::demo_number(),
        ));
    }
    Ok(match loaded.provider()? {
        Provider::Demo => (
            crate::demo::DEMO_PROFILE.to_owned(),
            crate::demo::demo_number(),
        ),
        Provider::Mm7(p) => (p.name.clone(), format!("+{}", p.profile.sender_digits())),
    })
}

/// Writes `draft` to the outbox without sending it: whichever engine runs next on this
/// data directory (`groupline poll`, the app) sends it. `groupline send --queue-only`.
pub fn queue(
    session: &Session,
    options: &LaunchOptions,
    draft: &crate::outbound::compose::Draft,
    now: i64,
) -> Result<crate::outbound::compose::Composed, EngineError> {
    let (profile, number) = our_number(session, options)?;
    session.write(|w| w.add_account(&profile, &number, now).map(|_| ()))?;
    let loaded = LoadedConfig::open(options.config_file.clone(), session.data_dir())?;
    let rules = crate::outbound::compose::SendRules::configured(
        loaded.config.quiet_hours,
        &loaded.config.compliance,
    );
    crate::outbound::compose::compose(session, &number, draft, &rules, now)
}

/// A seed that differs between runs (for TransactionIDs and jitter in production).
pub fn run_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_nanos() as u64;
    nanos ^ (u64::from(std::process::id()) << 32)
}
