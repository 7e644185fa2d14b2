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
    /// Record one opt-in an agent collected: a web form (--reference), a signed paper form
    /// (--scan FILE, kept with the ledger), said on the phone or in person (--verbal NOTE,
    /// needs --agent), or a keyword the person texted elsewhere (--keyword).
    OptIn {
        number: String,
        #[arg(long, conflicts_with_all = ["scan", "verbal", "keyword"])]
        reference: Option<String>,
        #[arg(long, conflicts_with_all = ["verbal", "keyword"])]
        scan: Option<PathBuf>,
        #[arg(long, conflicts_with = "keyword")]
        verbal: Option<String>,
        #[arg(long)]
        keyword: bool,
        /// Who collected it.
        #[arg(long)]
        agent: Option<String>,
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
        ConsentCommand::OptIn {
            number,
            reference,
            scan,
            verbal,
            keyword,
            agent,
            common,
        } => {
            let source = match (reference, scan, verbal, keyword) {
                (Some(reference), ..) => consent_ledger::OptInSource::WebForm { reference },
                (_, Some(path), ..) => consent_ledger::OptInSource::PaperForm {
                    file_name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    scan: std::fs::read(&path).map_err(|e| EngineError::Media {
                        path: path.clone(),
                        source: e,
                    })?,
                },
                (_, _, Some(note), _) => consent_ledger::OptInSource::Verbal { note },
                (.., true) => consent_ledger::OptInSource::Keyword,
                _ => {
                    return Err(EngineError::Compose(
                        "say how the consent was collected: --reference, --scan, --verbal or --keyword"
                            .into(),
                    ));
                }
            };
            let session = common.open()?;
            let id = consent_ledger::record_opt_in(
                &session,
                &number,
                &source,
                agent.as_deref(),
                crate::now_unix_ms(),
            )?;
            eprintln!(
                "groupline: opt-in recorded for {} (ledger event {id})",
                session.canonical(&number)?
            );
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
