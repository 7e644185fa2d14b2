//! A running engine: the outbox worker and the inbound poller over one session, and the
//! event stream the shells listen to.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::ComplianceSettings;
use crate::consent;
use crate::events::{EngineEvent, Events};
use crate::inbound::poller::{BatchReport, PollError, Poller};
use crate::inbound::relay_client::{RelayClient, RelayEndpoint};
use crate::outbound::compose::{self, Audience, Composed, Draft};
use crate::outbound::policy::RetryPolicy;
use crate::outbound::preflight::{self, Preflight};
use crate::outbound::size_meter::{self, SizeMeter};
use crate::outbound::worker::OutboxWorker;
use crate::provider::ProviderEndpoint;
use crate::transport::Transport;
use crate::{EngineError, Session};
use store::MessageId;

/// Everything the pipelines need to run.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub provider: ProviderEndpoint,
    pub relay: RelayEndpoint,
    /// The key the relay's cursor is stored under (its URL, or a fixed name for the demo).
    pub relay_key: String,
    pub retry: RetryPolicy,
    /// Seeds TransactionIDs and jitter (tests fix it; the app draws one).
    pub seed: u64,
    /// Hold messages until the recipients' quiet hours end (the configuration's
    /// `quiet_hours`, on by default).
    pub quiet_hours: bool,
    /// The automatic messages' wording, keywords, footer and opt-in policy.
    pub compliance: ComplianceSettings,
}

