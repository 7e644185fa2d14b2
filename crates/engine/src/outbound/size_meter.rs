//! The composer's size meter: how big a message with these attachments will be for these
//! recipients, against the limit of the tightest carrier among them, and what will be
//! downscaled or converted to get there. Reads headers only; no image is decoded.

use serde::Serialize;

use super::compose::{self, Attachment, Audience};
use crate::{EngineError, Session};

/// The meter's reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SizeMeter {
    /// The most the whole message may be, for these recipients' carriers.
    pub budget_bytes: u64,
    /// Whether every recipient's carrier is known (else the budget is the tightest
    /// carrier's limit, to be safe).
    pub carriers_known: bool,
    /// What the attachments add up to as picked.
    pub original_total_bytes: u64,
    /// What the message will be once fitted (estimated for re-encoded images).
    pub planned_total_bytes: u64,
    pub parts: Vec<MeterPart>,
    /// Why the message cannot be sent as it is (a type we never send, a video too big to
    /// fit), if so.
    pub refused: Option<String>,
}

/// One attachment on the meter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeterPart {
    pub file_name: String,
    /// Sniffed from the bytes, not taken from the name.
    pub content_type: String,
    pub original_bytes: u64,
    pub planned_bytes: u64,
    pub action: MeterAction,
}

/// What fitting does to a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeterAction {
    Keep,
    /// Location and other metadata removed, pixels unchanged.
    StripMetadata,
    /// Made smaller to fit.
    Downscale,
    /// Converted to JPEG (a format carriers do not take, e.g. HEIC or WebP).
    Convert,
    /// Re-encoded upright (rotated by its metadata).
    Normalize,
    /// An animation too big to keep: its first frame goes as a photo.
    FirstFrame,
}

/// The meter for `text` and `attachments` to `audience`.
pub fn size_meter(
    session: &Session,
    audience: &Audience,
    text: &str,
    attachments: &[Attachment],
) -> Result<SizeMeter, EngineError> {
    let (members, _) = compose::members_of(session, audience)?;
    let carriers_known = members
        .iter()
        .map(|m| session.carrier_of(m))
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .all(Option::is_some);
    let budget = compose::budget_for(session, &members)?;
    let original_total_bytes = attachments
        .iter()
        .map(|a| a.bytes.len() as u64)
        .sum::<u64>()
        + text.len() as u64;
    if text.is_empty() && attachments.is_empty() {
        return Ok(SizeMeter {
            budget_bytes: budget,
            carriers_known,
            original_total_bytes: 0,
            planned_total_bytes: 0,
            parts: Vec::new(),
            refused: None,
        });
    }
    let plan = match crate::media_pipeline::plan(text, attachments, budget) {
        Ok(plan) => plan,
        Err(e @ (EngineError::MediaRefused(_) | EngineError::Compose(_))) => {
            return Ok(SizeMeter {
                budget_bytes: budget,
                carriers_known,
                original_total_bytes,
                planned_total_bytes: original_total_bytes,
                parts: Vec::new(),
                refused: Some(e.to_string()),
            });
        }
        Err(e) => return Err(e),
    };
    Ok(SizeMeter {
        budget_bytes: plan.budget_bytes,
        carriers_known,
        original_total_bytes,
        planned_total_bytes: plan.planned_total_bytes,
        parts: plan
            .parts
            .iter()
            .map(|p| MeterPart {
                file_name: p.file_name.clone(),
                content_type: p.sniffed.content_type.to_owned(),
                original_bytes: p.original_bytes,
                planned_bytes: p.planned_bytes,
                action: action(p.action),
            })
            .collect(),
        refused: None,
    })
}

fn action(a: media::PlannedAction) -> MeterAction {
    use media::{PlannedAction as P, ReencodeReason as R};
    match a {
        P::Keep => MeterAction::Keep,
        P::StripMetadata => MeterAction::StripMetadata,
        P::Reencode { reason, .. } => match reason {
            R::TooLarge => MeterAction::Downscale,
            R::Convert => MeterAction::Convert,
            R::Normalize => MeterAction::Normalize,
            R::AnimationTooLarge => MeterAction::FirstFrame,
        },
    }
}
