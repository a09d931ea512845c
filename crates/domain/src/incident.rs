//! Alerts, incidents, their timelines and the notifications they cause.

use std::fmt;

use crate::{
    AlertId, ChannelId, IncidentId, Labels, ServiceId, Severity, SourceKind, TenantId, Timestamp,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertStatus {
    Firing,
    Acknowledged,
    Resolved,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Firing => "firing",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Firing, Self::Acknowledged, Self::Resolved].into_iter().find(|s| s.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentStatus {
    Triggered,
    Acknowledged,
    Resolved,
}

impl IncidentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Triggered => "triggered",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Triggered, Self::Acknowledged, Self::Resolved]
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    pub fn is_open(self) -> bool {
        self != Self::Resolved
    }
}

/// P1 is the most urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Priority(u8);

impl Priority {
    pub const P1: Self = Self(1);
    pub const P5: Self = Self(5);

    /// Clamped into P1..=P5.
    pub fn new(level: u8) -> Self {
        Self(level.clamp(1, 5))
    }

    pub fn level(self) -> u8 {
        self.0
    }

    pub fn parse(value: &str) -> Option<Self> {
        let level: u8 =
            value.strip_prefix('P').or_else(|| value.strip_prefix('p'))?.parse().ok()?;
        (1..=5).contains(&level).then_some(Self(level))
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.0)
    }
}

/// A deduplicated stream of events sharing one dedup key within a tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: AlertId,
    pub tenant: TenantId,
    pub service: ServiceId,
    pub incident_id: IncidentId,
    pub dedup_key: String,
    pub status: AlertStatus,
    pub severity: Severity,
    pub summary: String,
    pub source: Option<String>,
    pub labels: Labels,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub event_count: i64,
    /// The kind of event that attached it to an incident already open; `None`
    /// for the alert that opened its incident. With `resolved_by`, what its
    /// lines on the incident's timeline are read from
    /// ([`TimelineEntry::alert_attached`]); the summary it attached with,
    /// should a later event change it, goes beside the row (the engine's
    /// `Changes::attached_summaries`), not in it: active alerts are held in
    /// memory by the million.
    pub attached_by: Option<SourceKind>,
    /// The kind of event that resolved it; `None` while it fires, and when it
    /// was resolved with its incident by hand.
    pub resolved_by: Option<SourceKind>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: IncidentId,
    pub tenant: TenantId,
    pub service: ServiceId,
    /// Service plus the values of the grouping labels; unique among open incidents of a tenant.
    pub group_key: String,
    pub title: String,
    pub status: IncidentStatus,
    pub severity: Severity,
    pub priority: Priority,
    pub priority_reason: String,
    /// Alerts ever attached.
    pub alert_count: i64,
    /// Alerts attached and not resolved.
    pub active_alert_count: i64,
    pub event_count: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<Timestamp>,
    pub resolved_by: Option<String>,
    /// The opening notification has been queued (after the group wait).
    pub open_notified: bool,
    /// What triage decided beyond the lifecycle: tags, rule overrides, why
    /// nobody was paged. Stored with the incident as JSON.
    pub triage: Triage,
}

/// An incident's triage state: what rules added and why pages were held.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Triage {
    /// Tags added by incident rules.
    #[serde(skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub tags: std::collections::BTreeSet<String>,
    /// Channels incident rules added, notified with the service's own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelId>,
    /// Rules whose note is already on the timeline (a note is added once).
    #[serde(skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub noted_by: std::collections::BTreeSet<String>,
    /// The incident rule that set the priority; the matrix no longer does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority_rule: Option<String>,
    /// Why the opening page was not sent (silence, maintenance, inhibition,
    /// flapping); `None` once it was sent or when nothing held it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<String>,
    /// The alert flaps: state changes no longer page, and the incident stays
    /// open while the alert is quiet for less than the flapping window.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub flapping: bool,
    /// Where the incident's escalation policy has got to; `None` before the
    /// first page and for services without a policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Escalation>,
    /// SLA targets already missed (`acknowledge`, `resolve`), so a breach is
    /// reported once.
    #[serde(skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub sla_breached: std::collections::BTreeSet<String>,
    /// The first acknowledgement, kept when it expires: the acknowledgement
    /// target was met (or missed) then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_acknowledged_at: Option<Timestamp>,
}

/// An incident's progress through its escalation policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Escalation {
    pub policy: crate::EscalationPolicyId,
    /// When tier 0 was paged; later tiers are due from here.
    pub started_at: Timestamp,
    pub round: u32,
    pub tier: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimelineKind {
    Opened,
    AlertAttached,
    AlertResolved,
    AlertRetriggered,
    PriorityChanged,
    Acknowledged,
    Resolved,
    Note,
    NotificationQueued,
    NotificationSent,
    NotificationFailed,
    NotificationDeadLettered,
    /// A page was held back: silence, maintenance, inhibition, flapping.
    Held,
    /// An event or incident rule matched and changed something.
    RuleMatched,
    /// An alert started or stopped flapping.
    Flapping,
    /// The escalation policy paged a tier.
    Escalated,
    /// A time-to-acknowledge or time-to-resolve target was missed.
    SlaBreached,
    /// An acknowledgement expired and the incident was triggered again.
    AcknowledgementExpired,
}

