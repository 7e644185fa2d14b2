//! "Save as…": the native save dialog, opened from Rust, and the one way a command writes a
//! file where the user chose.
//!
//! The webview never names a path. It asks a command to save something it can only name
//! (a media hash, the consent ledger); the command opens the native dialog
//! (tauri-plugin-dialog, whose own commands the window is granted none of), and writes to
//! the path the user picked there and nowhere else. The write goes to a temporary file
//! beside the target that is then renamed over it, so a failure never leaves half a file;
//! replacing an existing file is fine because the dialog already asked about it.
//!
//! When no dialog can be shown (the plugin could not reach the main thread, or is not
//! there), the file goes where saves went before this dialog existed, the Downloads folder
//! or the data directory's `exports/`, under a name that is not taken yet, and the answer
//! says so ([`SavedFile::fallback`]).
//!
//! The end-to-end tests cannot click a GTK dialog: [`TEST_DIR_VAR`] set to a folder skips
//! the dialog and answers that folder with the suggested name, as if the user had chosen it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use engine::ErrorCode;
use serde::Serialize;
use specta::Type;
use tauri::{Manager, WebviewWindow, Wry};
use tauri_plugin_dialog::{Dialog, FilePath};

use crate::IpcError;

/// Set to a folder, every "Save as…" skips the dialog and writes into that folder under the
/// suggested name (replacing a file of that name). Only for the end-to-end tests.
pub const TEST_DIR_VAR: &str = "GROUPLINE_SAVE_AS_DIR";

/// Where a save went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
pub struct SavedFile {
    pub path: String,
    /// No save dialog could be shown: the file went to the default folder under a new name.
    pub fallback: bool,
}

/// What the dialog offers, and where the file goes without one.
#[derive(Debug, Clone)]
pub struct SaveDialog {
    /// The suggested name, already made safe.
    pub file_name: String,
    /// The folder the dialog opens in.
    pub start_dir: Option<PathBuf>,
    /// Where the file goes when no dialog can be shown.
    pub fallback_dir: PathBuf,
}

/// Where to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The path the user chose (the dialog already asked about replacing it).
    Chosen(PathBuf),
    /// No dialog: a new file in `dir` named like `file_name`, never replacing anything.
    Fallback { dir: PathBuf, file_name: String },
}

/// The user's Downloads folder, else their home.
pub fn downloads(window: &WebviewWindow) -> Result<PathBuf, IpcError> {
    let path = window.path();
    path.download_dir()
        .or_else(|_| path.home_dir())
        .map_err(|e| {
            IpcError::new(
                ErrorCode::SaveFailed,
                format!("no folder to save into: {e}"),
            )
        })
}

/// The dialog's file-type filter for a name with an extension: its label and the patterns'
/// extensions (as written and in both cases, since GTK matches them case-sensitively).
pub fn extension_filter(file_name: &str) -> Option<(String, Vec<String>)> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    if stem.is_empty()
        || ext.is_empty()
        || ext.len() > 10
        || !ext.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut extensions = vec![ext.to_owned()];
    for other in [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()] {
        if !extensions.contains(&other) {
            extensions.push(other);
        }
    }
    Some((format!("{} file", ext.to_ascii_uppercase()), extensions))
}

/// Asks the user where to save: `None` when they cancelled. Awaits the dialog without
/// holding an async worker (the plugin runs it on the main thread and calls back).
pub async fn choose(
    window: &WebviewWindow,
    dialog: &SaveDialog,
) -> Result<Option<Target>, IpcError> {
    if let Some(dir) = std::env::var_os(TEST_DIR_VAR).filter(|d| !d.is_empty()) {
        return Ok(Some(Target::Chosen(
            PathBuf::from(dir).join(&dialog.file_name),
        )));
    }
    let Some(plugin) = window.try_state::<Dialog<Wry>>() else {
        tracing::warn!("the dialog plugin is not registered; saving to the default folder");
        return answer(None, dialog);
    };
    let mut builder = plugin
        .file()
        .set_parent(window)
        .set_title("Save as")
        .set_file_name(&dialog.file_name);
    if let Some(dir) = &dialog.start_dir {
        builder = builder.set_directory(dir);
    }
    if let Some((label, extensions)) = extension_filter(&dialog.file_name) {
        let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
        builder = builder.add_filter(label, &extensions);
    }
    let (sender, receiver) = tokio::sync::oneshot::channel();
    builder.save_file(move |path| {
        let _ = sender.send(path);
    });
    // The callback is dropped unsent when the dialog could not be put on the main thread.
    let received = receiver.await.ok();
    if received.is_none() {
        tracing::warn!("no save dialog could be shown; saving to the default folder");
    }
    answer(received, dialog)
}

