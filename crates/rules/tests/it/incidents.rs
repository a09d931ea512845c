//! Incident rules: priority with a reason, channels, notes, tags, stop, and errors.

use domain::{Incident, IncidentId, IncidentStatus, Labels, Priority, Severity};
use rules::{
    IncidentAction, IncidentChange, IncidentContext, IncidentRuleSpec, IncidentVerdict, RuleSpec,
};

use crate::{at, channel, config, service, tenant};

fn incident(service_id: &str, tenant_id: &str) -> Incident {
    Incident {
        id: IncidentId(7),
        tenant: tenant(tenant_id),
        service: service(service_id),
        group_key: service_id.to_owned(),
        title: "ERP dialog response time high".into(),
        status: IncidentStatus::Triggered,
        severity: Severity::Warning,
        priority: Priority::new(3),
        priority_reason:
            "P3: platinum tenant, critical-criticality service in production, warning severity"
                .into(),
        alert_count: 2,
        active_alert_count: 2,
        event_count: 5,
        created_at: at(-600),
        updated_at: at(0),
        acknowledged_at: None,
        acknowledged_by: None,
        resolved_at: None,
        resolved_by: None,
        open_notified: false,
        triage: Default::default(),
    }
}

fn apply(
    rules: Vec<IncidentRuleSpec>,
    incident: &Incident,
    change: IncidentChange,
    labels: Option<&Labels>,
) -> IncidentVerdict {
    let compiled = match rules::compile(&[], &rules) {
        Ok(compiled) => compiled,
        Err(diagnostics) => panic!("{diagnostics:#?}"),
    };
    let config = config();
    compiled.apply_incident(&IncidentContext {
        now: at(0),
        config: &config,
        incident,
        change,
        labels,
    })
}

fn erp_is_p1() -> IncidentRuleSpec {
    RuleSpec::new(
        "erp-is-p1",
        r#"service.id == "globex-erp" && change == "opened""#,
        vec![
            IncidentAction::SetPriority {
                priority: Priority::P1,
                reason: "the ERP is the business".into(),
            },
            IncidentAction::Notify(channel("noc-slack")),
            IncidentAction::Note("ERP runbook: https://wiki.example/erp".into()),
            IncidentAction::Tag("erp".into()),
        ],
    )
}

#[test]
fn an_incident_rule_sets_priority_with_its_reason() {
    let erp = incident("globex-erp", "globex");
    let verdict = apply(vec![erp_is_p1()], &erp, IncidentChange::Opened, None);
    assert!(verdict.errors.is_empty(), "{:?}", verdict.errors);
    assert_eq!(verdict.matched.iter().map(|id| &**id).collect::<Vec<_>>(), vec!["erp-is-p1"]);
    assert_eq!(
        verdict.priority(),
        Some((Priority::P1, "P1: rule `erp-is-p1`: the ERP is the business".to_owned()))
    );
    assert_eq!(verdict.channels(), vec![&channel("noc-slack")]);
    assert_eq!(
        verdict.notes().collect::<Vec<_>>(),
        vec![("erp-is-p1", "ERP runbook: https://wiki.example/erp")]
    );
    assert_eq!(verdict.tags().into_iter().collect::<Vec<_>>(), vec!["erp"]);
    assert_eq!(verdict.effects[0].action.to_string(), "set priority P1: the ERP is the business");

    // Not on other changes, not for other services.
    let verdict = apply(vec![erp_is_p1()], &erp, IncidentChange::AlertAttached, None);
    assert!(verdict.effects.is_empty() && verdict.priority().is_none());
    let vpn = incident("globex-vpn", "globex");
    assert!(apply(vec![erp_is_p1()], &vpn, IncidentChange::Opened, None).effects.is_empty());
}

#[test]
fn an_empty_reason_still_explains_the_priority() {
    let spec = RuleSpec::new(
        "dr-low",
        "service.environment == 'dr'",
        vec![IncidentAction::SetPriority { priority: Priority::P5, reason: String::new() }],
    );
    let dr = incident("globex-erp-dr", "globex");
    let verdict = apply(vec![spec], &dr, IncidentChange::Opened, None);
    assert_eq!(
        verdict.priority(),
        Some((Priority::P5, "P5: rule `dr-low`: no reason given".to_owned()))
    );
}

#[test]
fn later_rules_refine_and_stop_ends() {
    let rules = vec![
        RuleSpec::new(
            "platinum-p2",
            "tenant.tier == 'platinum' && incident.priority != 'P1'",
            vec![
                IncidentAction::SetPriority {
                    priority: Priority::new(2),
                    reason: "platinum".into(),
                },
                IncidentAction::Notify(channel("noc-slack")),
            ],
        ),
        RuleSpec::new(
            "many-alerts-p1",
            "incident.alert_count >= 2 && incident.severity in ['critical', 'warning']",
            vec![
                IncidentAction::SetPriority { priority: Priority::P1, reason: "spreading".into() },
                IncidentAction::Notify(channel("noc-slack")),
            ],
        )
        .stopping(),
        RuleSpec::new("never-reached", "true", vec![IncidentAction::Tag("late".into())]),
    ];
    let erp = incident("globex-erp", "globex");
    let verdict = apply(rules, &erp, IncidentChange::AlertAttached, None);
    assert_eq!(verdict.matched.len(), 2);
    assert_eq!(verdict.priority().map(|(p, _)| p), Some(Priority::P1));
    assert_eq!(verdict.channels().len(), 1, "each channel once");
    assert!(verdict.tags().is_empty());
}

#[test]
fn incident_fields_labels_and_errors() {
    let rules = vec![
        RuleSpec::new(
            "fields",
            "incident.id == 7 && incident.title.startsWith('ERP') && incident.status == 'triggered' \
             && incident.event_count == 5 && incident.active_alert_count == 2 \
             && now - incident.created_at == duration('10m') && incident.group_key == 'globex-erp' \
             && incident.priority_reason.contains('platinum') && tenant.name == 'Globex Corporation' \
             && service.name == 'GLOBEX-ERP'",
            vec![IncidentAction::Tag("fields".into())],
        ),
        RuleSpec::new(
            "site",
            "incident.labels.site == 'fra'",
            vec![IncidentAction::Tag("fra".into())],
        ),
        RuleSpec::new(
            "site-guarded",
            "has(incident.labels.site) && incident.labels.site == 'fra'",
            vec![IncidentAction::Tag("guarded".into())],
        ),
    ];
    let erp = incident("globex-erp", "globex");
    let mut labels = Labels::new();
    labels.insert("site".into(), "fra".into());
    let verdict = apply(rules.clone(), &erp, IncidentChange::Opened, Some(&labels));
    assert!(verdict.errors.is_empty(), "{:?}", verdict.errors);
    assert_eq!(verdict.tags().into_iter().collect::<Vec<_>>(), vec!["fields", "fra", "guarded"]);

    // Without labels `incident.labels.site` is a missing key: that rule is skipped and reported.
    let verdict = apply(rules, &erp, IncidentChange::Opened, None);
    assert_eq!(verdict.tags().into_iter().collect::<Vec<_>>(), vec!["fields"]);
    assert_eq!(verdict.errors.len(), 1);
    assert_eq!(&*verdict.errors[0].rule_id, "site");
}
