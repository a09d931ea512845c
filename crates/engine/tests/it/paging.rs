//! Paging after the opening page: escalation tiers, acknowledgements that expire, SLA breaches, business hours.

use std::sync::Arc;

use domain::{Config, EventAction, IncidentId, IncidentStatus, Severity, TimelineKind};
use engine::{Effect, Engine, Restored};

use crate::{at, event, service, tenant};

/// Acme (platinum) whose VPN pages through policy `noc`: the on-call person of
/// `primary` (ana) first, ben 15 minutes later. No group wait.
pub(crate) fn config(extra: &str) -> Arc<Config> {
    config_with("{group_wait: 0s}", extra)
}

/// As [`config`], with other grouping settings.
pub(crate) fn config_with(grouping: &str, extra: &str) -> Arc<Config> {
    let text = format!(
        r#"grouping: {grouping}
tenants: [{{id: acme, tier: platinum, notify: [noc], escalation_policy: noc}}]
services: [{{id: acme-vpn, tenant: acme, criticality: high}}]
notify:
  - {{id: noc, kind: webhook, url: "http://127.0.0.1:9/noc"}}
  - {{id: ana-pager, kind: webhook, url: "http://127.0.0.1:9/ana"}}
  - {{id: ben-pager, kind: webhook, url: "http://127.0.0.1:9/ben"}}
users:
  - {{id: ana, contacts: [{{email: ana@example.com}}, {{webhook: ana-pager}}]}}
  - {{id: ben, contacts: [{{webhook: ben-pager}}]}}
  - {{id: cho, contacts: [{{phone: "+4930123456"}}]}}
schedules:
  - id: primary
    time_zone: Europe/Berlin
    layers:
      - {{name: weekly, users: [ana], rotation: weekly, handoff: {{time: "09:00", weekday: monday}}, start: 2026-01-05}}
{extra}"#
    );
    match config::parse(&text, "test.yaml") {
        Ok(config) => Arc::new(config),
        Err(error) => panic!("test config: {error}"),
    }
}

pub(crate) const TWO_TIERS: &str = r#"escalation_policies:
  - id: noc
    tiers:
      - {targets: [{schedule: primary}], delay: 15m}
      - {targets: [{user: ben}, {user: cho}]}
"#;

pub(crate) fn trigger(engine: &mut Engine, seconds: i64, severity: Severity) -> Vec<Effect> {
    let mut effects = Vec::new();
    let event = event(EventAction::Trigger, "vpn-down", severity);
    engine.handle_event(at(seconds), &tenant("acme"), &service("acme-vpn"), &event, &mut effects);
    effects
}

pub(crate) fn tick(engine: &mut Engine, seconds: i64) -> Vec<Effect> {
    let mut effects = Vec::new();
    engine.handle_tick(at(seconds), &mut effects);
    effects
}

/// `channel reason [user]` for every notification.
pub(crate) fn pages(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Notify(n) => Some(match &n.page {
                Some(page) => format!(
                    "{} {} tier {} {}",
                    n.channel,
                    n.reason.as_str(),
                    page.tier + 1,
                    page.user.as_ref().map_or("-", |u| u.as_str())
                ),
                None => format!("{} {}", n.channel, n.reason.as_str()),
            }),
            _ => None,
        })
        .collect()
}

pub(crate) fn timeline(effects: &[Effect], kind: TimelineKind) -> Vec<String> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Timeline(t) if t.kind == kind => Some(t.message.clone()),
            _ => None,
        })
        .collect()
}

pub(crate) const FIRST: IncidentId = IncidentId(1);

