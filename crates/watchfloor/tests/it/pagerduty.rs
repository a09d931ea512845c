//! PagerDuty Events API v2 (`POST /v2/enqueue`): dedup, grouping, resolve, generated keys and PagerDuty's own samples.

use serde_json::{Value, json};

use crate::harness::{App, PAGERDUTY_KEY, config_yaml, sample_by_prefix, spawn_app};

fn trigger(dedup_key: Option<&str>, summary: &str) -> Value {
    let mut event = json!({
        "routing_key": PAGERDUTY_KEY,
        "event_action": "trigger",
        "payload": {"summary": summary, "source": "fw-fra-1", "severity": "critical", "component": "vpn"},
    });
    if let Some(key) = dedup_key {
        event["dedup_key"] = json!(key);
    }
    event
}

fn action(action: &str, dedup_key: &str) -> Value {
    json!({"routing_key": PAGERDUTY_KEY, "event_action": action, "dedup_key": dedup_key})
}

/// POSTs one event and checks PagerDuty's success answer; returns the dedup key.
fn enqueue(app: &App, event: &Value) -> String {
    let reply = app.post_json("/v2/enqueue", event).expect_status(202, "POST /v2/enqueue");
    let body = reply.json();
    assert_eq!(body["status"], "success", "{body}");
    assert_eq!(body["message"], "Event processed", "{body}");
    let key = body["dedup_key"].as_str().unwrap_or_else(|| panic!("no dedup_key in {body}"));
    assert!(!key.is_empty(), "empty dedup_key in {body}");
    key.to_owned()
}

fn only_incident(app: &App, query: &str) -> Value {
    let incidents = app.incidents(query);
    assert_eq!(incidents.len(), 1, "expected one incident for {query:?}: {incidents:?}");
    incidents[0].clone()
}

fn alert_with_key<'a>(detail: &'a Value, key: &str) -> &'a Value {
    detail["alerts"]
        .as_array()
        .and_then(|alerts| alerts.iter().find(|a| a["dedup_key"] == key))
        .unwrap_or_else(|| panic!("no alert with dedup_key {key:?} in {detail}"))
}

#[test]
fn repeated_triggers_dedup_into_one_alert_and_the_incident_resolves_with_its_last_alert() {
    let app = spawn_app(&config_yaml(&[], None));

    for _ in 0..3 {
        let key = enqueue(&app, &trigger(Some("tunnel-fra-nyc"), "IPsec tunnel fra-nyc down"));
        assert_eq!(key, "tunnel-fra-nyc", "PagerDuty answers with the dedup_key it was sent");
    }
    enqueue(&app, &trigger(Some("tunnel-fra-lon"), "IPsec tunnel fra-lon down"));

    let incident = only_incident(&app, "");
    assert_eq!(incident["tenant"], "acme");
    assert_eq!(incident["alert_count"], 2, "{incident}");
    assert_eq!(incident["event_count"], 4, "{incident}");
    assert_eq!(incident["status"], "triggered");
    assert_eq!(
        incident["title"], "IPsec tunnel fra-nyc down",
        "the first alert names the incident"
    );
    for field in
        ["id", "title", "status", "priority", "priority_reason", "created_at", "updated_at"]
    {
        assert!(!incident[field].is_null(), "incident lacks {field}: {incident}");
    }
    let id = incident["id"].as_i64().expect("numeric incident id");

    let detail = app.incident(id);
    assert_eq!(detail["alerts"].as_array().map(Vec::len), Some(2), "{detail}");
    assert_eq!(alert_with_key(&detail, "tunnel-fra-nyc")["event_count"], 3, "{detail}");
    assert_eq!(alert_with_key(&detail, "tunnel-fra-lon")["event_count"], 1, "{detail}");
    assert!(
        detail["timeline"].as_array().is_some_and(|t| t.iter().any(|e| e["kind"] == "opened")),
        "the timeline records the opening: {detail}"
    );

    enqueue(&app, &action("resolve", "tunnel-fra-nyc"));
    let detail = app.incident(id);
    assert_eq!(alert_with_key(&detail, "tunnel-fra-nyc")["status"], "resolved", "{detail}");
    assert_ne!(alert_with_key(&detail, "tunnel-fra-lon")["status"], "resolved", "{detail}");
    assert_eq!(detail["status"], "triggered", "one alert still fires: {detail}");
    assert_eq!(app.incidents("?status=open").len(), 1);

    enqueue(&app, &action("resolve", "tunnel-fra-lon"));
    let detail = app.incident(id);
    assert_eq!(detail["status"], "resolved", "the last alert resolved: {detail}");
    assert!(!detail["resolved_at"].is_null(), "{detail}");
    assert!(app.incidents("?status=open").is_empty());
    assert_eq!(only_incident(&app, "?status=resolved")["id"], id);
}

