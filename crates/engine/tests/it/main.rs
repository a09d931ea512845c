//! Engine behaviour under virtual time: scripts of inputs, exact expectations.

extern crate watchfloor_engine as engine;

mod lifecycle;
mod oncall;
mod paging;
mod paging_edges;
mod properties;
mod triage;

use std::sync::Arc;
use std::time::Duration;

use domain::{
    Channel, ChannelId, ChannelKind, Config, Criticality, DeliverySettings, Environment, Event,
    EventAction, Grouping, PriorityMatrix, Service, ServiceId, Severity, Tenant, TenantId, Tier,
    Timestamp,
};
use engine::{Effect, Engine};

pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + seconds).expect("in range")
}

pub fn tenant(id: &str) -> TenantId {
    TenantId::parse(id).expect("valid tenant id")
}

pub fn service(id: &str) -> ServiceId {
    ServiceId::parse(id).expect("valid service id")
}

/// Two tenants: a platinum multinational and a bronze small office.
pub fn config(group_wait: Duration, group_by: &[&str]) -> Arc<Config> {
    let hook = ChannelId::parse("noc-webhook").expect("valid");
    Arc::new(Config {
        tenants: vec![
            Tenant {
                id: tenant("acme"),
                name: "Acme".into(),
                tier: Tier::Platinum,
                notify: vec![hook.clone()],
                escalation_policy: None,
                business_hours: None,
            },
            Tenant {
                id: tenant("corner"),
                name: "Corner Shop".into(),
                tier: Tier::Bronze,
                notify: vec![],
                escalation_policy: None,
                business_hours: None,
            },
        ],
        services: vec![
            Service {
                id: service("acme-vpn"),
                tenant: tenant("acme"),
                name: "VPN".into(),
                criticality: Criticality::High,
                environment: Environment::Production,
                notify: vec![],
                group_by: None,
                group_wait: None,
                auto_resolve: None,
                escalation_policy: None,
                acknowledge_timeout: None,
                off_hours_paging: None,
            },
            Service {
                id: service("corner-printer"),
                tenant: tenant("corner"),
                name: "Printer".into(),
                criticality: Criticality::Low,
                environment: Environment::Production,
                notify: vec![hook.clone()],
                group_by: None,
                group_wait: None,
                auto_resolve: Some(false),
                escalation_policy: None,
                acknowledge_timeout: None,
                off_hours_paging: None,
            },
        ],
        integrations: vec![],
        channels: vec![Channel {
            id: hook,
            kind: ChannelKind::Webhook { url: "http://127.0.0.1:9/hook".into(), headers: vec![] },
        }],
        grouping: Grouping {
            group_by: group_by.iter().map(|s| s.to_string()).collect(),
            group_wait,
            auto_resolve: true,
            ..Grouping::default()
        },
        delivery: DeliverySettings::default(),
        public_url: "http://127.0.0.1:8080".into(),
        users: vec![],
        schedules: vec![],
        escalation_policies: vec![],
        priority: PriorityMatrix::default(),
        rules: Default::default(),
        maintenance: Vec::new(),
        inhibit: Vec::new(),
        sla: Vec::new(),
        escalation_by_tier: Default::default(),
    })
}

pub fn event(action: EventAction, dedup_key: &str, severity: Severity) -> Event {
    let mut event = Event::trigger(dedup_key, format!("problem {dedup_key}"));
    event.action = action;
    event.severity = severity;
    event
}

/// Feeds one event for `acme-vpn` and returns the effects.
pub fn feed(engine: &mut Engine, now: Timestamp, event: &Event) -> Vec<Effect> {
    let mut effects = Vec::new();
    engine.handle_event(now, &tenant("acme"), &service("acme-vpn"), event, &mut effects);
    effects
}

pub fn notifications(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Notify(n) => {
                Some(format!("{} #{} {}", n.channel, n.incident_id, n.reason.as_str()))
            }
            _ => None,
        })
        .collect()
}
