//! The consent ledger as people handle it: recording an opt-in an agent collected, and the
//! ledger as CSV (export for audits; import of consents collected before Groupline).
//!
//! Shared by every shell (`groupline consent …`, the app's Compliance view) so a CSV made
//! by one reads the same in the other. The ledger is append-only: recording and importing
//! add events, nothing edits or removes one. An import is one transaction: a bad row
//! names its line and nothing of the file is recorded.

use std::io::{Read, Write};

use store::{ConsentEvent, ConsentKind, Evidence};

use crate::clock::{parse_xs_date_time, xs_date_time};
use crate::{EngineError, Session};

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 8] = [
    "id",
    "number",
    "event",
    "source",
    "evidence_kind",
    "evidence",
    "agent",
    "at",
];

const PAGE: usize = 500;

/// How an agent collected an opt-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptInSource {
    /// The person texted a keyword (START, YES) or asked to be texted.
    Keyword,
    /// A web sign-up form; the evidence says which submission.
    WebForm { reference: String },
    /// A signed paper form, its scanned page kept in the media folder.
    PaperForm { file_name: String, scan: Vec<u8> },
    /// Said to an agent, on the phone or in person; the agent is required.
    Verbal { note: String },
}

impl OptInSource {
    fn name(&self) -> &'static str {
        match self {
            OptInSource::Keyword => "keyword",
            OptInSource::WebForm { .. } => "web_form",
            OptInSource::PaperForm { .. } => "paper_form",
            OptInSource::Verbal { .. } => "verbal",
        }
    }
}

/// Records that `number` agreed to be texted, collected as `source` by `agent` at `at`.
/// Returns the event's id.
pub fn record_opt_in(
    session: &Session,
    number: &str,
    source: &OptInSource,
    agent: Option<&str>,
    at: i64,
) -> Result<i64, EngineError> {
    let agent = agent.map(str::trim).filter(|a| !a.is_empty());
    if matches!(source, OptInSource::Verbal { .. }) && agent.is_none() {
        return Err(EngineError::Compose(
            "verbal consent needs the name of the agent who heard it".into(),
        ));
    }
    session.canonical(number)?;
    session.write(|w| {
        let evidence = match source {
            OptInSource::Keyword => Evidence::Text("keyword recorded by an agent".into()),
            OptInSource::WebForm { reference } => Evidence::Text(reference.trim().to_owned()),
            OptInSource::Verbal { note } => Evidence::Text(note.trim().to_owned()),
            OptInSource::PaperForm { scan, .. } => Evidence::File(w.store_evidence_file(scan)?),
        };
        let source_text = match source {
            OptInSource::PaperForm { file_name, .. } => format!("paper_form: {file_name}"),
            other => other.name().to_owned(),
        };
        w.record_consent(
            number,
            ConsentKind::OptIn,
            &source_text,
            &evidence,
            agent,
            at,
        )
    })
}

/// The whole ledger, oldest first.
pub fn all_events(session: &Session) -> Result<Vec<ConsentEvent>, EngineError> {
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

/// The ledger's name for an event kind (the CSV's `event` column).
pub fn kind_name(kind: ConsentKind) -> &'static str {
    match kind {
        ConsentKind::OptIn => "opt_in",
        ConsentKind::OptOut => "opt_out",
        ConsentKind::ConfirmationSent => "confirmation_sent",
        ConsentKind::DisclosureSent => "disclosure_sent",
    }
}

/// One event as CSV fields (see [`CSV_HEADER`]).
pub fn csv_row(e: &ConsentEvent) -> [String; 8] {
    let (kind, evidence) = match &e.evidence {
        Evidence::Text(t) => ("text", t.clone()),
        Evidence::Message(m) => ("message", m.0.to_string()),
        Evidence::File(f) => ("file", f.clone()),
    };
    [
        e.id.to_string(),
        e.number.clone(),
        kind_name(e.kind).into(),
        e.source.clone(),
        kind.into(),
        evidence,
        e.agent.clone().unwrap_or_default(),
        xs_date_time(e.at),
    ]
}

