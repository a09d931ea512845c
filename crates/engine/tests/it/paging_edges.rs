//! Paging at the edges: expiry with channel tiers, maintenance windows closing, acknowledgements made in time, holds ended by an acknowledgement, flapping.

use domain::suppression::Matcher;
use domain::{EventAction, Severity, TimelineKind};
use engine::{Effect, Engine, NewSilence};

use crate::paging::{FIRST, SLA, TWO_TIERS, config_with, pages, tick, timeline, trigger};
use crate::{at, event, service, tenant};

fn acknowledge(engine: &mut Engine, seconds: i64) -> Vec<Effect> {
    let mut effects = Vec::new();
    engine.acknowledge(at(seconds), FIRST, "user:ana", &mut effects).expect("open");
    effects
}

fn breaches(effects: &[Effect]) -> Vec<&'static str> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::SlaBreached { target, .. } => Some(*target),
            _ => None,
        })
        .collect()
}

/// Ticks at every deadline up to and including `until`, collecting the effects.
fn run_until(engine: &mut Engine, until: i64) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut guard = 0;
    while let Some(deadline) = engine.next_deadline()
        && deadline <= at(until)
    {
        guard += 1;
        assert!(guard < 1000, "next_deadline keeps returning {deadline}");
        engine.handle_tick(deadline, &mut effects);
    }
    engine.handle_tick(at(until), &mut effects);
    effects
}

// ----- bugs ---------------------------------------------------------------------

/// Tier 1 pages the `noc` channel, which is also the tenant's channel.
const CHANNEL_IN_FIRST_TIER: &str = r#"escalation_policies:
  - id: noc
    tiers:
      - {targets: [{channel: noc}, {schedule: primary}], delay: 15m}
      - {targets: [{user: ben}]}
"#;

#[test]
fn an_expired_acknowledgement_pages_each_channel_once() {
    let mut engine = Engine::new(config_with(
        "{group_wait: 0s, acknowledge_timeout: 30m}",
        CHANNEL_IN_FIRST_TIER,
    ));
    // The opening page already sends `noc` one notification, not two.
    let opened = trigger(&mut engine, 0, Severity::Critical);
    assert_eq!(pages(&opened), ["noc opened", "ana-pager opened tier 1 ana"]);
    acknowledge(&mut engine, 60);

    let expired = tick(&mut engine, 60 + 30 * 60);
    assert_eq!(pages(&expired), ["noc retriggered", "ana-pager retriggered tier 1 ana"]);
}

#[test]
fn a_maintenance_window_releases_the_held_page_when_it_closes() {
    // at(0) is Friday 2027-01-15T08:00:00Z, inside the window.
    let window = "maintenance:\n  - id: friday-patching\n    tenant: acme\n    services: [acme-vpn]\n    time_zone: UTC\n    windows: [{days: friday, time: '07:00-09:00'}]\n";
    let mut engine = Engine::new(config_with("{group_wait: 0s}", &format!("{TWO_TIERS}{window}")));
    let held = trigger(&mut engine, 0, Severity::Critical);
    assert!(pages(&held).is_empty(), "{held:?}");
    let line = timeline(&held, TimelineKind::Held).join("");
    assert!(line.contains("until 2027-01-15T09:00:00Z"), "{line}");

    // The window closes at 09:00Z; the VPN is still down and nobody has looked.
    assert_eq!(engine.next_deadline(), Some(at(3600)), "a wake-up when the window closes");
    let after = run_until(&mut engine, 3600);
    assert_eq!(pages(&after), ["noc opened", "ana-pager opened tier 1 ana"]);
}

