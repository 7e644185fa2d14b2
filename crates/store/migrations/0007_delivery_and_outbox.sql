-- Per-recipient delivery state of outgoing messages: the current state with the MM7 status
-- code and text behind it and when it came (updated_at), plus the times of the milestones
-- (queued, submitted to the provider, final outcome). One row per (message, recipient);
-- no per-report history table, which would double the cost of every outgoing message.
CREATE TABLE deliveries (
    message_id          INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    recipient           TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('queued', 'submitted', 'accepted', 'delivered', 'read', 'failed', 'expired', 'rejected')),
    provider_message_id TEXT,
    status_code         INTEGER,
    status_text         TEXT,
    queued_at           INTEGER NOT NULL,
    submitted_at        INTEGER,
    final_at            INTEGER,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (message_id, recipient)
) STRICT, WITHOUT ROWID;

-- Delivery reports arrive by MessageID and recipient.
CREATE INDEX deliveries_by_provider_id ON deliveries (provider_message_id)
    WHERE provider_message_id IS NOT NULL;

-- The outbox: one job per (message, recipient) not yet finished (a finished job's row is
-- deleted; its outcome is in deliveries). A job is due when state = 'pending' and
-- next_attempt_at <= now; the TransactionID used for the last attempt is kept so a retry
-- after a crash can be recognised by the provider and by us.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    transaction_id  TEXT,
    UNIQUE (message_id, recipient)
) STRICT;

CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';
