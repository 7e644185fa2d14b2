//! Team mode: desktops send their SubmitReqs through the relay, which forwards each to the
//! provider with the provider credentials only the relay holds, hands the provider's answer
//! back unchanged, and records every accepted submit in the stream, so every desktop sees
//! what colleagues sent (and can match the delivery reports that follow by MessageID).
//!
//! `POST /v1/submit` with `Authorization: Bearer <client token>` and the request exactly as
//! it would go to the provider (Content-Type, body; `x-mblox-operator-id` is passed on).
//! The answer is the provider's: its HTTP status, Content-Type and body (a SubmitRsp, or an
//! RSErrorRsp fault). An accepted submit (SubmitRsp, status 1xxx, with a MessageID) is
//! committed to the stream before that answer goes back, and the answer then carries
//! `Groupline-Cursor: N`, the entry's cursor. Failures of the relay itself answer an
//! RSErrorRsp fault too, so a client parses one shape: 401/2568 bad token, 404/4003 team
//! mode off, 413/2560 too large, 400/2007 not a decodable SubmitReq, 502/3000 provider
//! unreachable and 504/3000 provider too slow (the last two are transient: retry).
//!
//! The stored entry is the request as the client sent it, credentials left out (the relay
//! adds VASPID, VASID and Basic auth only on the way to the provider). Its summary has
//! `kind: "SubmitReq"`, `submitted_by` (the client's name), `message_id` (the provider's),
//! `sender` and `recipients`.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::CONTENT_TYPE;
use hyper::{Request, Response, StatusCode};
use mm7::{Body, Envelope, Kind, Limits, SequentialIds, TransferEncoding};
use sha2::{Digest, Sha256};

use crate::client_api::client_name;
use crate::config::BasicCredentials;
use crate::metrics::Metrics;
use crate::provider_endpoint::raw_request;
use crate::server::{HttpResponse, Shared};
use crate::store::NewEntry;
use crate::summary::Summary;

/// The response header naming the stream entry an accepted submit was recorded as.
pub const CURSOR_HEADER: &str = "groupline-cursor";

/// Where and as whom the relay submits on the team's behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamConfig {
    /// The provider's MM7 URL, e.g. Sinch's `https://…/mm7/v1` (here, plain HTTP only).
    pub provider_url: String,
    /// Basic auth the provider requires, if any.
    pub provider_basic: Option<BasicCredentials>,
    /// Written into every SubmitReq's SenderIdentification (Sinch: the API key), so
    /// desktops need not hold it.
    pub vasp_id: Option<String>,
    /// Written into every SubmitReq's SenderIdentification (Sinch: the service ID).
    pub vas_id: Option<String>,
    /// How long the provider may take to answer.
    pub timeout: Duration,
}

impl TeamConfig {
    /// Forwards to `provider_url` with no credentials added and a 30 s timeout.
    pub fn new(provider_url: impl Into<String>) -> Self {
        TeamConfig {
            provider_url: provider_url.into(),
            provider_basic: None,
            vasp_id: None,
            vas_id: None,
            timeout: Duration::from_secs(30),
        }
    }
}

/// The forwarding client, built once per relay.
pub(crate) struct Team {
    pub config: TeamConfig,
    client: reqwest::Client,
}

impl Team {
    pub(crate) fn new(config: TeamConfig) -> Result<Team, String> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Team { config, client })
    }
}