#[test]
fn unacknowledged_incidents_escalate_to_the_second_tier_after_the_delay() {
    let mut engine = Engine::new(config(TWO_TIERS));
    let opened = trigger(&mut engine, 0, Severity::Critical);
    assert_eq!(pages(&opened), ["noc opened", "ana-pager opened tier 1 ana"]);
    let line = timeline(&opened, TimelineKind::Escalated);
    assert_eq!(
        line,
        ["escalation policy noc tier 1 (round 1) paged on opening: ana (on call in primary) \
          through channel ana-pager"]
    );
    assert_eq!(engine.next_deadline(), Some(at(15 * 60)));
    assert!(pages(&tick(&mut engine, 15 * 60 - 1)).is_empty());

    let escalated = tick(&mut engine, 15 * 60);
    assert_eq!(pages(&escalated), ["ben-pager escalated tier 2 ben"]);
    let line = timeline(&escalated, TimelineKind::Escalated).join("");
    assert!(line.contains("tier 2 (round 1) escalated: ben (named in the tier)"), "{line}");
    assert!(
        line.contains("cho (named in the tier) has no contact that can be delivered"),
        "{line}"
    );
    let state = engine.open_incident(FIRST).and_then(|i| i.triage.escalation.clone());
    assert_eq!(state.map(|s| (s.round, s.tier)), Some((0, 1)));
    // The last tier of a policy without repeats stays current: nothing more.
    assert_eq!(engine.next_deadline(), None);
    assert!(pages(&tick(&mut engine, 10 * 3600)).is_empty());
}

#[test]
fn an_acknowledgement_stops_the_escalation() {
    let mut engine = Engine::new(config(TWO_TIERS));
    trigger(&mut engine, 0, Severity::Critical);
    let mut effects = Vec::new();
    engine.acknowledge(at(60), FIRST, "user:ana", &mut effects).expect("open");
    assert_eq!(pages(&effects), ["noc acknowledged"]);
    assert!(pages(&tick(&mut engine, 15 * 60)).is_empty());
    assert!(pages(&tick(&mut engine, 24 * 3600)).is_empty());
    assert_eq!(engine.open_incident(FIRST).map(|i| i.status), Some(IncidentStatus::Acknowledged));
}

#[test]
fn a_repeating_policy_pages_every_round_then_stops() {
    let policy = r#"escalation_policies:
  - id: noc
    repeat: 1
    tiers:
      - {targets: [{user: ana}], delay: 5m}
      - {targets: [{channel: noc}], delay: 10m}
"#;
    let mut engine = Engine::new(config(policy));
    let opened = trigger(&mut engine, 0, Severity::Critical);
    assert_eq!(pages(&opened), ["noc opened", "ana-pager opened tier 1 ana"]);
    let mut seen = Vec::new();
    for minute in 1..=60 {
        for page in pages(&tick(&mut engine, minute * 60)) {
            seen.push(format!("{minute}m {page}"));
        }
    }
    assert_eq!(
        seen,
        [
            "5m noc escalated tier 2 -",
            "15m ana-pager escalated tier 1 ana",
            "20m noc escalated tier 2 -"
        ]
    );
}

#[test]
fn escalation_survives_a_restart() {
    let config = config(TWO_TIERS);
    let mut engine = Engine::new(config.clone());
    trigger(&mut engine, 0, Severity::Critical);
    let changes = engine.take_changes();
    let mut restored = Engine::restore(
        config,
        Restored {
            alerts: changes.alerts,
            incidents: changes.incidents,
            max_alert_id: 1,
            max_incident_id: 1,
            ..Restored::default()
        },
    );
    // Tier 1 is not paged again; tier 2 is paged when due.
    assert!(pages(&tick(&mut restored, 60)).is_empty());
    assert_eq!(pages(&tick(&mut restored, 15 * 60)), ["ben-pager escalated tier 2 ben"]);
}

#[test]
fn an_expired_acknowledgement_pages_again_from_the_first_tier() {
    let mut engine =
        Engine::new(config_with("{group_wait: 0s, acknowledge_timeout: 30m}", TWO_TIERS));
    trigger(&mut engine, 0, Severity::Critical);
    let mut effects = Vec::new();
    engine.acknowledge(at(60), FIRST, "user:ana", &mut effects).expect("open");
    assert!(pages(&tick(&mut engine, 60 + 30 * 60 - 1)).is_empty());

    let expired = tick(&mut engine, 60 + 30 * 60);
    assert_eq!(
        timeline(&expired, TimelineKind::AcknowledgementExpired),
        ["acknowledgement by user:ana expired after 30m: triggered again and paging anew"]
    );
    assert_eq!(pages(&expired), ["noc retriggered", "ana-pager retriggered tier 1 ana"]);
    let incident = engine.open_incident(FIRST).expect("still open");
    assert_eq!(incident.status, IncidentStatus::Triggered);
    assert_eq!(incident.acknowledged_by, None);
    // The escalation runs again from the expiry.
    assert_eq!(pages(&tick(&mut engine, 60 + 45 * 60)), ["ben-pager escalated tier 2 ben"]);
}

