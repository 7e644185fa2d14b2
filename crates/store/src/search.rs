//! Full-text search over message bodies and subjects (message hits with a snippet) and over
//! threads' titles and participants' names and numbers (thread hits).
//!
//! User text is never passed to FTS5 as query syntax: it is split into words, and each
//! word matches as a prefix, all of which must match (for message hits, a prefix is
//! expanded into the index terms it covers, matched exactly: `Store::message_match`). A
//! query that looks like a phone number is searched as its digits. Message hits come
//! newest-stored first (descending rowid, which FTS5 walks without sorting) and page by
//! that rowid.

use rusqlite::params;
use serde::Serialize;

use crate::ids::{MessageId, ThreadId};
use crate::page::{Page, clamp_limit, parse_ints};
use crate::{Store, StoreError};

/// Marks the start and end of a hit inside FTS5's snippet text; split out before returning.
const HIT_START: char = '\u{2}';
const HIT_END: char = '\u{3}';
/// Tokens of context a snippet shows.
const SNIPPET_TOKENS: i64 = 12;
/// Thread hits returned with the first page.
const THREAD_HITS: i64 = 20;
/// Most index terms one word is expanded into (see [`Store::message_match`]); a word that
/// starts more terms than this is searched as a prefix instead.
const MAX_EXPANSION: usize = 64;

/// A piece of a snippet: matched text or its context. The UI renders both as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnippetPiece {
    pub text: String,
    pub hit: bool,
}

/// A message that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageHit {
    pub message_id: MessageId,
    pub thread_id: ThreadId,
    pub thread_title: Option<String>,
    pub author: String,
    pub author_name: Option<String>,
    pub at: i64,
    pub snippet: Vec<SnippetPiece>,
}

/// A thread whose title or participants matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThreadHit {
    pub thread_id: ThreadId,
    pub title: Option<String>,
    pub snippet: Vec<SnippetPiece>,
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    pub limit: usize,
    pub after: Option<String>,
}

/// Search results: thread hits (first page only) and a page of message hits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchResults {
    pub threads: Vec<ThreadHit>,
    pub messages: Page<MessageHit>,
}

