-- Two more compliance records, both append-only like the rest of the ledger:
--
-- * `disclosure_sent`: the opt-out footer ("Reply STOP to opt out") went to a number with
--   the first message it received from us. An audit asks exactly this ("when was this
--   person told how to opt out?"), and the engine asks it before every send, so it lives
--   in the ledger beside the opt-ins and opt-outs it explains. SQLite cannot widen a CHECK
--   in place: the table is rebuilt (foreign keys off around it, src/migration.rs).
-- * `quiet_hours_overrides`: an agent sent a message during its recipients' quiet hours
--   (incident coordination is not marketing), with the reason they gave.
CREATE TABLE consent_events_new (
    id                  INTEGER PRIMARY KEY,
    number              TEXT NOT NULL,
    event               TEXT NOT NULL
        CHECK (event IN ('opt_in', 'opt_out', 'confirmation_sent', 'disclosure_sent')),
    source              TEXT NOT NULL,
    evidence_kind       TEXT NOT NULL CHECK (evidence_kind IN ('text', 'message', 'file')),
    evidence            TEXT NOT NULL,
    evidence_message_id INTEGER REFERENCES messages (id),
    agent               TEXT,
    at                  INTEGER NOT NULL
) STRICT;

INSERT INTO consent_events_new
    SELECT id, number, event, source, evidence_kind, evidence, evidence_message_id, agent, at
    FROM consent_events;

DROP TABLE consent_events;
ALTER TABLE consent_events_new RENAME TO consent_events;

CREATE INDEX consent_events_by_number ON consent_events (number, id);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;

CREATE TABLE quiet_hours_overrides (
    message_id INTEGER PRIMARY KEY,
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    agent      TEXT,
    at         INTEGER NOT NULL
) STRICT;

CREATE TRIGGER quiet_hours_overrides_no_update BEFORE UPDATE ON quiet_hours_overrides
BEGIN SELECT RAISE(ABORT, 'quiet_hours_overrides is append-only'); END;
CREATE TRIGGER quiet_hours_overrides_no_delete BEFORE DELETE ON quiet_hours_overrides
BEGIN SELECT RAISE(ABORT, 'quiet_hours_overrides is append-only'); END;
