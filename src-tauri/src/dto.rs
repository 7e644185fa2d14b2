//! The shapes that cross the IPC boundary, mirrored from the store's types.
//!
//! The store's types derive `Serialize` but not `specta::Type` (the store has no specta
//! feature), so the shell declares the same shapes here and converts. Row ids and
//! millisecond timestamps are `i64` in Rust and `number` in TypeScript: both stay far below
//! 2^53, so the `Number` override loses nothing.
//!
//! One decision lives here rather than in the UI: how a part may be shown
//! ([`PartDisplay`]), from the type sniffed from its bytes. The media protocol applies the
//! same rule ([`display_of`]) to what it serves.

use engine::store;
use serde::{Deserialize, Serialize};
use specta::Type;
use specta_typescript::Number;

use crate::IpcError;

/// Declares a page type (items and the cursor to the next page, `null` on the last).
/// Concrete rather than generic: the TypeScript exporter of this specta release cannot
/// name a generic page in a command's return type.
macro_rules! page {
    ($(#[$doc:meta])* $name:ident, $item:ty, $store:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Serialize, Type)]
        pub struct $name {
            pub items: Vec<$item>,
            pub next: Option<String>,
        }

        impl From<store::Page<$store>> for $name {
            fn from(p: store::Page<$store>) -> Self {
                $name {
                    items: p.items.into_iter().map(Into::into).collect(),
                    next: p.next,
                }
            }
        }
    };
}

page!(
    /// A page of the thread list.
    ThreadPage,
    ThreadSummary,
    store::ThreadSummary
);
page!(
    /// A page of a thread's messages, newest first.
    MessagePage,
    Message,
    store::Message
);
page!(
    /// A page of contacts by name.
    ContactPage,
    Contact,
    store::Contact
);
page!(
    /// A page of message search hits.
    MessageHitPage,
    MessageHit,
    store::MessageHit
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ThreadKind {
    /// Everyone sees everyone's messages (group MMS).
    Group,
    Direct,
    /// Individual texts: each recipient sees a private conversation.
    Broadcast,
}

impl From<store::ThreadKind> for ThreadKind {
    fn from(k: store::ThreadKind) -> Self {
        match k {
            store::ThreadKind::Group => ThreadKind::Group,
            store::ThreadKind::Direct => ThreadKind::Direct,
            store::ThreadKind::Broadcast => ThreadKind::Broadcast,
        }
    }
}

/// A participant: the canonical number, the contact's name when known, and whether they
/// opted out (texted STOP): the engine sends them nothing more.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Participant {
    pub address: String,
    pub name: Option<String>,
    pub opted_out: bool,
    /// Their carrier's brand, when the provider has named it (on their messages or our
    /// delivery reports).
    pub carrier: Option<String>,
}

impl From<store::Participant> for Participant {
    fn from(p: store::Participant) -> Self {
        Participant {
            carrier: p
                .operator_id
                .as_deref()
                .and_then(engine::media_pipeline::carrier_name)
                .map(str::to_owned),
            address: p.address,
            name: p.name,
            opted_out: p.opted_out,
        }
    }
}

/// A thread as the list and the conversation header show it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ThreadSummary {
    #[specta(type = Number)]
    pub id: i64,
    pub kind: ThreadKind,
    pub title: Option<String>,
    pub participants: Vec<Participant>,
    #[specta(type = Number)]
    pub created_at: i64,
    #[specta(type = Number)]
    pub last_activity: i64,
    #[specta(type = Number)]
    pub unread_count: i64,
    #[specta(type = Number)]
    pub message_count: i64,
    pub pinned: bool,
    pub archived: bool,
    pub muted: bool,
    #[specta(type = Option<Number>)]
    pub predecessor_id: Option<i64>,
    #[specta(type = Option<Number>)]
    pub last_message_id: Option<i64>,
    pub last_preview: Option<String>,
    /// The canonical number of the last message's author (ours for outgoing).
    pub last_author: Option<String>,
}