#[test]
fn a_resolve_clears_the_acknowledgement_timer() {
    let mut engine =
        Engine::new(config_with("{group_wait: 0s, acknowledge_timeout: 1m}", TWO_TIERS));
    trigger(&mut engine, 0, Severity::Critical);
    let mut effects = Vec::new();
    engine.acknowledge(at(10), FIRST, "user:ana", &mut effects).expect("open");
    engine.resolve(at(20), FIRST, "user:ana", &mut effects).expect("open");
    let later = tick(&mut engine, 3600);
    assert!(later.is_empty(), "{later:?}");
}

pub(crate) const SLA: &str = r#"sla:
  platinum:
    P1: {acknowledge: 5m, resolve: 1h}
"#;

#[test]
fn a_missed_acknowledgement_target_is_a_breach_that_pages_the_next_tier() {
    let mut engine = Engine::new(config(&format!("{TWO_TIERS}{SLA}")));
    let opened = trigger(&mut engine, 0, Severity::Critical);
    assert!(engine.open_incident(FIRST).is_some_and(|i| i.priority.level() == 1), "{opened:?}");
    assert!(tick(&mut engine, 5 * 60 - 1).is_empty());

    let breached = tick(&mut engine, 5 * 60);
    assert_eq!(
        timeline(&breached, TimelineKind::SlaBreached),
        ["SLA breach: not acknowledged within 5m (the platinum target for P1)"]
    );
    assert!(
        breached.iter().any(|e| matches!(
            e,
            Effect::SlaBreached { target: "acknowledge", tier: "platinum", .. }
        ))
    );
    assert_eq!(pages(&breached), ["ben-pager sla_breached tier 2 ben"]);
    // Reported once, even when the timer is looked at again; and ben, paged
    // for the breach, is not paged again when tier 2's delay comes.
    assert!(tick(&mut engine, 6 * 60).is_empty());
    assert!(pages(&tick(&mut engine, 15 * 60)).is_empty());

    let mut effects = Vec::new();
    engine.acknowledge(at(10 * 60), FIRST, "user:ben", &mut effects).expect("open");
    let resolve_breach = tick(&mut engine, 3600);
    assert_eq!(
        timeline(&resolve_breach, TimelineKind::SlaBreached),
        ["SLA breach: not resolved within 1h (the platinum target for P1)"]
    );
    let incident = engine.open_incident(FIRST).expect("open");
    let breached: Vec<&str> = incident.triage.sla_breached.iter().map(String::as_str).collect();
    assert_eq!(breached, ["acknowledge", "resolve"]);
}

#[test]
fn meeting_the_targets_breaches_nothing() {
    let mut engine = Engine::new(config(&format!("{TWO_TIERS}{SLA}")));
    trigger(&mut engine, 0, Severity::Critical);
    let mut effects = Vec::new();
    engine.acknowledge(at(4 * 60), FIRST, "user:ana", &mut effects).expect("open");
    engine.resolve(at(50 * 60), FIRST, "user:ana", &mut effects).expect("open");
    let later = tick(&mut engine, 2 * 3600);
    assert!(later.iter().all(|e| !matches!(e, Effect::SlaBreached { .. })), "{later:?}");
}

