-- Watchfloor schema v1 for SQLite. Keep in step with ../postgres/0001_initial.sql:
-- same tables, columns, constraints and indexes; only the types and the
-- append-only mechanism differ. Timestamps are unix milliseconds, JSON is TEXT.

CREATE TABLE incidents (
    id                 INTEGER PRIMARY KEY,
    tenant             TEXT    NOT NULL CHECK (tenant <> ''),
    service            TEXT    NOT NULL,
    group_key          TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    status             TEXT    NOT NULL CHECK (status IN ('triggered', 'acknowledged', 'resolved')),
    severity           TEXT    NOT NULL CHECK (severity IN ('critical', 'error', 'warning', 'info')),
    priority           INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    priority_reason    TEXT    NOT NULL,
    alert_count        INTEGER NOT NULL,
    active_alert_count INTEGER NOT NULL,
    event_count        INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    acknowledged_at    INTEGER,
    acknowledged_by    TEXT,
    resolved_at        INTEGER,
    resolved_by        TEXT,
    open_notified      INTEGER NOT NULL CHECK (open_notified IN (0, 1)),
    UNIQUE (tenant, id)
) STRICT;

-- Invariant: at most one open incident per group key per tenant.
CREATE UNIQUE INDEX incidents_one_open_per_group_key
    ON incidents (tenant, group_key) WHERE status <> 'resolved';
CREATE INDEX incidents_status_updated_at ON incidents (status, updated_at);
CREATE INDEX incidents_tenant_updated_at ON incidents (tenant, updated_at);

CREATE TABLE alerts (
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
    event_count INTEGER NOT NULL,
    UNIQUE (tenant, id),
    FOREIGN KEY (tenant, incident_id) REFERENCES incidents (tenant, id)
) STRICT;

-- Invariant: at most one unresolved alert per dedup key per tenant.
CREATE UNIQUE INDEX alerts_one_unresolved_per_dedup_key
    ON alerts (tenant, dedup_key) WHERE status <> 'resolved';
CREATE INDEX alerts_incident_id ON alerts (incident_id);

-- Request bodies exactly as received, before anything interpreted them.
CREATE TABLE payloads (
    id                  INTEGER PRIMARY KEY,
    tenant              TEXT    NOT NULL CHECK (tenant <> ''),
    integration_service TEXT    NOT NULL,
    source_kind         TEXT    NOT NULL,
    received_at         INTEGER NOT NULL,
    body                TEXT    NOT NULL,
    UNIQUE (tenant, id)
) STRICT;

-- The normalised events each payload produced, in order.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    tenant      TEXT    NOT NULL CHECK (tenant <> ''),
    payload_id  INTEGER NOT NULL,
    alert_id    INTEGER,
    dedup_key   TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    severity    TEXT    NOT NULL CHECK (severity IN ('critical', 'error', 'warning', 'info')),
    summary     TEXT    NOT NULL,
    source      TEXT,
    occurred_at INTEGER,
    labels      TEXT    NOT NULL,
    annotations TEXT    NOT NULL,
    details     TEXT    NOT NULL,
    FOREIGN KEY (tenant, payload_id) REFERENCES payloads (tenant, id),
    FOREIGN KEY (tenant, alert_id) REFERENCES alerts (tenant, id)
) STRICT;

CREATE INDEX events_alert_id ON events (alert_id);

CREATE TABLE timeline (
    seq         INTEGER PRIMARY KEY,
    tenant      TEXT    NOT NULL CHECK (tenant <> ''),
    incident_id INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    FOREIGN KEY (tenant, incident_id) REFERENCES incidents (tenant, id)
) STRICT;

CREATE INDEX timeline_incident_id_at ON timeline (incident_id, at);

-- Transactional outbox: notifications written with the state change that caused them.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    tenant          TEXT    NOT NULL CHECK (tenant <> ''),
    incident_id     INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    channel_kind    TEXT    NOT NULL,
    reason          TEXT    NOT NULL CHECK (reason IN ('opened', 'acknowledged', 'resolved')),
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'sent', 'dead_lettered')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    FOREIGN KEY (tenant, incident_id) REFERENCES incidents (tenant, id)
) STRICT;

CREATE INDEX outbox_status_next_attempt_at ON outbox (status, next_attempt_at);

-- Tamper-evident audit log: append-only, each row hashes its predecessor.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    tenant    TEXT    CHECK (tenant <> ''),
    target    TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL UNIQUE,
    hash      TEXT    NOT NULL UNIQUE
) STRICT;

CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_log_refuse_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
END;
