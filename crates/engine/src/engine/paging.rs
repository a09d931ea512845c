//! Who is paged and when after the opening page: escalation tiers, acknowledgements that expire, SLA targets, business hours.

use domain::oncall::Target;
use domain::{
    Escalation, IncidentId, IncidentStatus, Notification, NotifyReason, Page, TimelineKind,
    Timestamp, UserId,
};

use super::{Effect, Engine, add, entry, humanize};
use crate::oncall;

/// What an incident timer is for. Timers are checked when they fire, so a
/// stale one (the incident was acknowledged, resolved, re-prioritised) does
/// nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Timer {
    /// The next tier of the escalation policy may be due.
    Escalate,
    /// An acknowledgement may have expired.
    AcknowledgementExpiry,
    /// A time-to-acknowledge or time-to-resolve target may have been missed.
    Sla,
}

/// An SLA target of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlaKind {
    Acknowledge,
    Resolve,
}

impl SlaKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::Resolve => "resolve",
        }
    }
}

impl Engine {
    /// Fires the incident timers due at `now`.
    pub(super) fn fire_timers(&mut self, now: Timestamp, effects: &mut Vec<Effect>) {
        while let Some(&(at, id, timer)) = self.timers.first() {
            if at > now {
                break;
            }
            self.timers.pop_first();
            match timer {
                Timer::Escalate => self.escalate(now, id, effects),
                Timer::AcknowledgementExpiry => self.expire_acknowledgement(now, id, effects),
                Timer::Sla => self.check_sla(now, id, effects),
            }
        }
    }

    /// Timers of an open incident after a restart: escalation, acknowledgement
    /// expiry and SLA. Each checks, when it fires, whether it still applies.
    pub(super) fn restore_timers(&mut self, id: IncidentId) {
        let Some(incident) = self.incidents.get(&id) else { return };
        if let Some(state) = &incident.triage.escalation
            && let Some(policy) = self.config.escalation_policy(&state.policy)
            && let Some(at) = oncall::next_escalation_at(policy, state.started_at, state.started_at)
        {
            self.timers.insert((at, id, Timer::Escalate));
        }
        let timeout = self.config.grouping_for(&incident.service).acknowledge_timeout;
        if let (Some(acknowledged_at), Some(timeout)) = (incident.acknowledged_at, timeout)
            && incident.status == IncidentStatus::Acknowledged
        {
            self.timers.insert((add(acknowledged_at, timeout), id, Timer::AcknowledgementExpiry));
        }
        self.schedule_sla(id);
    }

    // ----- escalation ---------------------------------------------------------

    /// The opening page went out (or an acknowledgement expired): tier 0 of
    /// the service's escalation policy is paged and the policy's clock starts.
    pub(super) fn start_escalation(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        reason: NotifyReason,
        effects: &mut Vec<Effect>,
    ) {
        let Some(incident) = self.incidents.get(&id) else { return };
        let Some(policy) = self.config.escalation_policy_for(&incident.service) else { return };
        let state = Escalation { policy: policy.id.clone(), started_at: now, round: 0, tier: 0 };
        let next = oncall::next_escalation_at(policy, now, now);
        if let Some(incident) = self.incidents.get_mut(&id) {
            incident.triage.escalation = Some(state);
            self.dirty_incidents.insert(id);
        }
        if let Some(at) = next {
            self.timers.insert((at, id, Timer::Escalate));
        }
        self.page_tier(now, id, 0, 0, reason, effects);
    }

