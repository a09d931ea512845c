//! Webhook notifications: retries with one idempotency key, delivery records, dead letters shown on the NOC page.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::json;

use crate::harness::{ADMIN_TOKEN, App, config_yaml, spawn_app, wait_for};
use crate::receiver::{Receiver, Request};

const WAIT: Duration = Duration::from_secs(20);

fn open_incident(app: &App, dedup_key: &str, summary: &str) -> i64 {
    app.send_generic(json!([{"dedup_key": dedup_key, "summary": summary, "severity": "critical", "source": "fw-fra-1"}]));
    let open = app.incidents("?status=open");
    assert_eq!(open.len(), 1, "{open:?}");
    open[0]["id"].as_i64().expect("numeric id")
}

fn idempotency_key(request: &Request) -> String {
    request
        .header("idempotency-key")
        .unwrap_or_else(|| panic!("no Idempotency-Key header in {:?}", request.headers))
        .to_owned()
}

#[test]
fn a_failing_webhook_is_retried_with_one_idempotency_key_until_it_answers() {
    let receiver = Receiver::start(&[500, 500], 200);
    let app = spawn_app(&config_yaml(&[], Some(&receiver.url("/hook"))));
    let id = open_incident(&app, "tunnel-fra", "IPsec tunnel fra-nyc down");

    let requests = receiver.wait_for_requests(3, WAIT);
    assert_eq!(requests.len(), 3, "two failures and a success, no more: {requests:?}");
    let keys: BTreeSet<String> = requests.iter().map(idempotency_key).collect();
    assert_eq!(keys.len(), 1, "every retry carries the same Idempotency-Key: {keys:?}");
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/hook");
        let body = request.json();
        assert_eq!(body["event"], "incident.opened", "{body}");
        assert_eq!(body["incident"]["id"], id, "{body}");
        assert_eq!(body["incident"]["tenant"], "acme", "{body}");
        assert_eq!(body["incident"]["title"], "IPsec tunnel fra-nyc down", "{body}");
    }
    assert_eq!(requests[0].body, requests[2].body, "retries send the same body");
    let opened_key = idempotency_key(&requests[0]);

    let delivery = wait_for(WAIT, "the delivery is recorded as sent", || {
        app.deliveries("sent").into_iter().find(|d| d["incident_id"] == id)
    });
    assert_eq!(delivery["attempts"], 3, "{delivery}");
    assert_eq!(delivery["reason"], "opened", "{delivery}");
    assert_eq!(delivery["idempotency_key"], opened_key.as_str(), "{delivery}");
    let timeline = app.incident(id)["timeline"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<&str> = timeline.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"notification_failed"), "{kinds:?}");
    assert!(kinds.contains(&"notification_sent"), "{kinds:?}");

    app.api_post(&format!("/api/v1/incidents/{id}/acknowledge"), &json!({}))
        .expect_status(200, "acknowledge");
    let requests = receiver.wait_for_requests(4, WAIT);
    let acknowledged = requests[3].json();
    assert_eq!(acknowledged["event"], "incident.acknowledged", "{acknowledged}");
    assert_eq!(acknowledged["incident"]["status"], "acknowledged", "{acknowledged}");
    assert_eq!(acknowledged["incident"]["acknowledged_by"], "user:admin", "{acknowledged}");
    let acknowledged_key = idempotency_key(&requests[3]);
    assert_ne!(acknowledged_key, opened_key, "another notification, another key");

    app.api_post(&format!("/api/v1/incidents/{id}/resolve"), &json!({}))
        .expect_status(200, "resolve");
    let requests = receiver.wait_for_requests(5, WAIT);
    let resolved = requests[4].json();
    assert_eq!(resolved["event"], "incident.resolved", "{resolved}");
    assert_eq!(resolved["incident"]["status"], "resolved", "{resolved}");
    let resolved_key = idempotency_key(&requests[4]);
    assert!(resolved_key != opened_key && resolved_key != acknowledged_key);

    let sent = wait_for(WAIT, "three deliveries are sent", || {
        let sent = app.deliveries("sent");
        (sent.len() == 3).then_some(sent)
    });
    let reasons: BTreeSet<&str> = sent.iter().filter_map(|d| d["reason"].as_str()).collect();
    assert_eq!(reasons, BTreeSet::from(["opened", "acknowledged", "resolved"]), "{sent:?}");
    assert!(app.deliveries("dead_lettered").is_empty());
    assert_eq!(receiver.requests().len(), 5, "nothing was delivered twice after a 2xx");
}

