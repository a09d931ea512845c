//! The `rules` section: every action read, CEL problems reported at their place in the file.

use domain::rules::{EventAction, IncidentAction, LabelValue};
use domain::{ChannelId, Priority, ServiceId, Severity};

use crate::{doc, errors, expect, ok};

const BASE: &[&str] = &[
    "tenants: [{id: acme, tier: gold}]",
    "services:",
    "  - {id: acme-web, tenant: acme}",
    "  - {id: acme-db, tenant: acme}",
    "notify:",
    "  - {id: noc, kind: webhook, url: 'http://127.0.0.1:9/hook'}",
];

fn with_rules(rules: &[&str]) -> String {
    let mut lines = BASE.to_vec();
    lines.extend_from_slice(rules);
    doc(&lines)
}

/// Line numbers of the rules part: the base takes the first lines.
fn line(in_rules: usize) -> usize {
    BASE.len() + in_rules
}

#[test]
fn every_action_is_read_in_the_documented_order() {
    let config = ok(&with_rules(&[
        "rules:",
        "  events:",
        "    - id: noise",
        "      when: 'event.labels.alertname == \"Noise\"'",
        "      drop: true",
        "    - id: db",
        "      when: event.summary.contains(\"postgres\")",
        "      route: acme-db",
        "      remove_labels: [pod]",
        "      labels:",
        "        team: databases",
        "        host: {cel: 'event.source'}",
        "      severity_from_label: {label: zsev, map: {disaster: critical, high: error}}",
        "      severity: warning",
        "      stop: true",
        "  incidents:",
        "    - id: db-p1",
        "      when: |",
        "        service.id == \"acme-db\"",
        "      priority: P1",
        "      reason: the database is the business",
        "      notify: [noc]",
        "      note: see the runbook",
        "      tags: [db]",
    ]));
    let events = &config.rules.events;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].actions, [EventAction::Drop]);
    assert_eq!(events[0].line, line(3));
    assert_eq!((events[0].when.at.line, events[0].when.at.column), (line(4), 14));
    let db = &events[1];
    assert!(db.stop);
    assert!(matches!(db.actions[0], EventAction::SetSeverity(Severity::Warning)));
    assert!(matches!(&db.actions[1], EventAction::MapSeverity { label, map }
        if label == "zsev" && map.get("disaster") == Some(&Severity::Critical)));
    assert!(matches!(&db.actions[2], EventAction::SetLabel { name, value: LabelValue::Literal(v) }
        if name == "team" && v == "databases"));
    assert!(matches!(&db.actions[3], EventAction::SetLabel { name, value: LabelValue::Cel(_) }
        if name == "host"));
    assert_eq!(db.actions[4], EventAction::RemoveLabel("pod".into()));
    assert_eq!(db.actions[5], EventAction::Route(ServiceId::parse("acme-db").expect("a valid id")));

    let incident = &config.rules.incidents[0];
    assert_eq!((incident.when.at.line, incident.when.at.column), (line(19), 9), "block scalar");
    assert_eq!(
        incident.actions,
        [
            IncidentAction::SetPriority {
                priority: Priority::P1,
                reason: "the database is the business".into()
            },
            IncidentAction::Notify(ChannelId::parse("noc").expect("a valid id")),
            IncidentAction::Note("see the runbook".into()),
            IncidentAction::Tag("db".into()),
        ]
    );
}

#[test]
fn a_cel_error_names_the_rule_and_its_position() {
    let diagnostics = errors(&with_rules(&[
        "rules:",
        "  events:",
        "    - id: typo",
        "      when: 'event.sumary == \"x\"'",
        "      drop: true",
    ]));
    expect(&diagnostics, "rules.events[0].when", line(4), "rule `typo`");
    let diagnostic = &diagnostics[0];
    assert!(diagnostic.message.contains("summary"), "did you mean: {diagnostic}");
    assert!(diagnostic.column >= 14, "inside the expression: {diagnostic}");
}

#[test]
fn syntax_errors_are_reported_with_their_column() {
    let diagnostics = errors(&with_rules(&[
        "rules:",
        "  events:",
        "    - id: broken",
        "      when: event.summary ==",
        "      drop: true",
    ]));
    expect(&diagnostics, "rules.events[0].when", line(4), "rule `broken`");
}

#[test]
fn references_words_and_missing_actions_are_checked() {
    let diagnostics = errors(&with_rules(&[
        "rules:",
        "  events:",
        "    - id: route",
        "      when: 'true'",
        "      route: acme-dbb",
        "    - id: nothing",
        "      when: 'true'",
        "    - id: sev",
        "      when: 'true'",
        "      severity: fatal",
        "  incidents:",
        "    - id: p",
        "      when: 'true'",
        "      priority: P0",
        "      reason: no",
        "    - id: why",
        "      when: 'true'",
        "      priority: P2",
        "    - id: chan",
        "      when: 'true'",
        "      notify: [nco]",
    ]));
    expect(&diagnostics, "rules.events[0].route", line(5), "did you mean `acme-db`");
    expect(&diagnostics, "rules.events[1]", line(6), "needs an action");
    expect(&diagnostics, "rules.events[2].severity", line(10), "invalid severity `fatal`");
    expect(&diagnostics, "rules.incidents[0].priority", line(14), "expected P1");
    expect(&diagnostics, "rules.incidents[1].reason", line(16), "must say why");
    expect(&diagnostics, "rules.incidents[2].notify[0]", line(21), "did you mean `noc`");
}

#[test]
fn duplicate_rule_ids_are_refused() {
    let diagnostics = errors(&with_rules(&[
        "rules:",
        "  events:",
        "    - {id: same, when: 'true', drop: true}",
        "    - {id: same, when: 'false', drop: true}",
    ]));
    assert!(
        diagnostics.iter().any(|d| d.line == line(4) && d.message.contains("same")),
        "{diagnostics:?}"
    );
}

#[test]
fn every_rule_pack_checks_and_is_limited_to_the_tenants_that_turn_it_on() {
    for name in watchfloor_config::packs::names() {
        let rules = watchfloor_config::packs::rules(name).expect("a known pack");
        let rules = rules.unwrap_or_else(|diagnostics| panic!("{name}: {diagnostics:?}"));
        assert!(!rules.is_empty(), "{name} has rules");
    }
    let config = ok(&doc(&[
        "tenants:",
        "  - {id: globex, tier: platinum, rule_packs: [aws-security-baseline]}",
        "  - {id: corner, tier: bronze}",
        "rules:",
        "  events: [{id: own, when: 'true', severity: info}]",
    ]));
    let ids: Vec<&str> = config.rules.events.iter().map(|rule| rule.id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"baseline-root-sign-in"), "the pack runs first: {ids:?}");
    assert_eq!(ids.last(), Some(&"own"), "{ids:?}");
    assert!(
        config
            .rules
            .events
            .iter()
            .filter(|r| r.id != "own")
            .all(|r| r.when.text.starts_with("tenant.id in [\"globex\"] && (")),
        "pack rules only see the tenants that turned the pack on"
    );

    let diagnostics = errors(&doc(&[
        "tenants:",                                                             // 1
        "  - {id: globex, tier: platinum, rule_packs: [aws-security-baselin]}", // 2
    ]));
    expect(&diagnostics, "tenants[0].rule_packs[0]", 2, "did you mean `aws-security-baseline`?");
}
