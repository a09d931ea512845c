//! The NOC page: the demo shows incidents at once and changes live over SSE; elsewhere it needs sign-in.

use std::io::{BufRead as _, BufReader};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{ADMIN_TOKEN, config_yaml, spawn_app, spawn_demo, unique, wait_for};

/// Reads an SSE stream on a thread and hands over its lines.
fn sse_lines(url: &str) -> mpsc::Receiver<String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(None::<Duration>)
        .build()
        .expect("HTTP client");
    let response = client
        .get(url)
        .header("accept", "text/event-stream")
        .send()
        .unwrap_or_else(|e| panic!("GET {url} failed: {e}"));
    assert_eq!(response.status().as_u16(), 200, "GET {url}");
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(content_type.starts_with("text/event-stream"), "content-type {content_type:?}");
    let (lines, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(response).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// The next line within the deadline.
fn next_line(lines: &mpsc::Receiver<String>, deadline: Instant, what: &str) -> String {
    let left = deadline.saturating_duration_since(Instant::now());
    lines.recv_timeout(left).unwrap_or_else(|e| panic!("no SSE line while waiting for {what}: {e}"))
}

#[test]
fn the_demo_noc_shows_incidents_and_updates_live_without_reload() {
    let app = spawn_demo();

    let page = wait_for(Duration::from_secs(20), "the demo NOC lists incidents", || {
        let page = app.get("/");
        assert_eq!(page.status, 200, "the demo page needs no sign-in: {}", page.text());
        page.text().contains("<tr id=\"incident-").then_some(page)
    });
    let content_type = page.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "content-type {content_type:?}");
    let html = page.text();
    assert!(html.contains("/ui/events"), "the page subscribes to live updates: {html}");

    let lines = sse_lines(&app.url("/ui/events"));
    let deadline = Instant::now() + Duration::from_secs(20);
    // The stream opens with the current state.
    loop {
        if next_line(&lines, deadline, "the first event") == "event: noc" {
            break;
        }
    }

    let summary = unique("Probe from the acceptance test ");
    let alertname = unique("AcceptanceProbe");
    let reply = app
        .post_json(
            "/hooks/generic/demo-generic-key",
            &json!({"events": [{
                "dedup_key": alertname,
                "summary": summary,
                "severity": "critical",
                "labels": {"alertname": alertname},
            }]}),
        )
        .expect_status(202, "POST to the demo generic hook");
    assert_eq!(reply.json()["events"], 1);

    let mut saw_noc_event = false;
    loop {
        let line = next_line(&lines, deadline, &format!("an SSE update showing {summary:?}"));
        if line == "event: noc" {
            saw_noc_event = true;
        }
        if line.starts_with("data:") && line.contains(&summary) {
            break;
        }
    }
    assert!(saw_noc_event, "the update came as an `event: noc`");
}

#[test]
fn the_noc_needs_sign_in_outside_the_demo() {
    let app = spawn_app(&config_yaml(&[], None));
    app.send_generic(
        json!([{"dedup_key": "ui-1", "summary": "Printer out of paper", "severity": "info"}]),
    );

    let anonymous = app.get("/");
    assert!((300..400).contains(&anonymous.status), "GET / redirects: {}", anonymous.status);
    assert_eq!(anonymous.header("location").as_deref(), Some("/login"));
    assert_eq!(app.get("/ui/events").status, 401, "the live stream needs sign-in too");
    let login_page = app.get("/login").expect_status(200, "GET /login");
    assert!(login_page.text().contains("token"), "{}", login_page.text());

    app.get("/login?token=not-the-token").expect_status(401, "a wrong token");
    let login = app.get(&format!("/login?token={ADMIN_TOKEN}"));
    assert!((300..400).contains(&login.status), "login redirects: {}", login.status);
    assert_eq!(login.header("location").as_deref(), Some("/"));
    let set_cookie = login.header("set-cookie").expect("login sets a cookie");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(!set_cookie.contains(ADMIN_TOKEN), "the cookie does not carry the token: {set_cookie}");
    let cookie = set_cookie.split(';').next().expect("cookie pair").to_owned();

    let page = app.get_with("/", &[("cookie", &cookie)]).expect_status(200, "GET / signed in");
    let html = page.text();
    assert!(html.contains("Printer out of paper"), "{html}");
    let id = app.incidents("")[0]["id"].as_i64().expect("numeric id");
    let detail = app
        .get_with(&format!("/incidents/{id}"), &[("cookie", &cookie)])
        .expect_status(200, "detail page");
    assert!(detail.text().contains("Printer out of paper"), "{}", detail.text());

    let forged = app.get_with("/", &[("cookie", "watchfloor_session=0000")]);
    assert!(
        (300..400).contains(&forged.status),
        "a forged cookie is not a session: {}",
        forged.status
    );
}

#[test]
fn a_graceful_stop_does_not_wait_for_open_noc_pages() {
    let mut app = spawn_demo();
    let lines = sse_lines(&app.url("/ui/events"));
    let deadline = Instant::now() + Duration::from_secs(20);
    assert!(next_line(&lines, deadline, "the first event").starts_with("event:"));
    // The live stream never ends by itself; SIGTERM must still stop the server.
    app.stop_gracefully();
}
