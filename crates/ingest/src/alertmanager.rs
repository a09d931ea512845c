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
    fields::check_depth(body)?;
    if let Some(events) = api_alerts_read_whole(body, now) {
        return Ok(events);
    }
    api_alerts_read_by_field(body, now)
}

/// A valid postable alert, as [`api_alerts_read_whole`] reads it: straight
/// into the event's maps and borrowed strings, without a tree of
/// `serde_json::Value`s in between. `null` is no value of any field here,
/// as it is none for [`Alert::parse`].
#[derive(serde::Deserialize)]
struct PostableAlert<'a> {
    labels: Labels,
    #[serde(default)]
    annotations: Labels,
    #[serde(default, borrow, rename = "startsAt")]
    starts_at: std::borrow::Cow<'a, str>,
    #[serde(default, borrow, rename = "endsAt")]
    ends_at: std::borrow::Cow<'a, str>,
    #[serde(default, borrow, rename = "generatorURL")]
    generator_url: std::borrow::Cow<'a, str>,
}

/// The events of a body that is valid whole, read in one pass; `None` for
/// any body it does not accept whole (or a key given twice, which serde
/// refuses and Alertmanager takes the last of), which
/// [`api_alerts_read_by_field`] then reads again to name what is wrong.
/// Whatever this accepts, that reads the same (a property test holds them to
/// it).
fn api_alerts_read_whole(body: &[u8], now: Timestamp) -> Option<Vec<Event>> {
    let alerts: Vec<PostableAlert<'_>> = serde_json::from_slice(body).ok()?;
    if alerts.len() > crate::MAX_BATCH {
        return None;
    }
    let mut events = Vec::with_capacity(alerts.len());
    for alert in alerts {
        // The checks of `Alert::parse`, their errors (built only on the
        // way out) left to the reading field by field.
        let labels = nonempty_labels(alert.labels, "labels").ok()?;
        check_names(&labels, "labels", true).ok()?;
        check_names(&alert.annotations, "annotations", true).ok()?;
        let starts_at = go_timestamp("startsAt", &alert.starts_at).ok()?;
        let ends_at = go_timestamp("endsAt", &alert.ends_at).ok()?;
        check_times(starts_at, ends_at, now, &str::to_owned).ok()?;
        let generator_url = (!alert.generator_url.is_empty()).then(|| alert.generator_url.into());
        let parsed =
            Alert { labels, annotations: alert.annotations, starts_at, ends_at, generator_url };
        events.push(api_event(parsed, now));
    }
    Some(events)
}

/// [`parse_alertmanager_api`] a field at a time, each error naming its field.
fn api_alerts_read_by_field(body: &[u8], now: Timestamp) -> Result<Vec<Event>, IngestError> {
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
        Ok(api_event(Alert::parse(&alert, now, true)?, now))
    })
}

/// The event of a postable alert, however it was read.
fn api_event(parsed: Alert, now: Timestamp) -> Event {
    let action = match parsed.ends_at {
        Some(ends_at) if ends_at <= now => EventAction::Resolve,
        _ => EventAction::Trigger,
    };
    let dedup_key = label_fingerprint(&parsed.labels);
    to_event(parsed, SourceKind::AlertmanagerApi, action, dedup_key, None)
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
        let labels = nonempty_labels(alert.string_map("labels")?, &labels_path)?;
        let annotations = alert.string_map("annotations")?;
        check_names(&labels, &labels_path, strict_names)?;
        check_names(&annotations, &alert.path("annotations"), strict_names)?;
        let starts_at = go_time(alert, "startsAt")?;
        let ends_at = go_time(alert, "endsAt")?;
        check_times(starts_at, ends_at, now, &|key| alert.path(key))?;
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
    go_timestamp(&alert.path(key), text)
}

/// `text` as [`go_time`] reads it, `path` naming it in the error.
fn go_timestamp(path: &str, text: &str) -> Result<Option<Timestamp>, FieldError> {
    if text.is_empty() {
        return Ok(None);
    }
    let at = fields::timestamp(path, text)?;
    Ok((at != GO_ZERO_TIME).then_some(at))
}

/// `labels` less those with empty values, which must leave at least one.
fn nonempty_labels(mut labels: Labels, path: &str) -> Result<Labels, FieldError> {
    labels.retain(|_, value| !value.is_empty());
    if labels.is_empty() {
        return Err(FieldError::invalid(
            path,
            "must not be empty (at least one label with a non-empty value)",
        ));
    }
    Ok(labels)
}

/// Every name in `map` acceptable (see [`bad_name`]).
fn check_names(map: &Labels, path: &str, strict: bool) -> Result<(), FieldError> {
    for name in map.keys() {
        if let Some(reason) = bad_name(name, strict) {
            return Err(FieldError::invalid(path, format_args!("invalid name {name:?}: {reason}")));
        }
    }
    Ok(())
}

