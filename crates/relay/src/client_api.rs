//! The API Groupline clients read the stream with: by cursor, with long polling, and an
//! acknowledgement that lets the relay prune what every client has processed.
//!
//! Every call carries `Authorization: Bearer <token>` of a configured client.
//!
//! `GET /v1/entries?after=C&limit=N&wait=S` returns entries with a cursor above `C`
//! (default: the client's acknowledged cursor), at most `N` (default 100), waiting up to
//! `S` seconds (default 0, capped by the relay) for the first one to arrive:
//!
//! ```json
//! {"entries": [{"cursor": 7, "received_at_ms": 1767225600000,
//!               "summary": {"kind": "DeliverReq", "transaction_id": "…", …},
//!               "raw_base64": "UE9TVCAvbW03IEhUVFAvMS4x…"}],
//!  "next_after": 7, "latest": 7}
//! ```
//!
//! `raw_base64` is the request as received (start line, headers less credentials, body);
//! decode it with `mm7::decode_http`. `POST /v1/ack?cursor=C` (or a JSON body
//! `{"cursor": C}`) records that the client processed everything up to `C`; the answer
//! is `{"acked": C}`. A client acknowledges only after its own store committed the
//! entries (the engine's invariant: nothing is lost between relay and desktop).

use std::time::Duration;

use base64::Engine;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::header::AUTHORIZATION;
use hyper::{HeaderMap, Request, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::provider_endpoint::constant_time_eq;
use crate::server::{HttpResponse, Shared, json, plain};
use crate::store::{Cursor, Entry};
use crate::summary::Summary;

const DEFAULT_LIMIT: usize = 100;

/// One entry as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiEntry {
    pub cursor: Cursor,
    pub received_at_ms: i64,
    pub summary: Summary,
    pub raw_base64: String,
}

/// The answer of `GET /v1/entries`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntriesPage {
    pub entries: Vec<ApiEntry>,
    /// Pass as `after` next time (the last cursor returned, else the `after` asked for).
    pub next_after: Cursor,
    /// The highest cursor stored so far.
    pub latest: Cursor,
}

impl ApiEntry {
    fn from_entry(e: Entry) -> ApiEntry {
        ApiEntry {
            cursor: e.cursor,
            received_at_ms: e.received_at_ms,
            summary: e.summary,
            raw_base64: base64::engine::general_purpose::STANDARD.encode(&e.raw),
        }
    }

    /// The raw request bytes.
    pub fn raw(&self) -> Result<Vec<u8>, base64::DecodeError> {
        base64::engine::general_purpose::STANDARD.decode(&self.raw_base64)
    }
}

pub(crate) fn client_name<'a>(shared: &'a Shared, headers: &HeaderMap) -> Option<&'a str> {
    let token = headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim()
        .strip_prefix("Bearer ")?
        .trim();
    shared
        .config
        .clients
        .iter()
        .find(|c| constant_time_eq(c.token.as_bytes(), token.as_bytes()))
        .map(|c| c.name.as_str())
}

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn unauthorized() -> HttpResponse {
    let mut r = plain(
        StatusCode::UNAUTHORIZED,
        "a client bearer token is required\n",
    );
    r.headers_mut().insert(
        "WWW-Authenticate",
        hyper::header::HeaderValue::from_static("Bearer"),
    );
    r
}

fn store_failed(e: impl std::fmt::Display) -> HttpResponse {
    tracing::error!("relay read failed: {e}");
    plain(StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n")
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::StoreError> + Send + 'static,
) -> Result<T, crate::StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| crate::StoreError::new(crate::StoreErrorKind::Closed, e.to_string()))?
}

pub(crate) async fn entries(shared: &Shared, req: Request<Incoming>) -> HttpResponse {
    let Some(client) = client_name(shared, req.headers()).map(str::to_owned) else {
        return unauthorized();
    };
    let query = req.uri().query().unwrap_or_default();
    let parse = |name: &str| query_param(query, name).map(str::parse::<u64>);
    let (after, limit, wait) = match (parse("after"), parse("limit"), parse("wait")) {
        (Some(Err(_)), _, _) | (_, Some(Err(_)), _) | (_, _, Some(Err(_))) => {
            return plain(
                StatusCode::BAD_REQUEST,
                "after, limit and wait are non-negative integers\n",
            );
        }
        (a, l, w) => (
            a.map(|r| r.unwrap_or(0)),
            l.map(|r| r.unwrap_or(0)),
            w.map(|r| r.unwrap_or(0)),
        ),
    };
    let limits = &shared.config.limits;
    let limit = (limit.unwrap_or(DEFAULT_LIMIT as u64) as usize).clamp(1, limits.max_read_entries);
    let wait = Duration::from_secs(wait.unwrap_or(0)).min(limits.max_poll_wait);
    let after: Cursor = match after {
        Some(a) => a as Cursor,
        None => {
            let store = shared.store.clone();
            match blocking(move || store.acked(&client)).await {
                Ok(a) => a,
                Err(e) => return store_failed(e),
            }
        }
    };
    let deadline = tokio::time::Instant::now() + wait;
    // Subscribe before reading so an entry stored in between still wakes us.
    let mut latest = shared.latest.subscribe();
    let mut waited = false;
    loop {
        let seen = *latest.borrow_and_update();
        let store = shared.store.clone();
        let page = match blocking(move || store.read_after(after, limit)).await {
            Ok(p) => p,
            Err(e) => return store_failed(e),
        };
        if !page.is_empty() || waited || wait.is_zero() {
            let next_after = page.last().map(|e| e.cursor).unwrap_or(after);
            let body = EntriesPage {
                entries: page.into_iter().map(ApiEntry::from_entry).collect(),
                next_after,
                latest: (*latest.borrow()).max(next_after),
            };
            return json(
                StatusCode::OK,
                serde_json::to_string(&body).expect("entries serialize"),
            );
        }
        let mut shutdown = shared.shutdown.clone();
        tokio::select! {
            _ = async { let _ = latest.wait_for(|c| *c > seen.max(after)).await; } => {}
            _ = tokio::time::sleep_until(deadline) => {}
            _ = crate::server::stopped(&mut shutdown) => {}
        }
        waited = true;
    }
}

#[derive(Deserialize)]
struct AckBody {
    cursor: Cursor,
}

pub(crate) async fn ack(shared: &Shared, req: Request<Incoming>) -> HttpResponse {
    let Some(client) = client_name(shared, req.headers()).map(str::to_owned) else {
        return unauthorized();
    };
    let from_query = req
        .uri()
        .query()
        .and_then(|q| query_param(q, "cursor"))
        .map(str::parse::<Cursor>);
    let cursor = match from_query {
        Some(Ok(c)) => c,
        Some(Err(_)) => return plain(StatusCode::BAD_REQUEST, "cursor is an integer\n"),
        None => {
            let Ok(body) = Limited::new(req.into_body(), 4096).collect().await else {
                return plain(StatusCode::BAD_REQUEST, "unreadable body\n");
            };
            match serde_json::from_slice::<AckBody>(&body.to_bytes()) {
                Ok(b) => b.cursor,
                Err(_) => return plain(StatusCode::BAD_REQUEST, "expected {\"cursor\": N}\n"),
            }
        }
    };
    let store = shared.store.clone();
    let now = shared.config.clock.now_ms();
    match blocking(move || store.ack(&client, cursor, now)).await {
        Ok(acked) => json(StatusCode::OK, json!({ "acked": acked }).to_string()),
        Err(e) => store_failed(e),
    }
}
