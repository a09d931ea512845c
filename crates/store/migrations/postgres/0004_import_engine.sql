-- An imported record the engine still has to see: the running server reads
-- the marked events, handles each one as it handles a live event (rules,
-- alerts, incidents, pages) and clears the mark in the transaction that
-- commits what the event caused. Keep in step with
-- ../sqlite/0004_import_engine.sql.

ALTER TABLE events ADD COLUMN engine_pending BOOLEAN NOT NULL DEFAULT FALSE;

CREATE INDEX events_engine_pending ON events (id) WHERE engine_pending;
