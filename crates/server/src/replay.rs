//! `watchfloor replay`: recorded wire traffic through the engine on a
//! simulated clock. No store, no network, no side effects; the same input
//! always prints the same bytes.
//!
//! Each input line is what arrived on the wire:
//! `{"at": RFC 3339, "key": integration key, "kind": ingest kind, "body": payload}`
//! where `kind` is `pagerduty`, `alertmanager-api`, `alertmanager`,
//! `generic`, `eventbridge`, `azure`, `grafana`, `sns` (an envelope whose
//! signature was checked when it arrived: it is not checked again) or
//! `cloudtrail` (a CloudTrail record or log file, with the key of an
//! `eventbridge` integration), and `body` is the JSON payload (or a string
//! holding it).
//!
//! [`Simulation`] is the engine on that clock; `watchfloor test rules`
//! (`crate::ruletest`) runs the same lines through it with [`simulate`].

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::Arc;

use domain::{Config, Event, Incident, IncidentId, IntegrationKind, SourceKind, Timestamp};
use engine::{Effect, Engine};
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("reading the events failed: {0}")]
    Read(std::io::Error),
    #[error("writing the output failed: {0}")]
    Write(std::io::Error),
    #[error("line {line}: events must be in time order ({at} is before {previous})")]
    OutOfOrder { line: usize, at: Timestamp, previous: Timestamp },
}

/// What a replay found, besides what it printed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReplaySummary {
    pub lines: usize,
    pub events: usize,
    pub rejected: usize,
    pub incidents: usize,
    pub notifications: usize,
}

/// One recorded request, parsed into the events it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub at: Timestamp,
    pub tenant: domain::TenantId,
    pub service: domain::ServiceId,
    pub events: Vec<Event>,
}

fn parse_line(config: &Config, line_number: usize, text: &str) -> Result<Recorded, LineError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| LineError { field: None, message: format!("not JSON: {e}") })?;
    parse_recorded(config, line_number, &value)
}

/// Why a replay line was not accepted: the field at fault and what is wrong
/// with it. `field` is `None` when the payload itself was refused by its
/// parser, or the line is not JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", field.map(|f| format!("{f}: ")).unwrap_or_default())]
pub struct LineError {
    pub field: Option<&'static str>,
    pub message: String,
}

impl LineError {
    fn at(field: &'static str, message: impl Into<String>) -> Self {
        Self { field: Some(field), message: message.into() }
    }
}

/// One replay line as JSON (`at`, `key`, `kind`, `body`) into the events it
/// carries, for the tenant and service of its integration key. A trigger
/// without a dedup key gets `replay-{line_number}-{n}`, so runs repeat.
pub fn parse_recorded(
    config: &Config,
    line_number: usize,
    value: &Value,
) -> Result<Recorded, LineError> {
    let field = |name: &'static str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| LineError::at(name, "required string"))
    };
    let at: Timestamp = field("at")?
        .parse()
        .map_err(|e| LineError::at("at", format!("not an RFC 3339 time: {e}")))?;
    let key = field("key")?;
    let kind = field("kind")?;
    let body = match value.get("body") {
        Some(Value::String(raw)) => raw.clone().into_bytes(),
        Some(other) => other.to_string().into_bytes(),
        None => return Err(LineError::at("body", "required")),
    };
    let integration_kind = match kind {
        "pagerduty" => IntegrationKind::PagerDuty,
        "alertmanager" | "alertmanager-api" => IntegrationKind::Alertmanager,
        "generic" | "demo" => IntegrationKind::Generic,
        "eventbridge" => IntegrationKind::EventBridge,
        "azure" => IntegrationKind::Azure,
        "grafana" => IntegrationKind::Grafana,
        "sns" => IntegrationKind::Sns,
        // Raw CloudTrail records reach Watchfloor through EventBridge.
        "cloudtrail" => IntegrationKind::EventBridge,
        other => return Err(LineError::at("kind", format!("unknown ingest kind {other:?}"))),
    };
    let integration = config
        .integration_by_key(key)
        .filter(|i| i.kind == integration_kind || kind == "demo")
        .ok_or_else(|| {
            LineError::at("key", "not an integration key of this kind in the configuration")
        })?;
    // A trigger without a dedup key gets one derived from its position, so replays repeat.
    let mut counter = 0;
    let mut fresh = || {
        counter += 1;
        format!("replay-{line_number}-{counter}")
    };
    let events = match kind {
        "pagerduty" => ingest::parse_pagerduty(&body, at, &mut fresh).map(|p| vec![p.event]),
        "alertmanager-api" => ingest::parse_alertmanager_api(&body, at),
        "alertmanager" => ingest::parse_alertmanager_webhook(&body, at),
        "eventbridge" => crate::http::parse_hook(SourceKind::EventBridge, &body, at),
        "azure" => crate::http::parse_hook(SourceKind::Azure, &body, at),
        "grafana" => crate::http::parse_hook(SourceKind::Grafana, &body, at),
        // Recorded after its signature was verified: it is not verified again.
        "sns" => ingest::parse_sns(None, &body, at, &ingest::CloudWatchOptions::default()).map(
            |parsed| match parsed {
                ingest::SnsParsed::Notification { events, .. } => events,
                _ => Vec::new(),
            },
        ),
        "cloudtrail" => cloudtrail_events(&body, at),
        _ => ingest::parse_generic(&body, at),
    }
    .map_err(|e| LineError { field: None, message: e.message })?;
    Ok(Recorded {
        at,
        tenant: integration.tenant.clone(),
        service: integration.service.clone(),
        events,
    })
}

