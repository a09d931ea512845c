//! The validated configuration model. Parsing YAML and reporting errors with
//! file and line is the `config` crate's job; this is what it produces.

use std::fmt;
use std::time::Duration;

use crate::{ChannelId, IntegrationKey, ServiceId, TenantId};

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
        }
        grouping
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
}

impl Default for Grouping {
    fn default() -> Self {
        Self { group_by: Vec::new(), group_wait: Duration::from_secs(10), auto_resolve: true }
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
