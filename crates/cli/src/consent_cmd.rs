//! `groupline consent list|export|import`: the consent ledger, for audits and for bringing
//! in consents an office collected before Groupline (a web form's export, paper forms).
//!
//! The ledger is append-only: import adds events, it never edits or removes any. An import
//! is one transaction, so a bad row names its line and nothing of the file is recorded.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use engine::EngineError;
use engine::clock::{parse_xs_date_time, xs_date_time};
use engine::store::{ConsentEvent, ConsentKind, Evidence};

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

const PAGE: usize = 500;
const HEADER: [&str; 8] = [
    "id",
    "number",
    "event",
    "source",
    "evidence_kind",
    "evidence",
    "agent",
    "at",
];

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
                None => all_events(&session)?,
            };
            if json {
                return crate::output::print_json(&events);
            }
            for e in &events {
                let [_, number, kind, source, _, evidence, agent, at] = row(e);
                println!("{at}  {number:<16} {kind:<18} {source:<20} {evidence} {agent}");
            }
            Ok(())
        }
        ConsentCommand::Export { file, common } => {
            let session = common.open()?;
            let events = all_events(&session)?;
            let mut out = csv::Writer::from_path(&file).map_err(|e| io_error(&file, e))?;
            out.write_record(HEADER).map_err(|e| io_error(&file, e))?;
            for e in &events {
                out.write_record(row(e).map(|f| spreadsheet_safe(&f)))
                    .map_err(|e| io_error(&file, e))?;
            }
            out.flush().map_err(|e| io_error(&file, e.into()))?;
            eprintln!(
                "groupline: {} events written to {}",
                events.len(),
                file.display()
            );
            Ok(())
        }
        ConsentCommand::Import {
            file,
            agent,
            dry_run,
            common,
        } => {
            let rows = read_import(&file, crate::now_unix_ms())?;
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
            let n = session.write(|w| {
                for r in &rows {
                    w.record_consent(
                        &r.number,
                        r.kind,
                        &r.source,
                        &Evidence::Text(r.evidence.clone()),
                        r.agent.as_deref().or(agent.as_deref()),
                        r.at,
                    )?;
                }
                Ok(rows.len())
            })?;
            eprintln!("groupline: {n} events recorded from {}", file.display());
            Ok(())
        }
    }
}

fn all_events(session: &engine::Session) -> Result<Vec<ConsentEvent>, EngineError> {
    let mut events = Vec::new();
    loop {
        let after = events.last().map_or(0, |e: &ConsentEvent| e.id);
        let page = session.consent_events(after, PAGE)?;
        let done = page.len() < PAGE;
        events.extend(page);
        if done {
            return Ok(events);
        }
    }
}

fn row(e: &ConsentEvent) -> [String; 8] {
    let (kind, evidence) = match &e.evidence {
        Evidence::Text(t) => ("text", t.clone()),
        Evidence::Message(m) => ("message", m.0.to_string()),
        Evidence::File(f) => ("file", f.clone()),
    };
    let event = match e.kind {
        ConsentKind::OptIn => "opt_in",
        ConsentKind::OptOut => "opt_out",
        ConsentKind::ConfirmationSent => "confirmation_sent",
    };
    [
        e.id.to_string(),
        e.number.clone(),
        event.into(),
        e.source.clone(),
        kind.into(),
        evidence,
        e.agent.clone().unwrap_or_default(),
        xs_date_time(e.at),
    ]
}

/// A field a spreadsheet would run as a formula gets a leading apostrophe (evidence text
/// can come from anyone). Numbers in E.164 (`+` and digits) are left as they are.
fn spreadsheet_safe(field: &str) -> String {
    let digits_after_plus = field
        .strip_prefix('+')
        .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit()));
    match field.chars().next() {
        Some('=' | '@' | '\t' | '\r') => format!("'{field}"),
        Some('+' | '-') if !digits_after_plus && field.parse::<f64>().is_err() => {
            format!("'{field}")
        }
        _ => field.to_owned(),
    }
}

/// One event to import.
#[derive(Debug)]
struct ImportRow {
    number: String,
    kind: ConsentKind,
    source: String,
    evidence: String,
    agent: Option<String>,
    at: i64,
}

fn read_import(file: &PathBuf, now: i64) -> Result<Vec<ImportRow>, EngineError> {
    let bad = |line: u64, problem: String| {
        EngineError::Compose(format!("{} line {line}: {problem}", file.display()))
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .map_err(|e| io_error(file, e))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| io_error(file, e))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(number_col), Some(event_col)) = (column("number"), column("event")) else {
        return Err(bad(
            1,
            "the header needs `number` and `event` columns".into(),
        ));
    };
    let (source_col, evidence_col, agent_col, at_col) = (
        column("source"),
        column("evidence"),
        column("agent"),
        column("at"),
    );
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| io_error(file, e))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |col: Option<usize>| col.and_then(|c| record.get(c)).filter(|v| !v.is_empty());
        let number = field(Some(number_col)).ok_or_else(|| bad(line, "no number".into()))?;
        let kind = match field(Some(event_col))
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("opt_in" | "opt-in" | "optin") => ConsentKind::OptIn,
            Some("opt_out" | "opt-out" | "optout") => ConsentKind::OptOut,
            other => {
                return Err(bad(
                    line,
                    format!("event {other:?} is not opt_in or opt_out"),
                ));
            }
        };
        let at = match field(at_col) {
            None => now,
            Some(v) => v
                .parse::<i64>()
                .ok()
                .or_else(|| parse_xs_date_time(v))
                .ok_or_else(|| bad(line, format!("{v:?} is not a date")))?,
        };
        rows.push(ImportRow {
            number: number.to_owned(),
            kind,
            source: field(source_col).unwrap_or("import").to_owned(),
            evidence: field(evidence_col)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("imported from {}", file.display())),
            agent: field(agent_col).map(str::to_owned),
            at,
        });
    }
    Ok(rows)
}

fn io_error(path: &std::path::Path, e: csv::Error) -> EngineError {
    EngineError::Media {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}
