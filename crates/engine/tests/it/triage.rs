//! Rules and suppression in the engine: drops, routes, priority overrides,
//! silences, maintenance windows, inhibition and flapping.

use std::sync::Arc;

use domain::suppression::Matcher;
use domain::{Config, Event, EventAction, IncidentId, Severity, TimelineKind};
use engine::{Effect, Engine, NewSilence};

use crate::{at, notifications, service, tenant};

/// Acme (platinum) with a VPN service and a webhook; no group wait.
fn config(extra: &str) -> Arc<Config> {
    let text = format!(
        "grouping:\n  group_wait: 0s\n  group_by: [site]\n  flapping: {{changes: 4, window: 10m}}\n\
         tenants: [{{id: acme, tier: platinum, notify: [noc]}}]\n\
         services:\n  - {{id: acme-vpn, tenant: acme, criticality: high}}\n  - {{id: acme-db, tenant: acme}}\n\
         notify: [{{id: noc, kind: webhook, url: 'http://127.0.0.1:9/hook'}}, {{id: dba, kind: webhook, url: 'http://127.0.0.1:9/dba'}}]\n{extra}"
    );
    match config::parse(&text, "test.yaml") {
        Ok(config) => Arc::new(config),
        Err(error) => panic!("test config: {error}"),
    }
}

fn alert(name: &str, site: &str, action: EventAction) -> Event {
    let mut event = Event::trigger(format!("{name}-{site}"), format!("{name} at {site}"));
    event.action = action;
    event.severity = Severity::Critical;
    event.labels.insert("alertname".into(), name.into());
    event.labels.insert("site".into(), site.into());
    event
}

fn feed(engine: &mut Engine, seconds: i64, event: &Event) -> Vec<Effect> {
    let mut effects = Vec::new();
    engine.handle_event(at(seconds), &tenant("acme"), &service("acme-vpn"), event, &mut effects);
    effects
}

fn tick(engine: &mut Engine, seconds: i64) -> Vec<Effect> {
    let mut effects = Vec::new();
    engine.handle_tick(at(seconds), &mut effects);
    effects
}

fn timeline(effects: &[Effect], kind: TimelineKind) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Timeline(t) if t.kind == kind => Some(t.message.clone()),
            _ => None,
        })
        .collect()
}

fn incident(engine: &Engine, id: i64) -> domain::Incident {
    engine.open_incident(IncidentId(id)).cloned().expect("open incident")
}

#[test]
fn a_dropping_rule_keeps_events_out_and_says_so_once_per_minute() {
    let rules = "rules:\n  events:\n    - id: tunnel-noise\n      when: 'event.labels.alertname == \"TunnelFlap\"'\n      drop: true\n";
    let mut engine = Engine::new(config(rules));
    feed(&mut engine, 0, &alert("VpnDown", "fra", EventAction::Trigger));
    let mut dropped = 0;
    for second in 1..=14 {
        let effects = feed(&mut engine, second, &alert("TunnelFlap", "fra", EventAction::Trigger));
        dropped += effects.iter().filter(|e| matches!(e, Effect::Dropped { .. })).count();
    }
    assert_eq!(dropped, 14);
    assert_eq!(engine.active_alert_count(), 1, "dropped events never become alerts");
    assert_eq!(engine.next_deadline(), Some(at(61)), "a minute after the first drop");
    let effects = tick(&mut engine, 61);
    assert_eq!(
        timeline(&effects, TimelineKind::RuleMatched),
        ["rule `tunnel-noise` dropped 14 events"]
    );
}

#[test]
fn event_rules_route_and_change_severity_and_incident_rules_override_priority() {
    let rules = "rules:\n  events:\n    - id: db\n      when: 'event.labels.alertname.startsWith(\"Postgres\")'\n      route: acme-db\n      severity: warning\n  incidents:\n    - id: db-p1\n      when: 'service.id == \"acme-db\"'\n      priority: P1\n      reason: the database is the business\n      notify: [dba]\n      tags: [db]\n";
    let mut engine = Engine::new(config(rules));
    let effects = feed(&mut engine, 0, &alert("PostgresDown", "fra", EventAction::Trigger));
    let opened = incident(&engine, 1);
    assert_eq!(opened.service, service("acme-db"));
    assert_eq!(opened.severity, Severity::Warning);
    assert_eq!(opened.priority.to_string(), "P1");
    assert!(opened.priority_reason.contains("rule `db-p1`: the database is the business"));
    assert!(opened.triage.tags.contains("db"));
    assert_eq!(notifications(&effects), ["noc #1 opened", "dba #1 opened"]);
    let matched = timeline(&effects, TimelineKind::RuleMatched);
    assert!(matched.iter().any(|m| m.contains("rule `db` matched")), "{matched:?}");
}

#[test]
fn a_failing_rule_is_skipped_and_reported_not_dropping_the_event() {
    let rules = "rules:\n  events:\n    - id: team\n      when: 'event.labels.team == \"net\"'\n      drop: true\n";
    let mut engine = Engine::new(config(rules));
    let effects = feed(&mut engine, 0, &alert("VpnDown", "fra", EventAction::Trigger));
    assert_eq!(engine.active_alert_count(), 1);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::RuleFailed { rule, .. } if &**rule == "team"))
    );
}

