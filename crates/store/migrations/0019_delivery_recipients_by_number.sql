-- Delivery rows name their recipient by a small integer into `addresses` instead of
-- repeating the canonical address text.
--
-- Why: deliveries is keyed by (thread_id, message_id, recipient) WITHOUT ROWID, so the key
-- is stored in the row and again in every index entry (deliveries_by_provider_id,
-- deliveries_unconfirmed). A recipient is 12 bytes of text (+16175550123) on each of the
-- ~1.25 million rows a million-message store has, twice: about 30 MB of a 530 MB file.
-- An id is one or two bytes.
--
-- addresses holds each canonical address once (src/address.rs); rows are added, never
-- changed or removed. Runs with foreign keys off, like 0012 and 0013 (src/migration.rs).
CREATE TABLE addresses (
    id      INTEGER PRIMARY KEY,
    address TEXT NOT NULL UNIQUE
) STRICT;

INSERT INTO addresses (address) SELECT DISTINCT recipient FROM deliveries ORDER BY recipient;

CREATE TABLE deliveries_new (
    thread_id           INTEGER NOT NULL,
    message_id          INTEGER NOT NULL,
    recipient_id        INTEGER NOT NULL REFERENCES addresses (id),
    state               INTEGER NOT NULL CHECK (state BETWEEN 0 AND 7),
    provider_message_id TEXT,
    status_code         INTEGER,
    status_text         TEXT,
    queued_at           INTEGER NOT NULL,
    submitted_at        INTEGER,
    final_at            INTEGER,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (thread_id, message_id, recipient_id)
) STRICT, WITHOUT ROWID;

INSERT INTO deliveries_new (thread_id, message_id, recipient_id, state, provider_message_id,
        status_code, status_text, queued_at, submitted_at, final_at, updated_at)
    SELECT d.thread_id, d.message_id, a.id, d.state, d.provider_message_id, d.status_code,
           d.status_text, d.queued_at, d.submitted_at, d.final_at, d.updated_at
    FROM deliveries d JOIN addresses a ON a.address = d.recipient
    ORDER BY d.thread_id, d.message_id, a.id;

DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;

-- Delivery reports arrive by MessageID and recipient (0007).
CREATE INDEX deliveries_by_provider_id ON deliveries (provider_message_id)
    WHERE provider_message_id IS NOT NULL;
-- Submits still waiting for their MessageID (0014).
CREATE INDEX deliveries_unconfirmed ON deliveries (recipient_id, queued_at)
    WHERE state = 1 AND provider_message_id IS NULL;
