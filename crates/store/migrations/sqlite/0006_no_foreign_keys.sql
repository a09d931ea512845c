-- No foreign keys from the tables written at every event (events to their
-- payload and alert; alerts, timeline and outbox to their incident), and no
-- (tenant, id) key on alerts, which only they used. That a row refers only
-- to a row of its own tenant is now checked once per commit, for all the
-- references it writes, by one query per referenced table (write.rs,
-- check_references), inside the same transaction; an event's payload is
-- written with it, from the same record. Foreign keys checked it
-- row by row, and on PostgreSQL locked each parent row (FOR KEY SHARE) to
-- do so, which under an alert storm cost more than writing the rows: 1.5x
-- the throughput at batches of 100 without them. SQLite cannot drop a
-- constraint, so its tables are rebuilt, children first. Keep in step with
-- ../postgres/0006_no_foreign_keys.sql.

CREATE TABLE events_new (
    id             INTEGER PRIMARY KEY,
    tenant         TEXT    NOT NULL CHECK (tenant <> ''),
    payload_id     INTEGER NOT NULL,
    alert_id       INTEGER,
    dedup_key      TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    severity       TEXT    NOT NULL CHECK (severity IN ('critical', 'error', 'warning', 'info')),
    summary        TEXT    NOT NULL,
    source         TEXT,
    occurred_at    INTEGER,
    labels         TEXT    NOT NULL,
    annotations    TEXT    NOT NULL,
    details        TEXT    NOT NULL,
    external_id    TEXT    CHECK (external_id <> ''),
    engine_pending INTEGER NOT NULL DEFAULT 0 CHECK (engine_pending IN (0, 1))
) STRICT;

INSERT INTO events_new SELECT * FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE UNIQUE INDEX events_one_per_external_id
    ON events (tenant, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX events_engine_pending ON events (id) WHERE engine_pending;

CREATE TABLE timeline_new (
    seq         INTEGER PRIMARY KEY,
    tenant      TEXT    NOT NULL CHECK (tenant <> ''),
    incident_id INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    actor       TEXT    NOT NULL
) STRICT;

INSERT INTO timeline_new SELECT * FROM timeline;
DROP TABLE timeline;
ALTER TABLE timeline_new RENAME TO timeline;
CREATE INDEX timeline_incident_id_at ON timeline (incident_id, at);

CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    tenant          TEXT    NOT NULL CHECK (tenant <> ''),
    incident_id     INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    channel_kind    TEXT    NOT NULL,
    reason          TEXT    NOT NULL CHECK (reason IN ('opened', 'acknowledged', 'resolved',
                                                       'flapping', 'escalated', 'sla_breached',
                                                       'retriggered', 'priority_raised')),
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'sent', 'dead_lettered')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_status_next_attempt_at ON outbox (status, next_attempt_at);

CREATE TABLE alerts_new (
    id          INTEGER PRIMARY KEY,
    tenant      TEXT    NOT NULL CHECK (tenant <> ''),
    service     TEXT    NOT NULL,
    incident_id INTEGER NOT NULL,
    dedup_key   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('firing', 'acknowledged', 'resolved')),
    severity    TEXT    NOT NULL CHECK (severity IN ('critical', 'error', 'warning', 'info')),
    summary     TEXT    NOT NULL,
    source      TEXT,
    labels      TEXT    NOT NULL,
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    resolved_at INTEGER,
    event_count INTEGER NOT NULL
) STRICT;

INSERT INTO alerts_new SELECT * FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE UNIQUE INDEX alerts_one_unresolved_per_dedup_key
    ON alerts (tenant, dedup_key) WHERE status <> 'resolved';
CREATE INDEX alerts_incident_id ON alerts (incident_id);
