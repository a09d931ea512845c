//! Watchfloor's native format: the documented example, defaults and strictness.

use domain::event::label_fingerprint;
use domain::{Event, EventAction, Link, Severity, SourceKind};
use ingest::{ErrorCode, IngestError, MAX_BATCH};
use serde_json::{Value, json};

use crate::{assert_rejected, now, ts};

fn parse(body: &Value) -> Result<Vec<Event>, IngestError> {
    ingest::parse_generic(body.to_string().as_bytes(), now())
}

fn item_errors(body: &Value) -> Vec<(usize, String)> {
    match parse(body) {
        Err(error) if error.code == ErrorCode::InvalidItems => {
            error.items.into_iter().map(|i| (i.index, i.message)).collect()
        }
        other => panic!("expected invalid_items, got {other:?}"),
    }
}

/// The example in the module docs (copied into the README) must stay valid.
#[test]
fn the_documented_example_parses() {
    let source = include_str!("../../src/generic.rs");
    let mut lines = source.lines().skip_while(|l| !l.starts_with("//! ```json"));
    lines.next();
    let example: String = lines
        .take_while(|l| !l.starts_with("//! ```"))
        .map(|l| l.trim_start_matches("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(example.contains("\"events\""), "no JSON example found in src/generic.rs");
    let events = ingest::parse_generic(example.as_bytes(), now());
    let Ok(events) = events else { panic!("{events:?}\n{example}") };
    let [first, second] = events.as_slice() else { panic!("expected two events: {events:?}") };
    assert_eq!(first.source_kind, SourceKind::Generic);
    assert_eq!(first.action, EventAction::Trigger);
    assert_eq!(first.dedup_key, "db1-disk");
    assert_eq!(first.summary, "Disk 95% full on db1");
    assert_eq!(first.severity, Severity::Critical);
    assert_eq!(first.source.as_deref(), Some("db1"));
    assert_eq!(first.occurred_at, Some(ts("2026-11-21T10:00:00Z")));
    assert_eq!(first.labels.get("host").map(String::as_str), Some("db1"));
    assert_eq!(
        first.annotations.get("runbook").map(String::as_str),
        Some("https://runbooks.example/disk")
    );
    assert_eq!(first.details, json!({"used_percent": 95, "mount": "/var/lib/postgresql"}));
    assert_eq!(
        first.links,
        [Link { href: "https://grafana.example/d/disk".into(), text: Some("Dashboard".into()) }]
    );
    assert_eq!(second.action, EventAction::Resolve);
    assert_eq!(second.summary, "resolve db0-disk");
}

#[test]
fn defaults_apply() {
    let events = parse(&json!({"events": [{"summary": "s", "labels": {"b": "2", "a": "1"}}]}));
    let Ok(events) = events else { panic!("{events:?}") };
    let [event] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(event.action, EventAction::Trigger);
    assert_eq!(event.severity, Severity::Warning);
    assert_eq!(event.dedup_key, label_fingerprint(&event.labels));
    assert_eq!(event.details, Value::Null);
    assert_eq!(event.source, None);
    assert_eq!(event.occurred_at, None);
}

#[test]
fn unknown_fields_are_rejected_everywhere() {
    assert_rejected(
        parse(&json!({"events": [], "event": []})),
        ErrorCode::InvalidField,
        "event: unknown field; expected one of events",
    );
    let errors = item_errors(&json!({"events": [
        {"summary": "s", "dedup_key": "k", "sevrity": "info"},
        {"summary": "s", "dedup_key": "k", "links": [{"href": "h", "url": "u"}]},
    ]}));
    assert_eq!(errors.len(), 2);
    assert!(
        errors[0]
            .1
            .starts_with("events[0].sevrity: unknown field; expected one of action, dedup_key"),
        "{errors:?}"
    );
    assert!(
        errors[1]
            .1
            .starts_with("events[1].links[0].url: unknown field; expected one of href, text"),
        "{errors:?}"
    );
}

