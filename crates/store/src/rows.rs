//! Column lists, the parameters of each row, and decoding rows back into domain values.

use domain::suppression::Silence;
use domain::{
    Alert, AlertId, Incident, IncidentId, ServiceId, SilenceId, SourceKind, TenantId,
    TimelineEntry, Timestamp,
};

use crate::codec::{self, Param};
use crate::{AuditEntry, AuditRecord, Delivery, EventRecord, OutboxRecord, StoreError};

/// Typed column access, implemented for each engine's row type.
pub(crate) trait RowReader {
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError>;
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn boolean(&self, column: &str) -> Result<bool, StoreError>;
    fn opt_bytes(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError>;
}

/// What an incident keeps from its first write on (see [`crate::codec::upsert_tail`]).
pub(crate) const INCIDENT_FIXED: [&str; 3] = ["service", "group_key", "created_at"];

pub(crate) const INCIDENT_COLUMNS: [&str; 20] = [
    "id",
    "tenant",
    "service",
    "group_key",
    "title",
    "status",
    "severity",
    "priority",
    "priority_reason",
    "alert_count",
    "active_alert_count",
    "event_count",
    "created_at",
    "updated_at",
    "acknowledged_at",
    "acknowledged_by",
    "resolved_at",
    "resolved_by",
    "open_notified",
    "triage",
];

pub(crate) fn incident_params(incident: &Incident) -> Result<Vec<Param<'_>>, StoreError> {
    Ok(vec![
        Param::Int(incident.id.0),
        Param::Text(incident.tenant.as_str()),
        Param::Text(incident.service.as_str()),
        Param::Text(&incident.group_key),
        Param::Text(&incident.title),
        Param::Text(incident.status.as_str()),
        Param::Text(incident.severity.as_str()),
        Param::Int(i64::from(incident.priority.level())),
        Param::Text(&incident.priority_reason),
        Param::Int(incident.alert_count),
        Param::Int(incident.active_alert_count),
        Param::Int(incident.event_count),
        Param::Int(codec::millis(incident.created_at)),
        Param::Int(codec::millis(incident.updated_at)),
        Param::OptInt(codec::opt_millis(incident.acknowledged_at)),
        Param::OptText(incident.acknowledged_by.as_deref()),
        Param::OptInt(codec::opt_millis(incident.resolved_at)),
        Param::OptText(incident.resolved_by.as_deref()),
        Param::Bool(incident.open_notified),
        Param::Owned(codec::triage_json(&incident.triage)?),
    ])
}

pub(crate) fn incident_from_row(row: &impl RowReader) -> Result<Incident, StoreError> {
    Ok(Incident {
        id: IncidentId(row.int("id")?),
        tenant: codec::tenant("incidents.tenant", &row.text("tenant")?)?,
        service: codec::service("incidents.service", &row.text("service")?)?,
        group_key: row.text("group_key")?,
        title: row.text("title")?,
        status: codec::incident_status("incidents.status", &row.text("status")?)?,
        severity: codec::severity("incidents.severity", &row.text("severity")?)?,
        priority: codec::priority("incidents.priority", row.int("priority")?)?,
        priority_reason: row.text("priority_reason")?,
        alert_count: row.int("alert_count")?,
        active_alert_count: row.int("active_alert_count")?,
        event_count: row.int("event_count")?,
        created_at: codec::timestamp("incidents.created_at", row.int("created_at")?)?,
        updated_at: codec::timestamp("incidents.updated_at", row.int("updated_at")?)?,
        acknowledged_at: codec::opt_timestamp(
            "incidents.acknowledged_at",
            row.opt_int("acknowledged_at")?,
        )?,
        acknowledged_by: row.opt_text("acknowledged_by")?,
        resolved_at: codec::opt_timestamp("incidents.resolved_at", row.opt_int("resolved_at")?)?,
        resolved_by: row.opt_text("resolved_by")?,
        open_notified: row.boolean("open_notified")?,
        triage: codec::triage("incidents.triage", &row.text("triage")?)?,
    })
}

pub(crate) const SILENCE_COLUMNS: [&str; 10] = [
    "id",
    "tenant",
    "matchers",
    "starts_at",
    "ends_at",
    "created_by",
    "comment",
    "created_at",
    "expired_at",
    "expired_by",
];

pub(crate) fn silence_params(silence: &Silence) -> Vec<Param<'_>> {
    vec![
        Param::Int(silence.id.0),
        Param::Text(silence.tenant.as_str()),
        Param::Owned(codec::matchers_json(&silence.matchers)),
        Param::Int(codec::millis(silence.starts_at)),
        Param::Int(codec::millis(silence.ends_at)),
        Param::Text(&silence.created_by),
        Param::Text(&silence.comment),
        Param::Int(codec::millis(silence.created_at)),
        Param::OptInt(codec::opt_millis(silence.expired_at)),
        Param::OptText(silence.expired_by.as_deref()),
    ]
}

