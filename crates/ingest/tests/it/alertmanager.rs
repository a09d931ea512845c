//! Alertmanager v2 API and webhook: validation and mapping of hand-written bodies.

use domain::event::label_fingerprint;
use domain::{Event, EventAction, Labels, Severity};
use ingest::{ErrorCode, IngestError, MAX_BATCH};
use serde_json::{Value, json};

use crate::{assert_rejected, now, ts};

fn api(body: &Value) -> Result<Vec<Event>, IngestError> {
    ingest::parse_alertmanager_api(body.to_string().as_bytes(), now())
}

fn webhook(body: &Value) -> Result<Vec<Event>, IngestError> {
    ingest::parse_alertmanager_webhook(body.to_string().as_bytes(), now())
}

fn alert(name: &str) -> Value {
    json!({
        "labels": {"alertname": name, "instance": "db1:9100", "severity": "critical"},
        "annotations": {"summary": format!("{name} on db1")},
        "startsAt": "2026-11-21T22:00:00Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph"
    })
}

fn hook(alerts: Vec<Value>) -> Value {
    json!({
        "version": "4",
        "groupKey": "{}:{alertname=\"X\"}",
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "watchfloor",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": alerts
    })
}

fn only(result: Result<Vec<Event>, IngestError>) -> Event {
    match result {
        Ok(events) if events.len() == 1 => {
            events.into_iter().next().unwrap_or_else(|| unreachable!())
        }
        other => panic!("expected one event, got {other:?}"),
    }
}

#[test]
fn api_maps_an_alert() {
    let event = only(api(&json!([alert("DiskFull")])));
    assert_eq!(event.action, EventAction::Trigger);
    assert_eq!(event.severity, Severity::Critical);
    assert_eq!(event.summary, "DiskFull on db1");
    assert_eq!(event.source.as_deref(), Some("db1:9100"));
    assert_eq!(event.dedup_key, label_fingerprint(&event.labels));
    assert_eq!(event.occurred_at, Some(ts("2026-11-21T22:00:00Z")));
    assert_eq!(event.ends_at, None);
    assert_eq!(event.links.len(), 1);
}

#[test]
fn api_accepts_an_empty_array() {
    assert_eq!(api(&json!([])), Ok(vec![]));
}

#[test]
fn api_resolves_when_ends_at_has_passed() {
    let mut past = alert("A");
    past["endsAt"] = json!("2026-11-21T22:30:00Z");
    let mut future = alert("B");
    future["endsAt"] = json!("2026-11-21T23:05:00Z");
    let events = api(&json!([past, future]));
    let Ok(events) = events else { panic!("{events:?}") };
    let got: Vec<_> = events.iter().map(|e| (e.action, e.ends_at)).collect();
    assert_eq!(
        got,
        [
            (EventAction::Resolve, Some(ts("2026-11-21T22:30:00Z"))),
            (EventAction::Trigger, Some(ts("2026-11-21T23:05:00Z"))),
        ]
    );
}

#[test]
fn summary_severity_and_source_fall_back() {
    let body = json!([
        {"labels": {"alertname": "A", "job": "node", "severity": "page"}, "annotations": {"description": "from description"}},
        {"labels": {"alertname": "B", "severity": "whatever"}, "annotations": {"summary": ""}},
        {"labels": {"team": "ops"}},
        {"labels": {"alertname": "D"}, "annotations": {"summary": "x".repeat(2000)}},
    ]);
    let events = api(&body);
    let Ok(events) = events else { panic!("{events:?}") };
    let got: Vec<_> = events
        .iter()
        .map(|e| (e.summary.chars().count(), e.severity, e.source.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("from description".len(), Severity::Critical, Some("node")),
            (1, Severity::Warning, None),
            ("alert".len(), Severity::Warning, None),
            (1024, Severity::Warning, None),
        ]
    );
    let summaries: Vec<_> = events.iter().take(3).map(|e| e.summary.as_str()).collect();
    assert_eq!(summaries, ["from description", "B", "alert"]);
    assert!(events.iter().all(|e| e.occurred_at.is_none() && e.links.is_empty()));
}

#[test]
fn empty_label_values_are_dropped_before_fingerprinting() {
    let with_empty = only(api(&json!([{"labels": {"alertname": "A", "team": ""}}])));
    let without = only(api(&json!([{"labels": {"alertname": "A"}}])));
    assert_eq!(with_empty.labels, without.labels);
    assert_eq!(with_empty.dedup_key, without.dedup_key);
}