/// The words of user text as search matches them: alphanumeric runs, or the digits of
/// something that looks like a phone number.
fn search_words(text: &str) -> Vec<String> {
    let trimmed = text.trim();
    let looks_like_number = trimmed.chars().any(|c| c.is_ascii_digit())
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if looks_like_number {
        vec![trimmed.chars().filter(char::is_ascii_digit).collect()]
    } else {
        trimmed
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// Turns user text into an FTS5 query of quoted prefix terms, or `None` when it has no
/// searchable word.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let words = search_words(text);
    if words.is_empty() {
        return None;
    }
    // Words hold only alphanumerics, so quoting cannot be escaped.
    Some(
        words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// A quoted FTS5 string (terms come from the index's tokenizer, which keeps no quotes, but
/// quoting stays correct whatever they hold).
fn quoted(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The first string after every string that starts with `prefix` (ASCII, not empty), so
/// `term >= prefix AND term < end` is exactly the terms starting with it.
fn prefix_end(prefix: &str) -> String {
    let mut bytes = prefix.as_bytes().to_vec();
    if let Some(last) = bytes.last_mut() {
        *last += 1;
    }
    String::from_utf8(bytes).unwrap_or_default()
}

fn snippet_pieces(marked: &str) -> Vec<SnippetPiece> {
    let mut pieces = Vec::new();
    let mut hit = false;
    let mut current = String::new();
    for c in marked.chars() {
        if c == HIT_START || c == HIT_END {
            if !current.is_empty() {
                pieces.push(SnippetPiece {
                    text: std::mem::take(&mut current),
                    hit,
                });
            }
            hit = c == HIT_START;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        pieces.push(SnippetPiece { text: current, hit });
    }
    pieces
}

impl Store {
    /// Searches messages and threads.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, StoreError> {
        let limit = clamp_limit(query.limit);
        let nothing = Page {
            items: Vec::new(),
            next: None,
        };
        let Some(fts) = fts_query(&query.text) else {
            return Ok(SearchResults {
                threads: Vec::new(),
                messages: nothing,
            });
        };
        let [before] = match &query.after {
            Some(c) => parse_ints::<1>(c)?,
            None => [i64::MAX],
        };
        // The FTS table drives the join (CROSS JOIN fixes the order) so FTS5 yields rowids
        // newest first and stops after LIMIT.
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.rowid, m.thread_id, t.title, m.author, c.display_name, m.at,
                    snippet(messages_fts, -1, char(2), char(3), '…', ?4)
             FROM messages_fts f
             CROSS JOIN messages m ON m.id = f.rowid
             CROSS JOIN threads t ON t.id = m.thread_id
             LEFT JOIN contact_numbers cn ON cn.number = m.author
             LEFT JOIN contacts c ON c.id = cn.contact_id
             WHERE messages_fts MATCH ?1 AND f.rowid < ?2
             ORDER BY f.rowid DESC LIMIT ?3",
        )?;
        let messages = match self.message_match(&search_words(&query.text))? {
            None => nothing,
            Some(terms) => {
                let rows = stmt
                    .query_map(
                        params![terms, before, limit as i64 + 1, SNIPPET_TOKENS],
                        |r| {
                            Ok(MessageHit {
                                message_id: r.get(0)?,
                                thread_id: r.get(1)?,
                                thread_title: r.get(2)?,
                                author: r.get(3)?,
                                author_name: r.get(4)?,
                                at: r.get(5)?,
                                snippet: snippet_pieces(&r.get::<_, String>(6)?),
                            })
                        },
                    )?
                    .collect::<Result<Vec<_>, _>>()?;
                Page::from_rows(rows, limit, |h| h.message_id.0.to_string())
            }
        };
        let threads = if query.after.is_none() {
            self.conn
                .prepare_cached(
                    "SELECT f.rowid, t.title, snippet(threads_fts, -1, char(2), char(3), '…', ?2)
                     FROM threads_fts f CROSS JOIN threads t ON t.id = f.rowid
                     WHERE threads_fts MATCH ?1
                     ORDER BY rank LIMIT ?3",
                )?
                .query_map(params![fts, SNIPPET_TOKENS, THREAD_HITS], |r| {
                    Ok(ThreadHit {
                        thread_id: r.get(0)?,
                        title: r.get(1)?,
                        snippet: snippet_pieces(&r.get::<_, String>(2)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        Ok(SearchResults { threads, messages })
    }

    /// The FTS5 query for message hits: every word ANDed, each as the exact index terms it
    /// is a prefix of (ORed), or `None` when a word starts no term (nothing can match).
    ///
    /// Same hits as the words as prefix terms, but faster: FTS5 answers a prefix term by
    /// merging the whole doclist of every term it covers before it returns the newest hit,
    /// while exact terms stream newest first and stop at the page's end (migration 0018).
    /// The index folds case and diacritics; an ASCII word is folded here the same way, any
    /// other word is left to FTS5 as a prefix term.
    fn message_match(&self, words: &[String]) -> Result<Option<String>, StoreError> {
        if words.is_empty() {
            return Ok(None);
        }
        let mut groups = Vec::with_capacity(words.len());
        let mut stmt = self.conn.prepare_cached(
            "SELECT term FROM messages_fts_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3",
        )?;
        for word in words {
            if !word.is_ascii() {
                groups.push(format!("{}*", quoted(word)));
                continue;
            }
            let prefix = word.to_ascii_lowercase();
            let terms = stmt
                .query_map(
                    params![prefix, prefix_end(&prefix), MAX_EXPANSION as i64 + 1],
                    |r| r.get::<_, String>(0),
                )?
                .collect::<Result<Vec<_>, _>>()?;
            match terms.as_slice() {
                [] => return Ok(None),
                [one] => groups.push(quoted(one)),
                many if many.len() > MAX_EXPANSION => groups.push(format!("{}*", quoted(&prefix))),
                many => groups.push(format!(
                    "({})",
                    many.iter()
                        .map(|t| quoted(t))
                        .collect::<Vec<_>>()
                        .join(" OR ")
                )),
            }
        }
        // Explicit AND: FTS5 reads no implicit AND after a parenthesized group.
        Ok(Some(groups.join(" AND ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_becomes_quoted_prefix_terms() {
        assert_eq!(fts_query("tow truck").unwrap(), r#""tow"* "truck"*"#);
        assert_eq!(
            fts_query(r#"claim" OR "x"#).unwrap(),
            r#""claim"* "OR"* "x"*"#
        );
        assert_eq!(fts_query("+1 (617) 555-0123").unwrap(), r#""16175550123"*"#);
        assert_eq!(fts_query("  -- ()"), None);
    }

    #[test]
    fn a_prefix_range_ends_after_every_term_it_starts() {
        assert_eq!(prefix_end("tow"), "tox");
        assert_eq!(prefix_end("buzz"), "buz{");
        assert_eq!(prefix_end("4419"), "441:");
        assert!("towing" < prefix_end("tow").as_str() && "tox" >= prefix_end("tow").as_str());
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn snippets_split_into_pieces() {
        let p = snippet_pieces("the \u{2}tow\u{3} truck");
        assert_eq!(
            p,
            vec![
                SnippetPiece {
                    text: "the ".into(),
                    hit: false
                },
                SnippetPiece {
                    text: "tow".into(),
                    hit: true
                },
                SnippetPiece {
                    text: " truck".into(),
                    hit: false
                },
            ]
        );
    }
}
