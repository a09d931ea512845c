//! The validated configuration model. Parsing YAML and reporting errors with
//! file and line is the `config` crate's job; this is what it produces.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::oncall::{EscalationPolicy, Schedule, User};
use crate::{
    ChannelId, EscalationPolicyId, IntegrationKey, ScheduleId, ServiceId, Severity, TenantId,
    UserId,
};

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $word),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == value)
            }

            /// The accepted words, for error messages.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// A tenant's contract level: drives priority and SLA. Highest first.
    Tier { Platinum = "platinum", Gold = "gold", Silver = "silver", Bronze = "bronze" }
);
word_enum!(
    /// How much the business depends on a service. Highest first.
    Criticality { Critical = "critical", High = "high", Medium = "medium", Low = "low" }
);
word_enum!(
    /// Where a service runs. Production outranks the rest.
    Environment { Production = "production", Stage = "stage", Devtest = "devtest", Dr = "dr" }
);
word_enum!(
    /// Which wire formats an integration key is accepted on.
    IntegrationKind {
        /// `POST /v2/enqueue`
        PagerDuty = "pagerduty",
        /// `POST /hooks/alertmanager/{key}` and `POST /api/v2/alerts`
        Alertmanager = "alertmanager",
        /// `POST /hooks/generic/{key}`
        Generic = "generic",
        /// `POST /hooks/sns/{key}`
        Sns = "sns",
        /// `POST /hooks/eventbridge/{key}`
        EventBridge = "eventbridge",
        /// `POST /hooks/azure/{key}`
        Azure = "azure",
        /// `POST /hooks/grafana/{key}`
        Grafana = "grafana",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub tenants: Vec<Tenant>,
    pub services: Vec<Service>,
    pub integrations: Vec<Integration>,
    pub channels: Vec<Channel>,
    pub grouping: Grouping,
    pub delivery: DeliverySettings,
    /// Base URL used in links sent out (Slack messages, webhook bodies).
    pub public_url: String,
    /// People who can be put on call.
    pub users: Vec<User>,
    pub schedules: Vec<Schedule>,
    pub escalation_policies: Vec<EscalationPolicy>,
    /// How business impact becomes a priority.
    pub priority: PriorityMatrix,
    /// CEL rules over events (before dedup) and incidents (on every change).
    pub rules: crate::rules::RuleSet,
    /// Recurring windows in which a tenant's (or some services') alerts do not page.
    pub maintenance: Vec<crate::suppression::MaintenanceWindow>,
    /// Alerts that, while firing, keep others from paging.
    pub inhibit: Vec<crate::suppression::InhibitRule>,
    /// Time-to-acknowledge and time-to-resolve targets by tenant tier and priority.
    pub sla: Vec<SlaTarget>,
    /// The escalation policy of every service of a tenant of a tier, over the
    /// service's and the tenant's own.
    pub escalation_by_tier: std::collections::BTreeMap<Tier, EscalationPolicyId>,
}

/// What a tenant tier is promised for incidents of one priority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaTarget {
    pub tier: Tier,
    pub priority: crate::Priority,
    /// Acknowledged within this long of opening.
    pub acknowledge: Option<Duration>,
    /// Resolved within this long of opening.
    pub resolve: Option<Duration>,
}

/// When a tenant's people work: windows repeating weekly in a time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    /// IANA name; the windows are in its local time.
    pub time_zone: String,
    pub windows: Vec<crate::oncall::Restriction>,
}

impl Config {
    pub fn tenant(&self, id: &TenantId) -> Option<&Tenant> {
        self.tenants.iter().find(|t| &t.id == id)
    }

    pub fn service(&self, id: &ServiceId) -> Option<&Service> {
        self.services.iter().find(|s| &s.id == id)
    }

    pub fn channel(&self, id: &ChannelId) -> Option<&Channel> {
        self.channels.iter().find(|c| &c.id == id)
    }

    pub fn user(&self, id: &UserId) -> Option<&User> {
        self.users.iter().find(|u| &u.id == id)
    }

    pub fn schedule(&self, id: &ScheduleId) -> Option<&Schedule> {
        self.schedules.iter().find(|s| &s.id == id)
    }

    pub fn escalation_policy(&self, id: &EscalationPolicyId) -> Option<&EscalationPolicy> {
        self.escalation_policies.iter().find(|p| &p.id == id)
    }

    /// The escalation policy for a service's incidents: the one set for its
    /// tenant's tier in `escalation_by_tier`, else the service's own, else its
    /// tenant's default; `None` when none names one.
    pub fn escalation_policy_for(&self, service: &ServiceId) -> Option<&EscalationPolicy> {
        let service = self.service(service)?;
        let tenant = self.tenant(&service.tenant);
        let by_tier = tenant.and_then(|t| self.escalation_by_tier.get(&t.tier));
        let id = by_tier
            .or(service.escalation_policy.as_ref())
            .or_else(|| tenant?.escalation_policy.as_ref())?;
        self.escalation_policy(id)
    }

