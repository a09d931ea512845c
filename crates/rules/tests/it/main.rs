//! Rules behaviour through the public API: compile diagnostics, event and incident rules, properties.

extern crate watchfloor_rules as rules;

mod compile_errors;
mod events;
mod incidents;
mod properties;

use std::time::Duration;

use domain::{
    Channel, ChannelId, ChannelKind, Config, Criticality, DeliverySettings, Environment, Event,
    Grouping, PriorityMatrix, Service, ServiceId, Severity, Tenant, TenantId, Tier, Timestamp,
};
use rules::{CompiledRules, EventAction, EventContext, EventRuleSpec, EventVerdict, RuleSpec};

pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + seconds).expect("in range")
}

pub fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("valid tenant id")
}

pub fn service(id: &str) -> ServiceId {
    ServiceId::parse(id).expect("valid service id")
}

pub fn channel(id: &str) -> ChannelId {
    ChannelId::parse(id).expect("valid channel id")
}

fn service_config(
    id: &str,
    owner: &str,
    criticality: Criticality,
    environment: Environment,
) -> Service {
    Service {
        id: service(id),
        tenant: tenant(owner),
        name: id.to_uppercase(),
        criticality,
        environment,
        notify: Vec::new(),
        group_by: None,
        group_wait: None,
        auto_resolve: None,
        escalation_policy: None,
        acknowledge_timeout: None,
        off_hours_paging: None,
    }
}

/// A platinum multinational and a bronze small office, as in the example config.
pub fn config() -> Config {
    Config {
        tenants: vec![
            Tenant {
                id: tenant("globex"),
                name: "Globex Corporation".into(),
                tier: Tier::Platinum,
                notify: Vec::new(),
                escalation_policy: None,
                business_hours: None,
            },
            Tenant {
                id: tenant("corner-dental"),
                name: "Corner Dental Practice".into(),
                tier: Tier::Bronze,
                notify: Vec::new(),
                escalation_policy: None,
                business_hours: None,
            },
        ],
        services: vec![
            service_config("globex-erp", "globex", Criticality::Critical, Environment::Production),
            service_config("globex-vpn", "globex", Criticality::High, Environment::Production),
            service_config("globex-erp-dr", "globex", Criticality::High, Environment::Dr),
            service_config(
                "corner-dental-network",
                "corner-dental",
                Criticality::Low,
                Environment::Production,
            ),
        ],
        integrations: Vec::new(),
        channels: vec![Channel {
            id: channel("noc-slack"),
            kind: ChannelKind::Slack { url: "http://127.0.0.1:9/slack".into() },
        }],
        grouping: Grouping { group_wait: Duration::ZERO, ..Grouping::default() },
        delivery: DeliverySettings::default(),
        public_url: "http://127.0.0.1:8080".into(),
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

/// A trigger with labels.
pub fn event(labels: &[(&str, &str)]) -> Event {
    let mut event = Event::trigger("key-1", "VPN tunnel to FRA is down");
    event.severity = Severity::Warning;
    for (name, value) in labels {
        event.labels.insert((*name).to_owned(), (*value).to_owned());
    }
    event
}

pub fn rule(id: &str, when: &str, actions: Vec<EventAction>) -> EventRuleSpec {
    RuleSpec::new(id, when, actions)
}

pub fn compile_events(rules: Vec<EventRuleSpec>) -> CompiledRules {
    match rules::compile(&rules, &[]) {
        Ok(compiled) => compiled,
        Err(diagnostics) => panic!("rules should compile: {diagnostics:#?}"),
    }
}

/// Runs the event rules for an event of `tenant`'s `service` at a fixed time.
pub fn run(
    rules: &CompiledRules,
    tenant_id: &str,
    service_id: &str,
    event: &mut Event,
) -> EventVerdict {
    let config = config();
    let (tenant, service) = (tenant(tenant_id), service(service_id));
    let ctx = EventContext { now: at(0), config: &config, tenant: &tenant, service: &service };
    rules.apply_event(&ctx, event)
}
