//! PagerDuty Events v2: validation and mapping of hand-written bodies.

use domain::{EventAction, Severity, SourceKind};
use ingest::{ErrorCode, IngestError, PagerDutyEvent};
use serde_json::{Value, json};

use crate::{assert_rejected, no_fresh_key, now};

fn parse(body: &Value) -> Result<PagerDutyEvent, IngestError> {
    ingest::parse_pagerduty(body.to_string().as_bytes(), now(), &mut || "fresh-key".to_owned())
}

fn trigger() -> Value {
    json!({
        "routing_key": "acme-pagerduty-key",
        "event_action": "trigger",
        "payload": {"summary": "Disk full on db1", "source": "db1", "severity": "critical"}
    })
}

/// `body` with the field at `pointer` set (added if absent) to `value`.
fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or_default();
    match body.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key.to_owned(), value);
        }
        _ => panic!("no object at {parent:?} in {body}"),
    }
    body
}

fn without(mut body: Value, parent: &str, key: &str) -> Value {
    if let Some(Value::Object(map)) = body.pointer_mut(parent) {
        map.remove(key);
    }
    body
}

#[test]
fn minimal_trigger_gets_a_fresh_dedup_key() {
    let parsed = parse(&trigger());
    let Ok(parsed) = parsed else { panic!("{parsed:?}") };
    assert_eq!(parsed.routing_key, "acme-pagerduty-key");
    assert!(parsed.dedup_key_generated);
    let event = parsed.event;
    assert_eq!(event.source_kind, SourceKind::PagerDuty);
    assert_eq!(event.action, EventAction::Trigger);
    assert_eq!(event.dedup_key, "fresh-key");
    assert_eq!(event.summary, "Disk full on db1");
    assert_eq!(event.severity, Severity::Critical);
    assert_eq!(event.source.as_deref(), Some("db1"));
    assert_eq!(event.labels.len(), 1);
    assert_eq!(event.details, Value::Null);
    assert!(event.links.is_empty() && event.annotations.is_empty());
}

#[test]
fn unknown_fields_are_ignored_and_custom_details_kept_as_sent() {
    let body = with(trigger(), "/payload/custom_details", json!("just a string"));
    let body = with(body, "/routing_key", json!("k"));
    let mut body = body;
    body["payload_version"] = json!(2);
    body["dedup_key"] = json!("db1-disk");
    let parsed = parse(&body).map(|p| p.event);
    let Ok(event) = parsed else { panic!("{parsed:?}") };
    assert_eq!(event.dedup_key, "db1-disk");
    assert_eq!(event.details, json!("just a string"));
}

#[test]
fn malformed_json_and_invalid_utf8_are_invalid_json() {
    for body in [&b"{\"routing_key\": "[..], b"", b"not json", b"{} trailing"] {
        let error = assert_rejected(
            ingest::parse_pagerduty(body, now(), &mut no_fresh_key),
            ErrorCode::InvalidJson,
            "invalid JSON",
        );
        assert!(error.items.is_empty());
    }
    let mut body =
        br#"{"routing_key":"k","event_action":"trigger","payload":{"summary":""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    body.extend_from_slice(br#"","source":"h","severity":"info"}}"#);
    assert_rejected(
        ingest::parse_pagerduty(&body, now(), &mut no_fresh_key),
        ErrorCode::InvalidJson,
        "invalid JSON",
    );
}

#[test]
fn deep_nesting_is_rejected_before_parsing() {
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    let body = trigger().to_string().replacen(
        "\"severity\"",
        &format!("\"custom_details\":{deep},\"severity\""),
        1,
    );
    assert_rejected(
        ingest::parse_pagerduty(body.as_bytes(), now(), &mut no_fresh_key),
        ErrorCode::TooDeep,
        "deeper than the limit of 32",
    );
}

#[test]
fn wrong_types_name_the_field() {
    let cases = [
        (
            with(trigger(), "/routing_key", json!(42)),
            "routing_key: expected a string, found a number",
        ),
        (with(trigger(), "/payload", json!("text")), "payload: expected an object, found a string"),
        (
            with(trigger(), "/payload/severity", json!(["critical"])),
            "payload.severity: expected a string, found an array",
        ),
        (
            with(trigger(), "/links", json!({"href": "x"})),
            "links: expected an array, found an object",
        ),
        (with(trigger(), "/links", json!(["x"])), "links[0]: expected an object, found a string"),
        (json!([trigger()]), "body: expected an object, found an array"),
    ];
    for (body, message) in cases {
        let error = assert_rejected(parse(&body), ErrorCode::InvalidField, message);
        assert_eq!(error.message, message);
    }
}

