//! Where the provider pushes DeliverReq, DeliveryReportReq and ReadReplyReq.
//!
//! The one invariant: a push is answered 200 (with the matching MM7 response echoing its
//! TransactionID and version, StatusCode 1000) only after its raw bytes are committed. A
//! provider retry of the same request (same TransactionID, same body) maps to the stored
//! entry and is answered 200 again without a second copy. A body that cannot be decoded,
//! or a kind a relay does not take, is stored too (for inspection) and answered with a
//! VASPErrorRsp fault. Every limit has its own HTTP status and, where MM7 applies, a
//! VASPErrorRsp: 401/4001 bad credentials, 413/2560 too large, 408/4006 too slow,
//! 503/4006 too many connections, 503/3000 store failure.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::http::request::Parts;
use hyper::{HeaderMap, Request, Response, StatusCode};
use mm7::message::ErrorRsp;
use mm7::{
    Body, DecodeError, Envelope, Kind, Limits, SequentialIds, Status, TransferEncoding, Version,
};
use sha2::{Digest, Sha256};

use crate::metrics::Metrics;
use crate::server::{HttpResponse, Shared, plain};
use crate::store::NewEntry;
use crate::summary::Summary;

/// Headers never written to the store: clients must not see the provider's credentials.
const SECRET_HEADERS: [&str; 2] = ["authorization", "proxy-authorization"];

pub(crate) async fn handle(shared: &Shared, req: Request<Incoming>) -> HttpResponse {
    Metrics::bump(&shared.metrics.received);
    if !authorized(shared, req.headers()) {
        Metrics::bump(&shared.metrics.unauthorized);
        let mut r = fault(
            None,
            StatusCode::UNAUTHORIZED,
            4001,
            "Improper identification",
        );
        r.headers_mut().insert(
            "WWW-Authenticate",
            hyper::header::HeaderValue::from_static("Basic realm=\"mm7\""),
        );
        return r;
    }
    let limits = &shared.config.limits;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        Metrics::bump(&shared.metrics.limited);
        return too_large();
    }
    let (parts, body) = req.into_parts();
    let collected = tokio::time::timeout(
        limits.body_timeout,
        Limited::new(body, limits.max_body_bytes).collect(),
    )
    .await;
    let body = match collected {
        Err(_) => {
            Metrics::bump(&shared.metrics.limited);
            return closing(fault(
                None,
                StatusCode::REQUEST_TIMEOUT,
                4006,
                "Request body too slow",
            ));
        }
        Ok(Err(e)) if e.is::<LengthLimitError>() => {
            Metrics::bump(&shared.metrics.limited);
            return too_large();
        }
        Ok(Err(_)) => return plain(StatusCode::BAD_REQUEST, "incomplete request body\n"),
        Ok(Ok(c)) => c.to_bytes(),
    };
    store_and_answer(shared, &parts, body).await
}

async fn store_and_answer(shared: &Shared, parts: &Parts, body: Bytes) -> HttpResponse {
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let decode_limits = Limits {
        max_body_bytes: shared.config.limits.max_body_bytes,
        ..Limits::default()
    };
    let (mut summary, answer) = match mm7::decode_body(&body, content_type, &decode_limits) {
        Ok(decoded) => {
            let envelope = &decoded.envelope;
            let summary = Summary::of(&decoded);
            match envelope.kind() {
                // The codec reads a multipart body without its close delimiter (a sloppy
                // writer), but a relay must not acknowledge a push cut short in transit:
                // its last part would be stored cut, and the provider would never resend.
                _ if is_cut_short(content_type, &body) => {
                    let why = "multipart body ends before its close delimiter (truncated)";
                    (
                        Summary {
                            rejected: Some(why.to_owned()),
                            ..summary
                        },
                        Answer::Refuse(Some(envelope.clone()), 2007, why.to_owned()),
                    )
                }
                Kind::DeliverReq | Kind::DeliveryReportReq | Kind::ReadReplyReq => {
                    let ack = envelope
                        .acknowledge(Status::success("Successfully received"))
                        .expect("requests have an acknowledgement");
                    (summary, Answer::Ack(ack))
                }
                other => (
                    Summary {
                        rejected: Some(format!("{} is not pushed to a VASP", other.element())),
                        ..summary
                    },
                    Answer::Refuse(
                        Some(envelope.clone()),
                        4003,
                        "Unsupported operation".to_owned(),
                    ),
                ),
            }
        }
        Err(e) => (
            Summary::rejected(e.to_string()),
            Answer::Refuse(None, decode_status(&e), e.to_string()),
        ),
    };
    summary.operator_id = operator_id(&parts.headers);
    let dedupe_key = dedupe_key(summary.transaction_id.as_deref(), &body);
    let entry = NewEntry {
        received_at_ms: shared.config.clock.now_ms(),
        dedupe_key,
        summary,
        raw: raw_request(parts, &body),
    };
    let rejected = entry.summary.rejected.is_some();
    match shared.queue.append(entry).await {
        Err(e) => {
            Metrics::bump(&shared.metrics.store_failures);
            tracing::error!("push not stored: {e}");
            // Not stored: the provider must retry, so never 200.
            fault(
                None,
                StatusCode::SERVICE_UNAVAILABLE,
                3000,
                "Temporarily unable to store",
            )
        }
        Ok(appended) => {
            if appended.duplicate {
                Metrics::bump(&shared.metrics.duplicates);
            } else {
                Metrics::bump(&shared.metrics.stored);
                shared.latest.send_if_modified(|c| {
                    std::mem::replace(c, (*c).max(appended.cursor)) < appended.cursor
                });
            }
            match answer {
                Answer::Ack(envelope) => mm7_response(StatusCode::OK, &envelope),
                Answer::Refuse(request, code, text) => {
                    if rejected {
                        Metrics::bump(&shared.metrics.refused);
                    }
                    fault(
                        request.as_ref(),
                        StatusCode::INTERNAL_SERVER_ERROR,
                        code,
                        &text,
                    )
                }
            }
        }
    }
}

