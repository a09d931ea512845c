//! Dedup of events into alerts, grouping of alerts into incidents, and the
//! incident lifecycle triggered → acknowledged → resolved.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use domain::suppression::{Matcher, Silence};
use domain::{
    Alert, AlertId, AlertStatus, ChannelId, Config, Event, EventAction, Incident, IncidentId,
    IncidentStatus, Labels, Notification, NotifyReason, ServiceId, SilenceId, SourceKind, TenantId,
    TimelineEntry, TimelineKind, Timestamp,
};
use rules::{CompiledRules, EventContext, IncidentChange, IncidentContext};

use crate::priority::{self, Impact};

mod active;
mod inhibit;
mod paging;

use active::{Active, ActiveAlerts, ActiveRow, Handle};
use paging::Timer;

/// How long drops by event rules are counted before the incident's timeline
/// says so in one line ("rule `vpn-noise` dropped 14 events").
const DROP_SUMMARY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// Something the outside world must do because of an input. Effects are
/// persisted in the same transaction as the state change that caused them.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Timeline(TimelineEntry),
    Notify(Notification),
    /// A rule failed to evaluate and was skipped; the edge counts and logs it.
    RuleFailed {
        tenant: TenantId,
        rule: Arc<str>,
        message: String,
    },
    /// An event rule dropped an event; the edge counts it.
    Dropped {
        tenant: TenantId,
        rule: Arc<str>,
    },
    /// An SLA target was missed; the edge counts it.
    SlaBreached {
        tenant: TenantId,
        incident: IncidentId,
        /// `acknowledge` or `resolve`.
        target: &'static str,
        /// The tenant's tier.
        tier: &'static str,
    },
}

/// What became of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventOutcome {
    /// The alert the event was deduplicated into; `None` when an acknowledge
    /// or resolve named no active alert and was ignored.
    pub alert_id: Option<AlertId>,
    pub incident_id: Option<IncidentId>,
    /// The event changed nothing but its alert's `last_seen` and
    /// `event_count`: a re-send of an active alert with the same severity,
    /// summary, source and labels (as Prometheus re-sends every firing alert
    /// every minute or so). Its raw payload is the record of it.
    pub repeat: bool,
}

impl EventOutcome {
    const NONE: Self = Self { alert_id: None, incident_id: None, repeat: false };

    /// The event opened, changed, acknowledged or resolved this alert.
    fn of(alert_id: AlertId, incident_id: IncidentId) -> Self {
        Self { alert_id: Some(alert_id), incident_id: Some(incident_id), repeat: false }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("incident {0} is not open")]
    NotOpen(IncidentId),
    #[error("no silence {0}")]
    NoSilence(SilenceId),
    #[error("silence {0} has already expired")]
    SilenceExpired(SilenceId),
    #[error("{0}")]
    Invalid(String),
}

/// A silence as an operator asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSilence {
    pub tenant: TenantId,
    pub matchers: Vec<Matcher>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub created_by: String,
    pub comment: String,
}

/// Rows that changed since the last [`Engine::take_changes`], in an order that
/// never violates the store's uniqueness invariants: rows that left the open
/// set come before rows that entered it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes {
    pub alerts: Vec<Alert>,
    pub incidents: Vec<Incident>,
    /// Created or expired silences.
    pub silences: Vec<Silence>,
    /// Alerts re-sent unchanged, oldest first (an alert may repeat): their
    /// rows are not in `alerts` but in a later [`Engine::take_touched`].
    pub touched: Vec<AlertTouch>,
    /// The summary an alert of `alerts` attached with, when an event since
    /// the last take changed it (its "attached" line tells of the first).
    /// The store keeps the first it is given for an alert.
    pub attached_summaries: HashMap<AlertId, String>,
}

/// An alert re-sent unchanged: what moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertTouch {
    pub alert_id: AlertId,
    pub last_seen: Timestamp,
    pub event_count: i64,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
            && self.incidents.is_empty()
            && self.silences.is_empty()
            && self.touched.is_empty()
    }
}

/// What the store remembers, handed back after a restart.
#[derive(Debug, Default, Clone)]
pub struct Restored {
    pub alerts: Vec<Alert>,
    pub incidents: Vec<Incident>,
    pub max_alert_id: i64,
    pub max_incident_id: i64,
    /// Silences that have not ended.
    pub silences: Vec<Silence>,
    pub max_silence_id: i64,
}

/// Recent state changes of one alert, for flapping detection.
#[derive(Debug, Clone)]
struct Flap {
    changes: VecDeque<Timestamp>,
    flapping: bool,
    incident: IncidentId,
}

type AlertKey = (TenantId, String);

/// The value in `set` equal to `value` (cheap to clone: ids share their
/// string), keeping `value` there when it is the first.
fn shared<T: Clone + Eq + std::hash::Hash>(set: &mut HashSet<T>, value: T) -> T {
    if let Some(kept) = set.get(&value) {
        return kept.clone();
    }
    set.insert(value.clone());
    value
}

type GroupKey = (TenantId, String);

/// The maps every event looks up: hashed with foldhash, faster than the
/// standard SipHash for keys of this size. Its seeds are random per map,
/// but it does not claim SipHash's resistance to keys crafted to collide;
/// the keys come from integrations, each behind its own secret key.
type FastMap<K, V> = HashMap<K, V, foldhash::quality::RandomState>;

/// The correlation engine's state: active alerts and open incidents.
pub struct Engine {
    config: Arc<Config>,
    rules: Arc<CompiledRules>,
    has_event_rules: bool,
    alerts: ActiveAlerts,
    /// The active alerts that can inhibit others, per inhibition rule.
    inhibitors: inhibit::Inhibitors,
    /// The dedup keys of each open incident's active alerts.
    members: FastMap<IncidentId, BTreeSet<String>>,
    silences: BTreeMap<SilenceId, Silence>,
    next_silence_id: i64,
    dirty_silences: Vec<Silence>,
    /// Open incidents whose opening page is held back, to look at again
    /// when a silence or window ends or an inhibiting alert resolves.
    held: BTreeSet<IncidentId>,
    /// When something that holds pages ends.
    recheck_at: BTreeSet<Timestamp>,
    /// Events dropped by rules, per incident they would have joined, not yet on its timeline.
    drops: BTreeMap<(IncidentId, TenantId, Arc<str>), u64>,
    drops_due: Option<Timestamp>,
    flaps: FastMap<AlertKey, Flap>,
    /// When each flap record is next looked at: forgotten or flapping ended.
    flap_due: BTreeSet<(Timestamp, AlertKey)>,
    incidents: FastMap<IncidentId, Incident>,
    open_by_group: FastMap<GroupKey, IncidentId>,
    /// Incidents whose opening notification waits for the group wait to end.
    pending_open: BTreeSet<(Timestamp, IncidentId)>,
    /// Escalation, acknowledgement-expiry and SLA timers of open incidents.
    timers: BTreeSet<(Timestamp, IncidentId, Timer)>,
    next_alert_id: i64,
    next_incident_id: i64,
    /// Incident rules to run once the alert being handled is in place.
    pending_rules: Option<(IncidentId, IncidentChange)>,
    /// The active alerts whose rows go out with the next changes, marked
    /// once each (see [`Active::mark_dirty`]); a handle whose alert has
    /// since been removed finds nothing and is skipped.
    dirty_alerts: Vec<Handle>,
    /// How many active alerts are `touched`.
    touched_count: usize,
    /// The touched alerts in the order they were first touched, with when
    /// (an entry whose alert is no longer touched is skipped).
    touched_order: VecDeque<(Timestamp, Handle)>,
    /// The re-sends since [`Engine::take_changes`].
    touches: Vec<AlertTouch>,
    dirty_incidents: BTreeSet<IncidentId>,
    /// Incidents whose active alerts [`Engine::finish_restore`] counts again.
    recount: BTreeSet<IncidentId>,
    retired_alerts: Vec<Alert>,
    retired_incidents: Vec<Incident>,
    /// See [`Changes::attached_summaries`]. Only alerts whose summary
    /// changed after they attached, until their rows are taken.
    attached_summaries: HashMap<AlertId, String>,
}

