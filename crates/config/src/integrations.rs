//! Per-integration settings that `domain::Config` does not carry: SNS signature verification, subscriptions and raw delivery, and the EventBridge key header.
//!
//! They are written under the integration they belong to:
//!
//! ```yaml
//! integrations:
//!   - {key: acme-sns-key-01, tenant: acme, service: web, kind: sns,
//!      sns: {pinned_certificates: [certs/sns.pem], confirm_hosts: ["127.0.0.1:9000"]}}
//!   - {key: acme-eb-key-001, tenant: acme, service: web, kind: eventbridge,
//!      eventbridge: {key_header: x-api-key}}
//! ```
//!
//! [`crate::load_all`] returns them beside the configuration, one
//! [`IntegrationOptions`] per integration, in the order of
//! `domain::Config::integrations`.

use std::path::PathBuf;
use std::time::Duration;

pub use domain::InsufficientData;
use domain::Severity;

/// The header an EventBridge API destination may carry the integration key in,
/// unless the integration names another (`eventbridge.key_header`).
pub const DEFAULT_KEY_HEADER: &str = "x-watchfloor-key";
/// `sns.max_message_age` when not set: SNS retries a delivery with its
/// original `Timestamp` for up to an hour under the longest delivery policies.
pub const DEFAULT_SNS_MAX_MESSAGE_AGE: Duration = Duration::from_secs(3600);

/// The settings of every integration, in the order of `domain::Config::integrations`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntegrationSettings {
    integrations: Vec<IntegrationOptions>,
}

impl IntegrationSettings {
    pub fn new(integrations: Vec<IntegrationOptions>) -> Self {
        Self { integrations }
    }

    /// The settings of the integration at `index` in `domain::Config::integrations`;
    /// `None` past the end (then the defaults apply).
    pub fn get(&self, index: usize) -> Option<&IntegrationOptions> {
        self.integrations.get(index)
    }

    /// The EventBridge key header of the integration at `index` (lower case).
    pub fn key_header(&self, index: usize) -> &str {
        self.get(index)
            .map_or(DEFAULT_KEY_HEADER, |options| options.eventbridge.key_header.as_str())
    }
}

/// What one integration says beyond key, tenant, service and kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntegrationOptions {
    /// `sns:`; only integrations of kind `sns` may have it.
    pub sns: SnsSettings,
    /// `eventbridge:`; only integrations of kind `eventbridge` may have it.
    pub eventbridge: EventBridgeSettings,
}

/// `integrations[].sns`: how `POST /hooks/sns/{key}` treats what arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct SnsSettings {
    /// `verify_signatures` (default `true`). `false` accepts unsigned and
    /// forged messages; the server warns about it at start-up.
    pub verify_signatures: bool,
    /// `pinned_certificates`: PEM files of the signing certificates to trust
    /// (relative paths are relative to the configuration file). When set, no
    /// certificate is ever fetched; otherwise the one `SigningCertURL` names
    /// is fetched over HTTPS from an SNS host and cached.
    pub pinned_certificates: Vec<PathBuf>,
    /// `confirm_hosts`: hosts (`host` or `host:port`, lower case) whose
    /// `SubscribeURL` may be fetched to confirm a subscription, besides Amazon
    /// SNS endpoints; for tests and SNS-compatible services.
    pub confirm_hosts: Vec<String>,
    /// `raw_delivery` (default `false`): accept raw message delivery (no
    /// envelope, so nothing to verify).
    pub raw_delivery: bool,
    /// `max_message_age` (default 1h): a message whose `Timestamp` is older
    /// is refused as stale (possibly replayed).
    pub max_message_age: Duration,
    /// `alarm_severity` (default `error`): the severity of a CloudWatch alarm in `ALARM`.
    pub alarm_severity: Severity,
    /// `insufficient_data` (default `warning`): what a CloudWatch alarm in
    /// `INSUFFICIENT_DATA` does.
    pub insufficient_data: InsufficientData,
}

impl Default for SnsSettings {
    fn default() -> Self {
        Self {
            verify_signatures: true,
            pinned_certificates: Vec::new(),
            confirm_hosts: Vec::new(),
            raw_delivery: false,
            max_message_age: DEFAULT_SNS_MAX_MESSAGE_AGE,
            alarm_severity: Severity::Error,
            insufficient_data: InsufficientData::Trigger(Severity::Warning),
        }
    }
}

/// `integrations[].eventbridge`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventBridgeSettings {
    /// `key_header` (default `x-watchfloor-key`, stored in lower case): the
    /// request header that may carry the integration key on
    /// `POST /hooks/eventbridge`, as an API destination's API-key
    /// connection sends it.
    pub key_header: String,
}

impl Default for EventBridgeSettings {
    fn default() -> Self {
        Self { key_header: DEFAULT_KEY_HEADER.to_owned() }
    }
}
