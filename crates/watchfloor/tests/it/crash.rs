//! Crash safety: `kill -9` during a stream of ingests loses no acknowledged event and never duplicates an incident.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{GENERIC_KEY, config_yaml, spawn_app, wait_until};

const THREADS: usize = 4;

#[derive(Default)]
struct Outcome {
    acknowledged: Vec<String>,
    /// Sent while the server died: no answer, so they may or may not be stored.
    in_flight: Vec<String>,
    /// Answers that were neither 2xx nor a dead connection.
    unexpected: Vec<String>,
}

#[test]
fn kill_9_during_ingest_loses_no_acknowledged_event() {
    let mut app = spawn_app(&config_yaml(&[], None));
    let url = app.url(&format!("/hooks/generic/{GENERIC_KEY}"));
    let killed = Arc::new(AtomicBool::new(false));
    let acknowledged_count = Arc::new(AtomicUsize::new(0));
    let outcome = Arc::new(Mutex::new(Outcome::default()));

    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (url, killed, count, outcome) =
                (url.clone(), killed.clone(), acknowledged_count.clone(), outcome.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .expect("HTTP client");
                let mut local = Outcome::default();
                for n in 0..1_000_000 {
                    let key = format!("crash-{thread}-{n}");
                    let body = json!({"events": [{
                        "dedup_key": key,
                        "summary": "Replication stream broken",
                        "severity": "error",
                        "labels": {"alertname": "ReplicationBroken"},
                    }]});
                    match client.post(&url).json(&body).send() {
                        Ok(response) if response.status().is_success() => {
                            local.acknowledged.push(key);
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(response) => {
                            let status = response.status();
                            let text = response.text().unwrap_or_default();
                            local.unexpected.push(format!("{key}: {status} {text}"));
                            if killed.load(Ordering::SeqCst) {
                                break;
                            }
                        }
                        Err(error) => {
                            if killed.load(Ordering::SeqCst) {
                                local.in_flight.push(key);
                            } else {
                                local.unexpected.push(format!("{key}: {error}"));
                            }
                            break;
                        }
                    }
                }
                let mut shared = outcome.lock().expect("outcome lock");
                shared.acknowledged.extend(local.acknowledged);
                shared.in_flight.extend(local.in_flight);
                shared.unexpected.extend(local.unexpected);
            })
        })
        .collect();

    // Let the stream get going (a few thousand events, or a few seconds on a
    // slow machine), then pull the plug while requests are in flight.
    wait_until(Duration::from_secs(20), "100 events are acknowledged", || {
        acknowledged_count.load(Ordering::Relaxed) >= 100
    });
    let streaming = Instant::now();
    while acknowledged_count.load(Ordering::Relaxed) < 2_000
        && streaming.elapsed() < Duration::from_secs(6)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    killed.store(true, Ordering::SeqCst);
    app.kill9();
    for worker in workers {
        worker.join().expect("a sender thread panicked");
    }
    let outcome = std::mem::take(&mut *outcome.lock().expect("outcome lock"));
    assert!(
        outcome.unexpected.is_empty(),
        "answers other than 2xx before the kill: {:?}",
        outcome.unexpected.iter().take(10).collect::<Vec<_>>()
    );

    app.restart();
    let open = app.incidents("?status=open");
    assert_eq!(open.len(), 1, "one open incident for the group, no duplicate: {open:?}");
    let id = open[0]["id"].as_i64().expect("numeric id");
    let detail = app.incident(id);
    let stored: BTreeSet<String> = detail["alerts"]
        .as_array()
        .map(|alerts| {
            alerts.iter().filter_map(|a| a["dedup_key"].as_str().map(str::to_owned)).collect()
        })
        .unwrap_or_default();
    let lost: Vec<&String> = outcome.acknowledged.iter().filter(|k| !stored.contains(*k)).collect();
    let in_flight_stored = outcome.in_flight.iter().filter(|k| stored.contains(*k)).count();
    println!(
        "crash: {} acknowledged, {} in flight at the kill ({} of those stored anyway), {} alerts stored, {} acknowledged lost",
        outcome.acknowledged.len(),
        outcome.in_flight.len(),
        in_flight_stored,
        stored.len(),
        lost.len()
    );
    assert!(
        lost.is_empty(),
        "acknowledged events lost by kill -9: {:?}",
        lost.iter().take(20).collect::<Vec<_>>()
    );
    assert!(
        stored.len() <= outcome.acknowledged.len() + outcome.in_flight.len(),
        "more alerts than events sent"
    );
    assert_eq!(
        detail["alert_count"].as_u64(),
        Some(stored.len() as u64),
        "{}",
        detail["alert_count"]
    );

    // The restarted engine keeps grouping into the same incident.
    app.send_generic(json!([{"dedup_key": "after-restart", "summary": "Replication stream broken", "labels": {"alertname": "ReplicationBroken"}}]));
    let open = app.incidents("?status=open");
    assert_eq!(open.len(), 1, "still one open incident after restart: {open:?}");
    assert_eq!(open[0]["id"], id);
    assert_eq!(open[0]["alert_count"].as_u64(), Some(stored.len() as u64 + 1));
}

