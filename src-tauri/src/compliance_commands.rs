//! Compliance over IPC: what the composer checks before a send ([`preflight`]), the consent
//! ledger as the Compliance view and a contact's page show it, recording and importing
//! opt-ins, exporting the ledger as CSV, and starting a group without those who opted out.
//!
//! The rules themselves live in the engine (`engine::consent_ledger`, `Engine::preflight`);
//! each command here is one engine or store call plus the conversion to IPC shapes. The
//! plain functions are tested with a temporary data directory and no window; the
//! `#[tauri::command]` wrappers only move them off the async threads.
//!
//! Evidence text, message bodies and numbers in the ledger come from anyone who texted us:
//! they cross as plain strings and the UI renders them as text.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use engine::consent_ledger;
use engine::outbound::compose::Audience;
use engine::store::{ConsentEvent, ConsentKind, ConsentStatus, Evidence, ThreadId};
use engine::{ErrorCode, Session};
use serde::{Deserialize, Serialize};
use specta::Type;
use specta_typescript::Number;
use tauri::{State, WebviewWindow};

use crate::IpcError;
use crate::backend::Backend;
use crate::dto::{OutgoingAttachment, Recipients};
use crate::save_as::{self, SaveDialog, Target};

/// The largest CSV import or scanned form accepted, before decoding.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Where exports go, under the data directory.
pub const EXPORTS_DIR: &str = "exports";

// ---- shapes -------------------------------------------------------------------------

/// A number's standing in the consent ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// No opt-in or opt-out on record.
    Unknown,
    OptedIn,
    /// Texted STOP (or was recorded so): nothing more may be sent to them.
    OptedOut,
}

impl From<ConsentStatus> for ConsentState {
    fn from(s: ConsentStatus) -> Self {
        match s {
            ConsentStatus::Unknown => ConsentState::Unknown,
            ConsentStatus::OptedIn => ConsentState::OptedIn,
            ConsentStatus::OptedOut => ConsentState::OptedOut,
        }
    }
}

/// What a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ConsentEventKind {
    OptIn,
    OptOut,
    /// The one confirmation sent after an opt-out or a re-opt-in.
    ConfirmationSent,
    /// The opt-out footer went with the first message the number received from us.
    DisclosureSent,
}

impl From<ConsentKind> for ConsentEventKind {
    fn from(k: ConsentKind) -> Self {
        match k {
            ConsentKind::OptIn => ConsentEventKind::OptIn,
            ConsentKind::OptOut => ConsentEventKind::OptOut,
            ConsentKind::ConfirmationSent => ConsentEventKind::ConfirmationSent,
            ConsentKind::DisclosureSent => ConsentEventKind::DisclosureSent,
        }
    }
}

impl From<ConsentEventKind> for ConsentKind {
    fn from(k: ConsentEventKind) -> Self {
        match k {
            ConsentEventKind::OptIn => ConsentKind::OptIn,
            ConsentEventKind::OptOut => ConsentKind::OptOut,
            ConsentEventKind::ConfirmationSent => ConsentKind::ConfirmationSent,
            ConsentEventKind::DisclosureSent => ConsentKind::DisclosureSent,
        }
    }
}

/// What shows an entry happened. Text and message bodies are untrusted: shown as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConsentEvidence {
    /// A note (an agent's, or an imported row's).
    Text { text: String },
    /// The message that carried it (an inbound STOP, the confirmation we sent), with its
    /// text when it is still stored.
    Message {
        #[specta(type = Number)]
        message_id: i64,
        #[specta(type = Option<Number>)]
        thread_id: Option<i64>,
        body: Option<String>,
    },
    /// A file kept as evidence (a scanned paper form): its sha256 in the media folder,
    /// served like any attachment.
    File { sha256: String },
}

/// One ledger entry as the Compliance view and a contact's page show it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ConsentEntry {
    #[specta(type = Number)]
    pub id: i64,
    /// E.164.
    pub number: String,
    /// The contact's name for the number, when there is one.
    pub name: Option<String>,
    pub kind: ConsentEventKind,
    /// Where it came from: `inbound keyword:stop`, `web_form`, `verbal`, `import`...
    pub source: String,
    pub evidence: ConsentEvidence,
    /// Who recorded it, when a person did.
    pub agent: Option<String>,
    #[specta(type = Number)]
    pub at: i64,
}

