//! `watchfloor replay`: recorded wire traffic, simulated clock, identical output.

use std::sync::Arc;

use serde_json::{Value, json};

const CONFIG: &str = r#"
grouping: {group_by: [], group_wait: 30s, auto_resolve: true}
tenants:
  - {id: acme, name: Acme, tier: platinum, notify: [hook]}
  - {id: corner, name: Corner Shop, tier: bronze, notify: [hook]}
services:
  - {id: acme-erp, tenant: acme, criticality: critical, environment: production}
  - {id: corner-printer, tenant: corner, criticality: low, environment: production}
integrations:
  - {key: acme-pd-key-0001, tenant: acme, service: acme-erp, kind: pagerduty}
  - {key: corner-gen-key-01, tenant: corner, service: corner-printer, kind: generic}
notify:
  - {id: hook, kind: webhook, url: "http://127.0.0.1:9/hook"}
"#;

fn pd(at: &str, action: &str, key: &str, severity: &str) -> String {
    json!({"at": at, "key": "acme-pd-key-0001", "kind": "pagerduty", "body": {
        "routing_key": "acme-pd-key-0001", "event_action": action, "dedup_key": key,
        "payload": {"summary": format!("{key} broken"), "source": "erp-db", "severity": severity}}})
    .to_string()
}

fn generic(at: &str, action: &str, key: &str) -> String {
    json!({"at": at, "key": "corner-gen-key-01", "kind": "generic", "body": {"events": [
        {"action": action, "dedup_key": key, "summary": "Printer out of paper", "severity": "warning"}]}})
    .to_string()
}

fn run(input: &str) -> (String, server::replay::ReplaySummary) {
    let config = Arc::new(config::parse(CONFIG, "test.yaml").expect("valid config"));
    let mut out = Vec::new();
    let summary = server::replay::replay(config, input.as_bytes(), &mut out).expect("replay runs");
    (String::from_utf8(out).expect("UTF-8 output"), summary)
}

fn lines_of(output: &str, kind: &str) -> Vec<Value> {
    output
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON line"))
        .filter(|v| v["type"] == kind)
        .collect()
}

#[test]
fn replay_is_deterministic_and_times_effects_on_the_simulated_clock() {
    let input = [
        pd("2026-03-01T10:00:00Z", "trigger", "db-down", "critical"),
        pd("2026-03-01T10:00:05Z", "trigger", "db-down", "critical"),
        generic("2026-03-01T10:00:10Z", "trigger", "paper"),
        pd("2026-03-01T10:00:20Z", "trigger", "api-slow", "warning"),
        "{not json".to_owned(),
        pd("2026-03-01T10:05:00Z", "resolve", "db-down", "critical"),
        pd("2026-03-01T10:06:00Z", "resolve", "api-slow", "warning"),
    ]
    .join("\n");
    let (first, summary) = run(&input);
    let (second, _) = run(&input);
    assert_eq!(first, second, "two replays print identical bytes");
    assert_eq!((summary.lines, summary.events, summary.rejected), (7, 6, 1));

    let incidents = lines_of(&first, "incident");
    assert_eq!(incidents.len(), 2);
    let erp = &incidents[0];
    assert_eq!(erp["priority"], "P1");
    assert_eq!(
        erp["priority_reason"],
        "P1: platinum tenant, critical-criticality service in production, critical severity"
    );
    assert_eq!((erp["alert_count"].as_i64(), erp["status"].as_str()), (Some(2), Some("resolved")));
    let printer = &incidents[1];
    assert_eq!(printer["priority"], "P5");
    assert_eq!(printer["status"], "triggered");

    // The opening page waits out the 30 s group wait on the simulated clock.
    let notifications = lines_of(&first, "notification");
    let opened: Vec<_> = notifications
        .iter()
        .filter(|n| n["reason"] == "opened")
        .map(|n| (n["incident"].as_i64(), n["at"].as_str().map(str::to_owned)))
        .collect();
    assert_eq!(
        opened,
        [
            (Some(1), Some("2026-03-01T10:00:30Z".to_owned())),
            (Some(2), Some("2026-03-01T10:00:40Z".to_owned())),
        ]
    );
    let resolved: Vec<_> = notifications.iter().filter(|n| n["reason"] == "resolved").collect();
    assert_eq!(resolved.len(), 1);
    assert_eq!(resolved[0]["at"], "2026-03-01T10:06:00Z");
    let rejected = lines_of(&first, "rejected");
    assert_eq!(rejected[0]["line"], 5);
}

#[test]
fn out_of_order_input_is_an_error_not_a_silent_reorder() {
    let input = [
        generic("2026-03-01T10:00:10Z", "trigger", "a"),
        generic("2026-03-01T10:00:00Z", "trigger", "b"),
    ]
    .join("\n");
    let config = Arc::new(config::parse(CONFIG, "test.yaml").expect("valid config"));
    let error = server::replay::replay(config, input.as_bytes(), &mut Vec::new())
        .expect_err("out of order");
    assert!(error.to_string().contains("line 2"), "{error}");
}
