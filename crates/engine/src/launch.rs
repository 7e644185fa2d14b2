//! Starting the pipelines the way every shell does: on the configured provider, or, with
//! none configured, on the embedded demo provider (the desktop app's first run and
//! `groupline demo` share this code, so the demo is not a separate path).

use std::sync::Arc;
use std::time::Duration;

use crate::demo::{DEMO_RELAY_KEY, Demo, DemoOptions};
use crate::outbound::policy::RetryPolicy;
use crate::{Clock, Engine, EngineConfig, EngineError, Session};

/// A running engine and, on the demo, the in-process provider behind it.
#[derive(Debug)]
pub struct Launched {
    pub engine: Engine,
    pub demo: Option<Demo>,
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
    }
}

/// Builds the engine over `session` (background loops not started; see
/// [`Engine::start_background`]).
pub async fn launch(
    session: Arc<Session>,
    demo_options: &DemoOptions,
    clock: Arc<dyn Clock>,
    seed: u64,
) -> Result<Launched, EngineError> {
    let demo = Demo::start(session.data_dir().path(), demo_options).await?;
    demo.seed_contacts(&session, clock.now_ms())?;
    let config = EngineConfig {
        provider: demo.provider.clone(),
        relay: demo.relay_endpoint.clone(),
        relay_key: DEMO_RELAY_KEY.to_owned(),
        retry: RetryPolicy::default(),
        seed,
    };
    let engine = Engine::new(session, config, clock)?;
    Ok(Launched {
        engine,
        demo: Some(demo),
    })
}

/// A seed that differs between runs (for TransactionIDs and jitter in production).
pub fn run_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_nanos() as u64;
    nanos ^ (u64::from(std::process::id()) << 32)
}