pub(crate) fn silence_from_row(row: &impl RowReader) -> Result<Silence, StoreError> {
    Ok(Silence {
        id: SilenceId(row.int("id")?),
        tenant: codec::tenant("silences.tenant", &row.text("tenant")?)?,
        matchers: codec::matchers("silences.matchers", &row.text("matchers")?)?,
        starts_at: codec::timestamp("silences.starts_at", row.int("starts_at")?)?,
        ends_at: codec::timestamp("silences.ends_at", row.int("ends_at")?)?,
        created_by: row.text("created_by")?,
        comment: row.text("comment")?,
        created_at: codec::timestamp("silences.created_at", row.int("created_at")?)?,
        expired_at: codec::opt_timestamp("silences.expired_at", row.opt_int("expired_at")?)?,
        expired_by: row.opt_text("expired_by")?,
    })
}

/// What an alert keeps from its first write on: it never changes incident
/// or key (see [`crate::codec::upsert_tail`]).
pub(crate) const ALERT_FIXED: [&str; 5] =
    ["service", "incident_id", "dedup_key", "first_seen", "attached_by"];

/// What an alert is given once: the summary it attached with, should a
/// later event change it ([`crate::CommitBatch::attached_summaries`]).
pub(crate) const ALERT_SET_ONCE: [&str; 1] = ["attached_summary"];

pub(crate) const ALERT_COLUMNS: [&str; 17] = [
    "id",
    "tenant",
    "service",
    "incident_id",
    "dedup_key",
    "status",
    "severity",
    "summary",
    "source",
    "labels",
    "first_seen",
    "last_seen",
    "resolved_at",
    "event_count",
    "attached_by",
    "attached_summary",
    "resolved_by",
];

/// An alert's row; `attached_summary` as in [`ALERT_SET_ONCE`].
pub(crate) fn alert_params<'a>(
    alert: &'a Alert,
    attached_summary: Option<&'a str>,
) -> Result<Vec<Param<'a>>, StoreError> {
    Ok(vec![
        Param::Int(alert.id.0),
        Param::Text(alert.tenant.as_str()),
        Param::Text(alert.service.as_str()),
        Param::Int(alert.incident_id.0),
        Param::Text(&alert.dedup_key),
        Param::Text(alert.status.as_str()),
        Param::Text(alert.severity.as_str()),
        Param::Text(&alert.summary),
        Param::OptText(alert.source.as_deref()),
        Param::Owned(codec::labels_json(&alert.labels)?),
        Param::Int(codec::millis(alert.first_seen)),
        Param::Int(codec::millis(alert.last_seen)),
        Param::OptInt(codec::opt_millis(alert.resolved_at)),
        Param::Int(alert.event_count),
        Param::OptText(alert.attached_by.map(SourceKind::as_str)),
        Param::OptText(attached_summary),
        Param::OptText(alert.resolved_by.map(SourceKind::as_str)),
    ])
}

pub(crate) fn alert_from_row(row: &impl RowReader) -> Result<Alert, StoreError> {
    Ok(Alert {
        id: AlertId(row.int("id")?),
        tenant: codec::tenant("alerts.tenant", &row.text("tenant")?)?,
        service: codec::service("alerts.service", &row.text("service")?)?,
        incident_id: IncidentId(row.int("incident_id")?),
        dedup_key: row.text("dedup_key")?,
        status: codec::alert_status("alerts.status", &row.text("status")?)?,
        severity: codec::severity("alerts.severity", &row.text("severity")?)?,
        summary: row.text("summary")?,
        source: row.opt_text("source")?,
        labels: codec::labels("alerts.labels", &row.text("labels")?)?,
        first_seen: codec::timestamp("alerts.first_seen", row.int("first_seen")?)?,
        last_seen: codec::timestamp("alerts.last_seen", row.int("last_seen")?)?,
        resolved_at: codec::opt_timestamp("alerts.resolved_at", row.opt_int("resolved_at")?)?,
        event_count: row.int("event_count")?,
        attached_by: codec::opt_source_kind("alerts.attached_by", row.opt_text("attached_by")?)?,
        resolved_by: codec::opt_source_kind("alerts.resolved_by", row.opt_text("resolved_by")?)?,
    })
}

pub(crate) const PAYLOAD_COLUMNS: [&str; 6] =
    ["id", "tenant", "integration_service", "source_kind", "received_at", "body"];

