-- The inbound cursor of each relay the app polls; advanced only after what it covers is
-- committed.
CREATE TABLE relay_cursors (
    relay      TEXT PRIMARY KEY NOT NULL,
    cursor     TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
