//! The `glmedia:` protocol: stored media and thumbnails, served to the webview by their
//! sha256 name and nothing else.
//!
//! `glmedia://localhost/<sha256>` (`http://glmedia.localhost/<sha256>` on Windows) answers
//! the file of that content hash from the media folder. Anything that is not exactly 64
//! lowercase hex digits is refused, so no path can leave the folder, and only regular
//! files are served (never a symlink). The Content-Type comes from sniffing the bytes with
//! the store's sniffer (the same type the store recorded), and only the inline kinds of
//! [`crate::dto::display_of`] are served as themselves; everything else, SVG and HTML
//! included, is `application/octet-stream` with `Content-Disposition: attachment`, so the
//! webview never parses it. Every answer carries `nosniff` and a sandboxing CSP.

use engine::{ErrorCode, Session};
use tauri::http::{Method, Request, Response, StatusCode, header};

use crate::IpcError;
use crate::dto::{PartDisplay, display_of};
use crate::save_as::{self, SaveDialog, SavedFile, Target};

/// The scheme name; the CSP in `tauri.conf.json` allows it for images and media only.
pub const SCHEME: &str = "glmedia";

/// Stored media is bounded well below this on the way in; a bigger file is not served.
const MAX_SERVED_BYTES: u64 = 64 * 1024 * 1024;

fn is_sha256_name(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn plain(status: StatusCode, text: &str) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .body(text.as_bytes().to_vec())
        .unwrap_or_default()
}

/// Answers one request against the session's media folder.
pub fn respond(session: Option<&Session>, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET");
    }
    let name = request.uri().path().trim_start_matches('/');
    if !is_sha256_name(name) {
        return plain(StatusCode::BAD_REQUEST, "not a media name");
    }
    let Some(session) = session else {
        return plain(StatusCode::SERVICE_UNAVAILABLE, "the store is not open");
    };
    let path = match session.media_file(name) {
        Ok(p) => p,
        Err(_) => return plain(StatusCode::SERVICE_UNAVAILABLE, "the store is busy"),
    };
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() && m.len() <= MAX_SERVED_BYTES => {}
        Ok(_) => return plain(StatusCode::FORBIDDEN, "not served"),
        Err(_) => return plain(StatusCode::NOT_FOUND, "no such media"),
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(_) => return plain(StatusCode::NOT_FOUND, "no such media"),
    };
    let sniffed = engine::store::sniff(&bytes).content_type;
    let builder = Response::builder()
        .status(StatusCode::OK)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        )
        .header(
            header::CACHE_CONTROL,
            "private, max-age=31536000, immutable",
        )
        .header(header::CONTENT_LENGTH, bytes.len());
    let builder = match display_of(sniffed) {
        PartDisplay::Image | PartDisplay::Video | PartDisplay::Audio => builder
            .header(header::CONTENT_TYPE, sniffed)
            .header(header::CONTENT_DISPOSITION, "inline"),
        PartDisplay::File => builder
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
    };
    let body = if request.method() == Method::HEAD {
        Vec::new()
    } else {
        bytes
    };
    builder
        .body(body)
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot answer"))
}

/// The stored file of a content hash, to save a copy of: anything but a sha256 name, and
/// anything but a regular file in the media folder, is refused.
pub fn stored_file(session: &Session, sha256: &str) -> Result<std::path::PathBuf, IpcError> {
    if !is_sha256_name(sha256) {
        return Err(IpcError::invalid("not a media file name"));
    }
    let path = session.media_file(sha256)?;
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => Ok(path),
        _ => Err(IpcError::new(
            ErrorCode::MediaUnavailable,
            "this file is no longer in the media folder",
        )),
    }
}

/// The "Save as…" dialog for a stored file: its own name made safe, opening in `downloads`
/// (also where it goes when no dialog can be shown), offering its extension's type.
pub fn save_dialog(file_name: &str, downloads: std::path::PathBuf) -> SaveDialog {
    SaveDialog {
        file_name: crate::ops::clean_file_name(file_name),
        start_dir: Some(downloads.clone()),
        fallback_dir: downloads,
    }
}

