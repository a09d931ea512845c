//! Silences, maintenance windows, inhibition and flapping on the running server: no page, the events still visible, and the incident says why.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::harness::{ADMIN_TOKEN, App, rfc3339_from_now, spawn_app, wait_until};
use crate::receiver::{Receiver, Request};

const WAIT: Duration = Duration::from_secs(20);
const VPN_KEY: &str = "acme-vpn-generic-key-01";
const ERP_KEY: &str = "acme-erp-generic-key-01";

/// Tenant `acme` (platinum, paged through the receiver) with a VPN and an ERP
/// service, one generic integration each; `extra` is appended as more sections.
fn config(hook_url: &str, grouping: &str, extra: &str) -> String {
    format!(
        "public_url: http://127.0.0.1:8080
grouping: {grouping}
delivery: {{max_attempts: 3, initial_backoff: 100ms, max_backoff: 1s, timeout: 2s}}
tenants: [{{id: acme, name: Acme Corp, tier: platinum, notify: [hook]}}]
services:
  - {{id: acme-vpn, tenant: acme, criticality: high, environment: production}}
  - {{id: acme-erp, tenant: acme, criticality: critical, environment: production}}
integrations:
  - {{key: {VPN_KEY}, tenant: acme, service: acme-vpn, kind: generic}}
  - {{key: {ERP_KEY}, tenant: acme, service: acme-erp, kind: generic}}
notify: [{{id: hook, kind: webhook, url: \"{hook_url}\"}}]
{extra}"
    )
}

/// Group by alert name and site, page at once.
const GROUP_NOW: &str = "{group_by: [alertname, site], group_wait: 0s, auto_resolve: true}";

/// POSTs one native event to `/hooks/generic/{key}` and expects 202.
fn send(app: &App, key: &str, event: Value) {
    let path = format!("/hooks/generic/{key}");
    app.post_json(&path, &json!({ "events": [event] })).expect_status(202, &path);
}

/// A critical trigger with `alertname` and `site` labels.
fn trigger(dedup_key: &str, alertname: &str, site: &str, summary: &str) -> Value {
    json!({"dedup_key": dedup_key, "summary": summary, "severity": "critical", "source": site,
           "labels": {"alertname": alertname, "site": site}})
}

fn resolve(dedup_key: &str) -> Value {
    json!({"action": "resolve", "dedup_key": dedup_key})
}

/// The id of the one incident with this title, listed by `GET /api/v1/incidents`.
fn incident_titled(app: &App, title: &str) -> Value {
    let matching: Vec<Value> =
        app.incidents("").into_iter().filter(|i| i["title"] == title).collect();
    assert_eq!(matching.len(), 1, "exactly one incident titled {title:?}: {matching:?}");
    matching.into_iter().next().unwrap_or_default()
}

fn id_of(incident: &Value) -> i64 {
    incident["id"].as_i64().unwrap_or_else(|| panic!("incident without a numeric id: {incident}"))
}

/// The webhook requests about incident `id`, as `(event, body)`.
fn pages_for(receiver: &Receiver, id: i64) -> Vec<String> {
    receiver
        .requests()
        .iter()
        .map(Request::json)
        .filter(|body| body["incident"]["id"] == id)
        .map(|body| body["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Waits until the receiver has a page `event` about incident `id`.
fn wait_for_page(receiver: &Receiver, id: i64, event: &str) {
    wait_until(WAIT, &format!("incident {id} is paged with {event}"), || {
        pages_for(receiver, id).iter().any(|e| e == event)
    });
}

/// Outbox rows (queued, sent or dead) for incident `id`: none means nobody was ever to be paged.
fn deliveries_for(app: &App, id: i64) -> Vec<Value> {
    app.deliveries("any").into_iter().filter(|d| d["incident_id"] == id).collect()
}

fn timeline(app: &App, id: i64) -> Vec<(String, String)> {
    app.incident(id)["timeline"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let text = |name: &str| e[name].as_str().unwrap_or_default().to_owned();
            (text("kind"), text("message"))
        })
        .collect()
}

/// Asserts a timeline entry of `kind` whose message contains every one of `parts`.
fn assert_timeline_has(app: &App, id: i64, kind: &str, parts: &[&str]) {
    let entries = timeline(app, id);
    assert!(
        entries.iter().any(|(k, m)| k == kind && parts.iter().all(|p| m.contains(p))),
        "incident {id}: no `{kind}` timeline entry containing {parts:?}: {entries:#?}"
    );
}

/// The held incident is listed with its alerts and events, and nobody was paged.
fn assert_held_but_visible(app: &App, receiver: &Receiver, id: i64, alerts: i64, events: i64) {
    let listed = app.incidents("?status=open");
    let incident = listed
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("held incident {id} is not listed as open: {listed:?}"));
    assert_eq!(incident["alert_count"], alerts, "{incident}");
    assert_eq!(incident["event_count"], events, "{incident}");
    let detail = app.incident(id);
    let alert_list = detail["alerts"].as_array().cloned().unwrap_or_default();
    assert_eq!(alert_list.len() as i64, alerts, "the alerts are shown: {detail}");
    let alert_events: i64 = alert_list.iter().filter_map(|a| a["event_count"].as_i64()).sum();
    assert_eq!(alert_events, events, "every event is counted on its alert: {detail}");
    assert_eq!(pages_for(receiver, id), Vec::<String>::new(), "incident {id} was paged");
    assert_eq!(deliveries_for(app, id), Vec::<Value>::new(), "a page was queued for {id}");
}

fn held_reason(app: &App, id: i64) -> String {
    let detail = app.incident(id);
    detail["held"]
        .as_str()
        .unwrap_or_else(|| panic!("incident {id} does not say why its page is held: {detail}"))
        .to_owned()
}

/// `DELETE path` with the admin token: (status, JSON body).
fn api_delete(app: &App, path: &str) -> (u16, Value) {
    let response = reqwest::blocking::Client::new()
        .delete(app.url(path))
        .bearer_auth(ADMIN_TOKEN)
        .timeout(WAIT)
        .send()
        .unwrap_or_else(|e| panic!("DELETE {path} failed: {e}"));
    let status = response.status().as_u16();
    let text = response.text().unwrap_or_default();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("DELETE {path} answered {status} with non-JSON ({e}): {text}"));
    (status, body)
}

/// Audit entries whose action is `action` and target `target`.
fn audit_entries(app: &App, action: &str, target: &str) -> Vec<Value> {
    let log = app.api_get("/api/v1/audit").expect_status(200, "GET /api/v1/audit").json();
    assert_eq!(log["chain_intact"], true, "{log}");
    log["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e["action"] == action && e["target"] == target)
        .collect()
}

/// Runs `watchfloor silence ARGS --server <app> --json` with the admin token.
fn silence_cli(app: &App, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .arg("silence")
        .args(args)
        .args(["--server", &app.base, "--json"])
        .env("WATCHFLOOR_ADMIN_TOKEN", ADMIN_TOKEN)
        .env_remove("WATCHFLOOR_URL")
        .stdin(Stdio::null())
        .output()
        .expect("running watchfloor silence")
}

fn cli_json(output: &Output, what: &str) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what} failed ({}): stdout {stdout} stderr {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{what} did not print JSON ({e}): {stdout}"))
}

#[test]
fn a_silence_holds_the_page_until_it_is_expired_and_both_are_audited() {
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver.url("/hook"), GROUP_NOW, ""));

    let created = app
        .api_post(
            "/api/v1/silences",
            &json!({"tenant": "acme", "matchers": ["site=fra", "alertname=~Tunnel.*"],
                    "duration": "1h", "created_by": "ana",
                    "comment": "firmware upgrade on the Frankfurt VPN"}),
        )
        .expect_status(201, "POST /api/v1/silences")
        .json();
    let silence = created["id"].as_i64().unwrap_or_else(|| panic!("silence id: {created}"));
    assert_eq!(created["state"], "active", "{created}");
    assert_eq!(created["tenant"], "acme", "{created}");
    let listed = app.api_get("/api/v1/silences").expect_status(200, "GET silences").json();
    assert!(
        listed["silences"].as_array().is_some_and(|s| s.iter().any(|s| s["id"] == silence)),
        "{listed}"
    );

    send(&app, VPN_KEY, trigger("tunnel-fra-nyc", "TunnelDown", "fra", "Tunnel fra-nyc down"));
    send(&app, VPN_KEY, trigger("tunnel-fra-nyc", "TunnelDown", "fra", "Tunnel fra-nyc down"));
    // The same alert at another site is not silenced: it pages, so the webhook works.
    send(&app, VPN_KEY, trigger("tunnel-ber-nyc", "TunnelDown", "ber", "Tunnel ber-nyc down"));
    let paged = id_of(&incident_titled(&app, "Tunnel ber-nyc down"));
    wait_for_page(&receiver, paged, "incident.opened");

    let held = id_of(&incident_titled(&app, "Tunnel fra-nyc down"));
    assert_held_but_visible(&app, &receiver, held, 1, 2);
    let reason = held_reason(&app, held);
    assert!(reason.contains(&format!("silenced by silence {silence}")), "{reason}");
    assert!(reason.contains("firmware upgrade on the Frankfurt VPN"), "{reason}");
    assert_timeline_has(&app, held, "held", &["not paged", "silenced by silence"]);

    let (status, expired) = api_delete(&app, &format!("/api/v1/silences/{silence}"));
    assert_eq!(status, 200, "DELETE the silence: {expired}");
    assert!(expired["expired_at"].is_string(), "{expired}");
    assert_eq!(expired["expired_by"], "user:admin", "{expired}");
    let shown =
        app.api_get(&format!("/api/v1/silences/{silence}")).expect_status(200, "GET").json();
    assert_eq!(shown["state"], "expired", "{shown}");
    let (again, conflict) = api_delete(&app, &format!("/api/v1/silences/{silence}"));
    assert_eq!(again, 409, "expiring twice: {conflict}");

    // The held incident pages as soon as nothing holds it any more.
    wait_for_page(&receiver, held, "incident.opened");
    assert_eq!(app.incident(held)["held"], Value::Null);
    assert_timeline_has(&app, held, "held", &["page released"]);
    assert_eq!(pages_for(&receiver, held), ["incident.opened"], "one page, once released");

    let target = format!("silence:{silence}");
    let create = audit_entries(&app, "silence.create", &target);
    assert_eq!(create.len(), 1, "the creation is audited once: {create:?}");
    // Who asked, from the token; the name the silence was given is its detail.
    assert_eq!(create[0]["actor"], "user:admin", "{create:?}");
    assert_eq!(create[0]["detail"]["created_by"], "ana", "{create:?}");
    assert_eq!(create[0]["tenant"], "acme", "{create:?}");
    let expire = audit_entries(&app, "silence.expire", &target);
    assert_eq!(expire.len(), 1, "the expiry is audited once: {expire:?}");
    assert_eq!(expire[0]["actor"], "user:admin", "{expire:?}");
}

/// The answer to `DELETE /api/v1/silences/{id}` is the silence as it is now:
/// expired. Several rounds, because the answer is right by luck whenever the
/// expiry lands in the millisecond the request arrived in.
#[test]
fn expiring_a_silence_answers_with_the_silence_expired() {
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver.url("/hook"), GROUP_NOW, ""));
    for round in 0..10 {
        let created = app
            .api_post(
                "/api/v1/silences",
                &json!({"tenant": "acme", "matchers": [format!("site=site{round}")],
                        "duration": "1h", "created_by": "ana", "comment": "VPN upgrade"}),
            )
            .expect_status(201, "POST /api/v1/silences")
            .json();
        let silence = created["id"].as_i64().unwrap_or_else(|| panic!("silence id: {created}"));
        let (status, expired) = api_delete(&app, &format!("/api/v1/silences/{silence}"));
        assert_eq!(status, 200, "{expired}");
        assert!(expired["expired_at"].is_string(), "{expired}");
        assert_eq!(
            expired["state"], "expired",
            "round {round}: the answer carries expired_at, so its state must be expired: {expired}"
        );
    }
}

