//! Event rules: drop, severity, labels, routes, ordering, stop, and errors that skip a rule.

use std::collections::BTreeMap;

use domain::{Severity, Timestamp};
use rules::{CelSource, EventAction, EventContext, EventEffect, LabelValue, RuleSpec};

use crate::{at, compile_events, config, event, rule, run, service, tenant};

fn vpn_noise() -> rules::EventRuleSpec {
    rule(
        "vpn-noise",
        r#"event.labels.alertname == "VpnConfigChanged" && tenant.tier != "platinum""#,
        vec![EventAction::Drop],
    )
}

#[test]
fn a_drop_rule_drops_matching_events_only() {
    let rules = compile_events(vec![vpn_noise()]);

    let mut small_office = event(&[("alertname", "VpnConfigChanged")]);
    let verdict = run(&rules, "corner-dental", "corner-dental-network", &mut small_office);
    assert_eq!(verdict.dropped_by.as_deref(), Some("vpn-noise"));
    assert!(verdict.is_dropped());
    assert_eq!(verdict.matched.len(), 1);
    assert_eq!(verdict.matched[0].effects, vec![EventEffect::Dropped]);
    assert!(verdict.matched[0].stopped);
    assert_eq!(
        verdict.matched[0].to_string(),
        "rule `vpn-noise` matched: dropped the event (stop)"
    );

    let mut multinational = event(&[("alertname", "VpnConfigChanged")]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut multinational);
    assert!(!verdict.is_dropped());
    assert!(verdict.matched.is_empty() && verdict.errors.is_empty(), "{verdict:?}");
}

#[test]
fn a_drop_stops_later_rules() {
    let rules = compile_events(vec![
        vpn_noise(),
        rule(
            "tag-all",
            "true",
            vec![EventAction::SetLabel {
                name: "seen".into(),
                value: LabelValue::Literal("yes".into()),
            }],
        ),
    ]);
    let mut dropped = event(&[("alertname", "VpnConfigChanged")]);
    let verdict = run(&rules, "corner-dental", "corner-dental-network", &mut dropped);
    assert!(verdict.is_dropped());
    assert_eq!(verdict.matched.len(), 1);
    assert!(!dropped.labels.contains_key("seen"));
}

#[test]
fn severity_can_be_set() {
    let rules = compile_events(vec![rule(
        "erp-is-critical",
        "service.criticality == 'critical' && event.severity != 'info'",
        vec![EventAction::SetSeverity(Severity::Critical)],
    )]);
    let mut erp = event(&[]);
    let verdict = run(&rules, "globex", "globex-erp", &mut erp);
    assert_eq!(erp.severity, Severity::Critical);
    assert_eq!(
        verdict.matched[0].effects,
        vec![EventEffect::SeverityChanged { from: Severity::Warning, to: Severity::Critical }]
    );
    assert_eq!(
        verdict.matched[0].to_string(),
        "rule `erp-is-critical` matched: severity warning → critical"
    );

    let mut vpn = event(&[]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut vpn);
    assert_eq!(vpn.severity, Severity::Warning);
    assert!(verdict.matched.is_empty());
}