/// Acme works 09:00–17:00 Berlin time on weekdays; only P2 and above page
/// outside. `at(0)` is Friday 2027-01-15 08:00Z = 09:00 Berlin.
fn business_hours_config() -> Arc<Config> {
    let base = config(TWO_TIERS);
    let text = r#"grouping: {group_wait: 0s, off_hours_paging: P2}
tenants:
  - id: acme
    tier: platinum
    notify: [noc]
    business_hours:
      time_zone: Europe/Berlin
      windows: [{days: monday-friday, time: "09:00-17:00"}]
services: [{id: acme-vpn, tenant: acme, criticality: high}]
notify: [{id: noc, kind: webhook, url: "http://127.0.0.1:9/noc"}]
"#;
    let hours = match config::parse(text, "hours.yaml") {
        Ok(config) => config,
        Err(error) => panic!("test config: {error}"),
    };
    let mut config = (*base).clone();
    config.tenants = hours.tenants;
    config.grouping = hours.grouping;
    Arc::new(config)
}

#[test]
fn low_priority_pages_wait_for_business_hours_and_urgent_ones_do_not() {
    let mut engine = Engine::new(business_hours_config());
    // Friday 18:00 Berlin: after hours.
    let evening = 9 * 3600;
    let low = trigger(&mut engine, evening, Severity::Warning);
    let incident = engine.open_incident(FIRST).expect("open");
    assert_eq!(incident.priority.level(), 3);
    assert!(pages(&low).is_empty(), "{low:?}");
    let held = timeline(&low, TimelineKind::Held).join("");
    assert!(held.contains("P3 waits for acme's business hours"), "{held}");
    assert!(held.contains("they begin 2027-01-18T08:00:00Z"), "{held}");
    assert_eq!(incident.triage.held.as_deref().map(|h| h.starts_with("P3 waits")), Some(true));

    // A critical one for another service pages at once, at night.
    let mut effects = Vec::new();
    let critical = event(EventAction::Trigger, "core-down", Severity::Critical);
    let mut config = (**engine.config()).clone();
    let mut core = config.services[0].clone();
    core.id = service("acme-core");
    config.services.push(core);
    engine.set_config(Arc::new(config));
    engine.handle_event(
        at(evening + 60),
        &tenant("acme"),
        &service("acme-core"),
        &critical,
        &mut effects,
    );
    assert_eq!(pages(&effects), ["noc opened"]);

    // Monday 09:00 Berlin the waiting page goes out.
    let monday = 3 * 86_400;
    assert!(engine.next_deadline().is_some_and(|d| d <= at(monday)));
    assert!(pages(&tick(&mut engine, monday - 1)).is_empty());
    let morning = tick(&mut engine, monday);
    assert_eq!(pages(&morning), ["noc opened"]);
}

#[test]
fn an_announced_incident_that_becomes_more_urgent_is_announced_again() {
    let mut engine = Engine::new(config(TWO_TIERS));
    let opened = trigger(&mut engine, 0, Severity::Warning);
    assert_eq!(pages(&opened), ["noc opened", "ana-pager opened tier 1 ana"]);
    assert_eq!(engine.open_incident(FIRST).map(|i| i.priority.level()), Some(3));

    let mut effects = Vec::new();
    let critical = event(EventAction::Trigger, "core-down", Severity::Critical);
    engine.handle_event(at(60), &tenant("acme"), &service("acme-vpn"), &critical, &mut effects);
    assert_eq!(engine.open_incident(FIRST).map(|i| i.priority.level()), Some(1));
    assert_eq!(pages(&effects), ["noc priority_raised"]);
}

#[test]
fn a_late_escalation_pages_every_tier_it_passed_once() {
    let policy = r#"escalation_policies:
  - id: noc
    tiers:
      - {targets: [{user: ana}], delay: 5m}
      - {targets: [{user: ben}], delay: 5m}
      - {targets: [{channel: noc}]}
"#;
    let mut engine = Engine::new(config(policy));
    trigger(&mut engine, 0, Severity::Critical);
    // The engine did not run between minute 1 and minute 30.
    assert!(pages(&tick(&mut engine, 60)).is_empty());
    let late = tick(&mut engine, 30 * 60);
    assert_eq!(pages(&late), ["ben-pager escalated tier 2 ben", "noc escalated tier 3 -"]);
    let lines = timeline(&late, TimelineKind::Escalated);
    assert!(lines[0].contains("escalation ran late") && lines[0].ends_with("tiers 2, 3 now"));
    let state = engine.open_incident(FIRST).and_then(|i| i.triage.escalation.clone());
    assert_eq!(state.map(|s| (s.round, s.tier)), Some((0, 2)));
    assert!(pages(&tick(&mut engine, 3600)).is_empty());
}