    /// An escalation timer fired: page the tier the policy has reached, if
    /// nobody has acknowledged and it is a tier not paged yet. A timer that
    /// fires late (the server was down or stalled past more than one delay)
    /// pages every tier the policy passed since the last page, once each, so
    /// nobody it should have reached is left out.
    fn escalate(&mut self, now: Timestamp, id: IncidentId, effects: &mut Vec<Effect>) {
        let Some(incident) = self.incidents.get(&id) else { return };
        if incident.status != IncidentStatus::Triggered || incident.triage.held.is_some() {
            return;
        }
        let Some(state) = incident.triage.escalation.clone() else { return };
        let Some(policy) = self.config.escalation_policy(&state.policy) else { return };
        let Some(step) = oncall::escalation_step(policy, state.started_at, now) else { return };
        let next = oncall::next_escalation_at(policy, state.started_at, now);
        if let Some(at) = next {
            self.timers.insert((at, id, Timer::Escalate));
        }
        if (step.round, step.tier) <= (state.round, state.tier) {
            return;
        }
        let passed = passed_tiers((state.round, state.tier), (step.round, step.tier), policy);
        if let Some(incident) = self.incidents.get_mut(&id)
            && let Some(state) = incident.triage.escalation.as_mut()
        {
            state.round = step.round;
            state.tier = step.tier;
            self.dirty_incidents.insert(id);
        }
        if passed.len() > 1
            && let Some(incident) = self.incidents.get(&id)
        {
            let tiers: Vec<String> = passed.iter().map(|tier| (tier + 1).to_string()).collect();
            let message = format!(
                "escalation ran late (the server was not running or was stalled when tiers \
                 were due): paging tiers {} now",
                tiers.join(", ")
            );
            effects.push(Effect::Timeline(entry(
                incident,
                now,
                TimelineKind::Escalated,
                message,
                "engine",
            )));
        }
        for tier in passed {
            self.page_tier(now, id, step.round, tier, NotifyReason::Escalated, effects);
        }
    }

    /// Pages every target of one tier of the incident's policy, with one
    /// timeline line saying who was paged and how.
    fn page_tier(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        round: u32,
        tier: usize,
        reason: NotifyReason,
        effects: &mut Vec<Effect>,
    ) {
        let Some(incident) = self.incidents.get(&id) else { return };
        let Some(state) = &incident.triage.escalation else { return };
        let Some(policy) = self.config.escalation_policy(&state.policy) else { return };
        let Some(level) = policy.tiers.get(tier) else { return };
        // Channels that already got this reason's notification from the
        // service and tenant are not sent it twice.
        let already_told = matches!(
            reason,
            NotifyReason::Opened | NotifyReason::Retriggered | NotifyReason::Flapping
        );
        let already: Vec<domain::ChannelId> = if already_told {
            let mut channels = self.config.channels_for(&incident.tenant, &incident.service);
            channels.extend(incident.triage.channels.iter().cloned());
            channels
        } else {
            Vec::new()
        };
        let mut pages: Vec<(domain::ChannelId, Option<UserId>, String)> = Vec::new();
        let mut lines: Vec<String> = Vec::new();
        for target in &level.targets {
            match target {
                Target::Channel(channel) => {
                    lines.push(format!("channel {channel}"));
                    pages.push((channel.clone(), None, "named in the tier".to_owned()));
                }
                Target::User(user) => {
                    self.page_user(user, "named in the tier", &mut pages, &mut lines);
                }
                Target::Schedule(schedule_id) => {
                    let Some(schedule) = self.config.schedule(schedule_id) else { continue };
                    match oncall::on_call(schedule, now) {
                        Ok(on_call) => {
                            let via = format!("on call in {schedule_id}");
                            self.page_user(&on_call.user, &via, &mut pages, &mut lines);
                        }
                        Err(error) => lines.push(format!("schedule {schedule_id}: {error}")),
                    }
                }
            }
        }
        let what = match reason {
            NotifyReason::Opened => "paged on opening",
            NotifyReason::Retriggered => "paged again",
            NotifyReason::SlaBreached => "paged for the SLA breach",
            _ => "escalated",
        };
        let message = format!(
            "escalation policy {} tier {} (round {}) {what}: {}",
            policy.id,
            tier + 1,
            round + 1,
            if lines.is_empty() { "nobody to page".to_owned() } else { lines.join(", ") }
        );
        let policy_id = policy.id.clone();
        let (tenant, timeline) = (
            incident.tenant.clone(),
            entry(incident, now, TimelineKind::Escalated, message, "engine"),
        );
        effects.push(Effect::Timeline(timeline));
        let mut sent: Vec<domain::ChannelId> = Vec::new();
        for (channel, user, via) in pages {
            if already.contains(&channel) || sent.contains(&channel) {
                continue;
            }
            sent.push(channel.clone());
            effects.push(Effect::Notify(Notification {
                tenant: tenant.clone(),
                incident_id: id,
                channel,
                reason,
                at: now,
                page: Some(Page { policy: policy_id.clone(), tier, round, user, via }),
            }));
        }
    }