impl TimelineKind {
    /// The kinds of line read from an alert's row ([`Alert::attached_by`],
    /// [`Alert::resolved_by`]) rather than stored as lines of their own.
    pub fn is_read_from_alert(self) -> bool {
        matches!(self, Self::AlertAttached | Self::AlertResolved)
    }

    pub const ALL: [Self; 18] = [
        Self::Opened,
        Self::AlertAttached,
        Self::AlertResolved,
        Self::AlertRetriggered,
        Self::PriorityChanged,
        Self::Acknowledged,
        Self::Resolved,
        Self::Note,
        Self::NotificationQueued,
        Self::NotificationSent,
        Self::NotificationFailed,
        Self::NotificationDeadLettered,
        Self::Held,
        Self::RuleMatched,
        Self::Flapping,
        Self::Escalated,
        Self::SlaBreached,
        Self::AcknowledgementExpired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opened => "opened",
            Self::AlertAttached => "alert_attached",
            Self::AlertResolved => "alert_resolved",
            Self::AlertRetriggered => "alert_retriggered",
            Self::PriorityChanged => "priority_changed",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
            Self::Note => "note",
            Self::NotificationQueued => "notification_queued",
            Self::NotificationSent => "notification_sent",
            Self::NotificationFailed => "notification_failed",
            Self::NotificationDeadLettered => "notification_dead_lettered",
            Self::Held => "held",
            Self::RuleMatched => "rule_matched",
            Self::Flapping => "flapping",
            Self::Escalated => "escalated",
            Self::SlaBreached => "sla_breached",
            Self::AcknowledgementExpired => "acknowledgement_expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// One line of an incident's history, with what caused it.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub incident_id: IncidentId,
    pub tenant: TenantId,
    pub at: Timestamp,
    pub kind: TimelineKind,
    pub message: String,
    /// Who or what caused it: `user:admin`, `event:pagerduty`, `engine`, `channel:noc-webhook`.
    pub actor: String,
}

impl TimelineEntry {
    /// "alert 7 attached: disk full" at `at`, by an event of kind `by`.
    pub fn alert_attached(
        incident: (IncidentId, &TenantId),
        at: Timestamp,
        alert: AlertId,
        summary: &str,
        by: SourceKind,
    ) -> Self {
        Self::of_alert(incident, at, TimelineKind::AlertAttached, alert, "attached", summary, by)
    }

    /// "alert 7 resolved: disk full" at `at`, by an event of kind `by`.
    pub fn alert_resolved(
        incident: (IncidentId, &TenantId),
        at: Timestamp,
        alert: AlertId,
        summary: &str,
        by: SourceKind,
    ) -> Self {
        Self::of_alert(incident, at, TimelineKind::AlertResolved, alert, "resolved", summary, by)
    }

    fn of_alert(
        (incident_id, tenant): (IncidentId, &TenantId),
        at: Timestamp,
        kind: TimelineKind,
        alert: AlertId,
        what: &str,
        summary: &str,
        by: SourceKind,
    ) -> Self {
        Self {
            incident_id,
            tenant: tenant.clone(),
            at,
            kind,
            message: format!("alert {alert} {what}: {summary}"),
            actor: by.actor().to_owned(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotifyReason {
    Opened,
    Acknowledged,
    Resolved,
    /// An alert of the incident started flapping: one page instead of one per change.
    Flapping,
    /// Nobody acknowledged in time: the next tier of the escalation policy is paged.
    Escalated,
    /// A time-to-acknowledge or time-to-resolve target was missed.
    SlaBreached,
    /// An acknowledgement expired: the incident is triggered again and pages anew.
    Retriggered,
    /// The incident became more urgent after its opening page.
    PriorityRaised,
}

impl NotifyReason {
    pub const ALL: [Self; 8] = [
        Self::Opened,
        Self::Acknowledged,
        Self::Resolved,
        Self::Flapping,
        Self::Escalated,
        Self::SlaBreached,
        Self::Retriggered,
        Self::PriorityRaised,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opened => "opened",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
            Self::Flapping => "flapping",
            Self::Escalated => "escalated",
            Self::SlaBreached => "sla_breached",
            Self::Retriggered => "retriggered",
            Self::PriorityRaised => "priority_raised",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// Who a notification pages on behalf of an escalation policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub policy: crate::EscalationPolicyId,
    /// The tier's index in the policy (0 is the first).
    pub tier: usize,
    /// 0 for the first pass through the tiers.
    pub round: u32,
    /// The person paged; `None` when the tier names a channel.
    pub user: Option<crate::UserId>,
    /// How the user was chosen: `on call in noc-primary`, `named in the tier`.
    pub via: String,
}

/// A notification the engine wants sent; the store puts it in the outbox in
/// the same transaction as the state change that caused it.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub tenant: TenantId,
    pub incident_id: IncidentId,
    pub channel: ChannelId,
    pub reason: NotifyReason,
    pub at: Timestamp,
    /// Set when an escalation policy pages someone through this channel.
    pub page: Option<Page>,
}
