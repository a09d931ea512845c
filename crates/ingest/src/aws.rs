//! Shared AWS vocabulary: ARNs, console links, and the CloudWatch alarm mapping that the SNS and EventBridge adapters both use.

pub use domain::InsufficientData;
use domain::{Event, EventAction, Labels, Link, Severity, SourceKind, Timestamp};
use serde_json::Value;

use crate::error::FieldError;
use crate::fields::{self, MAX_SUMMARY_CHARS, Obj, item_path, not_in_future, truncate};

/// How CloudWatch alarm state changes become events, per integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloudWatchOptions {
    /// The severity of an alarm in `ALARM` (CloudWatch alarms carry none). Default `error`.
    pub alarm_severity: Severity,
    /// What `INSUFFICIENT_DATA` means. Default: a `warning` trigger.
    pub insufficient_data: InsufficientData,
}

impl Default for CloudWatchOptions {
    fn default() -> Self {
        Self {
            alarm_severity: Severity::Error,
            insufficient_data: InsufficientData::Trigger(Severity::Warning),
        }
    }
}

/// `arn:partition:service:region:account:resource`, borrowed from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    pub(crate) partition: &'a str,
    pub(crate) service: &'a str,
    pub(crate) region: &'a str,
    pub(crate) account: &'a str,
    pub(crate) resource: &'a str,
}

/// Splits an ARN into its parts; `None` when `text` is not shaped like one.
pub(crate) fn parse_arn(text: &str) -> Option<Arn<'_>> {
    let mut parts = text.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let arn = Arn {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    };
    let plain = |part: &str| !part.contains(char::is_whitespace);
    (!arn.partition.is_empty()
        && !arn.service.is_empty()
        && !arn.resource.is_empty()
        && [arn.partition, arn.service, arn.region, arn.account].into_iter().all(plain))
    .then_some(arn)
}

/// The AWS console's host for an ARN partition, when we know it.
pub(crate) fn console_host(partition: &str) -> Option<&'static str> {
    match partition {
        "aws" => Some("console.aws.amazon.com"),
        "aws-cn" => Some("console.amazonaws.cn"),
        "aws-us-gov" => Some("console.amazonaws-us-gov.com"),
        _ => None,
    }
}

/// Inserts `name = value` when the value is present and non-empty.
pub(crate) fn put(labels: &mut Labels, name: &str, value: Option<&str>) {
    if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
        labels.insert(name.to_owned(), value.to_owned());
    }
}

/// A CloudWatch alarm's state, as `NewStateValue` (SNS) or `state.value` (EventBridge) give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AlarmState {
    Alarm,
    Ok,
    InsufficientData,
}

