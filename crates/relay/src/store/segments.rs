//! Append-only segment files that hold the raw pushes, so each body is written to disk
//! once. (In SQLite's WAL a body is written twice: into the WAL at commit, then into the
//! database file at checkpoint; at 50 KB a push that halved what the disk could take.)
//!
//! A batch of bodies is appended to the current segment and made durable with one
//! `fdatasync` (group commit) before the index rows that point at them are committed.
//! The index is the source of truth: a body is part of the stream only once the row
//! naming its segment, offset and length has committed. So recovery is a truncation:
//! whatever a segment holds past the end of its last committed body is a torn write or a
//! batch whose index commit never happened (never answered 200; the provider retries),
//! and is cut off on open.
//!
//! Segments are named `NNNNNNNNNN.seg` in a directory beside the SQLite file
//! (`relay.sqlite3-bodies/`). A segment no index row refers to any more (everything in it
//! pruned) is deleted, except the one being appended to.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where one body lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placement {
    pub segment: u64,
    pub offset: u64,
    pub len: u64,
}

/// The segment directory and the segment being appended to.
pub(crate) struct Segments {
    dir: PathBuf,
    current_id: u64,
    current: File,
    /// Bytes in the current segment (all durable once a batch returned).
    len: u64,
    max_segment_bytes: u64,
}

/// A position to roll back to when a batch fails after its bodies were written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    segment: u64,
    len: u64,
}

fn segment_path(dir: &Path, id: u64) -> PathBuf {
    dir.join(format!("{id:010}.seg"))
}

fn parse_segment_name(name: &str) -> Option<u64> {
    name.strip_suffix(".seg")
        .filter(|n| n.len() == 10)
        .and_then(|n| n.parse().ok())
}

/// Makes a new directory entry (a created or deleted segment) durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        // Windows cannot open a directory as a file; NTFS journals the entry itself.
        let _ = dir;
        Ok(())
    }
}

/// The segment files present, by id.
fn list(dir: &Path) -> io::Result<BTreeMap<u64, PathBuf>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if let Some(id) = entry.file_name().to_str().and_then(parse_segment_name) {
            out.insert(id, entry.path());
        }
    }
    Ok(out)
}

/// What recovery did, for the log and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Recovery {
    /// Bytes cut off the ends of segments (torn or never indexed).
    pub truncated_bytes: u64,
    /// Segments deleted because nothing committed refers to them.
    pub removed_segments: usize,
}

impl Segments {
    /// Opens `dir` (creating it), cutting every segment back to `committed_end[id]` (the
    /// end of its last committed body; absent means nothing in it is committed).
    pub(crate) fn open(
        dir: &Path,
        committed_end: &HashMap<u64, u64>,
        max_segment_bytes: u64,
    ) -> io::Result<(Segments, Recovery)> {
        if !dir.exists() {
            std::fs::create_dir_all(dir)?;
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(parent)?;
            }
        }
        let mut recovery = Recovery::default();
        let present = list(dir)?;
        let newest = present.keys().next_back().copied();
        let mut dir_changed = false;
        for (&id, path) in &present {
            let end = committed_end.get(&id).copied().unwrap_or(0);
            if end == 0 && Some(id) != newest {
                std::fs::remove_file(path)?;
                recovery.removed_segments += 1;
                dir_changed = true;
                continue;
            }
            let file = OpenOptions::new().write(true).open(path)?;
            let size = file.metadata()?.len();
            if size > end {
                file.set_len(end)?;
                file.sync_all()?;
                recovery.truncated_bytes += size - end;
            } else if size < end {
                // The index names bytes the disk no longer has: report, keep serving the rest.
                tracing::error!(
                    "relay segment {} is {size} bytes but committed entries reach {end}",
                    path.display()
                );
            }
        }
        if dir_changed {
            sync_dir(dir)?;
        }
        let current_id = newest.unwrap_or(1);
        let path = segment_path(dir, current_id);
        let mut current = OpenOptions::new()
            .create(true)
            .read(true)
            .write(true)
            .truncate(false)
            .open(&path)?;
        if newest.is_none() {
            current.sync_all()?;
            sync_dir(dir)?;
        }
        let len = current.seek(SeekFrom::End(0))?;
        Ok((
            Segments {
                dir: dir.to_owned(),
                current_id,
                current,
                len,
                max_segment_bytes,
            },
            recovery,
        ))
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    #[cfg(test)]
    pub(crate) fn current_id(&self) -> u64 {
        self.current_id
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            segment: self.current_id,
            len: self.len,
        }
    }

    /// Starts a new segment once the current one is full.
    fn rotate(&mut self) -> io::Result<()> {
        let id = self.current_id + 1;
        let file = OpenOptions::new()
            .create_new(true)
            .read(true)
            .write(true)
            .open(segment_path(&self.dir, id))?;
        sync_dir(&self.dir)?;
        self.current = file;
        self.current_id = id;
        self.len = 0;
        Ok(())
    }

    /// Appends `bodies` and returns once they are on disk (one `fdatasync` per segment
    /// touched). On an error the caller rolls back to a [`Mark`] taken before.
    pub(crate) fn append_durably<'a>(
        &mut self,
        bodies: impl IntoIterator<Item = &'a [u8]>,
    ) -> io::Result<Vec<Placement>> {
        let mut placed = Vec::new();
        for body in bodies {
            if self.len > 0 && self.len + body.len() as u64 > self.max_segment_bytes {
                self.current.sync_data()?;
                self.rotate()?;
            }
            self.current.write_all(body)?;
            placed.push(Placement {
                segment: self.current_id,
                offset: self.len,
                len: body.len() as u64,
            });
            self.len += body.len() as u64;
        }
        if !placed.is_empty() {
            self.current.sync_data()?;
        }
        Ok(placed)
    }

    /// Forgets what was written after `mark` (a batch whose index commit failed). Segments
    /// started after it are deleted; the one it names is cut back.
    pub(crate) fn roll_back(&mut self, mark: Mark) -> io::Result<()> {
        while self.current_id > mark.segment {
            std::fs::remove_file(segment_path(&self.dir, self.current_id))?;
            self.current_id -= 1;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(segment_path(&self.dir, self.current_id))?;
        file.set_len(mark.len)?;
        file.seek(SeekFrom::Start(mark.len))?;
        self.current = file;
        self.len = mark.len;
        sync_dir(&self.dir)
    }

    /// Deletes the segments (other than the current one) that no committed row names.
    pub(crate) fn remove_unreferenced(&self, referenced: &[u64]) -> io::Result<usize> {
        let mut removed = 0;
        for (id, path) in list(&self.dir)? {
            if id != self.current_id && !referenced.contains(&id) {
                std::fs::remove_file(path)?;
                removed += 1;
            }
        }
        if removed > 0 {
            sync_dir(&self.dir)?;
        }
        Ok(removed)
    }
}

