//! What the shell holds for its commands: the engine session (or why it could not open) and
//! the running pipelines (or why they could not start).
//!
//! Neither failure may crash the window: a store that fails to open (a database from a
//! newer Groupline, an unwritable data dir) or a provider that cannot start leaves the UI
//! up, showing the reason in the status bar. The pipelines start after the window, on the
//! async runtime, so the conversation list paints from the store at once.
//!
//! The store itself opens off the main thread too: the first open after an update may
//! migrate a large store for a minute, and the window must be up meanwhile, saying so
//! ([`Backend::store_state`]). Until it is open, commands answer `store_opening`.

use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use engine::demo::DemoOptions;
use engine::store::migration::UpgradeStep;
use engine::{DataDir, Engine, ErrorCode, Launched, Session, SystemClock};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::{OwnedRwLockReadGuard, RwLock as AsyncRwLock};

use crate::IpcError;
use crate::dto::{EngineState, StoreState, UpgradeProgress};
use crate::events::{AppEvent, EngineEvents};

/// Scales the demo's script time (e.g. `0.1` plays the story ten times faster); the
/// end-to-end tests set it so the demo's messages arrive in a few seconds.
pub const DEMO_TIME_SCALE_ENV: &str = "GROUPLINE_DEMO_TIME_SCALE";
/// How long the demo provider waits before reporting delivery, in milliseconds.
pub const DEMO_DLR_DELAY_ENV: &str = "GROUPLINE_DEMO_DLR_DELAY_MS";

enum Pipelines {
    Starting,
    Running { demo: bool },
    Failed(IpcError),
}

/// The running engine, borrowed for one command (sending holds it across an await).
pub type EngineGuard = OwnedRwLockReadGuard<Option<Launched>, Engine>;

pub struct Backend {
    /// Set once the store has opened (or failed to).
    session: OnceLock<Result<Arc<Session>, IpcError>>,
    /// The migration running while the store opens, if it is upgrading.
    upgrading: Mutex<Option<UpgradeStep>>,
    pipelines: RwLock<Pipelines>,
    /// The engine and whatever runs beside it in this process (the demo provider, an
    /// embedded relay); set once at startup, taken at exit.
    launched: Arc<AsyncRwLock<Option<Launched>>>,
}

impl Backend {
    /// A backend whose store is not open yet: see [`Self::open`].
    pub fn opening() -> Self {
        Backend {
            session: OnceLock::new(),
            upgrading: Mutex::new(None),
            pipelines: RwLock::new(Pipelines::Starting),
            launched: Arc::new(AsyncRwLock::new(None)),
        }
    }

    /// Opens the data directory named by `GROUPLINE_DATA_DIR`, else the platform default.
    /// Blocks (for a minute when a large store is upgraded): call it off the main thread.
    pub fn open_from_env(&self, now_unix_ms: i64) {
        self.open(DataDir::from_env(None), now_unix_ms);
    }

    /// Opens the store in `data_dir` (once; later calls do nothing), recording each
    /// migration it runs for [`Self::store_state`].
    pub fn open(&self, data_dir: Result<DataDir, engine::EngineError>, now_unix_ms: i64) {
        if self.session.get().is_some() {
            return;
        }
        let mut progress = |step: UpgradeStep| {
            // A new store runs every migration from the first: that is creating it, not
            // an upgrade worth a screen (or a log line per step).
            if step.version > step.step {
                tracing::info!(
                    step = step.step,
                    of = step.of,
                    version = step.version,
                    "upgrading the store: {}",
                    step.name
                );
                *self.upgrading.lock().unwrap_or_else(|p| p.into_inner()) = Some(step);
            }
        };
        let session = data_dir
            .and_then(|d| Session::open_reporting(d, now_unix_ms, &mut progress))
            .map(Arc::new)
            .map_err(IpcError::from);
        let _ = self.session.set(session);
        *self.upgrading.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    pub fn session(&self) -> Result<Arc<Session>, IpcError> {
        match self.session.get() {
            Some(s) => s.clone(),
            None => Err(IpcError::new(
                ErrorCode::StoreOpening,
                "Groupline is still opening your messages; try again in a moment",
            )),
        }
    }

    /// Whether the store is open, still opening (and which upgrade step runs), or failed.
    pub fn store_state(&self) -> StoreState {
        match self.session.get() {
            Some(Ok(_)) => StoreState::Open,
            Some(Err(error)) => StoreState::Failed {
                error: error.clone(),
            },
            None => StoreState::Opening {
                upgrade: self
                    .upgrading
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .map(|s| UpgradeProgress {
                        step: s.step,
                        of: s.of,
                        name: s.name.replace('_', " "),
                    }),
            },
        }
    }

    /// The running engine, or why there is none (sending needs it; reading does not).
    pub async fn engine(&self) -> Result<EngineGuard, IpcError> {
        let not_running = || {
            IpcError::new(
                engine::ErrorCode::ProviderUnavailable,
                "Groupline is still connecting to the provider; try again in a moment",
            )
        };
        match &*self.read_pipelines() {
            Pipelines::Running { .. } => {}
            Pipelines::Starting => return Err(not_running()),
            Pipelines::Failed(e) => return Err(e.clone()),
        }
        let guard = self.launched.clone().read_owned().await;
        OwnedRwLockReadGuard::try_map(guard, |l| l.as_ref().map(|l| &l.engine))
            .map_err(|_| not_running())
    }

    /// Stops the pipelines at exit, giving attempts in flight a moment to be recorded
    /// (anything unfinished is retried on the next start: the outbox is durable).
    pub async fn shutdown(&self) {
        let launched = self.launched.write().await.take();
        if let Some(launched) = launched {
            self.set_pipelines(Pipelines::Failed(IpcError::new(
                engine::ErrorCode::ProviderUnavailable,
                "Groupline is closing",
            )));
            if tokio::time::timeout(Duration::from_secs(3), launched.shutdown())
                .await
                .is_err()
            {
                tracing::warn!("the engine did not stop within 3 s; exiting anyway");
            }
        }
    }

    pub fn engine_state(&self) -> (EngineState, bool) {
        match &*self.read_pipelines() {
            Pipelines::Starting => (EngineState::Starting, false),
            Pipelines::Running { demo } => (EngineState::Running, *demo),
            Pipelines::Failed(e) => (EngineState::Failed { error: e.clone() }, false),
        }
    }

    fn read_pipelines(&self) -> std::sync::RwLockReadGuard<'_, Pipelines> {
        // A poisoned lock only means a writer panicked mid-assignment of a plain enum.
        self.pipelines.read().unwrap_or_else(|p| p.into_inner())
    }

