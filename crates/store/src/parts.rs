//! Parts: a message's media, stored as a row naming a content-addressed file.
//!
//! The file is written durably first (see [`crate::media`]) and the row in the caller's
//! transaction, so a crash in between leaves only an unnamed file for the sweep.

use std::collections::HashMap;

use rusqlite::params;
use serde::Serialize;

use crate::ids::{MessageId, PartId};
use crate::{StoreError, Writer};

/// A part to attach to a message.
#[derive(Debug, Clone, Copy)]
pub struct NewPart<'a> {
    pub bytes: &'a [u8],
    /// What the sender claimed; kept for reference, never trusted.
    pub declared_type: Option<&'a str>,
    pub file_name: Option<&'a str>,
    /// A thumbnail the engine made, for images and video.
    pub thumbnail: Option<&'a [u8]>,
}

/// A stored part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub id: PartId,
    pub ord: i64,
    /// Sniffed from the bytes.
    pub content_type: String,
    pub declared_type: Option<String>,
    pub file_name: Option<String>,
    pub size: i64,
    pub sha256: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub thumbnail_sha256: Option<String>,
}

impl Writer<'_> {
    /// Writes the part's file (and thumbnail) durably, then its row, after the message's
    /// existing parts.
    pub fn add_part(
        &mut self,
        message: MessageId,
        part: &NewPart<'_>,
    ) -> Result<PartId, StoreError> {
        let thread = self.thread_of(message)?;
        let file = self.media.put(part.bytes)?;
        let thumbnail = part.thumbnail.map(|t| self.media.put(t)).transpose()?;
        let file_name = part.file_name.map(sanitize_file_name);
        self.conn()
            .prepare_cached(
                "INSERT INTO parts (message_id, ord, content_type, declared_type, file_name, size,
                     sha256, width, height, thumbnail_sha256)
                 VALUES (?1, (SELECT coalesce(max(ord) + 1, 0) FROM parts WHERE message_id = ?1),
                     ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                message,
                file.sniffed.content_type,
                part.declared_type,
                file_name,
                file.size as i64,
                file.sha256,
                file.sniffed.width,
                file.sniffed.height,
                thumbnail.map(|t| t.sha256),
            ])?;
        self.emit(crate::StoreEvent::ThreadChanged { thread_id: thread });
        Ok(PartId(self.conn().last_insert_rowid()))
    }

    /// Deletes a message with its parts, deliveries and jobs. Its files go at the next
    /// sweep if nothing else names them.
    pub fn delete_message(&mut self, id: MessageId) -> Result<(), StoreError> {
        let thread = self.thread_of(id)?;
        self.flush_thread_touches()?;
        // The full-text index is told the old text before the row goes (external content:
        // FTS5 needs it to find the postings to remove).
        self.conn()
            .prepare_cached(
                "INSERT INTO messages_fts (messages_fts, rowid, body, subject)
                 SELECT 'delete', id, body, subject FROM messages WHERE id = ?1",
            )?
            .execute([id])?;
        // Delivery rows have no foreign key to cascade through (migration 0013).
        self.conn()
            .prepare_cached("DELETE FROM deliveries WHERE thread_id = ?1 AND message_id = ?2")?
            .execute(params![thread, id])?;
        self.conn()
            .prepare_cached("DELETE FROM messages WHERE id = ?1")?
            .execute([id])?;
        self.recount_thread(thread)?;
        Ok(())
    }
}

/// A file name fit to show and to save under: no directories, no control characters.
fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim().trim_start_matches('.').to_owned();
    if clean.is_empty() {
        "attachment".to_owned()
    } else {
        clean
    }
}

/// The parts of `messages`, in order.
pub(crate) fn parts_of(
    conn: &rusqlite::Connection,
    messages: &[MessageId],
) -> Result<HashMap<MessageId, Vec<Part>>, StoreError> {
    let mut out: HashMap<MessageId, Vec<Part>> = HashMap::new();
    if messages.is_empty() {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT message_id, id, ord, content_type, declared_type, file_name, size, sha256,
                width, height, thumbnail_sha256
         FROM parts WHERE message_id IN (SELECT value FROM json_each(?1))
         ORDER BY message_id, ord",
    )?;
    let rows = stmt.query_map([crate::sql::json_ids(messages.iter().map(|m| m.0))], |r| {
        Ok((
            r.get::<_, MessageId>(0)?,
            Part {
                id: r.get(1)?,
                ord: r.get(2)?,
                content_type: r.get(3)?,
                declared_type: r.get(4)?,
                file_name: r.get(5)?,
                size: r.get(6)?,
                sha256: r.get(7)?,
                width: r.get(8)?,
                height: r.get(9)?,
                thumbnail_sha256: r.get(10)?,
            },
        ))
    })?;
    for row in rows {
        let (message, part) = row?;
        out.entry(message).or_default().push(part);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_directories() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("C:\\x\\photo.jpg"), "photo.jpg");
        assert_eq!(sanitize_file_name(".."), "attachment");
        assert_eq!(sanitize_file_name("a\u{0}b.png"), "ab.png");
    }
}
