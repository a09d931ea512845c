//! Dedup of events into alerts, grouping of alerts into incidents, and the
//! incident lifecycle triggered → acknowledged → resolved.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use domain::{
    Alert, AlertId, AlertStatus, ChannelId, Config, Event, EventAction, Incident, IncidentId,
    IncidentStatus, Notification, NotifyReason, ServiceId, TenantId, TimelineEntry, TimelineKind,
    Timestamp,
};

use crate::priority::{self, Impact};

/// Something the outside world must do because of an input. Effects are
/// persisted in the same transaction as the state change that caused them.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Timeline(TimelineEntry),
    Notify(Notification),
}

/// What became of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventOutcome {
    /// The alert the event was deduplicated into; `None` when an acknowledge
    /// or resolve named no active alert and was ignored.
    pub alert_id: Option<AlertId>,
    pub incident_id: Option<IncidentId>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("incident {0} is not open")]
    NotOpen(IncidentId),
}

/// Rows that changed since the last [`Engine::take_changes`], in an order that
/// never violates the store's uniqueness invariants: rows that left the open
/// set come before rows that entered it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes {
    pub alerts: Vec<Alert>,
    pub incidents: Vec<Incident>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty() && self.incidents.is_empty()
    }
}

/// What the store remembers, handed back after a restart.
#[derive(Debug, Default, Clone)]
pub struct Restored {
    pub alerts: Vec<Alert>,
    pub incidents: Vec<Incident>,
    pub max_alert_id: i64,
    pub max_incident_id: i64,
}

type AlertKey = (TenantId, String);
type GroupKey = (TenantId, String);

/// The correlation engine's state: active alerts and open incidents.
pub struct Engine {
    config: Arc<Config>,
    alerts: HashMap<AlertKey, Alert>,
    incidents: HashMap<IncidentId, Incident>,
    open_by_group: HashMap<GroupKey, IncidentId>,
    /// Incidents whose opening notification waits for the group wait to end.
    pending_open: BTreeSet<(Timestamp, IncidentId)>,
    next_alert_id: i64,
    next_incident_id: i64,
    dirty_alerts: BTreeSet<AlertKey>,
    dirty_incidents: BTreeSet<IncidentId>,
    retired_alerts: Vec<Alert>,
    retired_incidents: Vec<Incident>,
}

impl Engine {
    pub fn new(config: Arc<Config>) -> Self {
        Self::restore(config, Restored::default())
    }

    /// Rebuilds the state from what the store holds: unresolved alerts and
    /// open incidents. Opening notifications that were still waiting are
    /// rescheduled, so a restart neither loses nor repeats them.
    pub fn restore(config: Arc<Config>, restored: Restored) -> Self {
        let mut engine = Self {
            config,
            alerts: HashMap::new(),
            incidents: HashMap::new(),
            open_by_group: HashMap::new(),
            pending_open: BTreeSet::new(),
            next_alert_id: restored.max_alert_id + 1,
            next_incident_id: restored.max_incident_id + 1,
            dirty_alerts: BTreeSet::new(),
            dirty_incidents: BTreeSet::new(),
            retired_alerts: Vec::new(),
            retired_incidents: Vec::new(),
        };
        for incident in restored.incidents.into_iter().filter(|i| i.status.is_open()) {
            if !incident.open_notified {
                let wait = engine.config.grouping_for(&incident.service).group_wait;
                engine.pending_open.insert((add(incident.created_at, wait), incident.id));
            }
            engine
                .open_by_group
                .insert((incident.tenant.clone(), incident.group_key.clone()), incident.id);
            engine.incidents.insert(incident.id, incident);
        }
        for alert in restored.alerts.into_iter().filter(|a| a.status != AlertStatus::Resolved) {
            engine.alerts.insert((alert.tenant.clone(), alert.dedup_key.clone()), alert);
        }
        engine
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Swaps in a new configuration; open incidents keep their group keys.
    pub fn set_config(&mut self, config: Arc<Config>) {
        self.config = config;
    }

    pub fn active_alert_count(&self) -> usize {
        self.alerts.len()
    }

    pub fn open_incident_count(&self) -> usize {
        self.incidents.len()
    }

    pub fn open_incident(&self, id: IncidentId) -> Option<&Incident> {
        self.incidents.get(&id)
    }

    pub fn open_incidents(&self) -> impl Iterator<Item = &Incident> {
        self.incidents.values()
    }

    /// When [`Engine::handle_tick`] next has work to do.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        self.pending_open.first().map(|(at, _)| *at)
    }