#[test]
fn severity_can_be_mapped_from_a_label() {
    let map: BTreeMap<String, Severity> = [
        ("disaster", Severity::Critical),
        ("high", Severity::Error),
        ("average", Severity::Warning),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let rules = compile_events(vec![
        RuleSpec::new(
            "map-zabbix-severity",
            "has(event.labels.zabbix_severity)",
            vec![EventAction::MapSeverity { label: "zabbix_severity".into(), map }],
        )
        .stopping(),
    ]);

    let mut disaster = event(&[("zabbix_severity", "disaster")]);
    run(&rules, "globex", "globex-erp", &mut disaster);
    assert_eq!(disaster.severity, Severity::Critical);

    let mut high = event(&[("zabbix_severity", "high")]);
    run(&rules, "globex", "globex-erp", &mut high);
    assert_eq!(high.severity, Severity::Error);

    let mut unknown = event(&[("zabbix_severity", "not classified")]);
    let verdict = run(&rules, "globex", "globex-erp", &mut unknown);
    assert_eq!(unknown.severity, Severity::Warning);
    assert_eq!(
        verdict.matched[0].effects,
        vec![EventEffect::SeverityNotMapped {
            label: "zabbix_severity".into(),
            value: Some("not classified".into())
        }]
    );

    let mut unlabelled = event(&[]);
    let verdict = run(&rules, "globex", "globex-erp", &mut unlabelled);
    assert!(verdict.matched.is_empty() && verdict.errors.is_empty());
}

#[test]
fn labels_can_be_added_rewritten_and_removed() {
    let rules = compile_events(vec![rule(
        "normalise",
        "has(event.labels.instance)",
        vec![
            EventAction::SetLabel {
                name: "team".into(),
                value: LabelValue::Literal("network".into()),
            },
            EventAction::SetLabel {
                name: "host".into(),
                value: LabelValue::Cel(CelSource::from(
                    "event.labels.instance.split(':')[0].lowerAscii()",
                )),
            },
            EventAction::SetLabel {
                name: "instance".into(),
                value: LabelValue::Cel(CelSource::from("event.labels.instance + '/' + tenant.id")),
            },
            EventAction::RemoveLabel("pod".into()),
            EventAction::RemoveLabel("absent".into()),
        ],
    )]);
    let mut vpn = event(&[("instance", "FRA-GW1:9100"), ("pod", "exporter-7f9")]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut vpn);
    assert!(verdict.errors.is_empty(), "{:?}", verdict.errors);
    let labels: Vec<(&str, &str)> =
        vpn.labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        labels,
        vec![("host", "fra-gw1"), ("instance", "FRA-GW1:9100/globex"), ("team", "network")]
    );
    assert_eq!(
        verdict.matched[0].effects,
        vec![
            EventEffect::LabelSet { name: "team".into(), value: "network".into() },
            EventEffect::LabelSet { name: "host".into(), value: "fra-gw1".into() },
            EventEffect::LabelSet { name: "instance".into(), value: "FRA-GW1:9100/globex".into() },
            EventEffect::LabelRemoved { name: "pod".into() },
        ]
    );
}

#[test]
fn a_label_expression_must_give_a_string_or_the_rule_is_skipped_whole() {
    let rules = compile_events(vec![rule(
        "count",
        "true",
        vec![
            EventAction::SetSeverity(Severity::Info),
            EventAction::SetLabel {
                name: "label_count".into(),
                value: LabelValue::Cel(CelSource::from("size(event.labels)")),
            },
        ],
    )]);
    let mut vpn = event(&[("a", "1")]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut vpn);
    assert_eq!(vpn.severity, Severity::Warning, "nothing of a failed rule applies");
    assert_eq!(verdict.errors.len(), 1);
    assert_eq!(verdict.errors[0].field, "labels.label_count");
    assert!(verdict.errors[0].message.contains("must give a string"), "{:?}", verdict.errors[0]);
}

#[test]
fn routes_stay_within_the_tenant_and_later_rules_see_the_new_service() {
    let rules = compile_events(vec![
        rule(
            "erp-alerts-from-vpn",
            "event.summary.contains('SAP')",
            vec![EventAction::Route(service("globex-erp"))],
        ),
        rule(
            "critical-services-page",
            "service.criticality == 'critical'",
            vec![EventAction::SetSeverity(Severity::Critical)],
        ),
    ]);
    let mut sap = event(&[]);
    sap.summary = "SAP dialog response time high".into();
    let verdict = run(&rules, "globex", "globex-vpn", &mut sap);
    assert_eq!(verdict.route_to, Some(service("globex-erp")));
    assert_eq!(sap.severity, Severity::Critical, "the second rule saw service globex-erp");
    assert_eq!(verdict.matched.len(), 2);
    assert_eq!(verdict.matched[0].effects, vec![EventEffect::Routed { to: service("globex-erp") }]);

    let mut other = event(&[]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut other);
    assert_eq!(verdict.route_to, None);
}

#[test]
fn a_route_to_another_tenants_service_is_an_error_and_changes_nothing() {
    let rules = compile_events(vec![rule(
        "misrouted",
        "true",
        vec![
            EventAction::SetLabel {
                name: "moved".into(),
                value: LabelValue::Literal("yes".into()),
            },
            EventAction::Route(service("corner-dental-network")),
        ],
    )]);
    let mut vpn = event(&[]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut vpn);
    assert_eq!(verdict.route_to, None);
    assert!(verdict.matched.is_empty());
    assert!(!vpn.labels.contains_key("moved"));
    assert_eq!(verdict.errors.len(), 1);
    assert_eq!(&*verdict.errors[0].rule_id, "misrouted");
    assert_eq!(verdict.errors[0].field, "route");
    assert!(verdict.errors[0].message.contains("never cross tenants"), "{}", verdict.errors[0]);
}

fn set(name: &str, value: &str) -> EventAction {
    EventAction::SetLabel { name: name.into(), value: LabelValue::Literal(value.into()) }
}

