-- Full-text search. messages_fts indexes bodies and subjects as an external-content table
-- over `messages` (the text is stored once), kept in sync by the triggers below. Hits are
-- ordered by rowid, never by rank, and queries are AND-ed prefix terms, never phrases: so
-- the index keeps columns but not positions (detail=column) and no per-row sizes
-- (columnsize=0), about a third smaller; snippets still work (FTS5 re-tokenizes the hit).
-- threads_fts indexes what identifies a thread (title, participants' names and numbers);
-- the store rewrites a thread's row when its title, members or a member's contact change.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body, subject,
    content = 'messages', content_rowid = 'id',
    detail = column, columnsize = 0,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body, subject) VALUES (new.id, new.body, new.subject);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body, subject)
        VALUES ('delete', old.id, old.body, old.subject);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, subject ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body, subject)
        VALUES ('delete', old.id, old.body, old.subject);
    INSERT INTO messages_fts (rowid, body, subject) VALUES (new.id, new.body, new.subject);
END;

CREATE VIRTUAL TABLE threads_fts USING fts5 (
    title, names, numbers,
    tokenize = 'unicode61 remove_diacritics 2'
);