/// A payload row of [`PAYLOAD_COLUMNS`]; `body` is its text, or an empty
/// one beside a compressed body ([`crate::StoredBody::columns`]).
pub(crate) fn payload_params<'a>(
    id: i64,
    tenant: &'a TenantId,
    service: &'a ServiceId,
    source_kind: &'a str,
    received_at: Timestamp,
    body: Param<'a>,
) -> Vec<Param<'a>> {
    vec![
        Param::Int(id),
        Param::Text(tenant.as_str()),
        Param::Text(service.as_str()),
        Param::Text(source_kind),
        Param::Int(codec::millis(received_at)),
        body,
    ]
}

/// Inserted columns; `id` comes from the database, in insertion order, so it
/// also records the order of the events within their payload.
pub(crate) const EVENT_COLUMNS: [&str; 12] = [
    "tenant",
    "payload_id",
    "alert_id",
    "dedup_key",
    "action",
    "severity",
    "summary",
    "source",
    "occurred_at",
    "labels",
    "annotations",
    "details",
];

pub(crate) fn event_params<'a>(
    tenant: &'a str,
    payload_id: i64,
    event: &'a EventRecord,
) -> Result<Vec<Param<'a>>, StoreError> {
    Ok(vec![
        Param::Text(tenant),
        Param::Int(payload_id),
        Param::OptInt(event.alert_id.map(|id| id.0)),
        Param::Text(&event.dedup_key),
        Param::Text(&event.action),
        Param::Text(event.severity.as_str()),
        Param::Text(&event.summary),
        Param::OptText(event.source.as_deref()),
        Param::OptInt(codec::opt_millis(event.occurred_at)),
        Param::Owned(codec::labels_json(&event.labels)?),
        Param::Owned(codec::labels_json(&event.annotations)?),
        Param::Owned(codec::json_text(&event.details)?),
    ])
}

pub(crate) const TIMELINE_COLUMNS: [&str; 6] =
    ["tenant", "incident_id", "at", "kind", "message", "actor"];

pub(crate) fn timeline_params(entry: &TimelineEntry) -> Vec<Param<'_>> {
    vec![
        Param::Text(entry.tenant.as_str()),
        Param::Int(entry.incident_id.0),
        Param::Int(codec::millis(entry.at)),
        Param::Text(entry.kind.as_str()),
        Param::Text(&entry.message),
        Param::Text(&entry.actor),
    ]
}

/// A line of [`crate::backend::sql::INCIDENT_TIMELINE`]: a timeline row, or
/// an alert's "attached" or "resolved" line built from its row as the engine
/// builds it ([`TimelineEntry::alert_attached`]).
pub(crate) fn timeline_line_from_row(row: &impl RowReader) -> Result<TimelineEntry, StoreError> {
    let line = row.int("line")?;
    if line == 0 {
        return timeline_from_row(row);
    }
    let incident = IncidentId(row.int("incident_id")?);
    let tenant = codec::tenant("alerts.tenant", &row.text("tenant")?)?;
    let (at, by) = match line {
        1 => ("alerts.first_seen", "alerts.attached_by"),
        _ => ("alerts.resolved_at", "alerts.resolved_by"),
    };
    let at = codec::timestamp(at, row.int("at")?)?;
    let alert = AlertId(row.int("seq")?);
    let summary = row.text("message")?;
    let by = codec::opt_source_kind(by, row.opt_text("actor")?)?
        .ok_or_else(|| StoreError::Corrupt(format!("alert {alert}: a timeline line of no kind")))?;
    Ok(if line == 1 {
        TimelineEntry::alert_attached((incident, &tenant), at, alert, &summary, by)
    } else {
        TimelineEntry::alert_resolved((incident, &tenant), at, alert, &summary, by)
    })
}

pub(crate) fn timeline_from_row(row: &impl RowReader) -> Result<TimelineEntry, StoreError> {
    Ok(TimelineEntry {
        incident_id: IncidentId(row.int("incident_id")?),
        tenant: codec::tenant("timeline.tenant", &row.text("tenant")?)?,
        at: codec::timestamp("timeline.at", row.int("at")?)?,
        kind: codec::timeline_kind("timeline.kind", &row.text("kind")?)?,
        message: row.text("message")?,
        actor: row.text("actor")?,
    })
}

/// Inserted columns; `status`, `attempts` and `last_error` take their defaults.
pub(crate) const OUTBOX_INSERT_COLUMNS: [&str; 9] = [
    "tenant",
    "incident_id",
    "channel",
    "channel_kind",
    "reason",
    "body",
    "next_attempt_at",
    "created_at",
    "updated_at",
];

pub(crate) const OUTBOX_COLUMNS: &str = "id, tenant, incident_id, channel, channel_kind, reason, \
     body, status, attempts, next_attempt_at, last_error, created_at, updated_at";