/// What the dialog's answer means: `None` received is no dialog at all (the fallback),
/// `Some(None)` a cancel, `Some(Some(path))` the user's choice.
fn answer(
    received: Option<Option<FilePath>>,
    dialog: &SaveDialog,
) -> Result<Option<Target>, IpcError> {
    match received {
        None => Ok(Some(Target::Fallback {
            dir: dialog.fallback_dir.clone(),
            file_name: dialog.file_name.clone(),
        })),
        Some(None) => Ok(None),
        Some(Some(path)) => path
            .into_path()
            .map(|p| Some(Target::Chosen(p)))
            .map_err(|e| IpcError::invalid(format!("cannot save there: {e}"))),
    }
}

/// The error for a file that could not be written at `path`.
pub fn save_error(path: &Path, e: io::Error) -> IpcError {
    IpcError::new(
        ErrorCode::SaveFailed,
        format!("cannot save {}: {e}", path.display()),
    )
}

/// Writes what `fill` writes to `target`; answers where it went and what `fill` answered.
/// Nothing is left behind when `fill` or the write fails: not the new file, not a
/// temporary one, and a file the user chose to replace is still as it was.
pub fn write<T>(
    target: &Target,
    fill: impl FnOnce(&mut dyn Write) -> Result<T, IpcError>,
) -> Result<(SavedFile, T), IpcError> {
    match target {
        Target::Chosen(path) => {
            let value = write_replacing(path, fill)?;
            Ok((saved(path, false), value))
        }
        Target::Fallback { dir, file_name } => {
            fs::create_dir_all(dir).map_err(|e| save_error(dir, e))?;
            let reserved = reserve_free_name(dir, file_name)?;
            match write_replacing(&reserved, fill) {
                Ok(value) => Ok((saved(&reserved, true), value)),
                Err(e) => {
                    let _ = fs::remove_file(&reserved);
                    Err(e)
                }
            }
        }
    }
}

fn saved(path: &Path, fallback: bool) -> SavedFile {
    SavedFile {
        path: path.display().to_string(),
        fallback,
    }
}

/// Creates an empty `dir/name`, or `dir/stem (n).ext` when that is taken, so nothing the
/// user has is ever replaced; answers its path.
fn reserve_free_name(dir: &Path, name: &str) -> Result<PathBuf, IpcError> {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    for n in 0..1000 {
        let candidate = if n == 0 {
            dir.join(name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(_) => return Ok(candidate),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(save_error(&candidate, e)),
        }
    }
    Err(IpcError::new(
        ErrorCode::SaveFailed,
        format!("too many files named {name} in {} already", dir.display()),
    ))
}

/// Removes a temporary file unless it was renamed into place.
struct Temporary(Option<PathBuf>);

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = fs::remove_file(path);
        }
    }
}

