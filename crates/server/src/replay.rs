//! `watchfloor replay`: recorded wire traffic through the engine on a
//! simulated clock. No store, no network, no side effects; the same input
//! always prints the same bytes.
//!
//! Each input line is what arrived on the wire:
//! `{"at": RFC 3339, "key": integration key, "kind": ingest kind, "body": payload}`
//! where `kind` is `pagerduty`, `alertmanager-api`, `alertmanager` or
//! `generic`, and `body` is the JSON payload (or a string holding it).

use std::io::{BufRead, Write};
use std::sync::Arc;

use domain::{Config, Event, IntegrationKind, SourceKind, Timestamp};
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
struct Recorded {
    at: Timestamp,
    tenant: domain::TenantId,
    service: domain::ServiceId,
    events: Vec<Event>,
}

fn parse_line(config: &Config, line_number: usize, text: &str) -> Result<Recorded, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let field = |name: &str| {
        value.get(name).and_then(Value::as_str).ok_or_else(|| format!("{name}: required string"))
    };
    let at: Timestamp =
        field("at")?.parse().map_err(|e| format!("at: not an RFC 3339 time: {e}"))?;
    let key = field("key")?;
    let kind = field("kind")?;
    let body = match value.get("body") {
        Some(Value::String(raw)) => raw.clone().into_bytes(),
        Some(other) => other.to_string().into_bytes(),
        None => return Err("body: required".into()),
    };
    let integration_kind = match kind {
        "pagerduty" => IntegrationKind::PagerDuty,
        "alertmanager" | "alertmanager-api" => IntegrationKind::Alertmanager,
        "generic" | "demo" => IntegrationKind::Generic,
        "eventbridge" => IntegrationKind::EventBridge,
        "azure" => IntegrationKind::Azure,
        "grafana" => IntegrationKind::Grafana,
        other => return Err(format!("kind: unknown ingest kind {other:?}")),
    };
    let integration = config
        .integration_by_key(key)
        .filter(|i| i.kind == integration_kind || kind == "demo")
        .ok_or("key: not an integration key of this kind in the configuration")?;
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
        _ => ingest::parse_generic(&body, at),
    }
    .map_err(|e| e.message)?;
    Ok(Recorded {
        at,
        tenant: integration.tenant.clone(),
        service: integration.service.clone(),
        events,
    })
}

fn effect_line(effect: &Effect) -> Option<Value> {
    match effect {
        Effect::Notify(n) => Some(json!({
            "type": "notification",
            "at": n.at.to_string(),
            "tenant": n.tenant.as_str(),
            "incident": n.incident_id.0,
            "channel": n.channel.as_str(),
            "reason": n.reason.as_str(),
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
        Effect::Dropped { .. } => None,
    }
}

fn write_line(out: &mut impl Write, value: &Value) -> Result<(), ReplayError> {
    writeln!(out, "{value}").map_err(ReplayError::Write)
}

/// Runs `input` through a fresh engine and writes JSON lines to `out`:
/// effects as they happen, rejected lines, then every incident at the end.
pub fn replay(
    config: Arc<Config>,
    input: impl BufRead,
    out: &mut impl Write,
) -> Result<ReplaySummary, ReplayError> {
    let mut engine = Engine::new(config.clone());
    let mut summary = ReplaySummary::default();
    let mut effects = Vec::new();
    let mut incidents = std::collections::BTreeMap::new();
    let mut previous: Option<Timestamp> = None;

    let mut flush = |engine: &mut Engine,
                     effects: &mut Vec<Effect>,
                     out: &mut dyn FnMut(&Value) -> Result<(), ReplayError>,
                     summary: &mut ReplaySummary|
     -> Result<(), ReplayError> {
        for effect in effects.drain(..) {
            if matches!(effect, Effect::Notify(_)) {
                summary.notifications += 1;
            }
            if let Some(line) = effect_line(&effect) {
                out(&line)?;
            }
        }
        for incident in engine.take_changes().incidents {
            incidents.insert(incident.id, incident);
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
                write_line(out, &json!({"type": "rejected", "line": line_number, "error": error}))?;
                continue;
            }
        };
        if let Some(previous) = previous
            && recorded.at < previous
        {
            return Err(ReplayError::OutOfOrder { line: line_number, at: recorded.at, previous });
        }
        previous = Some(recorded.at);
        // Timers that fell due before this event fire at their own time.
        while let Some(deadline) = engine.next_deadline().filter(|d| *d <= recorded.at) {
            engine.handle_tick(deadline, &mut effects);
        }
        for event in &recorded.events {
            summary.events += 1;
            engine.handle_event(
                recorded.at,
                &recorded.tenant,
                &recorded.service,
                event,
                &mut effects,
            );
        }
        flush(&mut engine, &mut effects, &mut |v| write_line(out, v), &mut summary)?;
    }
    // Let the remaining timers run out.
    while let Some(deadline) = engine.next_deadline() {
        engine.handle_tick(deadline, &mut effects);
    }
    flush(&mut engine, &mut effects, &mut |v| write_line(out, v), &mut summary)?;

    summary.incidents = incidents.len();
    for incident in incidents.values() {
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
        _ => return None,
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