/// The event count of the only alert of the only incident.
fn alert_event_count(app: &crate::harness::App) -> i64 {
    let incidents = app.incidents("");
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    let detail = app.incident(incidents[0]["id"].as_i64().expect("an id"));
    detail["alerts"][0]["event_count"].as_i64().expect("an event count")
}

#[test]
fn resent_alerts_count_at_once_and_their_counts_survive_a_restart() {
    let mut app = spawn_app(&config_yaml(&[], None));
    let event =
        json!([{"dedup_key": "disk-full", "summary": "Disk full on db-1", "severity": "error"}]);
    for _ in 0..5 {
        app.send_generic(event.clone());
    }
    // Re-sent unchanged, the alert's row is written later; the API is exact now.
    assert_eq!(alert_event_count(&app), 5);

    // A graceful stop writes what was held back.
    app.restart_gracefully();
    assert_eq!(alert_event_count(&app), 5);

    // Killed instead, within the interval: every payload is stored, and
    // the alert's row still has the count it had when it was last written.
    for _ in 0..3 {
        app.send_generic(event.clone());
    }
    assert_eq!(alert_event_count(&app), 8);
    app.restart();
    let stats = app.stats();
    assert_eq!(stats["payloads"], 8, "every acknowledged event is stored: {stats}");
    // Only the event that opened the alert has a row of its own: the
    // re-sends changed nothing, and their payloads are their record.
    assert_eq!(stats["events"], 1, "{stats}");
    assert_eq!(alert_event_count(&app), 5, "re-sends within 30 s of the kill are not counted");
}

#[test]
fn a_second_server_on_the_same_database_is_refused_and_the_first_keeps_serving() {
    let mut app = spawn_app(&config_yaml(&[], None));
    let mut args = vec!["--config".into(), app.config_path().expect("a config file").into()];
    args.extend(app.database_args());
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsString::as_os_str).collect();

    let (status, stderr) = crate::check::serve_expecting_exit(&args);
    assert!(!status.success(), "a second server started; stderr: {stderr}");
    assert!(
        stderr.contains("another watchfloor server is running on this database"),
        "the refusal says why: {stderr}"
    );
    assert_eq!(app.get("/readyz").status, 200, "the first server still serves");

    // Killed, the first one leaves nothing held: the database serves again.
    app.restart();
    assert_eq!(app.get("/readyz").status, 200);
}

/// Should a start-up find two unresolved alerts for one key (rows written by
/// hand, or a bug), the server keeps the later, says so in its log, resolves
/// the earlier with its next commit and counts the incident's active alerts
/// again, so the incident still resolves when its alerts do.
#[test]
fn a_restart_that_finds_two_unresolved_alerts_for_a_key_keeps_the_later() {
    let mut app = spawn_app(&config_yaml(&[], None));
    let disk = |action: &str| json!([{"dedup_key": "disk-full", "summary": "Disk full on db-1", "severity": "error", "action": action}]);
    app.send_generic(disk("trigger"));
    let incident = app.incidents("")[0]["id"].as_i64().expect("an id");
    app.stop_gracefully();
    app.execute_sql(
        "INSERT INTO alerts (id, tenant, service, incident_id, dedup_key, status, severity, \
         summary, source, labels, first_seen, last_seen, resolved_at, event_count) \
         SELECT id + 1, tenant, service, incident_id, dedup_key, status, severity, \
         'the copy', source, labels, first_seen + 1000, last_seen + 1000, NULL, 1 \
         FROM alerts WHERE dedup_key = 'disk-full'",
    );
    app.start_again();
    // The log is read by a thread of the harness: it may lag the start.
    wait_until(Duration::from_secs(10), "the log says two alerts share a key", || {
        app.stderr_text().contains("two unresolved alerts share a key")
    });

    // Any commit writes what the start-up decided: here a second alert's.
    let cpu = |action: &str| json!([{"dedup_key": "cpu-high", "summary": "CPU high on db-1", "severity": "warning", "action": action}]);
    app.send_generic(cpu("trigger"));
    let detail = app.incident(incident);
    let mut statuses: Vec<(i64, &str, &str)> = detail["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .map(|a| {
            let text = |field: &str| a[field].as_str().unwrap_or("");
            (a["id"].as_i64().unwrap_or(0), text("summary"), text("status"))
        })
        .collect();
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [
            (1, "Disk full on db-1", "resolved"),
            (2, "the copy", "firing"),
            (3, "CPU high on db-1", "firing"),
        ],
        "{detail}"
    );
    assert_eq!(detail["active_alert_count"], 2, "{detail}");

    // Resolving the key resolves the kept alert; the incident resolves with
    // its last active alert, not before.
    app.send_generic(disk("resolve"));
    assert_eq!(app.incident(incident)["status"], "triggered");
    app.send_generic(cpu("resolve"));
    let detail = app.incident(incident);
    assert_eq!(detail["status"], "resolved", "{detail}");
    assert_eq!(detail["active_alert_count"], 0, "{detail}");
}