#[test]
fn rules_run_in_order_and_see_earlier_changes() {
    let rules = compile_events(vec![
        rule(
            "first",
            "true",
            vec![set("stage", "first"), EventAction::SetSeverity(Severity::Error)],
        ),
        rule("second", "event.labels.stage == 'first'", vec![set("stage", "second")]),
        rule("third", "event.severity == 'error'", vec![EventAction::SetSeverity(Severity::Info)]),
    ]);
    let mut e = event(&[]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut e);
    let order: Vec<&str> = verdict.matched.iter().map(|m| &*m.rule_id).collect();
    assert_eq!(order, vec!["first", "second", "third"]);
    assert_eq!(e.labels["stage"], "second");
    assert_eq!(e.severity, Severity::Info, "the last rule to set severity wins");
}

#[test]
fn stop_ends_evaluation_only_when_the_rule_matches() {
    let rules = compile_events(vec![
        RuleSpec::new("never", "false", vec![set("never", "x")]).stopping(),
        RuleSpec::new("platinum-first", "tenant.tier == 'platinum'", vec![set("vip", "yes")])
            .stopping(),
        rule("everyone", "true", vec![set("everyone", "yes")]),
    ]);
    let mut platinum = event(&[]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut platinum);
    assert!(platinum.labels.contains_key("vip") && !platinum.labels.contains_key("everyone"));
    assert_eq!(verdict.matched.len(), 1);
    assert!(verdict.matched[0].stopped);

    let mut bronze = event(&[]);
    run(&rules, "corner-dental", "corner-dental-network", &mut bronze);
    assert!(!bronze.labels.contains_key("vip") && bronze.labels.contains_key("everyone"));
}

#[test]
fn an_evaluation_error_skips_the_rule_and_never_drops() {
    let rules = compile_events(vec![
        // No `team` label on the event: reading it is an error, not false.
        RuleSpec::new("drop-db-noise", "event.labels.team == 'db'", vec![EventAction::Drop])
            .stopping(),
        // has() first: no error.
        rule(
            "guarded",
            "has(event.labels.team) && event.labels.team == 'db'",
            vec![set("guarded", "x")],
        ),
        rule("in-operator", "'team' in event.labels", vec![set("in", "x")]),
        // Evaluation goes on after the error.
        rule("after", "true", vec![set("after", "yes")]),
    ]);
    let mut e = event(&[("alertname", "DiskFull")]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut e);
    assert!(!verdict.is_dropped());
    assert_eq!(verdict.errors.len(), 1, "{:?}", verdict.errors);
    let error = &verdict.errors[0];
    assert_eq!((&*error.rule_id, error.field.as_str()), ("drop-db-noise", "when"));
    assert!(error.message.contains("team"), "{error}");
    assert!(error.to_string().starts_with("rule `drop-db-noise` skipped: when: "), "{error}");
    let matched: Vec<&str> = verdict.matched.iter().map(|m| &*m.rule_id).collect();
    assert_eq!(matched, vec!["after"]);

    let mut db = event(&[("team", "db")]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut db);
    assert_eq!(verdict.dropped_by.as_deref(), Some("drop-db-noise"));
}

#[test]
fn absent_optional_fields_are_tested_with_has() {
    let rules = compile_events(vec![
        rule(
            "has-source",
            "has(event.source) && event.source.startsWith('db')",
            vec![set("db", "yes")],
        ),
        rule("unguarded", "event.source == 'db1'", vec![set("unguarded", "yes")]),
    ]);
    let mut without = event(&[]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut without);
    assert!(verdict.matched.is_empty());
    assert_eq!(verdict.errors.len(), 1);
    assert_eq!(&*verdict.errors[0].rule_id, "unguarded");

    let mut with = event(&[]);
    with.source = Some("db1".into());
    let verdict = run(&rules, "globex", "globex-vpn", &mut with);
    assert_eq!(verdict.matched.len(), 2);
    assert!(verdict.errors.is_empty());
}

#[test]
fn a_when_that_is_not_a_bool_is_an_error() {
    let rules = compile_events(vec![rule("stringly", "event.summary", vec![EventAction::Drop])]);
    let mut e = event(&[]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut e);
    assert!(!verdict.is_dropped());
    assert!(verdict.errors[0].message.contains("must give a bool"), "{:?}", verdict.errors);
}