/// A CloudTrail log file (`{"Records": [...]}` or an array) or one record.
fn cloudtrail_events(
    body: &[u8],
    at: Timestamp,
) -> Result<Vec<domain::Event>, ingest::IngestError> {
    let records = ingest::parse_cloudtrail_records(body, at)?;
    Ok(records.into_iter().map(|record| record.event).collect())
}

/// An effect as `watchfloor replay` prints it (`type` says which); `None`
/// for effects it does not print.
pub fn effect_line(effect: &Effect) -> Option<Value> {
    match effect {
        Effect::Notify(n) => Some(json!({
            "type": "notification",
            "at": n.at.to_string(),
            "tenant": n.tenant.as_str(),
            "incident": n.incident_id.0,
            "channel": n.channel.as_str(),
            "reason": n.reason.as_str(),
            "page": n.page.as_ref().map(|page| json!({
                "policy": page.policy.as_str(),
                "tier": page.tier + 1,
                "round": page.round + 1,
                "user": page.user.as_ref().map(|user| user.as_str()),
                "via": page.via,
            })),
        })),
        Effect::Timeline(t) => Some(json!({
            "type": "timeline",
            "at": t.at.to_string(),
            "tenant": t.tenant.as_str(),
            "incident": t.incident_id.0,
            "kind": t.kind.as_str(),
            "message": t.message,
        })),
        Effect::RuleFailed { tenant, rule, message } => Some(json!({
            "type": "rule_error",
            "tenant": tenant.as_str(),
            "rule": &**rule,
            "message": message,
        })),
        Effect::SlaBreached { tenant, incident, target, tier } => Some(json!({
            "type": "sla_breach",
            "tenant": tenant.as_str(),
            "incident": incident.0,
            "target": target,
            "tier": tier,
        })),
        Effect::Dropped { .. } => None,
    }
}

fn write_line(out: &mut (impl Write + ?Sized), value: &Value) -> Result<(), ReplayError> {
    writeln!(out, "{value}").map_err(ReplayError::Write)
}

/// The engine on a simulated clock: recorded requests in, effects and every
/// incident's latest state out. Timers fire at their own time, before any
/// later request; time never runs backwards.
pub struct Simulation {
    engine: Engine,
    now: Option<Timestamp>,
    incidents: BTreeMap<IncidentId, Incident>,
}

/// A request or a clock move earlier than what the simulation already handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{at} is before {previous}")]
pub struct OutOfOrder {
    pub at: Timestamp,
    pub previous: Timestamp,
}

impl Simulation {
    pub fn new(config: Arc<Config>) -> Self {
        Self { engine: Engine::new(config), now: None, incidents: BTreeMap::new() }
    }

    /// Fires the timers due by `recorded.at`, then hands its events to the
    /// engine at that time. Returns how many events it carried.
    pub fn record(
        &mut self,
        recorded: &Recorded,
        effects: &mut Vec<Effect>,
    ) -> Result<usize, OutOfOrder> {
        self.advance_to(recorded.at, effects)?;
        for event in &recorded.events {
            self.engine.handle_event(
                recorded.at,
                &recorded.tenant,
                &recorded.service,
                event,
                effects,
            );
        }
        self.collect();
        Ok(recorded.events.len())
    }

    /// Moves the clock to `until`, firing every timer due by then at its own time.
    pub fn advance_to(
        &mut self,
        until: Timestamp,
        effects: &mut Vec<Effect>,
    ) -> Result<(), OutOfOrder> {
        if let Some(previous) = self.now
            && until < previous
        {
            return Err(OutOfOrder { at: until, previous });
        }
        while let Some(deadline) = self.engine.next_deadline().filter(|d| *d <= until) {
            self.engine.handle_tick(deadline, effects);
        }
        self.now = Some(until);
        self.collect();
        Ok(())
    }

    /// Fires every remaining timer, each at its own time.
    pub fn run_out(&mut self, effects: &mut Vec<Effect>) {
        while let Some(deadline) = self.engine.next_deadline() {
            self.engine.handle_tick(deadline, effects);
            self.now = self.now.max(Some(deadline));
        }
        self.collect();
    }