#[test]
fn bad_events_name_their_index_and_field() {
    let cases = [
        (json!({"dedup_key": "k"}), "events[0].summary: required for trigger events"),
        (json!({"summary": "s"}), "events[1].dedup_key: required when labels is empty"),
        (
            json!({"summary": "s", "dedup_key": "k", "severity": "bad"}),
            "events[2].severity: unknown value \"bad\"; expected critical, error, warning or info",
        ),
        (
            json!({"summary": "s", "dedup_key": "k", "action": "fire"}),
            "events[3].action: unknown value \"fire\"; expected trigger, acknowledge or resolve",
        ),
        (
            json!({"summary": "s", "dedup_key": "k", "timestamp": "21/11/2026"}),
            "events[4].timestamp: invalid timestamp \"21/11/2026\"",
        ),
        (
            json!({"summary": "s", "dedup_key": "k", "timestamp": "2027-01-01T00:00:00Z"}),
            "events[5].timestamp: 2027-01-01T00:00:00Z is in the future",
        ),
        (
            json!({"summary": "s", "dedup_key": "k", "labels": ["a"]}),
            "events[6].labels: expected an object of strings, found an array",
        ),
        (
            json!({"summary": "s", "dedup_key": "k", "labels": {"a": 1}}),
            "events[7].labels.a: expected a string, found a number",
        ),
        (json!({"summary": "s", "dedup_key": ""}), "events[8].dedup_key: must not be empty"),
        (json!({"summary": "", "dedup_key": "k"}), "events[9].summary: must not be empty"),
        (
            json!({"summary": "s", "dedup_key": "k".repeat(256)}),
            "events[10].dedup_key: must be at most 255 characters",
        ),
        (
            json!({"summary": "s", "dedup_key": "k", "links": [{"text": "t"}]}),
            "events[11].links[0].href: required field is missing",
        ),
        (json!(42), "events[12]: expected an object, found a number"),
        (
            json!({"summary": 5, "dedup_key": "k"}),
            "events[13].summary: expected a string, found a number",
        ),
        (
            json!({"summary": "s", "labels": {"": "x"}}),
            "events[14].labels: label names must not be empty",
        ),
    ];
    let body = json!({"events": cases.iter().map(|(event, _)| event.clone()).collect::<Vec<_>>()});
    let errors = item_errors(&body);
    assert_eq!(errors.len(), cases.len(), "{errors:?}");
    for (index, ((_, message), (at, got))) in cases.iter().zip(&errors).enumerate() {
        assert_eq!(*at, index);
        assert!(got.starts_with(message), "{got:?} should start with {message:?}");
    }
}

#[test]
fn one_bad_event_in_three_rejects_all() {
    let good = json!({"summary": "s", "dedup_key": "k"});
    let body =
        json!({"events": [good, {"summary": "s", "dedup_key": "k", "severity": "urgent"}, good]});
    let error = assert_rejected(
        parse(&body),
        ErrorCode::InvalidItems,
        "1 of 3 events invalid, so none were accepted",
    );
    let indexes: Vec<_> = error.items.iter().map(|i| i.index).collect();
    assert_eq!(indexes, [1]);
}

#[test]
fn batch_shape_is_checked() {
    assert_rejected(
        parse(&json!({"events": []})),
        ErrorCode::InvalidField,
        "events: must contain at least one event",
    );
    assert_rejected(
        parse(&json!({})),
        ErrorCode::MissingField,
        "events: required field is missing",
    );
    assert_rejected(
        parse(&json!({"events": {}})),
        ErrorCode::InvalidField,
        "events: expected an array, found an object",
    );
    assert_rejected(
        parse(&json!([{"summary": "s"}])),
        ErrorCode::InvalidField,
        "body: expected an object, found an array",
    );
    let many = |n: usize| json!({"events": vec![json!({"summary": "s", "dedup_key": "k"}); n]});
    assert_eq!(parse(&many(MAX_BATCH)).map(|e| e.len()), Ok(MAX_BATCH));
    assert_rejected(
        parse(&many(MAX_BATCH + 1)),
        ErrorCode::BatchTooLarge,
        "events: 1001 items is more than the limit of 1000 per request",
    );
}

#[test]
fn resolve_and_acknowledge_need_no_summary() {
    let body = json!({"events": [
        {"action": "resolve", "dedup_key": "k"},
        {"action": "acknowledge", "labels": {"host": "db1"}},
    ]});
    let events = parse(&body);
    let Ok(events) = events else { panic!("{events:?}") };
    let got: Vec<_> = events.iter().map(|e| (e.action, e.summary.clone())).collect();
    let fingerprint = events.get(1).map(|e| label_fingerprint(&e.labels)).unwrap_or_default();
    assert_eq!(
        got,
        [
            (EventAction::Resolve, "resolve k".to_owned()),
            (EventAction::Acknowledge, format!("acknowledge {fingerprint}")),
        ]
    );
}

#[test]
fn malformed_bodies_are_rejected() {
    let mut utf8 = br#"{"events":[{"summary":""#.to_vec();
    utf8.extend_from_slice(&[0xc3, 0x28]);
    utf8.extend_from_slice(br#"","dedup_key":"k"}]}"#);
    let deep = format!(
        "{{\"events\":[{{\"summary\":\"s\",\"dedup_key\":\"k\",\"details\":{}{}}}]}}",
        "[".repeat(100),
        "]".repeat(100)
    );
    let cases: [(&[u8], ErrorCode); 4] = [
        (b"{\"events\": [", ErrorCode::InvalidJson),
        (b"{'events': []}", ErrorCode::InvalidJson),
        (&utf8, ErrorCode::InvalidJson),
        (deep.as_bytes(), ErrorCode::TooDeep),
    ];
    for (body, code) in cases {
        assert_eq!(ingest::parse_generic(body, now()).map_err(|e| e.code), Err(code));
    }
    // Nesting up to the limit is fine in details.
    let ok = format!(
        "{{\"events\":[{{\"summary\":\"s\",\"dedup_key\":\"k\",\"details\":{}{}}}]}}",
        "[".repeat(29),
        "]".repeat(29)
    );
    assert!(ingest::parse_generic(ok.as_bytes(), now()).is_ok());
}
