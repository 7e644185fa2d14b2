//! Deciding, cheaply, what an outgoing message will become: which parts go as they are,
//! which images are re-encoded and to how many bytes, and the planned total.
//!
//! Planning reads headers only (no decoding, no encoding), so the UI can call it on every
//! change for a size meter. [`crate::prepare_outgoing`] follows the same plan.
//!
//! The budget is shared: text, parts that can't shrink (video, audio, vCard, PDF, text
//! files) and the MIME/SMIL [overhead](overhead_bytes) come off the top; what is left goes
//! to the images in proportion to their pixel counts. An image that fits its share as it is
//! (after metadata is stripped) is sent as it is and the rest is shared again among the
//! others, until every image either fits as it is or gets a re-encoding target.

use crate::accept::accept;
use crate::decode;
use crate::strip::{strip_jpeg, strip_png};
use crate::{MediaError, MediaKind, Sniffed, headers, sniff};

/// One file to send: its name as the person chose it and its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attachment<'a> {
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// The MIME/SMIL allowance per message: the multipart/related headers and closing
/// boundary, the SMIL part's headers and its fixed skeleton (head, layout, regions).
pub const MESSAGE_OVERHEAD: u64 = 1536;
/// The allowance per part (text included): its boundary line and MIME headers
/// (Content-Type, Content-ID, Content-Location, Content-Transfer-Encoding) and its SMIL
/// `<par>` entry; its file name is counted on top, twice (Content-Location and SMIL `src`).
pub const PART_OVERHEAD: u64 = 384;
/// Sinch's advice: animated GIFs under 600 KB. Bigger ones are sent as a still JPEG.
pub const GIF_ANIMATED_MAX: u64 = 600 * 1024;
/// Outgoing images above this many pixels are refused before decoding (a 64 MP photo is
/// fine; 200 MP modes and crafted bombs are not).
pub const OUTGOING_MAX_PIXELS: u64 = 64_000_000;
/// Decoder memory allowed for one outgoing image.
pub(crate) const OUTGOING_MAX_ALLOC: u64 = 1024 * 1024 * 1024;
/// The least we plan to give a re-encoded image: about a [`MIN_SIDE`](crate::MIN_SIDE)-pixel
/// JPEG at [`Q_MIN`](crate::Q_MIN).
pub const MIN_IMAGE_BYTES: u64 = 16 * 1024;
/// Sinch's account-level upload limit for one image, audio or video part ("1000 KB",
/// brief §5), read as the smaller of 1,000,000 and 1,024,000 bytes.
pub const SINCH_MEDIA_PART_LIMIT: u64 = 1_000_000;
/// Guess of JPEG bytes per pixel at the top quality, for the planned size of small images.
const PLANNED_BYTES_PER_PIXEL: f64 = 0.5;

/// What an outgoing message must fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutgoingLimits {
    /// The whole message: text, parts and overhead (e.g. [`crate::tightest_limit`]).
    pub message_bytes: u64,
    /// Any one image, audio or video part; `None` for no cap of its own.
    pub media_part_bytes: Option<u64>,
}

impl OutgoingLimits {
    /// `message_bytes` for the message and [`SINCH_MEDIA_PART_LIMIT`] per media part.
    pub fn new(message_bytes: u64) -> Self {
        OutgoingLimits {
            message_bytes,
            media_part_bytes: Some(SINCH_MEDIA_PART_LIMIT),
        }
    }

    /// The most one media part may take.
    pub(crate) fn part_cap(&self) -> u64 {
        self.media_part_bytes.unwrap_or(u64::MAX)
    }
}

/// The bytes [`MESSAGE_OVERHEAD`] and [`PART_OVERHEAD`] allow for a message with these
/// attachment names (plus a text part when `has_text`).
pub fn overhead_bytes<'a>(file_names: impl IntoIterator<Item = &'a str>, has_text: bool) -> u64 {
    let parts: u64 = file_names
        .into_iter()
        .map(|n| PART_OVERHEAD + 2 * n.len() as u64)
        .sum();
    MESSAGE_OVERHEAD + parts + if has_text { PART_OVERHEAD + 2 * 8 } else { 0 }
}

/// What will happen to one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlannedAction {
    /// Sent byte for byte: video, audio, vCard, PDF, text, an animated GIF that fits.
    Keep,
    /// Same pixels, metadata (EXIF with GPS, text chunks) removed; see `strip`.
    StripMetadata,
    /// Decoded and re-encoded as a JPEG of at most `target_bytes` (prepare may give it
    /// more when images before it came out smaller than their share).
    Reencode {
        reason: ReencodeReason,
        target_bytes: u64,
    },
}