impl From<store::ThreadSummary> for ThreadSummary {
    fn from(t: store::ThreadSummary) -> Self {
        ThreadSummary {
            id: t.id.0,
            kind: t.kind.into(),
            title: t.title,
            participants: t.participants.into_iter().map(Into::into).collect(),
            created_at: t.created_at,
            last_activity: t.last_activity,
            unread_count: t.unread_count,
            message_count: t.message_count,
            pinned: t.pinned,
            archived: t.archived,
            muted: t.muted,
            predecessor_id: t.predecessor_id.map(|i| i.0),
            last_message_id: t.last_message_id.map(|i| i.0),
            last_preview: t.last_preview,
            last_author: t.last_author,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

/// Where a message stands locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    Unread,
    Read,
    Queued,
    Sending,
    Sent,
    Failed,
}

/// Where an outgoing message stands for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Queued,
    Submitted,
    Accepted,
    Delivered,
    Read,
    Failed,
    Expired,
    Rejected,
}

/// How the UI may show a part. Decided from the type sniffed from the bytes, never from
/// what the sender declared; everything not listed as displayable is a file card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum PartDisplay {
    Image,
    Video,
    Audio,
    File,
}

/// The one list of sniffed types the webview may render inline. SVG is never here (the
/// sniffer calls it text anyway), nor HTML, PDF or anything else a webview would execute
/// or parse richly.
pub fn display_of(sniffed_type: &str) -> PartDisplay {
    match sniffed_type {
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" => PartDisplay::Image,
        "video/mp4" | "video/3gpp" => PartDisplay::Video,
        "audio/mp4" => PartDisplay::Audio,
        _ => PartDisplay::File,
    }
}

/// A stored attachment.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Part {
    #[specta(type = Number)]
    pub id: i64,
    /// Sniffed from the bytes.
    pub content_type: String,
    pub display: PartDisplay,
    pub file_name: Option<String>,
    #[specta(type = Number)]
    pub size: i64,
    /// The media file's name (its content hash); the media protocol serves it.
    pub sha256: String,
    #[specta(type = Option<Number>)]
    pub width: Option<i64>,
    #[specta(type = Option<Number>)]
    pub height: Option<i64>,
    pub thumbnail_sha256: Option<String>,
}

impl From<store::Part> for Part {
    fn from(p: store::Part) -> Self {
        Part {
            id: p.id.0,
            display: display_of(&p.content_type),
            content_type: p.content_type,
            file_name: p.file_name,
            size: p.size,
            sha256: p.sha256,
            width: p.width,
            height: p.height,
            thumbnail_sha256: p.thumbnail_sha256,
        }
    }
}

/// One recipient's state for an outgoing message, with the provider's reason.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Delivery {
    pub recipient: String,
    pub state: DeliveryState,
    #[specta(type = Option<Number>)]
    pub status_code: Option<i64>,
    pub status_text: Option<String>,
    #[specta(type = Number)]
    pub updated_at: i64,
}

impl From<store::Delivery> for Delivery {
    fn from(d: store::Delivery) -> Self {
        Delivery {
            recipient: d.recipient,
            state: match d.state {
                store::DeliveryState::Queued => DeliveryState::Queued,
                store::DeliveryState::Submitted => DeliveryState::Submitted,
                store::DeliveryState::Accepted => DeliveryState::Accepted,
                store::DeliveryState::Delivered => DeliveryState::Delivered,
                store::DeliveryState::Read => DeliveryState::Read,
                store::DeliveryState::Failed => DeliveryState::Failed,
                store::DeliveryState::Expired => DeliveryState::Expired,
                store::DeliveryState::Rejected => DeliveryState::Rejected,
            },
            status_code: d.status_code,
            status_text: d.status_text,
            updated_at: d.updated_at,
        }
    }
}

/// A message as the conversation view shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Message {
    #[specta(type = Number)]
    pub id: i64,
    #[specta(type = Number)]
    pub thread_id: i64,
    pub direction: Direction,
    pub author: String,
    pub author_name: Option<String>,
    /// Untrusted text from the network: the UI renders it as text, never as HTML.
    pub body: String,
    pub subject: Option<String>,
    #[specta(type = Number)]
    pub at: i64,
    pub state: MessageState,
    pub parts: Vec<Part>,
    /// Per-recipient states of an outgoing message (empty for inbound).
    pub deliveries: Vec<Delivery>,
}

