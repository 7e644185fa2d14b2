-- People the user knows. A contact has one or more numbers; a number belongs to at most one
-- contact, so "who is +16175550123" has one answer. Numbers are canonical addresses.
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL,
    company      TEXT,
    notes        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX contacts_by_name ON contacts (display_name COLLATE NOCASE, id);

CREATE TABLE contact_numbers (
    number     TEXT PRIMARY KEY NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    label      TEXT
) STRICT, WITHOUT ROWID;

CREATE INDEX contact_numbers_by_contact ON contact_numbers (contact_id);

CREATE TABLE contact_tags (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (contact_id, tag)
) STRICT, WITHOUT ROWID;