/// Which ledger entries to show. Empty `kinds` means every kind; `from`/`to` are inclusive
/// Unix milliseconds.
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct LedgerQuery {
    pub kinds: Vec<ConsentEventKind>,
    /// Matches the number (digits in any format), the contact's name, the source, the
    /// agent or the evidence, ignoring case.
    pub text: Option<String>,
    #[specta(type = Option<Number>)]
    pub from: Option<i64>,
    #[specta(type = Option<Number>)]
    pub to: Option<i64>,
}

/// A page of the ledger, newest first; `next` reads older entries.
#[derive(Debug, Clone, Serialize, Type)]
pub struct LedgerPage {
    pub items: Vec<ConsentEntry>,
    pub next: Option<String>,
    /// How many entries match the query in all.
    pub total: u32,
}

/// A number's standing, for a badge.
#[derive(Debug, Clone, Serialize, Type)]
pub struct NumberConsent {
    /// As asked.
    pub number: String,
    pub status: ConsentState,
}

/// One recipient of a message about to be sent, as the rules see them.
#[derive(Debug, Clone, Serialize, Type)]
pub struct RecipientCheck {
    pub number: String,
    pub name: Option<String>,
    pub consent: ConsentState,
    /// Skipped: nothing is sent to them.
    pub opted_out: bool,
    /// No opt-in on record (a warning, or a block when the policy refuses).
    pub no_opt_in: bool,
    /// Their quiet hours hold the message until then (Unix ms).
    #[specta(type = Option<Number>)]
    pub quiet_until: Option<i64>,
    /// Their first message from us: the opt-out footer goes with it.
    pub needs_footer: bool,
}

/// What sending to an audience would do, asked before sending.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Preflight {
    pub recipients: Vec<RecipientCheck>,
    /// Why nothing can be sent at all, with the code a send would fail with (`opted_out`
    /// when everyone did, `no_opt_in` when the policy refuses, `invalid_input` for too many).
    pub blocked: Option<IpcError>,
    /// Quiet hours hold the message until then (Unix ms); an urgent send goes now.
    #[specta(type = Option<Number>)]
    pub scheduled_at: Option<i64>,
    /// The footer that will be appended ("Reply STOP to opt out"), if any.
    pub footer: Option<String>,
    /// Individual texts: each copy is timed and footed on its own.
    pub broadcast: bool,
}

/// How an opt-in was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum OptInSource {
    /// They texted a keyword in.
    Keyword,
    WebForm,
    /// A signed paper form (the scan is attached).
    PaperForm,
    /// On the phone or in person (the agent's name is recorded).
    Verbal,
}

/// An opt-in to record.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct OptInInput {
    /// Any format; recorded canonical.
    pub number: String,
    pub source: OptInSource,
    /// Who took it (required for verbal consent).
    pub agent: Option<String>,
    /// Which web form submission, or what was said.
    pub note: Option<String>,
    /// When it was given (Unix ms); now when absent.
    #[specta(type = Option<Number>)]
    pub at: Option<i64>,
    /// The scanned page of a paper form (required for one).
    pub scan: Option<OutgoingAttachment>,
}

/// Where an export was written.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CsvExport {
    pub path: String,
    /// No save dialog could be shown: the file went to the data directory's `exports/`.
    pub fallback: bool,
    pub events: u32,
}

// ---- what each command does ---------------------------------------------------------

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The engine's audience for the recipients the UI names.
pub(crate) fn audience(to: Recipients) -> Audience {
    match to {
        Recipients::Thread { thread_id } => Audience::Thread(ThreadId(thread_id)),
        Recipients::Group { numbers } => Audience::People(numbers),
        Recipients::Individual { numbers } => Audience::Broadcast(numbers),
    }
}

