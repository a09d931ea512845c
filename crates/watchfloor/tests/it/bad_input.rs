//! Bad input of every kind gets a clear 4xx with the contract's error body and changes nothing.

use serde_json::{Value, json};

use crate::harness::{
    ALERTMANAGER_KEY, App, GENERIC_KEY, PAGERDUTY_KEY, config_yaml, rfc3339_from_now, spawn_app,
    spawn_app_with_args,
};

/// Just over the 4 MiB body limit.
const OVERSIZED: usize = 4 * 1024 * 1024 + 64 * 1024;

/// A server holding one incident, so "nothing changed" is checked against real state.
fn seeded_app() -> App {
    let app = spawn_app(&config_yaml(&[], None));
    app.send_generic(
        json!([{"dedup_key": "seed", "summary": "Seed alert", "severity": "warning"}]),
    );
    app
}

/// POSTs `body` and asserts the status, the error shape and that `/api/v1/stats` did not move.
fn refused(app: &App, what: &str, path: &str, body: Vec<u8>, status: u16) -> Value {
    let before = app.stats();
    let reply = app.post_raw(path, body, &[("content-type", "application/json")]);
    let error = reply.expect_error(status, what);
    assert_eq!(app.stats(), before, "{what}: the refused request changed the store");
    error
}

fn json_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("serialise")
}

