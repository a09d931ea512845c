//! Prometheus Alertmanager: the v2 API (`POST /api/v2/alerts`) and the webhook receiver payload (version 4).

use domain::event::label_fingerprint;
use domain::{Event, EventAction, Labels, Link, Severity, SourceKind, Timestamp};
use serde_json::Value;

use crate::error::{FieldError, IngestError};
use crate::fields::{self, MAX_SUMMARY_CHARS, Obj, kind_of, not_in_future, truncate};

/// Go's zero `time.Time`, which Alertmanager sends for an unset `startsAt`/`endsAt`.
const GO_ZERO_TIME: Timestamp = Timestamp::constant(-62_135_596_800, 0);

/// Parses an Alertmanager v2 API body: a JSON array of postable alerts.
///
/// Validation follows Alertmanager's: labels with empty values are dropped,
/// then `labels` must be non-empty; label and annotation names must match
/// `[a-zA-Z_][a-zA-Z0-9_]*`; `startsAt`/`endsAt` are RFC 3339 (Go's zero time
/// `0001-01-01T00:00:00Z` means unset); `endsAt` may not be before `startsAt`;
/// `startsAt` may not be more than [`crate::FUTURE_TOLERANCE_SECS`] in the
/// future. At most [`crate::MAX_BATCH`] alerts; an empty array is valid.
/// Unlike Alertmanager, the batch is atomic: one invalid alert rejects all.
///
/// Mapping:
/// - `dedup_key` = [`label_fingerprint`] of the labels (Alertmanager's own fingerprint);
/// - `action` = `resolve` when `endsAt <= now`, else `trigger`; `ends_at` =
///   `endsAt`, so [`Event::effective_action`] agrees later; `occurred_at` = `startsAt`;
/// - `summary` = annotation `summary`, else `description`, else label
///   `alertname`, else `"alert"` (non-empty values only), cut to 1024 characters;
/// - `severity` = [`Severity::from_label`] of label `severity` (`page` is
///   critical, `none` is info, …), `warning` if absent or unknown;
/// - `source` = label `instance`, else label `job`;
/// - `labels` and `annotations` as sent (less empty label values), `details` = `null`;
/// - `links` = `generatorURL` (text "Source").
pub fn parse_alertmanager_api(body: &[u8], now: Timestamp) -> Result<Vec<Event>, IngestError> {
    let value = fields::parse_body(body)?;
    let Value::Array(items) = &value else {
        return Err(FieldError::invalid(
            "body",
            format_args!("expected an array of alerts, found {}", kind_of(&value)),
        )
        .into());
    };
    fields::batch(items, "alerts", |path, item| {
        let alert = Obj::new(item, path)?;
        let parsed = Alert::parse(&alert, now, true)?;
        let action = match parsed.ends_at {
            Some(ends_at) if ends_at <= now => EventAction::Resolve,
            _ => EventAction::Trigger,
        };
        let dedup_key = label_fingerprint(&parsed.labels);
        Ok(to_event(parsed, SourceKind::AlertmanagerApi, action, dedup_key, None))
    })
}

/// Parses an Alertmanager webhook receiver payload (`webhook_configs`), version 4.
///
/// The body must have `"version": "4"`, the format current Alertmanager
/// releases send. Version 3 bodies, from old Alertmanager releases (they have
/// a numeric `groupKey`), are rejected with a message saying so rather than
/// guessed at. `alerts` is required, at most
/// [`crate::MAX_BATCH`]; other top-level fields (`groupKey`, `receiver`,
/// `groupLabels`, …) are ignored except `externalURL`.
///
/// Per alert: `status` `firing` → `trigger`, `resolved` → `resolve`, absent →
/// `trigger` (old senders omit it), anything else is an error. `labels` must
/// be non-empty after dropping empty values; label names are not checked
/// against the Prometheus charset here (Alertmanager has already accepted
/// them, and newer ones allow UTF-8 names). `dedup_key` = `fingerprint` when
/// present and non-empty, else [`label_fingerprint`] of the labels (the same
/// value: Alertmanager's fingerprint is FNV-1a over the sorted label set).
/// Summary, severity, source, times and labels map as in
/// [`parse_alertmanager_api`]; `links` = `generatorURL` (text "Source"), then
/// `externalURL` (text "Alertmanager").
pub fn parse_alertmanager_webhook(body: &[u8], now: Timestamp) -> Result<Vec<Event>, IngestError> {
    let value = fields::parse_body(body)?;
    let root = Obj::new(&value, "")?;
    match root.opt_str("version")? {
        Some("4") => {}
        Some(other) => {
            return Err(FieldError::invalid(
                "version",
                format_args!(
                    "unsupported Alertmanager webhook version {other:?}; expected \"4\", \
                     the format current Alertmanager releases send (upgrade Alertmanager)"
                ),
            )
            .into());
        }
        None => {
            return Err(FieldError::missing(
                "version",
                "required field is missing; expected \"4\" (an Alertmanager webhook payload)",
            )
            .into());
        }
    }
    let items = root.req_array("alerts")?;
    let external_url = root.opt_nonempty_str("externalURL")?;
    fields::batch(items, "alerts", |path, item| {
        let alert = Obj::new(item, path)?;
        let action = match alert.opt_str("status")? {
            None | Some("firing") => EventAction::Trigger,
            Some("resolved") => EventAction::Resolve,
            Some(other) => {
                return Err(FieldError::invalid(
                    &alert.path("status"),
                    format_args!("unknown value {other:?}; expected firing or resolved"),
                ));
            }
        };
        let fingerprint = alert.opt_nonempty_str("fingerprint")?.map(str::to_owned);
        let parsed = Alert::parse(&alert, now, false)?;
        let dedup_key = fingerprint.unwrap_or_else(|| label_fingerprint(&parsed.labels));
        Ok(to_event(parsed, SourceKind::AlertmanagerWebhook, action, dedup_key, external_url))
    })
}

