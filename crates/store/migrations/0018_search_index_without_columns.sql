-- messages_fts keeps which documents hold a term, no longer in which column (detail=none
-- instead of detail=column). At a million messages the index shrinks from 63 MB to 22 MB
-- (a third), and bulk ingest spends a third less time writing and merging it.
--
-- Nothing used the columns: search ANDs words over body and subject alike and never
-- filters by column, and snippets re-tokenize the hit's text, as they did before.
-- Prefix terms are the one thing detail=none makes slower (FTS5 merges the whole doclist
-- of every matching term before it can return the newest hit), so the store expands a
-- word into the terms it is a prefix of, through messages_fts_terms, and asks for those
-- terms exactly (src/search.rs): the newest hits then stream without a merge.
--
-- The index is rebuilt from the messages it indexes (external content: the text itself
-- stays where it is, in messages).
DROP TABLE messages_fts;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body, subject,
    content = 'messages', content_rowid = 'id',
    detail = none, columnsize = 0,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

-- The index's vocabulary, one row per term, for expanding a prefix (src/search.rs).
CREATE VIRTUAL TABLE messages_fts_terms USING fts5vocab (messages_fts, row);