#[test]
fn a_silence_made_with_the_cli_holds_the_page_until_the_cli_expires_it() {
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver.url("/hook"), GROUP_NOW, ""));

    let output = silence_cli(
        &app,
        &[
            "add",
            "--tenant",
            "acme",
            "--duration",
            "10m",
            "--author",
            "ben",
            "--comment",
            "replacing the Munich router",
            "site=muc",
        ],
    );
    let created = cli_json(&output, "watchfloor silence add");
    let silence = created["id"].as_i64().unwrap_or_else(|| panic!("silence id: {created}"));
    assert_eq!(created["created_by"], "ben", "{created}");
    assert_eq!(created["state"], "active", "{created}");
    let listed = cli_json(&silence_cli(&app, &["list"]), "watchfloor silence list");
    assert!(
        listed["silences"].as_array().is_some_and(|s| s.iter().any(|s| s["id"] == silence)),
        "{listed}"
    );

    send(&app, VPN_KEY, trigger("router-muc", "RouterDown", "muc", "Router muc-1 down"));
    send(&app, VPN_KEY, trigger("router-ham", "RouterDown", "ham", "Router ham-1 down"));
    let paged = id_of(&incident_titled(&app, "Router ham-1 down"));
    wait_for_page(&receiver, paged, "incident.opened");
    let held = id_of(&incident_titled(&app, "Router muc-1 down"));
    assert_held_but_visible(&app, &receiver, held, 1, 1);
    let reason = held_reason(&app, held);
    assert!(reason.contains(&format!("silenced by silence {silence} of ben")), "{reason}");
    assert_timeline_has(&app, held, "held", &["silenced by silence"]);

    let expired = cli_json(
        &silence_cli(&app, &["expire", &silence.to_string()]),
        "watchfloor silence expire",
    );
    assert_eq!(expired["id"], silence, "{expired}");
    assert!(expired["expired_at"].is_string(), "{expired}");
    let listed = cli_json(&silence_cli(&app, &["list", "--state", "expired"]), "silence list");
    assert!(
        listed["silences"].as_array().is_some_and(|s| s.iter().any(|s| s["id"] == silence)),
        "{listed}"
    );
    wait_for_page(&receiver, held, "incident.opened");
    assert_timeline_has(&app, held, "held", &["page released"]);
}