#[test]
fn a_late_escalation_into_the_next_round_pages_each_passed_tier_once() {
    let policy = r#"escalation_policies:
  - id: noc
    repeat: 1
    tiers:
      - {targets: [{user: ana}], delay: 5m}
      - {targets: [{channel: noc}], delay: 10m}
"#;
    let mut engine = Engine::new(config(policy));
    trigger(&mut engine, 0, Severity::Critical);
    // Due: tier 2 at 5m, tier 1 (round 2) at 15m, tier 2 (round 2) at 20m.
    let late = tick(&mut engine, 21 * 60);
    assert_eq!(pages(&late), ["noc escalated tier 2 -", "ana-pager escalated tier 1 ana"]);
    assert!(pages(&tick(&mut engine, 3 * 3600)).is_empty());
}

#[test]
fn an_escalation_on_time_writes_no_late_line() {
    let mut engine = Engine::new(config(TWO_TIERS));
    trigger(&mut engine, 0, Severity::Critical);
    let escalated = tick(&mut engine, 15 * 60 + 3);
    let lines = timeline(&escalated, TimelineKind::Escalated);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(!lines[0].contains("ran late"), "{lines:?}");
}

#[test]
fn acknowledging_again_renews_an_acknowledgement_that_can_expire() {
    let mut engine =
        Engine::new(config_with("{group_wait: 0s, acknowledge_timeout: 30m}", TWO_TIERS));
    trigger(&mut engine, 0, Severity::Critical);
    let mut effects = Vec::new();
    engine.acknowledge(at(60), FIRST, "user:ana", &mut effects).expect("open");
    let mut renewed = Vec::new();
    engine.acknowledge(at(20 * 60), FIRST, "user:ben", &mut renewed).expect("open");
    assert_eq!(
        timeline(&renewed, TimelineKind::Acknowledged),
        ["acknowledgement renewed by user:ben (taken over from user:ana): expires in 30m unless \
          resolved"]
    );
    assert!(pages(&renewed).is_empty(), "{renewed:?}");
    let incident = engine.open_incident(FIRST).expect("open");
    assert_eq!(incident.acknowledged_by.as_deref(), Some("user:ben"));
    assert_eq!(incident.acknowledged_at, Some(at(20 * 60)));
    // The first acknowledgement is what time-to-acknowledge counts.
    assert_eq!(incident.triage.first_acknowledged_at, Some(at(60)));

    // The first expiry passes; the renewed one comes 30 minutes after the renewal.
    assert!(tick(&mut engine, 60 + 30 * 60).is_empty());
    let expired = tick(&mut engine, 50 * 60);
    assert_eq!(
        timeline(&expired, TimelineKind::AcknowledgementExpired),
        ["acknowledgement by user:ben expired after 30m: triggered again and paging anew"]
    );
}

#[test]
fn acknowledging_again_without_a_timeout_changes_nothing() {
    let mut engine = Engine::new(config(TWO_TIERS));
    trigger(&mut engine, 0, Severity::Critical);
    let mut effects = Vec::new();
    engine.acknowledge(at(60), FIRST, "user:ana", &mut effects).expect("open");
    engine.take_changes();
    let mut again = Vec::new();
    engine.acknowledge(at(120), FIRST, "user:ben", &mut again).expect("open");
    assert!(again.is_empty(), "{again:?}");
    assert!(engine.take_changes().incidents.is_empty());
    let incident = engine.open_incident(FIRST).expect("open");
    assert_eq!(incident.acknowledged_by.as_deref(), Some("user:ana"));
}
