//! `groupline bench …`: measurements that print figures (tests assert behaviour, not
//! speed). One variant per thing measured.

use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::{bench_engine, bench_relay, bench_store};

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    command: BenchCommand,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Build a realistic thread store and time its queries (median and p99).
    Store(bench_store::StoreBenchArgs),
    /// Push 50 KB DeliverReqs at a relay from several connections; print pushes/s and
    /// answer latency.
    Relay(bench_relay::RelayBenchArgs),
    /// Time a group send from compose to the last SubmitRsp, in parallel and one by one.
    Send(bench_engine::SendBenchArgs),
    /// Time the engine storing 50 KB inbound messages from the relay (messages/s).
    Inbound(bench_engine::InboundBenchArgs),
}

pub fn run(args: &BenchArgs) -> ExitCode {
    match &args.command {
        BenchCommand::Store(a) => bench_store::run(a),
        BenchCommand::Relay(a) => bench_relay::run(a),
        BenchCommand::Send(a) => bench_engine::run_send(a),
        BenchCommand::Inbound(a) => bench_engine::run_inbound(a),
    }
}
