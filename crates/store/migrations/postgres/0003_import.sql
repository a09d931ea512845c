-- Imported records (CloudTrail log files) carry their source's own id, so a
-- second import of the same file adds nothing: at most one event per tenant
-- and external id. Events from live ingest have none. Keep in step with
-- ../sqlite/0003_import.sql.

ALTER TABLE events ADD COLUMN external_id TEXT CHECK (external_id <> '');

CREATE UNIQUE INDEX events_one_per_external_id
    ON events (tenant, external_id) WHERE external_id IS NOT NULL;