/// Reads bodies back; keeps each segment it opened for the rest of one read.
#[derive(Default)]
pub(crate) struct SegmentReader {
    open: HashMap<u64, File>,
}

impl SegmentReader {
    pub(crate) fn read(&mut self, dir: &Path, at: Placement) -> io::Result<Vec<u8>> {
        let file = match self.open.entry(at.segment) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(File::open(segment_path(dir, at.segment))?)
            }
        };
        file.seek(SeekFrom::Start(at.offset))?;
        let mut out = vec![0; at.len as usize];
        file.read_exact(&mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unindexed_tail_is_cut_and_unreferenced_segments_go() {
        let dir = tempfile::tempdir().unwrap();
        let bodies = dir.path().join("b");
        let (mut s, _) = Segments::open(&bodies, &HashMap::new(), 10).unwrap();
        let placed = s
            .append_durably([&b"aaaaaa"[..], b"bbbbbb", b"cc"])
            .unwrap();
        assert_eq!(
            placed
                .iter()
                .map(|p| (p.segment, p.offset))
                .collect::<Vec<_>>(),
            [(1, 0), (2, 0), (2, 6)],
            "a body that does not fit starts the next segment"
        );
        drop(s);
        // Only the first body and "bbbbbb" were indexed: "cc" is cut, segment 1 stays.
        let committed = HashMap::from([(1, 6), (2, 6)]);
        let (s, recovery) = Segments::open(&bodies, &committed, 10).unwrap();
        assert_eq!(recovery.truncated_bytes, 2);
        assert_eq!(s.mark().len, 6);
        let mut reader = SegmentReader::default();
        assert_eq!(reader.read(&bodies, placed[1]).unwrap(), b"bbbbbb");
        assert_eq!(s.remove_unreferenced(&[2]).unwrap(), 1);
        assert!(!segment_path(&bodies, 1).exists());
        drop(s);
        // Nothing committed at all: older segments removed, the newest emptied.
        let (s, recovery) = Segments::open(&bodies, &HashMap::new(), 10).unwrap();
        assert_eq!(recovery.truncated_bytes, 6);
        assert_eq!((s.current_id(), s.mark().len), (2, 0));
    }

    #[test]
    fn a_rolled_back_batch_leaves_no_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, _) = Segments::open(dir.path(), &HashMap::new(), 8).unwrap();
        s.append_durably([&b"1234"[..]]).unwrap();
        let mark = s.mark();
        s.append_durably([&b"5678"[..], b"abcdefgh"]).unwrap();
        assert_eq!(s.current_id(), 2);
        s.roll_back(mark).unwrap();
        assert_eq!((s.current_id(), s.mark().len), (1, 4));
        assert!(!segment_path(dir.path(), 2).exists());
        let p = s.append_durably([&b"zz"[..]]).unwrap();
        assert_eq!((p[0].segment, p[0].offset), (1, 4));
    }
}
