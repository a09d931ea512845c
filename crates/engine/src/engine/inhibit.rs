//! Which active alerts can inhibit which. Per inhibition rule, the alerts
//! that match its source, grouped by tenant and the values of the rule's
//! `equal` labels: asking whether an alert is inhibited looks one group up
//! instead of scanning every active alert. An alert storm is when
//! inhibition matters, and when there are the most alerts to scan.

use std::collections::{BTreeMap, HashMap};

use domain::suppression::{InhibitRule, all_match};
use domain::{AlertId, LabelSet as _, TenantId};

use super::{Active, AlertKey};

/// A rule's source alerts, oldest first, by tenant and `equal` label values
/// (`None` where an alert lacks the label: two alerts lacking it are equal).
type Sources = HashMap<(TenantId, Vec<Option<String>>), BTreeMap<AlertId, AlertKey>>;

/// The sources of each rule of `config.inhibit`, in the same order.
#[derive(Debug, Default)]
pub(super) struct Inhibitors(Vec<Sources>);

impl Inhibitors {
    pub(super) fn build<'a>(
        rules: &[InhibitRule],
        alerts: impl IntoIterator<Item = &'a Active>,
    ) -> Self {
        let mut inhibitors = Self(rules.iter().map(|_| Sources::new()).collect());
        for active in alerts {
            inhibitors.add(rules, active);
        }
        inhibitors
    }

    /// Counts the alert as a source of every rule it matches.
    pub(super) fn add(&mut self, rules: &[InhibitRule], active: &Active) {
        for (rule, sources) in rules.iter().zip(&mut self.0) {
            if is_source(rule, active) {
                let alerts = sources.entry(group(rule, active)).or_default();
                alerts.insert(active.row.id, active.key());
            }
        }
    }

    /// Forgets the alert, as it was when added; whether it was a source.
    pub(super) fn remove(&mut self, rules: &[InhibitRule], active: &Active) -> bool {
        let mut was_source = false;
        for (rule, sources) in rules.iter().zip(&mut self.0) {
            if !is_source(rule, active) {
                continue;
            }
            was_source = true;
            let group = group(rule, active);
            if let Some(alerts) = sources.get_mut(&group) {
                alerts.remove(&active.row.id);
                if alerts.is_empty() {
                    sources.remove(&group);
                }
            }
        }
        was_source
    }

    /// The oldest source of rule number `index` (which is `rule`) with the
    /// alert's tenant and `equal` label values, other than the alert itself.
    pub(super) fn oldest_source(
        &self,
        index: usize,
        rule: &InhibitRule,
        key: &AlertKey,
        active: &Active,
    ) -> Option<&AlertKey> {
        let alerts = self.0.get(index)?.get(&group(rule, active))?;
        alerts.values().find(|source| *source != key)
    }
}

fn is_source(rule: &InhibitRule, active: &Active) -> bool {
    let alert = &active.row;
    all_match(&rule.source, &active.text, &alert.service, alert.severity.as_str())
}

fn group(rule: &InhibitRule, active: &Active) -> (TenantId, Vec<Option<String>>) {
    let values = rule.equal.iter().map(|name| active.text.label(name).map(str::to_owned));
    (active.row.tenant.clone(), values.collect())
}
