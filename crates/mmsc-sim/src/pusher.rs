//! Pushes to the relay the way Sinch does: one POST per DeliverReq / DeliveryReportReq,
//! a response timeout, and retries at a fixed interval when the answer is not HTTP 200
//! with a success status echoing the TransactionID (BRIEF §5). The bytes are encoded
//! once, so every retry is the identical request (the relay dedupes on that).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mm7::{Envelope, Part, TransferEncoding};
use tokio::sync::watch;

use crate::clock::Clock;
use crate::config::{PushTarget, RetryPolicy};
use crate::faults::PushFaultPlan;
use crate::recorder::{LogEvent, Recorder};
use crate::seeded::SharedIds;

/// One message to push.
pub(crate) struct Push {
    pub envelope: Envelope,
    pub parts: Vec<Part<'static>>,
    /// The handset it is about (recorded in the log).
    pub participant: Option<String>,
    pub message_id: Option<String>,
    /// Sent as `x-mblox-operator-id`, as Sinch does on MO and DLR posts.
    pub operator_id: Option<String>,
}

pub(crate) struct Pusher {
    pub client: reqwest::Client,
    pub target: PushTarget,
    pub retry: RetryPolicy,
    pub recorder: Arc<Recorder>,
    pub ids: SharedIds,
    pub clock: Arc<dyn Clock>,
    pub shutdown: watch::Receiver<bool>,
    /// Attempts to garble, drawn per attempt with the seeded generator.
    pub faults: Mutex<PushFaultPlan>,
}

enum Outcome {
    Answered {
        http: u16,
        code: u16,
    },
    Refused {
        http: u16,
        code: Option<u16>,
        why: String,
    },
    Failed(String),
}

impl Pusher {
    /// Pushes `push` after `delay`, retrying per the policy, in the background.
    pub(crate) fn spawn(self: &Arc<Self>, push: Push, delay: Duration) {
        let this = self.clone();
        tokio::spawn(async move {
            let mut shutdown = this.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = async { let _ = shutdown.wait_for(|s| *s).await; } => return,
            }
            this.deliver(push).await;
        });
    }

    /// Pushes `push` now, retrying per the policy; true once the relay answered it.
    pub(crate) async fn deliver(&self, push: Push) -> bool {
        let encoded = {
            let mut ids = self.ids.lock().expect("ids lock");
            mm7::encode_body(
                &push.envelope,
                &push.parts,
                TransferEncoding::Binary,
                &mut *ids,
            )
        };
        let encoded = match encoded {
            Ok(e) => e,
            Err(e) => {
                tracing::error!("cannot encode a push: {e}");
                return false;
            }
        };
        let body = bytes::Bytes::from(encoded.body);
        let soap_action = format!(
            "\"{}\"",
            push.envelope.namespace.clone().unwrap_or_default()
        );
        let mut shutdown = self.shutdown.clone();
        for attempt in 1..=self.retry.retries + 1 {
            let fault = {
                let mut plan = self.faults.lock().expect("push faults lock");
                let mut ids = self.ids.lock().expect("ids lock");
                plan.draw(|| ids.rng().next_f64())
            };
            let (content_type, sent) = match fault {
                Some(f) => {
                    let (garbled, ct) = f.garble(&body, &encoded.content_type);
                    (ct, bytes::Bytes::from(garbled))
                }
                None => (encoded.content_type.clone(), body.clone()),
            };
            let mut request = self
                .client
                .post(&self.target.url)
                .timeout(self.retry.timeout)
                .header("Content-Type", content_type)
                .header("SOAPAction", &soap_action)
                .body(sent);
            if let Some((user, password)) = &self.target.basic {
                request = request.basic_auth(user, Some(password));
            }
            if let Some(op) = &push.operator_id {
                request = request.header("x-mblox-operator-id", op);
            }
            let outcome = match request.send().await {
                Err(e) => Outcome::Failed(e.to_string()),
                Ok(response) => {
                    let http = response.status().as_u16();
                    let content_type = response
                        .headers()
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    match response.bytes().await {
                        Err(e) => Outcome::Failed(e.to_string()),
                        Ok(bytes) => judge(&push.envelope, http, content_type.as_deref(), &bytes),
                    }
                }
            };
            let mut event = LogEvent::new(self.clock.now_ms(), "push");
            event.kind = Some(push.envelope.kind().element().to_owned());
            event.transaction_id = push.envelope.transaction_id.clone();
            event.participant = push.participant.clone();
            event.message_id = push.message_id.clone();
            event.attempt = Some(attempt);
            event.fault = fault.map(|f| format!("{f:?}"));
            let done = match outcome {
                Outcome::Answered { http, code } => {
                    event.http_status = Some(http);
                    event.status_code = Some(code);
                    event.answered = true;
                    true
                }
                Outcome::Refused { http, code, why } => {
                    event.http_status = Some(http);
                    event.status_code = code;
                    event.error = Some(why);
                    false
                }
                Outcome::Failed(why) => {
                    event.error = Some(why);
                    false
                }
            };
            self.recorder.record(event);
            if done {
                return true;
            }
            if attempt <= self.retry.retries {
                tokio::select! {
                    _ = tokio::time::sleep(self.retry.interval) => {}
                    _ = async { let _ = shutdown.wait_for(|s| *s).await; } => return false,
                }
            }
        }
        let mut event = LogEvent::new(self.clock.now_ms(), "push_gave_up");
        event.kind = Some(push.envelope.kind().element().to_owned());
        event.transaction_id = push.envelope.transaction_id.clone();
        event.participant = push.participant;
        event.message_id = push.message_id;
        self.recorder.record(event);
        false
    }
}

/// Sinch's rule: HTTP 200 with a proper SOAP response, the same TransactionID, 1xxx.
fn judge(sent: &Envelope, http: u16, content_type: Option<&str>, body: &[u8]) -> Outcome {
    let decoded = match mm7::decode_body(body, content_type, &mm7::Limits::default()) {
        Ok(d) => d,
        Err(e) => {
            return Outcome::Refused {
                http,
                code: None,
                why: format!("undecodable answer: {e}"),
            };
        }
    };
    let code = decoded.envelope.status().map(|s| s.code);
    let echoed = decoded.envelope.transaction_id == sent.transaction_id;
    match code {
        Some(c) if http == 200 && c.is_success() && echoed => Outcome::Answered { http, code: c.0 },
        _ => Outcome::Refused {
            http,
            code: code.map(|c| c.0),
            why: if echoed {
                "not a 200 success".into()
            } else {
                "TransactionID not echoed".into()
            },
        },
    }
}
