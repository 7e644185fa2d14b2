-- messages_fts is now written by the store's own statements (src/messages.rs, src/parts.rs),
-- in the same transaction as the message, instead of by triggers.
--
-- Why: a trigger makes every INSERT INTO messages a multi-write statement with a statement
-- journal, and FTS5 flushes its pending terms to disk at every savepoint. So each message
-- became its own tiny FTS segment and bulk ingest spent its time writing and merging them
-- (about 7,000 messages/s at a million messages). Written directly, FTS5 keeps a whole
-- transaction's terms in memory and writes them as a few large segments.
--
-- The index's content is unchanged: nothing to rebuild.
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
