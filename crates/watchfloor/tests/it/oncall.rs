//! `GET /api/v1/oncall`: a daily Europe/Berlin rotation handing off at 09:00 local across the 2026-03-29 DST change, an override, gaps and errors.

use serde_json::{Value, json};

use crate::harness::{App, config_yaml, spawn_app};

/// Ana and Ben take turns of a day from 09:00 Berlin time, starting with Ana
/// on 2026-03-01; Dee stands in from 10:00 to 12:00 (CEST) on 2026-03-29.
const ONCALL_YAML: &str = r#"users:
  - {id: ana, name: Ana Lima, contacts: [{email: ana@example.com}, {slack: U024BE7LH}]}
  - {id: ben, name: Ben Okafor, contacts: [{phone: "+4930123456"}]}
  - {id: dee, name: Dee Rahman, contacts: [{email: dee@example.com}]}
schedules:
  - id: noc-primary
    name: NOC primary
    time_zone: Europe/Berlin
    layers:
      - {name: daily, users: [ana, ben], rotation: daily, handoff: {time: "09:00"}, start: 2026-03-01}
    overrides:
      - {user: dee, start: "2026-03-29T10:00:00+02:00", end: "2026-03-29T12:00:00+02:00"}
escalation_policies:
  - id: noc
    tiers: [{targets: [{schedule: noc-primary}]}]
"#;

fn spawn() -> App {
    spawn_app(&format!("{}{ONCALL_YAML}", config_yaml(&[], None)))
}

fn on_call(app: &App, at: &str) -> Value {
    let path = format!("/api/v1/oncall?schedule=noc-primary&at={at}");
    app.api_get(&path).expect_status(200, &path).json()
}

/// `(user id, from, until)` at `at`.
fn who(app: &App, at: &str) -> (String, String, String) {
    let body = on_call(app, at);
    let field = |name: &str| body[name].as_str().unwrap_or("").to_owned();
    let user = body["user"]["id"].as_str().unwrap_or_else(|| panic!("someone at {at}: {body}"));
    (user.to_owned(), field("from"), field("until"))
}

#[test]
fn the_nine_oclock_hand_off_follows_berlin_time_across_the_dst_change() {
    let app = spawn();

    // Before the change Berlin is UTC+1: 09:00 local is 08:00Z.
    let ana_before =
        ("ana".to_owned(), "2026-03-27T08:00:00Z".to_owned(), "2026-03-28T08:00:00Z".to_owned());
    assert_eq!(who(&app, "2026-03-28T07:00:00Z"), ana_before, "07:00Z is still 08:00 local");
    assert_eq!(who(&app, "2026-03-28T07:59:59Z"), ana_before);
    let ben =
        ("ben".to_owned(), "2026-03-28T08:00:00Z".to_owned(), "2026-03-29T07:00:00Z".to_owned());
    assert_eq!(who(&app, "2026-03-28T08:00:00Z"), ben, "a turn of 23 hours: the clocks go forward");

    // After the change Berlin is UTC+2: 09:00 local is 07:00Z.
    assert_eq!(who(&app, "2026-03-29T06:59:59Z"), ben);
    assert_eq!(
        who(&app, "2026-03-29T07:00:00Z"),
        ("ana".to_owned(), "2026-03-29T07:00:00Z".to_owned(), "2026-03-29T08:00:00Z".to_owned()),
        "Ana's turn runs until Dee's override starts"
    );
    assert_eq!(who(&app, "2026-03-30T06:59:59Z").0, "ana");
    assert_eq!(
        who(&app, "2026-03-30T07:00:00Z"),
        ("ben".to_owned(), "2026-03-30T07:00:00Z".to_owned(), "2026-03-31T07:00:00Z".to_owned())
    );

    // The whole answer, with where it came from.
    let body = on_call(&app, "2026-03-28T08:00:00Z");
    assert_eq!(
        body,
        json!({
            "schedule": "noc-primary",
            "at": "2026-03-28T08:00:00Z",
            "user": {"id": "ben", "name": "Ben Okafor", "contacts": [{"phone": "+4930123456"}]},
            "source": {"layer": "daily"},
            "from": "2026-03-28T08:00:00Z",
            "until": "2026-03-29T07:00:00Z",
        })
    );
}

