//! Outbound: from a composed message to a SubmitReq per recipient, durably.
//!
//! [`compose`] writes the message, its parts and one outbox job per recipient in one
//! transaction before anything is sent; [`preflight`] tells the composer beforehand what
//! the rules will do with it. [`worker`] drains the outbox with bounded
//! concurrency and a rate limit; [`request`] builds each recipient's SubmitReq (Sinch's
//! group fan-out for groups); [`policy`] turns a provider's answer into complete, retry
//! or fail.
//!
//! The duplicate window: an attempt's TransactionID is committed before the request is
//! sent, and the provider's answer is committed as soon as it arrives. A crash between
//! the provider accepting a request and that commit (a few milliseconds on loopback, one
//! round trip plus one fsync in general) leaves the job pending, and it is sent again on
//! restart, with the same TransactionID so the provider (and our tests) can recognise
//! it. No other path sends a recipient the same message twice; in particular two
//! processes on one data directory never both send, see [`lease`].

pub mod compose;
pub mod lease;
pub mod policy;
pub mod preflight;
pub mod request;
pub mod size_meter;
pub mod worker;