/// How a stored push is answered.
enum Answer {
    /// The matching response, StatusCode 1000.
    Ack(Envelope),
    /// A VASPErrorRsp (echoing the request when it decoded) with this status code.
    Refuse(Option<Envelope>, u16, String),
}

/// The MM7 status a VASPErrorRsp carries for a body that did not decode.
fn decode_status(e: &DecodeError) -> u16 {
    match e {
        DecodeError::BodyTooLarge { .. } => 2560,
        DecodeError::UnknownMessage(_) => 4003,
        DecodeError::MissingElement { .. } | DecodeError::InvalidValue { .. } => 4004,
        _ => 2007,
    }
}

/// TransactionID and body hash: what makes a provider retry "the same request".
fn dedupe_key(transaction_id: Option<&str>, body: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(transaction_id.unwrap_or_default().as_bytes());
    h.update([0]);
    h.update(Sha256::digest(body));
    h.finalize().into()
}

/// The request as `mm7::decode_http` reads it back. The start line names the generic
/// `/mm7` path (the configured one may hold a secret) and credentials are left out.
pub(crate) fn raw_request(parts: &Parts, body: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(body.len() + 512);
    raw.extend_from_slice(b"POST /mm7 HTTP/1.1\r\n");
    for (name, value) in &parts.headers {
        if SECRET_HEADERS.contains(&name.as_str()) {
            continue;
        }
        raw.extend_from_slice(name.as_str().as_bytes());
        raw.extend_from_slice(b": ");
        raw.extend_from_slice(value.as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(body);
    raw
}

/// The operator (carrier) ID header in any spelling the codec knows (BRIEF §1: Sinch's
/// `x-mblox-operator-id`, its older `X-Mblox-Carrier-Id`, and other providers' forms).
pub(crate) fn operator_id(headers: &HeaderMap) -> Option<String> {
    let head = mm7::HttpHead {
        start: mm7::StartLine::Request {
            method: "POST".into(),
            target: "/mm7".into(),
        },
        headers: headers
            .iter()
            .filter(|(name, _)| name.as_str().starts_with("x-"))
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect(),
    };
    head.operator_id()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Whether `body` is a multipart body (its boundary's delimiter is in it) that stops
/// before the close delimiter: cut short in transit. A body that never uses the boundary
/// (Sinch's plain-XML delivery reports under a multipart Content-Type) is not.
fn is_cut_short(content_type: Option<&str>, body: &[u8]) -> bool {
    let Some(boundary) = content_type.and_then(boundary_of) else {
        return false;
    };
    let delimiter = format!("--{boundary}");
    let Some(first) = memchr::memmem::find(body, delimiter.as_bytes()) else {
        return false;
    };
    let close = format!("{delimiter}--");
    memchr::memmem::rfind(&body[first..], close.as_bytes()).is_none()
}

/// The `boundary` parameter of a multipart Content-Type.
fn boundary_of(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().to_ascii_lowercase().starts_with("multipart/") {
        return None;
    }
    params.split(';').find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    let Some(expected) = &shared.config.provider_basic else {
        return true;
    };
    let Some(sent) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("Basic "))
    else {
        return false;
    };
    use base64::Engine;
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(sent.trim()) else {
        return false;
    };
    let wanted = format!("{}:{}", expected.user, expected.password);
    constant_time_eq(&decoded, wanted.as_bytes())
}

/// Compares secrets without leaking where they first differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 413 with a VASPErrorRsp 2560; the connection is closed since the body was not read.
fn too_large() -> HttpResponse {
    closing(fault(
        None,
        StatusCode::PAYLOAD_TOO_LARGE,
        2560,
        "Request too large",
    ))
}

fn closing(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("close"),
    );
    response
}

/// 503 with a VASPErrorRsp 4006 for a connection over the limit; it is closed after.
pub(crate) fn busy() -> HttpResponse {
    let mut r = fault(
        None,
        StatusCode::SERVICE_UNAVAILABLE,
        4006,
        "Too many connections, retry later",
    );
    r.headers_mut()
        .insert("Retry-After", hyper::header::HeaderValue::from_static("1"));
    r.headers_mut().insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("close"),
    );
    r
}

/// A VASPErrorRsp in a SOAP Fault, echoing the request's TransactionID when known.
fn fault(request: Option<&Envelope>, http: StatusCode, code: u16, text: &str) -> HttpResponse {
    fault_as(Body::VASPErrorRsp, request, http, code, text)
}

/// An MM7 error response of the given kind (VASPErrorRsp from us as the VASP's endpoint,
/// RSErrorRsp when the relay answers as a provider would), echoing the request's
/// TransactionID when known.
pub(crate) fn fault_as(
    kind: fn(ErrorRsp) -> Body,
    request: Option<&Envelope>,
    http: StatusCode,
    code: u16,
    text: &str,
) -> HttpResponse {
    let body = kind(ErrorRsp {
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
        None => {
            let mut e = Envelope::new(&Version::default(), "", body);
            e.transaction_id = None;
            e
        }
    };
    mm7_response(http, &envelope)
}

pub(crate) fn mm7_response(status: StatusCode, envelope: &Envelope) -> HttpResponse {
    let mut ids = SequentialIds::new("relay", "");
    let encoded = mm7::encode_body(envelope, &[], TransferEncoding::Binary, &mut ids)
        .expect("a body without parts always encodes");
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, encoded.content_type)
        .body(Full::new(Bytes::from(encoded.body)))
        .expect("valid response parts")
}