#[test]
fn a_trigger_without_dedup_key_gets_a_generated_one_that_later_events_can_use() {
    let app = spawn_app(&config_yaml(&[], None));

    let first = enqueue(&app, &trigger(None, "Core ERP unreachable"));
    let second = enqueue(&app, &trigger(None, "Core ERP unreachable"));
    assert_ne!(first, second, "each keyless trigger is a new alert");

    let incident = only_incident(&app, "?status=open");
    let id = incident["id"].as_i64().expect("numeric incident id");
    assert_eq!(incident["alert_count"], 2, "{incident}");
    let detail = app.incident(id);
    alert_with_key(&detail, &first);
    alert_with_key(&detail, &second);

    enqueue(&app, &action("acknowledge", &first));
    assert_eq!(app.incident(id)["status"], "acknowledged");
    enqueue(&app, &action("resolve", &first));
    enqueue(&app, &action("resolve", &second));
    assert_eq!(app.incident(id)["status"], "resolved");
}

#[test]
fn pagerduty_documentation_samples_are_accepted_as_they_are() {
    let app = spawn_app(&config_yaml(&[], None));
    let dir = "pagerduty/pagerduty-developer-docs";
    let with_our_key = |name: &str, body: &[u8]| -> Value {
        let mut value: Value = serde_json::from_slice(body)
            .unwrap_or_else(|e| panic!("sample {name} is not JSON: {e}"));
        value["routing_key"] = json!(PAGERDUTY_KEY);
        value
    };

    let (name, body) = sample_by_prefix(dir, "events-v2_alert_trigger_");
    let sample_trigger = with_our_key(&name, &body);
    let sample_key =
        sample_trigger["dedup_key"].as_str().expect("the sample has a dedup_key").to_owned();
    assert_eq!(enqueue(&app, &sample_trigger), sample_key, "{name}");

    let incident = only_incident(&app, "?status=open");
    assert_eq!(incident["title"], sample_trigger["payload"]["summary"], "{incident}");
    let id = incident["id"].as_i64().expect("numeric incident id");
    let alert = alert_with_key(&app.incident(id), &sample_key).clone();
    assert_eq!(alert["severity"], "info", "{alert}");
    assert_eq!(alert["labels"]["component"], "postgres", "{alert}");

    // The acknowledge and resolve samples name another dedup key: give it an alert first.
    let (ack_name, ack_body) = sample_by_prefix(dir, "events-v2_alert_acknowledge_");
    let (resolve_name, resolve_body) = sample_by_prefix(dir, "events-v2_alert_resolve_");
    let sample_ack = with_our_key(&ack_name, &ack_body);
    let sample_resolve = with_our_key(&resolve_name, &resolve_body);
    let other_key =
        sample_ack["dedup_key"].as_str().expect("the sample has a dedup_key").to_owned();
    enqueue(&app, &trigger(Some(&other_key), "Replication lag on db-2"));

    assert_eq!(enqueue(&app, &sample_ack), other_key, "{ack_name}");
    let detail = app.incident(id);
    assert_eq!(alert_with_key(&detail, &other_key)["status"], "acknowledged", "{detail}");
    assert_eq!(detail["status"], "acknowledged", "{detail}");

    assert_eq!(enqueue(&app, &sample_resolve), other_key, "{resolve_name}");
    let detail = app.incident(id);
    assert_eq!(alert_with_key(&detail, &other_key)["status"], "resolved", "{detail}");
    assert_ne!(detail["status"], "resolved", "the trigger sample's alert still fires: {detail}");
    assert_eq!(detail["event_count"], 4, "{detail}");
}
