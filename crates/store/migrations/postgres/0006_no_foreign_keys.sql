-- No foreign keys from the tables written at every event (events to their
-- payload and alert; alerts, timeline and outbox to their incident), and no
-- (tenant, id) key on alerts, which only they used. That a row refers only
-- to a row of its own tenant is now checked once per commit, for all the
-- references it writes, by one query per referenced table (write.rs,
-- check_references), inside the same transaction; an event's payload is
-- written with it, from the same record. Foreign keys checked it
-- row by row, and locked each parent row (FOR KEY SHARE) to do so, which
-- under an alert storm cost more than writing the rows: 1.5x the throughput
-- at batches of 100 without them. Keep in step with
-- ../sqlite/0006_no_foreign_keys.sql.

ALTER TABLE events
    DROP CONSTRAINT events_tenant_payload_id_fkey,
    DROP CONSTRAINT events_tenant_alert_id_fkey;
ALTER TABLE timeline DROP CONSTRAINT timeline_tenant_incident_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_tenant_incident_id_fkey;
ALTER TABLE alerts
    DROP CONSTRAINT alerts_tenant_incident_id_fkey,
    DROP CONSTRAINT alerts_tenant_id_key;