fn pd_trigger() -> Value {
    json!({
        "routing_key": PAGERDUTY_KEY,
        "event_action": "trigger",
        "dedup_key": "bad-input",
        "payload": {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical"},
    })
}

fn remove(value: &mut Value, key: &str) {
    if let Some(object) = value.as_object_mut() {
        object.remove(key);
    }
}

fn nested_arrays(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn bad_pagerduty_events_get_a_4xx_and_change_nothing() {
    let app = seeded_app();
    let path = "/v2/enqueue";
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut event = pd_trigger();
        edit(&mut event);
        json_bytes(&event)
    };

    refused(
        &app,
        "malformed JSON",
        path,
        br#"{"routing_key": "acme-pd-key-0001", "event_action": "trig"#.to_vec(),
        400,
    );
    refused(&app, "not an object", path, b"[1, 2, 3]".to_vec(), 400);
    refused(&app, "empty body", path, Vec::new(), 400);
    refused(&app, "summary is a number", path, with(&|e| e["payload"]["summary"] = json!(42)), 400);
    refused(&app, "payload is a string", path, with(&|e| e["payload"] = json!("disk full")), 400);
    refused(&app, "event_action is a number", path, with(&|e| e["event_action"] = json!(1)), 400);
    refused(&app, "no payload.summary", path, with(&|e| remove(&mut e["payload"], "summary")), 400);
    refused(&app, "no payload on a trigger", path, with(&|e| remove(e, "payload")), 400);
    refused(&app, "no routing_key", path, with(&|e| remove(e, "routing_key")), 400);
    refused(&app, "no event_action", path, with(&|e| remove(e, "event_action")), 400);
    refused(&app, "severity bad", path, with(&|e| e["payload"]["severity"] = json!("bad")), 400);
    refused(
        &app,
        "event_action explode",
        path,
        with(&|e| e["event_action"] = json!("explode")),
        400,
    );
    refused(
        &app,
        "acknowledge without dedup_key",
        path,
        json_bytes(&json!({"routing_key": PAGERDUTY_KEY, "event_action": "acknowledge"})),
        400,
    );
    refused(
        &app,
        "unparseable timestamp",
        path,
        with(&|e| e["payload"]["timestamp"] = json!("yesterday at noon")),
        400,
    );
    refused(
        &app,
        "timestamp a day ahead",
        path,
        with(&|e| e["payload"]["timestamp"] = json!(rfc3339_from_now(86_400))),
        400,
    );
    refused(
        &app,
        "summary over 1024 characters",
        path,
        with(&|e| e["payload"]["summary"] = json!("x".repeat(1025))),
        400,
    );

    let deep = format!(
        r#"{{"routing_key":"{PAGERDUTY_KEY}","event_action":"trigger","dedup_key":"deep","payload":{{"summary":"s","source":"h","severity":"info","custom_details":{}}}}}"#,
        nested_arrays(100)
    );
    let error = refused(&app, "100 nested arrays", path, deep.into_bytes(), 400);
    assert!(error.to_string().contains("32"), "the error names the nesting limit: {error}");

    let mut invalid_utf8 = br#"{"routing_key":"acme-pd-key-0001","event_action":"trigger","dedup_key":"utf8","payload":{"summary":"disk "#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    invalid_utf8.extend_from_slice(br#"","source":"h","severity":"info"}}"#);
    refused(&app, "invalid UTF-8", path, invalid_utf8, 400);

    let huge = with(&|e| e["payload"]["custom_details"] = json!({"blob": "x".repeat(OVERSIZED)}));
    refused(&app, "a body over 4 MiB", path, huge, 413);

    // Still healthy afterwards: a good event goes through.
    app.post_json(path, &pd_trigger()).expect_status(202, "a valid event after the bad ones");
}

#[test]
fn bad_native_batches_get_a_4xx_and_change_nothing() {
    let app = seeded_app();
    let path = format!("/hooks/generic/{GENERIC_KEY}");
    let good =
        json!({"dedup_key": "db-1-disk", "summary": "Disk full on db-1", "severity": "critical"});
    let batch = |events: Value| json_bytes(&json!({ "events": events }));

    refused(&app, "malformed JSON", &path, br#"{"events": [{"dedup_key": "a",]}"#.to_vec(), 400);
    refused(
        &app,
        "unknown top-level field",
        &path,
        json_bytes(&json!({"events": [good], "extra": 1})),
        400,
    );
    let error = refused(
        &app,
        "misspelt event field",
        &path,
        batch(json!([{"dedup_key": "a", "summary": "s", "sevrity": "info"}])),
        400,
    );
    assert!(error.to_string().contains("sevrity"), "the error names the unknown field: {error}");
    refused(&app, "events is not an array", &path, json_bytes(&json!({"events": {"a": 1}})), 400);
    refused(&app, "no events field", &path, b"{}".to_vec(), 400);
    refused(&app, "empty events", &path, batch(json!([])), 400);
    refused(&app, "summary missing on a trigger", &path, batch(json!([{"dedup_key": "a"}])), 400);
    refused(
        &app,
        "labels are numbers",
        &path,
        batch(json!([{"dedup_key": "a", "summary": "s", "labels": {"a": 1}}])),
        400,
    );
    refused(
        &app,
        "severity bad",
        &path,
        batch(json!([{"dedup_key": "a", "summary": "s", "severity": "bad"}])),
        400,
    );
    refused(
        &app,
        "action bad",
        &path,
        batch(json!([{"dedup_key": "a", "summary": "s", "action": "explode"}])),
        400,
    );
    refused(
        &app,
        "unparseable timestamp",
        &path,
        batch(json!([{"dedup_key": "a", "summary": "s", "timestamp": "2026-13-45T99:00:00Z"}])),
        400,
    );
    refused(
        &app,
        "timestamp a day ahead",
        &path,
        batch(json!([{"dedup_key": "a", "summary": "s", "timestamp": rfc3339_from_now(86_400)}])),
        400,
    );

    let error = refused(
        &app,
        "one bad event of three",
        &path,
        batch(
            json!([good, {"dedup_key": "b", "summary": "s", "severity": "bad"}, {"dedup_key": "c", "summary": "s"}]),
        ),
        400,
    );
    let text = error.to_string();
    assert!(
        text.contains("events[1]") || text.contains("\"index\":1"),
        "the error names index 1: {error}"
    );

    let deep = format!(
        r#"{{"events":[{{"dedup_key":"d","summary":"s","details":{}}}]}}"#,
        nested_arrays(100)
    );
    refused(&app, "100 nested arrays", &path, deep.into_bytes(), 400);
    let mut invalid_utf8 = br#"{"events":[{"dedup_key":"u","summary":"bad "#.to_vec();
    invalid_utf8.extend_from_slice(&[0xc0, 0x80, 0xff]);
    invalid_utf8.extend_from_slice(br#""}]}"#);
    refused(&app, "invalid UTF-8", &path, invalid_utf8, 400);
    refused(
        &app,
        "a body over 4 MiB",
        &path,
        batch(json!([{"dedup_key": "big", "summary": "s", "details": "x".repeat(OVERSIZED)}])),
        413,
    );

    let webhook = format!("/hooks/alertmanager/{ALERTMANAGER_KEY}");
    refused(
        &app,
        "Alertmanager webhook version 3",
        &webhook,
        json_bytes(&json!({"version": "3", "alerts": []})),
        400,
    );
    refused(
        &app,
        "Alertmanager webhook alert without labels",
        &webhook,
        json_bytes(&json!({"version": "4", "alerts": [{"status": "firing"}]})),
        400,
    );

    app.post_raw(&path, batch(json!([good])), &[("content-type", "application/json")])
        .expect_status(202, "a valid batch after the bad ones");
}

#[test]
fn unknown_keys_and_keys_of_another_kind_are_refused_alike() {
    let app = seeded_app();
    let generic = json_bytes(&json!({"events": [{"dedup_key": "k", "summary": "s"}]}));

    let unknown = refused(
        &app,
        "unknown generic key",
        "/hooks/generic/no-such-key-123",
        generic.clone(),
        401,
    );
    let other_kind = refused(
        &app,
        "PagerDuty key on the generic hook",
        &format!("/hooks/generic/{PAGERDUTY_KEY}"),
        generic.clone(),
        401,
    );
    assert_eq!(unknown, other_kind, "the answers must not reveal which keys exist");

    let mut event = pd_trigger();
    event["routing_key"] = json!("no-such-key-123");
    let unknown = refused(&app, "unknown routing_key", "/v2/enqueue", json_bytes(&event), 401);
    event["routing_key"] = json!(GENERIC_KEY);
    let other_kind =
        refused(&app, "generic key as routing_key", "/v2/enqueue", json_bytes(&event), 401);
    assert_eq!(unknown, other_kind, "the answers must not reveal which keys exist");

    let am = json_bytes(
        &json!({"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "X"}}]}),
    );
    let unknown = refused(
        &app,
        "unknown Alertmanager key",
        "/hooks/alertmanager/no-such-key-123",
        am.clone(),
        401,
    );
    let other_kind = refused(
        &app,
        "generic key on the Alertmanager hook",
        &format!("/hooks/alertmanager/{GENERIC_KEY}"),
        am,
        401,
    );
    assert_eq!(unknown, other_kind, "the answers must not reveal which keys exist");

    refused(&app, "unknown hook kind", &format!("/hooks/nagios/{GENERIC_KEY}"), generic, 404);
}

#[test]
fn api_errors_are_json_with_fitting_statuses() {
    let app = seeded_app();
    let id = app.incidents("")[0]["id"].as_i64().expect("numeric id");
    let before = app.stats();

    let no_token = app.get("/api/v1/incidents").expect_error(401, "no token");
    assert_eq!(no_token["error"]["code"], "unauthorized");
    app.get_with("/api/v1/incidents", &[("authorization", "Bearer wrong-token")])
        .expect_error(401, "wrong token");
    app.get_with("/api/v1/incidents", &[("authorization", "Basic YWRtaW46YWRtaW4=")])
        .expect_error(401, "basic auth");
    app.get("/api/v1/stats").expect_error(401, "stats without a token");
    app.post_raw(&format!("/api/v1/incidents/{id}/resolve"), Vec::new(), &[])
        .expect_error(401, "resolve without a token");

    app.api_get("/api/v1/incidents?status=bogus").expect_error(400, "status=bogus");
    app.api_get("/api/v1/incidents?colour=red").expect_error(400, "unknown query parameter");
    app.api_get("/api/v1/incidents/abc").expect_error(400, "incident id abc");
    app.api_get("/api/v1/incidents/-3").expect_error(400, "negative incident id");
    app.api_get("/api/v1/incidents/999999").expect_error(404, "unknown incident");
    app.api_post("/api/v1/incidents/999999/resolve", &json!({}))
        .expect_error(404, "resolve an unknown incident");
    app.api_post(&format!("/api/v1/incidents/{id}/notes"), &json!({"text": ""}))
        .expect_error(400, "empty note");
    app.api_post(&format!("/api/v1/incidents/{id}/notes"), &json!({"text": "   "}))
        .expect_error(400, "blank note");
    app.api_post(&format!("/api/v1/incidents/{id}/notes"), &json!({"txt": "hello"}))
        .expect_error(400, "misspelt note field");
    app.api_post(&format!("/api/v1/incidents/{id}/acknowledge"), &json!({"by": "me"}))
        .expect_error(400, "unknown field on acknowledge");
    app.get("/no/such/endpoint").expect_error(404, "unknown endpoint");
    assert_eq!(app.stats(), before, "refused API calls changed nothing");

    app.api_post(&format!("/api/v1/incidents/{id}/notes"), &json!({"text": "Looking at it"}))
        .expect_status(201, "a note");
    app.api_post(&format!("/api/v1/incidents/{id}/resolve"), &json!({}))
        .expect_status(200, "resolve");
    let again = app
        .api_post(&format!("/api/v1/incidents/{id}/resolve"), &json!({}))
        .expect_error(409, "resolve twice");
    assert_eq!(again["error"]["code"], "conflict", "{again}");
    app.api_post(&format!("/api/v1/incidents/{id}/acknowledge"), &json!({}))
        .expect_error(409, "acknowledge a resolved incident");

    let detail = app.incident(id);
    assert_eq!(detail["status"], "resolved");
    assert_eq!(detail["resolved_by"], "user:admin", "{detail}");
    let timeline = detail["timeline"].as_array().cloned().unwrap_or_default();
    assert!(
        timeline.iter().any(|e| e["kind"] == "note" && e["message"] == "Looking at it"),
        "the note is on the timeline: {detail}"
    );
}

#[test]
fn a_wrong_method_gets_a_json_405() {
    let app = spawn_app(&config_yaml(&[], None));
    let body = app.get("/v2/enqueue").expect_error(405, "GET /v2/enqueue");
    assert!(!body["error"]["code"].is_null(), "{body}");
    app.get(&format!("/hooks/generic/{GENERIC_KEY}")).expect_error(405, "GET on a hook");
    app.api_post("/api/v1/incidents", &json!({})).expect_error(405, "POST /api/v1/incidents");
}

/// U+0000 (NUL), which JSON carries as `\u0000` and no store keeps in text
/// (PostgreSQL refuses it, failing the commit of every request batched with
/// it), is refused with a 400 naming the field, wherever it is sent.
#[test]
fn nul_characters_are_refused_with_the_field_named_and_change_nothing() {
    let app = seeded_app();
    let generic = format!("/hooks/generic/{GENERIC_KEY}");
    let events = json!({"events": [
        {"dedup_key": "fine", "summary": "Fine"},
        {"dedup_key": "nul", "summary": "Disk\u{0}full"},
    ]});
    let error = refused(&app, "generic summary", &generic, json_bytes(&events), 400);
    assert_eq!(error["error"]["code"], "invalid_items", "{error}");
    let items = error["error"]["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{error}");
    assert_eq!(items[0]["index"], 1, "{error}");
    let message = items[0]["message"].as_str().unwrap_or("");
    assert!(message.contains("summary holds U+0000"), "{error}");

    let mut pagerduty = pd_trigger();
    pagerduty["payload"]["source"] = json!("db\u{0}1");
    refused(&app, "PagerDuty source", "/v2/enqueue", json_bytes(&pagerduty), 400);

    let alerts = json!([{"labels": {"alertname": "DiskFull", "instance": "db\u{0}1"}}]);
    let before = app.stats();
    let reply = app.post_raw(
        "/api/v2/alerts",
        json_bytes(&alerts),
        &[
            ("content-type", "application/json"),
            ("authorization", &format!("Bearer {ALERTMANAGER_KEY}")),
        ],
    );
    let error = reply.expect_error(400, "Alertmanager label value");
    assert!(error.to_string().contains("labels.instance holds U+0000"), "{error}");
    assert_eq!(app.stats(), before, "the refused alert changed the store");

    let incident = app.incidents("")[0]["id"].as_i64().expect("the seeded incident");
    let note =
        app.api_post(&format!("/api/v1/incidents/{incident}/notes"), &json!({"text": "a\u{0}b"}));
    let error = note.expect_error(400, "note text");
    assert!(error["error"]["message"].as_str().unwrap_or("").starts_with("text: holds U+0000"));
    let silence = json!({"tenant": "acme", "matchers": ["site=fra"], "duration": "1h",
                         "created_by": "ana", "comment": "upgrade\u{0}"});
    let error = app.api_post("/api/v1/silences", &silence).expect_error(400, "silence comment");
    assert!(error["error"]["message"].as_str().unwrap_or("").starts_with("comment: holds U+0000"));
    assert_eq!(app.stats(), before, "the refused note and silence changed the store");

    // The same requests without it go through.
    let events = json!({"events": [{"dedup_key": "nul", "summary": "Disk full"}]});
    app.post_json(&generic, &events).expect_status(202, "the same event without NUL");
}

/// What a raw connection reads until the server closes it (or 10 s pass),
/// and how long that took.
fn read_until_closed(stream: &mut std::net::TcpStream) -> (String, std::time::Duration) {
    use std::io::Read as _;
    let started = std::time::Instant::now();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("a read timeout");
    let mut read = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => read.extend_from_slice(&buffer[..n]),
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(error) => panic!("the server kept the connection open: {error}"),
        }
    }
    (String::from_utf8_lossy(&read).into_owned(), started.elapsed())
}

/// A client that stalls holds nothing for long: a request head that has not
/// arrived within the read timeout (half a request line, or nothing at all)
/// closes its connection, and a body that has not gets a 408, while the
/// server answers everyone else as usual and keeps nothing of them.
#[test]
fn stalled_clients_are_cut_off_after_the_read_timeout() {
    use std::io::Write as _;
    let app = spawn_app_with_args(&config_yaml(&[], None), &["--read-timeout", "1s"]);
    let before = app.stats();
    let connect = || std::net::TcpStream::connect(&app.addr).expect("connecting");
    let mut half_head = connect();
    half_head.write_all(b"POST /v2/enqueue HT").expect("writing");
    let mut nothing = connect();
    let mut half_body = connect();
    let head = format!(
        "POST /hooks/generic/{GENERIC_KEY} HTTP/1.1\r\nHost: {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"events\": [",
        app.addr
    );
    half_body.write_all(head.as_bytes()).expect("writing");
    app.get("/healthz").expect_status(200, "others are answered meanwhile");

    let (answer, took) = read_until_closed(&mut half_body);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"request_timeout\""), "{answer}");
    assert!(took >= std::time::Duration::from_millis(800), "not before the timeout: {took:?}");
    for (what, stream) in [("half a head", &mut half_head), ("nothing", &mut nothing)] {
        let (answer, _) = read_until_closed(stream);
        assert!(!answer.contains("HTTP/1.1 2"), "{what}: {answer}");
    }
    assert_eq!(app.stats(), before, "the stalled requests changed the store");
}

/// Labels and annotations have bounds (names 256 bytes, label values 4 KiB,
/// annotation values 64 KiB, 128 of each): an event over them is refused
/// with a 400 that says which and by how much, and changes nothing.
#[test]
fn labels_over_their_limits_are_refused_and_change_nothing() {
    let app = seeded_app();
    let generic = format!("/hooks/generic/{GENERIC_KEY}");
    let with_labels = |labels: Value| {
        json_bytes(&json!({"events": [{"dedup_key": "big", "summary": "Big", "labels": labels}]}))
    };
    let error =
        refused(&app, "a long value", &generic, with_labels(json!({"big": "x".repeat(4097)})), 400);
    let said = error["error"]["items"][0]["message"].as_str().unwrap_or("");
    assert_eq!(said, "event 0: labels.big: 4097 bytes, at most 4096", "{error}");
    let many: serde_json::Map<String, Value> =
        (0..129).map(|i| (format!("l{i}"), json!("v"))).collect();
    let error = refused(&app, "many labels", &generic, with_labels(Value::Object(many)), 400);
    let said = error["error"]["items"][0]["message"].as_str().unwrap_or("");
    assert_eq!(said, "event 0: labels: 129 of them, at most 128", "{error}");

    let at_the_limit = with_labels(json!({"big": "x".repeat(4096)}));
    let reply = app.post_raw(&generic, at_the_limit, &[("content-type", "application/json")]);
    reply.expect_status(202, "a value at the limit");
}

/// Ids are taken only as they are shown (`01` and `+1` are not incident 1),
/// every endpoint refuses query parameters it does not take, a body of the
/// wrong shape is told what shape to have, and an error does not echo a
/// body's worth of a key back.
#[test]
fn ids_queries_shapes_and_long_keys_get_plain_answers() {
    let app = seeded_app();
    let id = app.incidents("")[0]["id"].as_i64().expect("the seeded incident");
    for raw in [format!("0{id}"), format!("+{id}")] {
        let path = format!("/api/v1/incidents/{raw}/acknowledge");
        let error = app.api_post(&path, &json!({})).expect_error(400, &raw);
        assert_eq!(error["error"]["code"], "invalid_id", "{error}");
        app.api_get(&format!("/api/v1/silences/{raw}")).expect_error(400, &raw);
    }
    let error = app.api_get("/api/v1/stats?zz=1").expect_error(400, "an unknown parameter");
    assert!(error["error"]["message"].as_str().unwrap_or("").contains("takes none"), "{error}");

    let notes = format!("/api/v1/incidents/{id}/notes");
    let error = app.api_post(&notes, &json!(["text"])).expect_error(400, "a note as an array");
    let said = error["error"]["message"].as_str().unwrap_or("");
    assert_eq!(said, "body: expected a JSON object, found an array", "{error}");
    let error = app.api_post(&notes, &json!({"text": 7})).expect_error(400, "a number for text");
    let said = error["error"]["message"].as_str().unwrap_or("");
    assert!(!said.contains("NoteBody"), "{said}");

    let long_key = "k".repeat(100_000);
    let events = json!({"events": [{"dedup_key": "a", "summary": "s", long_key: 1}]});
    let generic = format!("/hooks/generic/{GENERIC_KEY}");
    let error = refused(&app, "a long unknown key", &generic, json_bytes(&events), 400);
    let text = error.to_string();
    assert!(text.len() < 2_000 && text.contains(&format!("{}…", "k".repeat(64))), "{text}");
}
