//! Recognises which known wire format a JSON body is, so a body sent to the wrong endpoint gets a useful error.

use serde_json::Value;

use crate::error::{ErrorCode, IngestError};

/// The wire formats we can recognise by their top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    EventBridge,
    Sns,
    SnsLambda,
    AzureCommon,
    AzureOther,
    AlarmLambdaAction,
    CloudTrailFile,
    CloudTrailArray,
    CloudTrailRecord,
    Grafana,
    GrafanaLegacy,
    AlertmanagerWebhook,
    AlertmanagerApi,
    PagerDuty,
    Generic,
    CloudWatchAlarmMessage,
}

impl Kind {
    /// A phrase for error messages: "the body looks like <phrase>".
    pub(crate) fn phrase(self) -> &'static str {
        match self {
            Self::EventBridge => "an EventBridge event (send it to the EventBridge endpoint)",
            Self::Sns => "an Amazon SNS message (send it to the SNS endpoint)",
            Self::SnsLambda => {
                "an SNS-to-Lambda event (Records[].Sns), not an SNS HTTP(S) delivery; \
                 subscribe the SNS endpoint to the topic instead"
            }
            Self::AzureCommon => "an Azure Monitor alert (send it to the Azure endpoint)",
            Self::AzureOther => {
                "an Azure Monitor alert without the common alert schema; enable the common \
                 alert schema on the action group"
            }
            Self::AlarmLambdaAction => {
                "a CloudWatch alarm Lambda-action payload (alarmData), which is neither an \
                 EventBridge event nor an SNS message; route the alarm through EventBridge or SNS"
            }
            Self::CloudTrailFile => "a CloudTrail log file ({\"Records\": [...]})",
            Self::CloudTrailArray => "a JSON array of CloudTrail records",
            Self::CloudTrailRecord => "a single CloudTrail record",
            Self::Grafana => "a Grafana alerting webhook (send it to the Grafana endpoint)",
            Self::GrafanaLegacy => {
                "a legacy Grafana (pre-8 dashboard alerting) webhook; use Grafana unified alerting"
            }
            Self::AlertmanagerWebhook => {
                "an Alertmanager webhook, version 4 (send it to the Alertmanager endpoint)"
            }
            Self::AlertmanagerApi => "an Alertmanager v2 API alert list",
            Self::PagerDuty => "a PagerDuty Events API v2 event",
            Self::Generic => "a Watchfloor native (generic) batch",
            Self::CloudWatchAlarmMessage => {
                "a bare CloudWatch alarm message (SNS raw message delivery)"
            }
        }
    }
}

/// Which known format `value` looks like, if any.
pub(crate) fn recognise(value: &Value) -> Option<Kind> {
    if let Value::Array(items) = value {
        let first = items.first()?;
        return if first.get("eventName").is_some() && first.get("eventTime").is_some() {
            Some(Kind::CloudTrailArray)
        } else if first.get("labels").is_some() {
            Some(Kind::AlertmanagerApi)
        } else {
            None
        };
    }
    if !value.is_object() {
        return None;
    }
    let has = |key: &str| value.get(key).is_some_and(|v| !v.is_null());
    let str_is = |key: &str, want: &str| value.get(key).and_then(Value::as_str) == Some(want);
    let kind = if has("detail-type") && has("source") {
        Kind::EventBridge
    } else if has("Type") && has("TopicArn") {
        Kind::Sns
    } else if has("schemaId") && has("data") {
        if str_is("schemaId", "azureMonitorCommonAlertSchema") {
            Kind::AzureCommon
        } else {
            Kind::AzureOther
        }
    } else if has("alarmData") {
        Kind::AlarmLambdaAction
    } else if let Some(Value::Array(records)) = value.get("Records") {
        match records.first() {
            Some(first) if first.get("Sns").is_some() => Kind::SnsLambda,
            _ => Kind::CloudTrailFile,
        }
    } else if has("eventName") && has("eventSource") && has("eventTime") {
        Kind::CloudTrailRecord
    } else if has("alerts") && has("orgId") {
        Kind::Grafana
    } else if has("alerts") && str_is("version", "4") {
        Kind::AlertmanagerWebhook
    } else if has("routing_key") || has("event_action") {
        Kind::PagerDuty
    } else if has("events") {
        Kind::Generic
    } else if has("AlarmName") && has("NewStateValue") {
        Kind::CloudWatchAlarmMessage
    } else if has("ruleName") && has("evalMatches") {
        Kind::GrafanaLegacy
    } else {
        return None;
    };
    Some(kind)
}

/// When `value` is a recognisably different format than `own` (the
/// endpoint's), a [`ErrorCode::WrongPayloadKind`] error saying what it looks
/// like; otherwise `otherwise`.
pub(crate) fn wrong_kind(
    value: &Value,
    own: &[Kind],
    expected: &str,
    otherwise: IngestError,
) -> IngestError {
    match recognise(value) {
        Some(found) if !own.contains(&found) => IngestError::new(
            ErrorCode::WrongPayloadKind,
            format!("expected {expected}, but the body looks like {}", found.phrase()),
        ),
        _ => otherwise,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_the_formats_by_their_keys() {
        let cases = [
            (json!({"detail-type": "x", "source": "aws.ec2"}), Some(Kind::EventBridge)),
            (json!({"Type": "Notification", "TopicArn": "arn"}), Some(Kind::Sns)),
            (json!({"Records": [{"Sns": {}}]}), Some(Kind::SnsLambda)),
            (json!({"Records": []}), Some(Kind::CloudTrailFile)),
            (json!([{"eventName": "x", "eventTime": "t"}]), Some(Kind::CloudTrailArray)),
            (
                json!({"schemaId": "Microsoft.Insights/activityLogs", "data": {}}),
                Some(Kind::AzureOther),
            ),
            (json!({"alerts": [], "version": "4"}), Some(Kind::AlertmanagerWebhook)),
            (json!({"alerts": [], "orgId": 1}), Some(Kind::Grafana)),
            (json!({"hello": "world"}), None),
            (json!("text"), None),
        ];
        for (value, want) in cases {
            assert_eq!(recognise(&value), want, "{value}");
        }
    }
}
