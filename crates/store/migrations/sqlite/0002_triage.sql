-- Triage: what rules and suppression decided about an incident (JSON), and
-- operators' silences. Keep in step with ../postgres/0002_triage.sql.

ALTER TABLE incidents ADD COLUMN triage TEXT NOT NULL DEFAULT '{}';

CREATE TABLE silences (
    id         INTEGER PRIMARY KEY,
    tenant     TEXT    NOT NULL CHECK (tenant <> ''),
    matchers   TEXT    NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL CHECK (ends_at > starts_at),
    created_by TEXT    NOT NULL,
    comment    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expired_at INTEGER,
    expired_by TEXT
) STRICT;

CREATE INDEX silences_live ON silences (expired_at, ends_at);

-- Notification reasons grew (flapping, escalated, sla_breached, retriggered,
-- priority_raised):
-- SQLite cannot alter a CHECK, so the outbox is rebuilt with the new list.
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
    updated_at      INTEGER NOT NULL,
    FOREIGN KEY (tenant, incident_id) REFERENCES incidents (tenant, id)
) STRICT;

INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_status_next_attempt_at ON outbox (status, next_attempt_at);
