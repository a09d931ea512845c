//! The normalised event: what every ingest adapter produces and the engine consumes.

use std::collections::BTreeMap;

use crate::{Severity, Timestamp};

/// Labels identify; sorted so that fingerprints and group keys are stable.
pub type Labels = BTreeMap<String, String>;

/// Which wire format an event arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// `POST /v2/enqueue`
    PagerDuty,
    /// `POST /api/v2/alerts`
    AlertmanagerApi,
    /// `POST /hooks/alertmanager/{key}`
    AlertmanagerWebhook,
    /// `POST /hooks/generic/{key}`
    Generic,
    /// `POST /hooks/sns/{key}`: Amazon SNS (CloudWatch alarms and other messages).
    Sns,
    /// `POST /hooks/eventbridge/{key}`: EventBridge API destinations.
    EventBridge,
    /// `POST /hooks/azure/{key}`: Azure Monitor common alert schema.
    Azure,
    /// `POST /hooks/grafana/{key}`: Grafana unified alerting webhook.
    Grafana,
    /// `watchfloor import cloudtrail`: CloudTrail log files.
    CloudTrail,
    /// Synthetic events from `serve --demo`.
    Demo,
}

impl SourceKind {
    /// Who an event of this kind is on a timeline: `event:<kind>`, for
    /// every event the engine handles, so without an allocation.
    pub fn actor(self) -> &'static str {
        match self {
            Self::PagerDuty => "event:pagerduty",
            Self::AlertmanagerApi => "event:alertmanager-api",
            Self::AlertmanagerWebhook => "event:alertmanager",
            Self::Generic => "event:generic",
            Self::Sns => "event:sns",
            Self::EventBridge => "event:eventbridge",
            Self::Azure => "event:azure",
            Self::Grafana => "event:grafana",
            Self::CloudTrail => "event:cloudtrail",
            Self::Demo => "event:demo",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PagerDuty => "pagerduty",
            Self::AlertmanagerApi => "alertmanager-api",
            Self::AlertmanagerWebhook => "alertmanager",
            Self::Generic => "generic",
            Self::Sns => "sns",
            Self::EventBridge => "eventbridge",
            Self::Azure => "azure",
            Self::Grafana => "grafana",
            Self::CloudTrail => "cloudtrail",
            Self::Demo => "demo",
        }
    }

    /// Every kind.
    pub const ALL: [Self; 10] = [
        Self::PagerDuty,
        Self::AlertmanagerApi,
        Self::AlertmanagerWebhook,
        Self::Generic,
        Self::Sns,
        Self::EventBridge,
        Self::Azure,
        Self::Grafana,
        Self::CloudTrail,
        Self::Demo,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventAction {
    /// The condition is (still) happening.
    Trigger,
    /// Someone at the source has seen it (PagerDuty `acknowledge`).
    Acknowledge,
    /// The condition has cleared.
    Resolve,
}

impl EventAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trigger => "trigger",
            Self::Acknowledge => "acknowledge",
            Self::Resolve => "resolve",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Trigger, Self::Acknowledge, Self::Resolve].into_iter().find(|a| a.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    pub text: Option<String>,
}

/// How much one event may carry in labels and annotations. Every active
/// alert keeps its labels in memory, and each label value is part of what
/// identifies it; these bound what one alert costs, well above what
/// Prometheus, CloudWatch or Azure send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventLimits {
    /// Labels, and annotations, each.
    pub entries: usize,
    /// A label's or annotation's name.
    pub name_bytes: usize,
    pub label_value_bytes: usize,
    /// Annotations hold prose (a description, a runbook's text).
    pub annotation_value_bytes: usize,
}

impl EventLimits {
    pub const DEFAULT: EventLimits = EventLimits {
        entries: 128,
        name_bytes: 256,
        label_value_bytes: 4096,
        annotation_value_bytes: 64 * 1024,
    };
}

