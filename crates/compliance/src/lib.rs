//! Texting-compliance rules as pure functions: what an inbound text asks for (opt out,
//! opt back in, help) and when a recipient may be texted (quiet hours by the recipient's
//! local time). The engine applies them; nothing here does I/O or reads the clock.
//!
//! - [`classify`] / [`classify_with`]: an inbound message's [`Classification`] and the
//!   [`Rule`] that decided it (evidence for the consent ledger). Every keyword and phrase
//!   lives in `phrases.rs`.
//! - [`window_for`] / [`next_allowed`]: a recipient's quiet-hours [`Window`] from the
//!   shipped NANP area-code table, and when a group message may go out.
//! - [`append_footer`]: the "Reply STOP to opt out" line, never twice.
//! - [`help_reply_due`]: HELP answered at most once a day per number.
//!
//! ```
//! use compliance::{Allowed, Classification, QuietPolicy, classify, next_allowed};
//!
//! let c = classify("Stop. Thank you");
//! assert!(matches!(c, Classification::OptOut { .. }));
//! assert_eq!(c.rule().unwrap().to_string(), "keyword:stop"); // for the consent ledger
//! assert_eq!(classify("can we stop by at 5?"), Classification::None);
//!
//! // 2026-07-16 01:00 UTC is 21:00 in New York (closed) and 15:00 in Honolulu. New York
//! // opens at 12:00 UTC, when it is 02:00 in Honolulu: the group waits for 08:00 in
//! // Honolulu (18:00 UTC).
//! let group = ["+12125550100", "+18085550100"];
//! let at = next_allowed(1_784_163_600_000, &group, &QuietPolicy::default()).unwrap();
//! assert_eq!(at, Allowed::At(1_784_224_800_000));
//! ```

mod classify;
mod error;
mod footer;
mod help;
mod normalize;
mod pattern;
mod phrases;
mod quiet;

pub use classify::{Classification, Keywords, Rule, classify, classify_with};
pub use error::QuietError;
pub use footer::{DEFAULT_FOOTER, append_footer};
pub use help::{HELP_REPLY_INTERVAL_MS, help_reply_due};
pub use quiet::{
    Allowed, Basis, Hours, MultiZone, QuietPolicy, UNKNOWN_NUMBER_ZONES, Window, next_allowed,
    next_allowed_in, window_for,
};
