//! The inbox relay.
//!
//! MM7 has no pull: a provider POSTs every inbound message and delivery report to a URL and
//! retries only a few times. A desktop behind an office router has no such URL, so this crate
//! will be that URL: it answers each push at once with a proper MM7 response, keeps the raw
//! request durably, and serves the stream to Groupline clients by cursor with long polling.
//! It can run on an office server or embedded in the desktop app on loopback.
//!
//! Nothing is implemented yet (issue 5).