impl AlarmState {
    fn parse(path: &str, text: &str) -> Result<Self, FieldError> {
        match text {
            "ALARM" => Ok(Self::Alarm),
            "OK" => Ok(Self::Ok),
            "INSUFFICIENT_DATA" => Ok(Self::InsufficientData),
            other => Err(FieldError::invalid(
                path,
                format_args!(
                    "unknown alarm state {other:?}; expected ALARM, OK or INSUFFICIENT_DATA"
                ),
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Alarm => "ALARM",
            Self::Ok => "OK",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// A CloudWatch alarm state change, from either wire format.
pub(crate) struct Alarm {
    pub(crate) name: String,
    pub(crate) arn: Option<String>,
    pub(crate) state: AlarmState,
    pub(crate) previous_state: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) changed_at: Option<Timestamp>,
    /// The account the alarm lives in when its ARN does not say (`AWSAccountId`, the envelope's `account`).
    pub(crate) account: Option<String>,
    /// `Region` in SNS messages: a display name ("US East (N. Virginia)"), never used as the region.
    pub(crate) region_name: Option<String>,
    pub(crate) namespace: Option<String>,
    pub(crate) metric_name: Option<String>,
    pub(crate) dimensions: Labels,
    /// Composite alarms: the rule over other alarms.
    pub(crate) alarm_rule: Option<String>,
    /// The alarm as sent, for `Event::details`.
    pub(crate) details: Value,
}

impl Alarm {
    /// The SNS message body CloudWatch publishes (`Message` parsed as JSON); `obj.path` is `Message`.
    pub(crate) fn from_sns_message(obj: &Obj<'_>, now: Timestamp) -> Result<Self, FieldError> {
        let name = obj.req_str("AlarmName")?.to_owned();
        let state = AlarmState::parse(&obj.path("NewStateValue"), obj.req_str("NewStateValue")?)?;
        let changed_at = optional_time(obj, "StateChangeTime", now)?;
        let mut alarm = Self {
            name,
            arn: obj.opt_nonempty_str("AlarmArn")?.map(str::to_owned),
            state,
            previous_state: obj.opt_nonempty_str("OldStateValue")?.map(str::to_owned),
            reason: obj.opt_nonempty_str("NewStateReason")?.map(str::to_owned),
            description: obj.opt_nonempty_str("AlarmDescription")?.map(str::to_owned),
            changed_at,
            account: obj.opt_nonempty_str("AWSAccountId")?.map(str::to_owned),
            region_name: obj.opt_nonempty_str("Region")?.map(str::to_owned),
            namespace: None,
            metric_name: None,
            dimensions: Labels::new(),
            alarm_rule: obj.opt_nonempty_str("AlarmRule")?.map(str::to_owned),
            details: Value::Object(obj.map.clone()),
        };
        if let Some(trigger) = obj.opt_obj("Trigger")? {
            alarm.namespace = trigger.opt_nonempty_str("Namespace")?.map(str::to_owned);
            alarm.metric_name = trigger.opt_nonempty_str("MetricName")?.map(str::to_owned);
            sns_dimensions(&trigger, &mut alarm.dimensions)?;
            // Metric math alarms: the metrics sit under Trigger.Metrics[].MetricStat.Metric.
            if let Some(metrics) = trigger.opt_array("Metrics")? {
                let parent = trigger.path("Metrics");
                for (index, metric) in metrics.iter().enumerate() {
                    let metric = Obj::new(metric, item_path(&parent, index))?;
                    let Some(stat) = metric.opt_obj("MetricStat")? else { continue };
                    let Some(inner) = stat.opt_obj("Metric")? else { continue };
                    if alarm.metric_name.is_none() {
                        alarm.namespace = inner.opt_nonempty_str("Namespace")?.map(str::to_owned);
                        alarm.metric_name =
                            inner.opt_nonempty_str("MetricName")?.map(str::to_owned);
                    }
                    sns_dimensions(&inner, &mut alarm.dimensions)?;
                }
            }
        }
        Ok(alarm)
    }

    /// The `detail` of an EventBridge "CloudWatch Alarm State Change"; `resources` name the alarm.
    pub(crate) fn from_eventbridge_detail(
        detail: &Obj<'_>,
        resources: &[String],
        account: Option<&str>,
        now: Timestamp,
    ) -> Result<Self, FieldError> {
        let name = detail.req_str("alarmName")?.to_owned();
        let state_obj = detail.req_obj("state")?;
        let state = AlarmState::parse(&state_obj.path("value"), state_obj.req_str("value")?)?;
        let previous_state = match detail.opt_obj("previousState")? {
            Some(previous) => previous.opt_nonempty_str("value")?.map(str::to_owned),
            None => None,
        };
        let arn = resources
            .iter()
            .find(|r| {
                parse_arn(r)
                    .is_some_and(|a| a.service == "cloudwatch" && a.resource.starts_with("alarm:"))
            })
            .cloned();
        let mut alarm = Self {
            name,
            arn,
            state,
            previous_state,
            reason: state_obj.opt_nonempty_str("reason")?.map(str::to_owned),
            description: None,
            changed_at: optional_time(&state_obj, "timestamp", now)?,
            account: account.map(str::to_owned),
            region_name: None,
            namespace: None,
            metric_name: None,
            dimensions: Labels::new(),
            alarm_rule: None,
            details: Value::Object(detail.map.clone()),
        };
        if let Some(configuration) = detail.opt_obj("configuration")? {
            alarm.description = configuration.opt_nonempty_str("description")?.map(str::to_owned);
            alarm.alarm_rule = configuration.opt_nonempty_str("alarmRule")?.map(str::to_owned);
            if let Some(metrics) = configuration.opt_array("metrics")? {
                let parent = configuration.path("metrics");
                for (index, metric) in metrics.iter().enumerate() {
                    let metric = Obj::new(metric, item_path(&parent, index))?;
                    let Some(stat) = metric.opt_obj("metricStat")? else { continue };
                    let Some(inner) = stat.opt_obj("metric")? else { continue };
                    if alarm.metric_name.is_none() {
                        alarm.namespace = inner.opt_nonempty_str("namespace")?.map(str::to_owned);
                        alarm.metric_name = inner.opt_nonempty_str("name")?.map(str::to_owned);
                    }
                    for (name, value) in inner.string_map("dimensions")? {
                        alarm.dimensions.entry(name).or_insert(value);
                    }
                }
            }
        }
        Ok(alarm)
    }

    /// The event for this state change, or `None` when the options say to ignore it.
    ///
    /// The mapping is documented in the crate docs (CloudWatch alarms).
    pub(crate) fn into_event(
        self,
        options: &CloudWatchOptions,
        source_kind: SourceKind,
    ) -> Option<Event> {
        let (action, severity) = match (self.state, options.insufficient_data) {
            (AlarmState::Alarm, _) => (EventAction::Trigger, options.alarm_severity),
            (AlarmState::Ok, _) => (EventAction::Resolve, options.alarm_severity),
            (AlarmState::InsufficientData, InsufficientData::Trigger(severity)) => {
                (EventAction::Trigger, severity)
            }
            (AlarmState::InsufficientData, InsufficientData::Resolve) => {
                (EventAction::Resolve, options.alarm_severity)
            }
            (AlarmState::InsufficientData, InsufficientData::Ignore) => return None,
        };
        let arn = self.arn.as_deref().and_then(parse_arn);
        let account = arn.map(|a| a.account).filter(|a| !a.is_empty()).or(self.account.as_deref());
        let region = arn.map(|a| a.region).filter(|r| !r.is_empty());
        let dedup_key = self.arn.clone().unwrap_or_else(|| {
            format!("cloudwatch-alarm:{}:{}", account.unwrap_or_default(), self.name)
        });

        let mut labels = self.dimensions.clone();
        put(&mut labels, "alarm_name", Some(&self.name));
        put(&mut labels, "aws_account", account);
        put(&mut labels, "aws_region", region);
        put(&mut labels, "namespace", self.namespace.as_deref());
        put(&mut labels, "metric_name", self.metric_name.as_deref());
        let alarm_type = if self.alarm_rule.is_some() { "composite" } else { "metric" };
        labels.insert("alarm_type".into(), alarm_type.into());

        let mut annotations = Labels::new();
        put(&mut annotations, "state", Some(self.state.as_str()));
        put(&mut annotations, "previous_state", self.previous_state.as_deref());
        put(&mut annotations, "reason", self.reason.as_deref());
        put(&mut annotations, "description", self.description.as_deref());
        put(&mut annotations, "alarm_rule", self.alarm_rule.as_deref());
        put(&mut annotations, "region_name", self.region_name.as_deref());

        let mut links = Vec::new();
        if let (Some(arn), Some(region)) = (arn, region)
            && let Some(host) = console_host(arn.partition)
        {
            let href = format!(
                "https://{host}/cloudwatch/home?region={region}#alarmsV2:alarm/{}",
                fields::percent_encode(&self.name)
            );
            links.push(Link { href, text: Some("CloudWatch alarm".to_owned()) });
        }

        let summary =
            truncate(format!("{}: {}", self.state.as_str(), self.name), MAX_SUMMARY_CHARS);
        let mut event = Event::trigger(dedup_key, summary);
        event.source_kind = source_kind;
        event.action = action;
        event.severity = severity;
        event.source = self.dimensions.values().next().cloned().or(Some(self.name));
        event.occurred_at = self.changed_at;
        event.labels = labels;
        event.annotations = annotations;
        event.details = self.details;
        event.links = links;
        event.resources = self.arn.into_iter().collect();
        Some(event)
    }
}

/// `Dimensions: [{"name": …, "value": …}]` (SNS spells the keys in lower case).
fn sns_dimensions(metric: &Obj<'_>, out: &mut Labels) -> Result<(), FieldError> {
    let Some(items) = metric.opt_array("Dimensions")? else { return Ok(()) };
    let parent = metric.path("Dimensions");
    for (index, item) in items.iter().enumerate() {
        let dimension = Obj::new(item, item_path(&parent, index))?;
        let name = dimension.opt_str("name")?.or(dimension.opt_str("Name")?);
        let value = dimension.opt_str("value")?.or(dimension.opt_str("Value")?);
        match (name, value) {
            (Some(name), Some(value)) if !name.is_empty() => {
                out.entry(name.to_owned()).or_insert_with(|| value.to_owned());
            }
            _ => {
                return Err(FieldError::invalid(
                    &dimension.path,
                    "expected {\"name\": string, \"value\": string}",
                ));
            }
        }
    }
    Ok(())
}

/// An optional RFC 3339 time (CloudWatch writes `+0000` offsets), at most a little in the future.
pub(crate) fn optional_time(
    obj: &Obj<'_>,
    key: &str,
    now: Timestamp,
) -> Result<Option<Timestamp>, FieldError> {
    match obj.opt_nonempty_str(key)? {
        None => Ok(None),
        Some(text) => {
            let path = obj.path(key);
            Ok(Some(not_in_future(&path, fields::timestamp(&path, text)?, now)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_split_into_their_parts() {
        let arn = parse_arn("arn:aws:cloudwatch:us-east-1:123456789012:alarm:My:Alarm");
        assert_eq!(
            arn,
            Some(Arn {
                partition: "aws",
                service: "cloudwatch",
                region: "us-east-1",
                account: "123456789012",
                resource: "alarm:My:Alarm",
            })
        );
        let global = parse_arn("arn:aws:iam::123456789012:root");
        assert_eq!(global.map(|a| (a.region, a.resource)), Some(("", "root")));
        assert_eq!(parse_arn("arn:aws:cloudwatch:us-east-1: 111122223333:alarm:x"), None);
        assert_eq!(parse_arn("not-an-arn"), None);
        assert_eq!(parse_arn("arn:aws:sns"), None);
    }
}
