//! The engine's use of the `media` crate: thumbnails for inbound parts, and outgoing
//! attachments made to fit the tightest carrier limit before they are stored.
//!
//! The budget is the tightest limit among the recipients' carriers when the provider has
//! named every one of them (its operator ID on their messages and our delivery reports);
//! with any carrier unknown it is the tightest limit the media crate knows (Verizon's
//! 10DLC figure, BRIEF §5): a message that fits it fits everyone.

use crate::EngineError;
use crate::outbound::compose::Attachment;

/// The byte budget of one outgoing MMS when the recipients' carriers are unknown.
pub fn message_budget() -> u64 {
    media::tightest_limit(&[])
}

/// The byte budget of one outgoing MMS to recipients on these carriers (operator IDs;
/// `None` for one not known).
pub fn budget_for(operator_ids: &[Option<String>]) -> u64 {
    let carriers: Vec<media::Carrier> = operator_ids
        .iter()
        .map(|id| {
            id.as_deref()
                .and_then(|id| id.trim().parse().ok())
                .map_or(media::Carrier::Unknown, media::Carrier::from_operator_id)
        })
        .collect();
    media::tightest_limit(&carriers)
}

/// A thumbnail for an inbound part when it is an image that is safe to decode. Anything
/// else (too large, a bomb, not an image, corrupt) simply has none: the part itself is
/// always kept.
pub fn thumbnail(bytes: &[u8], declared_type: Option<&str>) -> Option<Vec<u8>> {
    match media::inspect_incoming(bytes, declared_type, &media::IncomingBounds::default()) {
        Ok(inspected) => inspected.thumbnail.map(|t| t.bytes),
        Err(e) => {
            tracing::info!(error = %e, "inbound part shown without a thumbnail");
            None
        }
    }
}

/// What sending `text` with `attachments` would do (the composer's size meter): each
/// part's planned action and size against the budget. Cheap: reads headers only.
pub fn plan(
    text: &str,
    attachments: &[Attachment],
    budget: u64,
) -> Result<media::OutgoingPlan, EngineError> {
    let borrowed: Vec<media::Attachment<'_>> = attachments
        .iter()
        .map(|a| media::Attachment {
            file_name: &a.file_name,
            bytes: &a.bytes,
        })
        .collect();
    Ok(media::plan_outgoing(text, &borrowed, budget)?)
}

/// The attachments as they will be sent: converted, downscaled and stripped of metadata
/// so the whole message fits the budget. CPU work: call it off the async threads.
pub fn prepare(
    text: &str,
    attachments: &[Attachment],
    budget: u64,
) -> Result<Vec<Attachment>, EngineError> {
    if attachments.is_empty() {
        return Ok(Vec::new());
    }
    let borrowed: Vec<media::Attachment<'_>> = attachments
        .iter()
        .map(|a| media::Attachment {
            file_name: &a.file_name,
            bytes: &a.bytes,
        })
        .collect();
    let prepared = media::prepare_outgoing(text, &borrowed, budget)?;
    Ok(prepared
        .parts
        .into_iter()
        .map(|p| Attachment {
            file_name: p.file_name,
            bytes: p.bytes,
        })
        .collect())
}

/// The carrier brand for a provider's operator ID, for showing beside a participant.
pub fn carrier_name(operator_id: &str) -> Option<&'static str> {
    media::Carrier::operator_name(operator_id)
}