/// Why an image is re-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReencodeReason {
    /// Bigger than its share of the budget.
    TooLarge,
    /// A format we don't send (WebP, BMP, HEIC): converted to JPEG.
    Convert,
    /// Rotated by EXIF, or with metadata we can't remove losslessly: re-encoded upright.
    Normalize,
    /// An animated GIF too big to keep animated: its first frame is sent as a JPEG.
    AnimationTooLarge,
}

/// One part of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPart {
    pub file_name: String,
    pub sniffed: Sniffed,
    pub original_bytes: u64,
    pub action: PlannedAction,
    /// Exact for kept and stripped parts; for re-encoded images an estimate no bigger than
    /// the target.
    pub planned_bytes: u64,
}

/// What a message will become, before any image work is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingPlan {
    pub parts: Vec<PlannedPart>,
    /// The text part's UTF-8 bytes (0 without text).
    pub text_bytes: u64,
    /// See [`overhead_bytes`].
    pub overhead_bytes: u64,
    /// Text, overhead and every part's planned bytes.
    pub planned_total_bytes: u64,
    pub budget_bytes: u64,
    /// The cap on one image, audio or video part, if any.
    pub media_part_bytes: Option<u64>,
}

impl OutgoingPlan {
    /// Bytes taken by everything that isn't a re-encoded image.
    pub(crate) fn fixed_bytes(&self) -> u64 {
        self.text_bytes
            + self.overhead_bytes
            + self
                .parts
                .iter()
                .filter(|p| !matches!(p.action, PlannedAction::Reencode { .. }))
                .map(|p| p.planned_bytes)
                .sum::<u64>()
    }
}

/// An image's facts the allocation needs.
struct ImageFacts {
    index: usize,
    weight: u64,
    /// Its size if sent as is (after stripping), when that is allowed at all.
    keep: Option<(u64, PlannedAction)>,
    /// Why it is re-encoded if it does not fit as is.
    reason: ReencodeReason,
}

/// Plans `text` and `attachments` into `budget_bytes` (with Sinch's per-part cap, see
/// [`OutgoingLimits::new`]); refuses what can't be sent or can't fit, with the same errors
/// [`crate::prepare_outgoing`] would give.
pub fn plan_outgoing(
    text: &str,
    attachments: &[Attachment<'_>],
    budget_bytes: u64,
) -> Result<OutgoingPlan, MediaError> {
    plan_outgoing_with(text, attachments, OutgoingLimits::new(budget_bytes))
}

/// [`plan_outgoing`] with explicit limits.
pub fn plan_outgoing_with(
    text: &str,
    attachments: &[Attachment<'_>],
    limits: OutgoingLimits,
) -> Result<OutgoingPlan, MediaError> {
    let budget_bytes = limits.message_bytes;
    let cap = limits.part_cap();
    if text.is_empty() && attachments.is_empty() {
        return Err(MediaError::Empty);
    }
    let text_bytes = text.len() as u64;
    let overhead = overhead_bytes(attachments.iter().map(|a| a.file_name), !text.is_empty());
    let mut parts = Vec::with_capacity(attachments.len());
    let mut images = Vec::new();
    for (index, a) in attachments.iter().enumerate() {
        let sniffed = sniff(a.bytes);
        accept(a.file_name, &sniffed)?;
        let original_bytes = a.bytes.len() as u64;
        if matches!(sniffed.kind, MediaKind::Video | MediaKind::Audio) && original_bytes > cap {
            return Err(MediaError::TooLarge {
                what: format!("{} (one audio or video part)", a.file_name),
                size: original_bytes,
                limit: cap,
            });
        }
        if sniffed.kind == MediaKind::Image {
            let (w, h) = decode::checked_dimensions(&sniffed, a.file_name, OUTGOING_MAX_PIXELS)?;
            images.push(image_facts(
                index,
                a.bytes,
                &sniffed,
                u64::from(w) * u64::from(h),
            ));
        }
        parts.push(PlannedPart {
            file_name: a.file_name.to_owned(),
            sniffed,
            original_bytes,
            action: PlannedAction::Keep,
            planned_bytes: original_bytes,
        });
    }

    let fixed: u64 = text_bytes
        + overhead
        + parts
            .iter()
            .filter(|p| p.sniffed.kind != MediaKind::Image)
            .map(|p| p.original_bytes)
            .sum::<u64>();
    if fixed > budget_bytes {
        return Err(MediaError::TooLarge {
            what: fixed_description(&parts, text_bytes),
            size: fixed,
            limit: budget_bytes,
        });
    }

    // Water-filling: share what is left by pixel count; images that fit their share as
    // they are keep their size, and the rest is shared again among the others.
    let mut available = budget_bytes - fixed;
    let mut open: Vec<&ImageFacts> = images.iter().collect();
    loop {
        let total_weight: u64 = open.iter().map(|f| f.weight).sum();
        let fitting: Vec<usize> = open
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.keep.is_some_and(|(size, _)| {
                    size <= share(available, f.weight, total_weight).min(cap)
                })
            })
            .map(|(i, _)| i)
            .collect();
        if fitting.is_empty() {
            break;
        }
        for i in fitting.into_iter().rev() {
            let f = open.remove(i);
            let (size, action) = f.keep.unwrap_or((0, PlannedAction::Keep));
            available -= size;
            parts[f.index].action = action;
            parts[f.index].planned_bytes = size;
        }
    }
    if available < MIN_IMAGE_BYTES * open.len() as u64 {
        let needed = budget_bytes - available + MIN_IMAGE_BYTES * open.len() as u64;
        return Err(MediaError::TooLarge {
            what: format!("the message, leaving each image at least {MIN_IMAGE_BYTES} bytes"),
            size: needed,
            limit: budget_bytes,
        });
    }
    let total_weight: u64 = open.iter().map(|f| f.weight).sum();
    for f in open {
        let target = share(available, f.weight, total_weight).min(cap);
        let guess = (f.weight as f64 * PLANNED_BYTES_PER_PIXEL) as u64 + 1024;
        let part = &mut parts[f.index];
        part.action = PlannedAction::Reencode {
            reason: f.reason,
            target_bytes: target,
        };
        part.planned_bytes = guess.min(target);
    }

    let planned_total_bytes =
        text_bytes + overhead + parts.iter().map(|p| p.planned_bytes).sum::<u64>();
    Ok(OutgoingPlan {
        parts,
        text_bytes,
        overhead_bytes: overhead,
        planned_total_bytes,
        budget_bytes,
        media_part_bytes: limits.media_part_bytes,
    })
}

