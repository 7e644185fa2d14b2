//! One relay entry into the store: decode the raw MM7 push, then write what it means.
//!
//! Decoding and media work ([`parse`]) happen off the async threads and outside the write
//! transaction; [`write`] only writes. Every write is idempotent under replay: a message
//! is deduplicated by its provider id (Sinch's LinkedID, else the push's TransactionID),
//! and delivery states only move forward.

use store::{DeliveryState, DeliveryUpdate, Direction, MessageState, NewMessage, NewPart, Writer};

use crate::clock::parse_xs_date_time;

/// How far back an unconfirmed submit may be matched to a delivery report that names a
/// MessageID we never learned (reports come within minutes; a day leaves room for a
/// relay that was offline).
pub(crate) const ADOPT_WITHIN_MS: i64 = 24 * 3_600_000;

/// A part of an inbound message, checked and thumbnailed.
#[derive(Debug, Clone)]
pub struct InboundPart {
    pub bytes: Vec<u8>,
    pub declared_type: Option<String>,
    pub file_name: Option<String>,
    pub thumbnail: Option<Vec<u8>>,
}

/// An inbound message (DeliverReq).
#[derive(Debug, Clone)]
pub struct InboundMessage {
    pub from: String,
    /// Everyone on the message (sender and recipients, ours included; the store drops ours).
    pub participants: Vec<String>,
    pub subject: Option<String>,
    pub body: String,
    pub parts: Vec<InboundPart>,
    /// The identity used to drop provider retries and replays.
    pub dedupe_id: Option<String>,
    pub linked_id: Option<String>,
    pub transaction_id: Option<String>,
    pub provider_at: Option<i64>,
}

/// A delivery report or read reply about one recipient of one of our submits.
#[derive(Debug, Clone)]
pub struct Report {
    pub provider_message_id: String,
    pub recipient: String,
    pub state: DeliveryState,
    pub status_text: Option<String>,
    pub at: Option<i64>,
}

/// What an entry is.
#[derive(Debug, Clone)]
pub enum Inbound {
    Message(InboundMessage),
    Report(Report),
    /// Nothing to store (a kind we do not act on, or a report with no news); the reason
    /// is logged.
    Skip(String),
}

/// What writing an entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Stored(store::MessageId),
    Duplicate,
    /// A report, and the message it was about when the MessageID is one of ours.
    Report {
        message: Option<store::MessageId>,
    },
    Skipped,
}

/// Decodes a raw push (HTTP request bytes as the relay kept them).
pub fn parse(raw: &[u8]) -> Inbound {
    let decoded = match mm7::decode_http(raw, &mm7::Limits::default()) {
        Ok(d) => d,
        Err(e) => return Inbound::Skip(format!("undecodable push: {e}")),
    };
    let transaction_id = decoded.envelope.transaction_id.clone();
    match decoded.envelope.body {
        mm7::Body::DeliverReq(req) => {
            let Some(sender) = req.sender.as_ref().map(|a| a.value.clone()) else {
                return Inbound::Skip("DeliverReq without a sender".into());
            };
            let mut participants = vec![sender.clone()];
            participants.extend(req.recipients.iter().map(|r| r.address.value.clone()));
            let mut body = String::new();
            let mut parts = Vec::new();
            for part in decoded.parts {
                if part.is_smil() {
                    continue;
                }
                if part.media_type() == "text/plain" {
                    if !body.is_empty() {
                        body.push('\n');
                    }
                    body.push_str(&String::from_utf8_lossy(&part.data));
                    continue;
                }
                let bytes = part.data.into_owned();
                let thumbnail = crate::media_pipeline::thumbnail(&bytes, Some(&part.content_type));
                parts.push(InboundPart {
                    declared_type: Some(part.content_type),
                    file_name: part.content_location.or(part.content_id),
                    thumbnail,
                    bytes,
                });
            }
            Inbound::Message(InboundMessage {
                from: sender,
                participants,
                subject: req.subject,
                body,
                parts,
                dedupe_id: req
                    .linked_id
                    .clone()
                    .or_else(|| transaction_id.clone().map(|t| format!("tx:{t}"))),
                linked_id: req.linked_id,
                transaction_id,
                provider_at: req.time_stamp.as_deref().and_then(parse_xs_date_time),
            })
        }
        mm7::Body::DeliveryReportReq(report) => {
            let status = report.mm_status.clone().unwrap_or_default();
            let Some(state) = delivery_state(&status) else {
                return Inbound::Skip(format!("delivery report with status {status:?}"));
            };
            match (report.message_id, report.recipient) {
                (Some(id), Some(recipient)) => Inbound::Report(Report {
                    provider_message_id: id,
                    recipient: recipient.value,
                    state,
                    status_text: report.status_text.or(Some(status)),
                    at: report.date.as_deref().and_then(parse_xs_date_time),
                }),
                _ => Inbound::Skip("delivery report without MessageID or Recipient".into()),
            }
        }
        mm7::Body::ReadReplyReq(reply) => {
            let status = reply.mm_status.clone().unwrap_or_default();
            if !status.eq_ignore_ascii_case("read") {
                return Inbound::Skip(format!("read reply with status {status:?}"));
            }
            // A read reply names the reader as its Sender.
            match (reply.message_id, reply.sender.or(reply.recipient)) {
                (Some(id), Some(reader)) => Inbound::Report(Report {
                    provider_message_id: id,
                    recipient: reader.value,
                    state: DeliveryState::Read,
                    status_text: reply.status_text.or(Some(status)),
                    at: reply.time_stamp.as_deref().and_then(parse_xs_date_time),
                }),
                _ => Inbound::Skip("read reply without MessageID or reader".into()),
            }
        }
        other => Inbound::Skip(format!("{:?} is not an inbound message", other.kind())),
    }
}

