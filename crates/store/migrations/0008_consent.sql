-- The consent ledger: append-only opt-in / opt-out / confirmation-sent events per number.
-- The triggers make "append-only" a property of the database, not of the code.
CREATE TABLE consent_events (
    id                  INTEGER PRIMARY KEY,
    number              TEXT NOT NULL,
    event               TEXT NOT NULL CHECK (event IN ('opt_in', 'opt_out', 'confirmation_sent')),
    source              TEXT NOT NULL,
    evidence_kind       TEXT NOT NULL CHECK (evidence_kind IN ('text', 'message', 'file')),
    evidence            TEXT NOT NULL,
    evidence_message_id INTEGER REFERENCES messages (id),
    agent               TEXT,
    at                  INTEGER NOT NULL
) STRICT;

CREATE INDEX consent_events_by_number ON consent_events (number, id);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
