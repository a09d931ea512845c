//! Prints rough costs of compiling rules and evaluating them per event: `cargo run --release -p watchfloor-rules --example measure`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use domain::{
    Config, Criticality, DeliverySettings, Environment, Event, Grouping, Incident, IncidentId,
    IncidentStatus, Priority, PriorityMatrix, Service, ServiceId, Severity, Tenant, TenantId, Tier,
    Timestamp,
};
use watchfloor_rules::{
    CelSource, EventAction, EventContext, IncidentAction, IncidentChange, IncidentContext,
    LabelValue, RuleSpec, compile,
};

fn id<T>(parse: fn(&str) -> Result<T, domain::IdError>, value: &str) -> T {
    parse(value).unwrap_or_else(|error| panic!("{value}: {error}"))
}

fn config() -> Config {
    let tenants = (0..200)
        .map(|i| Tenant {
            id: id(TenantId::parse, &format!("tenant-{i}")),
            name: format!("Tenant {i}"),
            tier: Tier::ALL[i % 4],
            notify: Vec::new(),
            escalation_policy: None,
            business_hours: None,
        })
        .collect();
    let services = (0..200)
        .map(|i| Service {
            id: id(ServiceId::parse, &format!("service-{i}")),
            tenant: id(TenantId::parse, &format!("tenant-{i}")),
            name: format!("Service {i}"),
            criticality: Criticality::ALL[i % 4],
            environment: Environment::ALL[i % 4],
            notify: Vec::new(),
            group_by: None,
            group_wait: None,
            auto_resolve: None,
            escalation_policy: None,
            acknowledge_timeout: None,
            off_hours_paging: None,
        })
        .collect();
    Config {
        tenants,
        services,
        integrations: Vec::new(),
        channels: Vec::new(),
        grouping: Grouping::default(),
        delivery: DeliverySettings::default(),
        public_url: String::new(),
        users: Vec::new(),
        schedules: Vec::new(),
        escalation_policies: Vec::new(),
        priority: PriorityMatrix::default(),
        rules: Default::default(),
        maintenance: Vec::new(),
        inhibit: Vec::new(),
        sla: Vec::new(),
        escalation_by_tier: Default::default(),
    }
}

