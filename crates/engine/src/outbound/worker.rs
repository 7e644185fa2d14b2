//! The outbox worker: sends due jobs with bounded concurrency and a rate limit, and records
//! every answer before looking at the next one.
//!
//! Per job: commit the attempt and its TransactionID, send, then commit what the answer
//! means (see [`super::policy`]). A job that is being sent is not picked twice by this
//! process; a crash loses only the in-memory set, and the restarted worker sends what the
//! store still lists as pending (the documented duplicate window, [`super`]).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use store::{DeliveryState, DeliveryUpdate, JobId, MessageState, OutboxJob};
use tokio::sync::{Notify, Semaphore, watch};
use tokio::time::Instant;

use super::lease::OutboxLease;
use super::policy::{Decision, RetryPolicy, decide};
use super::request::{self, OutgoingPart};
use crate::clock::Clock;
use crate::events::{EngineEvent, Events, OutboxStatus};
use crate::ids::RandomIds;
use crate::transport::Transport;
use crate::{EngineError, Session};

/// Why a job ends unsent when its recipient opted out after it was queued.
const OPTED_OUT: &str = "not sent: the recipient has opted out (STOP)";

/// How often the worker looks at the outbox when nothing wakes it.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// How often the worker looks for unconfirmed submits to give up
/// ([`Session::expire_unconfirmed`]), in milliseconds of the engine's clock.
const EXPIRY_EVERY_MS: i64 = 60_000;

/// Sends the outbox.
#[derive(Debug)]
pub struct OutboxWorker {
    session: Arc<Session>,
    transport: Transport,
    clock: Arc<dyn Clock>,
    policy: RetryPolicy,
    events: Events,
    wake: Notify,
    permits: Arc<Semaphore>,
    in_flight: Mutex<HashSet<JobId>>,
    ids: Mutex<RandomIds>,
    jitter: Mutex<fastrand::Rng>,
    pacing: tokio::sync::Mutex<Instant>,
    lease: OutboxLease,
    /// When unconfirmed submits were last looked at (engine clock, ms).
    expiry_checked_at: Mutex<Option<i64>>,
}

impl OutboxWorker {
    pub fn new(
        session: Arc<Session>,
        transport: Transport,
        clock: Arc<dyn Clock>,
        policy: RetryPolicy,
        events: Events,
        seed: u64,
    ) -> Arc<Self> {
        let concurrency = transport.endpoint().max_concurrency.max(1);
        let session_dir = session.data_dir().path().to_path_buf();
        Arc::new(OutboxWorker {
            session,
            ids: Mutex::new(RandomIds::new(seed, clock.clone())),
            transport,
            clock,
            policy,
            events,
            wake: Notify::new(),
            permits: Arc::new(Semaphore::new(concurrency)),
            in_flight: Mutex::new(HashSet::new()),
            jitter: Mutex::new(fastrand::Rng::with_seed(seed ^ 0x9e37_79b9)),
            pacing: tokio::sync::Mutex::new(Instant::now()),
            lease: OutboxLease::new(session_dir.as_path()),
            expiry_checked_at: Mutex::new(None),
        })
    }

