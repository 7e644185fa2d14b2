//! The simulator's HTTP side: `POST {submit_path}` takes SubmitReqs the way Sinch does,
//! `GET /sim/log` returns the event log, `GET /health` answers ok. Accepted submits get a
//! delivery report pushed after the configured delay; a script plays from the start.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use mm7::message::{DeliveryReportReq, ErrorRsp, SubmitRsp};
use mm7::{Address, Body, Envelope, Status, TransferEncoding, Version};
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::xs_date_time;
use crate::config::SimConfig;
use crate::faults::{Fault, FaultPlan};
use crate::pusher::{Push, Pusher};
use crate::recorder::{LogEvent, Recorder};
use crate::script::{Script, operator_id};
use crate::seeded::{SharedIds, SimIds};
use crate::sinch_checks::{SubmitHttp, check_submit, deliver_to};
use crate::throughput::Throughput;

type HttpResponse = Response<Full<Bytes>>;

/// Why the simulator could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SimError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot open the log file: {0}")]
    Log(std::io::Error),
    #[error("cannot build the push client: {0}")]
    Client(String),
}

/// Why [`SimHandle::push_mo`] could not hand a message to the relay.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PushError {
    #[error("the simulator has no push target (SimConfig::push_to)")]
    NoTarget,
    #[error("the relay did not take the push; see the simulator's log")]
    NotTaken,
}

/// A message a handset sends us now (MO), for [`SimHandle::push_mo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoMessage {
    /// The handset's number, international format without `+`.
    pub from: String,
    /// The other participants of a group, the same way; empty for a one-to-one message.
    pub group: Vec<String>,
    pub text: String,
}

/// Returned by the service to make hyper drop the connection without answering.
#[derive(Debug, Error)]
#[error("injected connection reset")]
struct InjectedReset;

struct Shared {
    config: SimConfig,
    ids: SharedIds,
    recorder: Arc<Recorder>,
    faults: Mutex<FaultPlan>,
    throughput: Throughput,
    pusher: Option<Arc<Pusher>>,
    /// MMStatus per recipient number, from the script.
    report_status: HashMap<String, String>,
}

/// Starts simulators.
pub struct Simulator;

/// A running simulator.
pub struct SimHandle {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Simulator {
    /// Binds, starts serving, and starts the script (if any) when there is a push target.
    pub async fn start(mut config: SimConfig) -> Result<SimHandle, SimError> {
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| SimError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: config.listen,
            source,
        })?;
        let (stop, shutdown) = watch::channel(false);
        let recorder = Arc::new(Recorder::new(config.log_path.as_ref()).map_err(SimError::Log)?);
        let ids: SharedIds = Arc::new(Mutex::new(SimIds::new(config.seed, config.clock.clone())));
        let pusher = match &config.push_to {
            Some(target) => Some(Arc::new(Pusher {
                client: reqwest::Client::builder()
                    .pool_max_idle_per_host(64)
                    .build()
                    .map_err(|e| SimError::Client(e.to_string()))?,
                target: target.clone(),
                retry: config.retry,
                recorder: recorder.clone(),
                ids: ids.clone(),
                clock: config.clock.clone(),
                shutdown: shutdown.clone(),
                faults: Mutex::new({
                    let mut plan = config.push_faults.clone();
                    if let Some(p) = config.script.as_ref().and_then(|s| s.push_faults.as_ref()) {
                        plan.merge(p);
                    }
                    plan
                }),
            })),
            None => None,
        };
        let mut faults = config.faults.clone();
        let mut report_status = HashMap::new();
        if let Some(script) = &config.script {
            if let Some(plan) = &script.faults {
                faults.next.extend(plan.next.iter().copied());
                if plan.random_fraction > 0.0 {
                    faults.random_fraction = plan.random_fraction;
                    faults.random_faults = plan.random_faults.clone();
                }
            }
            for c in &script.cast {
                if let Some(s) = script.report_status(&c.number) {
                    report_status.insert(c.number.clone(), s.to_owned());
                }
            }
            if config
                .script
                .as_ref()
                .and_then(|s| s.our_number.clone())
                .is_none()
                && let Some(s) = config.script.as_mut()
            {
                s.our_number = config.account.senders.first().cloned();
            }
        }
        let shared = Arc::new(Shared {
            ids,
            recorder,
            faults: Mutex::new(faults),
            throughput: Throughput::default(),
            pusher,
            report_status,
            config,
        });
        let mut tasks = vec![tokio::spawn(accept_loop(
            listener,
            shared.clone(),
            shutdown.clone(),
        ))];
        if let (Some(script), Some(pusher)) = (shared.config.script.clone(), shared.pusher.clone())
        {
            tasks.push(tokio::spawn(play(
                script,
                shared.clone(),
                pusher,
                shutdown.clone(),
            )));
        }
        Ok(SimHandle {
            addr,
            shared,
            stop,
            tasks,
        })
    }
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// Everything received and pushed so far, in order.
    pub fn log(&self) -> Vec<LogEvent> {
        self.shared.recorder.events()
    }

    /// Pushes `mo` to the relay now, as Sinch pushes what a handset sent (a DeliverReq in
    /// Sinch's group form when it has a group), and returns once the relay has answered it,
    /// retrying per the policy. Returns the LinkedID it carried. Tests drive a conversation
    /// with this one message at a time, where a [`Script`] plays a fixed story.
    pub async fn push_mo(&self, mo: &MoMessage) -> Result<String, PushError> {
        let pusher = self.shared.pusher.as_ref().ok_or(PushError::NoTarget)?;
        let our = self
            .shared
            .config
            .script
            .as_ref()
            .and_then(|s| s.our_number.clone())
            .or_else(|| self.shared.config.account.senders.first().cloned())
            .unwrap_or_default();
        let envelope = {
            let mut ids = self.shared.ids.lock().expect("ids lock");
            let now = xs_date_time(self.shared.config.clock.now_ms());
            let group: Vec<&str> = mo.group.iter().map(String::as_str).collect();
            crate::script::mo_envelope(&mo.from, &group, &our, None, &mut ids, now)
        };
        let linked_id = match &envelope.body {
            Body::DeliverReq(d) => d.linked_id.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let push = Push {
            envelope,
            parts: vec![mm7::Part::new(
                "text/plain; charset=utf-8",
                mo.text.clone().into_bytes(),
            )],
            participant: Some(mo.from.clone()),
            message_id: Some(linked_id.clone()),
            operator_id: None,
        };
        if pusher.deliver(push).await {
            Ok(linked_id)
        } else {
            Err(PushError::NotTaken)
        }
    }

    /// Where to POST SubmitReqs.
    pub fn submit_url(&self) -> String {
        format!("http://{}{}", self.addr, self.shared.config.submit_path)
    }

    /// Stops serving and abandons pending pushes.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = async { let _ = shutdown.wait_for(|s| *s).await; } => return,
        };
        let Ok((stream, _)) = accepted else { continue };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let shared = shared.clone();
                async move { route(&shared, req).await }
            });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = async { let _ = shutdown.wait_for(|s| *s).await; } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
                }
            }
        });
    }
}