    /// Every incident the engine opened, in id order, as it stands now.
    pub fn incidents(&self) -> impl Iterator<Item = &Incident> {
        self.incidents.values()
    }

    fn collect(&mut self) {
        for incident in self.engine.take_changes().incidents {
            self.incidents.insert(incident.id, incident);
        }
    }
}

/// What [`simulate`] saw: every effect in the order the engine produced it
/// (notifications and timeline entries carry their simulated time), and
/// every incident in id order, as it stood at the end.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulated {
    pub effects: Vec<Effect>,
    pub incidents: Vec<Incident>,
}

/// Runs `requests` (in time order) through a fresh engine, then the clock on
/// to `until`, or until no timer is left when `until` is `None`.
pub fn simulate(
    config: Arc<Config>,
    requests: &[Recorded],
    until: Option<Timestamp>,
) -> Result<Simulated, OutOfOrder> {
    let mut simulation = Simulation::new(config);
    let mut effects = Vec::new();
    for recorded in requests {
        simulation.record(recorded, &mut effects)?;
    }
    match until {
        Some(until) => simulation.advance_to(until, &mut effects)?,
        None => simulation.run_out(&mut effects),
    }
    Ok(Simulated { effects, incidents: simulation.incidents().cloned().collect() })
}

/// Runs `input` through a fresh engine and writes JSON lines to `out`:
/// effects as they happen, rejected lines, then every incident at the end.
pub fn replay(
    config: Arc<Config>,
    input: impl BufRead,
    out: &mut impl Write,
) -> Result<ReplaySummary, ReplayError> {
    let mut simulation = Simulation::new(config.clone());
    let mut summary = ReplaySummary::default();
    let mut effects = Vec::new();

    let flush = |effects: &mut Vec<Effect>,
                 out: &mut dyn Write,
                 summary: &mut ReplaySummary|
     -> Result<(), ReplayError> {
        for effect in effects.drain(..) {
            if matches!(effect, Effect::Notify(_)) {
                summary.notifications += 1;
            }
            if let Some(line) = effect_line(&effect) {
                write_line(out, &line)?;
            }
        }
        Ok(())
    };

    for (index, line) in input.lines().enumerate() {
        let line = line.map_err(ReplayError::Read)?;
        let line_number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        summary.lines += 1;
        let recorded = match parse_line(&config, line_number, &line) {
            Ok(recorded) => recorded,
            Err(error) => {
                summary.rejected += 1;
                let error = error.to_string();
                write_line(out, &json!({"type": "rejected", "line": line_number, "error": error}))?;
                continue;
            }
        };
        summary.events += simulation.record(&recorded, &mut effects).map_err(|order| {
            ReplayError::OutOfOrder { line: line_number, at: order.at, previous: order.previous }
        })?;
        flush(&mut effects, out, &mut summary)?;
    }
    simulation.run_out(&mut effects);
    flush(&mut effects, out, &mut summary)?;

    for incident in simulation.incidents() {
        summary.incidents += 1;
        let mut line = crate::http::incident_json(incident);
        line["type"] = json!("incident");
        write_line(out, &line)?;
    }
    Ok(summary)
}

/// The export format: one recorded request as a replay line.
pub fn export_line(
    config: &Config,
    tenant: &domain::TenantId,
    service: &domain::ServiceId,
    source_kind: &str,
    received_at: Timestamp,
    body: &str,
) -> Option<Value> {
    let kind = SourceKind::parse(source_kind)?;
    let integration_kind = match kind {
        SourceKind::PagerDuty => IntegrationKind::PagerDuty,
        SourceKind::AlertmanagerApi | SourceKind::AlertmanagerWebhook => {
            IntegrationKind::Alertmanager
        }
        SourceKind::Generic | SourceKind::Demo => IntegrationKind::Generic,
        SourceKind::EventBridge => IntegrationKind::EventBridge,
        SourceKind::Azure => IntegrationKind::Azure,
        SourceKind::Grafana => IntegrationKind::Grafana,
        SourceKind::Sns => IntegrationKind::Sns,
        // Imported CloudTrail files replay with the key of an EventBridge integration.
        SourceKind::CloudTrail => IntegrationKind::EventBridge,
    };
    let integration = config
        .integrations
        .iter()
        .find(|i| &i.tenant == tenant && &i.service == service && i.kind == integration_kind)?;
    let body: Value = serde_json::from_str(body).ok()?;
    let kind = if kind == SourceKind::Demo { "generic" } else { kind.as_str() };
    Some(json!({
        "at": received_at.to_string(),
        "key": integration.key.expose(),
        "kind": kind,
        "body": body,
    }))
}