fn silence(engine: &mut Engine, seconds: i64, matcher: &str, until: i64) -> domain::SilenceId {
    let new = NewSilence {
        tenant: tenant("acme"),
        matchers: vec![Matcher::parse(matcher).expect("matcher")],
        starts_at: at(seconds),
        ends_at: at(until),
        created_by: "ada".into(),
        comment: "VPN upgrade".into(),
    };
    engine.add_silence(at(seconds), new).expect("silence").id
}

#[test]
fn a_silence_holds_the_page_and_its_end_releases_it() {
    let mut engine = Engine::new(config(""));
    let id = silence(&mut engine, 0, "site=fra", 600);
    let effects = feed(&mut engine, 10, &alert("VpnDown", "fra", EventAction::Trigger));
    assert!(notifications(&effects).is_empty());
    let held = timeline(&effects, TimelineKind::Held);
    assert!(held[0].starts_with("not paged: silenced by silence 1 of ada"), "{held:?}");
    assert!(incident(&engine, 1).triage.held.is_some());
    // Another site is not silenced.
    let effects = feed(&mut engine, 20, &alert("VpnDown", "ber", EventAction::Trigger));
    assert_eq!(notifications(&effects), ["noc #2 opened"]);
    assert_eq!(engine.take_changes().silences.len(), 1);

    let mut effects = Vec::new();
    engine.expire_silence(at(30), id, "user:admin", &mut effects).expect("expire");
    assert_eq!(notifications(&effects), ["noc #1 opened"], "the held page goes out");
    assert!(incident(&engine, 1).triage.held.is_none());
    assert!(engine.expire_silence(at(31), id, "user:admin", &mut Vec::new()).is_err());
}

#[test]
fn silences_that_make_no_sense_are_refused() {
    let mut engine = Engine::new(config(""));
    let mut new = NewSilence {
        tenant: tenant("acme"),
        matchers: vec![],
        starts_at: at(0),
        ends_at: at(60),
        created_by: "ada".into(),
        comment: "x".into(),
    };
    assert!(engine.add_silence(at(0), new.clone()).is_err(), "no matchers");
    new.matchers = vec![Matcher::parse("site=fra").expect("matcher")];
    new.ends_at = at(-10);
    assert!(engine.add_silence(at(0), new.clone()).is_err(), "ends before it starts");
    new.tenant = tenant("nobody");
    new.ends_at = at(60);
    assert!(engine.add_silence(at(0), new).is_err(), "unknown tenant");
}

#[test]
fn resolving_the_inhibiting_incident_by_hand_releases_the_pages_it_held() {
    let inhibit = "inhibit:\n  - id: vpn-explains-tunnels\n    source: [alertname=VpnDown]\n    target: [alertname=~Tunnel.*]\n    equal: [site]\n";
    let mut engine = Engine::new(config(inhibit));
    feed(&mut engine, 0, &alert("VpnDown", "fra", EventAction::Trigger));
    let mut effects = Vec::new();
    let tunnel = alert("TunnelDown", "fra", EventAction::Trigger);
    engine.handle_event(at(5), &tenant("acme"), &service("acme-db"), &tunnel, &mut effects);
    assert!(notifications(&effects).is_empty(), "held while the VPN is down: {effects:?}");

    let mut effects = Vec::new();
    engine.resolve(at(10), IncidentId(1), "user:ada", &mut effects).expect("resolve");
    assert_eq!(notifications(&effects), ["noc #1 resolved", "noc #2 opened"]);
}

#[test]
fn an_inhibiting_alert_holds_its_targets_until_it_resolves() {
    let inhibit = "inhibit:\n  - id: vpn-explains-tunnels\n    source: [alertname=VpnDown]\n    target: [alertname=~Tunnel.*]\n    equal: [site]\n";
    let mut engine = Engine::new(config(inhibit));
    let effects = feed(&mut engine, 0, &alert("VpnDown", "fra", EventAction::Trigger));
    assert_eq!(notifications(&effects), ["noc #1 opened"]);
    // Tunnel alerts of another group (per-alertname grouping is not set, so
    // use another service) are inhibited while the VPN is down.
    let mut tunnel = alert("TunnelDown", "fra", EventAction::Trigger);
    tunnel.labels.insert("tunnel".into(), "t1".into());
    let mut effects = Vec::new();
    engine.handle_event(at(5), &tenant("acme"), &service("acme-db"), &tunnel, &mut effects);
    assert!(notifications(&effects).is_empty());
    let held = timeline(&effects, TimelineKind::Held);
    assert!(
        held[0].contains("inhibited by alert 1 (VpnDown at fra) under rule `vpn-explains-tunnels`"),
        "{held:?}"
    );
    // A tunnel at another site is not.
    let mut other = alert("TunnelDown", "ber", EventAction::Trigger);
    other.labels.insert("tunnel".into(), "t2".into());
    let mut effects = Vec::new();
    engine.handle_event(at(6), &tenant("acme"), &service("acme-db"), &other, &mut effects);
    assert_eq!(notifications(&effects), ["noc #3 opened"]);
    // The VPN recovers; the tunnel is still down and now pages.
    let effects = feed(&mut engine, 60, &alert("VpnDown", "fra", EventAction::Resolve));
    assert_eq!(notifications(&effects), ["noc #1 resolved", "noc #2 opened"]);
}

