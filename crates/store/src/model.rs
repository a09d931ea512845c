//! What the store reads and writes, beyond the domain types it stores as they are.

use domain::{
    Alert, AlertId, ChannelId, Incident, IncidentId, IncidentStatus, Labels, Notification,
    NotifyReason, ServiceId, Severity, TenantId, TimelineEntry, Timestamp,
};

/// What the engine needs after a restart, but the active alerts: those are
/// read a page at a time ([`crate::Store::unresolved_alerts`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadedState {
    /// Incidents whose status is not resolved, by id.
    pub incidents: Vec<Incident>,
    /// The largest alert id ever stored (resolved ones included), 0 if none.
    pub max_alert_id: i64,
    /// The largest incident id ever stored (resolved ones included), 0 if none.
    pub max_incident_id: i64,
    /// Silences not expired by hand (some may have run out).
    pub silences: Vec<domain::suppression::Silence>,
    pub max_silence_id: i64,
}

/// Everything one turn of the engine loop writes; [`crate::Store::commit`]
/// writes it in one transaction or not at all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommitBatch {
    /// Raw request bodies with their normalised events.
    pub payloads: Vec<PayloadRecord>,
    /// Upserted by id as full rows. If one id appears twice the last one wins.
    pub alerts: Vec<Alert>,
    /// The summary an alert of `alerts` attached with, once a later event
    /// changed it: what its "attached" line tells. The first given for an
    /// alert stays.
    pub attached_summaries: std::collections::HashMap<domain::AlertId, String>,
    /// Upserted by id as full rows. If one id appears twice the last one wins.
    pub incidents: Vec<Incident>,
    /// Appended. Not an alert's "attached" or "resolved" line
    /// ([`domain::TimelineKind::is_read_from_alert`]): those are read from
    /// the alert's row, so given here they would show twice.
    pub timeline: Vec<TimelineEntry>,
    /// Appended as pending deliveries due at `notification.at`.
    pub outbox: Vec<OutboxRecord>,
    /// Appended to the hash chain, in order.
    pub audit: Vec<AuditEntry>,
    /// Upserted by id as full rows.
    pub silences: Vec<domain::suppression::Silence>,
    /// Imported events the engine has now handled: their mark is cleared and
    /// their alert recorded. Each must still be marked, or the commit fails.
    pub handled_imports: Vec<HandledImport>,
    /// Outcomes of delivery attempts, as [`crate::Store::record_delivery`]
    /// writes them, except that one whose delivery is no longer pending (or
    /// not of its timeline entry's incident) is skipped, entry and all,
    /// rather than failing the batch.
    pub deliveries: Vec<DeliveryRecord>,
}

/// One delivery attempt's outcome and the timeline entry that tells of it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub outcome: DeliveryOutcome,
    pub timeline: TimelineEntry,
}

impl CommitBatch {
    pub fn is_empty(&self) -> bool {
        self.payloads.is_empty()
            && self.alerts.is_empty()
            && self.incidents.is_empty()
            && self.timeline.is_empty()
            && self.outbox.is_empty()
            && self.audit.is_empty()
            && self.silences.is_empty()
            && self.handled_imports.is_empty()
            && self.deliveries.is_empty()
    }
}

/// One request body as received, with what the adapter made of it.
#[derive(Debug, Clone, PartialEq)]
pub struct PayloadRecord {
    pub tenant: TenantId,
    pub integration_service: ServiceId,
    pub source_kind: String,
    pub received_at: Timestamp,
    /// Raw JSON as received, compressed where [`crate::Store::compresses_bodies`].
    pub body: crate::StoredBody,
    pub events: Vec<EventRecord>,
}

/// One imported file (`watchfloor import`): its text and its records as
/// events, each with its source's own id. [`crate::Store::import`] writes
/// only the events whose id the tenant does not have yet, and audits the
/// import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportBatch {
    pub tenant: TenantId,
    pub integration_service: ServiceId,
    /// `cloudtrail`.
    pub source_kind: String,
    pub received_at: Timestamp,
    /// The file's text as read (decompressed).
    pub body: String,
    pub events: Vec<ImportedEvent>,
    /// Who imported, for the audit log (`cli:<user>`).
    pub actor: String,
    /// Where the text came from (the file's path), for the audit log.
    pub origin: String,
}

