//! Watchfloor's vocabulary: the types every other crate speaks. No IO, no async, no clock.

pub mod config;
pub mod event;
pub mod ids;
pub mod incident;
pub mod labels;
pub mod oncall;
pub mod rules;
pub mod severity;
pub mod suppression;

pub use config::{
    BusinessHours, Channel, ChannelKind, Config, Criticality, DeliverySettings, Environment,
    Grouping, Integration, IntegrationKind, PriorityMatrix, Service, SlaTarget, Tenant, Tier,
    UsersAffected,
};
pub use event::{Event, EventAction, EventLimits, InsufficientData, Labels, Link, SourceKind};
pub use ids::{
    AlertId, ChannelId, EscalationPolicyId, IdError, IncidentId, IntegrationKey, ScheduleId,
    ServiceId, SilenceId, TenantId, UserId,
};
pub use incident::{
    Alert, AlertStatus, Escalation, Incident, IncidentStatus, Notification, NotifyReason, Page,
    Priority, TimelineEntry, TimelineKind, Triage,
};
pub use labels::LabelSet;
pub use severity::Severity;

/// Instants are UTC timestamps; the engine receives them, it never reads a clock.
pub type Timestamp = jiff::Timestamp;