impl Engine {
    pub fn new(config: Arc<Config>) -> Self {
        Self::restore(config, Restored::default())
    }

    /// Rebuilds the state from what the store holds: unresolved alerts and
    /// open incidents. Opening notifications that were still waiting are
    /// rescheduled, so a restart neither loses nor repeats them.
    pub fn restore(config: Arc<Config>, restored: Restored) -> Self {
        let rules = Arc::new(compile_rules(&config));
        let has_event_rules = rules.event_rule_ids().next().is_some();
        let mut engine = Self {
            config,
            has_event_rules,
            rules,
            alerts: ActiveAlerts::default(),
            inhibitors: inhibit::Inhibitors::default(),
            members: FastMap::default(),
            silences: BTreeMap::new(),
            next_silence_id: restored.max_silence_id + 1,
            dirty_silences: Vec::new(),
            held: BTreeSet::new(),
            recheck_at: BTreeSet::new(),
            drops: BTreeMap::new(),
            drops_due: None,
            flaps: FastMap::default(),
            flap_due: BTreeSet::new(),
            incidents: FastMap::default(),
            open_by_group: FastMap::default(),
            pending_open: BTreeSet::new(),
            timers: BTreeSet::new(),
            next_alert_id: restored.max_alert_id + 1,
            next_incident_id: restored.max_incident_id + 1,
            pending_rules: None,
            dirty_alerts: Vec::new(),
            touched_count: 0,
            touched_order: VecDeque::new(),
            touches: Vec::new(),
            dirty_incidents: BTreeSet::new(),
            recount: BTreeSet::new(),
            retired_alerts: Vec::new(),
            retired_incidents: Vec::new(),
            attached_summaries: HashMap::new(),
        };
        for silence in restored.silences {
            engine.recheck_at.insert(silence.end());
            engine.silences.insert(silence.id, silence);
        }
        for incident in restored.incidents.into_iter().filter(|i| i.status.is_open()) {
            if !incident.open_notified {
                let wait = engine.config.grouping_for(&incident.service).group_wait;
                engine.pending_open.insert((add(incident.created_at, wait), incident.id));
            }
            engine
                .open_by_group
                .insert((incident.tenant.clone(), incident.group_key.clone()), incident.id);
            let id = incident.id;
            engine.incidents.insert(id, incident);
            engine.restore_timers(id);
        }
        // A duplicate it resolves goes out with the next commit all the same.
        let _superseded = engine.restore_alerts(restored.alerts);
        engine.finish_restore();
        engine
    }

    /// Adds active alerts read back from the store to an engine just made by
    /// [`Engine::restore`], so that a million of them can be read a page at a
    /// time rather than all held twice, as rows and as the engine's own;
    /// [`Engine::finish_restore`] once they are all in. Resolved ones are
    /// skipped.
    ///
    /// Pages come in id order. Should two unresolved alerts share a tenant
    /// and key (the engine never makes that, and the store does not check
    /// it), the later one stays active and the earlier is resolved as of the
    /// later one's `first_seen` (or its own `last_seen`, if that is later),
    /// to be written with the next commit, and [`Engine::finish_restore`]
    /// recounts the active alerts of their incidents; their ids are
    /// returned, earlier first, so that the caller can say so.
    pub fn restore_alerts(&mut self, alerts: Vec<Alert>) -> Vec<(AlertId, AlertId)> {
        // One copy of each tenant and service id for all the alerts of a
        // page, as when they arrive live (a copy per page is a few bytes per
        // thousand alerts).
        let (mut tenants, mut services) = (HashSet::new(), HashSet::new());
        let mut superseded = Vec::new();
        for mut alert in alerts.into_iter().filter(|a| a.status != AlertStatus::Resolved) {
            alert.tenant = shared(&mut tenants, alert.tenant);
            alert.service = shared(&mut services, alert.service);
            let key = (alert.tenant.clone(), alert.dedup_key.clone());
            if self.alerts.contains_key(&key) {
                let resolved_at = alert.first_seen;
                if let Some((mut earlier, _)) = self.remove_alert(&key) {
                    superseded.push((earlier.id, alert.id));
                    self.recount.extend([earlier.incident_id, alert.incident_id]);
                    earlier.status = AlertStatus::Resolved;
                    earlier.resolved_at = Some(resolved_at.max(earlier.last_seen));
                    self.retired_alerts.push(earlier);
                }
            }
            self.members.entry(alert.incident_id).or_default().insert(alert.dedup_key.clone());
            let labels = std::mem::take(&mut alert.labels);
            self.alerts.insert(self.alerts.make(alert, &labels));
        }
        superseded
    }

