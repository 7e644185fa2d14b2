//! Making an outgoing message fit its budget: the plan carried out.
//!
//! Parts the plan keeps are copied (or stripped of metadata); images it re-encodes are
//! decoded (bounded, upright), flattened onto white and fitted as JPEG one after another.
//! Each image's target is its pixel-weighted share of what is still left, so bytes an
//! earlier image didn't need go to the later ones.

use crate::decode::{self, DecodeBounds};
use crate::fit::{MIN_SIDE, Q_MIN, fit_jpeg};
use crate::plan::{
    Attachment, OUTGOING_MAX_ALLOC, OUTGOING_MAX_PIXELS, OutgoingLimits, PlannedAction,
    ReencodeReason, plan_outgoing_with, share,
};
use crate::strip::{strip_jpeg, strip_png};
use crate::{MediaError, Sniffed};

/// What happened to a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Byte for byte as given.
    None,
    /// Same pixels, metadata removed.
    MetadataStripped,
    /// Decoded and re-encoded as JPEG (upright, no metadata).
    Reencoded {
        reason: ReencodeReason,
        quality: u8,
        original_width: u32,
        original_height: u32,
    },
}

/// One part ready for the codec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedPart {
    /// The given name, with a `.jpg` extension when re-encoded.
    pub file_name: String,
    /// Sniffed (or `image/jpeg` when re-encoded): put this on the MIME part.
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub original_bytes: u64,
    pub original_content_type: &'static str,
    pub change: Change,
}

/// A message that fits: `total_bytes <= budget_bytes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedMessage {
    /// In the order given.
    pub parts: Vec<PreparedPart>,
    pub text_bytes: u64,
    /// The MIME/SMIL allowance (see [`crate::overhead_bytes`]).
    pub overhead_bytes: u64,
    /// Text, overhead and every part's bytes.
    pub total_bytes: u64,
    pub budget_bytes: u64,
}

/// Prepares `text` and `attachments` to fit `budget_bytes` as one MMS (e.g.
/// [`crate::tightest_limit`] of the recipients' carriers), no media part over Sinch's
/// per-part cap ([`OutgoingLimits::new`]).
///
/// CPU-heavy for big photos (hundreds of milliseconds each): call it off the async threads.
pub fn prepare_outgoing(
    text: &str,
    attachments: &[Attachment<'_>],
    budget_bytes: u64,
) -> Result<PreparedMessage, MediaError> {
    prepare_outgoing_with(text, attachments, OutgoingLimits::new(budget_bytes))
}

/// [`prepare_outgoing`] with explicit limits.
pub fn prepare_outgoing_with(
    text: &str,
    attachments: &[Attachment<'_>],
    limits: OutgoingLimits,
) -> Result<PreparedMessage, MediaError> {
    let budget_bytes = limits.message_bytes;
    let plan = plan_outgoing_with(text, attachments, limits)?;
    let mut available = budget_bytes.saturating_sub(plan.fixed_bytes());
    let mut weight_left: u64 = plan
        .parts
        .iter()
        .filter(|p| matches!(p.action, PlannedAction::Reencode { .. }))
        .filter_map(|p| p.sniffed.pixels())
        .sum();

    let mut parts = Vec::with_capacity(plan.parts.len());
    for (planned, a) in plan.parts.iter().zip(attachments) {
        let s = planned.sniffed;
        let kept = |bytes: Vec<u8>, change| PreparedPart {
            file_name: a.file_name.to_owned(),
            content_type: s.content_type,
            bytes,
            width: s.width,
            height: s.height,
            original_bytes: planned.original_bytes,
            original_content_type: s.content_type,
            change,
        };
        let part = match planned.action {
            PlannedAction::Keep => kept(a.bytes.to_vec(), Change::None),
            PlannedAction::StripMetadata => {
                let stripped = match s.content_type {
                    "image/png" => strip_png(a.bytes),
                    _ => strip_jpeg(a.bytes),
                };
                // The plan stripped these same bytes already.
                kept(
                    stripped.unwrap_or_else(|| a.bytes.to_vec()),
                    Change::MetadataStripped,
                )
            }
            PlannedAction::Reencode { reason, .. } => {
                let weight = s.pixels().unwrap_or(1);
                let target = share(available, weight, weight_left).min(limits.part_cap());
                let part = reencode(a, &s, planned.original_bytes, reason, target)?;
                available = available.saturating_sub(part.bytes.len() as u64);
                weight_left = weight_left.saturating_sub(weight);
                part
            }
        };
        parts.push(part);
    }
    let total_bytes = plan.text_bytes
        + plan.overhead_bytes
        + parts.iter().map(|p| p.bytes.len() as u64).sum::<u64>();
    Ok(PreparedMessage {
        parts,
        text_bytes: plan.text_bytes,
        overhead_bytes: plan.overhead_bytes,
        total_bytes,
        budget_bytes,
    })
}

fn reencode(
    a: &Attachment<'_>,
    s: &Sniffed,
    original_bytes: u64,
    reason: ReencodeReason,
    target: u64,
) -> Result<PreparedPart, MediaError> {
    let image = decode::decode(
        a.bytes,
        s,
        a.file_name,
        DecodeBounds {
            max_pixels: OUTGOING_MAX_PIXELS,
            max_alloc: OUTGOING_MAX_ALLOC,
        },
    )?;
    let (original_width, original_height) = (image.width(), image.height());
    let rgb = decode::flatten(image);
    let fitted = fit_jpeg(&rgb, target).map_err(|smallest| MediaError::TooLarge {
        what: format!(
            "{} at its smallest ({MIN_SIDE} px, quality {Q_MIN})",
            a.file_name
        ),
        size: smallest,
        limit: target,
    })?;
    Ok(PreparedPart {
        file_name: jpeg_name(a.file_name),
        content_type: "image/jpeg",
        width: Some(fitted.width),
        height: Some(fitted.height),
        original_bytes,
        original_content_type: s.content_type,
        change: Change::Reencoded {
            reason,
            quality: fitted.quality,
            original_width,
            original_height,
        },
        bytes: fitted.bytes,
    })
}

/// `name` with its extension replaced by (or, lacking one, given) `.jpg`.
fn jpeg_name(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => format!("{stem}.jpg"),
        _ => format!("{name}.jpg"),
    }
}

#[cfg(test)]
mod tests {
    use super::jpeg_name;

    #[test]
    fn converted_files_are_named_jpg() {
        assert_eq!(jpeg_name("IMG_0001.webp"), "IMG_0001.jpg");
        assert_eq!(jpeg_name("photo"), "photo.jpg");
        assert_eq!(jpeg_name(".hidden"), ".hidden.jpg");
        assert_eq!(jpeg_name("a.b.png"), "a.b.jpg");
    }
}