#[test]
fn a_webhook_that_keeps_failing_is_dead_lettered_visibly() {
    let receiver = Receiver::start(&[], 503);
    let app = spawn_app(&config_yaml(&[], Some(&receiver.url("/hook"))));
    let id = open_incident(&app, "erp-down", "Core ERP unreachable");

    let dead = wait_for(WAIT, "the delivery is dead-lettered", || {
        app.deliveries("dead_lettered").into_iter().find(|d| d["incident_id"] == id)
    });
    assert_eq!(dead["attempts"], 3, "max_attempts is 3: {dead}");
    assert_eq!(dead["status"], "dead_lettered", "{dead}");
    assert!(
        dead["last_error"].as_str().is_some_and(|e| e.contains("503")),
        "the last error says what the receiver answered: {dead}"
    );
    let requests = receiver.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    let keys: BTreeSet<String> = requests.iter().map(idempotency_key).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(app.deliveries("sent").is_empty());

    let timeline = app.incident(id)["timeline"].as_array().cloned().unwrap_or_default();
    assert!(
        timeline.iter().any(|e| e["kind"] == "notification_dead_lettered"),
        "the timeline shows the dead letter: {timeline:?}"
    );

    // The NOC page shows it to whoever is signed in.
    let login = app.get(&format!("/login?token={ADMIN_TOKEN}"));
    assert!(
        (300..400).contains(&login.status),
        "login redirects: {} {}",
        login.status,
        login.text()
    );
    let set_cookie = login.header("set-cookie").expect("login sets a session cookie");
    let cookie = set_cookie.split(';').next().expect("cookie pair").to_owned();
    let page = app.get_with("/", &[("cookie", &cookie)]).expect_status(200, "GET / signed in");
    let html = page.text();
    assert!(html.contains("Dead-lettered"), "the NOC page shows dead letters: {html}");
    assert!(html.contains(&format!("/incidents/{id}")), "and links the incident: {html}");
}

#[test]
fn a_notification_being_retried_survives_kill_9_and_keeps_its_idempotency_key() {
    let receiver = Receiver::start(&[503, 503], 200);
    // Retries at least 2 s apart, so the kill lands between attempts.
    let config = config_yaml(&[], Some(&receiver.url("/hook")))
        .replace("initial_backoff: 100ms, max_backoff: 1s", "initial_backoff: 4s, max_backoff: 4s");
    let mut app = spawn_app(&config);
    let id = open_incident(&app, "vpn-fra", "IPsec tunnel fra-lon down");

    wait_for(WAIT, "the first failed attempt is recorded", || {
        app.deliveries("pending").into_iter().find(|d| d["incident_id"] == id && d["attempts"] == 1)
    });
    app.kill9();
    app.restart();

    let delivery = wait_for(WAIT, "the delivery is sent after the restart", || {
        app.deliveries("sent").into_iter().find(|d| d["incident_id"] == id)
    });
    assert_eq!(delivery["attempts"], 3, "{delivery}");
    let requests = receiver.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    let keys: BTreeSet<String> = requests.iter().map(idempotency_key).collect();
    assert_eq!(keys.len(), 1, "the key is stable across the crash: {keys:?}");
    assert_eq!(
        delivery["idempotency_key"],
        requests[0].header("idempotency-key").unwrap_or_default()
    );
    assert_eq!(app.incidents("?status=open").len(), 1);
}