#[test]
fn a_silence_ending_before_it_starts_is_refused_and_nothing_is_created() {
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver.url("/hook"), GROUP_NOW, ""));

    let (starts_at, ends_at) = (rfc3339_from_now(7200), rfc3339_from_now(3600));
    let body = app
        .api_post(
            "/api/v1/silences",
            &json!({"tenant": "acme", "matchers": ["site=fra"], "starts_at": starts_at,
                    "ends_at": ends_at, "created_by": "ana", "comment": "backwards"}),
        )
        .expect_error(400, "a silence ending before it starts");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("must end after it starts"), "a clear reason: {body}");
    assert!(message.contains(&ends_at), "the message names the end: {body}");

    // The command line says the same and fails.
    let output = silence_cli(
        &app,
        &[
            "add",
            "--tenant",
            "acme",
            "--starts-at",
            &starts_at,
            "--ends-at",
            &ends_at,
            "--author",
            "ana",
            "--comment",
            "backwards",
            "site=fra",
        ],
    );
    assert!(!output.status.success(), "the CLI must fail: {output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("400") && stderr.contains("must end after it starts"), "{stderr}");

    let all = app.api_get("/api/v1/silences?state=all").expect_status(200, "GET silences").json();
    assert_eq!(all["silences"], json!([]), "nothing was created: {all}");
    let log = app.api_get("/api/v1/audit").expect_status(200, "GET /api/v1/audit").json();
    let silence_actions: Vec<&Value> = log["entries"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter(|e| e["action"].as_str().is_some_and(|a| a.starts_with("silence")))
                .collect()
        })
        .unwrap_or_default();
    assert!(silence_actions.is_empty(), "nothing was audited: {silence_actions:?}");

    // And nothing is silenced.
    send(&app, VPN_KEY, trigger("tunnel-fra-ams", "TunnelDown", "fra", "Tunnel fra-ams down"));
    let id = id_of(&incident_titled(&app, "Tunnel fra-ams down"));
    wait_for_page(&receiver, id, "incident.opened");
}