impl From<store::Message> for Message {
    fn from(m: store::Message) -> Self {
        Message {
            id: m.id.0,
            thread_id: m.thread_id.0,
            direction: match m.direction {
                store::Direction::In => Direction::In,
                store::Direction::Out => Direction::Out,
            },
            author: m.author,
            author_name: m.author_name,
            body: m.body,
            subject: m.subject,
            at: m.at,
            state: match m.state {
                store::MessageState::Unread => MessageState::Unread,
                store::MessageState::Read => MessageState::Read,
                store::MessageState::Queued => MessageState::Queued,
                store::MessageState::Sending => MessageState::Sending,
                store::MessageState::Sent => MessageState::Sent,
                store::MessageState::Failed => MessageState::Failed,
            },
            parts: m.parts.into_iter().map(Into::into).collect(),
            deliveries: m.deliveries.into_iter().map(Into::into).collect(),
        }
    }
}

/// A thread's header and a page of its messages, newest first.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ThreadView {
    pub thread: ThreadSummary,
    pub messages: MessagePage,
}

impl From<engine::ThreadView> for ThreadView {
    fn from(v: engine::ThreadView) -> Self {
        ThreadView {
            thread: v.thread.into(),
            messages: v.messages.into(),
        }
    }
}

/// A thread opened at one message (a search hit): the messages around it, newest first.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ThreadViewAt {
    pub thread: ThreadSummary,
    /// `next` is the cursor to the older messages.
    pub messages: MessagePage,
    /// Newer messages exist than these (the newest page is `open_thread` without a cursor).
    pub has_newer: bool,
}

/// Messages newer than the newest one shown, when a thread was opened at a search hit.
#[derive(Debug, Clone, Serialize, Type)]
pub struct NewerMessages {
    /// Newest first.
    pub items: Vec<Message>,
    /// More newer messages exist than these.
    pub has_newer: bool,
}

impl From<store::MessagesNewer> for NewerMessages {
    fn from(n: store::MessagesNewer) -> Self {
        NewerMessages {
            items: n.items.into_iter().map(Into::into).collect(),
            has_newer: n.has_newer,
        }
    }
}

/// A stored contact.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Contact {
    #[specta(type = Number)]
    pub id: i64,
    pub display_name: String,
    pub numbers: Vec<String>,
    pub company: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
}

impl From<store::Contact> for Contact {
    fn from(c: store::Contact) -> Self {
        Contact {
            id: c.id.0,
            display_name: c.display_name,
            numbers: c.numbers,
            company: c.company,
            notes: c.notes,
            tags: c.tags,
        }
    }
}

/// A contact to add, or the new content of one to edit.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ContactInput {
    pub display_name: String,
    /// In any format; stored canonical.
    pub numbers: Vec<String>,
    pub company: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
}

impl ContactInput {
    pub fn as_store(&self) -> store::ContactInput<'_> {
        fn opt(s: &Option<String>) -> Option<&str> {
            s.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        store::ContactInput {
            display_name: self.display_name.trim(),
            numbers: self.numbers.iter().map(|n| n.trim()).collect(),
            company: opt(&self.company),
            notes: opt(&self.notes),
            tags: self.tags.iter().map(|t| t.trim()).collect(),
        }
    }
}

/// A piece of a search snippet: matched text or its context. Rendered as text.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SnippetPiece {
    pub text: String,
    pub hit: bool,
}