    /// A user is paged through their first contact Watchfloor delivers: a
    /// notification channel. Email, Slack member and phone contacts are shown
    /// on the timeline but not delivered.
    fn page_user(
        &self,
        user_id: &UserId,
        via: &str,
        pages: &mut Vec<(domain::ChannelId, Option<UserId>, String)>,
        lines: &mut Vec<String>,
    ) {
        let Some(user) = self.config.user(user_id) else { return };
        let channel = user.contacts.iter().find_map(|contact| match contact {
            domain::oncall::Contact::Webhook(channel) => Some(channel.clone()),
            _ => None,
        });
        match channel {
            Some(channel) => {
                lines.push(format!("{} ({via}) through channel {channel}", user.id));
                pages.push((channel, Some(user.id.clone()), via.to_owned()));
            }
            None => lines.push(format!(
                "{} ({via}) has no contact that can be delivered (only webhook contacts are)",
                user.id
            )),
        }
    }

    // ----- acknowledgement expiry ----------------------------------------------

    /// An incident was acknowledged: the acknowledgement expires after the
    /// service's `acknowledge_timeout`, if it has one.
    pub(super) fn schedule_acknowledgement_expiry(&mut self, now: Timestamp, id: IncidentId) {
        let Some(incident) = self.incidents.get(&id) else { return };
        if let Some(timeout) = self.config.grouping_for(&incident.service).acknowledge_timeout {
            self.timers.insert((add(now, timeout), id, Timer::AcknowledgementExpiry));
        }
    }