/// The pipelines over one session.
#[derive(Debug)]
pub struct Engine {
    session: Arc<Session>,
    outbox: Arc<OutboxWorker>,
    poller: Arc<Poller>,
    events: Events,
    clock: Arc<dyn Clock>,
    our_number: String,
    quiet_hours: bool,
    rules: Arc<consent::Rules>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Engine {
    /// Builds the pipelines without starting the background loops (the CLI's one-shot
    /// `send` and `poll --once`); [`Engine::start_background`] starts them.
    pub fn new(
        session: Arc<Session>,
        config: EngineConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Engine, EngineError> {
        let events = Events::default();
        let our_number = config.provider.sender.clone();
        let quiet_hours = config.quiet_hours;
        let rules = Arc::new(consent::Rules::new(config.compliance));
        let profile = config.provider.name.clone();
        let now = clock.now_ms();
        session.write(|w| w.add_account(&profile, &our_number, now).map(|_| ()))?;
        let transport = Transport::new(Arc::new(config.provider))?;
        let outbox = OutboxWorker::new(
            session.clone(),
            transport,
            clock.clone(),
            config.retry,
            events.clone(),
            config.seed,
        );
        let client = RelayClient::new(config.relay).map_err(|e| EngineError::Start {
            what: "the relay client",
            detail: e.to_string(),
        })?;
        let poller = Arc::new(Poller::new(
            session.clone(),
            client,
            config.relay_key,
            clock.clone(),
            events.clone(),
            rules.clone(),
        ));
        let (shutdown, _) = watch::channel(false);
        Ok(Engine {
            session,
            outbox,
            poller,
            events,
            clock,
            our_number,
            quiet_hours,
            rules,
            shutdown,
            tasks: Vec::new(),
        })
    }

    /// Starts the outbox worker, the poller and the store-event bridge.
    pub fn start_background(&mut self, seed: u64) -> Result<(), EngineError> {
        let outbox = self.outbox.clone();
        self.tasks
            .push(tokio::spawn(outbox.run(self.shutdown.subscribe())));
        let poller = self.poller.clone();
        let stop = self.shutdown.subscribe();
        self.tasks
            .push(tokio::spawn(async move { poller.run(stop, seed).await }));
        let feed = self.session.subscribe()?;
        let events = self.events.clone();
        std::thread::Builder::new()
            .name("store-events".into())
            .spawn(move || {
                // Ends when the session (and so the store's sender) is dropped.
                for event in feed {
                    events.send(EngineEvent::Store(event));
                }
            })
            .map_err(|e| EngineError::Runtime(e.to_string()))?;
        Ok(())
    }

    pub fn session(&self) -> &Arc<Session> {
        &self.session
    }

    pub fn our_number(&self) -> &str {
        &self.our_number
    }

    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.events.subscribe()
    }

    /// Writes a message and its jobs (durable before anything is sent) and wakes the
    /// outbox.
    pub async fn send(&self, draft: Draft) -> Result<Composed, EngineError> {
        self.send_with(draft, None).await
    }

    /// [`Engine::send`] now even in the recipients' quiet hours, for the recorded `reason`
    /// (an incident is not marketing).
    pub async fn send_urgent(&self, draft: Draft, reason: String) -> Result<Composed, EngineError> {
        self.send_with(draft, Some(reason)).await
    }

    async fn send_with(
        &self,
        draft: Draft,
        urgent: Option<String>,
    ) -> Result<Composed, EngineError> {
        let session = self.session.clone();
        let our = self.our_number.clone();
        let now = self.clock.now_ms();
        let rules = compose::SendRules {
            urgent,
            ..self.send_rules()
        };
        let composed = tokio::task::spawn_blocking(move || {
            compose::compose(&session, &our, &draft, &rules, now)
        })
        .await
        .map_err(|e| EngineError::Runtime(e.to_string()))??;
        self.outbox.wake();
        Ok(composed)
    }

    /// The send-time rules this engine's configuration asks for.
    fn send_rules(&self) -> compose::SendRules {
        compose::SendRules::configured(self.quiet_hours, &self.rules.settings)
    }

    /// What sending to `audience` now would do (who is skipped, held, warned about).
    pub fn preflight(&self, audience: &Audience) -> Result<Preflight, EngineError> {
        preflight::preflight(
            &self.session,
            audience,
            &self.send_rules(),
            self.clock.now_ms(),
        )
    }

    /// The composer's size meter for `text` and `attachments` to `audience`.
    pub fn size_meter(
        &self,
        audience: &Audience,
        text: &str,
        attachments: &[compose::Attachment],
    ) -> Result<SizeMeter, EngineError> {
        size_meter::size_meter(&self.session, audience, text, attachments)
    }

    /// Sends `message` again to its recipients whose delivery failed, expired or was
    /// rejected, unless they have opted out since. Returns how many were requeued.
    pub async fn retry(&self, message: MessageId) -> Result<usize, EngineError> {
        let session = self.session.clone();
        let now = self.clock.now_ms();
        let requeued = tokio::task::spawn_blocking(move || {
            let failed: Vec<String> = session
                .message(message)?
                .deliveries
                .into_iter()
                .filter(|d| d.state.is_failure())
                .map(|d| d.recipient)
                .collect();
            let mut allowed = Vec::with_capacity(failed.len());
            for number in failed {
                if session.consent_status(&number)? != store::ConsentStatus::OptedOut {
                    allowed.push(number);
                }
            }
            let requeued = session.write(|w| {
                let requeued =
                    w.requeue_failed(message, allowed.iter().map(String::as_str), now)?;
                if !requeued.is_empty() {
                    w.set_message_state(message, store::MessageState::Queued)?;
                }
                Ok(requeued)
            })?;
            Ok::<_, EngineError>(requeued.len())
        })
        .await
        .map_err(|e| EngineError::Runtime(e.to_string()))??;
        if requeued > 0 {
            self.outbox.wake();
        }
        Ok(requeued)
    }

    /// Sends everything due, waiting for retries due within `horizon`.
    pub async fn drain_outbox(&self, horizon: Duration) -> Result<(), EngineError> {
        self.outbox.drain(horizon).await
    }

    /// Reads the relay once, waiting up to `wait` for something new.
    pub async fn poll_once(&self, wait: Duration) -> Result<BatchReport, PollError> {
        self.poller.poll_once(wait).await
    }

    /// Stops the loops and waits for attempts in flight to be recorded.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
