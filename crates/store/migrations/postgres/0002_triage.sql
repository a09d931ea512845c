-- Triage: what rules and suppression decided about an incident (JSON), and
-- operators' silences. Keep in step with ../sqlite/0002_triage.sql.

ALTER TABLE incidents ADD COLUMN triage TEXT NOT NULL DEFAULT '{}';

CREATE TABLE silences (
    id         BIGINT PRIMARY KEY,
    tenant     TEXT   NOT NULL CHECK (tenant <> ''),
    matchers   TEXT   NOT NULL,
    starts_at  BIGINT NOT NULL,
    ends_at    BIGINT NOT NULL CHECK (ends_at > starts_at),
    created_by TEXT   NOT NULL,
    comment    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expired_at BIGINT,
    expired_by TEXT
);

CREATE INDEX silences_live ON silences (expired_at, ends_at);

-- Notification reasons grew (flapping, escalated, sla_breached, retriggered,
-- priority_raised).
ALTER TABLE outbox DROP CONSTRAINT outbox_reason_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_reason_check CHECK (reason IN (
    'opened', 'acknowledged', 'resolved', 'flapping', 'escalated', 'sla_breached', 'retriggered',
    'priority_raised'
));
