//! Escalation against the running server: tier 2 is paged when nobody acknowledges, nobody more once someone does; SLA breaches are counted.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{App, GENERIC_KEY, metric_value, spawn_app, wait_for, wait_until};
use crate::receiver::{Receiver, Request};

const WAIT: Duration = Duration::from_secs(20);

/// Acme pages through policy `noc`: ana at once, ben two seconds later if
/// nobody has acknowledged. Each person's pager is a path on one receiver.
fn config(receiver: &Receiver, sla: &str) -> String {
    format!(
        r#"grouping: {{group_wait: 0s}}
delivery: {{max_attempts: 3, initial_backoff: 100ms, max_backoff: 1s, timeout: 2s}}
tenants: [{{id: acme, name: Acme Corp, tier: platinum, escalation_policy: noc}}]
services: [{{id: acme-vpn, tenant: acme, criticality: high}}]
integrations: [{{key: {GENERIC_KEY}, tenant: acme, service: acme-vpn, kind: generic}}]
notify:
  - {{id: ana-pager, kind: webhook, url: "{ana}"}}
  - {{id: ben-pager, kind: webhook, url: "{ben}"}}
users:
  - {{id: ana, name: Ana Lima, contacts: [{{webhook: ana-pager}}]}}
  - {{id: ben, name: Ben Okafor, contacts: [{{webhook: ben-pager}}]}}
escalation_policies:
  - id: noc
    tiers:
      - {{targets: [{{user: ana}}], delay: 2s}}
      - {{targets: [{{user: ben}}]}}
{sla}
"#,
        ana = receiver.url("/ana"),
        ben = receiver.url("/ben"),
    )
}

fn open(app: &App, dedup_key: &str) -> i64 {
    app.send_generic(json!([{"dedup_key": dedup_key, "summary": format!("{dedup_key} down"), "severity": "critical"}]));
    wait_for(WAIT, "the incident opens", || {
        app.incidents("?status=open").into_iter().find_map(|incident| {
            let title = incident["title"].as_str()?;
            (title.starts_with(dedup_key)).then(|| incident["id"].as_i64()).flatten()
        })
    })
}

fn pages_of(requests: &[Request], incident: i64) -> Vec<(String, String, Value)> {
    requests
        .iter()
        .map(|request| (request.path.clone(), request.json()))
        .filter(|(_, body)| body["incident"]["id"] == incident)
        .map(|(path, body)| (path, body["event"].as_str().unwrap_or_default().to_owned(), body))
        .collect()
}

#[test]
fn nobody_acknowledges_so_tier_two_is_paged_after_the_delay() {
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver, ""));
    let id = open(&app, "core-router");

    let pages = wait_for(WAIT, "ana, then ben after the delay", || {
        let pages = pages_of(&receiver.requests(), id);
        pages
            .iter()
            .any(|(path, event, _)| path == "/ben" && event == "incident.escalated")
            .then_some(pages)
    });
    let first = &pages[0];
    assert_eq!((first.0.as_str(), first.1.as_str()), ("/ana", "incident.opened"), "{pages:?}");
    assert_eq!(first.2["page"]["user"], "ana", "{}", first.2);
    assert_eq!(first.2["page"]["tier"], 1, "{}", first.2);
    let escalated = pages.iter().find(|(path, ..)| path == "/ben").map(|(.., body)| body);
    let escalated = escalated.expect("ben was paged");
    assert_eq!(escalated["page"]["tier"], 2, "{escalated}");
    assert_eq!(escalated["page"]["via"], "named in the tier", "{escalated}");

    let incident = app.incident(id);
    assert_eq!(incident["escalation"]["tier"], 2, "{incident}");
    let timeline = incident["timeline"].as_array().cloned().unwrap_or_default();
    let escalations: Vec<&str> = timeline
        .iter()
        .filter(|entry| entry["kind"] == "escalated")
        .filter_map(|entry| entry["message"].as_str())
        .collect();
    assert_eq!(escalations.len(), 2, "{escalations:?}");
    assert!(escalations[1].contains("tier 2 (round 1) escalated: ben"), "{escalations:?}");
}

