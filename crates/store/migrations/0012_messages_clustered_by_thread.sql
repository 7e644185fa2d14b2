-- Messages stored in thread order: the table is keyed by (thread_id, at, id) WITHOUT ROWID,
-- so a thread's newest page is one contiguous range of the table instead of one row on
-- each of ~50 pages scattered over the file (messages arrive interleaved across threads,
-- and a rowid table stores them in arrival order). That scatter is what made a random
-- thread's newest 50 messages slow when its pages were not yet cached: each page was a
-- separate read. It also drops the separate messages_by_thread index.
--
-- `id` stays the message's identity (parts, deliveries, outbox, consent and the full-text
-- index refer to it); messages_by_id makes it unique and findable. The store assigns ids
-- as a rowid table would (one above the largest).
--
-- direction and state become small integer codes (src/messages.rs): 0 and 1 cost no bytes
-- in an SQLite record, the words cost 2-6 each, on every message.
--   direction: 0 in, 1 out
--   state:     0 unread, 1 read, 2 queued, 3 sending, 4 sent, 5 failed
--
-- Runs with foreign keys off (src/migration.rs), as SQLite's table-rebuild procedure
-- requires: dropping the old table must not cascade into parts, deliveries or the outbox.
CREATE TABLE messages_new (
    id                  INTEGER NOT NULL,
    thread_id           INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    direction           INTEGER NOT NULL CHECK (direction IN (0, 1)),
    author              TEXT NOT NULL,
    body                TEXT NOT NULL DEFAULT '',
    subject             TEXT,
    at                  INTEGER NOT NULL,
    provider_at         INTEGER,
    provider_message_id TEXT,
    linked_id           TEXT,
    transaction_id      TEXT,
    state               INTEGER NOT NULL CHECK (state BETWEEN 0 AND 5),
    PRIMARY KEY (thread_id, at, id)
) STRICT, WITHOUT ROWID;

INSERT INTO messages_new (id, thread_id, direction, author, body, subject, at, provider_at,
        provider_message_id, linked_id, transaction_id, state)
    SELECT id, thread_id,
           CASE direction WHEN 'in' THEN 0 ELSE 1 END,
           author, body, subject, at, provider_at, provider_message_id, linked_id,
           transaction_id,
           CASE state WHEN 'unread' THEN 0 WHEN 'read' THEN 1 WHEN 'queued' THEN 2
                      WHEN 'sending' THEN 3 WHEN 'sent' THEN 4 ELSE 5 END
    FROM messages
    ORDER BY thread_id, at, id;

DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;

CREATE UNIQUE INDEX messages_by_id ON messages (id);
CREATE UNIQUE INDEX messages_by_provider_id ON messages (provider_message_id)
    WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_unread ON messages (thread_id) WHERE state = 0;