/// What sending to `to` would do: who is skipped, blocked, held by quiet hours.
pub fn preflight(engine: &engine::Engine, to: Recipients) -> Result<Preflight, IpcError> {
    let p = engine.preflight(&audience(to))?;
    Ok(Preflight {
        recipients: p
            .recipients
            .into_iter()
            .map(|r| RecipientCheck {
                number: r.number,
                name: r.name,
                consent: r.consent.into(),
                opted_out: r.opted_out,
                no_opt_in: r.no_opt_in,
                quiet_until: r.quiet_until,
                needs_footer: r.needs_footer,
            })
            .collect(),
        blocked: p.blocked.map(|b| IpcError::new(b.code, b.message)),
        scheduled_at: p.scheduled_at,
        footer: p.footer,
        broadcast: p.broadcast,
    })
}

/// Names for numbers, looked up once each.
struct Names<'s> {
    session: &'s Session,
    known: HashMap<String, Option<String>>,
}

impl<'s> Names<'s> {
    fn new(session: &'s Session) -> Self {
        Names {
            session,
            known: HashMap::new(),
        }
    }

    fn of(&mut self, number: &str) -> Result<Option<String>, IpcError> {
        if let Some(n) = self.known.get(number) {
            return Ok(n.clone());
        }
        let name = self
            .session
            .contact_by_number(number)?
            .map(|c| c.display_name);
        self.known.insert(number.to_owned(), name.clone());
        Ok(name)
    }
}

fn entry(
    session: &Session,
    names: &mut Names<'_>,
    e: ConsentEvent,
) -> Result<ConsentEntry, IpcError> {
    let evidence = match e.evidence {
        Evidence::Text(text) => ConsentEvidence::Text { text },
        Evidence::File(sha256) => ConsentEvidence::File { sha256 },
        Evidence::Message(id) => {
            let message = match session.message(id) {
                Ok(m) => Some(m),
                Err(err) if err.code() == ErrorCode::NotFound => None,
                Err(err) => return Err(err.into()),
            };
            ConsentEvidence::Message {
                message_id: id.0,
                thread_id: message.as_ref().map(|m| m.thread_id.0),
                body: message.map(|m| m.body),
            }
        }
    };
    Ok(ConsentEntry {
        id: e.id,
        name: names.of(&e.number)?,
        number: e.number,
        kind: e.kind.into(),
        source: e.source,
        evidence,
        agent: e.agent,
        at: e.at,
    })
}

/// The text filter: case-insensitive over the words shown, and by digits over numbers
/// (so "(202) 555-0166" finds +12025550166).
struct TextFilter {
    lower: String,
    digits: String,
}

impl TextFilter {
    fn new(text: &str) -> Option<Self> {
        let lower = text.trim().to_lowercase();
        if lower.is_empty() {
            return None;
        }
        let digits: String = lower.chars().filter(char::is_ascii_digit).collect();
        Some(TextFilter { lower, digits })
    }

    fn matches(&self, e: &ConsentEntry) -> bool {
        let has = |s: &str| s.to_lowercase().contains(&self.lower);
        if self.digits.len() >= 3 && e.number.contains(&self.digits) {
            return true;
        }
        let evidence = match &e.evidence {
            ConsentEvidence::Text { text } => has(text),
            ConsentEvidence::File { sha256 } => has(sha256),
            ConsentEvidence::Message { body, .. } => body.as_deref().is_some_and(has),
        };
        evidence
            || has(&e.number)
            || e.name.as_deref().is_some_and(has)
            || has(&e.source)
            || e.agent.as_deref().is_some_and(has)
    }
}

