//! `groupline`: the command-line face of the same engine the desktop app uses.
//!
//! Every subcommand takes `--data-dir DIR` (else `GROUPLINE_DATA_DIR`, else the platform
//! default), so scripts and tests can point it at any store. Output meant for machines is
//! JSON on stdout; failures are one line on stderr and a non-zero exit code.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Parser, Subcommand};
use engine::{DataDir, EngineError, Session};

mod bench_cmd;
mod bench_engine;
mod bench_relay;
mod bench_store;
mod config_cmd;
mod consent_cmd;
mod contacts_cmd;
mod demo_cmd;
mod mm7_cmd;
mod outbox_cmd;
mod output;
mod paths_cmd;
mod poll_cmd;
mod provider_choice;
mod relay_cmd;
mod search_cmd;
mod send_cmd;
mod sim_cmd;
mod table;
mod threads_cmd;

#[derive(Debug, Parser)]
#[command(name = "groupline", version, about = "Business group texting over MM7")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the version, data directory and store schema version as JSON.
    Status(Common),
    /// Decode and encode MM7 messages.
    Mm7(mm7_cmd::Mm7Args),
    /// List threads, pinned first, then by last activity.
    Threads(threads_cmd::ThreadsArgs),
    /// Show one thread's messages, newest page first.
    Show(threads_cmd::ShowArgs),
    /// Full-text search over messages, subjects and participants.
    Search(search_cmd::SearchArgs),
    /// List contacts, or find the one behind a number.
    Contacts(contacts_cmd::ContactsArgs),
    /// Print the data directory, database file and media folder.
    Paths(paths_cmd::PathsArgs),
    /// Measure the store (and other parts) and print figures.
    Bench(bench_cmd::BenchArgs),
    /// The inbox relay a provider pushes to.
    Relay(relay_cmd::RelayArgs),
    /// The provider simulator.
    Sim(sim_cmd::SimArgs),
    /// Send a message to a thread, to people (a group or a direct thread), or as a
    /// broadcast of individual texts.
    Send(send_cmd::SendArgs),
    /// Read inbound messages and delivery reports from the relay into the store.
    Poll(poll_cmd::PollArgs),
    /// List outbox jobs waiting to be sent.
    Outbox(outbox_cmd::OutboxArgs),
    /// Run the engine against the embedded demo provider.
    Demo(demo_cmd::DemoArgs),
    /// The consent ledger: list, export and import opt-ins and opt-outs.
    Consent(consent_cmd::ConsentArgs),
    /// Show and edit the configuration: provider profiles, the relay, secrets.
    Config(config_cmd::ConfigArgs),
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
struct Common {
    /// Where Groupline keeps its data (default: $GROUPLINE_DATA_DIR, else the platform's
    /// application-data directory).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Mm7(args) = &cli.command {
        return mm7_cmd::run(args);
    }
    if let Command::Bench(args) = &cli.command {
        return bench_cmd::run(args);
    }
    if let Command::Relay(args) = &cli.command {
        return relay_cmd::run(args);
    }
    if let Command::Sim(args) = &cli.command {
        return sim_cmd::run(args);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("groupline: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), EngineError> {
    match cli.command {
        Command::Status(common) => {
            let session = Session::open(DataDir::from_env(common.data_dir)?, now_unix_ms())?;
            let status = session.status()?;
            println!(
                "{}",
                serde_json::to_string_pretty(&status).expect("AppStatus always serializes")
            );
            Ok(())
        }
        // Dispatched in main: its failures are codec errors, not engine errors.
        Command::Mm7(_) | Command::Bench(_) | Command::Relay(_) | Command::Sim(_) => Ok(()),
        Command::Threads(args) => threads_cmd::run_threads(args),
        Command::Show(args) => threads_cmd::run_show(args),
        Command::Search(args) => search_cmd::run(args),
        Command::Contacts(args) => contacts_cmd::run(args),
        Command::Paths(args) => paths_cmd::run(args),
        Command::Send(args) => send_cmd::run(args),
        Command::Poll(args) => poll_cmd::run(args),
        Command::Outbox(args) => outbox_cmd::run(args),
        Command::Demo(args) => demo_cmd::run(args),
        Command::Consent(args) => consent_cmd::run(args),
        Command::Config(args) => config_cmd::run(args),
    }
}

/// The async runtime the engine commands run on.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the OS lets us start threads")
}

pub(crate) fn now_unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