    /// An acknowledged incident acknowledged again, by its owner or someone
    /// taking it over: when the acknowledgement can expire, it is renewed
    /// from `now` (as a pager's re-acknowledge does), so whoever is still
    /// working on it is not paged for having forgotten it. Without an
    /// `acknowledge_timeout` there is nothing to renew and nothing is written.
    pub(super) fn renew_acknowledgement(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        actor: &str,
        effects: &mut Vec<Effect>,
    ) {
        let Some(incident) = self.incidents.get(&id) else { return };
        let Some(timeout) = self.config.grouping_for(&incident.service).acknowledge_timeout else {
            return;
        };
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        let previous = incident.acknowledged_by.replace(actor.to_owned());
        incident.acknowledged_at = Some(now);
        incident.updated_at = now;
        self.dirty_incidents.insert(id);
        let mut message = format!("acknowledgement renewed by {actor}");
        if let Some(previous) = previous.filter(|previous| previous != actor) {
            message.push_str(&format!(" (taken over from {previous})"));
        }
        message.push_str(&format!(": expires in {} unless resolved", humanize(timeout)));
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::Acknowledged,
            message,
            actor,
        )));
        // The earlier expiry timer finds the acknowledgement younger than
        // its timeout when it fires, and does nothing.
        self.timers.insert((add(now, timeout), id, Timer::AcknowledgementExpiry));
    }

    /// A forgotten acknowledgement: the incident is triggered again and its
    /// escalation starts over, so somebody looks at it.
    fn expire_acknowledgement(
        &mut self,
        now: Timestamp,
        id: IncidentId,
        effects: &mut Vec<Effect>,
    ) {
        let Some(incident) = self.incidents.get(&id) else { return };
        let Some(timeout) = self.config.grouping_for(&incident.service).acknowledge_timeout else {
            return;
        };
        let Some(acknowledged_at) = incident.acknowledged_at else { return };
        if incident.status != IncidentStatus::Acknowledged || add(acknowledged_at, timeout) > now {
            return;
        }
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        let by = incident.acknowledged_by.take().unwrap_or_default();
        incident.status = IncidentStatus::Triggered;
        incident.acknowledged_at = None;
        incident.updated_at = now;
        incident.triage.escalation = None;
        // Paged anew, as if it had just opened: a silence, a maintenance window
        // or the night can hold this page too.
        incident.open_notified = false;
        self.dirty_incidents.insert(id);
        let message = format!(
            "acknowledgement by {by} expired after {}: triggered again and paging anew",
            humanize(timeout)
        );
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::AcknowledgementExpired,
            message,
            "engine",
        )));
        for key in self.alert_keys_of(id, |a| a.status == domain::AlertStatus::Acknowledged) {
            if let Some(alert) = self.alerts.get_mut(&key) {
                alert.row.status = domain::AlertStatus::Firing;
                alert.mark_dirty(&mut self.dirty_alerts);
            }
        }
        self.page_unless_held(now, id, NotifyReason::Retriggered, effects);
        self.schedule_sla(id);
    }

    // ----- SLA --------------------------------------------------------------------

    /// Schedules the incident's SLA checks for its tier and current priority.
    pub(super) fn schedule_sla(&mut self, id: IncidentId) {
        for (at, _) in self.sla_deadlines(id) {
            self.timers.insert((at, id, Timer::Sla));
        }
    }

    /// The SLA deadlines of an open incident not yet met or breached.
    fn sla_deadlines(&self, id: IncidentId) -> Vec<(Timestamp, SlaKind)> {
        let Some(incident) = self.incidents.get(&id) else { return Vec::new() };
        let Some(tenant) = self.config.tenant(&incident.tenant) else { return Vec::new() };
        let Some(target) = self.config.sla_for(tenant.tier, incident.priority) else {
            return Vec::new();
        };
        let breached = &incident.triage.sla_breached;
        let mut deadlines = Vec::new();
        // Met once acknowledged in time, even if that acknowledgement later expires.
        if let Some(limit) = target.acknowledge
            && incident.status == IncidentStatus::Triggered
            && incident.triage.first_acknowledged_at.is_none()
            && !breached.contains(SlaKind::Acknowledge.as_str())
        {
            deadlines.push((add(incident.created_at, limit), SlaKind::Acknowledge));
        }
        if let Some(limit) = target.resolve
            && !breached.contains(SlaKind::Resolve.as_str())
        {
            deadlines.push((add(incident.created_at, limit), SlaKind::Resolve));
        }
        deadlines
    }

    /// Reports every SLA target of the incident missed by `now`.
    fn check_sla(&mut self, now: Timestamp, id: IncidentId, effects: &mut Vec<Effect>) {
        for (deadline, kind) in self.sla_deadlines(id) {
            if deadline <= now {
                self.breach(now, id, kind, effects);
            }
        }
    }

    /// One missed target: a timeline line, a metric, and a page to the tier
    /// after the one the escalation has reached, which the escalation then
    /// counts as paged (or to the incident's channels when its service has no
    /// policy). A held incident pages nobody.
    fn breach(&mut self, now: Timestamp, id: IncidentId, kind: SlaKind, effects: &mut Vec<Effect>) {
        let Some(incident) = self.incidents.get_mut(&id) else { return };
        let Some(tenant) = self.config.tenant(&incident.tenant) else { return };
        let Some(target) = self.config.sla_for(tenant.tier, incident.priority) else { return };
        let limit = match kind {
            SlaKind::Acknowledge => target.acknowledge,
            SlaKind::Resolve => target.resolve,
        };
        let Some(limit) = limit else { return };
        incident.triage.sla_breached.insert(kind.as_str().to_owned());
        self.dirty_incidents.insert(id);
        let tier = tenant.tier;
        let verb = match kind {
            SlaKind::Acknowledge => "acknowledged",
            SlaKind::Resolve => "resolved",
        };
        let paged = incident.open_notified && incident.triage.held.is_none();
        let mut message = format!(
            "SLA breach: not {verb} within {} (the {} target for {})",
            humanize(limit),
            tier.as_str(),
            incident.priority
        );
        if let Some(reason) = incident.triage.held.as_deref().filter(|_| !paged) {
            message.push_str(&format!("; nobody paged while the page is held: {reason}"));
        }
        effects.push(Effect::Timeline(entry(
            incident,
            now,
            TimelineKind::SlaBreached,
            message,
            "engine",
        )));
        effects.push(Effect::SlaBreached {
            tenant: incident.tenant.clone(),
            incident: id,
            target: kind.as_str(),
            tier: tier.as_str(),
        });
        if !paged {
            return;
        }
        let next_tier = incident.triage.escalation.as_ref().and_then(|state| {
            let policy = self.config.escalation_policy(&state.policy)?;
            Some(((state.tier + 1).min(policy.tiers.len().saturating_sub(1)), state.round))
        });
        match next_tier {
            Some((tier, round)) => {
                // The escalation moves on with the page: the tier is not paged again when its
                // delay comes.
                if let Some(incident) = self.incidents.get_mut(&id)
                    && let Some(state) = incident.triage.escalation.as_mut()
                {
                    state.tier = state.tier.max(tier);
                }
                self.page_tier(now, id, round, tier, NotifyReason::SlaBreached, effects);
            }
            None => self.notify_incident(now, id, NotifyReason::SlaBreached, effects),
        }
    }

    // ----- business hours ---------------------------------------------------------

    /// Why an incident's page waits for its tenant's business hours, and when
    /// they begin; `None` when it may page now.
    pub(super) fn off_hours(
        &self,
        now: Timestamp,
        id: IncidentId,
    ) -> Option<(String, Option<Timestamp>)> {
        let incident = self.incidents.get(&id)?;
        let paging = self.config.grouping_for(&incident.service).off_hours_paging;
        if incident.priority <= paging {
            return None;
        }
        let tenant = self.config.tenant(&incident.tenant)?;
        let hours = tenant.business_hours.as_ref()?;
        if oncall::window_at(&hours.time_zone, &hours.windows, now).is_some() {
            return None;
        }
        let opens = oncall::next_window_opens(&hours.time_zone, &hours.windows, now);
        let when = opens.map_or_else(|| "never".to_owned(), |at| at.to_string());
        let reason = format!(
            "{} waits for {}'s business hours (outside them only {paging} and above page; \
             they begin {when})",
            incident.priority, tenant.id
        );
        Some((reason, opens))
    }
}

/// The tiers an escalation passes going from step `from` (paged) to step
/// `to` (reached), in the order they fall due, each once: the rest of
/// `from`'s round, then the tiers of later rounds up to `to` (a whole round
/// or more in between covers every tier).
fn passed_tiers(
    from: (u32, usize),
    to: (u32, usize),
    policy: &domain::oncall::EscalationPolicy,
) -> Vec<usize> {
    let count = policy.tiers.len();
    let (from_round, from_tier) = from;
    let (to_round, to_tier) = to;
    let mut passed: Vec<usize> = if to_round == from_round {
        (from_tier + 1..=to_tier).collect()
    } else if to_round == from_round + 1 {
        (from_tier + 1..count).chain(0..=to_tier).collect()
    } else {
        (0..count).collect()
    };
    passed.retain(|&tier| tier < count);
    let mut seen = Vec::with_capacity(passed.len());
    passed.retain(|tier| {
        let new = !seen.contains(tier);
        seen.push(*tier);
        new
    });
    passed
}