#[test]
fn an_alert_inhibits_after_a_restart_and_only_while_it_matches_the_source() {
    let inhibit = "inhibit:\n  - id: vpn-explains-tunnels\n    source: [alertname=VpnDown, state=down]\n    target: [alertname=~Tunnel.*]\n    equal: [site]\n";
    let mut engine = Engine::new(config(inhibit));
    let mut vpn = alert("VpnDown", "fra", EventAction::Trigger);
    vpn.labels.insert("state".into(), "down".into());
    feed(&mut engine, 0, &vpn);
    let changes = engine.take_changes();
    let mut engine = Engine::restore(
        config(inhibit),
        engine::Restored {
            alerts: changes.alerts,
            incidents: changes.incidents,
            max_alert_id: 1,
            max_incident_id: 1,
            ..Default::default()
        },
    );
    let tunnel = |engine: &mut Engine, seconds: i64, action: EventAction| {
        let mut effects = Vec::new();
        let event = alert("TunnelDown", "fra", action);
        engine.handle_event(
            at(seconds),
            &tenant("acme"),
            &service("acme-db"),
            &event,
            &mut effects,
        );
        effects
    };
    let effects = tunnel(&mut engine, 5, EventAction::Trigger);
    let held = timeline(&effects, TimelineKind::Held);
    assert!(held.first().is_some_and(|h| h.contains("inhibited by alert 1")), "{effects:?}");

    // Re-sent with other labels, the VPN alert no longer matches the source:
    // the tunnel's held page goes out, and a new tunnel alert is not held.
    vpn.labels.insert("state".into(), "degraded".into());
    let effects = feed(&mut engine, 7, &vpn);
    assert_eq!(notifications(&effects), ["noc #2 opened"], "{effects:?}");
    tunnel(&mut engine, 8, EventAction::Resolve);
    let effects = tunnel(&mut engine, 9, EventAction::Trigger);
    assert!(timeline(&effects, TimelineKind::Held).is_empty(), "{effects:?}");
    assert_eq!(notifications(&effects), ["noc #3 opened"]);
}

#[test]
fn a_maintenance_window_holds_pages_only_while_open() {
    // at(0) is 2027-01-15T08:00:00Z, a Friday.
    let window = "maintenance:\n  - id: friday-patching\n    tenant: acme\n    services: [acme-vpn]\n    time_zone: UTC\n    windows: [{days: friday, time: '07:00-09:00'}]\n";
    let mut engine = Engine::new(config(window));
    let effects = feed(&mut engine, 0, &alert("VpnDown", "fra", EventAction::Trigger));
    assert!(notifications(&effects).is_empty());
    let held = timeline(&effects, TimelineKind::Held);
    assert!(held[0].contains("maintenance window `friday-patching`"), "{held:?}");
    let mut effects = Vec::new();
    engine.handle_event(
        at(1),
        &tenant("acme"),
        &service("acme-db"),
        &alert("DbDown", "fra", EventAction::Trigger),
        &mut effects,
    );
    assert_eq!(notifications(&effects), ["noc #2 opened"], "another service is not in the window");
}

#[test]
fn a_flapping_alert_pages_once_not_on_every_change() {
    let mut engine = Engine::new(config(""));
    let mut pages = Vec::new();
    for change in 0..20 {
        let action = if change % 2 == 0 { EventAction::Trigger } else { EventAction::Resolve };
        let effects = feed(&mut engine, change * 10, &alert("VpnDown", "fra", action));
        pages.extend(notifications(&effects));
    }
    let flapping: Vec<&String> = pages.iter().filter(|p| p.ends_with("flapping")).collect();
    assert_eq!(flapping.len(), 1, "{pages:?}");
    assert!(pages.len() <= 6, "pages stop once it flaps: {pages:?}");
    let open: Vec<_> = engine.open_incidents().collect();
    assert_eq!(open.len(), 1, "one incident stays open while it flaps");
    assert!(open[0].triage.flapping);
    // Quiet for the window: flapping ends and the incident resolves with one page.
    let mut effects = Vec::new();
    while let Some(deadline) = engine.next_deadline() {
        effects.extend(tick(&mut engine, deadline.duration_since(at(0)).as_secs()));
    }
    assert!(
        timeline(&effects, TimelineKind::Flapping).iter().any(|m| m.contains("stopped flapping"))
    );
    assert_eq!(engine.open_incident_count(), 0);
    assert_eq!(notifications(&effects).len(), 1, "{effects:?}");
}