    /// Takes the rows changed since the last call.
    pub fn take_changes(&mut self) -> Changes {
        let mut changes = Changes {
            alerts: std::mem::take(&mut self.retired_alerts),
            incidents: std::mem::take(&mut self.retired_incidents),
        };
        for key in std::mem::take(&mut self.dirty_alerts) {
            if let Some(alert) = self.alerts.get(&key) {
                changes.alerts.push(alert.clone());
            }
        }
        for id in std::mem::take(&mut self.dirty_incidents) {
            if let Some(incident) = self.incidents.get(&id) {
                changes.incidents.push(incident.clone());
            }
        }
        changes
    }

    /// One normalised event for a tenant's service.
    pub fn handle_event(
        &mut self,
        now: Timestamp,
        tenant: &TenantId,
        service: &ServiceId,
        event: &Event,
        effects: &mut Vec<Effect>,
    ) -> EventOutcome {
        let key = (tenant.clone(), event.dedup_key.clone());
        let actor = format!("event:{}", event.source_kind.as_str());
        match event.effective_action(now) {
            EventAction::Trigger => self.trigger(now, key, service, event, &actor, effects),
            EventAction::Acknowledge => self.acknowledge_alert(now, &key, &actor, effects),
            EventAction::Resolve => self.resolve_alert(now, &key, &actor, effects),
        }
    }

    /// An operator acknowledges an incident. Acknowledging twice is a no-op.
    pub fn acknowledge(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) -> Result<(), CommandError> {
        if !self.incidents.contains_key(&id) {
            return Err(CommandError::NotOpen(id));
        }
        for key in self.alert_keys_of(id, |a| a.status == AlertStatus::Firing) {
            if let Some(alert) = self.alerts.get_mut(&key) {
                alert.status = AlertStatus::Acknowledged;
                self.dirty_alerts.insert(key);
            }
        }
        self.acknowledge_incident(now, id, actor, effects);
        Ok(())
    }

    /// An operator resolves an incident; its active alerts resolve with it.
    pub fn resolve(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) -> Result<(), CommandError> {
        if !self.incidents.contains_key(&id) {
            return Err(CommandError::NotOpen(id));
        }
        for key in self.alert_keys_of(id, |_| true) {
            if let Some(mut alert) = self.alerts.remove(&key) {
                self.dirty_alerts.remove(&key);
                alert.status = AlertStatus::Resolved;
                alert.resolved_at = Some(now);
                self.retired_alerts.push(alert);
            }
        }
        if let Some(incident) = self.incidents.get_mut(&id) {
            incident.active_alert_count = 0;
        }
        self.resolve_incident(now, id, actor, "resolved by hand".into(), effects);
        Ok(())
    }