    /// The integration a presented key names, if any.
    pub fn integration_by_key(&self, presented: &str) -> Option<&Integration> {
        self.integrations.iter().find(|i| i.key.expose() == presented)
    }

    /// Grouping for a service: its own settings over the global ones.
    pub fn grouping_for(&self, service: &ServiceId) -> Grouping {
        let mut grouping = self.grouping.clone();
        if let Some(service) = self.service(service) {
            if let Some(group_by) = &service.group_by {
                grouping.group_by = group_by.clone();
            }
            if let Some(group_wait) = service.group_wait {
                grouping.group_wait = group_wait;
            }
            if let Some(auto_resolve) = service.auto_resolve {
                grouping.auto_resolve = auto_resolve;
            }
            if let Some(timeout) = service.acknowledge_timeout {
                grouping.acknowledge_timeout = Some(timeout);
            }
            if let Some(priority) = service.off_hours_paging {
                grouping.off_hours_paging = priority;
            }
        }
        grouping
    }

    /// The SLA targets of a tenant tier for a priority, if any are set.
    pub fn sla_for(&self, tier: Tier, priority: crate::Priority) -> Option<&SlaTarget> {
        self.sla.iter().find(|t| t.tier == tier && t.priority == priority)
    }

    /// Channels notified about a service's incidents: the service's, then its tenant's.
    pub fn channels_for(&self, tenant: &TenantId, service: &ServiceId) -> Vec<ChannelId> {
        let mut out: Vec<ChannelId> = Vec::new();
        let service_channels = self.service(service).map(|s| s.notify.as_slice()).unwrap_or(&[]);
        let tenant_channels = self.tenant(tenant).map(|t| t.notify.as_slice()).unwrap_or(&[]);
        for id in service_channels.iter().chain(tenant_channels) {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub tier: Tier,
    pub notify: Vec<ChannelId>,
    /// The default for services that do not name their own.
    pub escalation_policy: Option<EscalationPolicyId>,
    /// `None`: always business hours.
    pub business_hours: Option<BusinessHours>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: ServiceId,
    pub tenant: TenantId,
    pub name: String,
    pub criticality: Criticality,
    pub environment: Environment,
    pub notify: Vec<ChannelId>,
    pub group_by: Option<Vec<String>>,
    pub group_wait: Option<Duration>,
    pub auto_resolve: Option<bool>,
    /// Overrides the tenant's default.
    pub escalation_policy: Option<EscalationPolicyId>,
    pub acknowledge_timeout: Option<Duration>,
    pub off_hours_paging: Option<crate::Priority>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Integration {
    pub key: IntegrationKey,
    pub tenant: TenantId,
    pub service: ServiceId,
    pub kind: IntegrationKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: ChannelId,
    pub kind: ChannelKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChannelKind {
    /// POSTs the incident as JSON with an `Idempotency-Key` header.
    Webhook { url: String, headers: Vec<(String, String)> },
    /// A Slack incoming webhook; the message is Block Kit.
    Slack { url: String },
}

impl ChannelKind {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Webhook { .. } => "webhook",
            Self::Slack { .. } => "slack",
        }
    }
}

/// How alerts are grouped into incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    /// Label names whose values, with the service, form the group key.
    /// Empty: one open incident per service.
    pub group_by: Vec<String>,
    /// How long a new incident gathers alerts before its first notification.
    pub group_wait: Duration,
    /// Resolve an incident when all its alerts have resolved.
    pub auto_resolve: bool,
    /// When an alert counts as flapping.
    pub flapping: crate::suppression::Flapping,
    /// How long an acknowledgement holds before the incident is triggered
    /// again and pages anew; `None`: for good.
    pub acknowledge_timeout: Option<Duration>,
    /// Outside the tenant's business hours an incident pages only at this
    /// priority or a more urgent one; the others wait for business hours.
    pub off_hours_paging: crate::Priority,
}

impl Default for Grouping {
    fn default() -> Self {
        Self {
            group_by: Vec::new(),
            group_wait: Duration::from_secs(10),
            auto_resolve: true,
            flapping: crate::suppression::Flapping::default(),
            acknowledge_timeout: None,
            off_hours_paging: crate::Priority::P5,
        }
    }
}

/// Retries of notification delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliverySettings {
    /// Attempts before a delivery is dead-lettered (including the first).
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    pub timeout: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
            timeout: Duration::from_secs(10),
        }
    }
}

/// How business impact becomes a priority: severity sets a baseline level
/// (1 = P1), each other dimension adds steps toward P5 (capped there), and
/// many affected users raise it back toward P1.
///
/// The maps hold every word of their enum; a missing one counts as its
/// default, so a partial map from elsewhere still gives today's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityMatrix {
    /// Baseline level, `1..=5`, for each severity.
    pub severity: BTreeMap<Severity, u8>,
    /// Steps, `0..=4`, added for each environment.
    pub environment: BTreeMap<Environment, u8>,
    /// Steps, `0..=4`, added for each service criticality.
    pub criticality: BTreeMap<Criticality, u8>,
    /// Steps, `0..=4`, added for each tenant tier.
    pub tier: BTreeMap<Tier, u8>,
    /// Raises by the number of users affected (the alert label
    /// `users_affected`). The rule with the highest `at_least` that the count
    /// reaches applies; none applies without the label.
    pub users_affected: Vec<UsersAffected>,
}