pub(crate) fn outbox_params(record: &OutboxRecord) -> Vec<Param<'_>> {
    let notification = &record.notification;
    let at = codec::millis(notification.at);
    vec![
        Param::Text(notification.tenant.as_str()),
        Param::Int(notification.incident_id.0),
        Param::Text(notification.channel.as_str()),
        Param::Text(&record.channel_kind),
        Param::Text(notification.reason.as_str()),
        Param::Text(&record.body),
        Param::Int(at),
        Param::Int(at),
        Param::Int(at),
    ]
}

pub(crate) fn delivery_from_row(row: &impl RowReader) -> Result<Delivery, StoreError> {
    let id = row.int("id")?;
    let attempts = row.int("attempts")?;
    Ok(Delivery {
        id,
        tenant: codec::tenant("outbox.tenant", &row.text("tenant")?)?,
        incident_id: IncidentId(row.int("incident_id")?),
        channel: codec::channel("outbox.channel", &row.text("channel")?)?,
        channel_kind: row.text("channel_kind")?,
        reason: codec::notify_reason("outbox.reason", &row.text("reason")?)?,
        body: row.text("body")?,
        idempotency_key: codec::idempotency_key(id),
        status: codec::delivery_status("outbox.status", &row.text("status")?)?,
        attempts: i32::try_from(attempts).map_err(|_| {
            codec::corrupt("outbox.attempts", &attempts.to_string(), "out of range")
        })?,
        next_attempt_at: codec::timestamp("outbox.next_attempt_at", row.int("next_attempt_at")?)?,
        last_error: row.opt_text("last_error")?,
        created_at: codec::timestamp("outbox.created_at", row.int("created_at")?)?,
        updated_at: codec::timestamp("outbox.updated_at", row.int("updated_at")?)?,
    })
}

pub(crate) const AUDIT_COLUMNS: [&str; 9] =
    ["seq", "at", "actor", "action", "tenant", "target", "detail", "prev_hash", "hash"];

/// An audit row as stored, before its detail is parsed: what the hash covers.
pub(crate) struct StoredAudit {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub tenant: Option<String>,
    pub target: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredAudit {
    pub(crate) fn from_row(row: &impl RowReader) -> Result<Self, StoreError> {
        Ok(Self {
            seq: row.int("seq")?,
            at: row.int("at")?,
            actor: row.text("actor")?,
            action: row.text("action")?,
            tenant: row.opt_text("tenant")?,
            target: row.text("target")?,
            detail: row.text("detail")?,
            prev_hash: row.text("prev_hash")?,
            hash: row.text("hash")?,
        })
    }

    pub(crate) fn fields(&self) -> codec::AuditFields<'_> {
        codec::AuditFields {
            seq: self.seq,
            at_millis: self.at,
            actor: &self.actor,
            action: &self.action,
            tenant: self.tenant.as_deref(),
            target: &self.target,
            detail_json: &self.detail,
        }
    }

    pub(crate) fn into_record(self) -> Result<AuditRecord, StoreError> {
        let tenant = match &self.tenant {
            Some(tenant) => Some(codec::tenant("audit_log.tenant", tenant)?),
            None => None,
        };
        Ok(AuditRecord {
            seq: self.seq,
            entry: AuditEntry {
                at: codec::timestamp("audit_log.at", self.at)?,
                actor: self.actor,
                action: self.action,
                tenant,
                target: self.target,
                detail: codec::json("audit_log.detail", &self.detail)?,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// An audit entry ready to insert: its stored form and its chained hash.
pub(crate) fn audit_row(
    seq: i64,
    prev_hash: String,
    entry: &AuditEntry,
) -> Result<StoredAudit, StoreError> {
    let mut row = StoredAudit {
        seq,
        at: codec::millis(entry.at),
        actor: entry.actor.clone(),
        action: entry.action.clone(),
        tenant: entry.tenant.as_ref().map(|t| t.as_str().to_owned()),
        target: entry.target.clone(),
        detail: codec::json_text(&entry.detail)?,
        prev_hash,
        hash: String::new(),
    };
    row.hash = codec::audit_hash(&row.prev_hash, &row.fields());
    Ok(row)
}

pub(crate) fn audit_params(row: &StoredAudit) -> Vec<Param<'_>> {
    vec![
        Param::Int(row.seq),
        Param::Int(row.at),
        Param::Text(&row.actor),
        Param::Text(&row.action),
        Param::OptText(row.tenant.as_deref()),
        Param::Text(&row.target),
        Param::Text(&row.detail),
        Param::Text(&row.prev_hash),
        Param::Text(&row.hash),
    ]
}

/// `a, b, c`
pub(crate) fn column_list(columns: &[&str]) -> String {
    columns.join(", ")
}