    /// Wakes the worker now (a message was just composed).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs until `shutdown` turns true, then waits for the attempts in flight.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut tasks = tokio::task::JoinSet::new();
        loop {
            if *shutdown.borrow() {
                break;
            }
            let next_due = match self.dispatch(&mut tasks).await {
                Ok(next) => next,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: cannot read due jobs");
                    Some(IDLE_POLL)
                }
            };
            let wait = next_due.unwrap_or(IDLE_POLL).min(IDLE_POLL);
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = self.wake.notified() => {}
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        while tasks.join_next().await.is_some() {}
    }

    /// Sends every job that is due now and waits until the outbox holds nothing due
    /// within `horizon` (`groupline send` and tests; the app uses [`Self::run`]).
    pub async fn drain(self: &Arc<Self>, horizon: Duration) -> Result<(), EngineError> {
        if !self.lease.hold()? {
            return Err(EngineError::OutboxElsewhere);
        }
        let mut tasks = tokio::task::JoinSet::new();
        loop {
            let next = self.dispatch(&mut tasks).await?;
            if tasks.is_empty() {
                match next {
                    Some(wait) if wait <= horizon => tokio::time::sleep(wait).await,
                    _ => return Ok(()),
                }
            } else {
                tasks.join_next().await;
            }
        }
    }

    /// Starts an attempt for each due job not already in flight, as permits allow. Returns
    /// how long until the next pending job is due, if any.
    async fn dispatch(
        self: &Arc<Self>,
        tasks: &mut tokio::task::JoinSet<()>,
    ) -> Result<Option<Duration>, EngineError> {
        if !self.lease.hold()? {
            // Another process sends this outbox; look again later in case it stops.
            return Ok(Some(IDLE_POLL));
        }
        let now = self.clock.now_ms();
        let expire = {
            let mut checked = self.expiry_checked_at.lock().expect("expiry lock");
            let due = checked.is_none_or(|at| now - at >= EXPIRY_EVERY_MS);
            if due {
                *checked = Some(now);
            }
            due
        };
        let session = self.session.clone();
        let (due, next_at) = tokio::task::spawn_blocking(move || {
            if expire {
                session.expire_unconfirmed(now)?;
            }
            Ok::<_, EngineError>((session.due_jobs(now, 256)?, session.next_job_due_at()?))
        })
        .await
        .map_err(|e| EngineError::Runtime(e.to_string()))??;
        for job in due {
            if !self
                .in_flight
                .lock()
                .expect("in-flight lock")
                .insert(job.id)
            {
                continue;
            }
            let permit = self
                .permits
                .clone()
                .acquire_owned()
                .await
                .expect("never closed");
            self.pace().await;
            let worker = self.clone();
            tasks.spawn(async move {
                let id = job.id;
                if let Err(e) = worker.attempt(job).await {
                    tracing::warn!(job = id.0, error = %e, "outbox: attempt not recorded; will retry");
                }
                worker.in_flight.lock().expect("in-flight lock").remove(&id);
                drop(permit);
            });
        }
        self.publish_status();
        Ok(next_at.map(|at| Duration::from_millis((at - self.clock.now_ms()).max(0) as u64)))
    }

    /// Waits for the next send slot under the profile's rate.
    async fn pace(&self) {
        let rate = self.transport.endpoint().rate_per_second;
        if !(rate > 0.0 && rate.is_finite()) {
            return;
        }
        let gap = Duration::from_secs_f64(1.0 / rate);
        let mut next = self.pacing.lock().await;
        let now = Instant::now();
        let slot = (*next).max(now);
        *next = slot + gap;
        drop(next);
        tokio::time::sleep_until(slot).await;
    }

    fn publish_status(&self) {
        let in_flight = self.in_flight.lock().expect("in-flight lock").len();
        let session = self.session.clone();
        let pending = session.pending_jobs().unwrap_or(0);
        self.events
            .send(EngineEvent::Outbox(OutboxStatus { pending, in_flight }));
    }

    /// One attempt of one job, start to recorded outcome.
    async fn attempt(&self, job: OutboxJob) -> Result<(), EngineError> {
        let session = self.session.clone();
        let message_id = job.message_id;
        let loaded = tokio::task::spawn_blocking(move || session.outgoing(message_id))
            .await
            .map_err(|e| EngineError::Runtime(e.to_string()))??;

        // A job with a TransactionID was attempted before (a crash, or a retry): reuse it so
        // a provider that deduplicates by TransactionID sees the same request again.
        let transaction_id = match &job.transaction_id {
            Some(t) => t.clone(),
            None => mm7::IdSource::transaction_id(&mut *self.ids.lock().expect("ids lock")),
        };
        let built = {
            let mut ids = self.ids.lock().expect("ids lock");
            request::build(
                self.transport.endpoint(),
                loaded.kind,
                &loaded.participants,
                &job.recipient,
                loaded.subject.as_deref(),
                &loaded.body,
                loaded.parts.clone(),
                &transaction_id,
                &mut *ids,
            )
            .and_then(|r| {
                mm7::encode_body(
                    &r.envelope,
                    &r.parts,
                    mm7::TransferEncoding::Binary,
                    &mut *ids,
                )
                .map_err(|e| EngineError::Compose(e.to_string()))
            })
        };
        let encoded = match built {
            Ok(encoded) => encoded,
            Err(e) => {
                let decision = Decision::Fail {
                    status_code: None,
                    reason: format!("cannot build the request: {e}"),
                    rejected: false,
                };
                return self.record(&job, &transaction_id, decision).await;
            }
        };

        let (session, job_id, tx) = (self.session.clone(), job.id, transaction_id.clone());
        let recipient = job.recipient.clone();
        let now = self.clock.now_ms();
        // The consent check and the attempt commit together: once an opt-out has
        // committed, no attempt to that number starts (its confirmation excepted).
        let allowed = tokio::task::spawn_blocking(move || {
            let allowed = session.write(|w| {
                let carrier = w.carrier_of(&recipient)?;
                if !crate::consent::may_send(w, &recipient, message_id)? {
                    w.give_up_job(job_id, OPTED_OUT)?;
                    w.update_delivery(
                        message_id,
                        &recipient,
                        &DeliveryUpdate {
                            state: DeliveryState::Failed,
                            provider_message_id: None,
                            status_code: None,
                            status_text: Some(OPTED_OUT),
                            at: now,
                        },
                    )?;
                    return Ok(None);
                }
                w.start_attempt(job_id, &tx)?;
                w.set_message_state(message_id, MessageState::Sending)?;
                Ok(Some(carrier))
            })?;
            if allowed.is_none() {
                session.settle_message_state(message_id)?;
            }
            Ok::<_, EngineError>(allowed)
        })
        .await
        .map_err(|e| EngineError::Runtime(e.to_string()))??;
        // The recipient's carrier, as the provider last reported it: sent back (when the
        // profile says so) to spare a billed lookup.
        let Some(carrier) = allowed else {
            return Ok(());
        };

        let answer = self.transport.submit(encoded, carrier.as_deref()).await;
        let jitter = self.jitter.lock().expect("jitter lock").f64();
        let decision = decide(&answer, job.attempts + 1, &self.policy, jitter);
        tracing::debug!(job = job.id.0, recipient = %job.recipient, ?decision, "outbox attempt");
        self.record(&job, &transaction_id, decision).await
    }

    /// Commits what an attempt's answer means, then the message's overall state.
    async fn record(
        &self,
        job: &OutboxJob,
        transaction_id: &str,
        decision: Decision,
    ) -> Result<(), EngineError> {
        let session = self.session.clone();
        let (job_id, message_id, recipient) = (job.id, job.message_id, job.recipient.clone());
        let now = self.clock.now_ms();
        tracing::trace!(job = job_id.0, transaction_id, "recording outcome");
        tokio::task::spawn_blocking(move || {
            session.write(|w| {
                match &decision {
                    Decision::Submitted {
                        message_id: provider_id,
                        status_code,
                        status_text,
                        confirmed,
                    } => {
                        w.complete_job(job_id)?;
                        w.update_delivery(
                            message_id,
                            &recipient,
                            &DeliveryUpdate {
                                state: if *confirmed {
                                    DeliveryState::Accepted
                                } else {
                                    DeliveryState::Submitted
                                },
                                provider_message_id: provider_id.as_deref(),
                                status_code: *status_code,
                                status_text: Some(status_text),
                                at: now,
                            },
                        )?;
                    }
                    Decision::Retry { delay, reason } => {
                        w.retry_job(job_id, reason, now + delay.as_millis() as i64)?;
                    }
                    Decision::Fail {
                        status_code,
                        reason,
                        rejected,
                    } => {
                        w.give_up_job(job_id, reason)?;
                        w.update_delivery(
                            message_id,
                            &recipient,
                            &DeliveryUpdate {
                                state: if *rejected {
                                    DeliveryState::Rejected
                                } else {
                                    DeliveryState::Failed
                                },
                                provider_message_id: None,
                                status_code: *status_code,
                                status_text: Some(reason),
                                at: now,
                            },
                        )?;
                    }
                }
                Ok(())
            })?;
            session.settle_message_state(message_id)
        })
        .await
        .map_err(|e| EngineError::Runtime(e.to_string()))?
    }
}

/// A stored outgoing message, as the worker needs it to build requests.
#[derive(Debug, Clone)]
pub struct LoadedMessage {
    pub kind: store::ThreadKind,
    pub participants: Vec<String>,
    pub subject: Option<String>,
    pub body: String,
    pub parts: Vec<OutgoingPart>,
}
