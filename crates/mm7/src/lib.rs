//! The MM7 codec (3GPP TS 23.140: SOAP with attachments over HTTP).
//!
//! This crate will turn typed MM7 messages (SubmitReq, DeliverReq, DeliveryReportReq and
//! their responses, the SOAP Fault error forms) into exact bytes, and real-world bytes back
//! into typed messages, including the quirks real providers produce (see
//! `shared/mm7/BRIEF.md`). It is sans-IO: no sockets, no async runtime, no database; the
//! clock, TransactionIDs, MIME boundaries and Content-IDs are passed in so encoding is
//! deterministic.
//!
//! Nothing is implemented yet (issue 3).