/// `HH:MM` of `seconds` (since midnight, wrapped to one day).
fn clock(seconds: i64) -> String {
    let seconds = seconds.rem_euclid(86_400);
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

#[test]
fn a_maintenance_window_in_the_tenants_time_zone_holds_the_page() {
    // Asia/Kolkata is UTC+05:30 all year, so its wall clock is easy to know here.
    let utc = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs();
    let utc = i64::try_from(utc).expect("seconds fit i64");
    let local = utc + 5 * 3600 + 30 * 60;
    let covering_now = format!("{}-{}", clock(local - 1800), clock(local + 1800));
    // The same hour read as UTC would be five and a half hours ago in Kolkata.
    let utc_hour = format!("{}-{}", clock(utc - 1800), clock(utc + 1800));
    let maintenance = format!(
        "maintenance:
  - id: vpn-firmware
    tenant: acme
    services: [acme-vpn]
    time_zone: Asia/Kolkata
    windows: [{{days: monday-sunday, time: \"{covering_now}\"}}]
  - id: erp-patching
    tenant: acme
    services: [acme-erp]
    time_zone: Asia/Kolkata
    windows: [{{time: \"{utc_hour}\"}}]
"
    );
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver.url("/hook"), GROUP_NOW, &maintenance));

    send(&app, VPN_KEY, trigger("vpn-fra", "VpnDown", "fra", "VPN concentrator fra-1 down"));
    send(&app, VPN_KEY, trigger("vpn-fra", "VpnDown", "fra", "VPN concentrator fra-1 down"));
    send(&app, VPN_KEY, trigger("vpn-fra-2", "VpnDown", "fra", "VPN concentrator fra-2 down"));
    // The ERP's window is not open now in Kolkata (it would be in UTC): it pages.
    send(&app, ERP_KEY, trigger("erp-db", "ErpDown", "fra", "ERP database unreachable"));
    let paged = id_of(&incident_titled(&app, "ERP database unreachable"));
    wait_for_page(&receiver, paged, "incident.opened");

    let held = id_of(&incident_titled(&app, "VPN concentrator fra-1 down"));
    assert_held_but_visible(&app, &receiver, held, 2, 3);
    let reason = held_reason(&app, held);
    assert!(reason.contains("in maintenance window `vpn-firmware` until"), "{reason}");
    assert_timeline_has(&app, held, "held", &["not paged", "maintenance window `vpn-firmware`"]);
    assert_eq!(app.incident(paged)["held"], Value::Null);
}

#[test]
fn a_site_vpn_down_inhibits_its_tunnels_but_not_another_sites() {
    let inhibit = "inhibit:
  - id: site-vpn-explains-tunnels
    source: [alertname=SiteVpnDown]
    target: [alertname=TunnelDown]
    equal: [site]
";
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver.url("/hook"), GROUP_NOW, inhibit));

    send(&app, VPN_KEY, trigger("vpn-fra", "SiteVpnDown", "fra", "Site VPN fra down"));
    let source = id_of(&incident_titled(&app, "Site VPN fra down"));
    wait_for_page(&receiver, source, "incident.opened");
    send(&app, VPN_KEY, trigger("tunnel-fra-nyc", "TunnelDown", "fra", "Tunnel fra-nyc down"));
    send(&app, VPN_KEY, trigger("tunnel-fra-lon", "TunnelDown", "fra", "Tunnel fra-lon down"));
    send(&app, VPN_KEY, trigger("tunnel-ber-nyc", "TunnelDown", "ber", "Tunnel ber-nyc down"));
    let other_site = id_of(&incident_titled(&app, "Tunnel ber-nyc down"));
    wait_for_page(&receiver, other_site, "incident.opened");

    let held = id_of(&incident_titled(&app, "Tunnel fra-nyc down"));
    assert_held_but_visible(&app, &receiver, held, 2, 2);
    let reason = held_reason(&app, held);
    assert!(reason.contains("inhibited by alert"), "{reason}");
    assert!(reason.contains("Site VPN fra down"), "{reason}");
    assert!(reason.contains("rule `site-vpn-explains-tunnels`"), "{reason}");
    assert_timeline_has(&app, held, "held", &["not paged", "inhibited by alert"]);

    // The site's VPN comes back while its tunnels are still down: now they page.
    send(&app, VPN_KEY, resolve("vpn-fra"));
    wait_for_page(&receiver, held, "incident.opened");
    assert_timeline_has(&app, held, "held", &["page released"]);
    wait_for_page(&receiver, source, "incident.resolved");
}

#[test]
fn a_flapping_alert_pages_once_with_reason_flapping() {
    let grouping = "{group_by: [alertname, site], group_wait: 1s, auto_resolve: true, \
                    flapping: {changes: 3, window: 10m}}";
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver.url("/hook"), grouping, ""));

    // Seven state changes, each its own request, faster than the group wait.
    let flapping = trigger("tunnel-fra-flap", "TunnelDown", "fra", "Tunnel fra-sgp down");
    for change in 0..7 {
        let event = if change % 2 == 0 { flapping.clone() } else { resolve("tunnel-fra-flap") };
        send(&app, VPN_KEY, event);
    }
    // A steady alert pages after the group wait; by then every page of the
    // flapping one would have been queued.
    send(&app, VPN_KEY, trigger("tunnel-ber", "TunnelDown", "ber", "Tunnel ber-sgp down"));
    let steady = id_of(&incident_titled(&app, "Tunnel ber-sgp down"));
    wait_for_page(&receiver, steady, "incident.opened");

    let flapping_incidents: Vec<Value> =
        app.incidents("").into_iter().filter(|i| i["title"] == "Tunnel fra-sgp down").collect();
    let ids: Vec<i64> = flapping_incidents.iter().map(id_of).collect();
    let open = flapping_incidents.iter().find(|i| i["status"] != "resolved").unwrap_or_else(|| {
        panic!("the flapping alert's incident stays open: {flapping_incidents:?}")
    });
    let flapping_id = id_of(open);
    wait_for_page(&receiver, flapping_id, "incident.flapping");

    let pages: Vec<String> = ids.iter().flat_map(|id| pages_for(&receiver, *id)).collect();
    assert_eq!(pages, ["incident.flapping"], "one page for seven changes: {flapping_incidents:?}");
    let queued: Vec<Value> = ids.iter().flat_map(|id| deliveries_for(&app, *id)).collect();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["reason"], "flapping", "{queued:?}");

    // Every change is on record: the events of all its incidents add up to seven.
    let events: i64 = flapping_incidents.iter().filter_map(|i| i["event_count"].as_i64()).sum();
    assert_eq!(events, 7, "{flapping_incidents:?}");
    let detail = app.incident(flapping_id);
    assert_eq!(detail["flapping"], true, "{detail}");
    assert_eq!(detail["held"], Value::Null, "{detail}");
    assert!(detail["alerts"].as_array().is_some_and(|a| !a.is_empty()), "{detail}");
    assert_timeline_has(&app, flapping_id, "flapping", &["tunnel-fra-flap is flapping", "10m"]);
    for earlier in ids.iter().filter(|id| **id != flapping_id) {
        assert_timeline_has(&app, *earlier, "resolved", &["no page sent"]);
    }
}