/// A page of the ledger, newest first, filtered by kind, text and date range. `after` is
/// the previous page's `next`.
pub fn ledger(
    session: &Session,
    query: &LedgerQuery,
    after: Option<String>,
    page_size: Option<u32>,
) -> Result<LedgerPage, IpcError> {
    let limit = page_size.map_or(100, |n| n.clamp(1, 500) as usize);
    let before = match after.as_deref() {
        None => i64::MAX,
        Some(c) => c
            .parse::<i64>()
            .map_err(|_| IpcError::invalid("that page of the ledger no longer exists"))?,
    };
    let text = query.text.as_deref().and_then(TextFilter::new);
    let mut names = Names::new(session);
    let Some(text) = text else {
        // Kinds and times only: the store pages and counts them itself.
        let kinds: Vec<ConsentKind> = query.kinds.iter().map(|k| (*k).into()).collect();
        let filter = engine::store::LedgerFilter {
            kinds: &kinds,
            from: query.from,
            to: query.to,
        };
        let mut page = session.consent_events_before(&filter, before, limit + 1)?;
        let more = page.len() > limit;
        page.truncate(limit);
        let next = more
            .then(|| page.last().map(|e| e.id.to_string()))
            .flatten();
        let items = page
            .into_iter()
            .map(|e| entry(session, &mut names, e))
            .collect::<Result<Vec<_>, _>>()?;
        let total = u32::try_from(session.count_consent_events(&filter)?).unwrap_or(u32::MAX);
        return Ok(LedgerPage { items, next, total });
    };
    // A text filter reads names and message bodies, which only the shell has: every
    // event of the kinds and times asked for is read and matched here.
    let mut items = Vec::new();
    let mut total = 0u32;
    let mut next = None;
    for e in consent_ledger::all_events(session)?.into_iter().rev() {
        let kind: ConsentEventKind = e.kind.into();
        if (!query.kinds.is_empty() && !query.kinds.contains(&kind))
            || query.from.is_some_and(|from| e.at < from)
            || query.to.is_some_and(|to| e.at > to)
        {
            continue;
        }
        let id = e.id;
        let shown = entry(session, &mut names, e)?;
        if !text.matches(&shown) {
            continue;
        }
        total += 1;
        if id >= before {
            continue;
        }
        if items.len() < limit {
            items.push(shown);
        } else if next.is_none() {
            next = items.last().map(|l: &ConsentEntry| l.id.to_string());
        }
    }
    Ok(LedgerPage { items, next, total })
}

/// A number's consent history, newest first.
pub fn history(session: &Session, number: &str) -> Result<Vec<ConsentEntry>, IpcError> {
    let mut names = Names::new(session);
    session
        .consent_history(number)?
        .into_iter()
        .rev()
        .map(|e| entry(session, &mut names, e))
        .collect()
}

/// Each number's standing; a number that cannot be read as one is `unknown`.
pub fn statuses(session: &Session, numbers: Vec<String>) -> Result<Vec<NumberConsent>, IpcError> {
    numbers
        .into_iter()
        .map(|number| {
            let status = match session.consent_status(&number) {
                Ok(s) => s.into(),
                Err(e) if e.code() == ErrorCode::InvalidInput => ConsentState::Unknown,
                Err(e) => return Err(e.into()),
            };
            Ok(NumberConsent { number, status })
        })
        .collect()
}

fn decode_upload(file: &OutgoingAttachment) -> Result<Vec<u8>, IpcError> {
    let name = crate::ops::clean_file_name(&file.file_name);
    if file.data_base64.len() / 4 * 3 > MAX_UPLOAD_BYTES + 3 {
        return Err(IpcError::invalid(format!(
            "{name} is larger than {} MiB",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        )));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file.data_base64.as_bytes())
        .map_err(|_| IpcError::invalid(format!("{name} could not be read")))?;
    if bytes.is_empty() {
        return Err(IpcError::invalid(format!("{name} is empty")));
    }
    Ok(bytes)
}