#[test]
fn an_override_beats_the_rotation_for_its_stretch() {
    let app = spawn();
    let body = on_call(&app, "2026-03-29T08:30:00Z");
    assert_eq!(body["user"]["id"], "dee", "{body}");
    assert_eq!(body["user"]["contacts"], json!([{"email": "dee@example.com"}]));
    assert_eq!(body["source"], json!({"override": 0}));
    assert_eq!(
        (body["from"].as_str(), body["until"].as_str()),
        (Some("2026-03-29T08:00:00Z"), Some("2026-03-29T10:00:00Z"))
    );
    // The same instant with an offset; `%2B` is a `+` in a query string.
    assert_eq!(on_call(&app, "2026-03-29T10:30:00%2B02:00")["user"]["id"], "dee");
    assert_eq!(on_call(&app, "2026-03-29T09:59:59Z")["user"]["id"], "dee");
    // Back to the rotation when it ends.
    let after = on_call(&app, "2026-03-29T10:00:00Z");
    assert_eq!(after["user"]["id"], "ana", "{after}");
    assert_eq!(after["source"], json!({"layer": "daily"}));
    assert_eq!(
        (after["from"].as_str(), after["until"].as_str()),
        (Some("2026-03-29T10:00:00Z"), Some("2026-03-30T07:00:00Z"))
    );
}

#[test]
fn nobody_on_call_is_a_null_user_with_the_gaps_bounds() {
    let app = spawn();
    let body = on_call(&app, "2026-02-01T00:00:00Z");
    assert_eq!(
        body,
        json!({
            "schedule": "noc-primary",
            "at": "2026-02-01T00:00:00Z",
            "user": null,
            "source": null,
            "from": null,
            "until": "2026-03-01T08:00:00Z",
        }),
        "before the rotation starts nobody is on call, since forever (as far as we look)"
    );

    let now = app
        .api_get("/api/v1/oncall?schedule=noc-primary")
        .expect_status(200, "at defaults to now")
        .json();
    assert!(now["at"].as_str().is_some_and(|at| at.starts_with("20")), "{now}");
    assert!(["ana", "ben"].contains(&now["user"]["id"].as_str().unwrap_or("")), "{now}");
}

#[test]
fn bad_requests_are_refused_with_the_error_shape() {
    let app = spawn();
    let body = app
        .api_get("/api/v1/oncall?schedule=noc-secondary")
        .expect_error(404, "an unknown schedule");
    assert_eq!(body["error"]["code"], "not_found");
    let body = app
        .api_get("/api/v1/oncall?schedule=noc-primary&at=yesterday")
        .expect_error(400, "an unparseable at");
    assert!(body["error"]["message"].as_str().unwrap_or("").contains("RFC 3339"), "{body}");
    app.api_get("/api/v1/oncall?schedule=noc-primary&at=2026-03-29T07:00:00")
        .expect_error(400, "an at without an offset");
    let body = app
        .api_get("/api/v1/oncall?schedule=noc-primary&when=now")
        .expect_error(400, "an unknown query key");
    assert_eq!(body["error"]["code"], "invalid_query");
    app.api_get("/api/v1/oncall").expect_error(400, "no schedule");
    app.api_get("/api/v1/oncall?schedule=Noc").expect_error(400, "not a schedule id");
    app.get("/api/v1/oncall?schedule=noc-primary").expect_error(401, "no admin token");
    app.get_with(
        "/api/v1/oncall?schedule=noc-primary",
        &[("Authorization", "Bearer not-the-admin-token")],
    )
    .expect_error(401, "a wrong admin token");
}