/// A silence's free text and its matchers have bounds; over one, it is
/// refused with the field and the bound named, and nothing is created.
#[test]
fn a_silence_over_its_bounds_is_refused_with_the_bound_named() {
    let receiver = Receiver::start(&[], 200);
    let app = spawn_app(&config(&receiver.url("/hook"), GROUP_NOW, ""));
    let silence = |matchers: Vec<String>, created_by: String, comment: String| {
        json!({"tenant": "acme", "matchers": matchers, "duration": "1h",
               "created_by": created_by, "comment": comment})
    };
    let site = || vec!["site=fra".to_owned()];
    let cases = [
        (silence(site(), "a".repeat(257), "ok".into()), "created_by: 257 characters, at most 256"),
        (silence(site(), "ana".into(), "é".repeat(4097)), "comment: 4097 characters, at most 4096"),
        (
            silence((0..65).map(|n| format!("l{n}=v")).collect(), "ana".into(), "ok".into()),
            "matchers: 65 of them, at most 64",
        ),
    ];
    for (body, said) in cases {
        let error = app.api_post("/api/v1/silences", &body).expect_error(400, said);
        assert_eq!(error["error"]["message"], said, "{error}");
    }
    let at_bounds = silence(site(), "a".repeat(256), "é".repeat(4096));
    app.api_post("/api/v1/silences", &at_bounds).expect_status(201, "at the bounds");
    let all = app.api_get("/api/v1/silences?state=all").expect_status(200, "GET silences").json();
    assert_eq!(all["silences"].as_array().map(Vec::len), Some(1), "only the one within: {all}");
}