#[test]
fn a_missed_acknowledgement_target_pages_the_next_tier_once_and_is_counted() {
    let receiver = Receiver::start(&[], 200);
    let sla = "sla: {platinum: {P1: {acknowledge: 1s}}}";
    let app = spawn_app(&config(&receiver, sla));
    let id = open(&app, "core-switch");

    // The acknowledgement target of one second was missed: on the timeline,
    // on the incident and in /metrics.
    wait_until(WAIT, "the SLA breach is recorded", || {
        app.incident(id)["sla_breached"] == json!(["acknowledge"])
    });
    wait_until(WAIT, "the SLA breach is counted", || {
        let metrics = app.metrics();
        let series = r#"watchfloor_sla_breaches_total{target="acknowledge",tier="platinum"}"#;
        metric_value(&metrics, series).is_some_and(|value| value >= 1.0)
    });
    let incident = app.incident(id);
    assert_eq!(incident["sla_breached"], json!(["acknowledge"]), "{incident}");
    let timeline = incident["timeline"].as_array().cloned().unwrap_or_default();
    assert!(
        timeline.iter().any(|entry| entry["kind"] == "sla_breached"
            && entry["message"].as_str().is_some_and(|m| m.contains("not acknowledged within 1s"))),
        "{timeline:?}"
    );
    // Ben was paged for the breach, and not again when tier 2's delay came.
    wait_until(WAIT, "ben's page is sent", || {
        pages_of(&receiver.requests(), id).iter().any(|(path, ..)| path == "/ben")
    });
    std::thread::sleep(Duration::from_secs(3));
    let pages = pages_of(&receiver.requests(), id);
    let events: Vec<(&str, &str)> =
        pages.iter().map(|(path, event, _)| (path.as_str(), event.as_str())).collect();
    assert_eq!(events, [("/ana", "incident.opened"), ("/ben", "incident.sla_breached")]);
}

#[test]
fn an_acknowledged_incident_pages_nobody_more() {
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver, ""));
    let id = open(&app, "edge-firewall");
    wait_until(WAIT, "ana is paged", || {
        pages_of(&receiver.requests(), id).iter().any(|(path, ..)| path == "/ana")
    });
    app.api_post(&format!("/api/v1/incidents/{id}/acknowledge"), &json!({}))
        .expect_status(200, "acknowledge");

    // Well past tier 2's delay: still only ana's page.
    std::thread::sleep(Duration::from_secs(4));
    let pages = pages_of(&receiver.requests(), id);
    let paths: Vec<&str> = pages.iter().map(|(path, ..)| path.as_str()).collect();
    assert_eq!(paths, ["/ana"], "{pages:?}");
    let incident = app.incident(id);
    assert_eq!(incident["status"], "acknowledged", "{incident}");
    assert_eq!(incident["escalation"]["tier"], 1, "{incident}");
    assert!(incident["seconds_to_acknowledge"].is_u64(), "MTTA is reported: {incident}");
}

#[test]
fn acknowledging_again_renews_the_acknowledgement_before_it_expires() {
    let receiver = Receiver::start(&[], 200);
    let text = config(&receiver, "")
        .replace("{group_wait: 0s}", "{group_wait: 0s, acknowledge_timeout: 4s}");
    let app = spawn_app(&text);
    let id = open(&app, "core-switch");
    let acknowledge = || {
        app.api_post(&format!("/api/v1/incidents/{id}/acknowledge"), &json!({}))
            .expect_status(200, "acknowledge");
    };
    acknowledge();
    std::thread::sleep(Duration::from_secs(2));
    acknowledge();
    let incident = app.incident(id);
    let renewed = incident["timeline"].as_array().into_iter().flatten().any(|entry| {
        entry["message"].as_str().is_some_and(|m| m.starts_with("acknowledgement renewed by"))
    });
    assert!(renewed, "the renewal is on the timeline: {incident}");

    // Past the first acknowledgement's 4 s, well within the renewal's.
    std::thread::sleep(Duration::from_millis(2_500));
    assert_eq!(app.incident(id)["status"], "acknowledged");
    // The renewed acknowledgement expires in its turn.
    wait_until(WAIT, "the renewed acknowledgement expires", || {
        app.incident(id)["status"] == "triggered"
    });
    let incident = app.incident(id);
    let seconds = incident["seconds_to_acknowledge"].as_u64();
    assert!(seconds.is_some_and(|s| s < 2), "the first acknowledgement counts: {incident}");
}