/// `weight / total` of `available`, rounded down.
pub(crate) fn share(available: u64, weight: u64, total: u64) -> u64 {
    if total == 0 {
        return available;
    }
    (u128::from(available) * u128::from(weight) / u128::from(total)) as u64
}

fn image_facts(index: usize, bytes: &[u8], sniffed: &Sniffed, pixels: u64) -> ImageFacts {
    let facts = |keep, reason| ImageFacts {
        index,
        weight: pixels.max(1),
        keep,
        reason,
    };
    let stripped = |s: Option<Vec<u8>>| {
        s.map(|s| {
            let action = if s.len() == bytes.len() {
                PlannedAction::Keep
            } else {
                PlannedAction::StripMetadata
            };
            (s.len() as u64, action)
        })
    };
    match sniffed.content_type {
        "image/jpeg" => match headers::jpeg_orientation(bytes) {
            None | Some(1) => match stripped(strip_jpeg(bytes)) {
                Some(keep) => facts(Some(keep), ReencodeReason::TooLarge),
                None => facts(None, ReencodeReason::Normalize),
            },
            Some(_) => facts(None, ReencodeReason::Normalize),
        },
        "image/png" => match stripped(strip_png(bytes)) {
            Some(keep) => facts(Some(keep), ReencodeReason::TooLarge),
            None => facts(None, ReencodeReason::Normalize),
        },
        "image/gif" => {
            let animated = headers::gif_frame_count(bytes, 2) == Some(2);
            let size = bytes.len() as u64;
            if animated && size > GIF_ANIMATED_MAX {
                facts(None, ReencodeReason::AnimationTooLarge)
            } else if animated {
                facts(
                    Some((size, PlannedAction::Keep)),
                    ReencodeReason::AnimationTooLarge,
                )
            } else {
                facts(Some((size, PlannedAction::Keep)), ReencodeReason::TooLarge)
            }
        }
        _ => facts(None, ReencodeReason::Convert),
    }
}

fn fixed_description(parts: &[PlannedPart], text_bytes: u64) -> String {
    let names: Vec<&str> = parts
        .iter()
        .filter(|p| p.sniffed.kind != MediaKind::Image)
        .map(|p| p.file_name.as_str())
        .collect();
    match (names.as_slice(), text_bytes) {
        ([], _) => "the text".to_owned(),
        ([one], 0) => (*one).to_owned(),
        (names, _) => format!("{} with the text and MIME overhead", names.join(" and ")),
    }
}
