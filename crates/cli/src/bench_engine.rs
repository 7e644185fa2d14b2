//! `groupline bench send` and `groupline bench inbound`: the engine's pipelines over
//! loopback against the in-process simulator and relay, with a real store in a scratch
//! directory under the data dir.
//!
//! - send: time from `Engine::send` to the last SubmitRsp recorded, for a group of N,
//!   with the worker's concurrency at N (parallel) and at 1 (one after another).
//! - inbound: DeliverReqs with a media part pushed into the relay first, then the time
//!   the engine takes to poll, decode, dedupe, thread and commit all of them.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use engine::inbound::relay_client::RelayEndpoint;
use engine::outbound::compose::{Audience, Draft};
use engine::outbound::policy::RetryPolicy;
use engine::provider::ProviderEndpoint;
use engine::{DataDir, Engine, EngineConfig, Session, SystemClock};
use serde_json::json;

use crate::Common;

#[derive(Debug, Args)]
pub struct SendBenchArgs {
    #[command(flatten)]
    common: Common,
    /// Group size.
    #[arg(long, default_value_t = 20)]
    participants: usize,
    /// Group messages timed per mode.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// The simulator answers each submit this late, as a real provider's round trip
    /// (loopback alone hides what parallel sending saves).
    #[arg(long, default_value_t = 0)]
    provider_latency_ms: u64,
}

#[derive(Debug, Args)]
pub struct InboundBenchArgs {
    #[command(flatten)]
    common: Common,
    #[arg(long, default_value_t = 1000)]
    messages: usize,
    /// Media bytes per message.
    #[arg(long, default_value_t = 50 * 1024)]
    size: usize,
}

struct Scratch {
    dir: std::path::PathBuf,
    sim: mmsc_sim::SimHandle,
    relay: relay::RelayHandle,
}

