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

mod mm7_cmd;

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
    /// Decode and encode MM7 messages (issue 3).
    Mm7(mm7_cmd::Mm7Args),
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
        Command::Mm7(_) => Ok(()),
    }
}

fn now_unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