/// `startsAt` not in the future, and `endsAt` not before it; `path` names a
/// field by its key, only for an error.
fn check_times(
    starts_at: Option<Timestamp>,
    ends_at: Option<Timestamp>,
    now: Timestamp,
    path: &dyn Fn(&str) -> String,
) -> Result<(), FieldError> {
    let Some(starts_at) = starts_at else { return Ok(()) };
    // The path is made only for the error.
    if fields::in_future(starts_at, now) {
        not_in_future(&path("startsAt"), starts_at, now)?;
    }
    match ends_at {
        Some(ends_at) if ends_at < starts_at => Err(FieldError::invalid(
            &path("endsAt"),
            format_args!("{ends_at} is before startsAt {starts_at}"),
        )),
        _ => Ok(()),
    }
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
    use proptest::prelude::*;

    use super::*;

    /// A field of a postable alert: mostly well formed (or left out, `-`),
    /// now and then not.
    fn field(
        name: &'static str,
        good: &'static [&'static str],
        bad: &'static [&'static str],
    ) -> impl Strategy<Value = String> {
        prop_oneof![6 => proptest::sample::select(good), 1 => proptest::sample::select(bad)]
            .prop_map(
                move |value| {
                    if value == "-" { String::new() } else { format!(r#""{name}":{value}"#) }
                },
            )
    }

    fn alert() -> impl Strategy<Value = String> {
        let labels = field(
            "labels",
            &[
                r#"{"alertname":"DiskFull","instance":"db-1"}"#,
                r#"{"alertname":"Ünïcode \"quoted\"","severity":"critical"}"#,
                r#"{"alertname":"A","empty":""}"#,
                r#"{"alertname":"A","alertname":"B"}"#,
            ],
            &[
                r#"{"empty":""}"#,
                r#"{"bad-name":"x"}"#,
                r#"{"alertname":1}"#,
                "{}",
                "null",
                "[]",
                "-",
            ],
        );
        let annotations = field(
            "annotations",
            &[
                r#"{"summary":"disk full","runbook_url":"http://127.0.0.1/r"}"#,
                r#"{"description":"d"}"#,
                "{}",
                "-",
            ],
            &[r#"{"bad name":"x"}"#, r#"{"summary":2}"#, "null"],
        );
        const GOOD_TIMES: &[&str] = &[
            r#""2026-11-21T09:00:00Z""#,
            r#""2026-11-21T09:00:00+01:00""#,
            r#""0001-01-01T00:00:00Z""#,
            r#""2026-11-21T09:59:59.5Z""#,
            r#""2026-11-21T10:05:00Z""#,
            r#""""#,
            "-",
        ];
        const BAD_TIMES: &[&str] = &[r#""2026-11-21T12:00:00Z""#, r#""yesterday""#, "null", "7"];
        let starts = field("startsAt", GOOD_TIMES, BAD_TIMES);
        let ends = field("endsAt", GOOD_TIMES, BAD_TIMES);
        let url = field("generatorURL", &[r#""http://127.0.0.1:9090/g""#, r#""""#, "-"], &["null"]);
        let extra = field("extra", &[r#"{"nested":[1,{"a":null}]}"#, "true", "-"], &["-"]);
        let twice = field("labels", &["-"], &[r#"{"alertname":"Twice"}"#]);
        (labels, annotations, starts, ends, url, extra, twice).prop_map(|fields| {
            let (a, b, c, d, e, f, g) = fields;
            let present: Vec<String> =
                [a, b, c, d, e, f, g].into_iter().filter(|f| !f.is_empty()).collect();
            format!("{{{}}}", present.join(","))
        })
    }

    /// The time the generated alerts are read at.
    fn test_now() -> Timestamp {
        "2026-11-21T10:00:00Z".parse().expect("an RFC 3339 time")
    }

    #[test]
    fn what_is_read_whole_reads_the_same_field_by_field() {
        let now = test_now();
        let config =
            ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() };
        let mut runner = proptest::test_runner::TestRunner::new(config);
        let read_whole = std::cell::Cell::new(0);
        let outcome = runner.run(&proptest::collection::vec(alert(), 0..4), |alerts| {
            let body = format!("[{}]", alerts.join(","));
            let by_field = api_alerts_read_by_field(body.as_bytes(), now);
            if let Some(whole) = api_alerts_read_whole(body.as_bytes(), now) {
                read_whole.set(read_whole.get() + usize::from(!whole.is_empty()));
                prop_assert_eq!(Ok(whole), by_field.map_err(|e| e.message), "{}", body);
            }
            Ok(())
        });
        if let Err(failure) = outcome {
            panic!("{failure}");
        }
        // Not only empty batches and refusals: enough alerts read whole to compare.
        assert!(read_whole.get() >= 100, "{} non-empty batches read whole", read_whole.get());
    }

    #[test]
    fn a_valid_batch_is_read_whole() {
        let body = r#"[{"labels":{"alertname":"DiskFull"},"annotations":{"summary":"s"},
            "startsAt":"2026-11-21T09:00:00Z","generatorURL":"http://127.0.0.1/g"}]"#;
        let now = test_now();
        let whole = api_alerts_read_whole(body.as_bytes(), now);
        assert_eq!(whole.as_ref().map(Vec::len), Some(1));
        assert_eq!(whole.ok_or(()), api_alerts_read_by_field(body.as_bytes(), now).map_err(|_| ()));
    }

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