#[test]
fn matches_uses_literal_and_computed_patterns() {
    let rules = compile_events(vec![
        rule("literal", "event.summary.matches('(?i)vpn tunnel')", vec![set("literal", "yes")]),
        rule("global-form", "matches(event.summary, 'FRA')", vec![set("global", "yes")]),
        rule(
            "computed",
            "event.summary.matches(event.labels.pattern)",
            vec![set("computed", "yes")],
        ),
        rule(
            "computed-invalid",
            "event.summary.matches(event.labels.bad)",
            vec![set("never", "yes")],
        ),
    ]);
    let mut e = event(&[("pattern", "^VPN .* down$"), ("bad", "(")]);
    let verdict = run(&rules, "globex", "globex-vpn", &mut e);
    let matched: Vec<&str> = verdict.matched.iter().map(|m| &*m.rule_id).collect();
    assert_eq!(matched, vec!["literal", "global-form", "computed"]);
    assert_eq!(verdict.errors.len(), 1);
    assert!(verdict.errors[0].message.contains("invalid pattern"), "{:?}", verdict.errors[0]);
}

#[test]
fn time_kind_resources_and_details_are_visible() {
    let rules = compile_events(vec![
        rule(
            "stale",
            "has(event.occurred_at) && now - event.occurred_at > duration('1h')",
            vec![set("stale", "yes")],
        ),
        rule("night", "now.getHours('UTC') < 6", vec![set("night", "yes")]),
        rule(
            "kind",
            "event.kind == 'generic' && event.action == 'trigger'",
            vec![set("kind", "yes")],
        ),
        rule(
            "arn",
            "event.resources.exists(r, r.startsWith('arn:aws:ec2'))",
            vec![set("ec2", "yes")],
        ),
        rule(
            "details",
            "event.details.region == 'eu-central-1' && event.details.instances[1] == 'i-2' \
             && event.details.count > 1",
            vec![set("region", "eu")],
        ),
        rule(
            "annotation",
            "event.annotations.runbook.endsWith('/vpn')",
            vec![set("runbook", "yes")],
        ),
    ]);
    let mut e = event(&[]);
    e.occurred_at = Some(at(-5 * 3600 - 7200));
    e.resources = vec!["arn:aws:ec2:eu-central-1:1:instance/i-1".into()];
    e.details =
        serde_json::json!({"region": "eu-central-1", "instances": ["i-1", "i-2"], "count": 2});
    e.annotations.insert("runbook".into(), "https://wiki/vpn".into());
    let config = config();
    let (tenant, service) = (tenant("globex"), service("globex-vpn"));
    // 1_800_000_000 is 2027-01-15T08:00:00Z; subtract 5 h to be at 03:00.
    let now: Timestamp = at(-5 * 3600);
    let ctx = EventContext { now, config: &config, tenant: &tenant, service: &service };
    let verdict = rules.apply_event(&ctx, &mut e);
    assert!(verdict.errors.is_empty(), "{:?}", verdict.errors);
    for label in ["stale", "night", "kind", "ec2", "region", "runbook"] {
        assert!(e.labels.contains_key(label), "{label}: {verdict:#?}");
    }
}

#[test]
fn maps_behave_as_cel_maps_and_iterate_in_key_order() {
    let rules = compile_events(vec![
        rule("equal", "event.labels == {'c': '3', 'a': '1', 'b': '2'}", vec![set("equal", "yes")]),
        rule(
            "equal-details",
            "event.details == {'b': [1, 'x'], 'a': {'c': true}}",
            vec![set("details", "yes")],
        ),
        rule("not-equal", "event.labels != {'a': '1'}", vec![set("not_equal", "yes")]),
        rule(
            "keys",
            "size(event.labels) == 6 && event.labels.size() == 6 && 'b' in event.labels \
             && !('z' in event.labels) && !(1 in event.labels) && event.labels['a'] == '1'",
            vec![EventAction::SetLabel {
                name: "keys".into(),
                value: LabelValue::Cel(CelSource::from(
                    "event.labels.map(k, k + '=' + event.labels[k]).join(',')",
                )),
            }],
        ),
    ]);
    let mut e = event(&[("c", "3"), ("a", "1"), ("b", "2")]);
    e.details = serde_json::json!({"a": {"c": true}, "b": [1, "x"]});
    let verdict = run(&rules, "globex", "globex-vpn", &mut e);
    assert!(verdict.errors.is_empty(), "{:?}", verdict.errors);
    assert_eq!(
        e.labels.get("keys").map(String::as_str).unwrap_or_else(|| panic!("{verdict:#?}")),
        "a=1,b=2,c=3,details=yes,equal=yes,not_equal=yes",
        "sorted, the same in every process"
    );
    for label in ["equal", "details", "not_equal"] {
        assert!(e.labels.contains_key(label), "{label}: {verdict:#?}");
    }
}

#[test]
fn no_rules_change_nothing() {
    let rules = rules::CompiledRules::empty();
    let mut e = event(&[("a", "b")]);
    let before = e.clone();
    let verdict = run(&rules, "globex", "globex-vpn", &mut e);
    assert_eq!(verdict, rules::EventVerdict::default());
    assert_eq!(e, before);
}
