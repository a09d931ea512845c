//! Builders for the rows the conformance suite writes, and raw SQL for what the API does not expose.

use domain::{
    Alert, AlertId, AlertStatus, ChannelId, Incident, IncidentId, IncidentStatus, Labels,
    Notification, NotifyReason, Priority, ServiceId, Severity, TenantId, TimelineEntry,
    TimelineKind, Timestamp,
};
use watchfloor_store::{
    AuditEntry, CommitBatch, Counts, EventRecord, OutboxRecord, PayloadRecord, Store, StoredBody,
};

/// Millisecond precision, which the store keeps exactly.
pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_millisecond(1_770_000_000_000 + seconds * 1000 + 123).expect("in range")
}

pub fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("valid tenant")
}

pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// An open incident with every optional field empty.
pub fn incident(id: i64, tenant_id: &str, group_key: &str) -> Incident {
    Incident {
        id: IncidentId(id),
        tenant: tenant(tenant_id),
        service: ServiceId::parse("checkout").expect("valid service"),
        group_key: group_key.to_owned(),
        title: format!("incident {id}"),
        status: IncidentStatus::Triggered,
        severity: Severity::Error,
        priority: Priority::new(3),
        priority_reason: "default".to_owned(),
        alert_count: 1,
        active_alert_count: 1,
        event_count: 1,
        created_at: at(id),
        updated_at: at(id),
        acknowledged_at: None,
        acknowledged_by: None,
        resolved_at: None,
        resolved_by: None,
        open_notified: false,
        triage: Default::default(),
    }
}

pub fn resolved(mut incident: Incident, seconds: i64) -> Incident {
    incident.status = IncidentStatus::Resolved;
    incident.resolved_at = Some(at(seconds));
    incident.resolved_by = Some("user:admin".to_owned());
    incident.active_alert_count = 0;
    incident.updated_at = at(seconds);
    incident
}

pub fn alert(id: i64, incident: &Incident, dedup_key: &str) -> Alert {
    Alert {
        id: AlertId(id),
        tenant: incident.tenant.clone(),
        service: incident.service.clone(),
        incident_id: incident.id,
        dedup_key: dedup_key.to_owned(),
        status: AlertStatus::Firing,
        severity: Severity::Warning,
        summary: format!("alert {id}"),
        source: None,
        labels: Labels::new(),
        first_seen: at(id),
        last_seen: at(id),
        resolved_at: None,
        event_count: 1,
        attached_by: None,
        resolved_by: None,
    }
}

pub fn timeline(
    incident: &Incident,
    seconds: i64,
    kind: TimelineKind,
    message: &str,
) -> TimelineEntry {
    TimelineEntry {
        incident_id: incident.id,
        tenant: incident.tenant.clone(),
        at: at(seconds),
        kind,
        message: message.to_owned(),
        actor: "engine".to_owned(),
    }
}

pub fn outbox(incident: &Incident, channel: &str, due_seconds: i64) -> OutboxRecord {
    OutboxRecord {
        notification: Notification {
            tenant: incident.tenant.clone(),
            incident_id: incident.id,
            channel: ChannelId::parse(channel).expect("valid channel"),
            reason: NotifyReason::Opened,
            at: at(due_seconds),
            page: None,
        },
        channel_kind: "webhook".to_owned(),
        body: format!(r#"{{"incident":{},"channel":"{channel}"}}"#, incident.id),
    }
}

pub fn event(alert_id: Option<i64>, dedup_key: &str) -> EventRecord {
    EventRecord {
        alert_id: alert_id.map(AlertId),
        dedup_key: dedup_key.to_owned(),
        action: "trigger".to_owned(),
        severity: Severity::Critical,
        summary: format!("event for {dedup_key}"),
        source: Some("db-1".to_owned()),
        occurred_at: Some(at(1)),
        labels: labels(&[("alertname", "HighCPU")]),
        annotations: labels(&[("runbook", "https://example.test/rb")]),
        details: serde_json::json!({"value": 97.5, "tags": ["a", "b"]}),
    }
}

pub fn payload(tenant_id: &str, body: &str, events: Vec<EventRecord>) -> PayloadRecord {
    PayloadRecord {
        tenant: tenant(tenant_id),
        integration_service: ServiceId::parse("checkout").expect("valid service"),
        source_kind: "generic".to_owned(),
        received_at: at(0),
        body: StoredBody::Text(body.to_owned()),
        events,
    }
}

pub fn audit(actor: &str, action: &str, tenant_id: Option<&str>) -> AuditEntry {
    AuditEntry {
        at: at(5),
        actor: actor.to_owned(),
        action: action.to_owned(),
        tenant: tenant_id.map(tenant),
        target: "incident:1".to_owned(),
        detail: serde_json::json!({"text": "ünïcödé ✓", "n": 1}),
    }
}

/// A batch that only opens `incidents`.
pub fn opening(incidents: Vec<Incident>) -> CommitBatch {
    CommitBatch { incidents, ..CommitBatch::default() }
}

pub async fn counts(store: &Store) -> Counts {
    store.counts().await.expect("counting rows")
}

/// Runs raw SQL the API does not offer; returns the affected row count.
pub async fn execute(store: &Store, sql: &str) -> Result<u64, sqlx::Error> {
    match store {
        Store::Sqlite(store) => {
            sqlx::query(sql).execute(store.pool()).await.map(|r| r.rows_affected())
        }
        Store::Postgres(store) => {
            sqlx::query(sql).execute(store.pool()).await.map(|r| r.rows_affected())
        }
    }
}

/// The first column of every row, which must be text.
pub async fn texts(store: &Store, sql: &str) -> Vec<String> {
    use sqlx::Row as _;
    match store {
        Store::Sqlite(store) => sqlx::query(sql)
            .fetch_all(store.pool())
            .await
            .expect("query")
            .iter()
            .map(|row| row.get::<String, _>(0))
            .collect(),
        Store::Postgres(store) => sqlx::query(sql)
            .fetch_all(store.pool())
            .await
            .expect("query")
            .iter()
            .map(|row| row.get::<String, _>(0))
            .collect(),
    }
}
