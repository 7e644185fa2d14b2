-- A broadcast ("individual texts") is one record message in a broadcast thread and one
-- direct copy per recipient in that person's own thread. This links them, so the record
-- can show how each copy fared and a copy can say which broadcast it came from.
CREATE TABLE broadcast_copies (
    record_id INTEGER NOT NULL,
    copy_id   INTEGER NOT NULL,
    PRIMARY KEY (record_id, copy_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX broadcast_copies_by_copy ON broadcast_copies (copy_id);
