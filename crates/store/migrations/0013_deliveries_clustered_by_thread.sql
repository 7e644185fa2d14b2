-- Delivery states stored in thread order, like messages (migration 0012): keyed by
-- (thread_id, message_id, recipient), so the states shown with a thread's page are one
-- contiguous range instead of one page per outgoing message. `state` becomes an integer
-- code (src/delivery.rs), a byte instead of up to nine:
--   0 queued, 1 submitted, 2 accepted, 3 delivered, 4 read, 5 failed, 6 expired, 7 rejected
--
-- There is no foreign key to messages any more: enforcing it (and cascading a message's
-- deletion) would need an index on message_id alone, a fifth of the table's size again.
-- The store keeps the rule itself: rows are only written for a message it has just found
-- (Writer::queue_outgoing) and are deleted with their message (Writer::delete_message).
--
-- Runs with foreign keys off, like 0012 (src/migration.rs).
CREATE TABLE deliveries_new (
    thread_id           INTEGER NOT NULL,
    message_id          INTEGER NOT NULL,
    recipient           TEXT NOT NULL,
    state               INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),
    provider_message_id TEXT,
    status_code         INTEGER,
    status_text         TEXT,
    queued_at           INTEGER NOT NULL,
    submitted_at        INTEGER,
    final_at            INTEGER,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (thread_id, message_id, recipient)
) STRICT, WITHOUT ROWID;

INSERT INTO deliveries_new (thread_id, message_id, recipient, state, provider_message_id,
        status_code, status_text, queued_at, submitted_at, final_at, updated_at)
    SELECT m.thread_id, d.message_id, d.recipient,
           CASE d.state WHEN 'queued' THEN 0 WHEN 'submitted' THEN 1 WHEN 'accepted' THEN 2
                        WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 WHEN 'failed' THEN 5
                        WHEN 'expired' THEN 6 ELSE 7 END,
           d.provider_message_id, d.status_code, d.status_text, d.queued_at, d.submitted_at,
           d.final_at, d.updated_at
    FROM deliveries d JOIN messages m ON m.id = d.message_id
    ORDER BY m.thread_id, d.message_id, d.recipient;

DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;

-- Delivery reports arrive by MessageID and recipient.
CREATE INDEX deliveries_by_provider_id ON deliveries (provider_message_id)
    WHERE provider_message_id IS NOT NULL;