async fn route(shared: &Shared, req: Request<Incoming>) -> Result<HttpResponse, InjectedReset> {
    let path = req.uri().path().to_owned();
    Ok(match (req.method(), path.as_str()) {
        (&Method::POST, p) if p == shared.config.submit_path => return submit(shared, req).await,
        (&Method::GET, "/sim/log") => {
            json(serde_json::to_string(&shared.recorder.events()).expect("log serializes"))
        }
        (&Method::GET, "/health") => json(r#"{"status":"ok"}"#.to_owned()),
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Full::new(Bytes::from_static(b"not found\n")))
            .expect("static response"),
    })
}

fn json(body: String) -> HttpResponse {
    Response::builder()
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("static response")
}

async fn submit(shared: &Shared, req: Request<Incoming>) -> Result<HttpResponse, InjectedReset> {
    let now = shared.config.clock.now_ms();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (content_type, content_length, authorization) = (
        header("content-type"),
        header("content-length"),
        header("authorization"),
    );
    // Sinch takes the carrier from the submit when the VASP names it (either spelling).
    let submitted_operator = header("x-mblox-operator-id").or_else(|| header("x-mblox-carrier-id"));
    let Ok(body) = Limited::new(req.into_body(), 64 << 20).collect().await else {
        return Ok(rs_error(None, 2560, "Request too large"));
    };
    let body = body.to_bytes();
    let fault = {
        let mut plan = shared.faults.lock().expect("faults lock");
        let mut ids = shared.ids.lock().expect("ids lock");
        plan.draw(|| ids.rng().next_f64())
    };
    let mut event = LogEvent::new(now, "submit");
    event.fault = fault.map(|f| format!("{f:?}"));
    if fault.is_some_and(|f| !f.accepts_submit()) {
        // Refused unread, but the log still says who it was for: a test counting what
        // reached a number counts these too.
        name_request(&mut event, &body, content_type.as_deref());
    }
    match fault {
        Some(Fault::Http500 | Fault::Http503) => {
            let status = if fault == Some(Fault::Http500) {
                500
            } else {
                503
            };
            event.http_status = Some(status);
            shared.recorder.record(event);
            return Ok(Response::builder()
                .status(status)
                .header("Content-Type", "text/plain")
                .body(Full::new(Bytes::from_static(b"injected failure\n")))
                .expect("static response"));
        }
        Some(Fault::Reset) => {
            shared.recorder.record(event);
            return Err(InjectedReset);
        }
        Some(Fault::Delay(ms)) => tokio::time::sleep(Duration::from_millis(ms)).await,
        _ => {}
    }
    let http = SubmitHttp {
        content_type: content_type.as_deref(),
        content_length: content_length.as_deref(),
        authorization: authorization.as_deref(),
        body: &body,
    };
    let checked = check_submit(&shared.config.account, &http).and_then(|decoded| {
        match shared.config.account.max_submits_per_second {
            Some(rate) if !shared.throughput.admit(now, rate) => {
                Err(crate::sinch_checks::Rejection {
                    code: 3510,
                    text: "Throughput exceeded, retry later".into(),
                })
            }
            _ => Ok(decoded),
        }
    });
    let decoded = match checked {
        Err(rejection) => {
            let request = mm7::decode_body(&body, content_type.as_deref(), &mm7::Limits::default())
                .ok()
                .map(|d| d.envelope);
            event.kind = request.as_ref().map(|e| e.kind().element().to_owned());
            event.transaction_id = request.as_ref().and_then(|e| e.transaction_id.clone());
            event.http_status = Some(500);
            event.status_code = Some(rejection.code);
            event.error = Some(rejection.text.clone());
            shared.recorder.record(event);
            return Ok(rs_error(request.as_ref(), rejection.code, &rejection.text));
        }
        Ok(d) => d,
    };
    let Body::SubmitReq(request) = &decoded.envelope.body else {
        unreachable!("check_submit only passes SubmitReq");
    };
    let message_id = shared.ids.lock().expect("ids lock").message_id();
    let target = deliver_to(request).cloned();
    event.kind = Some("SubmitReq".into());
    event.transaction_id = decoded.envelope.transaction_id.clone();
    name_submit(&mut event, request);
    event.message_id = Some(message_id.clone());
    event.http_status = Some(200);
    event.status_code = Some(1000);
    shared.recorder.record(event);

    if let (Some(pusher), Some(target)) = (&shared.pusher, target)
        && request.delivery_report != Some(false)
    {
        let status = shared
            .report_status
            .get(&target.value)
            .cloned()
            .unwrap_or_else(|| shared.config.dlr_status.clone());
        let report = DeliveryReportReq {
            message_id: Some(message_id.clone()),
            recipient: Some(Address::new(target.kind, target.value.clone())),
            sender: request.sender_identification.sender.clone(),
            date: Some(xs_date_time(
                shared.config.clock.now_ms() + shared.config.dlr_delay.as_millis() as i64,
            )),
            status_text: Some(status_text(&status).to_owned()),
            mm_status: Some(status),
            ..DeliveryReportReq::default()
        };
        let transaction_id = {
            use mm7::IdSource;
            shared.ids.lock().expect("ids lock").transaction_id()
        };
        pusher.spawn(
            Push {
                envelope: Envelope::new(
                    &Version::default(),
                    transaction_id,
                    Body::DeliveryReportReq(report),
                ),
                parts: Vec::new(),
                operator_id: dlr_operator_id(shared, submitted_operator, &target.value),
                participant: Some(target.value.clone()),
                message_id: Some(message_id.clone()),
            },
            shared.config.dlr_delay,
        );
    }

    let response = decoded.envelope.respond(Body::SubmitRsp(SubmitRsp {
        status: Status::success("Success"),
        message_id: Some(message_id),
        ..SubmitRsp::default()
    }));
    let mut answer = mm7_response(StatusCode::OK, &response);
    match fault {
        Some(Fault::Truncated) => {
            let full = answer
                .body_mut()
                .collect()
                .await
                .expect("full body")
                .to_bytes();
            let cut = full.slice(..full.len() / 2);
            answer = Response::builder()
                .status(StatusCode::OK)
                .header("Content-Type", "text/xml; charset=utf-8")
                .body(Full::new(cut))
                .expect("static response");
        }
        Some(Fault::Malformed) => {
            answer = Response::builder()
                .status(StatusCode::OK)
                .header("Content-Type", "text/xml; charset=utf-8")
                .body(Full::new(Bytes::from_static(
                    b"<?xml version=\"1.0\"?><soap-env:Envelope><oops>&bogus;</wrong>",
                )))
                .expect("static response");
        }
        _ => {}
    }
    Ok(answer)
}

