//! `groupline consent list|export|import`: the consent ledger, for audits and for bringing
//! in consents an office collected before Groupline (a web form's export, paper forms).
//!
//! The ledger is append-only: import adds events, it never edits or removes any. An import
//! is one transaction, so a bad row names its line and nothing of the file is recorded.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use engine::clock::xs_date_time;
use engine::{EngineError, consent_ledger};

use crate::Common;

#[derive(Debug, Args)]
pub struct ConsentArgs {
    #[command(subcommand)]
    command: ConsentCommand,
}

#[derive(Debug, Subcommand)]
enum ConsentCommand {
    /// Every opt-in, opt-out and confirmation, oldest first.
    List {
        /// Only this number (any format).
        #[arg(long)]
        number: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Write the whole ledger as CSV.
    Export {
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Record prior consents from CSV: a header row with `number` and `event` (opt_in or
    /// opt_out), and optionally `source`, `evidence`, `agent`, `at` (ISO 8601 or Unix ms).
    Import {
        file: PathBuf,
        /// Who is importing (recorded as the agent where a row names none).
        #[arg(long)]
        agent: Option<String>,
        /// Check the file and print what would be recorded, without recording it.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        common: Common,
    },
}

pub fn run(args: ConsentArgs) -> Result<(), EngineError> {
    match args.command {
        ConsentCommand::List {
            number,
            json,
            common,
        } => {
            let session = common.open()?;
            let events = match number {
                Some(n) => session.consent_history(&n)?,
                None => consent_ledger::all_events(&session)?,
            };
            if json {
                return crate::output::print_json(&events);
            }
            for e in &events {
                let [_, number, kind, source, _, evidence, agent, at] = consent_ledger::csv_row(e);
                println!("{at}  {number:<16} {kind:<18} {source:<20} {evidence} {agent}");
            }
            Ok(())
        }
        ConsentCommand::Export { file, common } => {
            let session = common.open()?;
            let out = std::fs::File::create(&file).map_err(|e| EngineError::Media {
                path: file.clone(),
                source: e,
            })?;
            let n = consent_ledger::export_csv(&session, std::io::BufWriter::new(out))?;
            eprintln!("groupline: {n} events written to {}", file.display());
            Ok(())
        }
        ConsentCommand::Import {
            file,
            agent,
            dry_run,
            common,
        } => {
            let input = std::fs::File::open(&file).map_err(|e| EngineError::Media {
                path: file.clone(),
                source: e,
            })?;
            let origin = file.display().to_string();
            let rows = consent_ledger::read_import(input, &origin, crate::now_unix_ms())?;
            if dry_run {
                for r in &rows {
                    println!(
                        "{}  {:<16} {:?} from {}",
                        xs_date_time(r.at),
                        r.number,
                        r.kind,
                        r.source
                    );
                }
                eprintln!(
                    "groupline: {} events would be recorded (dry run)",
                    rows.len()
                );
                return Ok(());
            }
            let session = common.open()?;
            let n = consent_ledger::import(&session, &rows, agent.as_deref())?;
            eprintln!("groupline: {n} events recorded from {}", file.display());
            Ok(())
        }
    }
}