/// Copies a stored media file (by its content hash) to `target`; answers where it went.
/// The "Save as…" of the lightbox and file cards: the user gets a copy, the store keeps
/// its own.
pub fn save_copy(session: &Session, sha256: &str, target: &Target) -> Result<SavedFile, IpcError> {
    let from = stored_file(session, sha256)?;
    let mut input = std::fs::File::open(&from).map_err(|e| {
        IpcError::new(
            ErrorCode::MediaUnavailable,
            format!("cannot read the stored file: {e}"),
        )
    })?;
    let (saved, _) = save_as::write(target, |out| {
        let into = match target {
            Target::Chosen(p) => p.as_path(),
            Target::Fallback { dir, .. } => dir.as_path(),
        };
        std::io::copy(&mut input, out).map_err(|e| save_as::save_error(into, e))
    })?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::DataDir;
    use engine::store::{Direction, MessageState, NewMessage, NewPart};

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x02\0\0\0\x03\x08\x02\0\0\0";
    const SVG: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";

    fn get(session: &Session, path: &str) -> Response<Vec<u8>> {
        let request = Request::builder()
            .uri(format!("glmedia://localhost{path}"))
            .body(Vec::new())
            .unwrap();
        respond(Some(session), &request)
    }

    fn content_type(r: &Response<Vec<u8>>) -> &str {
        r.headers()[header::CONTENT_TYPE].to_str().unwrap()
    }

    /// A session with one message carrying a PNG and an SVG; returns their sha256 names.
    fn session_with_media(dir: &std::path::Path) -> (Session, String, String) {
        let data = DataDir::resolve(Some(dir.to_path_buf()), None).unwrap();
        let session = Session::open(data, 0).unwrap();
        let message = session
            .write(|w| {
                let t = w.resolve_thread(["2025550111"], 1)?;
                let m = w.add_message(&NewMessage {
                    thread_id: t.id,
                    direction: Direction::In,
                    author: "2025550111",
                    body: "files",
                    subject: None,
                    at: 2,
                    provider_at: None,
                    provider_message_id: None,
                    linked_id: None,
                    transaction_id: None,
                    state: MessageState::Unread,
                })?;
                for (bytes, name) in [(PNG, "a.png"), (SVG, "b.svg")] {
                    w.add_part(
                        m.id,
                        &NewPart {
                            bytes,
                            declared_type: Some("image/svg+xml"),
                            file_name: Some(name),
                            thumbnail: None,
                        },
                    )?;
                }
                Ok(m.id)
            })
            .unwrap();
        let parts = session.message(message).unwrap().parts;
        (session, parts[0].sha256.clone(), parts[1].sha256.clone())
    }

    #[test]
    fn images_are_served_with_their_sniffed_type_and_svg_only_as_a_download() {
        let dir = tempfile::tempdir().unwrap();
        let (session, png, svg) = session_with_media(dir.path());

        let r = get(&session, &format!("/{png}"));
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(content_type(&r), "image/png");
        assert_eq!(r.body().as_slice(), PNG);
        assert_eq!(r.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

        let r = get(&session, &format!("/{svg}"));
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(content_type(&r), "application/octet-stream");
        assert!(
            r.headers()[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert!(
            r.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );
    }

    #[test]
    fn anything_but_a_sha256_name_in_the_media_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (session, png, _) = session_with_media(dir.path());
        std::fs::write(dir.path().join("secret.txt"), "do not serve").unwrap();

        for path in [
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/secret.txt",
            &format!("/{}", png.to_uppercase()),
            &format!("/{png}/x"),
            &format!("/{}", &png[..63]),
            "/",
        ] {
            let r = get(&session, path);
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        }
        let r = get(&session, &format!("/{}", "0".repeat(64)));
        assert_eq!(r.status(), StatusCode::NOT_FOUND);

        let post = Request::builder()
            .method(Method::POST)
            .uri(format!("glmedia://localhost/{png}"))
            .body(Vec::new())
            .unwrap();
        assert_eq!(
            respond(Some(&session), &post).status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
        let none = Request::builder()
            .uri(format!("glmedia://localhost/{png}"))
            .body(Vec::new())
            .unwrap();
        assert_eq!(
            respond(None, &none).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn a_copy_goes_where_the_user_chose_and_replaces_what_was_there() {
        let dir = tempfile::tempdir().unwrap();
        let (session, png, _) = session_with_media(&dir.path().join("data"));
        let chosen = dir.path().join("chosen.png");
        std::fs::write(&chosen, b"an older file the dialog asked to replace").unwrap();
        let saved = save_copy(&session, &png, &Target::Chosen(chosen.clone())).unwrap();
        assert_eq!(saved.path, chosen.display().to_string());
        assert!(!saved.fallback);
        assert_eq!(std::fs::read(&chosen).unwrap(), PNG);
    }

    #[test]
    fn only_a_stored_sha256_name_is_saved() {
        let dir = tempfile::tempdir().unwrap();
        let (session, png, _) = session_with_media(&dir.path().join("data"));
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        for name in [
            "../etc/passwd".to_owned(),
            png.to_uppercase(),
            format!("{png}/x"),
            png[..63].to_owned(),
        ] {
            let err = save_copy(&session, &name, &Target::Chosen(out.join("x"))).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{name}");
        }
        let missing = "0".repeat(64);
        let err = save_copy(&session, &missing, &Target::Chosen(out.join("x"))).unwrap_err();
        assert_eq!(err.code, ErrorCode::MediaUnavailable);
        assert_eq!(
            std::fs::read_dir(&out).unwrap().count(),
            0,
            "nothing written"
        );
    }

    #[test]
    fn the_dialog_offers_the_cleaned_name_in_downloads() {
        let d = save_dialog("../../photo.png", "/home/me/Downloads".into());
        assert_eq!(d.file_name, "photo.png");
        assert_eq!(
            d.start_dir.as_deref(),
            Some(std::path::Path::new("/home/me/Downloads"))
        );
        assert_eq!(d.fallback_dir, std::path::Path::new("/home/me/Downloads"));
    }
}