    /// The keys of an incident's active alerts that pass `keep`. A scan of
    /// every active alert: fine for operator commands, not for the event path.
    fn alert_keys_of(&self, id: IncidentId, keep: impl Fn(&Alert) -> bool) -> Vec<AlertKey> {
        self.alerts
            .iter()
            .filter(|(_, a)| a.incident_id == id && keep(a))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Fires the timers that are due: opening notifications after the group wait.
    pub fn handle_tick(&mut self, now: Timestamp, effects: &mut Vec<Effect>) {
        while let Some(&(at, id)) = self.pending_open.first() {
            if at > now {
                break;
            }
            self.pending_open.pop_first();
            let Some(incident) = self.incidents.get_mut(&id) else { continue };
            if incident.open_notified {
                continue;
            }
            incident.open_notified = true;
            self.dirty_incidents.insert(id);
            self.notify_incident(now, id, NotifyReason::Opened, effects);
        }
    }

    fn trigger(
        &mut self,
        now: Timestamp,
        key: AlertKey,
        service: &ServiceId,
        event: &Event,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) -> EventOutcome {
        if let Some(alert) = self.alerts.get_mut(&key) {
            alert.last_seen = now;
            alert.event_count += 1;
            alert.summary.clone_from(&event.summary);
            alert.source.clone_from(&event.source);
            alert.labels.clone_from(&event.labels);
            let worse = event.severity < alert.severity;
            alert.severity = event.severity;
            let (alert_id, incident_id) = (alert.id, alert.incident_id);
            self.dirty_alerts.insert(key);
            if let Some(incident) = self.incidents.get_mut(&incident_id) {
                incident.event_count += 1;
                incident.updated_at = now;
                self.dirty_incidents.insert(incident_id);
            }
            if worse {
                self.raise_severity(now, incident_id, event, actor, effects);
            }
            return EventOutcome { alert_id: Some(alert_id), incident_id: Some(incident_id) };
        }

        let tenant = key.0.clone();
        let grouping = self.config.grouping_for(service);
        let group_key = group_key(service, &grouping.group_by, event);
        let alert_id = AlertId(self.next_alert_id);
        self.next_alert_id += 1;

        let incident_id = match self.open_by_group.get(&(tenant.clone(), group_key.clone())) {
            Some(&id) => {
                if let Some(incident) = self.incidents.get_mut(&id) {
                    incident.alert_count += 1;
                    incident.active_alert_count += 1;
                    incident.event_count += 1;
                    incident.updated_at = now;
                    self.dirty_incidents.insert(id);
                    effects.push(Effect::Timeline(entry(
                        incident,
                        now,
                        TimelineKind::AlertAttached,
                        format!("alert {alert_id} attached: {}", event.summary),
                        actor,
                    )));
                    if event.severity < incident.severity {
                        self.raise_severity(now, id, event, actor, effects);
                    }
                }
                id
            }
            None => self.open_new_incident(now, &tenant, service, group_key, event, actor, effects),
        };

        let alert = Alert {
            id: alert_id,
            tenant,
            service: service.clone(),
            incident_id,
            dedup_key: key.1.clone(),
            status: AlertStatus::Firing,
            severity: event.severity,
            summary: event.summary.clone(),
            source: event.source.clone(),
            labels: event.labels.clone(),
            first_seen: now,
            last_seen: now,
            resolved_at: None,
            event_count: 1,
        };
        self.alerts.insert(key.clone(), alert);
        self.dirty_alerts.insert(key);
        EventOutcome { alert_id: Some(alert_id), incident_id: Some(incident_id) }
    }

    #[allow(clippy::too_many_arguments)]
    fn open_new_incident(
        &mut self,
        now: Timestamp,
        tenant: &TenantId,
        service: &ServiceId,
        group_key: String,
        event: &Event,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) -> IncidentId {
        let id = IncidentId(self.next_incident_id);
        self.next_incident_id += 1;
        let (priority, priority_reason) = self.assess(tenant, service, event);
        let incident = Incident {
            id,
            tenant: tenant.clone(),
            service: service.clone(),
            group_key: group_key.clone(),
            title: event.summary.clone(),
            status: IncidentStatus::Triggered,
            severity: event.severity,
            priority,
            priority_reason: priority_reason.clone(),
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
        };
        effects.push(Effect::Timeline(entry(
            &incident,
            now,
            TimelineKind::Opened,
            format!("incident opened by alert {}: {priority_reason}", self.next_alert_id - 1),
            actor,
        )));
        let wait = self.config.grouping_for(service).group_wait;
        self.open_by_group.insert((tenant.clone(), group_key), id);
        self.incidents.insert(id, incident);
        self.dirty_incidents.insert(id);
        self.pending_open.insert((add(now, wait), id));
        if wait.is_zero() {
            self.handle_tick(now, effects);
        }
        id
    }

    fn acknowledge_alert(
        &mut self,
        now: Timestamp,
        key: &AlertKey,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) -> EventOutcome {
        let Some(alert) = self.alerts.get_mut(key) else {
            return EventOutcome { alert_id: None, incident_id: None };
        };
        alert.last_seen = now;
        alert.event_count += 1;
        alert.status = AlertStatus::Acknowledged;
        let (alert_id, incident_id) = (alert.id, alert.incident_id);
        self.dirty_alerts.insert(key.clone());
        if let Some(incident) = self.incidents.get_mut(&incident_id) {
            incident.event_count += 1;
            self.dirty_incidents.insert(incident_id);
        }
        self.acknowledge_incident(now, incident_id, actor, effects);
        EventOutcome { alert_id: Some(alert_id), incident_id: Some(incident_id) }
    }

    fn acknowledge_incident(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) {
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        if incident.status != IncidentStatus::Triggered {
            return;
        }
        incident.status = IncidentStatus::Acknowledged;
        incident.acknowledged_at = Some(now);
        incident.acknowledged_by = Some(actor.to_owned());
        incident.updated_at = now;
        let notified = incident.open_notified;
        self.dirty_incidents.insert(id);
        let message = if notified {
            format!("acknowledged by {actor}")
        } else {
            // Nobody was paged yet; paging now for something already seen helps nobody.
            incident.open_notified = true;
            format!("acknowledged by {actor} before the group wait ended: no page sent")
        };
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::Acknowledged,
            message,
            actor,
        )));
        if notified {
            self.notify_incident(now, id, NotifyReason::Acknowledged, effects);
        }
    }

    fn resolve_alert(
        &mut self,
        now: Timestamp,
        key: &AlertKey,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) -> EventOutcome {
        let Some(mut alert) = self.alerts.remove(key) else {
            return EventOutcome { alert_id: None, incident_id: None };
        };
        self.dirty_alerts.remove(key);
        alert.status = AlertStatus::Resolved;
        alert.resolved_at = Some(now);
        alert.last_seen = now;
        alert.event_count += 1;
        let (alert_id, incident_id) = (alert.id, alert.incident_id);
        let summary = alert.summary.clone();
        self.retired_alerts.push(alert);

        let Some(incident) = self.incidents.get_mut(&incident_id) else {
            return EventOutcome { alert_id: Some(alert_id), incident_id: Some(incident_id) };
        };
        incident.active_alert_count = (incident.active_alert_count - 1).max(0);
        incident.event_count += 1;
        incident.updated_at = now;
        self.dirty_incidents.insert(incident_id);
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::AlertResolved,
            format!("alert {alert_id} resolved: {summary}"),
            actor,
        )));
        let all_resolved = incident.active_alert_count == 0;
        let auto_resolve = self.config.grouping_for(&incident.service).auto_resolve;
        if all_resolved && auto_resolve {
            self.resolve_incident(now, incident_id, actor, "all alerts resolved".into(), effects);
        }
        EventOutcome { alert_id: Some(alert_id), incident_id: Some(incident_id) }
    }

    fn resolve_incident(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        actor: &str,
        cause: String,
        effects: &mut Vec<Effect>,
    ) {
        let Some(mut incident) = self.incidents.remove(&id) else { return };
        self.dirty_incidents.remove(&id);
        self.open_by_group.remove(&(incident.tenant.clone(), incident.group_key.clone()));
        incident.status = IncidentStatus::Resolved;
        incident.resolved_at = Some(now);
        incident.resolved_by = Some(actor.to_owned());
        incident.updated_at = now;
        let notified = incident.open_notified;
        let message = if notified {
            format!("resolved by {actor}: {cause}")
        } else {
            incident.open_notified = true;
            format!("resolved by {actor} before the group wait ended ({cause}): no page sent")
        };
        effects.push(Effect::Timeline(entry(
            &incident,
            now,
            TimelineKind::Resolved,
            message,
            actor,
        )));
        self.retired_incidents.push(incident);
        if notified {
            self.notify_incident(now, id, NotifyReason::Resolved, effects);
        }
    }

    /// A more severe alert joined: the incident takes its severity and title,
    /// and its priority is assessed again.
    fn raise_severity(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        event: &Event,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) {
        let severity = event.severity;
        let Some(incident) = self.incidents.get(&id) else { return };
        if severity >= incident.severity {
            return;
        }
        let (tenant, service) = (incident.tenant.clone(), incident.service.clone());
        let (priority, reason) = self.assess(&tenant, &service, event);
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        incident.severity = severity;
        incident.title.clone_from(&event.summary);
        self.dirty_incidents.insert(id);
        if priority != incident.priority {
            let message = format!("priority {} → {priority}: {reason}", incident.priority);
            incident.priority = priority;
            incident.priority_reason = reason;
            effects.push(Effect::Timeline(entry(
                incident,
                now,
                TimelineKind::PriorityChanged,
                message,
                actor,
            )));
        }
    }

    fn assess(
        &self,
        tenant: &TenantId,
        service: &ServiceId,
        event: &Event,
    ) -> (domain::Priority, String) {
        let tier = self.config.tenant(tenant).map_or(domain::Tier::Bronze, |t| t.tier);
        let (criticality, environment) = self
            .config
            .service(service)
            .map_or((domain::Criticality::Medium, domain::Environment::Production), |s| {
                (s.criticality, s.environment)
            });
        let severity = event.severity;
        let users_affected = event.labels.get("users_affected").and_then(|v| v.trim().parse().ok());
        let impact = Impact { tier, criticality, environment, severity, users_affected };
        priority::assess(&self.config.priority, impact)
    }

    /// Queues one notification per channel of the incident's service and
    /// tenant. Works for open and just-resolved incidents alike.
    fn notify_incident(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        reason: NotifyReason,
        effects: &mut Vec<Effect>,
    ) {
        let incident = self
            .incidents
            .get(&id)
            .or_else(|| self.retired_incidents.iter().rev().find(|i| i.id == id));
        let Some(incident) = incident else { return };
        let channels: Vec<ChannelId> =
            self.config.channels_for(&incident.tenant, &incident.service);
        for channel in channels {
            effects.push(Effect::Notify(Notification {
                tenant: incident.tenant.clone(),
                incident_id: id,
                channel: channel.clone(),
                reason,
                at: now,
            }));
            effects.push(Effect::Timeline(entry(
                incident,
                now,
                TimelineKind::NotificationQueued,
                format!("{} notification queued for channel {channel}", reason.as_str()),
                "engine",
            )));
        }
    }
}

fn entry(
    incident: &Incident,
    at: Timestamp,
    kind: TimelineKind,
    message: String,
    actor: &str,
) -> TimelineEntry {
    TimelineEntry {
        incident_id: incident.id,
        tenant: incident.tenant.clone(),
        at,
        kind,
        message,
        actor: actor.to_owned(),
    }
}

/// The service plus the values of the grouping labels, e.g. `acme-vpn|site=fra`.
fn group_key(service: &ServiceId, group_by: &[String], event: &Event) -> String {
    let mut key = service.as_str().to_owned();
    let values: BTreeMap<&str, &str> = group_by
        .iter()
        .map(|name| (name.as_str(), event.labels.get(name).map(String::as_str).unwrap_or_default()))
        .collect();
    for (name, value) in values {
        key.push('|');
        key.push_str(name);
        key.push('=');
        key.push_str(value);
    }
    key
}

fn add(at: Timestamp, wait: std::time::Duration) -> Timestamp {
    let wait = jiff::SignedDuration::try_from(wait).unwrap_or(jiff::SignedDuration::MAX);
    at.checked_add(wait).unwrap_or(Timestamp::MAX)
}