/// The fields an alert has in both formats (and in Grafana's webhook).
pub(crate) struct Alert {
    pub(crate) labels: Labels,
    pub(crate) annotations: Labels,
    pub(crate) starts_at: Option<Timestamp>,
    pub(crate) ends_at: Option<Timestamp>,
    pub(crate) generator_url: Option<String>,
}

impl Alert {
    /// `strict_names`: enforce the Prometheus label-name charset (API only).
    pub(crate) fn parse(
        alert: &Obj<'_>,
        now: Timestamp,
        strict_names: bool,
    ) -> Result<Self, FieldError> {
        let labels_path = alert.path("labels");
        if alert.get("labels").is_none() {
            return Err(FieldError::missing(&labels_path, "required field is missing"));
        }
        let mut labels = alert.string_map("labels")?;
        labels.retain(|_, value| !value.is_empty());
        if labels.is_empty() {
            return Err(FieldError::invalid(
                &labels_path,
                "must not be empty (at least one label with a non-empty value)",
            ));
        }
        let annotations = alert.string_map("annotations")?;
        for (names, path) in [(&labels, labels_path), (&annotations, alert.path("annotations"))] {
            for name in names.keys() {
                if let Some(reason) = bad_name(name, strict_names) {
                    return Err(FieldError::invalid(
                        &path,
                        format_args!("invalid name {name:?}: {reason}"),
                    ));
                }
            }
        }
        let starts_at = go_time(alert, "startsAt")?;
        let ends_at = go_time(alert, "endsAt")?;
        if let Some(starts_at) = starts_at {
            not_in_future(&alert.path("startsAt"), starts_at, now)?;
        }
        if let (Some(starts_at), Some(ends_at)) = (starts_at, ends_at)
            && ends_at < starts_at
        {
            return Err(FieldError::invalid(
                &alert.path("endsAt"),
                format_args!("{ends_at} is before startsAt {starts_at}"),
            ));
        }
        let generator_url = alert.opt_nonempty_str("generatorURL")?.map(str::to_owned);
        Ok(Self { labels, annotations, starts_at, ends_at, generator_url })
    }
}

/// Why a label or annotation name is not acceptable, if it is not.
fn bad_name(name: &str, strict: bool) -> Option<&'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => Some("must not be empty"),
        Some(_) if !strict => None,
        Some(first) if !(first.is_ascii_alphabetic() || first == '_') => {
            Some("must start with a letter or '_'")
        }
        Some(_) if !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            Some("may contain only letters, digits and '_'")
        }
        Some(_) => None,
    }
}

/// An RFC 3339 timestamp where Go's zero time (and absence, and "") mean unset.
fn go_time(alert: &Obj<'_>, key: &str) -> Result<Option<Timestamp>, FieldError> {
    let Some(text) = alert.opt_nonempty_str(key)? else { return Ok(None) };
    let at = fields::timestamp(&alert.path(key), text)?;
    Ok((at != GO_ZERO_TIME).then_some(at))
}

/// The mapping both formats share, documented on [`parse_alertmanager_api`].
pub(crate) fn to_event(
    alert: Alert,
    source_kind: SourceKind,
    action: EventAction,
    dedup_key: String,
    external_url: Option<&str>,
) -> Event {
    let first = |map: &Labels, keys: &[&str]| {
        keys.iter().find_map(|k| map.get(*k).filter(|v| !v.is_empty()).cloned())
    };
    let summary = first(&alert.annotations, &["summary", "description"])
        .or_else(|| first(&alert.labels, &["alertname"]))
        .unwrap_or_else(|| "alert".to_owned());
    let severity = alert
        .labels
        .get("severity")
        .and_then(|s| Severity::from_label(s))
        .unwrap_or(Severity::Warning);
    let mut links = Vec::new();
    if let Some(href) = alert.generator_url {
        links.push(Link { href, text: Some("Source".to_owned()) });
    }
    if let Some(href) = external_url {
        links.push(Link { href: href.to_owned(), text: Some("Alertmanager".to_owned()) });
    }
    let mut event = Event::trigger(dedup_key, truncate(summary, MAX_SUMMARY_CHARS));
    event.source_kind = source_kind;
    event.action = action;
    event.source = first(&alert.labels, &["instance", "job"]);
    event.severity = severity;
    event.occurred_at = alert.starts_at;
    event.ends_at = alert.ends_at;
    event.labels = alert.labels;
    event.annotations = alert.annotations;
    event.links = links;
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_zero_time_is_what_alertmanager_sends() {
        assert_eq!("0001-01-01T00:00:00Z".parse::<Timestamp>().ok(), Some(GO_ZERO_TIME));
    }

    #[test]
    fn names_follow_the_prometheus_charset_when_strict() {
        assert_eq!(bad_name("alertname", true), None);
        assert_eq!(bad_name("_x9", true), None);
        assert!(bad_name("9x", true).is_some());
        assert!(bad_name("a-b", true).is_some());
        assert_eq!(bad_name("a-b", false), None);
        assert!(bad_name("", false).is_some());
    }
}