/// Fills in what a request was (kind, TransactionID, the participant it delivers to and
/// the group it shows) as far as it decodes.
fn name_request(event: &mut LogEvent, body: &[u8], content_type: Option<&str>) {
    let Ok(decoded) = mm7::decode_body(body, content_type, &mm7::Limits::default()) else {
        return;
    };
    event.kind = Some(decoded.envelope.kind().element().to_owned());
    event.transaction_id = decoded.envelope.transaction_id.clone();
    if let Body::SubmitReq(request) = &decoded.envelope.body {
        name_submit(event, request);
    }
}

/// The participant a SubmitReq delivers to and the others it shows (`displayOnly`).
fn name_submit(event: &mut LogEvent, request: &mm7::message::SubmitReq) {
    event.participant = deliver_to(request).map(|a| a.value.clone());
    event.group = request
        .recipients
        .iter()
        .filter(|r| !r.address.is_deliverable())
        .map(|r| r.address.value.clone())
        .collect();
}

/// The operator ID a delivery report carries, as Sinch echoes it on DLR posts: the one the
/// submit named, else the scripted recipient's carrier, else the configured fallback.
fn dlr_operator_id(shared: &Shared, submitted: Option<String>, recipient: &str) -> Option<String> {
    submitted
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            let script = shared.config.script.as_ref()?;
            let carrier = script.member(recipient)?.carrier.as_deref()?;
            operator_id(carrier).map(str::to_owned)
        })
        .or_else(|| shared.config.dlr_operator_id.clone())
}