fn non_blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Records an opt-in with its source and evidence (a paper form's scan is kept in the media
/// folder by the engine).
pub fn record_opt_in(session: &Session, input: OptInInput, now: i64) -> Result<(), IpcError> {
    if input.number.trim().is_empty() {
        return Err(IpcError::invalid("which number gave consent?"));
    }
    let at = input.at.unwrap_or(now);
    if at > now + 60_000 {
        return Err(IpcError::invalid("consent cannot be given in the future"));
    }
    let note = non_blank(&input.note);
    let source = match input.source {
        OptInSource::Keyword => consent_ledger::OptInSource::Keyword,
        OptInSource::WebForm => consent_ledger::OptInSource::WebForm {
            reference: note.unwrap_or("web sign-up form").to_owned(),
        },
        OptInSource::Verbal => consent_ledger::OptInSource::Verbal {
            note: note.unwrap_or("verbal consent").to_owned(),
        },
        OptInSource::PaperForm => {
            let Some(scan) = &input.scan else {
                return Err(IpcError::invalid("attach the scanned paper form"));
            };
            consent_ledger::OptInSource::PaperForm {
                file_name: crate::ops::clean_file_name(&scan.file_name),
                scan: decode_upload(scan)?,
            }
        }
    };
    consent_ledger::record_opt_in(session, &input.number, &source, non_blank(&input.agent), at)?;
    Ok(())
}

/// The "Export CSV…" dialog: `consent-ledger-<time>.csv`, opening in `downloads`; without a
/// dialog the file goes to the data directory's `exports/`.
pub fn export_dialog(session: &Session, now: i64, downloads: Option<PathBuf>) -> SaveDialog {
    let stamp = engine::clock::xs_date_time(now)
        .replace([':', '-'], "")
        .replace('.', "_");
    SaveDialog {
        file_name: format!("consent-ledger-{stamp}.csv"),
        start_dir: downloads,
        fallback_dir: session.data_dir().path().join(EXPORTS_DIR),
    }
}

/// Writes the whole ledger as CSV to `target`.
pub fn export_csv(session: &Session, target: &Target) -> Result<CsvExport, IpcError> {
    let (saved, events) =
        save_as::write(target, |out| Ok(consent_ledger::export_csv(session, out)?))?;
    Ok(CsvExport {
        path: saved.path,
        fallback: saved.fallback,
        events: u32::try_from(events).unwrap_or(u32::MAX),
    })
}

/// Records the consents in a CSV file, all or none; answers how many.
pub fn import_csv(session: &Session, file: &OutgoingAttachment, now: i64) -> Result<u32, IpcError> {
    let bytes = decode_upload(file)?;
    let origin = crate::ops::clean_file_name(&file.file_name);
    let n = consent_ledger::import_csv(session, bytes.as_slice(), &origin, None, now)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Starts the group that continues `thread_id` without the participants who opted out,
/// linked to it as its successor; answers the new thread's id.
pub fn continue_without_opted_out(
    session: &Session,
    thread_id: i64,
    now: i64,
) -> Result<i64, IpcError> {
    let thread = session.thread_summary(ThreadId(thread_id))?;
    let mut remaining = Vec::new();
    for p in &thread.participants {
        if session.consent_status(&p.address)? != ConsentStatus::OptedOut {
            remaining.push(p.address.clone());
        }
    }
    if remaining.len() == thread.participants.len() {
        return Err(IpcError::invalid("nobody in this conversation opted out"));
    }
    if remaining.is_empty() {
        return Err(IpcError::invalid(
            "everyone in this conversation opted out; there is nobody to text",
        ));
    }
    crate::participants_command::start_successor(session, thread_id, &remaining, now)
}

// ---- the commands -------------------------------------------------------------------

async fn blocking<T: Send + 'static>(
    backend: &Backend,
    f: impl FnOnce(&Session) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    let session: Arc<Session> = backend.session()?;
    tauri::async_runtime::spawn_blocking(move || f(&session))
        .await
        .map_err(|e| IpcError::internal(format!("store worker failed: {e}")))?
}

/// What sending to `to` would do, before sending: who is skipped because they opted out,
/// whether anything can be sent, quiet hours, the opt-out footer.
#[tauri::command]
#[specta::specta]
pub async fn preflight_send(
    backend: State<'_, Backend>,
    to: Recipients,
) -> Result<Preflight, IpcError> {
    let engine = backend.engine().await?;
    // The checks read the store: off the async threads, like every other read.
    tauri::async_runtime::spawn_blocking(move || preflight(&engine, to))
        .await
        .map_err(|e| IpcError::internal(format!("store worker failed: {e}")))?
}

/// A page of the consent ledger, newest first.
#[tauri::command]
#[specta::specta]
pub async fn consent_ledger(
    backend: State<'_, Backend>,
    query: LedgerQuery,
    after: Option<String>,
    page_size: Option<u32>,
) -> Result<LedgerPage, IpcError> {
    blocking(&backend, move |s| ledger(s, &query, after, page_size)).await
}

/// One number's consent events, newest first.
#[tauri::command]
#[specta::specta]
pub async fn consent_history(
    backend: State<'_, Backend>,
    number: String,
) -> Result<Vec<ConsentEntry>, IpcError> {
    blocking(&backend, move |s| history(s, &number)).await
}

/// Each number's standing (for badges where the number is not a thread's participant).
#[tauri::command]
#[specta::specta]
pub async fn consent_statuses(
    backend: State<'_, Backend>,
    numbers: Vec<String>,
) -> Result<Vec<NumberConsent>, IpcError> {
    blocking(&backend, move |s| statuses(s, numbers)).await
}

/// Records an opt-in (keyword, web form, paper form with its scan, verbal).
#[tauri::command]
#[specta::specta]
pub async fn record_opt_in_consent(
    backend: State<'_, Backend>,
    input: OptInInput,
) -> Result<(), IpcError> {
    let now = now_ms();
    blocking(&backend, move |s| record_opt_in(s, input, now)).await
}

/// "Export CSV…": asks where to save the ledger (the native dialog) and writes it there;
/// `null` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_consent_csv(
    window: WebviewWindow,
    backend: State<'_, Backend>,
) -> Result<Option<CsvExport>, IpcError> {
    let session = backend.session()?;
    let dialog = export_dialog(&session, now_ms(), save_as::downloads(&window).ok());
    let Some(target) = save_as::choose(&window, &dialog).await? else {
        return Ok(None);
    };
    blocking(&backend, move |s| export_csv(s, &target))
        .await
        .map(Some)
}

