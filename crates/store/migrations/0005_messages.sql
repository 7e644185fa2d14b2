-- Messages. `at` is our time (received, or created for outgoing) and orders a thread;
-- `provider_at` is the provider's timestamp when it gave one. Inbound duplicates are
-- recognised by the provider's MessageID (unique when present); outgoing messages get
-- one MessageID per recipient, kept in `deliveries`.
CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    thread_id           INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    direction           TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    author              TEXT NOT NULL,
    body                TEXT NOT NULL DEFAULT '',
    subject             TEXT,
    at                  INTEGER NOT NULL,
    provider_at         INTEGER,
    provider_message_id TEXT,
    linked_id           TEXT,
    transaction_id      TEXT,
    state               TEXT NOT NULL CHECK (state IN ('unread', 'read', 'queued', 'sending', 'sent', 'failed'))
) STRICT;

-- A thread's messages newest first, by key.
CREATE INDEX messages_by_thread ON messages (thread_id, at DESC, id DESC);
CREATE UNIQUE INDEX messages_by_provider_id ON messages (provider_message_id)
    WHERE provider_message_id IS NOT NULL;
CREATE INDEX messages_unread ON messages (thread_id) WHERE state = 'unread';