/// Twenty rules of the kinds a NOC writes; none matches the measured event.
fn event_rules() -> Vec<watchfloor_rules::EventRuleSpec> {
    let mut rules = Vec::new();
    for (i, name) in
        ["VpnConfigChanged", "PrinterLowToner", "BackupSlow", "CertExpiresIn30d", "NtpDrift"]
            .iter()
            .enumerate()
    {
        rules.push(RuleSpec::new(
            format!("noise-{i}"),
            format!("has(event.labels.alertname) && event.labels.alertname == '{name}' && tenant.tier != 'platinum'"),
            vec![EventAction::Drop],
        ));
    }
    let map: BTreeMap<String, Severity> = [
        ("disaster", Severity::Critical),
        ("high", Severity::Error),
        ("average", Severity::Warning),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    rules.push(RuleSpec::new(
        "zabbix",
        "has(event.labels.zabbix_severity)",
        vec![EventAction::MapSeverity { label: "zabbix_severity".into(), map }],
    ));
    for i in 0..6 {
        rules.push(RuleSpec::new(
            format!("summary-{i}"),
            format!("event.summary.matches('(?i)^(maintenance|test) window {i}')"),
            vec![EventAction::SetSeverity(Severity::Info)],
        ));
    }
    for i in 0..4 {
        rules.push(RuleSpec::new(
            format!("team-{i}"),
            format!("'team' in event.labels && event.labels.team == 'team-{i}' && service.environment == 'dr'"),
            vec![EventAction::SetLabel {
                name: "owner".into(),
                value: LabelValue::Cel(CelSource::from("event.labels.team + '@' + tenant.id")),
            }],
        ));
    }
    rules.push(RuleSpec::new(
        "ec2",
        "event.resources.exists(r, r.startsWith('arn:aws:ec2:us-'))",
        vec![EventAction::RemoveLabel("pod".into())],
    ));
    rules.push(RuleSpec::new(
        "stale",
        "has(event.occurred_at) && now - event.occurred_at > duration('24h')",
        vec![EventAction::Drop],
    ));
    rules.push(RuleSpec::new(
        "labels-any",
        "event.labels.exists(k, k.startsWith('zz_'))",
        vec![EventAction::Drop],
    ));
    rules.push(RuleSpec::new(
        "kind",
        "event.kind == 'cloudtrail' && event.action == 'resolve'",
        vec![EventAction::Drop],
    ));
    rules
}

fn event() -> Event {
    let mut event = Event::trigger("fp-1", "HighCPU on db1.fra: 97% for 10m");
    event.source = Some("db1.fra".into());
    event.occurred_at = Some(Timestamp::from_second(1_800_000_000).expect("valid"));
    for (name, value) in [
        ("alertname", "HighCPU"),
        ("instance", "db1.fra:9100"),
        ("job", "node"),
        ("severity", "critical"),
        ("site", "fra"),
        ("team", "databases"),
        ("env", "prod"),
        ("cluster", "eu-1"),
    ] {
        event.labels.insert(name.into(), value.into());
    }
    event.annotations.insert("summary".into(), "CPU is high".into());
    event.annotations.insert("runbook_url".into(), "https://wiki/cpu".into());
    event.resources.push("arn:aws:ec2:eu-central-1:123:instance/i-1".into());
    event
}

fn per_iteration(rounds: u32, mut f: impl FnMut()) -> Duration {
    for _ in 0..rounds / 10 {
        f();
    }
    let started = Instant::now();
    for _ in 0..rounds {
        f();
    }
    started.elapsed() / rounds
}

fn main() {
    let specs = event_rules();
    let incident_specs = vec![RuleSpec::new(
        "erp-is-p1",
        "service.criticality == 'critical' && change == 'opened' && incident.severity == 'critical'",
        vec![IncidentAction::SetPriority {
            priority: Priority::P1,
            reason: "the ERP is the business".into(),
        }],
    )];

    let compile_time = per_iteration(20, || {
        black_box(compile(black_box(&specs), &incident_specs).expect("rules compile"));
    });
    println!("compile {} event rules + 1 incident rule: {compile_time:?}", specs.len());

    let config = config();
    let (tenant, service) =
        (id(TenantId::parse, "tenant-150"), id(ServiceId::parse, "service-150"));
    let now = Timestamp::from_second(1_800_000_600).expect("valid");
    let ctx = EventContext { now, config: &config, tenant: &tenant, service: &service };
    let rules = compile(&specs, &incident_specs).expect("rules compile");
    let mut event = event();

    let verdict = rules.apply_event(&ctx, &mut event);
    assert!(verdict.matched.is_empty() && verdict.errors.is_empty(), "{verdict:#?}");
    let all = per_iteration(20_000, || {
        black_box(rules.apply_event(black_box(&ctx), black_box(&mut event)));
    });
    println!("apply_event, {} rules, none matching: {all:?} per event", specs.len());

    for count in [1, 5] {
        let few = compile(&specs[..count], &[]).expect("rules compile");
        let took = per_iteration(20_000, || {
            black_box(few.apply_event(black_box(&ctx), black_box(&mut event)));
        });
        println!("apply_event, {count} rule(s), none matching: {took:?} per event");
    }

    let empty = watchfloor_rules::CompiledRules::empty();
    let none = per_iteration(100_000, || {
        black_box(empty.apply_event(black_box(&ctx), black_box(&mut event)));
    });
    println!("apply_event, no rules: {none:?} per event");

    let matching = compile(
        &[RuleSpec::new(
            "owner",
            "event.labels.team == 'databases'",
            vec![EventAction::SetLabel {
                name: "owner".into(),
                value: LabelValue::Cel(CelSource::from("event.labels.team + '@' + tenant.id")),
            }],
        )],
        &[],
    )
    .expect("rule compiles");
    let fresh = self::event();
    let clone = per_iteration(20_000, || {
        black_box(black_box(&fresh).clone());
    });
    let matched = per_iteration(20_000, || {
        let mut copy = fresh.clone();
        black_box(matching.apply_event(black_box(&ctx), &mut copy));
    });
    println!(
        "apply_event, 1 rule matching and setting a CEL label: {:?} per event (event clone excluded)",
        matched.saturating_sub(clone)
    );

    let incident = Incident {
        id: IncidentId(1),
        tenant: tenant.clone(),
        service: service.clone(),
        group_key: "service-150".into(),
        title: "HighCPU".into(),
        status: IncidentStatus::Triggered,
        severity: Severity::Critical,
        priority: Priority::new(2),
        priority_reason: String::new(),
        alert_count: 1,
        active_alert_count: 1,
        event_count: 1,
        created_at: now,
        updated_at: now,
        acknowledged_at: None,
        acknowledged_by: None,
        resolved_at: None,
        resolved_by: None,
        open_notified: false,
        triage: Default::default(),
    };
    let ictx = IncidentContext {
        now,
        config: &config,
        incident: &incident,
        change: IncidentChange::Opened,
        labels: Some(&event.labels),
    };
    let took = per_iteration(20_000, || {
        black_box(rules.apply_incident(black_box(&ictx)));
    });
    println!("apply_incident, 1 rule: {took:?} per change");
}