/// MM7 MMStatus (case-insensitive) → the recipient's state; `None` for news we ignore.
pub fn delivery_state(mm_status: &str) -> Option<DeliveryState> {
    Some(match mm_status.trim().to_ascii_lowercase().as_str() {
        "retrieved" | "delivered" => DeliveryState::Delivered,
        "read" => DeliveryState::Read,
        "expired" => DeliveryState::Expired,
        "rejected" => DeliveryState::Rejected,
        "forwarded" | "deferred" => DeliveryState::Accepted,
        "unreachable" | "unrecognised" | "unrecognized" | "deliveryconditionnotmet" => {
            DeliveryState::Failed
        }
        _ => return None,
    })
}

/// Writes an entry the relay received at `received_at` (by its clock) in the caller's
/// transaction, at `now` by ours: what we queue in answer (an opt-out's confirmation) is due
/// by our clock, which the outbox goes by, whatever the relay's says.
pub fn write(
    w: &mut Writer<'_>,
    rules: &crate::consent::Rules,
    inbound: &Inbound,
    received_at: i64,
    now: i64,
) -> Result<Applied, store::StoreError> {
    match inbound {
        Inbound::Message(m) => {
            let thread =
                w.resolve_thread(m.participants.iter().map(String::as_str), received_at)?;
            let added = w.add_message(&NewMessage {
                thread_id: thread.id,
                direction: Direction::In,
                author: &m.from,
                body: &m.body,
                subject: m.subject.as_deref(),
                at: received_at,
                provider_at: m.provider_at,
                provider_message_id: m.dedupe_id.as_deref(),
                linked_id: m.linked_id.as_deref(),
                transaction_id: m.transaction_id.as_deref(),
                state: MessageState::Unread,
            })?;
            if added.duplicate {
                return Ok(Applied::Duplicate);
            }
            if let Some(change) =
                crate::consent::on_inbound(w, rules, added.id, &m.from, &m.body, received_at, now)?
            {
                tracing::info!(?change, "consent changed by an inbound message");
            }
            for part in &m.parts {
                w.add_part(
                    added.id,
                    &NewPart {
                        bytes: &part.bytes,
                        declared_type: part.declared_type.as_deref(),
                        file_name: part.file_name.as_deref(),
                        thumbnail: part.thumbnail.as_deref(),
                    },
                )?;
            }
            Ok(Applied::Stored(added.id))
        }
        Inbound::Report(r) => {
            let update = DeliveryUpdate {
                state: r.state,
                provider_message_id: Some(&r.provider_message_id),
                status_code: None,
                status_text: r.status_text.as_deref(),
                at: r.at.unwrap_or(received_at),
            };
            let mut matched =
                w.update_delivery_by_provider_id(&r.provider_message_id, &r.recipient, &update)?;
            if matched.is_none() {
                // A submit whose answer we never read (timeout, garbled 200) learns its
                // MessageID from its delivery report.
                matched =
                    w.adopt_unconfirmed(&r.recipient, received_at - ADOPT_WITHIN_MS, &update)?;
            }
            Ok(Applied::Report { message: matched })
        }
        Inbound::Skip(_) => Ok(Applied::Skipped),
    }
}
