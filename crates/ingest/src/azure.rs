//! Azure Monitor action-group webhooks in the common alert schema (`schemaId: azureMonitorCommonAlertSchema`).
//!
//! Only the common alert schema is accepted: it is the one shape every
//! Azure Monitor service (metric, log, activity log, service health,
//! availability, budgets) sends when the action group's webhook has "Enable
//! the common alert schema" switched on. Anything else is rejected with
//! [`crate::ErrorCode::WrongPayloadKind`] saying so.
//!
//! `data.essentials` maps as follows (`data.alertContext`, which differs per
//! monitoring service, and `data.customProperties` are kept as `details`):
//!
//! | field | event |
//! |---|---|
//! | `alertId` (required) | `dedup_key` (but see service health below) |
//! | `monitorCondition` (required) | `Fired` → `trigger`, `Resolved` → `resolve` |
//! | `severity` | `Sev0` `critical`, `Sev1` `error`, `Sev2` `warning`, `Sev3` and `Sev4` `info`; absent or `null` (budgets) → `warning` |
//! | `alertRule` | `summary` (else `description`, else `"<monitoringService> alert"`); label `alert_rule` |
//! | `signalType`, `monitoringService` | labels `signal_type`, `monitoring_service` |
//! | `alertTargetIDs` | `resources` |
//! | `configurationItems` | `source` = the first; annotation `configuration_items` |
//! | `firedDateTime` | `occurred_at` |
//! | `resolvedDateTime` | `ends_at` |
//! | `description`, `originAlertId` | annotations `description`, `origin_alert_id` |
//! | `/subscriptions/<id>` of `alertId` | label `azure_subscription` |
//! | `severity` as sent | label `azure_severity` |
//!
//! Service health (`monitoringService: ServiceHealth`): Azure fires a new
//! activity-log alert, with a new `alertId`, for every update of an
//! incident, and says it is over in `alertContext.properties.stage`
//! (`Resolved`) while `monitorCondition` stays `Fired`. So its `dedup_key`
//! is `<subscription>/serviceHealth/<trackingId>` and stage `Resolved` (or
//! `Complete`) resolves it; label `tracking_id`.

use domain::{Event, EventAction, Labels, Severity, SourceKind, Timestamp};
use serde_json::{Value, json};

use crate::aws::put;
use crate::error::{ErrorCode, FieldError, IngestError};
use crate::fields::{self, MAX_SUMMARY_CHARS, Obj, kind_of, not_in_future, truncate};
use crate::kind::{Kind, wrong_kind};

const COMMON_SCHEMA: &str = "azureMonitorCommonAlertSchema";

/// Parses an Azure Monitor common-alert-schema webhook; see the [module docs](self).
pub fn parse_azure(body: &[u8], now: Timestamp) -> Result<Vec<Event>, IngestError> {
    let expected = "an Azure Monitor alert in the common alert schema";
    let value = fields::parse_nonempty_body(body, expected)?;
    let enable = "enable the common alert schema on the action group's webhook";
    match value.get("schemaId").map(|v| (v, v.as_str())) {
        Some((_, Some(COMMON_SCHEMA))) => {}
        Some((_, Some(other))) => {
            return Err(IngestError::new(
                ErrorCode::WrongPayloadKind,
                format!(
                    "schemaId: {other:?} is not the common alert schema ({COMMON_SCHEMA:?}); {enable}"
                ),
            ));
        }
        Some((other, None)) => {
            return Err(FieldError::invalid(
                "schemaId",
                format_args!("expected a string, found {}", kind_of(other)),
            )
            .into());
        }
        None => {
            let otherwise = IngestError::new(
                ErrorCode::WrongPayloadKind,
                format!(
                    "schemaId: required field is missing; expected {expected} \
                     (schemaId {COMMON_SCHEMA:?}): {enable}"
                ),
            );
            return Err(wrong_kind(
                &value,
                &[Kind::AzureCommon, Kind::AzureOther],
                expected,
                otherwise,
            ));
        }
    }
    let root = Obj::new(&value, "")?;
    Ok(vec![alert(&root, now)?])
}