/// One imported record: the event it maps to and the id its source gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedEvent {
    /// Unique per tenant, e.g. `cloudtrail:<eventID>`; never empty.
    pub external_id: String,
    /// Imported events belong to no alert: `alert_id` is `None`.
    pub event: EventRecord,
    /// Marked for the engine: the server handles it like a live event.
    pub for_engine: bool,
}

/// What [`crate::Store::import`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Events written (ids the tenant did not have).
    pub imported: u64,
    /// Of those, the ones marked for the engine.
    pub for_engine: u64,
}

/// An imported event marked for the engine, as [`crate::Store::engine_pending`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingImport {
    /// The event's row.
    pub event_id: i64,
    pub tenant: TenantId,
    /// The service its file was imported under.
    pub service: ServiceId,
    /// The file's source kind (`cloudtrail`).
    pub source_kind: String,
    pub imported_at: Timestamp,
    /// The record as the source wrote it: parsing it again gives the event.
    pub details: serde_json::Value,
}

/// An imported event the engine has handled, and the alert it went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandledImport {
    pub event_id: i64,
    pub alert_id: Option<AlertId>,
}

/// One normalised event and the alert it was applied to, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub alert_id: Option<AlertId>,
    pub dedup_key: String,
    pub action: String,
    pub severity: Severity,
    pub summary: String,
    pub source: Option<String>,
    pub occurred_at: Option<Timestamp>,
    pub labels: Labels,
    pub annotations: Labels,
    pub details: serde_json::Value,
}

impl EventRecord {
    /// The row of a normalised event, belonging to `alert_id` if any.
    pub fn new(event: domain::Event, alert_id: Option<AlertId>) -> Self {
        Self {
            alert_id,
            dedup_key: event.dedup_key,
            action: event.action.as_str().to_owned(),
            severity: event.severity,
            summary: event.summary,
            source: event.source,
            occurred_at: event.occurred_at,
            labels: event.labels,
            annotations: event.annotations,
            details: event.details,
        }
    }
}

/// A notification to deliver, rendered once so every retry sends the same body.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRecord {
    pub notification: Notification,
    pub channel_kind: String,
    /// Rendered JSON to POST.
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    Pending,
    Sent,
    DeadLettered,
}

impl DeliveryStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Sent, Self::DeadLettered];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::DeadLettered => "dead_lettered",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub id: i64,
    pub tenant: TenantId,
    pub incident_id: IncidentId,
    pub channel: ChannelId,
    pub channel_kind: String,
    pub reason: NotifyReason,
    pub body: String,
    /// Stable across retries and restarts: `watchfloor-notification-{id}`.
    pub idempotency_key: String,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Timestamp,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The result of one delivery attempt; each one counts as an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryOutcome {
    Sent {
        at: Timestamp,
    },
    /// Stays pending and comes due again at `retry_at`.
    Failed {
        at: Timestamp,
        error: String,
        retry_at: Timestamp,
    },
    DeadLettered {
        at: Timestamp,
        error: String,
    },
}

/// Which incidents [`crate::Store::list_incidents`] returns, newest updated first.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFilter {
    /// Empty means any status.
    pub statuses: Vec<IncidentStatus>,
    pub tenant: Option<TenantId>,
    pub limit: i64,
}

/// Row counts, for operators and for tests that check a refused write changed nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub payloads: i64,
    pub events: i64,
    pub alerts: i64,
    pub incidents: i64,
    pub open_incidents: i64,
    pub timeline: i64,
    pub outbox: i64,
    pub audit: i64,
}

/// One audited action, as the caller describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub tenant: Option<TenantId>,
    pub target: String,
    pub detail: serde_json::Value,
}

/// An audit entry as stored, with its place in the hash chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub seq: i64,
    pub entry: AuditEntry,
    pub prev_hash: String,
    /// `sha256(prev_hash ‖ canonical fields)`, hex, as `codec::audit_hash`
    /// in this crate computes it.
    pub hash: String,
}

/// A raw request body as stored, for export and replay.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPayload {
    pub id: i64,
    pub tenant: TenantId,
    pub integration_service: ServiceId,
    pub source_kind: String,
    pub received_at: Timestamp,
    pub body: String,
}
