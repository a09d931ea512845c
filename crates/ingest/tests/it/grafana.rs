//! Grafana unified alerting: links, values, resolution, and the formats it is not.

use domain::{EventAction, Severity};
use ingest::ErrorCode;
use serde_json::{Value, json};

use crate::{assert_rejected, now, read_sample, ts};

const DOCS: &str = "grafana/grafana-docs_webhook-notifier/webhook_payload_firing_2-alerts.json";
const KEEP: &str = "grafana/keep/grafana12_test_alert_webhook.json";

fn sample(file: &str) -> Value {
    serde_json::from_slice(&read_sample(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn grafana_fields_become_links_details_and_annotations() {
    let events = ingest::parse_grafana(&read_sample(KEEP), now());
    let Ok([event]) = events.as_deref() else { panic!("{events:?}") };
    assert_eq!(event.dedup_key, "c4edaaf9f9f839b0");
    assert_eq!(event.occurred_at, Some(ts("2026-05-05T13:04:57.62281314Z")));
    assert_eq!(event.ends_at, None, "Go's zero time means unset");
    let links: Vec<(&str, &str)> = event
        .links
        .iter()
        .map(|l| (l.href.as_str(), l.text.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        links,
        [
            ("https://grafana.example.com/?orgId=1", "Alert rule"),
            ("https://grafana.example.com/d/dashboard_uid", "Dashboard"),
            ("https://grafana.example.com/d/dashboard_uid?viewPanel=1", "Panel"),
            ("https://grafana.example.com/alerting/silence/new", "Silence"),
        ]
    );
    assert_eq!(
        event.details,
        json!({"values": {"B": 22, "C": 1}, "valueString": "[ var='B' value=22 ]"})
    );
    assert_eq!(event.annotations.get("grafana_org_id").map(String::as_str), Some("1"));
    assert_eq!(event.annotations.get("grafana_title").map(String::as_str), Some("TestAlert"));
    assert_eq!(event.source.as_deref(), Some("Grafana"));
}

#[test]
fn resolved_alerts_resolve_and_severity_comes_from_the_label() {
    let mut body = sample(DOCS);
    body["alerts"][0]["status"] = json!("resolved");
    body["alerts"][0]["endsAt"] = json!("2021-10-12T10:01:03.157076+02:00");
    body["alerts"][1]["labels"]["severity"] = json!("critical");
    let events = ingest::parse_grafana(body.to_string().as_bytes(), now());
    let Ok([resolved, critical]) = events.as_deref() else { panic!("{events:?}") };
    assert_eq!(
        (resolved.action, resolved.dedup_key.as_str()),
        (EventAction::Resolve, "c6eadffa33fcdf37")
    );
    assert_eq!(resolved.ends_at, Some(ts("2021-10-12T08:01:03.157076Z")));
    assert_eq!((critical.action, critical.severity), (EventAction::Trigger, Severity::Critical));
    // Without a fingerprint, the label fingerprint keys the alert.
    body["alerts"][1].as_object_mut().map(|a| a.remove("fingerprint"));
    let events = ingest::parse_grafana(body.to_string().as_bytes(), now());
    let keys: Vec<String> = events.iter().flatten().map(|e| e.dedup_key.clone()).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[1].len(), 16);
}

#[test]
fn bad_grafana_bodies_are_rejected_clearly() {
    let set = |key: &str, value: Value| {
        let mut body = sample(DOCS);
        body[key] = value;
        body.to_string().into_bytes()
    };
    let mut bad_status = sample(DOCS);
    bad_status["alerts"][1]["status"] = json!("pending");
    let mut no_labels = sample(DOCS);
    no_labels["alerts"][0]["labels"] = json!({});
    let bytes = read_sample(DOCS);
    let cases: Vec<(Vec<u8>, ErrorCode, &str)> = vec![
        (bytes[..bytes.len() / 2].to_vec(), ErrorCode::InvalidJson, "invalid JSON"),
        (
            set("version", json!("4")),
            ErrorCode::InvalidField,
            "send it to the Alertmanager endpoint",
        ),
        (
            set("version", json!("2")),
            ErrorCode::InvalidField,
            "version: unsupported Grafana webhook version \"2\"",
        ),
        (
            set("version", json!(1)),
            ErrorCode::InvalidField,
            "version: expected a string, found a number",
        ),
        (
            set("orgId", json!([1])),
            ErrorCode::InvalidField,
            "orgId: expected a number, found an array",
        ),
        (
            set("alerts", json!({})),
            ErrorCode::InvalidField,
            "alerts: expected an array, found an object",
        ),
        (
            bad_status.to_string().into_bytes(),
            ErrorCode::InvalidItems,
            "alerts[1].status: unknown value \"pending\"",
        ),
        (
            no_labels.to_string().into_bytes(),
            ErrorCode::InvalidItems,
            "alerts[0].labels: must not be empty",
        ),
        (
            read_sample("alertmanager/alerta/prometheus_v4_alert.json"),
            ErrorCode::WrongPayloadKind,
            "looks like an Alertmanager webhook, version 4",
        ),
        (
            json!({"ruleName": "cpu", "state": "alerting", "evalMatches": []})
                .to_string()
                .into_bytes(),
            ErrorCode::WrongPayloadKind,
            "legacy Grafana",
        ),
        (
            read_sample("eventbridge/aws-lambda-rust-runtime/example-eventbridge-schedule.json"),
            ErrorCode::WrongPayloadKind,
            "looks like an EventBridge event",
        ),
    ];
    for (body, code, needle) in cases {
        assert_rejected(ingest::parse_grafana(&body, now()), code, needle);
    }
}