impl Scratch {
    async fn start(common: &Common, name: &str, latency_ms: u64) -> Result<Scratch, String> {
        let data = DataDir::from_env(common.data_dir.clone()).map_err(|e| e.to_string())?;
        let dir = data
            .path()
            .join("bench")
            .join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let relay = relay::Relay::start(
            relay::RelayConfig::new(dir.join("relay.sqlite3")).with_client("bench", "bench"),
        )
        .await
        .map_err(|e| e.to_string())?;
        let sim = mmsc_sim::Simulator::start(
            mmsc_sim::SimConfig {
                dlr_delay: Duration::from_secs(3600),
                faults: mmsc_sim::FaultPlan {
                    random_fraction: if latency_ms > 0 { 1.0 } else { 0.0 },
                    random_faults: vec![mmsc_sim::Fault::Delay(latency_ms)],
                    ..Default::default()
                },
                ..mmsc_sim::SimConfig::default()
            }
            .with_push_to(format!("http://{}/mm7", relay.addr)),
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok(Scratch { dir, sim, relay })
    }

    fn engine(&self, store_name: &str, concurrency: usize) -> Result<Engine, String> {
        let data =
            DataDir::resolve(Some(self.dir.join(store_name)), None).map_err(|e| e.to_string())?;
        let session =
            Arc::new(Session::open(data, crate::now_unix_ms()).map_err(|e| e.to_string())?);
        let mut provider = ProviderEndpoint::new(
            "bench",
            self.sim.submit_url(),
            "groupline-demo",
            "+12025550100",
        );
        provider.max_concurrency = concurrency;
        provider.rate_per_second = f64::INFINITY;
        Engine::new(
            session,
            EngineConfig {
                provider,
                relay: RelayEndpoint {
                    url: format!("http://{}", self.relay.addr),
                    token: "bench".into(),
                },
                relay_key: "bench".into(),
                retry: RetryPolicy::default(),
                seed: 7,
                // The bench measures the pipeline, not the hour it runs at.
                quiet_hours: false,
                compliance: Default::default(),
            },
            Arc::new(SystemClock),
        )
        .map_err(|e| e.to_string())
    }

    async fn finish(self) {
        self.sim.shutdown().await;
        self.relay.shutdown().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn summary(mut ms: Vec<f64>) -> serde_json::Value {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| {
        ms.get(((ms.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    json!({"runs": ms.len(), "median_ms": at(0.5), "p95_ms": at(0.95), "max_ms": at(1.0)})
}

pub fn run_send(args: &SendBenchArgs) -> ExitCode {
    report(crate::runtime().block_on(bench_send(args)))
}

pub fn run_inbound(args: &InboundBenchArgs) -> ExitCode {
    report(crate::runtime().block_on(bench_inbound(args)))
}

fn report(result: Result<serde_json::Value, String>) -> ExitCode {
    match result {
        Ok(v) => {
            println!("{}", serde_json::to_string_pretty(&v).expect("serializes"));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("groupline bench: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn bench_send(args: &SendBenchArgs) -> Result<serde_json::Value, String> {
    let scratch = Scratch::start(&args.common, "send", args.provider_latency_ms).await?;
    let people: Vec<String> = (0..args.participants)
        .map(|i| format!("+1202555{:04}", 2000 + i))
        .collect();
    let mut out =
        json!({"participants": args.participants, "provider_latency_ms": args.provider_latency_ms});
    for (mode, concurrency) in [("parallel", args.participants.max(1)), ("sequential", 1)] {
        let engine = scratch.engine(mode, concurrency)?;
        let mut times = Vec::with_capacity(args.rounds);
        for round in 0..args.rounds {
            let started = Instant::now();
            let composed = engine
                .send(Draft {
                    audience: Audience::People(people.clone()),
                    text: format!("Round {round}: the adjuster arrives at 3pm"),
                    subject: None,
                    attachments: vec![],
                })
                .await
                .map_err(|e| e.to_string())?;
            engine
                .drain_outbox(Duration::from_secs(30))
                .await
                .map_err(|e| e.to_string())?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            let sent = engine
                .session()
                .message(composed.message_id)
                .map_err(|e| e.to_string())?;
            if sent
                .deliveries
                .iter()
                .any(|d| d.provider_message_id.is_none())
            {
                return Err(format!(
                    "round {round}: a recipient has no SubmitRsp MessageID"
                ));
            }
        }
        out[mode] = summary(times);
        engine.shutdown().await;
    }
    scratch.finish().await;
    Ok(out)
}

async fn bench_inbound(args: &InboundBenchArgs) -> Result<serde_json::Value, String> {
    let scratch = Scratch::start(&args.common, "inbound", 0).await?;
    let url = format!("http://{}/mm7", scratch.relay.addr);
    let client = reqwest::Client::new();
    let media: Vec<u8> = (0..args.size)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1])
        .collect();
    let mut ids = mm7::SequentialIds::new("bench", "2026-01-01T00:00:00Z");
    for i in 0..args.messages {
        let sender = format!("1202555{:04}", 3000 + i % 50);
        let request = mm7::message::DeliverReq {
            linked_id: Some(format!("bench-{i}")),
            sender: Some(mm7::Address::number(sender)),
            recipients: vec![mm7::Recipient::to(mm7::Address::number("12025550100"))],
            ..Default::default()
        };
        let envelope = mm7::Envelope::new(
            &mm7::Version::default(),
            format!("t{i}"),
            mm7::Body::DeliverReq(request),
        );
        let parts = [
            mm7::Part::new(
                "text/plain; charset=utf-8",
                format!("Inbound {i}").into_bytes(),
            ),
            mm7::Part::new("application/octet-stream", media.clone())
                .with_content_location("data.bin"),
        ];
        let body = mm7::encode_body(&envelope, &parts, mm7::TransferEncoding::Binary, &mut ids)
            .map_err(|e| e.to_string())?;
        let status = client
            .post(&url)
            .header("content-type", body.content_type)
            .body(body.body)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .status();
        if !status.is_success() {
            return Err(format!("the relay answered {status} to push {i}"));
        }
    }
    let engine = scratch.engine("store", 1)?;
    let started = Instant::now();
    let mut stored = 0;
    while stored < args.messages {
        let r = engine
            .poll_once(Duration::ZERO)
            .await
            .map_err(|e| e.to_string())?;
        if r.entries == 0 {
            break;
        }
        stored += r.messages;
    }
    let elapsed = started.elapsed().as_secs_f64();
    engine.shutdown().await;
    scratch.finish().await;
    Ok(json!({
        "messages": args.messages,
        "media_bytes": args.size,
        "stored": stored,
        "seconds": elapsed,
        "messages_per_sec": stored as f64 / elapsed,
    }))
}
