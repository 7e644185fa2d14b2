//! "Open" on a file card: a received PDF, vCard or text file opened in the desktop's own
//! app for it.
//!
//! The file came from anyone who can text the office, so what is opened is decided here,
//! not by the sender: only kinds sniffed from the bytes that a default app views rather
//! than runs (documents, contacts, plain text, pictures, sound and video). Everything else
//! (an unknown binary, an SVG, a script) is refused with the advice to save it instead.
//! The copy handed to the desktop is named with the extension of the sniffed kind, never
//! the sender's: a text file called `invoice.desktop` opens as `invoice.txt`, not as a
//! launcher. Copies live in the app's cache under the content hash, so opening the same
//! file twice reuses one copy; copies older than a day are removed on the next open.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use engine::{ErrorCode, Session};
use media::MediaKind;

use crate::IpcError;

/// Copies older than this are removed when another file is opened: the app they were
/// opened in has long read them.
const KEEP_COPIES_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// The extension a sniffed file is opened under, or `None` when it is not opened from
/// Groupline at all.
pub fn open_extension(content_type: &str, kind: MediaKind) -> Option<&'static str> {
    match kind {
        MediaKind::Document => Some("pdf"),
        MediaKind::Contact => Some("vcf"),
        MediaKind::Text => Some("txt"),
        MediaKind::Image | MediaKind::Video | MediaKind::Audio => match content_type {
            "image/jpeg" => Some("jpg"),
            "image/png" => Some("png"),
            "image/gif" => Some("gif"),
            "image/webp" => Some("webp"),
            "image/bmp" => Some("bmp"),
            "image/heic" => Some("heic"),
            "image/heif" => Some("heif"),
            "image/avif" => Some("avif"),
            "video/mp4" => Some("mp4"),
            "video/3gpp" => Some("3gp"),
            "video/quicktime" => Some("mov"),
            "audio/mp4" => Some("m4a"),
            "audio/amr" => Some("amr"),
            "audio/mpeg" => Some("mp3"),
            "audio/ogg" => Some("ogg"),
            "audio/wav" => Some("wav"),
            _ => None,
        },
        MediaKind::Svg | MediaKind::Presentation | MediaKind::Other => None,
    }
}

/// The name the copy gets: the sender's name without its extension, then ours.
fn copy_name(file_name: &str, extension: &str) -> String {
    let clean = crate::ops::clean_file_name(file_name);
    let stem = match clean.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => clean.as_str(),
    };
    format!("{stem}.{extension}")
}

/// Makes the copy of stored file `sha256` to open, under `cache`; answers its path.
pub fn prepare(
    session: &Session,
    sha256: &str,
    file_name: &str,
    cache: &Path,
) -> Result<PathBuf, IpcError> {
    let from = crate::media::stored_file(session, sha256)?;
    let bytes = std::fs::read(&from).map_err(|e| {
        IpcError::new(
            ErrorCode::MediaUnavailable,
            format!("cannot read the file: {e}"),
        )
    })?;
    let sniffed = media::sniff(&bytes);
    let Some(extension) = open_extension(sniffed.content_type, sniffed.kind) else {
        return Err(IpcError::invalid(format!(
            "Groupline does not open this kind of file ({}): use Save as… and open it yourself if you trust the sender",
            sniffed.content_type
        )));
    };
    let root = cache.join("opened");
    remove_old_copies(&root, SystemTime::now());
    let dir = root.join(&sha256[..16]);
    let to = dir.join(copy_name(file_name, extension));
    let io = |e: std::io::Error| {
        IpcError::new(
            ErrorCode::SaveFailed,
            format!("cannot make a copy to open: {e}"),
        )
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    if !to.is_file() {
        // Written beside and renamed, so the app never opens half a copy.
        let partial = dir.join(format!(".{}.partial", std::process::id()));
        std::fs::write(&partial, &bytes).map_err(io)?;
        std::fs::rename(&partial, &to).map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            io(e)
        })?;
    }
    Ok(to)
}

