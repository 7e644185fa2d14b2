//! The media folder: part files named by their content's sha256 under `<data_dir>/media/`.
//!
//! Invariants:
//! - A file is written to `media/tmp/`, fsynced, renamed to `media/ab/<sha256>` and the
//!   folder fsynced before the row naming it commits. So a committed row never names a
//!   missing file.
//! - A crash after the rename and before the commit leaves a file no row names. Nothing
//!   counts references: a file is referenced exactly when some `parts` row names it, so
//!   there is no counter to leak or double-count. A consent event whose evidence is a file
//!   (a scanned paper form) names it too. [`Store::sweep_media`] removes files that
//!   no row names (and stale temp files), sparing recent ones another process may be about
//!   to commit; writing content that already exists refreshes its time for the same reason.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::sniff::{Sniffed, sniff};
use crate::{Store, StoreError};

const TEMP_DIR_NAME: &str = "tmp";

/// Distinguishes temp files written concurrently by one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The media folder.
#[derive(Debug, Clone)]
pub(crate) struct MediaDir {
    root: PathBuf,
}

/// A file now durably in the media folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMedia {
    pub sha256: String,
    pub size: u64,
    pub sniffed: Sniffed,
}

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Files no row named, removed.
    pub removed: u64,
    /// Leftover temp files, removed.
    pub removed_temp: u64,
    /// Files a row names, kept.
    pub kept: u64,
}

impl MediaDir {
    pub(crate) fn new(root: PathBuf) -> Self {
        MediaDir { root }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.root
    }

    /// Where the file with this sha256 lives.
    pub fn file_path(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2.min(sha256.len())]).join(sha256)
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
        move |source| StoreError::Media {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Writes `bytes` durably under their sha256 (or finds them already there).
    pub(crate) fn put(&self, bytes: &[u8]) -> Result<StoredMedia, StoreError> {
        let sha256 = hex(&Sha256::digest(bytes));
        let stored = StoredMedia {
            sha256: sha256.clone(),
            size: bytes.len() as u64,
            sniffed: sniff(bytes),
        };
        let target = self.file_path(&sha256);
        if fs::metadata(&target).is_ok_and(|m| m.len() == bytes.len() as u64) {
            // Same content already here (maybe an orphan awaiting the sweep): mark it fresh
            // so a concurrent sweep spares it until our row commits.
            let file = File::options()
                .write(true)
                .open(&target)
                .map_err(Self::io(&target))?;
            file.set_modified(SystemTime::now())
                .map_err(Self::io(&target))?;
            return Ok(stored);
        }
        let temp_dir = self.root.join(TEMP_DIR_NAME);
        fs::create_dir_all(&temp_dir).map_err(Self::io(&temp_dir))?;
        let temp = temp_dir.join(format!(
            "{sha256}.{}.{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        {
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .map_err(Self::io(&temp))?;
            file.write_all(bytes).map_err(Self::io(&temp))?;
            file.sync_all().map_err(Self::io(&temp))?;
        }
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&dir).map_err(Self::io(&dir))?;
        fs::rename(&temp, &target).map_err(Self::io(&target))?;
        sync_dir(&dir)?;
        Ok(stored)
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(MediaDir::io(dir))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), StoreError> {
    Ok(())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

impl Store {
    /// The file holding a part's bytes.
    pub fn media_file(&self, sha256: &str) -> PathBuf {
        self.media.file_path(sha256)
    }

    /// Removes media files no row names and temp files, both only when last modified
    /// before `older_than` (give writers in other processes time to commit: callers pass
    /// "now minus an hour" at startup).
    pub fn sweep_media(&self, older_than: SystemTime) -> Result<SweepReport, StoreError> {
        let mut report = SweepReport::default();
        let root = self.media.path();
        if !root.exists() {
            return Ok(report);
        }
        let old = |path: &Path| {
            fs::metadata(path)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < older_than)
        };
        let mut referenced = self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM parts WHERE sha256 = ?1)
                 OR EXISTS (SELECT 1 FROM parts WHERE thumbnail_sha256 = ?1)
                 OR EXISTS (SELECT 1 FROM consent_events
                            WHERE evidence_kind = 'file' AND evidence = ?1)",
        )?;
        for shard in fs::read_dir(root).map_err(MediaDir::io(root))? {
            let shard = shard.map_err(MediaDir::io(root))?.path();
            if !shard.is_dir() {
                continue;
            }
            let is_temp = shard.file_name().is_some_and(|n| n == TEMP_DIR_NAME);
            for file in fs::read_dir(&shard).map_err(MediaDir::io(&shard))? {
                let path = file.map_err(MediaDir::io(&shard))?.path();
                if is_temp {
                    if old(&path) {
                        fs::remove_file(&path).map_err(MediaDir::io(&path))?;
                        report.removed_temp += 1;
                    }
                    continue;
                }
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if referenced.query_row([name], |r| r.get::<_, bool>(0))? {
                    report.kept += 1;
                } else if old(&path) {
                    fs::remove_file(&path).map_err(MediaDir::io(&path))?;
                    report.removed += 1;
                }
            }
        }
        Ok(report)
    }
}
