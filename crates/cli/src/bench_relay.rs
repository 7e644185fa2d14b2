//! `groupline bench relay`: a load run against the relay. Several connections push
//! DeliverReqs with a media part of the given size for a fixed time; prints pushes per
//! second, answer latency (p50, p99, max as the pushing client saw it) and, for the
//! in-process relay, whether every push answered 200 is in the store ("lost").

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use mm7::message::DeliverReq;
use mm7::{Address, Body, Envelope, Part, Recipient, SequentialIds, TransferEncoding, Version};
use relay::{Relay, RelayConfig};
use serde_json::json;

use crate::Common;

#[derive(Debug, Args)]
pub struct RelayBenchArgs {
    /// How long to push.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Concurrent connections, one pusher each. Throughput is connections / latency and
    /// each answer waits for two fsyncs, so the target (2,000 pushes/s) needs more than a
    /// handful: 32 gave 2,440/s, p99 26 ms at load 3.5 (8 gave 1,009/s, p99 26 ms).
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Size of each push's media part in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 50 * 1024)]
    size: usize,
    /// Push to this relay URL instead of an in-process relay on a scratch file (then
    /// "lost" cannot be checked).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    #[command(flatten)]
    common: Common,
}

pub fn run(args: &RelayBenchArgs) -> ExitCode {
    match bench(args) {
        Ok(report) => {
            println!("{}", serde_json::to_string_pretty(&report).expect("json"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("groupline bench relay: {e}");
            ExitCode::FAILURE
        }
    }
}

fn bench(args: &RelayBenchArgs) -> Result<serde_json::Value, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let data_dir =
            engine::DataDir::from_env(args.common.data_dir.clone()).map_err(|e| e.to_string())?;
        let scratch = data_dir
            .path()
            .join("bench")
            .join(format!("relay-{}.sqlite3", std::process::id()));
        let (url, handle) = match &args.url {
            Some(u) => (u.clone(), None),
            None => {
                let h = Relay::start(RelayConfig::new(&scratch))
                    .await
                    .map_err(|e| e.to_string())?;
                (format!("http://{}/mm7", h.addr), Some(h))
            }
        };
        let media: Arc<Vec<u8>> = Arc::new(
            (0..args.size)
                .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1])
                .collect(),
        );
        // One client for every pusher (a clone shares its pool): building one can load a
        // TLS trust store, which would otherwise be timed once per connection.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.connections)
            .build()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(args.seconds);
        let started = Instant::now();
        let mut workers = Vec::new();
        for worker in 0..args.connections {
            let (url, media, client) = (url.clone(), media.clone(), client.clone());
            workers.push(tokio::spawn(async move {
                push_until(&client, worker, &url, &media, deadline).await
            }));
        }
        let mut latencies_us = Vec::new();
        let (mut answered, mut failed) = (0u64, 0u64);
        for w in workers {
            let r = w.await.map_err(|e| e.to_string())?;
            latencies_us.extend(r.latencies_us);
            answered += r.answered;
            failed += r.failed;
        }
        let elapsed = started.elapsed().as_secs_f64();
        latencies_us.sort_unstable();
        let pct = |q: f64| {
            latencies_us
                .get(((latencies_us.len() as f64 * q).ceil() as usize).saturating_sub(1))
                .map(|us| *us as f64 / 1000.0)
                .unwrap_or(0.0)
        };
        let mut report = json!({
            "seconds": elapsed,
            "connections": args.connections,
            "media_bytes": args.size,
            "answered_200": answered,
            "failed": failed,
            "pushes_per_sec": answered as f64 / elapsed,
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "max_ms": pct(1.0),
        });
        if let Some(h) = handle {
            let store = h.store();
            let stored = tokio::task::spawn_blocking(move || {
                let mut n = 0u64;
                let mut after = 0;
                loop {
                    let page = store.read_after(after, 500)?;
                    let Some(last) = page.last() else { break };
                    after = last.cursor;
                    n += page.len() as u64;
                }
                Ok::<_, relay::StoreError>(n)
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
            let metrics = h.metrics();
            report["stored"] = json!(stored);
            report["lost"] = json!(answered.saturating_sub(stored));
            report["relay_p50_us"] = json!(metrics.answer_p50_us);
            report["relay_p99_us"] = json!(metrics.answer_p99_us);
            h.shutdown().await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
            }
            let _ = std::fs::remove_dir_all(relay::store::bodies_dir(&scratch));
        }
        Ok(report)
    })
}

struct WorkerResult {
    latencies_us: Vec<u32>,
    answered: u64,
    failed: u64,
}

async fn push_until(
    client: &reqwest::Client,
    worker: usize,
    url: &str,
    media: &[u8],
    deadline: Instant,
) -> WorkerResult {
    let mut ids = SequentialIds::new(format!("bench-{worker}"), "2026-01-01T00:00:00Z");
    let mut result = WorkerResult {
        latencies_us: Vec::new(),
        answered: 0,
        failed: 0,
    };
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        let envelope = Envelope::new(
            &Version::default(),
            format!("bench-{worker}-{n}"),
            Body::DeliverReq(DeliverReq {
                linked_id: Some(format!("{worker}-{n}")),
                sender: Some(Address::number("12025550111")),
                recipients: vec![Recipient::to(Address::number("12025550100"))],
                ..DeliverReq::default()
            }),
        );
        let parts = [
            Part::new("text/plain; charset=utf-8", b"photo attached".to_vec()),
            Part::new("image/jpeg", media),
        ];
        let encoded = mm7::encode_body(&envelope, &parts, TransferEncoding::Binary, &mut ids)
            .expect("bench pushes encode");
        let sent = Instant::now();
        let response = client
            .post(url)
            .header("Content-Type", encoded.content_type)
            .body(encoded.body)
            .send()
            .await;
        let ok = match response {
            Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
            Err(_) => false,
        };
        result
            .latencies_us
            .push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
        if ok {
            result.answered += 1;
        } else {
            result.failed += 1;
        }
    }
    result
}
