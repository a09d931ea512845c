//! The `priority` section: the matrix from severity, environment, criticality, tier and affected users to a priority level.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use domain::{Criticality, Environment, PriorityMatrix, Severity, Tier, UsersAffected};

use super::{Checker, Word, index};
use crate::yaml::{Kind, Mark, Node};

/// Baseline levels for severities: P1 to P5.
pub const LEVEL_RANGE: RangeInclusive<u32> = 1..=PriorityMatrix::MAX_LEVEL as u32;
/// Steps an environment, criticality or tier adds, or affected users raise.
pub const STEP_RANGE: RangeInclusive<u32> = 0..=PriorityMatrix::MAX_STEPS as u32;

const PRIORITY_KEYS: &[&str] =
    &["severity", "environment", "criticality", "tier", "users_affected"];
const USERS_AFFECTED_KEYS: &[&str] = &["at_least", "raise"];

impl Checker<'_> {
    /// Words left out keep their defaults, so every map stays total.
    pub(super) fn read_priority(&mut self, node: &Node, matrix: &mut PriorityMatrix) {
        let Some(fields) = self.fields(node, "priority", "the priority matrix", PRIORITY_KEYS)
        else {
            return;
        };
        if let Some(node) = fields.get("severity") {
            let path = fields.path("severity");
            self.levels::<Severity>(node, &path, LEVEL_RANGE, &mut matrix.severity);
        }
        if let Some(node) = fields.get("environment") {
            let path = fields.path("environment");
            self.levels::<Environment>(node, &path, STEP_RANGE, &mut matrix.environment);
        }
        if let Some(node) = fields.get("criticality") {
            let path = fields.path("criticality");
            self.levels::<Criticality>(node, &path, STEP_RANGE, &mut matrix.criticality);
        }
        if let Some(node) = fields.get("tier") {
            self.levels::<Tier>(node, &fields.path("tier"), STEP_RANGE, &mut matrix.tier);
        }
        if let Some(node) = fields.get("users_affected") {
            matrix.users_affected = self.users_affected(node, &fields.path("users_affected"));
        }
    }

    /// `{word: number, …}` for the words of `T`.
    fn levels<T: Word + Ord>(
        &mut self,
        node: &Node,
        path: &str,
        range: RangeInclusive<u32>,
        levels: &mut BTreeMap<T, u8>,
    ) {
        let words: Vec<&'static str> = T::all().iter().map(|word| word.word()).collect();
        let what = format!("a number for each {}", T::WHAT);
        let Some(fields) = self.fields(node, path, &what, &words) else { return };
        for (name, _, value) in &fields.entries {
            let Some(word) = T::all().iter().copied().find(|word| word.word() == *name) else {
                continue;
            };
            if let Some(level) = self.integer(value, &fields.path(name), range.clone())
                && let Ok(level) = u8::try_from(level)
            {
                levels.insert(word, level);
            }
        }
    }

    /// Rules by threshold; thresholds must differ, and a higher one must not raise less.
    fn users_affected(&mut self, node: &Node, path: &str) -> Vec<UsersAffected> {
        let Some(items) = self.list(node, path, "users-affected rules") else { return Vec::new() };
        let mut rules: Vec<(UsersAffected, Mark, Mark, String)> = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let item_path = index(path, position);
            let Some(fields) =
                self.fields(item, &item_path, "a users-affected rule", USERS_AFFECTED_KEYS)
            else {
                continue;
            };
            let at_least = self.required(&fields, "at_least").and_then(|node| {
                Some((self.threshold(node, &fields.path("at_least"))?, node.mark))
            });
            let raise = self.required(&fields, "raise").and_then(|node| {
                let raise = self.integer(node, &fields.path("raise"), STEP_RANGE)?;
                Some((u8::try_from(raise).ok()?, node.mark))
            });
            if let (Some((at_least, at_least_mark)), Some((raise, raise_mark))) = (at_least, raise)
            {
                let rule = UsersAffected { at_least, raise };
                rules.push((rule, at_least_mark, raise_mark, item_path));
            }
        }
        for (position, (rule, at_least_mark, raise_mark, item_path)) in rules.iter().enumerate() {
            let earlier = &rules[..position];
            if let Some((_, first, _, _)) =
                earlier.iter().find(|(other, ..)| other.at_least == rule.at_least)
            {
                let message = format!(
                    "duplicate threshold at_least: {} (first at line {})",
                    rule.at_least, first.line
                );
                self.error(*at_least_mark, &format!("{item_path}.at_least"), message);
                continue;
            }
            let lower_raises_more = rules
                .iter()
                .find(|(other, ..)| other.at_least < rule.at_least && other.raise > rule.raise);
            if let Some((lower, ..)) = lower_raises_more {
                let message = format!(
                    "raises {} for at least {} users, less than the {} for at least {}: more \
                     users affected must not lower the priority",
                    rule.raise, rule.at_least, lower.raise, lower.at_least
                );
                self.error(*raise_mark, &format!("{item_path}.raise"), message);
            }
        }
        rules.into_iter().map(|(rule, ..)| rule).collect()
    }

    /// A count of users, at least 1.
    fn threshold(&mut self, node: &Node, path: &str) -> Option<u64> {
        let parsed = match &node.kind {
            Kind::Scalar { value, plain: true } => value.parse::<u64>().ok(),
            _ => None,
        };
        match parsed {
            Some(count) if count >= 1 => Some(count),
            _ => {
                let message = format!(
                    "expected a whole number of users, at least 1, found {}",
                    node.describe()
                );
                self.error(node.mark, path, message);
                None
            }
        }
    }
}
