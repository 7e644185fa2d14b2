//! The composer's size meter over IPC: how big a message with these attachments will be for
//! these recipients, against the tightest limit among their carriers, and what will be
//! downscaled or converted to fit.
//!
//! The reading is the engine's (`engine::outbound::size_meter`, the same plan a send
//! follows); this module decodes the attachments the way a send does
//! ([`crate::ops::decode_attachments`]) and converts the answer to IPC shapes. It needs the
//! store only, not the provider, so the meter works while the engine is still starting.
//! File names are the user's own, shown as text.

use engine::Session;
use engine::outbound::size_meter as meter;
use serde::Serialize;
use specta::Type;
use specta_typescript::Number;
use tauri::State;

use crate::IpcError;
use crate::backend::Backend;
use crate::compliance_commands::audience;
use crate::dto::{OutgoingAttachment, Recipients};

/// What fitting the message to the carriers does to an attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SizeAction {
    /// Sent as it is.
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

impl From<meter::MeterAction> for SizeAction {
    fn from(a: meter::MeterAction) -> Self {
        match a {
            meter::MeterAction::Keep => SizeAction::Keep,
            meter::MeterAction::StripMetadata => SizeAction::StripMetadata,
            meter::MeterAction::Downscale => SizeAction::Downscale,
            meter::MeterAction::Convert => SizeAction::Convert,
            meter::MeterAction::Normalize => SizeAction::Normalize,
            meter::MeterAction::FirstFrame => SizeAction::FirstFrame,
        }
    }
}

/// One attachment on the meter.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SizeMeterPart {
    pub file_name: String,
    /// Sniffed from the bytes, not taken from the name.
    pub content_type: String,
    #[specta(type = Number)]
    pub original_bytes: u64,
    /// Estimated for re-encoded images.
    #[specta(type = Number)]
    pub planned_bytes: u64,
    pub action: SizeAction,
}

/// The composer's size meter.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SizeMeter {
    /// The most the whole message may be, for these recipients' carriers.
    #[specta(type = Number)]
    pub budget_bytes: u64,
    /// Whether every recipient's carrier is known; if not, the budget is the strictest
    /// carrier's limit, to be safe.
    pub carriers_known: bool,
    /// The text and attachments as picked.
    #[specta(type = Number)]
    pub original_total_bytes: u64,
    /// What the message will be once fitted.
    #[specta(type = Number)]
    pub planned_total_bytes: u64,
    /// In the order given.
    pub parts: Vec<SizeMeterPart>,
    /// Why the message cannot be sent as it is (a type never sent, a video too big to
    /// fit), if so.
    pub refused: Option<String>,
}

impl From<meter::SizeMeter> for SizeMeter {
    fn from(m: meter::SizeMeter) -> Self {
        SizeMeter {
            budget_bytes: m.budget_bytes,
            carriers_known: m.carriers_known,
            original_total_bytes: m.original_total_bytes,
            planned_total_bytes: m.planned_total_bytes,
            parts: m
                .parts
                .into_iter()
                .map(|p| SizeMeterPart {
                    file_name: p.file_name,
                    content_type: p.content_type,
                    original_bytes: p.original_bytes,
                    planned_bytes: p.planned_bytes,
                    action: p.action.into(),
                })
                .collect(),
            refused: m.refused,
        }
    }
}

/// The meter for `text` and `attachments` to `to`.
pub fn meter_for(
    session: &Session,
    to: Recipients,
    text: &str,
    attachments: &[OutgoingAttachment],
) -> Result<SizeMeter, IpcError> {
    let decoded = crate::ops::decode_attachments(attachments)?;
    Ok(meter::size_meter(session, &audience(to), text, &decoded)?.into())
}

/// How big this message will be for these recipients' carriers, and what will be
/// downscaled or converted to fit (the composer's size meter).
#[tauri::command]
#[specta::specta]
pub async fn size_meter(
    backend: State<'_, Backend>,
    to: Recipients,
    text: String,
    attachments: Vec<OutgoingAttachment>,
) -> Result<SizeMeter, IpcError> {
    let session = backend.session()?;
    // Reads the store and the files' headers: off the async threads.
    tauri::async_runtime::spawn_blocking(move || meter_for(&session, to, &text, &attachments))
        .await
        .map_err(|e| IpcError::internal(format!("store worker failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use engine::ErrorCode;

    fn session() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let data = engine::DataDir::resolve(Some(dir.path().to_path_buf()), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        (dir, session)
    }

    fn file(name: &str, bytes: &[u8]) -> OutgoingAttachment {
        OutgoingAttachment {
            file_name: name.into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }

    fn group() -> Recipients {
        Recipients::Group {
            numbers: vec!["2025550111".into(), "2025550122".into()],
        }
    }

    #[test]
    fn text_alone_fits_the_strictest_budget_when_carriers_are_unknown() {
        let (_d, session) = session();
        let m = meter_for(&session, group(), "Rear bumper", &[]).unwrap();
        assert!(!m.carriers_known);
        assert_eq!(m.budget_bytes, engine::media_pipeline::message_budget());
        assert!(m.parts.is_empty());
        assert!(m.refused.is_none());
        assert!(m.planned_total_bytes <= m.budget_bytes);
    }

    #[test]
    fn a_file_never_sent_is_refused_with_the_reason() {
        let (_d, session) = session();
        let m = meter_for(
            &session,
            group(),
            "",
            &[file("../claim.exe", b"MZ\x90\x00\x03\x00\x00\x00")],
        )
        .unwrap();
        let reason = m.refused.expect("an executable is refused");
        assert!(!reason.is_empty());
    }

    #[test]
    fn attachments_are_checked_as_a_send_checks_them() {
        let (_d, session) = session();
        let junk = OutgoingAttachment {
            file_name: "x.png".into(),
            data_base64: "not base64!".into(),
        };
        let e = meter_for(&session, group(), "hi", &[junk]).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = meter_for(&session, Recipients::Thread { thread_id: 4242 }, "hi", &[]).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
    }

    #[test]
    fn the_ipc_shape_keeps_each_part_and_its_action() {
        let m = meter::SizeMeter {
            budget_bytes: 1_250_000,
            carriers_known: true,
            original_total_bytes: 3_000_000,
            planned_total_bytes: 1_100_000,
            parts: vec![meter::MeterPart {
                file_name: "damage.heic".into(),
                content_type: "image/heic".into(),
                original_bytes: 3_000_000,
                planned_bytes: 1_100_000,
                action: meter::MeterAction::Convert,
            }],
            refused: None,
        };
        let dto = SizeMeter::from(m);
        assert_eq!(dto.parts[0].action, SizeAction::Convert);
        assert_eq!(dto.parts[0].planned_bytes, 1_100_000);
        assert_eq!(dto.budget_bytes, 1_250_000);
    }
}
