//! How subcommands print: JSON for machines, and the hint to the next page for people.

use engine::{EngineError, Session};
use serde::Serialize;

use crate::Common;

/// Prints `value` as pretty JSON on stdout.
pub fn print_json(value: &impl Serialize) -> Result<(), EngineError> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("store and engine types always serialize")
    );
    Ok(())
}

/// Tells a person how to get the next page, on stderr so stdout stays the table.
pub fn print_next(next: Option<&str>, flag: &str) {
    if let Some(cursor) = next {
        eprintln!("more: {flag} {cursor}");
    }
}

impl Common {
    /// Opens the session for the chosen data directory.
    pub fn open(&self) -> Result<Session, EngineError> {
        Session::open(
            engine::DataDir::from_env(self.data_dir.clone())?,
            crate::now_unix_ms(),
        )
    }
}
