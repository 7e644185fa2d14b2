//! Groupline's thread store: everything the user has, on their own disk, in one SQLite
//! database plus a content-addressed media folder beside it.
//!
//! The store has no network access and knows nothing of MM7; `engine` joins the two. It
//! owns the schema and its migrations ([`migration`]), the rule that makes one conversation
//! one thread ([`address`]), and typed queries paginated by key ([`Page`]).
//!
//! Reads are methods on [`Store`]. Every write runs in one transaction through
//! [`Store::write`] and its [`Writer`]; what it changed is published on the change feed
//! ([`Store::subscribe`]) after it commits.
//!
//! One module per table or concern: [`accounts`](Writer::add_account), contacts, threads,
//! messages, parts (rows) and media (files), delivery, outbox, consent, relay cursors,
//! search, events.

mod accounts;
pub mod address;
mod broadcasts;
mod carriers;
mod consent;
mod contacts;
mod delivery;
mod error;
mod events;
mod ids;
mod media;
mod messages;
pub mod migration;
mod open;
mod outbox;
mod page;
mod parts;
mod relay_cursors;
mod search;
mod sniff;
mod sql;
mod threads;
#[cfg(test)]
mod upgrade_tests;
mod write;

pub use accounts::Account;
pub use address::{Address, NumberingPlan, ParticipantKey};
pub use consent::{
    ConsentEvent, ConsentKind, ConsentStatus, Evidence, LedgerFilter, QuietHoursOverride,
};
pub use contacts::{Contact, ContactInput, ContactQuery};
pub use delivery::{Delivery, DeliveryState, DeliveryUpdate};
pub use error::StoreError;
pub use events::StoreEvent;
pub use ids::{AccountId, ContactId, JobId, MessageId, PartId, ThreadId};
pub use media::{StoredMedia, SweepReport};
pub use messages::{
    AddedMessage, Direction, Message, MessageQuery, MessageState, MessagesAround, MessagesNewer,
    NewMessage,
};
pub use open::{DATABASE_FILE_NAME, MEDIA_DIR_NAME, Store};
pub use outbox::OutboxJob;
pub use page::{MAX_PAGE, Page};
pub use parts::{NewPart, Part};
pub use search::{MessageHit, SearchQuery, SearchResults, SnippetPiece, ThreadHit};
pub use sniff::{Sniffed, sniff};
pub use threads::{
    DeliveryTally, Participant, ResolvedThread, ThreadKind, ThreadListQuery, ThreadSummary,
};
pub use write::Writer;