/// `raise` steps toward P1 once at least `at_least` users are affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsersAffected {
    pub at_least: u64,
    pub raise: u8,
}

impl PriorityMatrix {
    /// The highest level, P5.
    pub const MAX_LEVEL: u8 = 5;
    /// The most steps one dimension may add or one rule may raise.
    pub const MAX_STEPS: u8 = 4;

    /// The built-in baseline: critical P1, error P2, warning P3, info P4.
    pub fn default_baseline(severity: Severity) -> u8 {
        match severity {
            Severity::Critical => 1,
            Severity::Error => 2,
            Severity::Warning => 3,
            Severity::Info => 4,
        }
    }

    /// Built-in steps: production 0, DR 1, stage and devtest 2.
    pub fn default_environment_steps(environment: Environment) -> u8 {
        match environment {
            Environment::Production => 0,
            Environment::Dr => 1,
            Environment::Stage | Environment::Devtest => 2,
        }
    }

    /// Built-in steps: critical and high 0, medium 1, low 2.
    pub fn default_criticality_steps(criticality: Criticality) -> u8 {
        match criticality {
            Criticality::Critical | Criticality::High => 0,
            Criticality::Medium => 1,
            Criticality::Low => 2,
        }
    }

    /// Built-in steps: platinum and gold 0, silver and bronze 1.
    pub fn default_tier_steps(tier: Tier) -> u8 {
        match tier {
            Tier::Platinum | Tier::Gold => 0,
            Tier::Silver | Tier::Bronze => 1,
        }
    }

    pub fn baseline(&self, severity: Severity) -> u8 {
        self.severity.get(&severity).copied().unwrap_or_else(|| Self::default_baseline(severity))
    }

    pub fn environment_steps(&self, environment: Environment) -> u8 {
        self.environment
            .get(&environment)
            .copied()
            .unwrap_or_else(|| Self::default_environment_steps(environment))
    }

    pub fn criticality_steps(&self, criticality: Criticality) -> u8 {
        self.criticality
            .get(&criticality)
            .copied()
            .unwrap_or_else(|| Self::default_criticality_steps(criticality))
    }

    pub fn tier_steps(&self, tier: Tier) -> u8 {
        self.tier.get(&tier).copied().unwrap_or_else(|| Self::default_tier_steps(tier))
    }

    /// Steps toward P1 for this many affected users: the rule with the
    /// highest threshold reached, or 0.
    pub fn users_affected_raise(&self, users: u64) -> u8 {
        self.users_affected
            .iter()
            .filter(|rule| users >= rule.at_least)
            .max_by_key(|rule| rule.at_least)
            .map_or(0, |rule| rule.raise)
    }
}

impl Default for PriorityMatrix {
    /// Today's fixed matrix, with no users-affected rules.
    fn default() -> Self {
        Self {
            severity: Severity::ALL.iter().map(|&s| (s, Self::default_baseline(s))).collect(),
            environment: Environment::ALL
                .iter()
                .map(|&e| (e, Self::default_environment_steps(e)))
                .collect(),
            criticality: Criticality::ALL
                .iter()
                .map(|&c| (c, Self::default_criticality_steps(c)))
                .collect(),
            tier: Tier::ALL.iter().map(|&t| (t, Self::default_tier_steps(t))).collect(),
            users_affected: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_matrix_is_total() {
        let matrix = PriorityMatrix::default();
        assert_eq!(matrix.severity.len(), Severity::ALL.len());
        assert_eq!(matrix.environment.len(), Environment::ALL.len());
        assert_eq!(matrix.criticality.len(), Criticality::ALL.len());
        assert_eq!(matrix.tier.len(), Tier::ALL.len());
        assert_eq!(matrix.baseline(Severity::Warning), 3);
        let partial = PriorityMatrix { severity: BTreeMap::new(), ..matrix };
        assert_eq!(partial.baseline(Severity::Error), 2, "a missing word counts as its default");
    }

    #[test]
    fn the_highest_threshold_reached_applies() {
        let matrix = PriorityMatrix {
            users_affected: vec![
                UsersAffected { at_least: 100, raise: 1 },
                UsersAffected { at_least: 1000, raise: 2 },
            ],
            ..PriorityMatrix::default()
        };
        assert_eq!(matrix.users_affected_raise(99), 0);
        assert_eq!(matrix.users_affected_raise(100), 1);
        assert_eq!(matrix.users_affected_raise(999), 1);
        assert_eq!(matrix.users_affected_raise(2400), 2);
        assert_eq!(PriorityMatrix::default().users_affected_raise(1_000_000), 0);
    }
}
