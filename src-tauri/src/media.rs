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

use engine::Session;
use tauri::http::{Method, Request, Response, StatusCode, header};

use crate::dto::{PartDisplay, display_of};

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

/// Copies a stored media file (by its content hash) into `dir` under the file's own name
/// (made safe, and numbered when the name is taken); answers where it went. The "Save"
/// of the lightbox and file cards: the user gets a copy, the store keeps its own.
pub fn save_copy(
    session: &Session,
    sha256: &str,
    file_name: &str,
    dir: &std::path::Path,
) -> Result<std::path::PathBuf, crate::IpcError> {
    if !is_sha256_name(sha256) {
        return Err(crate::IpcError::invalid("not a media file name"));
    }
    let from = session.media_file(sha256)?;
    let name = crate::ops::clean_file_name(file_name);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
        _ => (name.clone(), String::new()),
    };
    let io = |e: std::io::Error| crate::IpcError::internal(format!("cannot save {name}: {e}"));
    std::fs::create_dir_all(dir).map_err(io)?;
    for n in 0..1000 {
        let candidate = if n == 0 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        // create_new: never overwrite what the user already has.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut out) => {
                let mut input = std::fs::File::open(&from).map_err(io)?;
                std::io::copy(&mut input, &mut out).map_err(io)?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(e)),
        }
    }
    Err(crate::IpcError::invalid(format!(
        "too many files named {name} already"
    )))
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
    fn a_saved_copy_never_overwrites_and_keeps_a_safe_name() {
        let dir = tempfile::tempdir().unwrap();
        let (session, png, _) = session_with_media(&dir.path().join("data"));
        let out = dir.path().join("Downloads");
        let first = save_copy(&session, &png, "../../photo.png", &out).unwrap();
        assert_eq!(first, out.join("photo.png"));
        assert_eq!(std::fs::read(&first).unwrap(), PNG);
        let second = save_copy(&session, &png, "photo.png", &out).unwrap();
        assert_eq!(second, out.join("photo (1).png"));
        assert!(save_copy(&session, "../etc/passwd", "x", &out).is_err());
    }
}