#[test]
fn an_acknowledgement_within_the_target_is_not_a_breach_when_it_later_expires() {
    let mut engine = Engine::new(config_with(
        "{group_wait: 0s, acknowledge_timeout: 10m}",
        &format!("{TWO_TIERS}{SLA}"),
    ));
    trigger(&mut engine, 0, Severity::Critical);
    // Acknowledged after 1 minute: the 5-minute target is met.
    acknowledge(&mut engine, 60);
    let expired = run_until(&mut engine, 60 + 10 * 60);
    assert_eq!(timeline(&expired, TimelineKind::AcknowledgementExpired).len(), 1, "{expired:?}");
    assert!(breaches(&expired).is_empty(), "{:?}", timeline(&expired, TimelineKind::SlaBreached));
    assert_eq!(pages(&expired), ["noc retriggered", "ana-pager retriggered tier 1 ana"]);
}

fn silence_vpn(engine: &mut Engine, from: i64, until: i64) {
    let new = NewSilence {
        tenant: tenant("acme"),
        matchers: vec![Matcher::parse("service=acme-vpn").expect("matcher")],
        starts_at: at(from),
        ends_at: at(until),
        created_by: "ada".into(),
        comment: "VPN upgrade".into(),
    };
    engine.add_silence(at(from), new).expect("silence");
}

#[test]
fn an_incident_acknowledged_while_held_escalates_after_its_acknowledgement_expires() {
    let mut engine =
        Engine::new(config_with("{group_wait: 0s, acknowledge_timeout: 30m}", TWO_TIERS));
    silence_vpn(&mut engine, 0, 600);
    let held = trigger(&mut engine, 1, Severity::Critical);
    assert!(pages(&held).is_empty(), "{held:?}");
    // Somebody sees it on the dashboard and acknowledges; the silence ends at 10m.
    acknowledge(&mut engine, 120);
    run_until(&mut engine, 600);

    // Nobody followed up: the acknowledgement expires and tier 1 is paged ...
    let expired = run_until(&mut engine, 120 + 30 * 60);
    assert_eq!(pages(&expired), ["noc retriggered", "ana-pager retriggered tier 1 ana"]);
    // ... and ana does not answer either: tier 2 is paged 15 minutes later.
    let escalated = run_until(&mut engine, 120 + 45 * 60);
    assert_eq!(pages(&escalated), ["ben-pager escalated tier 2 ben"]);
}

#[test]
fn an_incident_that_opens_flapping_escalates_like_any_other() {
    let grouping = "{group_wait: 30s, flapping: {changes: 2, window: 10m}}";
    let mut engine = Engine::new(config_with(grouping, TWO_TIERS));
    let mut paged = Vec::new();
    for (seconds, action) in
        [(0, EventAction::Trigger), (5, EventAction::Resolve), (10, EventAction::Trigger)]
    {
        let mut effects = Vec::new();
        let flap = event(action, "vpn-flap", Severity::Critical);
        engine.handle_event(
            at(seconds),
            &tenant("acme"),
            &service("acme-vpn"),
            &flap,
            &mut effects,
        );
        paged.extend(pages(&effects));
    }
    assert!(paged.iter().any(|p| p.starts_with("noc flapping")), "{paged:?}");
    assert!(paged.iter().any(|p| p.contains("ana-pager flapping tier 1 ana")), "{paged:?}");
    assert_eq!(pages(&tick(&mut engine, 10 + 15 * 60)), ["ben-pager escalated tier 2 ben"]);
}

#[test]
fn an_acknowledgement_expiring_under_a_silence_pages_when_the_silence_ends() {
    let grouping = "{group_wait: 0s, acknowledge_timeout: 30m}";
    let mut engine = Engine::new(config_with(grouping, TWO_TIERS));
    trigger(&mut engine, 0, Severity::Critical);
    acknowledge(&mut engine, 60);
    silence_vpn(&mut engine, 20 * 60, 60 * 60);

    let expired = run_until(&mut engine, 60 + 30 * 60);
    assert!(pages(&expired).is_empty(), "{:?}", pages(&expired));
    let held = timeline(&expired, TimelineKind::Held).join("");
    assert!(held.contains("silenced by silence"), "{held}");

    let released = run_until(&mut engine, 60 * 60);
    assert_eq!(pages(&released), ["noc opened", "ana-pager opened tier 1 ana"]);
}
