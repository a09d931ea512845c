//! On-call vocabulary: users and how to reach them, rotation schedules with overrides, escalation policies.
//!
//! These are the validated shapes the `config` crate produces. Computing who
//! is on call, and when an incident escalates, is `engine::oncall`'s job.
//!
//! Civil (wall-clock) dates and times are in the schedule's time zone; the
//! instants in [`Override`] are UTC [`Timestamp`]s.

use std::fmt;
use std::time::Duration;

use jiff::civil::{Date, Time, Weekday};

use crate::{ChannelId, IdError, Timestamp};

/// Slug ids with the same rules as those in `ids.rs` (checked by delegating to
/// [`ChannelId::parse`], so the rules live in one place). They belong in
/// `ids.rs`; they are here only because that file was not ours to edit.
macro_rules! oncall_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = ChannelId::MAX_LEN;

            pub fn parse(value: &str) -> Result<Self, IdError> {
                ChannelId::parse(value)?;
                Ok(Self(value.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

oncall_id!(
    /// A person who can be put on call.
    UserId
);
oncall_id!(
    /// A rotation schedule.
    ScheduleId
);
oncall_id!(
    /// An escalation policy.
    EscalationPolicyId
);

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

#[cfg(test)]
mod tests {
    use super::*;

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