#[test]
fn api_body_must_be_an_array() {
    let error = assert_rejected(
        api(&json!({"alerts": []})),
        ErrorCode::InvalidField,
        "body: expected an array of alerts, found an object",
    );
    assert!(error.items.is_empty());
}

#[test]
fn one_bad_alert_rejects_the_whole_batch_and_names_its_index() {
    let bad = json!({"labels": {"alertname": ""}});
    let result = api(&json!([alert("A"), bad, alert("C")]));
    let error = assert_rejected(result, ErrorCode::InvalidItems, "1 of 3 alerts invalid");
    assert_eq!(error.items.len(), 1);
    assert_eq!(error.items.first().map(|i| i.index), Some(1));
    assert_eq!(
        error.items.first().map(|i| i.message.as_str()),
        Some("alerts[1].labels: must not be empty (at least one label with a non-empty value)")
    );
}

#[test]
fn every_bad_alert_is_reported() {
    let cases = [
        (json!({"annotations": {}}), "alerts[0].labels: required field is missing"),
        (json!({"labels": []}), "alerts[1].labels: expected an object of strings, found an array"),
        (
            json!({"labels": {"team": 7}}),
            "alerts[2].labels.team: expected a string, found a number",
        ),
        (
            json!({"labels": {"a-b": "x"}}),
            "alerts[3].labels: invalid name \"a-b\": may contain only letters, digits and '_'",
        ),
        (
            json!({"labels": {"1a": "x"}}),
            "alerts[4].labels: invalid name \"1a\": must start with a letter or '_'",
        ),
        (
            json!({"labels": {"a": "x"}, "annotations": {"runbook url": "x"}}),
            "alerts[5].annotations: invalid name \"runbook url\"",
        ),
        (
            json!({"labels": {"a": "x"}, "startsAt": "2026-13-01T00:00:00Z"}),
            "alerts[6].startsAt: invalid timestamp \"2026-13-01T00:00:00Z\"",
        ),
        (
            json!({"labels": {"a": "x"}, "startsAt": "2026-11-21T23:20:00Z"}),
            "alerts[7].startsAt: 2026-11-21T23:20:00Z is in the future",
        ),
        (
            json!({"labels": {"a": "x"}, "startsAt": "2026-11-21T22:00:00Z", "endsAt": "2026-11-21T21:00:00Z"}),
            "alerts[8].endsAt: 2026-11-21T21:00:00Z is before startsAt 2026-11-21T22:00:00Z",
        ),
        (json!("alert"), "alerts[9]: expected an object, found a string"),
        (
            json!({"labels": {"a": "x"}, "generatorURL": 5}),
            "alerts[10].generatorURL: expected a string, found a number",
        ),
    ];
    let body: Vec<Value> = cases.iter().map(|(alert, _)| alert.clone()).collect();
    let error = assert_rejected(
        api(&Value::Array(body)),
        ErrorCode::InvalidItems,
        "11 of 11 alerts invalid",
    );
    assert_eq!(error.items.len(), cases.len());
    for (index, ((_, message), item)) in cases.iter().zip(&error.items).enumerate() {
        assert_eq!(item.index, index);
        assert!(
            item.message.starts_with(message),
            "{:?} should start with {message:?}",
            item.message
        );
    }
}

#[test]
fn batches_are_limited() {
    let many =
        |n: usize| Value::Array((0..n).map(|i| json!({"labels": {"n": i.to_string()}})).collect());
    assert_eq!(api(&many(MAX_BATCH)).map(|e| e.len()), Ok(MAX_BATCH));
    assert_rejected(
        api(&many(MAX_BATCH + 1)),
        ErrorCode::BatchTooLarge,
        "alerts: 1001 items is more than the limit of 1000",
    );
    let Value::Array(alerts) = many(MAX_BATCH + 1) else { unreachable!() };
    assert_rejected(webhook(&hook(alerts)), ErrorCode::BatchTooLarge, "limit of 1000");
}

