//! Watchfloor's native batch format (`POST /hooks/generic/{integration_key}`).
//!
//! A JSON object with one field, `events`: an array of 1 to 1000 events.
//! Unknown fields are rejected everywhere (a typo is an error, not a silently
//! ignored field). `null` counts as absent.
//!
//! ```json
//! {
//!   "events": [
//!     {
//!       "action": "trigger",
//!       "dedup_key": "db1-disk",
//!       "summary": "Disk 95% full on db1",
//!       "severity": "critical",
//!       "source": "db1",
//!       "timestamp": "2026-11-21T10:00:00Z",
//!       "labels": {"host": "db1", "alertname": "DiskFull"},
//!       "annotations": {"runbook": "https://runbooks.example/disk"},
//!       "details": {"used_percent": 95, "mount": "/var/lib/postgresql"},
//!       "links": [{"href": "https://grafana.example/d/disk", "text": "Dashboard"}]
//!     },
//!     {"action": "resolve", "dedup_key": "db0-disk"}
//!   ]
//! }
//! ```
//!
//! | field | type | required | meaning |
//! |---|---|---|---|
//! | `action` | `"trigger"`, `"acknowledge"` or `"resolve"` | no, default `"trigger"` | what happened to the alert |
//! | `dedup_key` | string, 1–255 characters | unless `labels` is non-empty | identifies the alert; when absent, the fingerprint of `labels` (the same as Alertmanager's) |
//! | `summary` | string, 1–1024 characters | for `trigger` | one line for humans; other actions default to `"<action> <dedup_key>"` |
//! | `severity` | `"critical"`, `"error"`, `"warning"` or `"info"` | no, default `"warning"` | |
//! | `source` | string | no | where it happened (host, instance, resource) |
//! | `timestamp` | RFC 3339 string | no | when it happened; at most 15 minutes in the future |
//! | `labels` | object of strings | no | identify the alert: grouping and matching use them |
//! | `annotations` | object of strings | no | non-identifying text (runbook, description) |
//! | `details` | any JSON | no | free-form structured details |
//! | `links` | array of `{"href": string, "text": string}` | no | `href` required, `text` optional |

use domain::event::label_fingerprint;
use domain::{Event, EventAction, Severity, SourceKind, Timestamp};
use serde_json::Value;

use crate::error::{FieldError, IngestError};
use crate::fields::{self, MAX_DEDUP_KEY_CHARS, MAX_SUMMARY_CHARS, Obj, at_most, not_in_future};

/// The fields an event may have; anything else is rejected.
const EVENT_FIELDS: [&str; 10] = [
    "action",
    "dedup_key",
    "summary",
    "severity",
    "source",
    "timestamp",
    "labels",
    "annotations",
    "details",
    "links",
];

/// Parses Watchfloor's native batch format; see the [module docs](self).
pub fn parse_generic(body: &[u8], now: Timestamp) -> Result<Vec<Event>, IngestError> {
    let value = fields::parse_body(body)?;
    let root = Obj::new(&value, "")?;
    root.deny_unknown(&["events"])?;
    let items = root.req_array("events")?;
    if items.is_empty() {
        return Err(FieldError::invalid("events", "must contain at least one event").into());
    }
    fields::batch(items, "events", |path, item| event(&Obj::new(item, path)?, now))
}

fn event(item: &Obj<'_>, now: Timestamp) -> Result<Event, FieldError> {
    item.deny_unknown(&EVENT_FIELDS)?;
    let action = match item.opt_str("action")? {
        None => EventAction::Trigger,
        Some(text) => EventAction::parse(text).ok_or_else(|| {
            FieldError::invalid(
                &item.path("action"),
                format_args!("unknown value {text:?}; expected trigger, acknowledge or resolve"),
            )
        })?,
    };
    let labels = item.string_map("labels")?;
    if let Some(name) = labels.keys().find(|name| name.is_empty()) {
        return Err(FieldError::invalid(
            &item.path("labels"),
            format_args!("label names must not be empty, found {name:?}"),
        ));
    }
    let annotations = item.string_map("annotations")?;
    let dedup_key = match item.opt_str("dedup_key")? {
        Some(key) => {
            let path = item.path("dedup_key");
            if key.is_empty() {
                return Err(FieldError::invalid(&path, "must not be empty"));
            }
            at_most(&path, key, MAX_DEDUP_KEY_CHARS)?;
            key.to_owned()
        }
        None if !labels.is_empty() => label_fingerprint(&labels),
        None => {
            return Err(FieldError::missing(
                &item.path("dedup_key"),
                "required when labels is empty (give a dedup_key, labels, or both)",
            ));
        }
    };
    let summary = match (item.opt_str("summary")?, action) {
        (Some(summary), _) => {
            let path = item.path("summary");
            if summary.is_empty() {
                return Err(FieldError::invalid(&path, "must not be empty"));
            }
            at_most(&path, summary, MAX_SUMMARY_CHARS)?;
            summary.to_owned()
        }
        (None, EventAction::Trigger) => {
            return Err(FieldError::missing(&item.path("summary"), "required for trigger events"));
        }
        (None, other) => format!("{} {dedup_key}", other.as_str()),
    };
    let severity = match item.opt_str("severity")? {
        None => Severity::Warning,
        Some(text) => text.parse::<Severity>().map_err(|_| {
            FieldError::invalid(
                &item.path("severity"),
                format_args!("unknown value {text:?}; expected critical, error, warning or info"),
            )
        })?,
    };
    let occurred_at = match item.opt_str("timestamp")? {
        None => None,
        Some(text) => {
            let path = item.path("timestamp");
            Some(not_in_future(&path, fields::timestamp(&path, text)?, now)?)
        }
    };
    let mut event = Event::trigger(dedup_key, summary);
    event.source_kind = SourceKind::Generic;
    event.action = action;
    event.source = item.opt_nonempty_str("source")?.map(str::to_owned);
    event.severity = severity;
    event.occurred_at = occurred_at;
    event.labels = labels;
    event.annotations = annotations;
    event.details = item.get("details").cloned().unwrap_or(Value::Null);
    event.links = fields::links(item, "links", true)?;
    Ok(event)
}