/// Records prior consents from a CSV file the user picked (all rows or none).
#[tauri::command]
#[specta::specta]
pub async fn import_consent_csv(
    backend: State<'_, Backend>,
    file: OutgoingAttachment,
) -> Result<u32, IpcError> {
    let now = now_ms();
    blocking(&backend, move |s| import_csv(s, &file, now)).await
}

/// Starts a group without those who opted out, linked to `thread_id`; answers its id.
#[tauri::command]
#[specta::specta]
pub async fn start_group_without_opted_out(
    backend: State<'_, Backend>,
    thread_id: i64,
) -> Result<i64, IpcError> {
    let now = now_ms();
    blocking(&backend, move |s| {
        continue_without_opted_out(s, thread_id, now)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::store;

    fn session() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let data = engine::DataDir::resolve(Some(dir.path().to_path_buf()), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        (dir, session)
    }

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// Tom opts out by text, with a message as evidence; Ana is recorded by hand; a
    /// third number has evidence text that looks like markup.
    fn ledger_with_three(session: &Session) -> i64 {
        session
            .write(|w| {
                w.add_contact(
                    &store::ContactInput {
                        display_name: "Tom Becker",
                        numbers: vec!["2025550166"],
                        company: None,
                        notes: None,
                        tags: vec![],
                    },
                    1,
                )?;
                let t = w.resolve_thread(["2025550155", "2025550166"], 1)?;
                let m = w.add_message(&store::NewMessage {
                    thread_id: t.id,
                    direction: store::Direction::In,
                    author: "2025550166",
                    body: "Stop.",
                    subject: None,
                    at: 10,
                    provider_at: None,
                    provider_message_id: None,
                    linked_id: None,
                    transaction_id: None,
                    state: store::MessageState::Unread,
                })?;
                w.record_consent(
                    "2025550111",
                    ConsentKind::OptIn,
                    "web_form",
                    &Evidence::Text("signup".into()),
                    None,
                    5,
                )?;
                w.record_consent(
                    "2025550166",
                    ConsentKind::OptOut,
                    "inbound opt_out",
                    &Evidence::Message(m.id),
                    None,
                    10,
                )?;
                w.record_consent(
                    "2025550177",
                    ConsentKind::OptIn,
                    "verbal",
                    &Evidence::Text("<img src=x onerror=alert(1)>".into()),
                    Some("Priya"),
                    20,
                )?;
                Ok(t.id.0)
            })
            .unwrap()
    }

    #[test]
    fn the_ledger_is_newest_first_filtered_and_paged() {
        let (_d, session) = session();
        ledger_with_three(&session);
        let all = ledger(&session, &LedgerQuery::default(), None, None).unwrap();
        assert_eq!(all.total, 3);
        let numbers: Vec<_> = all.items.iter().map(|e| e.number.as_str()).collect();
        assert_eq!(numbers, ["+12025550177", "+12025550166", "+12025550111"]);
        // The opt-out names its contact and carries the message that asked for it.
        let out = &all.items[1];
        assert_eq!(out.name.as_deref(), Some("Tom Becker"));
        assert!(
            matches!(&out.evidence, ConsentEvidence::Message { body: Some(b), .. } if b == "Stop.")
        );

        let kinds = LedgerQuery {
            kinds: vec![ConsentEventKind::OptOut],
            ..LedgerQuery::default()
        };
        assert_eq!(ledger(&session, &kinds, None, None).unwrap().items.len(), 1);
        let by_name = LedgerQuery {
            text: Some("becker".into()),
            ..LedgerQuery::default()
        };
        assert_eq!(
            ledger(&session, &by_name, None, None).unwrap().items[0].number,
            "+12025550166"
        );
        let by_digits = LedgerQuery {
            text: Some("(202) 555-0111".into()),
            ..LedgerQuery::default()
        };
        assert_eq!(
            ledger(&session, &by_digits, None, None).unwrap().items[0].number,
            "+12025550111"
        );
        let by_evidence = LedgerQuery {
            text: Some("onerror".into()),
            ..LedgerQuery::default()
        };
        assert_eq!(ledger(&session, &by_evidence, None, None).unwrap().total, 1);
        let range = LedgerQuery {
            from: Some(6),
            to: Some(10),
            ..LedgerQuery::default()
        };
        let r = ledger(&session, &range, None, None).unwrap();
        assert_eq!((r.total, r.items[0].at), (1, 10));

        let first = ledger(&session, &LedgerQuery::default(), None, Some(2)).unwrap();
        assert_eq!(first.items.len(), 2);
        let second = ledger(
            &session,
            &LedgerQuery::default(),
            first.next.clone(),
            Some(2),
        )
        .unwrap();
        assert_eq!(second.items.len(), 1);
        assert_eq!(second.items[0].number, "+12025550111");
        assert!(second.next.is_none());
        assert_eq!(
            ledger(&session, &LedgerQuery::default(), Some("x".into()), None)
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn history_and_statuses_follow_the_ledger() {
        let (_d, session) = session();
        ledger_with_three(&session);
        let h = history(&session, "(202) 555-0166").unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].kind, ConsentEventKind::OptOut);
        let s = statuses(
            &session,
            vec![
                "2025550166".into(),
                "2025550111".into(),
                "not a number".into(),
                "2025550199".into(),
            ],
        )
        .unwrap();
        let got: Vec<_> = s.iter().map(|n| n.status).collect();
        assert_eq!(
            got,
            [
                ConsentState::OptedOut,
                ConsentState::OptedIn,
                ConsentState::Unknown,
                ConsentState::Unknown
            ]
        );
    }

    #[test]
    fn opt_ins_need_their_evidence() {
        let (_dir, session) = session();
        let input = |source, agent: Option<&str>, scan: Option<OutgoingAttachment>| OptInInput {
            number: "(202) 555-0188".into(),
            source,
            agent: agent.map(Into::into),
            note: None,
            at: Some(50),
            scan,
        };
        let err =
            record_opt_in(&session, input(OptInSource::Verbal, Some("  "), None), 100).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        let err =
            record_opt_in(&session, input(OptInSource::PaperForm, None, None), 100).unwrap_err();
        assert!(err.message.contains("scanned"), "{}", err.message);
        let tomorrow = OptInInput {
            at: Some(86_400_000),
            ..input(OptInSource::Keyword, None, None)
        };
        let err = record_opt_in(&session, tomorrow, 100).unwrap_err();
        assert!(err.message.contains("future"), "{}", err.message);
        assert_eq!(
            statuses(&session, vec!["2025550188".into()]).unwrap()[0].status,
            ConsentState::Unknown
        );

        record_opt_in(
            &session,
            input(OptInSource::Verbal, Some("Priya"), None),
            100,
        )
        .unwrap();
        let scan = OutgoingAttachment {
            file_name: "../../form.pdf".into(),
            data_base64: b64(b"%PDF-1.4 signed"),
        };
        record_opt_in(
            &session,
            input(OptInSource::PaperForm, None, Some(scan)),
            100,
        )
        .unwrap();
        let h = history(&session, "2025550188").unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h[1].agent.as_deref(), Some("Priya"));
        assert_eq!(h[1].source, "verbal");
        let ConsentEvidence::File { sha256 } = &h[0].evidence else {
            panic!("a paper form keeps its scan: {:?}", h[0].evidence);
        };
        assert!(h[0].source.contains("form.pdf"), "{}", h[0].source);
        let kept = std::fs::read(session.media_file(sha256).unwrap()).unwrap();
        assert_eq!(kept, b"%PDF-1.4 signed");
    }

    #[test]
    fn export_and_import_go_through_the_ledger() {
        let (dir, session) = session();
        ledger_with_three(&session);
        let dialog = export_dialog(&session, 1_700_000_000_000, None);
        assert!(
            dialog.file_name.starts_with("consent-ledger-20231114T")
                && dialog.file_name.ends_with(".csv"),
            "{}",
            dialog.file_name
        );
        let chosen = dir.path().join("ledger.csv");
        let out = export_csv(&session, &Target::Chosen(chosen.clone())).unwrap();
        assert_eq!(out.events, 3);
        assert_eq!(out.path, chosen.display().to_string());
        assert!(!out.fallback);
        let csv = std::fs::read_to_string(&chosen).unwrap();
        assert!(csv.contains("+12025550166"), "{csv}");
        // Without a dialog: under exports/, and a second export does not overwrite the first.
        let fallback = Target::Fallback {
            dir: dialog.fallback_dir.clone(),
            file_name: dialog.file_name.clone(),
        };
        let first = export_csv(&session, &fallback).unwrap();
        let again = export_csv(&session, &fallback).unwrap();
        assert!(first.fallback);
        assert!(
            first
                .path
                .starts_with(&dir.path().join(EXPORTS_DIR).display().to_string())
        );
        assert_ne!(again.path, first.path);
        assert_eq!(std::fs::read_to_string(&again.path).unwrap(), csv);

        let file = OutgoingAttachment {
            file_name: "prior.csv".into(),
            data_base64: b64(b"number,event,source\n2025550199,opt_in,web_form\n"),
        };
        assert_eq!(import_csv(&session, &file, 100).unwrap(), 1);
        assert_eq!(
            statuses(&session, vec!["2025550199".into()]).unwrap()[0].status,
            ConsentState::OptedIn
        );
        let bad = OutgoingAttachment {
            file_name: "bad.csv".into(),
            data_base64: b64(b"number,event\n2025550198,opt_in\n2025550197,maybe\n"),
        };
        assert!(import_csv(&session, &bad, 100).is_err());
        assert_eq!(
            statuses(&session, vec!["2025550198".into()]).unwrap()[0].status,
            ConsentState::Unknown,
            "all or none"
        );
    }

    #[test]
    fn a_group_continues_without_who_opted_out() {
        let (_d, session) = session();
        let thread = ledger_with_three(&session);
        let next = continue_without_opted_out(&session, thread, 30).unwrap();
        let t = session.thread_summary(ThreadId(next)).unwrap();
        assert_eq!(t.predecessor_id, Some(ThreadId(thread)));
        let people: Vec<_> = t.participants.iter().map(|p| p.address.as_str()).collect();
        assert_eq!(people, ["+12025550155"]);
        // Nobody opted out of the new one.
        assert_eq!(
            continue_without_opted_out(&session, next, 31)
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
    }
}