#[test]
fn malformed_bodies_are_rejected_by_both_parsers() {
    let mut utf8 = br#"[{"labels":{"a":""#.to_vec();
    utf8.push(0xff);
    utf8.extend_from_slice(br#""}}]"#);
    let deep =
        format!("[{{\"labels\":{{\"a\":\"b\"}},\"x\":{}{}}}]", "[".repeat(100), "]".repeat(100));
    let cases: [(&[u8], ErrorCode); 4] = [
        (b"[{\"labels\": {", ErrorCode::InvalidJson),
        (b"[1, 2,]", ErrorCode::InvalidJson),
        (&utf8, ErrorCode::InvalidJson),
        (deep.as_bytes(), ErrorCode::TooDeep),
    ];
    for (body, code) in cases {
        assert_eq!(ingest::parse_alertmanager_api(body, now()).map_err(|e| e.code), Err(code));
        assert_eq!(ingest::parse_alertmanager_webhook(body, now()).map_err(|e| e.code), Err(code));
    }
}

#[test]
fn webhook_maps_status_fingerprint_and_links() {
    let mut resolved = alert("B");
    resolved["status"] = json!("resolved");
    resolved["endsAt"] = json!("2026-11-21T22:50:00Z");
    resolved["fingerprint"] = json!("0123456789abcdef");
    let mut empty_fingerprint = alert("C");
    empty_fingerprint["fingerprint"] = json!("");
    let events = webhook(&hook(vec![alert("A"), resolved, empty_fingerprint]));
    let Ok(events) = events else { panic!("{events:?}") };
    let actions: Vec<_> = events.iter().map(|e| e.action).collect();
    assert_eq!(actions, [EventAction::Trigger, EventAction::Resolve, EventAction::Trigger]);
    let keys: Vec<_> = events.iter().map(|e| e.dedup_key.clone()).collect();
    let fingerprint = |e: &Event| label_fingerprint(&e.labels);
    assert_eq!(
        keys,
        [fingerprint(&events[0]), "0123456789abcdef".to_owned(), fingerprint(&events[2])]
    );
    let link_texts: Vec<_> = events[0].links.iter().map(|l| l.text.as_deref()).collect();
    assert_eq!(link_texts, [Some("Source"), Some("Alertmanager")]);
}

#[test]
fn webhook_version_must_be_4() {
    let mut v3 = hook(vec![alert("A")]);
    v3["version"] = json!("3");
    v3["groupKey"] = json!(5_615_590_933_959_184_469_u64);
    assert_rejected(
        webhook(&v3),
        ErrorCode::InvalidField,
        "version: unsupported Alertmanager webhook version \"3\"; expected \"4\"",
    );
    let mut number = hook(vec![]);
    number["version"] = json!(4);
    assert_rejected(
        webhook(&number),
        ErrorCode::InvalidField,
        "version: expected a string, found a number",
    );
    let mut missing = hook(vec![]);
    missing.as_object_mut().map(|m| m.remove("version"));
    assert_rejected(
        webhook(&missing),
        ErrorCode::MissingField,
        "version: required field is missing",
    );
    let mut no_alerts = hook(vec![]);
    no_alerts.as_object_mut().map(|m| m.remove("alerts"));
    assert_rejected(
        webhook(&no_alerts),
        ErrorCode::MissingField,
        "alerts: required field is missing",
    );
    assert_rejected(
        webhook(&json!([])),
        ErrorCode::InvalidField,
        "body: expected an object, found an array",
    );
    assert_eq!(webhook(&hook(vec![])), Ok(vec![]));
}

#[test]
fn webhook_rejects_one_bad_alert_in_three() {
    let mut bad = alert("B");
    bad["status"] = json!("pending");
    let error = assert_rejected(
        webhook(&hook(vec![alert("A"), bad, alert("C")])),
        ErrorCode::InvalidItems,
        "1 of 3 alerts invalid",
    );
    let items: Vec<_> = error.items.iter().map(|i| (i.index, i.message.as_str())).collect();
    assert_eq!(
        items,
        [(1, "alerts[1].status: unknown value \"pending\"; expected firing or resolved")]
    );

    let mut empty = alert("B");
    empty["labels"] = json!({});
    let error = assert_rejected(
        webhook(&hook(vec![alert("A"), alert("B"), empty])),
        ErrorCode::InvalidItems,
        "alerts[2].labels: must not be empty",
    );
    assert_eq!(error.items.first().map(|i| i.index), Some(2));
}

#[test]
fn webhook_accepts_non_prometheus_label_names() {
    let body = hook(vec![json!({"labels": {"app.kubernetes.io/name": "api"}})]);
    let event = only(webhook(&body));
    let expected: Labels = [("app.kubernetes.io/name".to_owned(), "api".to_owned())].into();
    assert_eq!(event.labels, expected);
}
