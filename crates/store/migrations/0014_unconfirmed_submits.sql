-- Submits the provider may have taken without our learning its MessageID (no answer in
-- time, or an unreadable one): state 1 (submitted) with no provider_message_id. A
-- delivery report for such a recipient finds them here instead of scanning every
-- delivery row. Partial, so it holds only those few rows.
CREATE INDEX deliveries_unconfirmed ON deliveries (recipient, queued_at)
    WHERE state = 1 AND provider_message_id IS NULL;