pub(crate) async fn submit(shared: &Shared, req: Request<Incoming>) -> HttpResponse {
    let Some(client) = client_name(shared, req.headers()).map(str::to_owned) else {
        let mut r = fault(
            None,
            StatusCode::UNAUTHORIZED,
            2568,
            "Client token required",
        );
        r.headers_mut().insert(
            "WWW-Authenticate",
            hyper::header::HeaderValue::from_static("Bearer"),
        );
        return r;
    };
    let Some(team) = shared.team.as_ref() else {
        return fault(None, StatusCode::NOT_FOUND, 4003, "Team mode is off");
    };
    let limits = &shared.config.limits;
    let (parts, body) = req.into_parts();
    let body = match tokio::time::timeout(
        limits.body_timeout,
        Limited::new(body, limits.max_body_bytes).collect(),
    )
    .await
    {
        Err(_) => return fault(None, StatusCode::REQUEST_TIMEOUT, 4006, "Body too slow"),
        Ok(Err(e)) if e.is::<LengthLimitError>() => {
            return fault(
                None,
                StatusCode::PAYLOAD_TOO_LARGE,
                2560,
                "Request too large",
            );
        }
        Ok(Err(_)) => return fault(None, StatusCode::BAD_REQUEST, 2007, "Incomplete body"),
        Ok(Ok(c)) => c.to_bytes(),
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/xml")
        .to_owned();
    let decode_limits = Limits {
        max_body_bytes: limits.max_body_bytes,
        ..Limits::default()
    };
    let decoded = match mm7::decode_body(&body, Some(&content_type), &decode_limits) {
        Ok(d) if d.envelope.kind() == Kind::SubmitReq => d,
        Ok(d) => {
            return fault(
                Some(&d.envelope),
                StatusCode::BAD_REQUEST,
                2512,
                "Only SubmitReq is sent through the relay",
            );
        }
        Err(e) => {
            return fault(None, StatusCode::BAD_REQUEST, 2007, &e.to_string());
        }
    };
    Metrics::bump(&shared.metrics.team_submits);

    // The provider's credentials go in on the way out, never into the stored copy.
    let (out_type, out_body) = match with_credentials(&decoded, &team.config) {
        Some(Ok(encoded)) => (encoded.content_type, Bytes::from(encoded.body)),
        Some(Err(e)) => return fault(None, StatusCode::BAD_REQUEST, 2007, &e),
        None => (content_type.clone(), body.clone()),
    };
    let soap_action = parts
        .headers
        .get("soapaction")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| {
            format!(
                "\"{}\"",
                decoded.envelope.namespace.clone().unwrap_or_default()
            )
        });
    let mut forward = team
        .client
        .post(&team.config.provider_url)
        .header(CONTENT_TYPE, out_type)
        .header("SOAPAction", soap_action)
        .body(out_body);
    for name in ["x-mblox-operator-id", "x-mblox-carrier-id"] {
        if let Some(v) = parts.headers.get(name) {
            forward = forward.header(name, v.as_bytes());
        }
    }
    if let Some(basic) = &team.config.provider_basic {
        forward = forward.basic_auth(&basic.user, Some(&basic.password));
    }
    let answer = match forward.send().await {
        Ok(a) => a,
        Err(e) => {
            Metrics::bump(&shared.metrics.team_unreachable);
            tracing::warn!("team submit not delivered to the provider: {e}");
            let (status, text) = if e.is_timeout() {
                (
                    StatusCode::GATEWAY_TIMEOUT,
                    "Provider did not answer in time",
                )
            } else {
                (StatusCode::BAD_GATEWAY, "Provider unreachable")
            };
            return fault(Some(&decoded.envelope), status, 3000, text);
        }
    };
    let status = answer.status().as_u16();
    let answer_type = answer
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let answer_body = match answer.bytes().await {
        Ok(b) => b,
        Err(e) => {
            Metrics::bump(&shared.metrics.team_unreachable);
            return fault(
                Some(&decoded.envelope),
                StatusCode::BAD_GATEWAY,
                3000,
                &format!("Provider answer cut off: {e}"),
            );
        }
    };
    let message_id = accepted_message_id(status, answer_type.as_deref(), &answer_body);

    let mut response = Response::builder().status(status);
    if let Some(ct) = &answer_type {
        response = response.header(CONTENT_TYPE, ct);
    }
    if let Some(message_id) = message_id {
        let mut summary = Summary::of(&decoded);
        summary.message_id = Some(message_id.clone());
        summary.submitted_by = Some(client.clone());
        summary.operator_id = crate::provider_endpoint::operator_id(&parts.headers);
        let mut key = Sha256::new();
        key.update(b"team-submit\0");
        key.update(summary.transaction_id.as_deref().unwrap_or_default());
        key.update(b"\0");
        key.update(&message_id);
        key.update(b"\0");
        key.update(Sha256::digest(&body));
        let entry = NewEntry {
            received_at_ms: shared.config.clock.now_ms(),
            dedupe_key: key.finalize().into(),
            summary,
            raw: raw_request(&parts, &body),
        };
        match shared.queue.append(entry).await {
            Ok(appended) => {
                Metrics::bump(&shared.metrics.team_recorded);
                shared.latest.send_if_modified(|c| {
                    std::mem::replace(c, (*c).max(appended.cursor)) < appended.cursor
                });
                response = response.header(CURSOR_HEADER, appended.cursor.to_string());
            }
            // Sent but not recorded: the client still needs the provider's answer.
            Err(e) => {
                Metrics::bump(&shared.metrics.store_failures);
                tracing::error!("team submit {message_id} sent but not recorded: {e}");
            }
        }
    }
    response
        .body(Full::new(answer_body))
        .expect("valid response parts")
}

/// The request re-encoded with the relay's VASPID/VASID, when it has any to add.
fn with_credentials(
    decoded: &mm7::Decoded<'_>,
    team: &TeamConfig,
) -> Option<Result<mm7::EncodedBody, String>> {
    if team.vasp_id.is_none() && team.vas_id.is_none() {
        return None;
    }
    let mut envelope = decoded.envelope.clone();
    let Body::SubmitReq(submit) = &mut envelope.body else {
        return None;
    };
    if let Some(v) = &team.vasp_id {
        submit.sender_identification.vasp_id = Some(v.clone());
    }
    if let Some(v) = &team.vas_id {
        submit.sender_identification.vas_id = Some(v.clone());
    }
    let mut ids = SequentialIds::new("relay-team", "");
    Some(
        mm7::encode_body(
            &envelope,
            &decoded.parts,
            TransferEncoding::Binary,
            &mut ids,
        )
        .map_err(|e| e.to_string()),
    )
}

/// The MessageID of a provider's answer that accepted the submit.
fn accepted_message_id(http: u16, content_type: Option<&str>, body: &[u8]) -> Option<String> {
    if http != 200 {
        return None;
    }
    let decoded = mm7::decode_body(body, content_type, &Limits::default()).ok()?;
    match decoded.envelope.body {
        Body::SubmitRsp(rsp) if rsp.status.code.is_success() => rsp.message_id,
        _ => None,
    }
}

/// An RSErrorRsp fault, as a provider would answer (echoing the request when known).
fn fault(request: Option<&Envelope>, http: StatusCode, code: u16, text: &str) -> HttpResponse {
    crate::provider_endpoint::fault_as(Body::RSErrorRsp, request, http, code, text)
}