/// One normalised event. The tenant and service are not here: they come from
/// the integration key the event arrived with, never from the payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub source_kind: SourceKind,
    pub action: EventAction,
    /// Identifies the alert this event belongs to, per tenant
    /// (PagerDuty `dedup_key`, Alertmanager fingerprint of the label set, …).
    pub dedup_key: String,
    /// One line for humans.
    pub summary: String,
    /// Where it happened (host, instance, resource).
    pub source: Option<String>,
    pub severity: Severity,
    /// When the source says it happened (PagerDuty `timestamp`, `startsAt`).
    pub occurred_at: Option<Timestamp>,
    /// When the source says it will stop (`endsAt`); a past `ends_at` resolves.
    pub ends_at: Option<Timestamp>,
    /// Identifying labels: grouping and matching use these.
    pub labels: Labels,
    /// Non-identifying text (Alertmanager annotations, PagerDuty component/group/class).
    pub annotations: Labels,
    /// Free-form structured details (`custom_details`, `values`, …).
    pub details: serde_json::Value,
    pub links: Vec<Link>,
    /// Resources the event is about (ARNs, Azure resource ids), as the source names them.
    pub resources: Vec<String>,
}

impl Event {
    /// A minimal trigger, convenient for tests and the demo stream.
    pub fn trigger(dedup_key: impl Into<String>, summary: impl Into<String>) -> Self {
        Self {
            source_kind: SourceKind::Generic,
            action: EventAction::Trigger,
            dedup_key: dedup_key.into(),
            summary: summary.into(),
            source: None,
            severity: Severity::Error,
            occurred_at: None,
            ends_at: None,
            labels: Labels::new(),
            annotations: Labels::new(),
            details: serde_json::Value::Null,
            links: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// Why this event cannot be kept as it is, said for the sender: over
    /// [`EventLimits`] ([`Event::over_limits`]), or U+0000 in a field
    /// ([`Event::nul_field`]). `None` when it can.
    pub fn unstorable(&self) -> Option<String> {
        self.over_limits().or_else(|| {
            let field = self.nul_field()?;
            Some(format!("{field} holds U+0000 (NUL), which Watchfloor does not store"))
        })
    }

    /// What of this event is over [`EventLimits`], said for the sender:
    /// `labels: 130 of them, at most 128`, `labels.big: 9000 bytes, at
    /// most 4096`. `None` when it is within them.
    pub fn over_limits(&self) -> Option<String> {
        let limits = EventLimits::DEFAULT;
        for (map, labels, max_value) in [
            ("labels", &self.labels, limits.label_value_bytes),
            ("annotations", &self.annotations, limits.annotation_value_bytes),
        ] {
            if labels.len() > limits.entries {
                let count = labels.len();
                return Some(format!("{map}: {count} of them, at most {}", limits.entries));
            }
            for (name, value) in labels {
                if name.len() > limits.name_bytes {
                    let shown: String = name.chars().take(40).collect();
                    return Some(format!(
                        "{map}: the name {shown:?}… is {} bytes, at most {}",
                        name.len(),
                        limits.name_bytes
                    ));
                }
                if value.len() > max_value {
                    let size = value.len();
                    return Some(format!("{map}.{name}: {size} bytes, at most {max_value}"));
                }
            }
        }
        None
    }

    /// The first field holding U+0000 (NUL), which no store keeps in text
    /// (PostgreSQL refuses it), by its path: `summary`, `labels.instance`,
    /// `details.a.b`. `None` when there is none. JSON escapes (`\u0000`)
    /// decode to it; parsers leave it to this check.
    pub fn nul_field(&self) -> Option<String> {
        let has_nul = |text: &str| text.as_bytes().contains(&0);
        // Labels and annotations first: the summary and source of many
        // sources are taken from them.
        for (map, labels) in [("labels", &self.labels), ("annotations", &self.annotations)] {
            if let Some((name, _)) =
                labels.iter().find(|(name, value)| has_nul(name) || has_nul(value))
            {
                return Some(format!("{map}.{}", name.replace('\0', "\\u0000")));
            }
        }
        let named = [
            ("dedup_key", Some(self.dedup_key.as_str())),
            ("summary", Some(self.summary.as_str())),
            ("source", self.source.as_deref()),
        ];
        if let Some((name, _)) = named.iter().find(|(_, text)| text.is_some_and(has_nul)) {
            return Some((*name).to_owned());
        }
        for (index, link) in self.links.iter().enumerate() {
            if has_nul(&link.href) || link.text.as_deref().is_some_and(has_nul) {
                return Some(format!("links[{index}]"));
            }
        }
        if let Some(index) = self.resources.iter().position(|r| has_nul(r)) {
            return Some(format!("resources[{index}]"));
        }
        json_nul_path(&self.details, "details")
    }

    /// The action as of `now`: an Alertmanager alert whose `endsAt` has passed is resolved.
    pub fn effective_action(&self, now: Timestamp) -> EventAction {
        match (self.action, self.ends_at) {
            (EventAction::Trigger, Some(ends_at)) if ends_at <= now => EventAction::Resolve,
            (action, _) => action,
        }
    }
}

/// Whether any string or key under `value` holds U+0000.
fn json_has_nul(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => text.as_bytes().contains(&0),
        Value::Array(items) => items.iter().any(json_has_nul),
        Value::Object(map) => {
            map.iter().any(|(key, item)| key.as_bytes().contains(&0) || json_has_nul(item))
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// The path of the first string or key under `value` holding U+0000; the
/// path is built only for a value that has one.
fn json_nul_path(value: &serde_json::Value, path: &str) -> Option<String> {
    use serde_json::Value;
    if !json_has_nul(value) {
        return None;
    }
    match value {
        Value::Array(items) => items
            .iter()
            .position(json_has_nul)
            .and_then(|index| json_nul_path(&items[index], &format!("{path}[{index}]"))),
        Value::Object(map) => {
            let (key, item) =
                map.iter().find(|(key, item)| key.as_bytes().contains(&0) || json_has_nul(item))?;
            let inner = format!("{path}.{}", key.replace('\0', "\\u0000"));
            if key.as_bytes().contains(&0) { Some(inner) } else { json_nul_path(item, &inner) }
        }
        _ => Some(path.to_owned()),
    }
}

/// Alertmanager's fingerprint of a label set: FNV-1a 64 over the sorted
/// names and values, each followed by a 0xff separator, as 16 hex digits.
pub fn label_fingerprint(labels: &Labels) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    for (name, value) in labels {
        feed(name.as_bytes());
        feed(&[0xff]);
        feed(value.as_bytes());
        feed(&[0xff]);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_and_acts_as_event_kind() {
        // A kind added to the enum and not to `ALL` fails to compile here.
        let position = |kind: SourceKind| match kind {
            SourceKind::PagerDuty => 0,
            SourceKind::AlertmanagerApi => 1,
            SourceKind::AlertmanagerWebhook => 2,
            SourceKind::Generic => 3,
            SourceKind::Sns => 4,
            SourceKind::EventBridge => 5,
            SourceKind::Azure => 6,
            SourceKind::Grafana => 7,
            SourceKind::CloudTrail => 8,
            SourceKind::Demo => 9,
        };
        for (at, kind) in SourceKind::ALL.into_iter().enumerate() {
            assert_eq!(position(kind), at);
            assert_eq!(SourceKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.actor(), format!("event:{}", kind.as_str()));
        }
    }

    #[test]
    fn fingerprint_is_order_independent_and_stable() {
        let mut a = Labels::new();
        a.insert("alertname".into(), "HighCPU".into());
        a.insert("instance".into(), "db1".into());
        let fp = label_fingerprint(&a);
        assert_eq!(fp.len(), 16);
        let mut b = Labels::new();
        b.insert("instance".into(), "db1".into());
        b.insert("alertname".into(), "HighCPU".into());
        assert_eq!(fp, label_fingerprint(&b));
        b.insert("instance".into(), "db2".into());
        assert_ne!(fp, label_fingerprint(&b));
    }

    #[test]
    fn over_limits_names_what_is_over() {
        let limits = EventLimits::DEFAULT;
        let mut event = Event::trigger("k", "s");
        event.labels.insert("v".into(), "x".repeat(limits.label_value_bytes));
        event.annotations.insert("d".into(), "x".repeat(limits.annotation_value_bytes));
        event.labels.insert("n".repeat(limits.name_bytes), "x".into());
        assert_eq!(event.over_limits(), None, "at the limits");

        let mut long_value = event.clone();
        long_value.labels.insert("v".into(), "x".repeat(limits.label_value_bytes + 1));
        assert_eq!(long_value.over_limits().as_deref(), Some("labels.v: 4097 bytes, at most 4096"));
        let mut long_name = event.clone();
        long_name.annotations.insert("a".repeat(limits.name_bytes + 1), String::new());
        let said = long_name.over_limits().unwrap_or_default();
        assert!(said.starts_with("annotations: the name \"aaaa"), "{said}");
        assert!(said.ends_with("is 257 bytes, at most 256"), "{said}");
        let mut many = event;
        for i in 0..limits.entries {
            many.labels.insert(format!("l{i}"), String::new());
        }
        let said = many.over_limits().unwrap_or_default();
        assert!(said.starts_with("labels: ") && said.ends_with("of them, at most 128"), "{said}");
    }

    #[test]
    fn nul_field_names_the_first_field_with_nul() {
        let clean = {
            let mut event = Event::trigger("k", "s");
            event.source = Some("db1".into());
            event.labels.insert("instance".into(), "db1".into());
            event.annotations.insert("runbook".into(), "see wiki".into());
            event.links.push(Link { href: "https://x".into(), text: Some("X".into()) });
            event.resources.push("arn:aws:ec2:1".into());
            event.details = serde_json::json!({"a": [1, {"b": "c"}], "d": null});
            event
        };
        assert_eq!(clean.nul_field(), None);
        type Spoil = fn(&mut Event);
        let cases: [(Spoil, &str); 10] = [
            (|e| e.dedup_key.push('\0'), "dedup_key"),
            (|e| e.summary = "a\0b".into(), "summary"),
            (|e| e.source = Some("\0".into()), "source"),
            (|e| drop(e.labels.insert("instance".into(), "db\0".into())), "labels.instance"),
            (|e| drop(e.labels.insert("in\0".into(), "x".into())), "labels.in\\u0000"),
            (|e| drop(e.annotations.insert("runbook".into(), "\0".into())), "annotations.runbook"),
            (|e| e.links[0].text = Some("\0".into()), "links[0]"),
            (|e| e.resources.push("\0".into()), "resources[1]"),
            (|e| e.details["a"][1]["b"] = "\0".into(), "details.a[1].b"),
            (|e| e.details = serde_json::json!({"k\u{0}": 1}), "details.k\\u0000"),
        ];
        for (spoil, path) in cases {
            let mut event = clean.clone();
            spoil(&mut event);
            assert_eq!(event.nul_field().as_deref(), Some(path));
        }
    }

    #[test]
    fn past_ends_at_resolves() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().expect("valid");
        let mut event = Event::trigger("k", "s");
        assert_eq!(event.effective_action(now), EventAction::Trigger);
        event.ends_at = Some("2025-12-31T23:59:00Z".parse().expect("valid"));
        assert_eq!(event.effective_action(now), EventAction::Resolve);
        event.ends_at = Some("2026-01-01T00:04:00Z".parse().expect("valid"));
        assert_eq!(event.effective_action(now), EventAction::Trigger);
    }
}

/// What a CloudWatch alarm (through SNS or EventBridge) entering `INSUFFICIENT_DATA` does to its alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsufficientData {
    /// Fire (or keep firing) the alarm's alert with this severity.
    Trigger(Severity),
    /// Resolve the alarm's alert, as `OK` does.
    Resolve,
    /// Produce no event: the alert stays as it was.
    Ignore,
}
