//! Alertmanager: the webhook receiver fed with bodies real Alertmanager 0.25 sent, and the v2 API Prometheus posts to.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::harness::{
    ALERTMANAGER_KEY, App, GENERIC_KEY, config_yaml, rfc3339_from_now, sample, spawn_app,
};

const SAMPLES: &str = "generated-by-peers/alertmanager-0.25.0_debian";

fn titles(app: &App, query: &str) -> BTreeSet<String> {
    app.incidents(query)
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn webhook_samples_from_alertmanager_open_and_resolve_incidents_as_they_say() {
    let app = spawn_app(&config_yaml(&["alertname"], None));
    let path = format!("/hooks/alertmanager/{ALERTMANAGER_KEY}");
    let post = |file: &str, alerts: u64| {
        let body = sample(&format!("{SAMPLES}/{file}"));
        let reply = app
            .post_raw(
                &path,
                body,
                &[("content-type", "application/json"), ("user-agent", "Alertmanager/0.25.0")],
            )
            .expect_status(202, file);
        assert_eq!(reply.json()["events"], alerts, "{file}: {}", reply.text());
    };
    let cpu = "CPU > 90% on api node";
    let disk = "Disk 97% full";
    let target = "Target 127.0.0.1:9998 of job node-missing is down";
    let watchdog = "Always-firing alert to check the pipeline";

    post("01_webhook_firing_HighCPU_2alert.json", 2);
    assert_eq!(titles(&app, "?status=open"), set(&[cpu]));
    let high_cpu = app.incidents("?status=open")[0].clone();
    assert_eq!(high_cpu["alert_count"], 2, "two instances, one incident: {high_cpu}");

    post("02_webhook_firing_DiskFull_1alert.json", 1);
    assert_eq!(titles(&app, "?status=open"), set(&[cpu, disk]));
    let disk_incident = app
        .incidents("?status=open")
        .into_iter()
        .find(|i| i["title"] == disk)
        .expect("the DiskFull incident");
    assert_eq!(disk_incident["severity"], "critical", "{disk_incident}");

    post("04_webhook_resolved_DiskFull_1alert.json", 1);
    assert_eq!(titles(&app, "?status=open"), set(&[cpu]));
    assert_eq!(titles(&app, "?status=resolved"), set(&[disk]));

    post("06_webhook_resolved_HighCPU_2alert.json", 2);
    assert!(titles(&app, "?status=open").is_empty());
    assert_eq!(titles(&app, "?status=resolved"), set(&[cpu, disk]));

    post("07_webhook_firing_TargetDown_1alert.json", 1);
    post("08_webhook_firing_Watchdog_1alert.json", 1);
    assert_eq!(titles(&app, "?status=open"), set(&[target, watchdog]));
    assert_eq!(titles(&app, ""), set(&[cpu, disk, target, watchdog]));

    // Alertmanager's fingerprint is the dedup key.
    let high_cpu = app.incident(high_cpu["id"].as_i64().expect("numeric id"));
    let keys: BTreeSet<&str> = high_cpu["alerts"]
        .as_array()
        .map(|alerts| alerts.iter().filter_map(|a| a["dedup_key"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(keys, BTreeSet::from(["ffbd11431d9a0ea9", "487d1ef685207f2e"]), "{high_cpu}");
    assert_eq!(high_cpu["event_count"], 4, "{high_cpu}");
}

fn api_alert(alertname: &str, instance: &str, ends_at: Option<String>) -> Value {
    let mut alert = json!({
        "labels": {"alertname": alertname, "instance": instance, "severity": "critical", "job": "node"},
        "annotations": {"summary": format!("{alertname} on {instance}")},
        "startsAt": rfc3339_from_now(-60),
        "generatorURL": "http://prometheus.example:9090/graph?g0.expr=up",
    });
    if let Some(ends_at) = ends_at {
        alert["endsAt"] = json!(ends_at);
    }
    alert
}

fn post_alerts(app: &App, bearer: Option<&str>, alerts: &Value) -> crate::harness::Reply {
    let mut headers = vec![("content-type", "application/json")];
    let authorization = bearer.map(|token| format!("Bearer {token}"));
    if let Some(value) = &authorization {
        headers.push(("authorization", value.as_str()));
    }
    app.post_raw("/api/v2/alerts", serde_json::to_vec(alerts).expect("serialise"), &headers)
}

#[test]
fn v2_api_takes_alerts_with_the_integration_key_and_resolves_on_past_ends_at() {
    let app = spawn_app(&config_yaml(&["alertname"], None));

    let firing = json!([
        api_alert("NodeDown", "10.0.0.1:9100", Some(rfc3339_from_now(300))),
        api_alert("NodeDown", "10.0.0.2:9100", None),
    ]);
    post_alerts(&app, Some(ALERTMANAGER_KEY), &firing).expect_status(200, "POST /api/v2/alerts");
    let open = app.incidents("?status=open");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["alert_count"], 2, "{open:?}");
    let id = open[0]["id"].as_i64().expect("numeric id");

    // Prometheus re-sends firing alerts: still two alerts.
    post_alerts(&app, Some(ALERTMANAGER_KEY), &firing).expect_status(200, "re-sent alerts");
    assert_eq!(app.incident(id)["alert_count"], 2);

    let resolved = json!([
        api_alert("NodeDown", "10.0.0.1:9100", Some(rfc3339_from_now(-1))),
        api_alert("NodeDown", "10.0.0.2:9100", Some(rfc3339_from_now(-1))),
    ]);
    post_alerts(&app, Some(ALERTMANAGER_KEY), &resolved).expect_status(200, "resolved alerts");
    let detail = app.incident(id);
    assert_eq!(detail["status"], "resolved", "endsAt in the past resolves: {detail}");
    assert!(
        detail["alerts"]
            .as_array()
            .is_some_and(|a| a.iter().all(|alert| alert["status"] == "resolved")),
        "{detail}"
    );
}

#[test]
fn v2_api_refuses_bad_credentials_and_rejects_a_batch_with_one_bad_alert_whole() {
    let app = spawn_app(&config_yaml(&["alertname"], None));
    post_alerts(&app, Some(ALERTMANAGER_KEY), &json!([api_alert("Seed", "a:1", None)]))
        .expect_status(200, "seed alert");
    let before = app.stats();

    let one = json!([api_alert("NodeDown", "10.0.0.9:9100", None)]);
    let missing = post_alerts(&app, None, &one).expect_error(401, "no bearer token");
    let wrong = post_alerts(&app, Some("not-a-key-at-all"), &one).expect_error(401, "unknown key");
    let other_kind = post_alerts(&app, Some(GENERIC_KEY), &one).expect_error(401, "generic key");
    assert_eq!(wrong, other_kind, "an unknown key and a key of another kind look the same");
    assert_eq!(missing["error"]["code"], "unauthorized", "{missing}");
    assert_eq!(app.stats(), before, "refused requests stored nothing");

    let mut bad = api_alert("NodeDown", "10.0.0.11:9100", None);
    bad["labels"] = json!({"9bad-name": "x"});
    let batch = json!([
        api_alert("NodeDown", "10.0.0.10:9100", None),
        bad,
        api_alert("NodeDown", "10.0.0.12:9100", None),
    ]);
    let body = post_alerts(&app, Some(ALERTMANAGER_KEY), &batch).expect_error(400, "a bad alert");
    let text = body.to_string();
    let names_index = body["error"]["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|item| item["index"] == 1))
        || text.contains("alerts[1]");
    assert!(names_index, "the error names the bad alert's index 1: {body}");
    assert_eq!(app.stats(), before, "the batch is rejected whole");
    assert_eq!(app.incidents("").len(), 1, "no incident from the rejected batch");

    let not_an_array = post_alerts(&app, Some(ALERTMANAGER_KEY), &json!({"labels": {"a": "b"}}));
    not_an_array.expect_error(400, "an object instead of an array");
    assert_eq!(app.stats(), before);
}

/// A batch too large to parse on the worker that serves requests (over
/// 64 KiB) is parsed beside it, with the same answers: all of a valid
/// batch taken, a batch with one bad alert refused whole and that alert
/// named.
#[test]
fn large_batches_are_taken_and_refused_as_small_ones_are() {
    let app = spawn_app(&config_yaml(&["alertname"], None));
    let mut alerts: Vec<Value> =
        (0..600).map(|n| api_alert("NodeDown", &format!("node-{n:03}:9100"), None)).collect();
    let body = serde_json::to_vec(&alerts).expect("serialise");
    assert!(body.len() > 64 * 1024, "{} bytes", body.len());
    let reply = post_alerts(&app, Some(ALERTMANAGER_KEY), &Value::Array(alerts.clone()));
    let answer = reply.expect_status(200, "600 alerts").json();
    assert_eq!(answer["alerts"], 600, "{answer}");
    let incident = app.incidents("")[0]["id"].as_i64().expect("an incident");
    assert_eq!(app.incident(incident)["alert_count"], 600);

    let before = app.stats();
    alerts[417]["labels"] = json!({});
    let reply = post_alerts(&app, Some(ALERTMANAGER_KEY), &Value::Array(alerts));
    let error = reply.expect_error(400, "one bad alert of 600");
    assert_eq!(error["error"]["items"][0]["index"], 417, "{error}");
    assert_eq!(app.stats(), before, "nothing of the refused batch");
}
