//! On-call vocabulary: users and how to reach them, rotation schedules with overrides, escalation policies.
//!
//! These are the validated shapes the `config` crate produces. Checking a
//! schedule or policy on its own ([`validate`], [`validate_policy`]) is here
//! too, so that the config checker needs no engine; computing who is on
//! call, and when an incident escalates, is `engine::oncall`'s job.
//!
//! Civil (wall-clock) dates and times are in the schedule's time zone; the
//! instants in [`Override`] are UTC [`Timestamp`]s.

use std::collections::HashSet;
use std::time::Duration;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::{TimeZone, TimeZoneDatabase};

pub use crate::ids::{EscalationPolicyId, ScheduleId, UserId};
use crate::{ChannelId, Timestamp};

/// A person who can be put on call, and the ways to reach them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: String,
    /// In the order they should be tried.
    pub contacts: Vec<Contact>,
}

/// One way to reach a user.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Contact {
    Email(String),
    /// A Slack member id (`U…`) or channel (`#noc`).
    Slack(String),
    /// A notification channel from the `notify:` section of the config.
    Webhook(ChannelId),
    /// E.164, e.g. `+4930123456`.
    Phone(String),
}

/// Who is on call, as a stack of rotation layers plus one-off overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub id: ScheduleId,
    pub name: String,
    /// IANA name (`Europe/Berlin`): the zone hand-offs and restrictions are in.
    pub time_zone: String,
    /// Bottom first: a later layer overrides earlier ones wherever it has
    /// someone on call (PagerDuty's "higher layers take precedence").
    pub layers: Vec<Layer>,
    /// One-off replacements; they beat every layer. Where two overlap (a
    /// validation problem), the later one in the list wins.
    pub overrides: Vec<Override>,
}

/// One rotation: its users take turns of `rotation` length, handing off at
/// `handoff` local time, starting on `start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// Unique within its schedule; reported with who is on call.
    pub name: String,
    /// In turn order; the first user has the first turn.
    pub users: Vec<UserId>,
    pub rotation: Rotation,
    pub handoff: Handoff,
    /// The rotation is anchored at the first hand-off on or after this date;
    /// before it the layer has nobody on call.
    pub start: Date,
    /// `None`: the layer covers all the time. `Some`: only within these
    /// windows (e.g. business hours); outside them the layers below show
    /// through. Turns keep rotating outside the windows.
    pub restriction: Option<Vec<Restriction>>,
}

/// How long one turn lasts, in civil (wall-clock) time of the schedule's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rotation {
    /// Every day at the hand-off time.
    Daily,
    /// Every seven days at the hand-off time.
    Weekly,
    /// Every so many hours of wall-clock time (a `12h` rotation hands off at
    /// the same two local times every day, whatever DST does).
    Custom(Duration),
}

/// When turns change, in the schedule's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handoff {
    pub time: Time,
    /// The weekday of the first hand-off (for a weekly rotation, of every
    /// hand-off). `None`: the layer's start date.
    pub weekday: Option<Weekday>,
}

/// A window, repeating every week, when a restricted layer has coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Restriction {
    /// The days on which the window opens.
    pub weekdays: WeekdayRange,
    pub time: TimeOfDayRange,
}

/// Inclusive, and may wrap: `Fri..=Mon` is Friday, Saturday, Sunday, Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeekdayRange {
    pub first: Weekday,
    pub last: Weekday,
}

impl WeekdayRange {
    pub const EVERY_DAY: Self = Self { first: Weekday::Monday, last: Weekday::Sunday };

    pub fn contains(self, day: Weekday) -> bool {
        self.first.until(day) <= self.first.until(self.last)
    }
}

/// From `start` (inclusive) to `end` (exclusive) local time. When `end` is not
/// after `start` the window runs past midnight into the next day; `start ==
/// end` is a full day (`00:00-00:00` is all of the day it opens on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeOfDayRange {
    pub start: Time,
    pub end: Time,
}

impl TimeOfDayRange {
    /// Whether the window ends on the day after the one it opens on.
    pub fn crosses_midnight(self) -> bool {
        self.end <= self.start
    }
}

/// Someone standing in for whoever the layers put on call, from `start`
/// (inclusive) to `end` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub user: UserId,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Who is notified about an incident, and how long each tier has before the
/// next one is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationPolicy {
    pub id: EscalationPolicyId,
    pub name: String,
    /// Notified in order; tier 0 when the incident opens.
    pub tiers: Vec<EscalationTier>,
    /// How many more times the whole list is run after the first pass
    /// (PagerDuty's `num_loops`). `0`: once.
    pub repeat: u32,
}

