-- Conversations. A thread is identified by its kind and canonical participant key (the
-- sorted participant addresses, our own numbers removed; src/address.rs). When membership
-- changes, a new thread is created with `predecessor_id` pointing at the old one; the
-- successor is found through the index on predecessor_id.
--
-- last_* and unread_count are denormalized and maintained by the store's writes, so the
-- thread list reads one row per thread and never aggregates messages.
CREATE TABLE threads (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('group', 'direct', 'broadcast')),
    participant_key   TEXT NOT NULL,
    title             TEXT,
    created_at        INTEGER NOT NULL,
    last_activity     INTEGER NOT NULL,
    unread_count      INTEGER NOT NULL DEFAULT 0 CHECK (unread_count >= 0),
    pinned            INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    archived          INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    muted             INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    predecessor_id    INTEGER REFERENCES threads (id),
    last_message_id   INTEGER,
    last_message_at   INTEGER,
    last_preview      TEXT,
    last_author       TEXT,
    message_count     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, participant_key)
) STRICT;

-- The thread list: pinned first, then most recent. Keyset pagination seeks in this index.
CREATE INDEX threads_list ON threads (archived, pinned DESC, last_activity DESC, id DESC);
CREATE INDEX threads_by_predecessor ON threads (predecessor_id) WHERE predecessor_id IS NOT NULL;

CREATE TABLE thread_participants (
    thread_id INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    address   TEXT NOT NULL,
    PRIMARY KEY (thread_id, address)
) STRICT, WITHOUT ROWID;

CREATE INDEX thread_participants_by_address ON thread_participants (address, thread_id);