/// A commit the database refuses (here, a trigger rejects one request's
/// body) answers every request it held 503 and keeps none of them; the
/// engine goes back to what is committed, and the next requests are taken
/// in as usual.
#[test]
fn a_refused_commit_answers_503_keeps_nothing_and_the_next_commit_goes_through() {
    let mut app = spawn_app(&config_yaml(&[], None));
    let alert = |key: &str, summary: &str| json!([{"dedup_key": key, "summary": summary, "severity": "error", "action": "trigger"}]);
    app.send_generic(alert("disk-full", "Disk full on db-1"));
    app.stop_gracefully();
    app.execute_sql(if app.on_postgres() {
        "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN IF NEW.body LIKE '%poison pill%' THEN RAISE EXCEPTION 'poisoned body'; END IF; \
         RETURN NEW; END $$; \
         CREATE TRIGGER refuse_poison BEFORE INSERT ON payloads \
         FOR EACH ROW EXECUTE FUNCTION refuse_poison();"
    } else {
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON payloads \
         WHEN NEW.body LIKE '%poison pill%' BEGIN SELECT RAISE(ABORT, 'poisoned body'); END;"
    });
    app.start_again();

    let path = format!("/hooks/generic/{GENERIC_KEY}");
    let reply = app.post_json(&path, &json!({ "events": alert("poison", "poison pill") }));
    assert_eq!(reply.status, 503, "refused by the database: {}", reply.text());
    wait_until(Duration::from_secs(10), "the log says the commit failed", || {
        app.stderr_text().contains("commit failed; reloading state from the store")
    });

    app.send_generic(alert("cpu-high", "CPU high on db-1"));
    let mut summaries: Vec<String> = app
        .incidents("")
        .iter()
        .flat_map(|i| {
            let detail = app.incident(i["id"].as_i64().expect("an id"));
            let alerts = detail["alerts"].as_array().cloned().unwrap_or_default();
            alerts.into_iter().map(|a| a["summary"].as_str().unwrap_or("").to_owned())
        })
        .collect();
    summaries.sort_unstable();
    assert_eq!(
        summaries,
        ["CPU high on db-1", "Disk full on db-1"],
        "nothing of the refused request"
    );
    let stats = app.stats();
    assert_eq!((&stats["payloads"], &stats["events"]), (&json!(2), &json!(2)), "{stats}");
}

/// A commit the database refuses, and a store that cannot be read back
/// after it: the server stops rather than carry on with an engine ahead of
/// the store, whose next commit would write what the refused one held
/// (here, an acknowledgement) without its audit entry and timeline.
#[test]
fn a_refused_commit_that_cannot_be_reloaded_stops_the_server_and_keeps_nothing() {
    let mut app = spawn_app(&config_yaml(&[], None));
    let alert = json!([{"dedup_key": "disk-full", "summary": "Disk full on db-1", "severity": "error", "action": "trigger"}]);
    app.send_generic(alert);
    let incident = app.incidents("")[0]["id"].as_i64().expect("an incident id");
    app.stop_gracefully();
    app.execute_sql(if app.on_postgres() {
        "CREATE FUNCTION refuse_ack() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN IF NEW.status = 'acknowledged' THEN RAISE EXCEPTION 'no acks'; END IF; \
         RETURN NEW; END $$; \
         CREATE TRIGGER refuse_ack BEFORE UPDATE ON incidents \
         FOR EACH ROW EXECUTE FUNCTION refuse_ack();"
    } else {
        "CREATE TRIGGER refuse_ack BEFORE UPDATE ON incidents \
         WHEN NEW.status = 'acknowledged' BEGIN SELECT RAISE(ABORT, 'no acks'); END;"
    });
    app.start_again();
    // What a reload reads, gone from under the running server.
    app.execute_sql_beside("ALTER TABLE silences RENAME TO silences_away");

    let reply = app.api_post(&format!("/api/v1/incidents/{incident}/acknowledge"), &json!({}));
    assert_eq!(reply.status, 503, "refused by the database: {}", reply.text());
    let status = app.wait_for_exit(Duration::from_secs(30));
    assert!(!status.success(), "stopped with an error: {status}");
    let log = app.stderr_text();
    assert!(log.contains("reloading state failed"), "{log}");
    assert!(log.contains("stopping, so that nothing the failed commit held"), "{log}");

    app.execute_sql("ALTER TABLE silences_away RENAME TO silences");
    let actions = app.query_sql(
        "SELECT CAST(count(*) AS TEXT) FROM audit_log WHERE action = 'incident.acknowledge'",
    );
    assert_eq!(actions, "0", "no audit entry for the refused acknowledgement");
    app.start_again();
    assert_eq!(app.incident(incident)["status"], "triggered", "the acknowledgement was not kept");
    let more = json!([{"dedup_key": "cpu-high", "summary": "CPU high on db-1", "severity": "error", "action": "trigger"}]);
    app.send_generic(more);
    assert_eq!(
        app.incident(incident)["status"],
        "triggered",
        "and is not written by a later commit"
    );
}