impl From<store::SnippetPiece> for SnippetPiece {
    fn from(s: store::SnippetPiece) -> Self {
        SnippetPiece {
            text: s.text,
            hit: s.hit,
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct MessageHit {
    #[specta(type = Number)]
    pub message_id: i64,
    #[specta(type = Number)]
    pub thread_id: i64,
    pub thread_title: Option<String>,
    pub author: String,
    pub author_name: Option<String>,
    #[specta(type = Number)]
    pub at: i64,
    pub snippet: Vec<SnippetPiece>,
}

impl From<store::MessageHit> for MessageHit {
    fn from(h: store::MessageHit) -> Self {
        MessageHit {
            message_id: h.message_id.0,
            thread_id: h.thread_id.0,
            thread_title: h.thread_title,
            author: h.author,
            author_name: h.author_name,
            at: h.at,
            snippet: h.snippet.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct ThreadHit {
    #[specta(type = Number)]
    pub thread_id: i64,
    pub title: Option<String>,
    pub snippet: Vec<SnippetPiece>,
}

impl From<store::ThreadHit> for ThreadHit {
    fn from(h: store::ThreadHit) -> Self {
        ThreadHit {
            thread_id: h.thread_id.0,
            title: h.title,
            snippet: h.snippet.into_iter().map(Into::into).collect(),
        }
    }
}

/// Threads whose title or people matched (first page only) and a page of message hits.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SearchResults {
    pub threads: Vec<ThreadHit>,
    pub messages: MessageHitPage,
}

impl From<store::SearchResults> for SearchResults {
    fn from(r: store::SearchResults) -> Self {
        SearchResults {
            threads: r.threads.into_iter().map(Into::into).collect(),
            messages: r.messages.into(),
        }
    }
}

/// Who a new message goes to.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Recipients {
    /// An existing conversation.
    Thread {
        #[specta(type = Number)]
        thread_id: i64,
    },
    /// One group conversation: everyone sees the replies (one number is a direct thread).
    Group { numbers: Vec<String> },
    /// Individual texts: each person gets their own copy and replies privately.
    Individual { numbers: Vec<String> },
}

/// A file to send, as the user picked, dropped or pasted it: its bytes in base64, so only
/// what the user handed to the window can be sent (the backend reads no paths).
#[derive(Debug, Clone, Deserialize, Type)]
pub struct OutgoingAttachment {
    pub file_name: String,
    pub data_base64: String,
}

/// A message to send.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct SendRequest {
    pub to: Recipients,
    pub text: String,
    pub attachments: Vec<OutgoingAttachment>,
    /// Send now even in the recipients' quiet hours, for this recorded reason (incident
    /// coordination is not marketing).
    #[serde(default)]
    #[specta(optional)]
    pub urgent_reason: Option<String>,
}

/// What sending wrote: where the message is shown, and what the compliance rules did.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Sent {
    #[specta(type = Number)]
    pub thread_id: i64,
    #[specta(type = Number)]
    pub message_id: i64,
    /// Participants left out because they opted out.
    pub skipped_opted_out: Vec<String>,
    /// When quiet hours release the message (Unix ms), if they hold it.
    #[specta(type = Option<Number>)]
    pub scheduled_at: Option<i64>,
    /// Recipients with no opt-in on record (sent anyway: the policy warns).
    pub without_opt_in: Vec<String>,
    /// The opt-out footer went with it (someone's first message from us).
    pub footer_appended: bool,
}

/// Whether the pipelines run, and why not.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum EngineState {
    Starting,
    Running,
    Failed { error: crate::IpcError },
}

/// Whether the message store is ready: the window is up before it opens, and the first
/// open after an update may upgrade a large store for a minute.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StoreState {
    /// Still opening; `upgrade` names the migration running, if any.
    Opening {
        upgrade: Option<UpgradeProgress>,
    },
    Open,
    /// It could not open (the reason is shown; the app stays up).
    Failed {
        error: IpcError,
    },
}

/// One schema migration of an upgrade, for the progress screen.
#[derive(Debug, Clone, Serialize, Type)]
pub struct UpgradeProgress {
    pub step: u32,
    pub of: u32,
    /// What it does, in words ("delivery recipients by number").
    pub name: String,
}

/// What the status bar shows.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DesktopStatus {
    pub version: String,
    pub data_dir: String,
    pub schema_version: u32,
    /// On the embedded demo provider (the UI shows a "Demo provider" badge).
    pub demo: bool,
    pub engine: EngineState,
}