/// Sinch's status texts for each MMStatus (BRIEF §3).
fn status_text(mm_status: &str) -> &'static str {
    match mm_status.to_ascii_lowercase().as_str() {
        "retrieved" => "Success",
        "deferred" => "Deferred",
        "expired" => "Expired",
        "forwarded" => "Forwarded",
        "notsupported" => "NotSupported",
        "rejected" => "Rejected",
        "unreachable" => "Unreachable",
        "unrecognized" | "unrecognised" => "Unrecognized",
        _ => "Indeterminate",
    }
}

/// An RSErrorRsp in a SOAP Fault (HTTP 500), echoing the request when it decoded.
fn rs_error(request: Option<&Envelope>, code: u16, text: &str) -> HttpResponse {
    let body = Body::RSErrorRsp(ErrorRsp {
        status: Status {
            code: mm7::StatusCode(code),
            text: Some(text.to_owned()),
            details: None,
        },
        fault_code: None,
        fault_string: None,
    });
    let envelope = match request {
        Some(r) => r.respond(body),
        None => Envelope::new(&Version::default(), "", body),
    };
    mm7_response(StatusCode::INTERNAL_SERVER_ERROR, &envelope)
}

fn mm7_response(status: StatusCode, envelope: &Envelope) -> HttpResponse {
    let mut ids = mm7::SequentialIds::new("sim", "");
    let encoded = mm7::encode_body(envelope, &[], TransferEncoding::Binary, &mut ids)
        .expect("a body without parts always encodes");
    Response::builder()
        .status(status)
        .header("Content-Type", encoded.content_type)
        .body(Full::new(Bytes::from(encoded.body)))
        .expect("valid response parts")
}

/// Plays a script: each message is pushed as a DeliverReq at its (scaled) time.
async fn play(
    script: Script,
    shared: Arc<Shared>,
    pusher: Arc<Pusher>,
    mut shutdown: watch::Receiver<bool>,
) {
    let start = tokio::time::Instant::now();
    let our = script.our_number.clone().unwrap_or_default();
    let mut order: Vec<usize> = (0..script.messages.len()).collect();
    order.sort_by_key(|&i| script.messages[i].at_ms);
    for i in order {
        let at = Duration::from_secs_f64(
            script.messages[i].at_ms as f64 / 1000.0 * shared.config.time_scale.max(0.0),
        );
        tokio::select! {
            _ = tokio::time::sleep_until(start + at) => {}
            _ = async { let _ = shutdown.wait_for(|s| *s).await; } => return,
        }
        let built = {
            let mut ids = shared.ids.lock().expect("ids lock");
            let now = xs_date_time(shared.config.clock.now_ms());
            script
                .deliver_req(i, &our, &mut ids, now)
                .map(|(e, p, from)| (e, p, from.number.clone(), from.carrier.clone()))
        };
        let Some((envelope, parts, from, carrier)) = built else {
            continue;
        };
        let linked_id = match &envelope.body {
            Body::DeliverReq(d) => d.linked_id.clone(),
            _ => None,
        };
        pusher.spawn(
            Push {
                envelope,
                parts,
                participant: Some(from),
                message_id: linked_id,
                operator_id: carrier.as_deref().and_then(operator_id).map(str::to_owned),
            },
            Duration::ZERO,
        );
    }
}