/// Removes the copies under `root` last touched before `now - KEEP_COPIES_FOR`. Best
/// effort: a copy still open elsewhere, or gone already, is left to the next time.
fn remove_old_copies(root: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|at| {
            now.duration_since(at)
                .is_ok_and(|age| age > KEEP_COPIES_FOR)
        });
        if old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::DataDir;
    use engine::store::{Direction, MessageState, NewMessage, NewPart};

    fn session_with(bytes: &[u8]) -> (tempfile::TempDir, Session, String) {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::resolve(Some(dir.path().join("data")), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        let message = session
            .write(|w| {
                let t = w.resolve_thread(["2025550111"], 1)?;
                let m = w.add_message(&NewMessage {
                    thread_id: t.id,
                    direction: Direction::In,
                    author: "2025550111",
                    body: "",
                    subject: None,
                    at: 2,
                    provider_at: None,
                    provider_message_id: None,
                    linked_id: None,
                    transaction_id: None,
                    state: MessageState::Unread,
                })?;
                w.add_part(
                    m.id,
                    &NewPart {
                        bytes,
                        declared_type: None,
                        file_name: Some("x"),
                        thumbnail: None,
                    },
                )?;
                Ok(m.id)
            })
            .unwrap();
        let sha = session.message(message).unwrap().parts[0].sha256.clone();
        (dir, session, sha)
    }

    #[test]
    fn a_pdf_opens_as_a_pdf_whatever_the_sender_called_it() {
        let (dir, session, sha) = session_with(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n");
        let cache = dir.path().join("cache");
        let path = prepare(&session, &sha, "../claim form.desktop", &cache).unwrap();
        assert_eq!(path.file_name().unwrap(), "claim form.pdf");
        assert!(path.starts_with(cache.join("opened")));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(session.media_file(&sha).unwrap()).unwrap()
        );
        // Opening it again reuses the copy.
        assert_eq!(
            prepare(&session, &sha, "../claim form.desktop", &cache).unwrap(),
            path
        );
    }

    #[test]
    fn text_named_like_a_launcher_opens_as_text() {
        let (dir, session, sha) =
            session_with(b"[Desktop Entry]\nType=Application\nExec=sh -c 'rm -rf ~'\n");
        let path = prepare(&session, &sha, "invoice.desktop", dir.path()).unwrap();
        assert_eq!(path.file_name().unwrap(), "invoice.txt");
    }

    #[test]
    fn unknown_binaries_and_svg_are_not_opened() {
        for bytes in [
            &b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0"[..],
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"[..],
        ] {
            let (dir, session, sha) = session_with(bytes);
            let err = prepare(&session, &sha, "photo.jpg", dir.path()).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
            assert!(err.message.contains("Save as"), "{}", err.message);
            assert!(
                !dir.path().join("opened").join(&sha[..16]).exists(),
                "no copy is made of what is not opened"
            );
        }
    }

    #[test]
    fn a_name_that_is_not_a_stored_file_is_refused() {
        let (dir, session, _) = session_with(b"hello");
        let err = prepare(&session, "../../etc/passwd", "x.txt", dir.path()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn copies_older_than_a_day_go_on_the_next_open() {
        let root = tempfile::tempdir().unwrap();
        let old = root.path().join("aaaa");
        let fresh = root.path().join("bbbb");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::create_dir_all(&fresh).unwrap();
        let later = SystemTime::now() + KEEP_COPIES_FOR + Duration::from_secs(60);
        // Seen from a moment more than a day later, both are old; from now, neither is.
        remove_old_copies(root.path(), SystemTime::now());
        assert!(old.exists() && fresh.exists());
        remove_old_copies(root.path(), later);
        assert!(!old.exists() && !fresh.exists());
    }

    #[test]
    fn every_kind_a_card_shows_has_an_answer() {
        assert_eq!(
            open_extension("text/vcard", MediaKind::Contact),
            Some("vcf")
        );
        assert_eq!(open_extension("text/plain", MediaKind::Text), Some("txt"));
        assert_eq!(open_extension("image/svg+xml", MediaKind::Svg), None);
        assert_eq!(
            open_extension("application/smil", MediaKind::Presentation),
            None
        );
        assert_eq!(
            open_extension("application/octet-stream", MediaKind::Other),
            None
        );
    }
}
