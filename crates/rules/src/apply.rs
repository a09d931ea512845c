//! Evaluating compiled rules: event rules before dedup, incident rules when an incident changes.

use std::collections::BTreeSet;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use cel::{Context, Program, Value};
use domain::{
    ChannelId, Config, Event, Incident, Labels, Priority, ServiceId, Severity, TenantId, Timestamp,
};

use crate::compile::{CompiledEventAction, CompiledEventRule, CompiledLabelValue, CompiledRules};
use crate::vars::{EventVars, IncidentChange, IncidentVars, Scope};
use domain::rules::IncidentAction;

/// Where an event is being processed.
#[derive(Debug, Clone, Copy)]
pub struct EventContext<'a> {
    pub now: Timestamp,
    /// For `tenant.*` and `service.*`, and to check that routes stay within the tenant.
    pub config: &'a Config,
    /// From the integration key, never from the payload.
    pub tenant: &'a TenantId,
    pub service: &'a ServiceId,
}

/// An incident that just opened or changed.
#[derive(Debug, Clone, Copy)]
pub struct IncidentContext<'a> {
    pub now: Timestamp,
    pub config: &'a Config,
    pub incident: &'a Incident,
    pub change: IncidentChange,
    /// `incident.labels`: the labels of the alert that opened the incident or
    /// just changed it. `None` gives an empty map.
    pub labels: Option<&'a Labels>,
}

/// A rule that could not be evaluated. The rule is skipped, as if it had not
/// matched; callers count and log these with the rule id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub rule_id: Arc<str>,
    /// What failed: `when`, `labels.NAME` or `route`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule `{}` skipped: {}: {}", self.rule_id, self.field, self.message)
    }
}

/// One change an event rule made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventEffect {
    Dropped,
    SeverityChanged {
        from: Severity,
        to: Severity,
    },
    /// `severity_from_label` found no entry for the label's value (or no label).
    SeverityNotMapped {
        label: String,
        value: Option<String>,
    },
    LabelSet {
        name: String,
        value: String,
    },
    LabelRemoved {
        name: String,
    },
    Routed {
        to: ServiceId,
    },
    SummarySet {
        summary: String,
    },
}

impl fmt::Display for EventEffect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dropped => f.write_str("dropped the event"),
            Self::SeverityChanged { from, to } => write!(f, "severity {from} → {to}"),
            Self::SeverityNotMapped { label, value: Some(value) } => {
                write!(f, "severity kept: {label}={value:?} is not in the map")
            }
            Self::SeverityNotMapped { label, value: None } => {
                write!(f, "severity kept: no label {label}")
            }
            Self::LabelSet { name, value } => write!(f, "label {name}={value:?}"),
            Self::LabelRemoved { name } => write!(f, "label {name} removed"),
            Self::Routed { to } => write!(f, "routed to service {to}"),
            Self::SummarySet { summary } => write!(f, "summary {summary:?}"),
        }
    }
}

/// An event rule that matched, and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub rule_id: Arc<str>,
    /// Only actual changes: setting a label to the value it has is not one.
    pub effects: Vec<EventEffect>,
    /// No later rule ran because of this one (`stop: true`, or a drop).
    pub stopped: bool,
}

impl fmt::Display for RuleMatch {
    /// `rule `vpn-noise` matched: dropped the event`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule `{}` matched", self.rule_id)?;
        for (i, effect) in self.effects.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { ", " })?;
            write!(f, "{effect}")?;
        }
        if self.stopped {
            f.write_str(" (stop)")?;
        }
        Ok(())
    }
}

/// What the event rules did to one event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventVerdict {
    /// In evaluation order.
    pub matched: Vec<RuleMatch>,
    pub errors: Vec<RuleError>,
    /// The rule that dropped the event; the event must not become an alert.
    pub dropped_by: Option<Arc<str>>,
    /// The service the event now belongs to, if a rule routed it.
    pub route_to: Option<ServiceId>,
}

impl EventVerdict {
    pub fn is_dropped(&self) -> bool {
        self.dropped_by.is_some()
    }
}

/// An action an incident rule asks for; the engine applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentEffect {
    pub rule_id: Arc<str>,
    pub action: IncidentAction,
}

/// What the incident rules ask for. Rules run on every change, so the engine
/// applies only what changes something (a channel already notified, a
/// priority already set, a tag already present are no-ops).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncidentVerdict {
    /// Ids of the rules that matched, in evaluation order.
    pub matched: Vec<Arc<str>>,
    /// Their actions, in order.
    pub effects: Vec<IncidentEffect>,
    pub errors: Vec<RuleError>,
}