/// One step of an escalation policy. (Named so as not to be confused with a
/// tenant's contract [`crate::Tier`].)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationTier {
    pub targets: Vec<Target>,
    /// How long after this tier is notified the next one is, if nobody has
    /// acknowledged by then. After the last tier: the next round starts.
    pub delay: Duration,
}

/// Whom a tier notifies. There is no policy-to-policy target, so a policy
/// cannot loop through other policies.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    User(UserId),
    /// Whoever is on call in the schedule when the tier is reached.
    Schedule(ScheduleId),
    Channel(ChannelId),
}

/// The shortest custom rotation accepted.
pub const MIN_ROTATION: Duration = Duration::from_secs(3600);
/// The longest custom rotation accepted (a leap year).
pub const MAX_ROTATION: Duration = Duration::from_secs(366 * 86_400);

impl Rotation {
    /// How long one turn lasts in civil time; `None` for a custom length
    /// outside [`MIN_ROTATION`]`..=`[`MAX_ROTATION`].
    pub fn length(self) -> Option<Duration> {
        match self {
            Self::Daily => Some(Duration::from_secs(86_400)),
            Self::Weekly => Some(Duration::from_secs(7 * 86_400)),
            Self::Custom(length) if (MIN_ROTATION..=MAX_ROTATION).contains(&length) => Some(length),
            Self::Custom(_) => None,
        }
    }
}

impl Override {
    /// Whether it covers any time at all: it ends after it starts.
    pub fn is_live(&self) -> bool {
        self.start < self.end
    }
}

/// The IANA time zone `name` (`Europe/Berlin`) from the database bundled
/// into the binary by jiff's `tzdb-bundle-always` feature, never the host's
/// `/usr/share/zoneinfo`: the same schedule means the same on every machine.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    TimeZoneDatabase::bundled().get(name).ok()
}

/// A problem [`validate`] found; `path` names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleProblem {
    #[error("unknown time zone {time_zone:?}: expected an IANA name such as Europe/Berlin")]
    UnknownTimeZone { time_zone: String },
    #[error("a schedule needs at least one layer")]
    NoLayers,
    #[error("layer {name:?} has no users")]
    LayerWithoutUsers { layer: usize, name: String },
    #[error("layer name {name:?} is used by an earlier layer")]
    DuplicateLayerName { layer: usize, name: String },
    #[error("layer {name:?}: a custom rotation must last from 1h to 366d")]
    RotationOutOfRange { layer: usize, name: String },
    #[error("layer {name:?} has an empty restriction list, so it never has anyone on call")]
    EmptyRestriction { layer: usize, name: String },
    #[error("override {index} must end after it starts")]
    EmptyOverride { index: usize },
    #[error("overrides {first} and {second} overlap")]
    OverlappingOverrides { first: usize, second: usize },
}

impl ScheduleProblem {
    /// The field at fault, relative to the schedule (`layers[1].users`).
    pub fn path(&self) -> String {
        match self {
            Self::UnknownTimeZone { .. } => "time_zone".into(),
            Self::NoLayers => "layers".into(),
            Self::LayerWithoutUsers { layer, .. } => format!("layers[{layer}].users"),
            Self::DuplicateLayerName { layer, .. } => format!("layers[{layer}].name"),
            Self::RotationOutOfRange { layer, .. } => format!("layers[{layer}].rotation"),
            Self::EmptyRestriction { layer, .. } => format!("layers[{layer}].restriction"),
            Self::EmptyOverride { index } => format!("overrides[{index}].end"),
            Self::OverlappingOverrides { second, .. } => format!("overrides[{second}]"),
        }
    }
}

/// A problem [`validate_policy`] found; `path` names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyProblem {
    #[error("an escalation policy needs at least one tier")]
    NoTiers,
    #[error("tier {tier} has no targets")]
    TierWithoutTargets { tier: usize },
    #[error("tier {tier} has a zero delay, so the next tier is notified at the same moment")]
    ZeroDelay { tier: usize },
}

impl PolicyProblem {
    /// The field at fault, relative to the policy (`tiers[0].targets`).
    pub fn path(&self) -> String {
        match self {
            Self::NoTiers => "tiers".into(),
            Self::TierWithoutTargets { tier } => format!("tiers[{tier}].targets"),
            Self::ZeroDelay { tier } => format!("tiers[{tier}].delay"),
        }
    }
}

