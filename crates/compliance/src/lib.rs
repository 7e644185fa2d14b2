//! Texting-compliance rules as pure functions: what an inbound text asks for (opt out,
//! opt back in, help) and when a recipient may be texted (quiet hours by the recipient's
//! local time). The engine applies them; nothing here does I/O or reads the clock.
//!
//! - [`classify`] / [`classify_with`]: an inbound message's [`Classification`] and the
//!   [`Rule`] that decided it (evidence for the consent ledger). Every keyword and phrase
//!   lives in `phrases.rs`.

mod classify;
mod normalize;
mod pattern;
mod phrases;

pub use classify::{Classification, Keywords, Rule, classify, classify_with};