    fn set_pipelines(&self, p: Pipelines) {
        *self.pipelines.write().unwrap_or_else(|p| p.into_inner()) = p;
    }

    /// Starts the pipelines (the configured provider, or the embedded demo) and forwards
    /// their events to the UI. Runs once, on the async runtime, after the window is up.
    pub async fn start<R: Runtime>(app: AppHandle<R>) {
        let backend = app.state::<Backend>();
        let outcome = match backend.session() {
            Ok(session) => backend.launch(&app, session).await,
            Err(e) => Err(e),
        };
        let event = match outcome {
            Ok(demo) => {
                tracing::info!(demo, "engine running");
                AppEvent::EngineStarted { demo }
            }
            Err(error) => {
                tracing::error!(code = ?error.code, "engine not started: {}", error.message);
                backend.set_pipelines(Pipelines::Failed(error.clone()));
                AppEvent::EngineFailed { error }
            }
        };
        EngineEvents::one(event).send(&app);
    }

    async fn launch<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        session: Arc<Session>,
    ) -> Result<bool, IpcError> {
        let options = demo_options_from_env();
        let seed = engine::run_seed();
        let mut launched = engine::launch(session, &options, Arc::new(SystemClock), seed).await?;
        crate::events::forward(app.clone(), &launched);
        launched.engine.start_background(seed)?;
        let demo = launched.is_demo();
        *self.launched.write().await = Some(launched);
        self.set_pipelines(Pipelines::Running { demo });
        Ok(demo)
    }
}

/// The demo's options, with the time scale and delivery delay from the environment.
pub fn demo_options_from_env() -> DemoOptions {
    let mut options = DemoOptions::default();
    let positive = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    if let Some(scale) = positive(DEMO_TIME_SCALE_ENV) {
        options.time_scale = scale;
    }
    if let Some(ms) = positive(DEMO_DLR_DELAY_ENV) {
        options.dlr_delay = Duration::from_millis(ms as u64);
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_wait_for_the_store_then_read_it() {
        let backend = Backend::opening();
        assert_eq!(
            backend.session().err().map(|e| e.code),
            Some(ErrorCode::StoreOpening)
        );
        assert!(matches!(
            backend.store_state(),
            StoreState::Opening { upgrade: None }
        ));

        let dir = tempfile::tempdir().unwrap();
        backend.open(DataDir::resolve(Some(dir.path().to_path_buf()), None), 0);
        assert!(backend.session().is_ok());
        assert!(matches!(backend.store_state(), StoreState::Open));
        // Opening again keeps the session it has.
        let first = backend.session().unwrap();
        backend.open(DataDir::resolve(Some(dir.path().join("other")), None), 0);
        assert!(Arc::ptr_eq(&first, &backend.session().unwrap()));
    }

    #[test]
    fn a_store_that_cannot_open_is_a_failure_the_window_shows() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let backend = Backend::opening();
        backend.open(DataDir::resolve(Some(file), None), 0);
        match backend.store_state() {
            StoreState::Failed { error } => assert!(!error.message.is_empty()),
            _ => panic!("expected a failure"),
        }
    }
}
