//! Groupline's thread store: everything the user has, on their own disk, in one SQLite
//! database (plus, later, a content-addressed media folder beside it).
//!
//! The store has no network access and knows nothing of MM7; `engine` joins the two. It
//! owns the schema and its migrations ([`migration`]) and hands out typed queries.
//!
//! Threads, messages, contacts and the rest arrive with issue 4; today the store opens,
//! migrates, guards against a newer schema and reports its version.

mod error;
pub mod migration;
mod open;

pub use error::StoreError;
pub use open::{DATABASE_FILE_NAME, Store};
