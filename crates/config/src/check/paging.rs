//! When pages go out: tenants' `business_hours`, `acknowledge_timeout` and `off_hours_paging`, and the `sla` section.

use std::collections::BTreeMap;

use domain::{BusinessHours, EscalationPolicyId, Priority, SlaTarget, Tier};

use domain::oncall::Restriction;

use super::{At, Checker, Fields, Word, index};
use crate::yaml::Node;

const BUSINESS_HOURS_KEYS: &[&str] = &["time_zone", "windows"];
const SLA_TARGET_KEYS: &[&str] = &["acknowledge", "resolve"];
const PRIORITY_WORDS: &[&str] = &["P1", "P2", "P3", "P4", "P5"];

impl Checker<'_> {
    /// `{time_zone, windows: [{days, time}]}`.
    pub(super) fn read_business_hours(&mut self, node: &Node, path: &str) -> Option<BusinessHours> {
        let fields = self.fields(node, path, "business hours", BUSINESS_HOURS_KEYS)?;
        let (time_zone, windows) = self.zoned_windows(&fields, "business hours");
        Some(BusinessHours { time_zone: time_zone?, windows: windows? })
    }

    /// The `time_zone` and `windows` that maintenance windows and business
    /// hours share; `what` names the object in messages.
    pub(super) fn zoned_windows(
        &mut self,
        fields: &Fields<'_>,
        what: &str,
    ) -> (Option<String>, Option<Vec<Restriction>>) {
        let time_zone = self.required(fields, "time_zone").and_then(|n| {
            let path = fields.path("time_zone");
            let name = self.string(n, &path)?;
            if domain::oncall::time_zone(&name).is_none() {
                let message = format!(
                    "unknown time zone {name:?}: expected an IANA name such as Europe/Berlin"
                );
                self.error(n.mark, &path, message);
                return None;
            }
            Some(name)
        });
        let windows = self.required(fields, "windows").and_then(|n| {
            let path = fields.path("windows");
            let items = self.list(n, &path, "windows")?;
            if items.is_empty() {
                self.error(n.mark, &path, format!("{what} needs at least one window"));
                return None;
            }
            let before = self.diagnostics.len();
            let windows: Vec<_> = items
                .iter()
                .enumerate()
                .filter_map(|(position, item)| self.restriction(item, &index(&path, position)))
                .collect();
            (self.diagnostics.len() == before).then_some(windows)
        });
        (time_zone, windows)
    }

    /// `P1` … `P5`.
    pub(super) fn priority_word(&mut self, node: &Node, path: &str) -> Option<Priority> {
        let text = self.string(node, path)?;
        let parsed = PRIORITY_WORDS.contains(&text.as_str()).then(|| Priority::parse(&text));
        if parsed.flatten().is_none() {
            let message = format!("invalid priority `{text}`; expected P1, P2, P3, P4 or P5");
            self.error(node.mark, path, message);
        }
        parsed.flatten()
    }

    /// A duration longer than zero.
    pub(super) fn positive_duration(
        &mut self,
        node: &Node,
        path: &str,
    ) -> Option<std::time::Duration> {
        let duration = self.duration(node, path)?;
        if duration.is_zero() {
            self.error(node.mark, path, "must be longer than zero");
            return None;
        }
        Some(duration)
    }

    /// `sla: {platinum: {P1: {acknowledge: 5m, resolve: 1h}, …}, …}`.
    pub(super) fn read_sla(&mut self, node: &Node) -> Vec<SlaTarget> {
        let tiers: Vec<&'static str> = Tier::all().iter().map(|tier| tier.word()).collect();
        let Some(fields) = self.fields(node, "sla", "SLA targets by tenant tier", &tiers) else {
            return Vec::new();
        };
        let mut targets = BTreeMap::new();
        for (name, _, value) in &fields.entries {
            let Some(tier) = Tier::all().iter().copied().find(|tier| tier.word() == *name) else {
                continue;
            };
            let tier_path = fields.path(name);
            let what = "SLA targets by priority";
            let Some(by_priority) = self.fields(value, &tier_path, what, PRIORITY_WORDS) else {
                continue;
            };
            for (word, _, value) in &by_priority.entries {
                let Some(priority) = Priority::parse(word) else { continue };
                let path = by_priority.path(word);
                let Some(target) = self.fields(value, &path, "SLA targets", SLA_TARGET_KEYS) else {
                    continue;
                };
                let acknowledge = target
                    .get("acknowledge")
                    .and_then(|n| self.positive_duration(n, &target.path("acknowledge")));
                let resolve = target
                    .get("resolve")
                    .and_then(|n| self.positive_duration(n, &target.path("resolve")));
                if target.get("acknowledge").is_none() && target.get("resolve").is_none() {
                    self.error(
                        value.mark,
                        &path,
                        "an SLA target needs acknowledge, resolve or both",
                    );
                    continue;
                }
                if let (Some(ack), Some(resolve)) = (acknowledge, resolve)
                    && resolve < ack
                {
                    let message = format!(
                        "resolve ({resolve:?}) must not be shorter than acknowledge ({ack:?})"
                    );
                    self.error(value.mark, &target.path("resolve"), message);
                    continue;
                }
                targets
                    .insert((tier, priority), SlaTarget { tier, priority, acknowledge, resolve });
            }
        }
        targets.into_values().collect()
    }

    /// `escalation_by_tier: {platinum: noc-premium}`: the policy for every
    /// service of a tenant of that tier, over the service's and tenant's own.
    pub(super) fn read_escalation_by_tier(
        &mut self,
        node: &Node,
    ) -> Vec<(Tier, At<EscalationPolicyId>)> {
        let tiers: Vec<&'static str> = Tier::all().iter().map(|tier| tier.word()).collect();
        let what = "an escalation policy id for each tenant tier";
        let Some(fields) = self.fields(node, "escalation_by_tier", what, &tiers) else {
            return Vec::new();
        };
        let mut policies = Vec::new();
        for (name, _, value) in &fields.entries {
            let Some(tier) = Tier::all().iter().copied().find(|tier| tier.word() == *name) else {
                continue;
            };
            let path = fields.path(name);
            if let Some(policy) =
                self.id(value, &path, "escalation policy id", EscalationPolicyId::parse)
            {
                policies.push((tier, policy));
            }
        }
        policies
    }
}
