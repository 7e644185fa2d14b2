-- Message parts (media). The bytes live in <data_dir>/media/, named by their sha256; a
-- file is referenced by the parts (and thumbnails) that name it, and nothing counts those
-- references separately, so a crash can never leave a count out of step with the rows
-- (src/media.rs sweeps files no row names).
CREATE TABLE parts (
    id                INTEGER PRIMARY KEY,
    message_id        INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    ord               INTEGER NOT NULL,
    content_type      TEXT NOT NULL,
    declared_type     TEXT,
    file_name         TEXT,
    size              INTEGER NOT NULL,
    sha256            TEXT NOT NULL,
    width             INTEGER,
    height            INTEGER,
    thumbnail_sha256  TEXT,
    UNIQUE (message_id, ord)
) STRICT;

CREATE INDEX parts_by_sha256 ON parts (sha256);
CREATE INDEX parts_by_thumbnail ON parts (thumbnail_sha256) WHERE thumbnail_sha256 IS NOT NULL;
