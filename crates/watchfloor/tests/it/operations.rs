//! Operations endpoints: health, readiness and Prometheus metrics after real ingest.

use serde_json::{Value, json};

use crate::harness::{PAGERDUTY_KEY, config_yaml, metric_value, spawn_app};

#[test]
fn health_readiness_and_metrics() {
    let app = spawn_app(&config_yaml(&[], None));

    let health = app.get("/healthz").expect_status(200, "GET /healthz");
    assert_eq!(health.json()["status"], "ok");
    let ready = app.get("/readyz").expect_status(200, "GET /readyz").json();
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(
        ready["store"],
        app.expected_store(),
        "the server runs on the database under test: {ready}"
    );
    assert_eq!(app.stats()["store"], app.expected_store());

    app.send_generic(json!([
        {"dedup_key": "m-1", "summary": "Queue backlog", "severity": "warning"},
        {"dedup_key": "m-2", "summary": "Queue backlog", "severity": "warning"},
    ]));
    app.post_json(
        "/v2/enqueue",
        &json!({"routing_key": PAGERDUTY_KEY, "event_action": "trigger", "dedup_key": "m-3",
                "payload": {"summary": "Queue backlog", "source": "mq-1", "severity": "error"}}),
    )
    .expect_status(202, "PagerDuty event");
    app.post_json("/v2/enqueue", &json!({"routing_key": PAGERDUTY_KEY}))
        .expect_status(400, "bad event");

    let metrics = app.get("/metrics").expect_status(200, "GET /metrics");
    let content_type = metrics.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = metrics.text();
    assert!(text.contains("watchfloor_events_received_total"), "{text}");
    assert!(text.contains("watchfloor_ingest_latency_seconds_bucket"), "{text}");
    assert_eq!(
        metric_value(&text, r#"watchfloor_events_received_total{kind="generic"}"#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        metric_value(&text, r#"watchfloor_events_accepted_total{kind="generic"}"#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        metric_value(&text, r#"watchfloor_events_accepted_total{kind="pagerduty"}"#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        metric_value(
            &text,
            r#"watchfloor_ingest_latency_seconds_bucket{kind="generic",le="+Inf"}"#
        ),
        Some(1.0),
        "one request, one observation: {text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("watchfloor_events_rejected_total{") && l.contains("pagerduty")),
        "the rejected event is counted: {text}"
    );
    assert_eq!(metric_value(&text, "watchfloor_incidents_open"), Some(1.0), "{text}");
}

/// Integration keys are secrets: verbose logs of good and bad requests never contain them.
#[test]
fn integration_keys_never_appear_in_logs() {
    let app = crate::harness::spawn_app_logging(&config_yaml(&[], None), "debug");
    let generic = crate::harness::GENERIC_KEY;
    let events =
        json!({"events": [{"dedup_key": "k1", "summary": "disk full", "severity": "error"}]});
    app.post_json(&format!("/hooks/generic/{generic}"), &events)
        .expect_status(202, "generic ingest");
    app.post_json(&format!("/hooks/generic/{generic}"), &json!({"events": "nope"}))
        .expect_error(400, "bad generic body");
    let unknown = "never-configured-key-42";
    app.post_json(&format!("/hooks/generic/{unknown}"), &events).expect_error(401, "unknown key");
    let trigger = json!({"routing_key": PAGERDUTY_KEY, "event_action": "trigger",
        "payload": {"summary": "s", "source": "h", "severity": "bogus"}});
    app.post_json("/v2/enqueue", &trigger).expect_error(400, "bad PagerDuty event");
    let logs = app.stderr_text();
    assert!(!logs.is_empty(), "debug logging produced nothing to inspect");
    for key in [generic, unknown, PAGERDUTY_KEY] {
        assert!(!logs.contains(key), "the key {key} leaked into the logs:\n{logs}");
    }
}

/// A request body of 256 bytes and more is stored lz4-compressed on
/// SQLite, by the request's own task before the engine loop commits it;
/// PostgreSQL is given the text and compresses it itself. Either way it
/// exports as received.
#[test]
fn a_long_body_is_stored_compressed_on_sqlite_exports_as_received_and_damaged_is_a_500() {
    let mut app = spawn_app(&config_yaml(&[], None));
    let events: Vec<Value> = (0..8)
        .map(|n| {
            json!({"dedup_key": format!("disk-{n}"), "summary": format!("Disk nearly full on db-{n}"),
                   "severity": "warning"})
        })
        .collect();
    let sent = json!({ "events": events });
    assert!(sent.to_string().len() >= 256, "long enough to be compressed");
    app.send_generic(sent["events"].clone());

    let export = app.api_get("/api/v1/events/export?after=0").expect_status(200, "export").text();
    let lines: Vec<Value> =
        export.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), 1, "{export}");
    assert_eq!(lines[0]["body"], sent, "exported as received");

    app.stop_gracefully();
    let stored = app.query_sql(
        "SELECT CASE WHEN body_lz4 IS NULL THEN 'text' ELSE 'lz4, body ' || length(body) END \
         FROM payloads",
    );
    assert_eq!(stored, if app.on_postgres() { "text" } else { "lz4, body 0" });

    // A stored body damaged on disk is a 500 naming the payload, not a 503
    // that would have the client retry what will fail again.
    app.execute_sql(if app.on_postgres() {
        "UPDATE payloads SET body_lz4 = '\\x0a000000ffff'::bytea"
    } else {
        "UPDATE payloads SET body_lz4 = X'0a000000ffff'"
    });
    app.start_again();
    let reply = app.api_get("/api/v1/events/export?after=0");
    let error = reply.expect_error(500, "a damaged body");
    assert_eq!(error["error"]["code"], "store_error", "{error}");
    let said = error["error"]["message"].as_str().unwrap_or("");
    assert!(said.contains("payloads.body_lz4 of payload 1"), "{error}");
}
