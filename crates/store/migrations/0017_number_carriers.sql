-- The carrier each number was last seen on: Sinch echoes its operator ID on inbound
-- messages and delivery reports (BRIEF §1). Sending it back on submits spares Sinch a
-- (billed) carrier lookup, and the app shows it beside the participant. One row per
-- number; the newest sighting wins (numbers port between carriers).
CREATE TABLE number_carriers (
    number      TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL,
    seen_at     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