#[test]
fn missing_required_fields_name_the_field() {
    let resolve = json!({"routing_key": "k", "event_action": "resolve"});
    let acknowledge = json!({"routing_key": "k", "event_action": "acknowledge", "dedup_key": ""});
    let cases = [
        (without(trigger(), "", "routing_key"), "routing_key: required field is missing"),
        (without(trigger(), "", "event_action"), "event_action: required field is missing"),
        (without(trigger(), "", "payload"), "payload: required for trigger events"),
        (with(trigger(), "/payload", Value::Null), "payload: required for trigger events"),
        (without(trigger(), "/payload", "summary"), "payload.summary: required field is missing"),
        (without(trigger(), "/payload", "source"), "payload.source: required field is missing"),
        (without(trigger(), "/payload", "severity"), "payload.severity: required field is missing"),
        (resolve, "dedup_key: required for resolve events"),
        (acknowledge, "dedup_key: required for acknowledge events"),
    ];
    for (body, message) in cases {
        let error = assert_rejected(parse(&body), ErrorCode::MissingField, message);
        assert_eq!(error.message, message);
    }
}

#[test]
fn invalid_values_name_the_field_and_the_choices() {
    let cases = [
        (
            with(trigger(), "/payload/severity", json!("bad")),
            "payload.severity: unknown value \"bad\"; expected critical, error, warning or info",
        ),
        (
            with(trigger(), "/payload/severity", json!("Critical")),
            "payload.severity: unknown value \"Critical\"",
        ),
        (
            with(trigger(), "/event_action", json!("fire")),
            "event_action: unknown value \"fire\"; expected trigger, acknowledge or resolve",
        ),
        (with(trigger(), "/routing_key", json!("")), "routing_key: must not be empty"),
        (with(trigger(), "/payload/summary", json!("")), "payload.summary: must not be empty"),
        (
            with(trigger(), "/routing_key", json!("k".repeat(129))),
            "routing_key: must be at most 128 characters, got 129",
        ),
        (
            with(trigger(), "/payload/summary", json!("é".repeat(1025))),
            "payload.summary: must be at most 1024 characters, got 1025",
        ),
        (
            {
                let mut body = trigger();
                body["dedup_key"] = json!("d".repeat(256));
                body
            },
            "dedup_key: must be at most 255 characters, got 256",
        ),
        (
            {
                let mut body = trigger();
                body["links"] = json!([{"text": "no href"}]);
                body
            },
            "links[0].href: required field is missing",
        ),
        (
            {
                let mut body = trigger();
                body["images"] = json!([{"href": "https://example.com"}]);
                body
            },
            "images[0].src: required field is missing",
        ),
    ];
    for (body, message) in cases {
        let result = parse(&body);
        let Err(error) = result else { panic!("expected {message:?}, got {result:?}") };
        assert!(
            error.message.starts_with(message),
            "{:?} should start with {message:?}",
            error.message
        );
    }
    // Limits count characters, not bytes.
    let at_limit = with(trigger(), "/payload/summary", json!("é".repeat(1024)));
    assert!(parse(&at_limit).is_ok());
}

#[test]
fn timestamps_must_parse_and_not_be_in_the_future() {
    let bad = with(trigger(), "/payload/timestamp", json!("yesterday"));
    let error = assert_rejected(
        parse(&bad),
        ErrorCode::InvalidField,
        "payload.timestamp: invalid timestamp \"yesterday\"",
    );
    assert!(error.message.contains("RFC 3339"), "{}", error.message);

    let future = with(trigger(), "/payload/timestamp", json!("2026-11-21T23:16:00Z"));
    assert_rejected(
        parse(&future),
        ErrorCode::InvalidField,
        "payload.timestamp: 2026-11-21T23:16:00Z is in the future",
    );

    // Within the tolerance (clock skew) is fine, and offsets are honoured.
    let skewed = with(trigger(), "/payload/timestamp", json!("2026-11-21T23:14:00+00:00"));
    let parsed = parse(&skewed).map(|p| p.event.occurred_at);
    assert_eq!(parsed, Ok(Some(crate::ts("2026-11-21T23:14:00Z"))));
    let offset = with(trigger(), "/payload/timestamp", json!("2026-11-21T18:00:00-05:00"));
    let parsed = parse(&offset).map(|p| p.event.occurred_at);
    assert_eq!(parsed, Ok(Some(crate::ts("2026-11-21T23:00:00Z"))));
}

#[test]
fn acknowledge_keeps_the_sent_dedup_key_and_never_asks_for_a_fresh_one() {
    let body = json!({"routing_key": "k", "event_action": "acknowledge", "dedup_key": "db1-disk"});
    let parsed = ingest::parse_pagerduty(body.to_string().as_bytes(), now(), &mut no_fresh_key);
    let Ok(parsed) = parsed else { panic!("{parsed:?}") };
    assert_eq!(parsed.event.action, EventAction::Acknowledge);
    assert_eq!(parsed.event.dedup_key, "db1-disk");
    assert!(!parsed.dedup_key_generated);
}
