-- Triage: what rules and suppression decided about an incident (JSON), and
-- operators' silences. Keep in step with ../postgres/0003_triage.sql.

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
