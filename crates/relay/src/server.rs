//! The listener: accepts connections within the connection limit, applies the slow-client
//! timeouts, routes requests to the provider endpoint or the client API, and stops cleanly
//! when the handle asks (in-flight pushes are still answered).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::append_queue::AppendQueue;
use crate::config::RelayConfig;
use crate::error::RelayError;
use crate::metrics::{Metrics, MetricsSnapshot};
use crate::store::{Cursor, RelayStore, SqliteStore};
use crate::{client_api, provider_endpoint};

pub(crate) type HttpResponse = Response<Full<Bytes>>;

/// What every request handler shares.
pub(crate) struct Shared {
    pub config: RelayConfig,
    pub store: Arc<dyn RelayStore>,
    pub queue: AppendQueue,
    pub metrics: Metrics,
    /// The highest stored cursor; long polls wait on it.
    pub latest: watch::Sender<Cursor>,
    pub shutdown: watch::Receiver<bool>,
    /// Team mode's forwarding client, when it is on.
    pub team: Option<crate::team::Team>,
}

/// Starts relays.
pub struct Relay;

/// A running relay.
pub struct RelayHandle {
    /// The address it listens on (the real port when the config asked for port 0).
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Relay {
    /// Opens the SQLite store at `config.db_path` and starts serving.
    pub async fn start(config: RelayConfig) -> Result<RelayHandle, RelayError> {
        if let Some(dir) = config
            .db_path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|source| RelayError::Directory {
                path: dir.to_owned(),
                source,
            })?;
        }
        let store = SqliteStore::open(&config.db_path)?;
        Relay::start_with_store(config, Arc::new(store)).await
    }

    /// Starts serving over any [`RelayStore`] (`config.db_path` is not used).
    pub async fn start_with_store(
        config: RelayConfig,
        store: Arc<dyn RelayStore>,
    ) -> Result<RelayHandle, RelayError> {
        let names: Vec<String> = config.clients.iter().map(|c| c.name.clone()).collect();
        store.register_clients(&names, config.clock.now_ms())?;
        let latest = store.latest()?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| RelayError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| RelayError::Bind {
            addr: config.listen,
            source,
        })?;
        let team = match config.team.clone() {
            Some(t) => Some(crate::team::Team::new(t).map_err(RelayError::Team)?),
            None => None,
        };
        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            team,
            queue: AppendQueue::start(store.clone()),
            store,
            metrics: Metrics::default(),
            latest: watch::Sender::new(latest),
            shutdown,
            config,
        });
        let tasks = vec![
            tokio::spawn(accept_loop(listener, shared.clone())),
            tokio::spawn(prune_loop(shared.clone())),
            tokio::spawn(maintain_loop(shared.clone())),
        ];
        tracing::info!("relay listening on {addr}");
        Ok(RelayHandle {
            addr,
            shared,
            stop,
            tasks,
        })
    }
}

impl std::fmt::Debug for RelayHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RelayHandle {
    /// Counters and latency so far.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.metrics.snapshot()
    }

    /// The store, for inspection (tests, an admin command).
    pub fn store(&self) -> Arc<dyn RelayStore> {
        self.shared.store.clone()
    }

    /// Runs one pruning pass now; returns how many entries were deleted.
    pub async fn prune_now(&self) -> Result<usize, crate::StoreError> {
        prune_once(&self.shared).await
    }

    /// Stops accepting, lets in-flight requests finish, and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let slots = Arc::new(Semaphore::new(shared.config.limits.max_connections));
    let mut shutdown = shared.shutdown.clone();
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = crate::server::stopped(&mut shutdown) => break,
        };
        let (stream, _peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let permit = slots.clone().try_acquire_owned().ok();
        let shared = shared.clone();
        while connections.try_join_next().is_some() {}
        connections.spawn(async move {
            let over_limit = permit.is_none();
            let service = {
                let shared = shared.clone();
                service_fn(move |req| {
                    let shared = shared.clone();
                    async move { Ok::<_, Infallible>(route(&shared, req, over_limit).await) }
                })
            };
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(shared.config.limits.header_timeout)
                .keep_alive(!over_limit);
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            let mut shutdown = shared.shutdown.clone();
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = crate::server::stopped(&mut shutdown) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(permit);
        });
    }
    // Let in-flight requests finish (graceful shutdown ends idle keep-alives).
    while connections.join_next().await.is_some() {}
}

async fn route(shared: &Shared, req: Request<Incoming>, over_limit: bool) -> HttpResponse {
    let started = Instant::now();
    let path = req.uri().path().to_owned();
    let is_push = path == shared.config.provider_path;
    if over_limit {
        Metrics::bump(&shared.metrics.limited);
        return provider_endpoint::busy();
    }
    let response = match (req.method(), path.as_str()) {
        (&Method::POST, _) if is_push => provider_endpoint::handle(shared, req).await,
        (_, _) if is_push => plain(StatusCode::METHOD_NOT_ALLOWED, "POST only\n"),
        (&Method::GET, "/v1/entries") => client_api::entries(shared, req).await,
        (&Method::POST, "/v1/ack") => client_api::ack(shared, req).await,
        (&Method::POST, "/v1/submit") => crate::team::submit(shared, req).await,
        (&Method::GET, "/health") => json(StatusCode::OK, r#"{"status":"ok"}"#.to_owned()),
        (&Method::GET, "/metrics") => Response::builder()
            .status(StatusCode::OK)
            .header("Content-Type", "text/plain; version=0.0.4")
            .body(Full::new(Bytes::from(shared.metrics.render())))
            .expect("static response parts"),
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    };
    if is_push {
        shared
            .metrics
            .observe_answer(started.elapsed().as_micros() as u64);
    }
    response
}

pub(crate) fn plain(status: StatusCode, text: &'static str) -> HttpResponse {
    Response::builder()
        .status(status)
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from_static(text.as_bytes())))
        .expect("static response parts")
}

pub(crate) fn json(status: StatusCode, body: String) -> HttpResponse {
    Response::builder()
        .status(status)
        .header("Content-Type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("static response parts")
}

/// Resolves once the relay is asked to stop (holds no watch guard across awaits).
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|s| *s).await;
}

async fn prune_loop(shared: Arc<Shared>) {
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(shared.config.prune_every) => {}
            _ = crate::server::stopped(&mut shutdown) => return,
        }
        match prune_once(&shared).await {
            Ok(0) => {}
            Ok(n) => tracing::info!("pruned {n} acknowledged entries"),
            Err(e) => tracing::warn!("pruning failed: {e}"),
        }
    }
}

/// Store upkeep off the commit path, a few times a second.
async fn maintain_loop(shared: Arc<Shared>) {
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_millis(250)) => {}
            _ = stopped(&mut shutdown) => return,
        }
        let store = shared.store.clone();
        match tokio::task::spawn_blocking(move || store.maintain()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!("store upkeep failed: {e}"),
            Err(e) => tracing::warn!("store upkeep panicked: {e}"),
        }
    }
}

async fn prune_once(shared: &Shared) -> Result<usize, crate::StoreError> {
    let cutoff = shared.config.clock.now_ms() - shared.config.retention.as_millis() as i64;
    let store = shared.store.clone();
    tokio::task::spawn_blocking(move || store.prune(cutoff))
        .await
        .map_err(|e| crate::StoreError::new(crate::StoreErrorKind::Closed, e.to_string()))?
}
