//! Inbound: the relay's stream into the store, exactly once.
//!
//! [`relay_client`] long-polls the relay by cursor; [`apply`] turns each raw MM7 push into
//! store writes (a message in the right thread, a delivery report or read reply on the
//! right recipient); [`poller`] commits a batch's writes *and* the new cursor in one
//! transaction, and only then acknowledges the cursor to the relay. A crash before that
//! commit re-reads the batch; dedupe by provider ids makes the replay harmless.

pub mod apply;
pub mod poller;
pub mod relay_client;