/// Writes `events` as CSV to `out`, safe to open in a spreadsheet. Returns how many.
pub fn write_csv(events: &[ConsentEvent], out: impl Write) -> Result<usize, EngineError> {
    let mut csv = csv::Writer::from_writer(out);
    let fail = |e: csv::Error| EngineError::Runtime(format!("cannot write the CSV: {e}"));
    csv.write_record(CSV_HEADER).map_err(fail)?;
    for e in events {
        csv.write_record(csv_row(e).map(|f| spreadsheet_safe(&f)))
            .map_err(fail)?;
    }
    csv.flush()
        .map_err(|e| EngineError::Runtime(format!("cannot write the CSV: {e}")))?;
    Ok(events.len())
}

/// Writes the whole ledger as CSV to `out`. Returns how many events.
pub fn export_csv(session: &Session, out: impl Write) -> Result<usize, EngineError> {
    write_csv(&all_events(session)?, out)
}

/// A field a spreadsheet would run as a formula gets a leading apostrophe (evidence text
/// can come from anyone). Numbers in E.164 (`+` and digits) are left as they are.
pub fn spreadsheet_safe(field: &str) -> String {
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportRow {
    pub number: String,
    pub kind: ConsentKind,
    pub source: String,
    pub evidence: String,
    pub agent: Option<String>,
    pub at: i64,
}

/// Reads prior consents from CSV: a header row with `number` and `event` (opt_in or
/// opt_out), and optionally `source`, `evidence`, `agent`, `at` (ISO 8601 or Unix ms).
/// `origin` names the file in errors and default evidence. Nothing is recorded.
pub fn read_import(
    input: impl Read,
    origin: &str,
    now: i64,
) -> Result<Vec<ImportRow>, EngineError> {
    let bad = |line: u64, problem: String| {
        EngineError::Compose(format!("{origin} line {line}: {problem}"))
    };
    let unreadable = |e: csv::Error| EngineError::Compose(format!("{origin}: {e}"));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(unreadable)?
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
        let record = record.map_err(unreadable)?;
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
                .unwrap_or_else(|| format!("imported from {origin}")),
            agent: field(agent_col).map(str::to_owned),
            at,
        });
    }
    Ok(rows)
}

/// Records `rows` in one transaction; `agent` is recorded where a row names none. A row
/// whose number is not a number fails the whole import.
pub fn import(
    session: &Session,
    rows: &[ImportRow],
    agent: Option<&str>,
) -> Result<usize, EngineError> {
    session.write(|w| {
        for r in rows {
            w.record_consent(
                &r.number,
                r.kind,
                &r.source,
                &Evidence::Text(r.evidence.clone()),
                r.agent.as_deref().or(agent),
                r.at,
            )?;
        }
        Ok(rows.len())
    })
}

/// Reads and records a CSV of prior consents (see [`read_import`]). Returns how many.
pub fn import_csv(
    session: &Session,
    input: impl Read,
    origin: &str,
    agent: Option<&str>,
    now: i64,
) -> Result<usize, EngineError> {
    import(session, &read_import(input, origin, now)?, agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("+16175550123"), "+16175550123");
        assert_eq!(spreadsheet_safe("-12"), "-12");
        assert_eq!(spreadsheet_safe("-cmd|x"), "'-cmd|x");
        assert_eq!(spreadsheet_safe("STOP"), "STOP");
    }

    #[test]
    fn an_import_names_the_bad_line_and_reads_dates_both_ways() {
        let good = "Number,Event,Source,At\n6175550123,opt-in,web_form,2026-03-01T10:00:00Z\n6175550124,OPT_OUT,,1700000000000\n";
        let rows = read_import(good.as_bytes(), "prior.csv", 5).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].kind, ConsentKind::OptIn);
        assert_eq!(rows[0].source, "web_form");
        assert_eq!(rows[1].at, 1_700_000_000_000);
        assert_eq!(rows[1].source, "import");
        assert_eq!(rows[1].evidence, "imported from prior.csv");

        let bad = "number,event\n6175550123,opt_in\n6175550124,maybe\n";
        let e = read_import(bad.as_bytes(), "prior.csv", 5).unwrap_err();
        assert!(e.to_string().contains("prior.csv line 3"), "{e}");
        let e = read_import("phone,what\n1,2\n".as_bytes(), "x.csv", 5).unwrap_err();
        assert!(e.to_string().contains("`number` and `event`"), "{e}");
    }
}
