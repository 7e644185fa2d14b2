-- Our own numbers: one row per provider profile and sender number. An office may have
-- several. `number` is the canonical address (see src/address.rs), so thread identity can
-- remove our own numbers from a participant set.
CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    profile    TEXT NOT NULL,
    number     TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;