/// Everything wrong with a schedule, in field order. A hand-off at a local
/// time that some day skips (DST) is not a problem: it is resolved.
pub fn validate(schedule: &Schedule) -> Vec<ScheduleProblem> {
    let mut problems = Vec::new();
    if time_zone(&schedule.time_zone).is_none() {
        problems.push(ScheduleProblem::UnknownTimeZone { time_zone: schedule.time_zone.clone() });
    }
    if schedule.layers.is_empty() {
        problems.push(ScheduleProblem::NoLayers);
    }
    let mut names = HashSet::new();
    for (index, layer) in schedule.layers.iter().enumerate() {
        let name = layer.name.clone();
        if !names.insert(layer.name.as_str()) {
            problems.push(ScheduleProblem::DuplicateLayerName { layer: index, name: name.clone() });
        }
        if layer.users.is_empty() {
            problems.push(ScheduleProblem::LayerWithoutUsers { layer: index, name: name.clone() });
        }
        if layer.rotation.length().is_none() {
            problems.push(ScheduleProblem::RotationOutOfRange { layer: index, name: name.clone() });
        }
        if layer.restriction.as_ref().is_some_and(Vec::is_empty) {
            problems.push(ScheduleProblem::EmptyRestriction { layer: index, name });
        }
    }
    for (index, item) in schedule.overrides.iter().enumerate() {
        if !item.is_live() {
            problems.push(ScheduleProblem::EmptyOverride { index });
        }
    }
    let mut by_start: Vec<usize> =
        (0..schedule.overrides.len()).filter(|&i| schedule.overrides[i].is_live()).collect();
    by_start.sort_by_key(|&i| (schedule.overrides[i].start, i));
    let mut overlapping = Vec::new();
    for (position, &first) in by_start.iter().enumerate() {
        for &second in &by_start[position + 1..] {
            if schedule.overrides[second].start >= schedule.overrides[first].end {
                break;
            }
            overlapping.push((first.min(second), first.max(second)));
        }
    }
    overlapping.sort_unstable();
    problems.extend(
        overlapping
            .into_iter()
            .map(|(first, second)| ScheduleProblem::OverlappingOverrides { first, second }),
    );
    problems
}

/// Everything wrong with an escalation policy. References to users,
/// schedules and channels are checked with the rest of the config. There is
/// no loop to detect: no target can refer back to a policy.
pub fn validate_policy(policy: &EscalationPolicy) -> Vec<PolicyProblem> {
    let mut problems = Vec::new();
    if policy.tiers.is_empty() {
        problems.push(PolicyProblem::NoTiers);
    }
    let last = policy.tiers.len().saturating_sub(1);
    for (tier, step) in policy.tiers.iter().enumerate() {
        if step.targets.is_empty() {
            problems.push(PolicyProblem::TierWithoutTargets { tier });
        }
        // The last tier's delay only matters when the policy repeats.
        let delay_matters = tier < last || policy.repeat > 0;
        if step.delay.is_zero() && delay_matters {
            problems.push(PolicyProblem::ZeroDelay { tier });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IdError;

    #[test]
    fn ids_follow_the_slug_rules() {
        assert!(UserId::parse("ada.lovelace").is_ok());
        assert_eq!(ScheduleId::parse(""), Err(IdError::Empty));
        assert_eq!(EscalationPolicyId::parse("Primary"), Err(IdError::BadCharacter { found: 'P' }));
    }

    #[test]
    fn weekday_ranges_wrap() {
        let weekend = WeekdayRange { first: Weekday::Friday, last: Weekday::Monday };
        assert!(weekend.contains(Weekday::Sunday));
        assert!(weekend.contains(Weekday::Monday));
        assert!(!weekend.contains(Weekday::Tuesday));
        let workdays = WeekdayRange { first: Weekday::Monday, last: Weekday::Friday };
        assert!(workdays.contains(Weekday::Friday));
        assert!(!workdays.contains(Weekday::Saturday));
        assert!(WeekdayRange::EVERY_DAY.contains(Weekday::Sunday));
        let one = WeekdayRange { first: Weekday::Wednesday, last: Weekday::Wednesday };
        assert!(one.contains(Weekday::Wednesday) && !one.contains(Weekday::Thursday));
    }
}