/// Writes to a new temporary file in `path`'s folder, flushes it to disk and renames it
/// over `path`.
fn write_replacing<T>(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<T, IpcError>,
) -> Result<T, IpcError> {
    if path.file_name().is_none() {
        return Err(IpcError::invalid(format!(
            "{} is not a file name",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let (file, temporary) = create_temporary(dir).map_err(|e| save_error(path, e))?;
    let mut temporary = Temporary(Some(temporary));
    let mut out = BufWriter::new(file);
    let value = fill(&mut out)?;
    let file = out
        .into_inner()
        .map_err(|e| save_error(path, e.into_error()))?;
    file.sync_all().map_err(|e| save_error(path, e))?;
    drop(file);
    if let Some(from) = &temporary.0 {
        fs::rename(from, path).map_err(|e| save_error(path, e))?;
    }
    temporary.0 = None;
    // The rename itself is durable once the folder is; a folder that cannot be opened
    // (Windows) only loses that, not the file.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(value)
}

/// A new hidden file in `dir` with a name no other save is using.
fn create_temporary(dir: &Path) -> io::Result<(File, PathBuf)> {
    let pid = std::process::id();
    let mut last = None;
    for n in 0..100u32 {
        let path = dir.join(format!(".groupline-save-{pid}-{n}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary name free")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn bytes(data: &'static [u8]) -> impl FnOnce(&mut dyn Write) -> Result<usize, IpcError> {
        move |out| {
            out.write_all(data)
                .map_err(|e| save_error(Path::new("x"), e))?;
            Ok(data.len())
        }
    }

    #[test]
    fn a_chosen_file_is_replaced_whole_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.png");
        fs::write(&path, b"what the user had before, longer than the new file").unwrap();
        let (saved, n) = write(&Target::Chosen(path.clone()), bytes(b"new")).unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            saved,
            SavedFile {
                path: path.display().to_string(),
                fallback: false
            }
        );
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["photo.png"]);
    }

    #[test]
    fn a_failed_write_leaves_the_chosen_file_as_it_was_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.csv");
        fs::write(&path, b"old").unwrap();
        let err = write(&Target::Chosen(path.clone()), |out| {
            out.write_all(b"half of the new").unwrap();
            Err::<(), _>(IpcError::internal("the ledger could not be read"))
        })
        .unwrap_err();
        assert_eq!(err.message, "the ledger could not be read");
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["ledger.csv"]);
    }

    #[test]
    fn a_folder_that_cannot_be_written_says_so_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        // A "folder" that is a file, and one that does not exist: both unwritable, even to
        // root (which ignores permission bits, so a read-only folder would not do here).
        let file = dir.path().join("not-a-folder");
        fs::write(&file, b"x").unwrap();
        for target in [file.join("photo.png"), dir.path().join("gone/photo.png")] {
            let err = write(&Target::Chosen(target.clone()), bytes(b"new")).unwrap_err();
            assert_eq!(err.code, ErrorCode::SaveFailed, "{target:?}");
            assert!(
                err.message
                    .starts_with(&format!("cannot save {}: ", target.display())),
                "{}",
                err.message
            );
            assert_eq!(names(dir.path()), ["not-a-folder"]);
        }
        let err = write(&Target::Chosen(dir.path().join("..")), bytes(b"x")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn the_fallback_never_replaces_and_a_failure_gives_the_name_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("Downloads");
        let target = Target::Fallback {
            dir: out.clone(),
            file_name: "photo.png".into(),
        };
        let (first, _) = write(&target, bytes(b"one")).unwrap();
        let (second, _) = write(&target, bytes(b"two")).unwrap();
        assert!(first.fallback && second.fallback);
        assert_eq!(first.path, out.join("photo.png").display().to_string());
        assert_eq!(second.path, out.join("photo (1).png").display().to_string());
        assert_eq!(fs::read(out.join("photo.png")).unwrap(), b"one");
        assert_eq!(fs::read(out.join("photo (1).png")).unwrap(), b"two");

        let failed = write(&target, |_| Err::<(), _>(IpcError::internal("no"))).unwrap_err();
        assert_eq!(failed.message, "no");
        assert_eq!(names(&out), ["photo (1).png", "photo.png"]);
    }

    #[test]
    fn the_dialog_answer_is_a_choice_a_cancel_or_no_dialog() {
        let dialog = SaveDialog {
            file_name: "a.png".into(),
            start_dir: None,
            fallback_dir: PathBuf::from("/home/me/Downloads"),
        };
        let chosen = PathBuf::from("/home/me/Pictures/mine.png");
        assert_eq!(
            answer(Some(Some(FilePath::Path(chosen.clone()))), &dialog).unwrap(),
            Some(Target::Chosen(chosen))
        );
        assert_eq!(answer(Some(None), &dialog).unwrap(), None);
        assert_eq!(
            answer(None, &dialog).unwrap(),
            Some(Target::Fallback {
                dir: PathBuf::from("/home/me/Downloads"),
                file_name: "a.png".into()
            })
        );
    }

    #[test]
    fn the_filter_follows_the_extension() {
        assert_eq!(
            extension_filter("photo.Jpg"),
            Some((
                "JPG file".to_owned(),
                vec!["Jpg".to_owned(), "jpg".to_owned(), "JPG".to_owned()]
            ))
        );
        assert_eq!(
            extension_filter("ledger.csv").map(|f| f.1),
            Some(vec!["csv".to_owned(), "CSV".to_owned()])
        );
        for none in ["attachment", "notes.", "a.b c", "x.verylongextension"] {
            assert_eq!(extension_filter(none), None, "{none}");
        }
    }
}