    /// Indexes the alerts [`Engine::restore_alerts`] added under the
    /// inhibition rules, and recounts the active alerts of incidents that
    /// had two for one key.
    pub fn finish_restore(&mut self) {
        self.rebuild_inhibitors();
        for id in std::mem::take(&mut self.recount) {
            let active = self.members.get(&id).map_or(0, BTreeSet::len);
            if let Some(incident) = self.incidents.get_mut(&id) {
                incident.active_alert_count = i64::try_from(active).unwrap_or(i64::MAX);
                self.dirty_incidents.insert(id);
            }
        }
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Swaps in a new configuration; open incidents keep their group keys.
    pub fn set_config(&mut self, config: Arc<Config>) {
        let rules = Arc::new(compile_rules(&config));
        self.has_event_rules = rules.event_rule_ids().next().is_some();
        self.rules = rules;
        self.config = config;
        self.rebuild_inhibitors();
    }

    /// Indexes the active alerts under the configuration's inhibition rules.
    fn rebuild_inhibitors(&mut self) {
        self.inhibitors = inhibit::Inhibitors::build(&self.config.inhibit, self.alerts.iter());
    }

    /// Silences that have not ended, by id.
    pub fn silences(&self) -> impl Iterator<Item = &Silence> {
        self.silences.values()
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
        [
            self.pending_open.first().map(|(at, _)| *at),
            self.recheck_at.first().copied(),
            self.drops_due,
            self.flap_due.first().map(|(at, _)| *at),
            self.timers.first().map(|(at, ..)| *at),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Takes the rows changed since the last call.
    pub fn take_changes(&mut self) -> Changes {
        let mut changes = Changes {
            alerts: std::mem::take(&mut self.retired_alerts),
            incidents: std::mem::take(&mut self.retired_incidents),
            silences: std::mem::take(&mut self.dirty_silences),
            touched: std::mem::take(&mut self.touches),
            attached_summaries: std::mem::take(&mut self.attached_summaries),
        };
        let retired = changes.alerts.len();
        for handle in self.dirty_alerts.drain(..) {
            // Gone since it was marked: retired, its row among the first.
            if let Some(active) = self.alerts.by_handle_mut(handle)
                && active.take_dirty()
            {
                if active.take_touched() {
                    self.touched_count -= 1;
                }
                changes.alerts.push(active.to_alert());
            }
        }
        // In the order of their ids, whatever the marking's: the same changes
        // make the same batch.
        changes.alerts[retired..].sort_unstable_by_key(|alert| alert.id);
        for id in std::mem::take(&mut self.dirty_incidents) {
            if let Some(incident) = self.incidents.get(&id) {
                changes.incidents.push(incident.clone());
            }
        }
        changes
    }

    /// Up to `limit` alerts re-sent unchanged whose rows are not written
    /// yet ([`Engine::take_changes`] leaves them out), first touched at or
    /// before `touched_by`, oldest first. The caller writes them when it
    /// likes: only `last_seen` and `event_count` moved.
    pub fn take_touched(&mut self, touched_by: Timestamp, limit: usize) -> Vec<Alert> {
        let mut taken = Vec::new();
        while taken.len() < limit {
            match self.touched_order.front() {
                Some((at, _)) if *at <= touched_by => {}
                _ => break,
            }
            let Some((_, handle)) = self.touched_order.pop_front() else { break };
            if let Some(active) = self.alerts.by_handle_mut(handle)
                && active.take_touched()
            {
                self.touched_count -= 1;
                taken.push(active.to_alert());
            }
        }
        if self.touched_count == 0 {
            self.touched_order.clear();
        }
        taken
    }

    /// Right after a restore from the store: re-sends that were committed while
    /// their alerts' rows were not written yet. Each active alert named
    /// takes the later `last_seen` and higher `event_count` and is held to
    /// be written, as if just touched; the others are ignored.
    pub fn hold_touches(&mut self, touches: &[AlertTouch]) {
        if touches.is_empty() {
            return;
        }
        let by_id: HashMap<AlertId, &AlertTouch> =
            touches.iter().map(|t| (t.alert_id, t)).collect();
        let mut held = Vec::new();
        for active in self.alerts.iter_mut() {
            let handle = active.handle();
            let alert = &mut active.row;
            let Some(touch) = by_id.get(&alert.id) else { continue };
            if touch.event_count <= alert.event_count {
                continue;
            }
            alert.event_count = touch.event_count;
            alert.last_seen = alert.last_seen.max(touch.last_seen);
            if active.mark_touched() {
                self.touched_count += 1;
                held.push((touch.last_seen, handle));
            }
        }
        held.sort_by_key(|&(at, handle)| (at, handle.id()));
        self.touched_order.extend(held);
    }

    /// When the alert first touched among those [`Engine::take_touched`] still holds was touched.
    pub fn oldest_touch(&self) -> Option<Timestamp> {
        if self.touched_count == 0 {
            return None;
        }
        self.touched_order.front().map(|(at, _)| *at)
    }

    /// The event as the tenant's event rules would leave it; `None` when a
    /// rule would drop it. Changes nothing: `watchfloor import` asks this to
    /// decide which records the engine should see.
    pub fn preview_event(
        &self,
        now: Timestamp,
        tenant: &TenantId,
        service: &ServiceId,
        event: &Event,
    ) -> Option<Event> {
        if !self.has_event_rules {
            return Some(event.clone());
        }
        let (event, verdict) = self.apply_event_rules(now, tenant, service, event);
        verdict.dropped_by.is_none().then_some(event)
    }

    /// A copy of `event` with the tenant's event rules applied, and what they decided.
    fn apply_event_rules(
        &self,
        now: Timestamp,
        tenant: &TenantId,
        service: &ServiceId,
        event: &Event,
    ) -> (Event, rules::EventVerdict) {
        let mut event = event.clone();
        let ctx = EventContext { now, config: &self.config, tenant, service };
        let verdict = self.rules.apply_event(&ctx, &mut event);
        (event, verdict)
    }

    /// Reads the active alerts of the events about to be handled, all at
    /// once: see `ActiveAlerts::prefetch`. Changes nothing.
    pub fn prefetch_alerts(&self, tenant: &TenantId, events: &[Event]) {
        self.alerts.prefetch(tenant, events.iter().map(|event| event.dedup_key.as_str()));
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
        if !self.has_event_rules {
            return self.handle_ruled_event(now, tenant, service, event, &[], effects);
        }
        let (event, verdict) = self.apply_event_rules(now, tenant, service, event);
        for error in verdict.errors {
            effects.push(Effect::RuleFailed {
                tenant: tenant.clone(),
                rule: error.rule_id.clone(),
                message: error.to_string(),
            });
        }
        let service = verdict.route_to.as_ref().unwrap_or(service);
        if let Some(rule) = verdict.dropped_by {
            self.count_drop(now, tenant, service, &event, rule, effects);
            return EventOutcome::NONE;
        }
        let matched: Vec<String> = verdict
            .matched
            .iter()
            .filter(|m| !m.effects.is_empty())
            .map(ToString::to_string)
            .collect();
        self.handle_ruled_event(now, tenant, service, &event, &matched, effects)
    }

    fn handle_ruled_event(
        &mut self,
        now: Timestamp,
        tenant: &TenantId,
        service: &ServiceId,
        event: &Event,
        matched: &[String],
        effects: &mut Vec<Effect>,
    ) -> EventOutcome {
        let key = (tenant.clone(), event.dedup_key.clone());
        let actor = event.source_kind.actor();
        match event.effective_action(now) {
            EventAction::Trigger => {
                // Asked only when it matters: a lookup per event otherwise.
                let is_new = !matched.is_empty() && !self.alerts.contains_key(&key);
                let outcome = self.trigger(now, key, service, event, actor, effects);
                if is_new
                    && let (Some(alert), Some(id)) = (outcome.alert_id, outcome.incident_id)
                    && let Some(incident) = self.incidents.get(&id)
                {
                    for line in matched {
                        effects.push(Effect::Timeline(entry(
                            incident,
                            now,
                            TimelineKind::RuleMatched,
                            format!("alert {alert}: {line}"),
                            "engine",
                        )));
                    }
                }
                outcome
            }
            EventAction::Acknowledge => self.acknowledge_alert(now, &key, actor, effects),
            EventAction::Resolve => self.resolve_alert(now, &key, event.source_kind, effects),
        }
    }

    /// Counts an event a rule dropped against the incident it would have
    /// joined, if one is open; the timeline gets one line per rule later.
    fn count_drop(
        &mut self,
        now: Timestamp,
        tenant: &TenantId,
        service: &ServiceId,
        event: &Event,
        rule: Arc<str>,
        effects: &mut Vec<Effect>,
    ) {
        effects.push(Effect::Dropped { tenant: tenant.clone(), rule: rule.clone() });
        let by_alert =
            self.alerts.get(&(tenant.clone(), event.dedup_key.clone())).map(|a| a.row.incident_id);
        let incident = by_alert.or_else(|| {
            let grouping = self.config.grouping_for(service);
            let key = group_key(service, &grouping.group_by, event);
            self.open_by_group.get(&(tenant.clone(), key)).copied()
        });
        if let Some(id) = incident {
            *self.drops.entry((id, tenant.clone(), rule)).or_default() += 1;
            self.drops_due.get_or_insert(add(now, DROP_SUMMARY_INTERVAL));
        }
    }

    /// An operator acknowledges an incident. Acknowledging it again renews
    /// the acknowledgement when it can expire (see `acknowledge_timeout`),
    /// and is a no-op otherwise.
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
                alert.row.status = AlertStatus::Acknowledged;
                alert.mark_dirty(&mut self.dirty_alerts);
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
        let mut could_inhibit = false;
        for key in self.alert_keys_of(id, |_| true) {
            if let Some((mut alert, was_source)) = self.remove_alert(&key) {
                could_inhibit |= was_source;
                alert.status = AlertStatus::Resolved;
                alert.resolved_at = Some(now);
                self.retired_alerts.push(alert);
            }
        }
        if let Some(incident) = self.incidents.get_mut(&id) {
            incident.active_alert_count = 0;
        }
        self.resolve_incident(now, id, actor, "resolved by hand".into(), effects);
        // Its alerts may have been what inhibited others.
        if could_inhibit && !self.held.is_empty() {
            self.recheck_held(now, effects);
        }
        Ok(())
    }

    /// The keys of an incident's active alerts that pass `keep`.
    fn alert_keys_of(&self, id: IncidentId, keep: impl Fn(&ActiveRow) -> bool) -> Vec<AlertKey> {
        let Some(incident) = self.incidents.get(&id) else { return Vec::new() };
        let Some(members) = self.members.get(&id) else { return Vec::new() };
        members
            .iter()
            .map(|dedup_key| (incident.tenant.clone(), dedup_key.clone()))
            .filter(|key| self.alerts.get(key).is_some_and(|alert| keep(&alert.row)))
            .collect()
    }

    /// Fires the timers that are due: opening notifications after the group wait.
    pub fn handle_tick(&mut self, now: Timestamp, effects: &mut Vec<Effect>) {
        while let Some(&(at, id)) = self.pending_open.first() {
            if at > now {
                break;
            }
            self.pending_open.pop_first();
            self.page_opened(now, id, effects);
        }
        let mut recheck = false;
        while self.recheck_at.first().is_some_and(|at| *at <= now) {
            self.recheck_at.pop_first();
            recheck = true;
        }
        self.silences.retain(|_, silence| silence.end() > now);
        if recheck {
            self.recheck_held(now, effects);
        }
        if self.drops_due.is_some_and(|at| at <= now) {
            self.drops_due = None;
            self.summarise_drops(now, effects);
        }
        while let Some((at, key)) = self.flap_due.first().cloned() {
            if at > now {
                break;
            }
            self.flap_due.pop_first();
            self.flap_quiet(now, key, effects);
        }
        self.fire_timers(now, effects);
    }

    /// The group wait of an incident is over: page, unless something holds the page back.
    fn page_opened(&mut self, now: Timestamp, id: IncidentId, effects: &mut Vec<Effect>) {
        self.page_unless_held(now, id, NotifyReason::Opened, effects);
    }

    /// Sends an incident's first page (or, for an expired acknowledgement, its
    /// page anew) with `reason`, unless something holds it back.
    fn page_unless_held(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        reason: NotifyReason,
        effects: &mut Vec<Effect>,
    ) {
        let page_reason = reason;
        let Some(incident) = self.incidents.get(&id) else { return };
        if incident.open_notified {
            return;
        }
        if let Some(reason) = self.hold_reason(now, id) {
            if let Some(closes) = self.maintenance_closes(now, id) {
                self.recheck_at.insert(closes);
            }
            self.hold(now, id, reason, effects);
            return;
        }
        if let Some((reason, opens)) = self.off_hours(now, id) {
            if let Some(opens) = opens {
                self.recheck_at.insert(opens);
            }
            self.hold(now, id, reason, effects);
            return;
        }
        self.held.remove(&id);
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        incident.open_notified = true;
        let released = incident.triage.held.take();
        self.dirty_incidents.insert(id);
        if let Some(reason) = released {
            effects.push(Effect::Timeline(entry(
                incident,
                now,
                TimelineKind::Held,
                format!("page released: no longer held ({reason})"),
                "engine",
            )));
        }
        self.notify_incident(now, id, page_reason, effects);
        self.start_escalation(now, id, page_reason, effects);
    }

    fn hold(&mut self, now: Timestamp, id: IncidentId, reason: String, effects: &mut Vec<Effect>) {
        self.held.insert(id);
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        if incident.triage.held.as_deref() == Some(reason.as_str()) {
            return;
        }
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::Held,
            format!("not paged: {reason}"),
            "engine",
        )));
        incident.triage.held = Some(reason);
        self.dirty_incidents.insert(id);
    }

    /// Held incidents whose reason may have gone: page those now free.
    fn recheck_held(&mut self, now: Timestamp, effects: &mut Vec<Effect>) {
        let held: Vec<IncidentId> = self.held.iter().copied().collect();
        for id in held {
            let waiting = self.pending_open.iter().any(|(_, pending)| *pending == id);
            match self.incidents.get(&id) {
                Some(incident) if !incident.open_notified && !waiting => {
                    self.page_opened(now, id, effects);
                }
                Some(incident) if !incident.open_notified => {}
                _ => {
                    self.held.remove(&id);
                }
            }
        }
    }

    /// Why an incident should not page now: every active alert of it is held
    /// back. `None` when any alert may page (or it has none).
    fn hold_reason(&self, now: Timestamp, id: IncidentId) -> Option<String> {
        let incident = self.incidents.get(&id)?;
        let members = self.members.get(&id)?;
        let mut reasons = Vec::new();
        for dedup_key in members {
            let key = (incident.tenant.clone(), dedup_key.clone());
            let alert = self.alerts.get(&key)?;
            reasons.push(self.alert_hold_reason(now, &key, alert)?);
        }
        let first = reasons.first()?.clone();
        Some(match reasons.len() {
            1 => first,
            n => format!("{first} (and {} more alerts held)", n - 1),
        })
    }

    fn alert_hold_reason(&self, now: Timestamp, key: &AlertKey, active: &Active) -> Option<String> {
        let alert = &active.row;
        let severity = alert.severity.as_str();
        for silence in self.silences.values() {
            if silence.tenant == alert.tenant
                && silence.is_active(now)
                && domain::suppression::all_match(
                    &silence.matchers,
                    &active.text,
                    &alert.service,
                    severity,
                )
            {
                return Some(format!(
                    "silenced by silence {} of {} until {} ({})",
                    silence.id,
                    silence.created_by,
                    silence.end(),
                    silence.comment
                ));
            }
        }
        for window in &self.config.maintenance {
            if window.covers(&alert.tenant, &alert.service)
                && let Some((_, closes)) =
                    crate::oncall::window_at(&window.time_zone, &window.windows, now)
            {
                return Some(format!("in maintenance window `{}` until {closes}", window.id));
            }
        }
        if let Some(reason) = self.inhibited_by(key, active) {
            return Some(reason);
        }
        if self.flaps.get(key).is_some_and(|flap| flap.flapping) {
            return Some(format!("alert {} is flapping", alert.id));
        }
        None
    }

    /// When the first maintenance window holding one of the incident's alerts
    /// closes: the held page is looked at again then.
    fn maintenance_closes(&self, now: Timestamp, id: IncidentId) -> Option<Timestamp> {
        let incident = self.incidents.get(&id)?;
        let members = self.members.get(&id)?;
        members
            .iter()
            .filter_map(|dedup_key| self.alerts.get(&(incident.tenant.clone(), dedup_key.clone())))
            .map(|active| &active.row)
            .flat_map(|alert| {
                self.config.maintenance.iter().filter(|w| w.covers(&alert.tenant, &alert.service))
            })
            .filter_map(|window| {
                crate::oncall::window_at(&window.time_zone, &window.windows, now)
                    .map(|(_, closes)| closes)
            })
            .min()
    }

    /// An unresolved alert of the same tenant that inhibits this one.
    fn inhibited_by(&self, key: &AlertKey, active: &Active) -> Option<String> {
        let (alert, labels) = (&active.row, &active.text);
        let severity = alert.severity.as_str();
        let all_match = domain::suppression::all_match;
        for (index, rule) in self.config.inhibit.iter().enumerate() {
            if !all_match(&rule.target, labels, &alert.service, severity) {
                continue;
            }
            // The oldest matching alert, so the answer is the same on every run.
            let source = self.inhibitors.oldest_source(index, rule, key, active);
            if let Some(source) = source.and_then(|source| self.alerts.get(source)) {
                return Some(format!(
                    "inhibited by alert {} ({}) under rule `{}`",
                    source.row.id,
                    source.text.summary(),
                    rule.id
                ));
            }
        }
        None
    }

    /// One timeline line per rule and incident for the drops counted so far.
    fn summarise_drops(&mut self, now: Timestamp, effects: &mut Vec<Effect>) {
        for ((id, tenant, rule), count) in std::mem::take(&mut self.drops) {
            let events = if count == 1 { "1 event".to_owned() } else { format!("{count} events") };
            effects.push(Effect::Timeline(TimelineEntry {
                incident_id: id,
                tenant,
                at: now,
                kind: TimelineKind::RuleMatched,
                message: format!("rule `{rule}` dropped {events}"),
                actor: "engine".to_owned(),
            }));
        }
    }

    /// An alert fired or resolved: note it, and start flapping when it changes too often.
    fn note_state_change(
        &mut self,
        now: Timestamp,
        key: &AlertKey,
        incident_id: IncidentId,
        first_seen: Option<Timestamp>,
        effects: &mut Vec<Effect>,
    ) {
        let Some(service) = self.incidents.get(&incident_id).map(|i| i.service.clone()) else {
            return;
        };
        let settings = self.config.grouping_for(&service).flapping;
        let window =
            jiff::SignedDuration::try_from(settings.window).unwrap_or(jiff::SignedDuration::MAX);
        let since = now.checked_sub(window).unwrap_or(Timestamp::MIN);
        let flap = self.flaps.entry(key.clone()).or_insert_with(|| Flap {
            changes: first_seen.into_iter().collect(),
            flapping: false,
            incident: incident_id,
        });
        flap.incident = incident_id;
        flap.changes.push_back(now);
        while flap.changes.front().is_some_and(|at| *at < since) {
            flap.changes.pop_front();
        }
        let count = flap.changes.len();
        let starts = !flap.flapping && count > settings.changes as usize;
        self.flap_due.insert((add(now, settings.window), key.clone()));
        if !starts {
            return;
        }
        // Anything else holding the incident back holds this page too.
        let held_otherwise = self.hold_reason(now, incident_id).is_some();
        if let Some(flap) = self.flaps.get_mut(key) {
            flap.flapping = true;
        }
        let Some(incident) = self.incidents.get_mut(&incident_id) else { return };
        incident.triage.flapping = true;
        let just_opened = !incident.open_notified;
        if just_opened && !held_otherwise {
            // The flapping page stands in for the opening one.
            incident.open_notified = true;
        }
        self.dirty_incidents.insert(incident_id);
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::Flapping,
            format!(
                "alert {} is flapping: {count} state changes within {}; its changes no longer \
                 page, and the incident stays open until it has been quiet that long",
                key.1,
                humanize(settings.window)
            ),
            "engine",
        )));
        if !held_otherwise {
            self.pending_open.retain(|(_, pending)| *pending != incident_id);
            self.notify_incident(now, incident_id, NotifyReason::Flapping, effects);
            if just_opened {
                self.start_escalation(now, incident_id, NotifyReason::Flapping, effects);
            }
        }
    }

    /// A flap record's quiet time is up: forget it, or end the flapping.
    fn flap_quiet(&mut self, now: Timestamp, key: AlertKey, effects: &mut Vec<Effect>) {
        let Some(flap) = self.flaps.get(&key) else { return };
        let Some(service) = self.incidents.get(&flap.incident).map(|i| i.service.clone()) else {
            self.flaps.remove(&key);
            return;
        };
        let grouping = self.config.grouping_for(&service);
        let last = flap.changes.back().copied().unwrap_or(Timestamp::MIN);
        if add(last, grouping.flapping.window) > now {
            return; // a later deadline is queued
        }
        let Some(flap) = self.flaps.remove(&key) else { return };
        if !flap.flapping {
            return;
        }
        let id = flap.incident;
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        incident.triage.flapping = self.flaps.values().any(|f| f.flapping && f.incident == id);
        self.dirty_incidents.insert(id);
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::Flapping,
            format!("alert {} stopped flapping", key.1),
            "engine",
        )));
        let done = incident.active_alert_count == 0 && !incident.triage.flapping;
        if done && grouping.auto_resolve {
            let cause = "all alerts resolved and quiet after flapping".to_owned();
            self.resolve_incident(now, id, "engine", cause, effects);
        } else if self.held.contains(&id) {
            // A page held because the alert flapped may go now.
            self.recheck_held(now, effects);
        }
    }

    /// Removes an active alert and its membership of its incident; with it,
    /// whether it was a source of an inhibition rule (so that pages it held
    /// back may go).
    fn remove_alert(&mut self, key: &AlertKey) -> Option<(Alert, bool)> {
        let active = self.alerts.remove(key)?;
        let was_source = self.inhibitors.remove(&self.config.inhibit, &active);
        if active.is_touched() {
            self.touched_count -= 1;
        }
        let alert = active.to_alert();
        if let Some(members) = self.members.get_mut(&alert.incident_id) {
            members.remove(&key.1);
            if members.is_empty() {
                self.members.remove(&alert.incident_id);
            }
        }
        Some((alert, was_source))
    }

    // ----- silences --------------------------------------------------------

    /// Creates a silence. It holds back pages of incidents that open while
    /// it is active; incidents already paged are not affected.
    pub fn add_silence(
        &mut self,
        now: Timestamp,
        new: NewSilence,
    ) -> Result<Silence, CommandError> {
        if new.matchers.is_empty() {
            return Err(CommandError::Invalid(
                "a silence needs at least one matcher, or it would silence the whole tenant".into(),
            ));
        }
        if new.ends_at <= new.starts_at {
            return Err(CommandError::Invalid(format!(
                "a silence must end after it starts ({} is not after {})",
                new.ends_at, new.starts_at
            )));
        }
        if new.ends_at <= now {
            return Err(CommandError::Invalid(format!(
                "a silence ending at {} would already be over",
                new.ends_at
            )));
        }
        if self.config.tenant(&new.tenant).is_none() {
            return Err(CommandError::Invalid(format!("unknown tenant `{}`", new.tenant)));
        }
        let silence = Silence {
            id: SilenceId(self.next_silence_id),
            tenant: new.tenant,
            matchers: new.matchers,
            starts_at: new.starts_at,
            ends_at: new.ends_at,
            created_by: new.created_by,
            comment: new.comment,
            created_at: now,
            expired_at: None,
            expired_by: None,
        };
        self.next_silence_id += 1;
        self.recheck_at.insert(silence.end());
        self.silences.insert(silence.id, silence.clone());
        self.dirty_silences.push(silence.clone());
        Ok(silence)
    }

    /// Ends a silence now; incidents it held back are paged.
    pub fn expire_silence(
        &mut self,
        now: Timestamp,
        id: SilenceId,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) -> Result<Silence, CommandError> {
        let silence = self.silences.get_mut(&id).ok_or(CommandError::NoSilence(id))?;
        if silence.end() <= now {
            return Err(CommandError::SilenceExpired(id));
        }
        silence.expired_at = Some(now);
        silence.expired_by = Some(actor.to_owned());
        let silence = silence.clone();
        self.silences.remove(&id);
        self.dirty_silences.push(silence.clone());
        self.recheck_held(now, effects);
        Ok(silence)
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
        if let Some(active) = self.alerts.get_mut(&key) {
            let alert = &mut active.row;
            alert.last_seen = now;
            alert.event_count += 1;
            let worse = event.severity < alert.severity;
            let changed = alert.severity != event.severity
                || !active.text.same_as(&event.summary, event.source.as_deref(), &event.labels);
            let (alert_id, incident_id, event_count) =
                (alert.id, alert.incident_id, alert.event_count);
            let mut was_source = false;
            if changed {
                let rules = &self.config.inhibit;
                was_source = self.inhibitors.remove(rules, active);
                if active.row.attached_by.is_some() && active.text.summary() != event.summary {
                    self.attached_summaries
                        .entry(active.row.id)
                        .or_insert_with(|| active.text.summary().to_owned());
                }
                active.set_text(&event.summary, event.source.as_deref(), &event.labels);
                active.row.severity = event.severity;
                self.inhibitors.add(rules, active);
                // take_changes drops it from the touched ones.
                active.mark_dirty(&mut self.dirty_alerts);
            } else if !active.is_dirty() {
                // The same alert again: only its count and last_seen move.
                let touch = AlertTouch { alert_id, last_seen: now, event_count };
                self.touches.push(touch);
                if active.mark_touched() {
                    self.touched_count += 1;
                    self.touched_order.push_back((now, active.handle()));
                }
            }
            if let Some(incident) = self.incidents.get_mut(&incident_id) {
                incident.event_count += 1;
                incident.updated_at = now;
                self.dirty_incidents.insert(incident_id);
            }
            if worse {
                self.raise_severity(now, incident_id, event, actor, effects);
            }
            // It may no longer inhibit what it held back.
            if was_source && !self.held.is_empty() {
                self.recheck_held(now, effects);
            }
            let repeat = !changed;
            return EventOutcome { repeat, ..EventOutcome::of(alert_id, incident_id) };
        }

        let tenant = key.0.clone();
        let grouping = self.config.grouping_for(service);
        let group_key = group_key(service, &grouping.group_by, event);
        let alert_id = AlertId(self.next_alert_id);
        self.next_alert_id += 1;

        let mut attached_by = None;
        let incident_id = match self.open_by_group.get(&(tenant.clone(), group_key.clone())) {
            Some(&id) => {
                if let Some(incident) = self.incidents.get_mut(&id) {
                    incident.alert_count += 1;
                    incident.active_alert_count += 1;
                    incident.event_count += 1;
                    incident.updated_at = now;
                    self.dirty_incidents.insert(id);
                    attached_by = Some(event.source_kind);
                    effects.push(Effect::Timeline(TimelineEntry::alert_attached(
                        (id, &incident.tenant),
                        now,
                        alert_id,
                        &event.summary,
                        event.source_kind,
                    )));
                    let raised = event.severity < incident.severity;
                    if raised {
                        self.raise_severity(now, id, event, actor, effects);
                    }
                    let change = if raised {
                        IncidentChange::SeverityRaised
                    } else {
                        IncidentChange::AlertAttached
                    };
                    self.pending_rules = Some((id, change));
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
            labels: Labels::new(),
            first_seen: now,
            last_seen: now,
            resolved_at: None,
            event_count: 1,
            attached_by,
            resolved_by: None,
        };
        let first_seen = (!self.flaps.contains_key(&key)).then_some(now);
        self.members.entry(incident_id).or_default().insert(key.1.clone());
        let mut active = self.alerts.make(alert, &event.labels);
        self.inhibitors.add(&self.config.inhibit, &active);
        active.mark_dirty(&mut self.dirty_alerts);
        self.alerts.insert(active);
        if self.flaps.contains_key(&key) {
            self.note_state_change(now, &key, incident_id, first_seen, effects);
        }
        if let Some((id, change)) = self.pending_rules.take() {
            self.run_incident_rules(now, id, change, Some(&event.labels), effects);
        }
        // Pages due now: a zero group wait.
        while let Some(&(at, id)) = self.pending_open.first() {
            if at > now {
                break;
            }
            self.pending_open.pop_first();
            self.page_opened(now, id, effects);
        }
        // A held incident pages as soon as an alert joins that nothing holds back.
        if self.held.contains(&incident_id)
            && !self.pending_open.iter().any(|(_, pending)| *pending == incident_id)
        {
            self.page_opened(now, incident_id, effects);
        }
        EventOutcome::of(alert_id, incident_id)
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
            triage: domain::Triage::default(),
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
        self.schedule_sla(id);
        // Rules see the incident before its first page, so a priority or
        // channel they set is in it. They run once the alert is in place.
        self.pending_rules = Some((id, IncidentChange::Opened));
        id
    }

    fn acknowledge_alert(
        &mut self,
        now: Timestamp,
        key: &AlertKey,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) -> EventOutcome {
        let Some(active) = self.alerts.get_mut(key) else {
            return EventOutcome::NONE;
        };
        active.mark_dirty(&mut self.dirty_alerts);
        let alert = &mut active.row;
        alert.last_seen = now;
        alert.event_count += 1;
        alert.status = AlertStatus::Acknowledged;
        let (alert_id, incident_id) = (alert.id, alert.incident_id);
        if let Some(incident) = self.incidents.get_mut(&incident_id) {
            incident.event_count += 1;
            self.dirty_incidents.insert(incident_id);
        }
        self.acknowledge_incident(now, incident_id, actor, effects);
        EventOutcome::of(alert_id, incident_id)
    }

    fn acknowledge_incident(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) {
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        match incident.status {
            IncidentStatus::Triggered => {}
            IncidentStatus::Acknowledged => {
                return self.renew_acknowledgement(now, id, actor, effects);
            }
            IncidentStatus::Resolved => return,
        }
        incident.status = IncidentStatus::Acknowledged;
        incident.acknowledged_at = Some(now);
        incident.acknowledged_by = Some(actor.to_owned());
        incident.triage.first_acknowledged_at.get_or_insert(now);
        incident.updated_at = now;
        let notified = incident.open_notified;
        self.dirty_incidents.insert(id);
        let message = match incident.triage.held.take() {
            _ if notified => format!("acknowledged by {actor}"),
            // Nobody was paged yet; paging now for something already seen helps nobody.
            Some(held) => {
                incident.open_notified = true;
                format!("acknowledged by {actor} while its page was held ({held}): no page sent")
            }
            None => {
                incident.open_notified = true;
                format!("acknowledged by {actor} before the group wait ended: no page sent")
            }
        };
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::Acknowledged,
            message,
            actor,
        )));
        self.held.remove(&id);
        self.schedule_acknowledgement_expiry(now, id);
        if notified {
            self.notify_incident(now, id, NotifyReason::Acknowledged, effects);
        }
        self.run_incident_rules(now, id, IncidentChange::Acknowledged, None, effects);
    }

    /// Resolves the alert of `key` by an event of `kind`.
    fn resolve_alert(
        &mut self,
        now: Timestamp,
        key: &AlertKey,
        kind: SourceKind,
        effects: &mut Vec<Effect>,
    ) -> EventOutcome {
        let Some((mut alert, could_inhibit)) = self.remove_alert(key) else {
            return EventOutcome::NONE;
        };
        alert.status = AlertStatus::Resolved;
        alert.resolved_at = Some(now);
        alert.last_seen = now;
        alert.event_count += 1;
        let (alert_id, incident_id, first_seen) = (alert.id, alert.incident_id, alert.first_seen);
        let Some(incident) = self.incidents.get_mut(&incident_id) else {
            self.retired_alerts.push(alert);
            return EventOutcome::of(alert_id, incident_id);
        };
        incident.active_alert_count = (incident.active_alert_count - 1).max(0);
        incident.event_count += 1;
        incident.updated_at = now;
        self.dirty_incidents.insert(incident_id);
        // The row says who resolved it exactly when there is a line to read from it.
        alert.resolved_by = Some(kind);
        effects.push(Effect::Timeline(TimelineEntry::alert_resolved(
            (incident_id, &incident.tenant),
            now,
            alert_id,
            &alert.summary,
            kind,
        )));
        self.retired_alerts.push(alert);
        let first_seen = (!self.flaps.contains_key(key)).then_some(first_seen);
        self.note_state_change(now, key, incident_id, first_seen, effects);
        let Some(incident) = self.incidents.get(&incident_id) else {
            return EventOutcome::of(alert_id, incident_id);
        };
        let all_resolved = incident.active_alert_count == 0;
        let auto_resolve = self.config.grouping_for(&incident.service).auto_resolve;
        if all_resolved && auto_resolve {
            if incident.triage.flapping {
                let waits = "all alerts resolved; the incident stays open until the flapping stops";
                effects.push(Effect::Timeline(entry(
                    incident,
                    now,
                    TimelineKind::Flapping,
                    waits.to_owned(),
                    "engine",
                )));
            } else {
                let cause = "all alerts resolved".to_owned();
                self.resolve_incident(now, incident_id, kind.actor(), cause, effects);
            }
        }
        // The alert may have been what inhibited others.
        if could_inhibit && !self.held.is_empty() {
            self.recheck_held(now, effects);
        }
        EventOutcome::of(alert_id, incident_id)
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
        self.held.remove(&id);
        self.members.remove(&id);
        self.open_by_group.remove(&(incident.tenant.clone(), incident.group_key.clone()));
        incident.status = IncidentStatus::Resolved;
        incident.resolved_at = Some(now);
        incident.resolved_by = Some(actor.to_owned());
        incident.updated_at = now;
        let notified = incident.open_notified;
        let message = match (notified, incident.triage.held.take()) {
            (true, _) => format!("resolved by {actor}: {cause}"),
            (false, Some(held)) => {
                incident.open_notified = true;
                format!("resolved by {actor} while its page was held ({held}): no page sent")
            }
            (false, None) => {
                incident.open_notified = true;
                format!("resolved by {actor} before the group wait ended ({cause}): no page sent")
            }
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
        self.run_incident_rules(now, id, IncidentChange::Resolved, None, effects);
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
        if priority == incident.priority && incident.triage.priority_rule.is_none() {
            // Same level, but the sentence names the new severity.
            incident.priority_reason = reason;
        } else if incident.triage.priority_rule.is_none() {
            let message = format!("priority {} → {priority}: {reason}", incident.priority);
            let from = incident.priority;
            incident.priority = priority;
            incident.priority_reason = reason;
            effects.push(Effect::Timeline(entry(
                incident,
                now,
                TimelineKind::PriorityChanged,
                message,
                actor,
            )));
            self.schedule_sla(id);
            self.priority_raised(now, id, from, &[], effects);
        }
    }

    /// The priority went up after the opening page: the incident's channels
    /// hear of it (an unacknowledged P4 that became a P1 must not stay quiet),
    /// and a page that waited for business hours is looked at again.
    /// Channels in `skip` are left out: they were just sent the opening page.
    fn priority_raised(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        from: domain::Priority,
        skip: &[ChannelId],
        effects: &mut Vec<Effect>,
    ) {
        let Some(incident) = self.incidents.get(&id) else { return };
        if incident.priority >= from {
            return;
        }
        if incident.open_notified {
            if incident.status == IncidentStatus::Triggered {
                let mut channels = self.incident_channels(incident);
                channels.retain(|channel| !skip.contains(channel));
                self.notify_channels(
                    now,
                    incident,
                    NotifyReason::PriorityRaised,
                    channels,
                    effects,
                );
            }
        } else if self.held.contains(&id)
            && !self.pending_open.iter().any(|(_, pending)| *pending == id)
        {
            self.page_opened(now, id, effects);
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
        let channels = self.incident_channels(incident);
        self.notify_channels(now, incident, reason, channels, effects);
    }

    /// The service's and tenant's channels, then those rules added.
    fn incident_channels(&self, incident: &Incident) -> Vec<ChannelId> {
        let mut channels: Vec<ChannelId> =
            self.config.channels_for(&incident.tenant, &incident.service);
        for channel in &incident.triage.channels {
            if !channels.contains(channel) {
                channels.push(channel.clone());
            }
        }
        channels
    }

    /// One notification and one timeline line per channel.
    fn notify_channels(
        &self,
        now: Timestamp,
        incident: &Incident,
        reason: NotifyReason,
        channels: Vec<ChannelId>,
        effects: &mut Vec<Effect>,
    ) {
        let id = incident.id;
        for channel in channels {
            effects.push(Effect::Notify(Notification {
                tenant: incident.tenant.clone(),
                incident_id: id,
                channel: channel.clone(),
                reason,
                at: now,
                page: None,
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

impl Engine {
    /// Runs the incident rules on a change and applies what they ask for.
    fn run_incident_rules(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        change: IncidentChange,
        labels: Option<&Labels>,
        effects: &mut Vec<Effect>,
    ) {
        if self.rules.incident_rule_ids().next().is_none() {
            return;
        }
        let open = self.incidents.contains_key(&id);
        let incident = match self.incidents.get(&id) {
            Some(incident) => incident,
            None => match self.retired_incidents.iter().rev().find(|i| i.id == id) {
                Some(incident) => incident,
                None => return,
            },
        };
        let ctx = IncidentContext { now, config: &self.config, incident, change, labels };
        let verdict = self.rules.apply_incident(&ctx);
        let tenant = incident.tenant.clone();
        for error in &verdict.errors {
            effects.push(Effect::RuleFailed {
                tenant: tenant.clone(),
                rule: error.rule_id.clone(),
                message: error.to_string(),
            });
        }
        if verdict.matched.is_empty() {
            return;
        }
        let priority = verdict.priority();
        let channels: Vec<ChannelId> = verdict.channels().into_iter().cloned().collect();
        let notes: Vec<(String, String)> =
            verdict.notes().map(|(rule, note)| (rule.to_owned(), note.to_owned())).collect();
        let tags: Vec<String> = verdict.tags().into_iter().map(str::to_owned).collect();
        let priority_rule = verdict.effects.iter().rev().find_map(|effect| match &effect.action {
            rules::IncidentAction::SetPriority { .. } => Some(effect.rule_id.to_string()),
            _ => None,
        });

        let incident = if open {
            self.incidents.get_mut(&id)
        } else {
            self.retired_incidents.iter_mut().rev().find(|i| i.id == id)
        };
        let Some(incident) = incident else { return };
        let mut lines = Vec::new();
        let from = incident.priority;
        if let Some((priority, reason)) = priority
            && (priority != incident.priority || reason != incident.priority_reason)
        {
            lines.push((
                TimelineKind::PriorityChanged,
                format!("priority {} → {priority}: {reason}", incident.priority),
            ));
            incident.priority = priority;
            incident.priority_reason = reason;
            incident.triage.priority_rule = priority_rule;
        }
        let mut added = Vec::new();
        for channel in channels {
            if !incident.triage.channels.contains(&channel) {
                incident.triage.channels.push(channel.clone());
                added.push(channel);
            }
        }
        for tag in tags {
            if incident.triage.tags.insert(tag.clone()) {
                lines.push((TimelineKind::RuleMatched, format!("tagged {tag}")));
            }
        }
        for (rule, note) in notes {
            if incident.triage.noted_by.insert(rule.clone()) {
                lines.push((TimelineKind::Note, format!("rule `{rule}`: {note}")));
            }
        }
        for channel in &added {
            lines.push((TimelineKind::RuleMatched, format!("channel {channel} added by a rule")));
        }
        let paged = incident.open_notified && incident.triage.held.is_none();
        for (kind, message) in lines {
            effects.push(Effect::Timeline(entry(incident, now, kind, message, "engine")));
        }
        if open {
            self.dirty_incidents.insert(id);
            self.schedule_sla(id);
        }
        self.priority_raised(now, id, from, &added, effects);
        // Channels added after the opening page get it now.
        if paged && open && !added.is_empty() {
            let Some(incident) = self.incidents.get(&id) else { return };
            for channel in added {
                effects.push(Effect::Notify(Notification {
                    tenant: incident.tenant.clone(),
                    incident_id: id,
                    channel: channel.clone(),
                    reason: NotifyReason::Opened,
                    at: now,
                    page: None,
                }));
                effects.push(Effect::Timeline(entry(
                    incident,
                    now,
                    TimelineKind::NotificationQueued,
                    format!("opened notification queued for channel {channel}"),
                    "engine",
                )));
            }
        }
    }
}

/// The config's rules, compiled. The config crate compiled them already when
/// it accepted the file, so this cannot fail for a config it produced; a
/// config built otherwise with bad rules runs without rules.
fn compile_rules(config: &Config) -> CompiledRules {
    rules::compile(&config.rules.events, &config.rules.incidents)
        .unwrap_or_else(|_| CompiledRules::empty())
}

/// `30m`, `2h`, `90s`: a duration as the config writes it.
fn humanize(duration: std::time::Duration) -> String {
    let seconds = duration.as_secs();
    if seconds > 0 && seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds > 0 && seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
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