fn alert(root: &Obj<'_>, now: Timestamp) -> Result<Event, FieldError> {
    let data = root.req_obj("data")?;
    let essentials = data.req_obj("essentials")?;
    let alert_id = essentials.req_str("alertId")?;
    let condition = essentials.req_str("monitorCondition")?;
    let mut action = match condition {
        "Fired" => EventAction::Trigger,
        "Resolved" => EventAction::Resolve,
        other => {
            return Err(FieldError::invalid(
                &essentials.path("monitorCondition"),
                format_args!("unknown value {other:?}; expected Fired or Resolved"),
            ));
        }
    };
    let severity_text = essentials.opt_nonempty_str("severity")?;
    let severity = match severity_text {
        None => Severity::Warning,
        Some("Sev0") => Severity::Critical,
        Some("Sev1") => Severity::Error,
        Some("Sev2") => Severity::Warning,
        Some("Sev3" | "Sev4") => Severity::Info,
        Some(other) => {
            return Err(FieldError::invalid(
                &essentials.path("severity"),
                format_args!("unknown value {other:?}; expected Sev0, Sev1, Sev2, Sev3 or Sev4"),
            ));
        }
    };
    let rule = essentials.opt_nonempty_str("alertRule")?;
    let description = essentials.opt_nonempty_str("description")?;
    let service = essentials.opt_nonempty_str("monitoringService")?;
    let fired = time(&essentials, "firedDateTime", now)?;
    let resolved = time(&essentials, "resolvedDateTime", now)?;
    let targets = essentials.string_list("alertTargetIDs")?;
    let items = essentials.string_list("configurationItems")?;
    let subscription = subscription_scope(alert_id);

    let mut labels = Labels::new();
    put(&mut labels, "alert_rule", rule);
    put(&mut labels, "azure_severity", severity_text);
    put(&mut labels, "signal_type", essentials.opt_nonempty_str("signalType")?);
    put(&mut labels, "monitoring_service", service);
    put(&mut labels, "azure_subscription", subscription.and_then(|s| s.rsplit('/').next()));
    let mut annotations = Labels::new();
    put(&mut annotations, "description", description);
    put(&mut annotations, "origin_alert_id", essentials.opt_nonempty_str("originAlertId")?);
    put(&mut annotations, "monitor_condition", Some(condition));
    if !items.is_empty() {
        annotations.insert("configuration_items".into(), items.join(", "));
    }

    let context = data.opt_obj("alertContext")?;
    let mut dedup_key = alert_id.to_owned();
    if service == Some("ServiceHealth")
        && let Some(context) = &context
        && let Some(properties) = context.opt_obj("properties")?
        && let Some(tracking_id) = properties.opt_nonempty_str("trackingId")?
    {
        dedup_key = format!("{}/serviceHealth/{tracking_id}", subscription.unwrap_or_default());
        put(&mut labels, "tracking_id", Some(tracking_id));
        let stage = properties.opt_nonempty_str("stage")?;
        put(&mut annotations, "stage", stage);
        if matches!(stage, Some("Resolved" | "Complete")) {
            action = EventAction::Resolve;
        }
    }

    let summary = rule
        .or(description)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{} alert", service.unwrap_or("Azure Monitor")));
    let mut event = Event::trigger(dedup_key, truncate(summary, MAX_SUMMARY_CHARS));
    event.source_kind = SourceKind::Azure;
    event.action = action;
    event.severity = severity;
    event.source = items.first().or(targets.first()).cloned();
    event.occurred_at = fired;
    event.ends_at = resolved;
    event.labels = labels;
    event.annotations = annotations;
    event.details = json!({
        "alertContext": data.get("alertContext").cloned().unwrap_or(Value::Null),
        "customProperties": data.get("customProperties").cloned().unwrap_or(Value::Null),
    });
    event.resources = targets;
    Ok(event)
}

fn time(obj: &Obj<'_>, key: &str, now: Timestamp) -> Result<Option<Timestamp>, FieldError> {
    let Some(text) = obj.opt_nonempty_str(key)? else { return Ok(None) };
    let path = obj.path(key);
    Ok(Some(not_in_future(&path, fields::timestamp(&path, text)?, now)?))
}

/// `/subscriptions/<id>` at the start of an Azure resource id, if it has one.
fn subscription_scope(resource_id: &str) -> Option<&str> {
    let rest = resource_id.strip_prefix("/subscriptions/")?;
    let id_len = rest.find('/').unwrap_or(rest.len());
    (id_len > 0).then(|| &resource_id[.."/subscriptions/".len() + id_len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_scope_is_the_first_two_segments() {
        assert_eq!(
            subscription_scope("/subscriptions/abc/providers/x/alerts/1"),
            Some("/subscriptions/abc")
        );
        assert_eq!(subscription_scope("/subscriptions/abc"), Some("/subscriptions/abc"));
        assert_eq!(subscription_scope("/subscriptions//x"), None);
        assert_eq!(subscription_scope("/resourceGroups/x"), None);
    }
}
