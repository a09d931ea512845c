//! Business hours, acknowledgement timeouts, off-hours paging and SLA targets: read, defaulted, and every error at its line.

use std::time::Duration;

use domain::{Priority, Tier};

use crate::{doc, errors, expect, ok};

#[test]
fn paging_settings_default_to_paging_always_and_no_targets() {
    let config = ok("tenants: [{id: acme, tier: gold}]\n");
    assert_eq!(config.grouping.acknowledge_timeout, None);
    assert_eq!(config.grouping.off_hours_paging, Priority::P5);
    assert_eq!(config.tenants[0].business_hours, None);
    assert!(config.sla.is_empty());
}

#[test]
fn business_hours_timeouts_and_sla_targets_are_read() {
    let config = ok(&doc(&[
        "grouping: {acknowledge_timeout: 30m, off_hours_paging: P2}",
        "tenants:",
        "  - id: acme",
        "    tier: platinum",
        "    business_hours:",
        "      time_zone: Europe/Berlin",
        "      windows: [{days: monday-friday, time: \"08:00-18:00\"}]",
        "services:",
        "  - {id: acme-vpn, tenant: acme, acknowledge_timeout: 1h, off_hours_paging: P1}",
        "sla:",
        "  platinum:",
        "    P1: {acknowledge: 5m, resolve: 4h}",
        "    P2: {acknowledge: 15m}",
        "  bronze:",
        "    P3: {resolve: 3d}",
    ]));
    assert_eq!(config.grouping.acknowledge_timeout, Some(Duration::from_secs(1800)));
    assert_eq!(config.grouping.off_hours_paging, Priority::parse("P2").expect("valid"));
    let hours = config.tenants[0].business_hours.as_ref().expect("business hours");
    assert_eq!((hours.time_zone.as_str(), hours.windows.len()), ("Europe/Berlin", 1));
    let vpn = config.grouping_for(&config.services[0].id);
    assert_eq!(vpn.acknowledge_timeout, Some(Duration::from_secs(3600)));
    assert_eq!(vpn.off_hours_paging, Priority::P1);
    let p1 = config.sla_for(Tier::Platinum, Priority::P1).expect("platinum P1");
    assert_eq!(
        (p1.acknowledge, p1.resolve),
        (Some(Duration::from_secs(300)), Some(Duration::from_secs(4 * 3600)))
    );
    let p3 =
        config.sla_for(Tier::Bronze, Priority::parse("P3").expect("valid")).expect("bronze P3");
    assert_eq!((p3.acknowledge, p3.resolve), (None, Some(Duration::from_secs(3 * 86_400))));
    assert!(config.sla_for(Tier::Gold, Priority::P1).is_none());
}

#[test]
fn paging_errors_are_reported_at_their_lines() {
    let diagnostics = errors(&doc(&[
        "grouping: {acknowledge_timeout: 0s, off_hours_paging: P9}", // 1
        "tenants:",                                                  // 2
        "  - id: acme",                                              // 3
        "    tier: platinum",                                        // 4
        "    business_hours:",                                       // 5
        "      time_zone: Mars/Olympus",                             // 6
        "      windows: []",                                         // 7
        "sla:",                                                      // 8
        "  platinum:",                                               // 9
        "    P1: {acknowledge: 1h, resolve: 5m}",                    // 10
        "    P6: {acknowledge: 1h}",                                 // 11
        "    P2: {}",                                                // 12
        "  diamond: {}",                                             // 13
    ]));
    expect(&diagnostics, "grouping.acknowledge_timeout", 1, "longer than zero");
    expect(&diagnostics, "grouping.off_hours_paging", 1, "expected P1, P2, P3, P4 or P5");
    expect(&diagnostics, "tenants[0].business_hours.time_zone", 6, "unknown time zone");
    expect(&diagnostics, "tenants[0].business_hours.windows", 7, "at least one window");
    expect(&diagnostics, "sla.platinum.P1.resolve", 10, "must not be shorter than acknowledge");
    expect(&diagnostics, "sla.platinum.P6", 11, "");
    expect(&diagnostics, "sla.platinum.P2", 12, "acknowledge, resolve or both");
    expect(&diagnostics, "sla.diamond", 13, "");
}

#[test]
fn a_tier_policy_wins_over_the_services_and_unknown_ones_are_errors() {
    let config = ok(&doc(&[
        "tenants:",
        "  - {id: globex, tier: platinum, escalation_policy: standard}",
        "  - {id: corner, tier: bronze, escalation_policy: standard}",
        "services:",
        "  - {id: globex-erp, tenant: globex, escalation_policy: standard}",
        "  - {id: corner-net, tenant: corner}",
        "notify: [{id: noc, kind: webhook, url: \"http://127.0.0.1:9/noc\"}]",
        "escalation_policies:",
        "  - {id: standard, tiers: [{targets: [{channel: noc}]}]}",
        "  - {id: premium, tiers: [{targets: [{channel: noc}]}]}",
        "escalation_by_tier: {platinum: premium}",
    ]));
    let policy = |service: &str| {
        let id = domain::ServiceId::parse(service).expect("valid");
        config.escalation_policy_for(&id).map(|p| p.id.to_string())
    };
    assert_eq!(policy("globex-erp").as_deref(), Some("premium"));
    assert_eq!(policy("corner-net").as_deref(), Some("standard"));

    let diagnostics = errors(&doc(&[
        "tenants: [{id: globex, tier: platinum}]", // 1
        "escalation_by_tier: {platinum: missing}", // 2
        "escalation_by_tier_typo: {}",             // 3
    ]));
    expect(&diagnostics, "escalation_by_tier.platinum", 2, "unknown escalation policy");
}
