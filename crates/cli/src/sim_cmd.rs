//! `groupline sim serve`: the provider simulator as a process. Point a Groupline (or
//! `curl`) at its submit URL; it pushes delivery reports and scripted messages to the
//! relay at `--push-to`. Prints one JSON line (`{"listening": …}`) once it accepts
//! submits, then serves until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use mmsc_sim::{
    Fault, FaultPlan, PushFault, PushFaultPlan, PushTarget, RetryPolicy, Script, SimConfig,
    Simulator, SinchAccount,
};
use serde_json::json;

use crate::Common;

#[derive(Debug, Args)]
pub struct SimArgs {
    #[command(subcommand)]
    command: SimCommand,
}

#[derive(Debug, Subcommand)]
enum SimCommand {
    /// Accept SubmitReqs as Sinch does and push to a relay.
    Serve(Box<ServeArgs>),
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8788")]
    listen: SocketAddr,
    /// The relay's push URL, e.g. http://127.0.0.1:8787/mm7.
    #[arg(long, value_name = "URL")]
    push_to: Option<String>,
    /// Basic auth sent with pushes, as USER:PASSWORD.
    #[arg(long, value_name = "USER:PASSWORD")]
    push_auth: Option<String>,
    /// A script file (TOML or JSON), or `demo` for the built-in one.
    #[arg(long, value_name = "FILE|demo")]
    script: Option<String>,
    /// Script times are multiplied by this (0.1 plays ten times faster).
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// The account's VASPID (API key).
    #[arg(long, default_value = "groupline-demo")]
    vasp_id: String,
    /// The account's VASID, required on submits when set.
    #[arg(long)]
    vas_id: Option<String>,
    /// Basic auth required on submits, as USER:PASSWORD.
    #[arg(long, value_name = "USER:PASSWORD")]
    basic_auth: Option<String>,
    /// A provisioned sender number (repeatable).
    #[arg(long = "sender", value_name = "NUMBER", default_value = "12025550100")]
    senders: Vec<String>,
    /// Carrier size limit over the decoded content.
    #[arg(long, value_name = "BYTES", default_value_t = 1_310_720)]
    max_message_bytes: usize,
    /// Submits accepted per second (3510 above).
    #[arg(long, value_name = "N")]
    max_rate: Option<u32>,
    /// Delay before a delivery report is pushed.
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    dlr_delay_ms: u64,
    /// MMStatus of delivery reports (Retrieved, Rejected, Expired, Unreachable, …).
    #[arg(long, default_value = "Retrieved")]
    dlr_status: String,
    /// Push timeout (Sinch: 10 s).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    push_timeout_ms: u64,
    /// Interval between push retries (Sinch: 5 min).
    #[arg(long, value_name = "MS", default_value_t = 300_000)]
    retry_interval_ms: u64,
    /// Push retries after the first attempt (Sinch: 5).
    #[arg(long, default_value_t = 5)]
    retries: u32,
    /// A fault for the next submit, in order (repeatable): 500, 503, delay:MS, reset,
    /// truncated, malformed.
    #[arg(long = "fault", value_name = "FAULT")]
    faults: Vec<Fault>,
    /// Fraction of submits (0–1) that get one of --random-fault, chosen with --seed.
    #[arg(long, default_value_t = 0.0)]
    fail_fraction: f64,
    /// A fault the random failures choose from (repeatable; default 500 and 503).
    #[arg(long = "random-fault", value_name = "FAULT")]
    random_faults: Vec<Fault>,
    /// Garble the next push attempt, in order (repeatable): truncated, malformed. The
    /// relay should keep it and refuse it; the retry carries the intact request.
    #[arg(long = "push-fault", value_name = "FAULT")]
    push_faults: Vec<PushFault>,
    /// Fraction of push attempts (0–1) garbled with one of --random-push-fault.
    #[arg(long, default_value_t = 0.0)]
    push_fail_fraction: f64,
    /// A fault the random push failures choose from (repeatable; default both).
    #[arg(long = "random-push-fault", value_name = "FAULT")]
    random_push_faults: Vec<PushFault>,
    /// The operator ID delivery reports carry when neither the submit nor the script's
    /// cast names the recipient's carrier (e.g. 31002 for AT&T).
    #[arg(long, value_name = "ID")]
    dlr_operator_id: Option<String>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// JSON-lines event log (default: DATA_DIR/sim/events.jsonl).
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
}

pub fn run(args: &SimArgs) -> ExitCode {
    let SimCommand::Serve(serve_args) = &args.command;
    match serve(serve_args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("groupline sim: {e}");
            ExitCode::FAILURE
        }
    }
}

fn pair(value: &str, flag: &str) -> Result<(String, String), String> {
    value
        .split_once(':')
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .ok_or_else(|| format!("{flag} takes USER:PASSWORD"))
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    let data_dir =
        engine::DataDir::from_env(args.common.data_dir.clone()).map_err(|e| e.to_string())?;
    let log = match &args.log {
        Some(p) => p.clone(),
        None => {
            let dir = data_dir.path().join("sim");
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            dir.join("events.jsonl")
        }
    };
    let script = match args.script.as_deref() {
        None => None,
        Some("demo") => Some(mmsc_sim::demo_script()),
        Some(path) => Some(Script::load(std::path::Path::new(path)).map_err(|e| e.to_string())?),
    };
    let random_faults = if args.random_faults.is_empty() {
        vec![Fault::Http500, Fault::Http503]
    } else {
        args.random_faults.clone()
    };
    let config = SimConfig {
        listen: args.listen,
        account: SinchAccount {
            vasp_id: args.vasp_id.clone(),
            vas_id: args.vas_id.clone(),
            basic: args
                .basic_auth
                .as_deref()
                .map(|b| pair(b, "--basic-auth"))
                .transpose()?,
            senders: args.senders.clone(),
            max_message_bytes: args.max_message_bytes,
            max_submits_per_second: args.max_rate,
        },
        push_to: match &args.push_to {
            Some(url) => Some(PushTarget {
                url: url.clone(),
                basic: args
                    .push_auth
                    .as_deref()
                    .map(|b| pair(b, "--push-auth"))
                    .transpose()?,
            }),
            None => None,
        },
        retry: RetryPolicy {
            timeout: Duration::from_millis(args.push_timeout_ms),
            interval: Duration::from_millis(args.retry_interval_ms),
            retries: args.retries,
        },
        dlr_delay: Duration::from_millis(args.dlr_delay_ms),
        dlr_status: args.dlr_status.clone(),
        faults: FaultPlan {
            next: args.faults.iter().copied().collect(),
            random_fraction: args.fail_fraction,
            random_faults,
        },
        push_faults: PushFaultPlan {
            next: args.push_faults.iter().copied().collect(),
            random_fraction: args.push_fail_fraction,
            random_faults: if args.random_push_faults.is_empty() {
                vec![PushFault::Truncated, PushFault::Malformed]
            } else {
                args.random_push_faults.clone()
            },
        },
        dlr_operator_id: args.dlr_operator_id.clone(),
        script,
        time_scale: args.time_scale,
        seed: args.seed,
        log_path: Some(log.clone()),
        ..SimConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let handle = Simulator::start(config).await.map_err(|e| e.to_string())?;
        println!(
            "{}",
            json!({
                "listening": handle.addr.to_string(),
                "submit_url": handle.submit_url(),
                "log": log.display().to_string(),
            })
        );
        use std::io::Write;
        let _ = std::io::stdout().flush();
        until_signal().await;
        handle.shutdown().await;
        Ok(())
    })
}

/// Resolves on SIGINT or (on Unix) SIGTERM.
pub(crate) async fn until_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