impl IncidentVerdict {
    /// The priority to set and its explanation: the last `priority` asked for
    /// wins, as later rules refine earlier ones.
    pub fn priority(&self) -> Option<(Priority, String)> {
        self.effects.iter().rev().find_map(|effect| match &effect.action {
            IncidentAction::SetPriority { priority, reason } => {
                Some((*priority, format!("{priority}: rule `{}`: {reason}", effect.rule_id)))
            }
            _ => None,
        })
    }

    /// Extra channels to notify, each once, in the order asked for.
    pub fn channels(&self) -> Vec<&ChannelId> {
        let mut seen = BTreeSet::new();
        self.effects
            .iter()
            .filter_map(|effect| match &effect.action {
                IncidentAction::Notify(channel) if seen.insert(channel) => Some(channel),
                _ => None,
            })
            .collect()
    }

    /// Notes to add to the timeline, with the rule that wrote each.
    pub fn notes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.effects.iter().filter_map(|effect| match &effect.action {
            IncidentAction::Note(note) => Some((&*effect.rule_id, note.as_str())),
            _ => None,
        })
    }

    /// Tags, each once.
    pub fn tags(&self) -> BTreeSet<&str> {
        self.effects
            .iter()
            .filter_map(|effect| match &effect.action {
                IncidentAction::Tag(tag) => Some(tag.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// Runs a program, turning a panic inside the interpreter into an error.
fn execute(program: &Program, cel: &Context<'_, '_>) -> Result<Value, String> {
    match catch_unwind(AssertUnwindSafe(|| program.execute(cel))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("the CEL interpreter panicked".to_owned()),
    }
}

fn truth(program: &Program, cel: &Context<'_, '_>) -> Result<bool, String> {
    match execute(program, cel)? {
        Value::Bool(truth) => Ok(truth),
        other => Err(format!("must give a bool, gave {}", other.type_of())),
    }
}

/// What a matched rule will do, worked out before the event changes: if
/// anything fails here the rule is skipped whole.
struct Plan<'r> {
    rule: &'r CompiledEventRule,
    /// Values of `labels` given as CEL, in action order.
    label_values: Vec<String>,
}

impl CompiledRules {
    /// Applies the event rules in order to an event that has not been
    /// deduplicated yet. Later rules see what earlier ones changed (labels,
    /// severity, service). A rule whose evaluation fails is skipped and
    /// reported in [`EventVerdict::errors`]; it never drops the event.
    pub fn apply_event(&self, ctx: &EventContext<'_>, event: &mut Event) -> EventVerdict {
        let mut verdict = EventVerdict::default();
        let mut service: &ServiceId = ctx.service;
        let mut next = 0;
        while next < self.event_rules.len() {
            // Variables borrow the event: they are rebuilt after each change.
            let scope = Scope::lookup(ctx.config, ctx.tenant, service);
            let vars = EventVars::new(event, &scope, ctx.now, self.event_fields);
            let mut cel = self.root.new_inner_scope();
            cel.set_variable_resolver(&vars);
            let mut plan = None;
            while let Some(rule) = self.event_rules.get(next) {
                next += 1;
                match self.plan(rule, &cel, ctx, service) {
                    Ok(Some(found)) => {
                        plan = Some(found);
                        break;
                    }
                    Ok(None) => {}
                    Err(error) => verdict.errors.push(error),
                }
            }
            drop(cel);
            drop(vars);
            let Some(plan) = plan else { break };
            let stopped = apply_plan(plan, event, &mut service, &mut verdict);
            if stopped {
                break;
            }
        }
        if service != ctx.service {
            verdict.route_to = Some(service.clone());
        }
        verdict
    }

    /// Whether a rule matches and, if so, what it will do.
    fn plan<'r>(
        &self,
        rule: &'r CompiledEventRule,
        cel: &Context<'_, '_>,
        ctx: &EventContext<'_>,
        service: &ServiceId,
    ) -> Result<Option<Plan<'r>>, RuleError> {
        let error = |field: &str, message: String| RuleError {
            rule_id: Arc::clone(&rule.id),
            field: field.to_owned(),
            message,
        };
        if !truth(&rule.when, cel).map_err(|message| error("when", message))? {
            return Ok(None);
        }
        let mut label_values = Vec::new();
        for action in &rule.actions {
            match action {
                CompiledEventAction::SetLabel { name, value: CompiledLabelValue::Cel(program) } => {
                    let field = || format!("labels.{name}");
                    match execute(program, cel).map_err(|message| error(&field(), message))? {
                        Value::String(value) => label_values.push(Arc::unwrap_or_clone(value)),
                        other => {
                            let message = format!("must give a string, gave {}", other.type_of());
                            return Err(error(&field(), message));
                        }
                    }
                }
                CompiledEventAction::SetSummary(CompiledLabelValue::Cel(program)) => {
                    match execute(program, cel).map_err(|message| error("summary", message))? {
                        Value::String(value) if !value.trim().is_empty() => {
                            label_values.push(Arc::unwrap_or_clone(value));
                        }
                        Value::String(_) => {
                            return Err(error("summary", "gave an empty summary".to_owned()));
                        }
                        other => {
                            let message = format!("must give a string, gave {}", other.type_of());
                            return Err(error("summary", message));
                        }
                    }
                }
                CompiledEventAction::Route(target) if target != service => {
                    match ctx.config.service(target) {
                        None => {
                            return Err(error(
                                "route",
                                format!("no service `{target}` in the config"),
                            ));
                        }
                        Some(found) if &found.tenant != ctx.tenant => {
                            let message = format!(
                                "service `{target}` belongs to tenant `{}`, not `{}`: events never cross tenants",
                                found.tenant, ctx.tenant
                            );
                            return Err(error("route", message));
                        }
                        Some(_) => {}
                    }
                }
                _ => {}
            }
        }
        Ok(Some(Plan { rule, label_values }))
    }

    /// Applies the incident rules in order to an incident that just opened or
    /// changed, and returns what they ask for.
    pub fn apply_incident(&self, ctx: &IncidentContext<'_>) -> IncidentVerdict {
        let mut verdict = IncidentVerdict::default();
        if self.incident_rules.is_empty() {
            return verdict;
        }
        let incident = ctx.incident;
        let scope = Scope::lookup(ctx.config, &incident.tenant, &incident.service);
        let vars = IncidentVars::new(incident, ctx.labels, ctx.change, &scope, ctx.now);
        let mut cel = self.root.new_inner_scope();
        cel.set_variable_resolver(&vars);
        for rule in &self.incident_rules {
            match truth(&rule.when, &cel) {
                Err(message) => verdict.errors.push(RuleError {
                    rule_id: Arc::clone(&rule.id),
                    field: "when".to_owned(),
                    message,
                }),
                Ok(false) => {}
                Ok(true) => {
                    verdict.matched.push(Arc::clone(&rule.id));
                    verdict.effects.extend(rule.actions.iter().map(|action| IncidentEffect {
                        rule_id: Arc::clone(&rule.id),
                        action: action.clone(),
                    }));
                    if rule.stop {
                        break;
                    }
                }
            }
        }
        verdict
    }
}

/// Changes the event as planned; returns whether evaluation stops here.
fn apply_plan<'r>(
    plan: Plan<'r>,
    event: &mut Event,
    service: &mut &'r ServiceId,
    verdict: &mut EventVerdict,
) -> bool {
    let rule = plan.rule;
    let mut label_values = plan.label_values.into_iter();
    let mut effects = Vec::new();
    let mut dropped = false;
    for action in &rule.actions {
        match action {
            CompiledEventAction::Drop => {
                effects.push(EventEffect::Dropped);
                dropped = true;
            }
            CompiledEventAction::SetSeverity(severity) => {
                set_severity(event, *severity, &mut effects)
            }
            CompiledEventAction::MapSeverity { label, map } => {
                let value = event.labels.get(label);
                match value.and_then(|value| map.get(value)) {
                    Some(severity) => set_severity(event, *severity, &mut effects),
                    None => effects.push(EventEffect::SeverityNotMapped {
                        label: label.clone(),
                        value: value.cloned(),
                    }),
                }
            }
            CompiledEventAction::SetLabel { name, value } => {
                let value = match value {
                    CompiledLabelValue::Literal(text) => text.clone(),
                    CompiledLabelValue::Cel(_) => label_values.next().unwrap_or_default(),
                };
                if event.labels.get(name) != Some(&value) {
                    event.labels.insert(name.clone(), value.clone());
                    effects.push(EventEffect::LabelSet { name: name.clone(), value });
                }
            }
            CompiledEventAction::SetSummary(value) => {
                let summary = match value {
                    CompiledLabelValue::Literal(text) => text.clone(),
                    CompiledLabelValue::Cel(_) => label_values.next().unwrap_or_default(),
                };
                if event.summary != summary {
                    event.summary.clone_from(&summary);
                    effects.push(EventEffect::SummarySet { summary });
                }
            }
            CompiledEventAction::RemoveLabel(name) => {
                if event.labels.remove(name).is_some() {
                    effects.push(EventEffect::LabelRemoved { name: name.clone() });
                }
            }
            CompiledEventAction::Route(target) => {
                if *service != target {
                    *service = target;
                    effects.push(EventEffect::Routed { to: target.clone() });
                }
            }
        }
    }
    let stopped = dropped || rule.stop;
    if dropped {
        verdict.dropped_by = Some(Arc::clone(&rule.id));
    }
    verdict.matched.push(RuleMatch { rule_id: Arc::clone(&rule.id), effects, stopped });
    stopped
}

fn set_severity(event: &mut Event, severity: Severity, effects: &mut Vec<EventEffect>) {
    if event.severity != severity {
        effects.push(EventEffect::SeverityChanged { from: event.severity, to: severity });
        event.severity = severity;
    }
}
