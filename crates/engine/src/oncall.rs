//! Who is on call and when an incident escalates: pure functions of a schedule or policy and the instants callers pass.
//!
//! # Time zones
//!
//! Zones are looked up in the IANA database bundled into the binary by jiff's
//! `tzdb-bundle-always` feature ([`domain::oncall::time_zone`]), never in
//! `/usr/share/zoneinfo` or `$TZDIR`: the same schedule gives the same
//! answers on every machine, and upgrading the database is a dependency bump.
//!
//! # Hand-offs across DST
//!
//! Rotations run in civil (wall-clock) time: turn `k` of a layer starts at the
//! local date-time `anchor + k × rotation`, so a daily 09:00 hand-off in
//! `Europe/Berlin` stays at 09:00 local and moves from 08:00Z to 07:00Z on
//! the spring-forward day. A turn therefore lasts 23 or 25 hours across a
//! change. A local date-time becomes an instant by one rule: **the first
//! instant at which the wall clock reads that time or later**.
//!
//! - In a fold (the repeated hour when clocks go back) that is the first
//!   occurrence, which is jiff's `Disambiguation::Earlier` (and `Compatible`):
//!   02:30 on 2026-10-25 in Berlin is 02:30+02:00 = 00:30Z.
//! - In a gap (the skipped hour when clocks go forward) it is the transition
//!   itself, the next valid local time: 02:30 on 2026-03-29 in Berlin is
//!   03:00+02:00 = 01:00Z. This is *not* jiff's `Compatible` (which gives
//!   03:30, keeping the offset from before the gap): that choice can place a
//!   later wall-clock time at an earlier instant (02:30 → 01:30Z but 03:15 →
//!   01:15Z), so hand-offs and restriction windows could run backwards. The
//!   rule used here is monotonic, so turns and windows never do.
//!
//! Restriction windows use the same rule for their edges. A hand-off that
//! falls in a gap is resolved, never rejected.
//!
//! # Escalation
//!
//! Tier 0 is notified when the incident opens; tier `i + 1` after tier `i`'s
//! delay; after the last tier's delay the next round starts at tier 0, for
//! `repeat` more rounds; then the last tier stays current. A policy cannot
//! loop: its targets are users, schedules and channels, and schedules hold
//! only users, so there is nothing that refers back to a policy.

use domain::Timestamp;
use domain::oncall::{EscalationPolicy, Layer, Restriction, Rotation, Schedule, UserId};
use jiff::SignedDuration;
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, TimeZone};

/// Checking a schedule or policy on its own lives in `domain::oncall`, so
/// the config checker can use it without depending on the engine.
pub use domain::oncall::{
    MAX_ROTATION, MIN_ROTATION, PolicyProblem, ScheduleProblem, validate, validate_policy,
};

/// How far [`on_call`] looks either side of the instant for the edges of a
/// stretch with nobody on call before it reports them as unknown.
const NOBODY_SEARCH_LIMIT: SignedDuration = SignedDuration::from_hours(4 * 366 * 24);

/// What put a user on call.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A turn in this layer's rotation (`index` into `Schedule::layers`).
    Layer { index: usize, name: String },
    /// This override (`index` into `Schedule::overrides`).
    Override { index: usize },
}

/// Who a schedule puts on call at an instant, and the stretch of time around
/// it with the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnCall {
    pub user: UserId,
    pub source: Source,
    /// When this stretch began: a hand-off, an override's or restriction
    /// window's edge, or a higher layer's coverage ending.
    pub from: Timestamp,
    /// When the answer next changes (exclusive).
    pub until: Timestamp,
}

impl OnCall {
    /// The layer whose rotation put the user on call; `None` for an override.
    pub fn layer(&self) -> Option<&str> {
        match &self.source {
            Source::Layer { name, .. } => Some(name),
            Source::Override { .. } => None,
        }
    }

    pub fn overridden(&self) -> bool {
        matches!(self.source, Source::Override { .. })
    }
}

/// Someone on call and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub user: UserId,
    pub source: Source,
}

/// One stretch of a rendered schedule. Consecutive shifts tile the requested
/// range; a shift with nobody on call is a gap in coverage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub from: Timestamp,
    pub until: Timestamp,
    pub on_call: Option<Assignment>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("unknown time zone {time_zone:?}")]
    UnknownTimeZone { time_zone: String },
    #[error("layer {layer:?}: a rotation must last from 1h to 366d")]
    InvalidRotation { layer: String },
    /// No layer has coverage and no override applies. `from` and `until`
    /// bound the gap when it ends within four years either side.
    #[error("nobody is on call")]
    NobodyOnCall { from: Option<Timestamp>, until: Option<Timestamp> },
}

/// Where an escalation has got to. Orders by progress: round, then tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EscalationStep {
    /// 0 for the first pass, up to the policy's `repeat`.
    pub round: u32,
    /// Index into the policy's tiers.
    pub tier: usize,
}

/// Who `schedule` puts on call at `at`: an override if one covers `at` (the
/// later in the list if several do), else the highest layer with coverage.
pub fn on_call(schedule: &Schedule, at: Timestamp) -> Result<OnCall, ScheduleError> {
    let plan = Plan::new(schedule)?;
    let mut radius = initial_radius(schedule, &plan, at);
    loop {
        let window_from = saturating_add(at, -radius);
        let window_until = saturating_add(at, radius);
        let segments = plan.segments(window_from, window_until);
        let segment = segments
            .iter()
            .find(|s| s.from <= at && at < s.until)
            .copied()
            .unwrap_or(Segment { from: at, until: at, key: Key::Nobody });
        let clipped_from = segment.from == window_from && window_from != Timestamp::MIN;
        let clipped_until = segment.until == window_until && window_until != Timestamp::MAX;
        let searched_enough = radius >= NOBODY_SEARCH_LIMIT;
        if (clipped_from || clipped_until) && !searched_enough {
            radius = radius.checked_mul(2).unwrap_or(SignedDuration::MAX);
            continue;
        }
        return match plan.assignment(segment.key) {
            Some(Assignment { user, source }) => {
                Ok(OnCall { user, source, from: segment.from, until: segment.until })
            }
            None => Err(ScheduleError::NobodyOnCall {
                from: (!clipped_from).then_some(segment.from),
                until: (!clipped_until).then_some(segment.until),
            }),
        };
    }
}

/// The schedule from `from` to `until`, as consecutive shifts that tile the
/// range exactly (the first and last are clipped to it). Empty when `from`
/// is not before `until`.
pub fn shifts(
    schedule: &Schedule,
    from: Timestamp,
    until: Timestamp,
) -> Result<Vec<Shift>, ScheduleError> {
    let plan = Plan::new(schedule)?;
    if from >= until {
        return Ok(Vec::new());
    }
    Ok(plan
        .segments(from, until)
        .into_iter()
        .map(|s| Shift { from: s.from, until: s.until, on_call: plan.assignment(s.key) })
        .collect())
}

/// The step an incident opened at `opened_at` has reached at `now`; `None`
/// before it opened or when the policy has no tiers.
pub fn escalation_step(
    policy: &EscalationPolicy,
    opened_at: Timestamp,
    now: Timestamp,
) -> Option<EscalationStep> {
    let timing = EscalationTiming::new(policy)?;
    let elapsed = elapsed_nanos(opened_at, now)?;
    let round = match elapsed.checked_div(timing.round_nanos) {
        Some(completed) => completed.min(u128::from(policy.repeat)),
        None => u128::from(policy.repeat),
    };
    let into_round = elapsed.saturating_sub(round.saturating_mul(timing.round_nanos));
    let tier = timing.offsets.iter().rposition(|&offset| offset <= into_round).unwrap_or(0);
    Some(EscalationStep { round: u32::try_from(round).unwrap_or(policy.repeat), tier })
}

/// When [`escalation_step`] next changes after `now`: the deadline the
/// caller schedules. `None` once the last tier of the last round is reached
/// (or the policy has no tiers).
pub fn next_escalation_at(
    policy: &EscalationPolicy,
    opened_at: Timestamp,
    now: Timestamp,
) -> Option<Timestamp> {
    let timing = EscalationTiming::new(policy)?;
    let Some(elapsed) = elapsed_nanos(opened_at, now) else {
        return Some(opened_at);
    };
    let round = elapsed.checked_div(timing.round_nanos)?;
    if round > u128::from(policy.repeat) {
        return None;
    }
    let round_start = round.saturating_mul(timing.round_nanos);
    let into_round = elapsed - round_start;
    let next = match timing.offsets.iter().find(|&&offset| offset > into_round) {
        Some(offset) => round_start.saturating_add(*offset),
        None if round < u128::from(policy.repeat) => round_start.saturating_add(timing.round_nanos),
        None => return None,
    };
    let next = SignedDuration::try_from_nanos_i128(i128::try_from(next).ok()?)?;
    opened_at.checked_add(next).ok()
}

/// The window of `restrictions` (local times of `time_zone`) that `at` is
/// in, as `(opens, closes)`; `None` when `at` is outside all of them or the
/// zone is unknown. Used for maintenance windows and business hours.
pub fn window_at(
    time_zone_name: &str,
    restrictions: &[Restriction],
    at: Timestamp,
) -> Option<(Timestamp, Timestamp)> {
    let tz = time_zone(time_zone_name).ok()?;
    let until = at.checked_add(SignedDuration::from_nanos(1)).ok()?;
    windows(&tz, restrictions, at, until)
        .into_iter()
        .find(|(opens, closes)| *opens <= at && at < *closes)
}

/// When the next window of `restrictions` opens after `at` (local times of
/// `time_zone`), looking up to eight days ahead; `None` when none does or
/// the zone is unknown. Used to hold low-priority pages until business hours.
pub fn next_window_opens(
    time_zone_name: &str,
    restrictions: &[Restriction],
    at: Timestamp,
) -> Option<Timestamp> {
    let tz = time_zone(time_zone_name).ok()?;
    let until = at.checked_add(SignedDuration::from_hours(8 * 24)).ok()?;
    windows(&tz, restrictions, at, until).into_iter().map(|(opens, _)| opens).find(|o| *o > at)
}

fn time_zone(name: &str) -> Result<TimeZone, ScheduleError> {
    domain::oncall::time_zone(name)
        .ok_or_else(|| ScheduleError::UnknownTimeZone { time_zone: name.to_owned() })
}

/// The first instant at which the wall clock in `tz` reads `local` or later:
/// the first occurrence in a fold, the transition out of a gap. Monotonic in
/// `local`. `None` only at the ends of the representable range.
fn resolve(tz: &TimeZone, local: DateTime) -> Option<Timestamp> {
    match tz.to_ambiguous_timestamp(local).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(local).ok(),
        AmbiguousOffset::Fold { before, .. } => before.to_timestamp(local).ok(),
        AmbiguousOffset::Gap { before, after } => {
            // Read with the offset after the gap, `local` is an instant
            // before the transition; the transition is the next one.
            let before_transition = after.to_timestamp(local).ok()?;
            tz.following(before_transition)
                .next()
                .map(|transition| transition.timestamp())
                .or_else(|| before.to_timestamp(local).ok())
        }
    }
}

fn saturating_add(at: Timestamp, duration: SignedDuration) -> Timestamp {
    at.saturating_add(duration).unwrap_or(if duration.is_negative() {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

fn rotation_nanos(rotation: Rotation) -> Option<i128> {
    i128::try_from(rotation.length()?.as_nanos()).ok()
}

/// How far either side of `at` to compute so that a stretch with someone on
/// call is never clipped: longer than any turn (plus a day for DST) and any
/// override covering `at`.
fn initial_radius(schedule: &Schedule, plan: &Plan<'_>, at: Timestamp) -> SignedDuration {
    let mut radius = SignedDuration::from_hours(8 * 24);
    for layer in plan.layers.iter().flatten() {
        let turn = SignedDuration::try_from_nanos_i128(layer.period_nanos)
            .and_then(|turn| turn.checked_add(SignedDuration::from_hours(48)));
        radius = radius.max(turn.unwrap_or(SignedDuration::MAX));
    }
    for item in schedule.overrides.iter().filter(|o| o.start <= at && at < o.end) {
        let length = item.end.duration_since(item.start);
        radius = radius.max(length.checked_add(SignedDuration::from_hours(24)).unwrap_or(length));
    }
    radius
}

/// Which source holds a stretch of time. Adjacent stretches with the same
/// key merge into one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Nobody,
    Override(usize),
    Layer { layer: usize, turn: i64 },
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    from: Timestamp,
    until: Timestamp,
    key: Key,
}

/// Part of one turn of a layer during which the layer has coverage.
#[derive(Debug, Clone, Copy)]
struct Piece {
    from: Timestamp,
    until: Timestamp,
    turn: i64,
}

/// A schedule checked for computing: its zone looked up, its layers' turns
/// anchored.
struct Plan<'s> {
    schedule: &'s Schedule,
    tz: TimeZone,
    /// `None` for a layer without users: it never has coverage.
    layers: Vec<Option<LayerPlan<'s>>>,
}

struct LayerPlan<'s> {
    layer: &'s Layer,
    /// Local date-time of the first hand-off (turn 0).
    anchor: DateTime,
    period_nanos: i128,
}

impl<'s> Plan<'s> {
    fn new(schedule: &'s Schedule) -> Result<Self, ScheduleError> {
        let tz = time_zone(&schedule.time_zone)?;
        let mut layers = Vec::with_capacity(schedule.layers.len());
        for layer in &schedule.layers {
            let period_nanos = rotation_nanos(layer.rotation)
                .ok_or_else(|| ScheduleError::InvalidRotation { layer: layer.name.clone() })?;
            if layer.users.is_empty() {
                layers.push(None);
                continue;
            }
            let days_to_weekday =
                layer.handoff.weekday.map_or(0, |weekday| layer.start.weekday().until(weekday));
            let anchor = layer
                .start
                .to_datetime(layer.handoff.time)
                .saturating_add(SignedDuration::from_hours(24 * i64::from(days_to_weekday)));
            layers.push(Some(LayerPlan { layer, anchor, period_nanos }));
        }
        Ok(Self { schedule, tz, layers })
    }

    fn assignment(&self, key: Key) -> Option<Assignment> {
        match key {
            Key::Nobody => None,
            Key::Override(index) => Some(Assignment {
                user: self.schedule.overrides[index].user.clone(),
                source: Source::Override { index },
            }),
            Key::Layer { layer: index, turn } => {
                let layer = &self.schedule.layers[index];
                let count = i64::try_from(layer.users.len()).ok()?;
                let user = usize::try_from(turn.rem_euclid(count)).ok()?;
                Some(Assignment {
                    user: layer.users.get(user)?.clone(),
                    source: Source::Layer { index, name: layer.name.clone() },
                })
            }
        }
    }

    /// Who holds each stretch of `[from, until)`: consecutive, non-empty,
    /// tiling the range, adjacent ones with different keys.
    fn segments(&self, from: Timestamp, until: Timestamp) -> Vec<Segment> {
        if from >= until {
            return Vec::new();
        }
        let pieces: Vec<Vec<Piece>> = self
            .layers
            .iter()
            .map(|layer| match layer {
                Some(layer) => layer.pieces(&self.tz, from, until),
                None => Vec::new(),
            })
            .collect();
        let overrides: Vec<usize> = (0..self.schedule.overrides.len())
            .filter(|&i| {
                let item = &self.schedule.overrides[i];
                item.is_live() && item.start < until && from < item.end
            })
            .collect();

        let mut edges = vec![from, until];
        for piece in pieces.iter().flatten() {
            edges.extend([piece.from, piece.until]);
        }
        for &i in &overrides {
            edges.extend([self.schedule.overrides[i].start, self.schedule.overrides[i].end]);
        }
        edges.retain(|&edge| from <= edge && edge <= until);
        edges.sort_unstable();
        edges.dedup();

        let mut cursors = vec![0usize; pieces.len()];
        let mut segments: Vec<Segment> = Vec::new();
        for pair in edges.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            let key = self.key_at(start, &overrides, &pieces, &mut cursors);
            match segments.last_mut() {
                Some(last) if last.key == key && last.until == start => last.until = end,
                _ => segments.push(Segment { from: start, until: end, key }),
            }
        }
        segments
    }

    /// Who holds the instant `at`. `cursors` advance monotonically, so `at`
    /// must not decrease between calls.
    fn key_at(
        &self,
        at: Timestamp,
        overrides: &[usize],
        pieces: &[Vec<Piece>],
        cursors: &mut [usize],
    ) -> Key {
        if let Some(&index) = overrides.iter().rev().find(|&&i| {
            let item = &self.schedule.overrides[i];
            item.start <= at && at < item.end
        }) {
            return Key::Override(index);
        }
        let mut key = Key::Nobody;
        for (layer, layer_pieces) in pieces.iter().enumerate() {
            let cursor = &mut cursors[layer];
            while *cursor < layer_pieces.len() && layer_pieces[*cursor].until <= at {
                *cursor += 1;
            }
            if let Some(piece) = layer_pieces.get(*cursor)
                && piece.from <= at
            {
                key = Key::Layer { layer, turn: piece.turn };
            }
        }
        key
    }
}

impl LayerPlan<'_> {
    /// Where turn `turn` begins; `None` past the representable range.
    fn handoff(&self, tz: &TimeZone, turn: i64) -> Option<Timestamp> {
        let offset = self.period_nanos.checked_mul(i128::from(turn))?;
        let local = self.anchor.checked_add(SignedDuration::try_from_nanos_i128(offset)?).ok()?;
        resolve(tz, local)
    }

    /// The turn in progress at `at`; `None` before the first hand-off.
    fn turn_at(&self, tz: &TimeZone, at: Timestamp) -> Option<i64> {
        let first = self.handoff(tz, 0)?;
        if at < first {
            return None;
        }
        // Estimate from wall-clock time, then correct for DST by at most a
        // turn or two either way.
        let elapsed = tz.to_datetime(at).duration_since(self.anchor).as_nanos();
        let mut turn = i64::try_from(elapsed.div_euclid(self.period_nanos)).unwrap_or(0).max(0);
        while turn > 0 && self.handoff(tz, turn).is_none_or(|start| start > at) {
            turn -= 1;
        }
        while let Some(next) = turn.checked_add(1)
            && self.handoff(tz, next).is_some_and(|start| start <= at)
        {
            turn = next;
        }
        Some(turn)
    }

    /// This layer's coverage within `[from, until)`, sorted and disjoint.
    fn pieces(&self, tz: &TimeZone, from: Timestamp, until: Timestamp) -> Vec<Piece> {
        let windows = match &self.layer.restriction {
            None => None,
            Some(restrictions) => match windows(tz, restrictions, from, until) {
                windows if windows.is_empty() => return Vec::new(),
                windows => Some(windows),
            },
        };
        let mut turns = Vec::new();
        let mut turn = self.turn_at(tz, from).unwrap_or(0);
        let mut start = self.handoff(tz, turn);
        while let Some(turn_start) = start
            && turn_start < until
        {
            let next = turn.checked_add(1);
            start = next.and_then(|next| self.handoff(tz, next));
            let (clipped_start, clipped_end) =
                (turn_start.max(from), start.unwrap_or(Timestamp::MAX).min(until));
            if clipped_start < clipped_end {
                turns.push(Piece { from: clipped_start, until: clipped_end, turn });
            }
            match next {
                Some(next) => turn = next,
                None => break,
            }
        }
        match windows {
            None => turns,
            Some(windows) => intersect(&turns, &windows),
        }
    }
}

/// The restriction windows overlapping `[from, until)`, merged, sorted and
/// disjoint.
fn windows(
    tz: &TimeZone,
    restrictions: &[Restriction],
    from: Timestamp,
    until: Timestamp,
) -> Vec<(Timestamp, Timestamp)> {
    // A window opens on its day and closes by the end of the next one; a
    // day's margin either side covers any offset change.
    let first_day = days_back(tz.to_datetime(from).date(), 2);
    let last_day = tz.to_datetime(until).date().tomorrow().unwrap_or(Date::MAX);
    let mut windows = Vec::new();
    let mut day = first_day;
    loop {
        for restriction in restrictions.iter().filter(|r| r.weekdays.contains(day.weekday())) {
            let closing_day =
                if restriction.time.crosses_midnight() { day.tomorrow().ok() } else { Some(day) };
            let opens = resolve(tz, day.to_datetime(restriction.time.start));
            let closes = closing_day.and_then(|d| resolve(tz, d.to_datetime(restriction.time.end)));
            if let Some(opens) = opens {
                let closes = closes.unwrap_or(Timestamp::MAX);
                if opens < closes && opens < until && from < closes {
                    windows.push((opens, closes));
                }
            }
        }
        match day.tomorrow() {
            Ok(next) if day < last_day => day = next,
            _ => break,
        }
    }
    windows.sort_unstable();
    let mut merged: Vec<(Timestamp, Timestamp)> = Vec::with_capacity(windows.len());
    for (opens, closes) in windows {
        match merged.last_mut() {
            Some(last) if opens <= last.1 => last.1 = last.1.max(closes),
            _ => merged.push((opens, closes)),
        }
    }
    merged
}

fn days_back(day: Date, days: usize) -> Date {
    (0..days).fold(day, |day, _| day.yesterday().unwrap_or(day))
}

/// The parts of `turns` inside `windows`; both sorted and disjoint.
fn intersect(turns: &[Piece], windows: &[(Timestamp, Timestamp)]) -> Vec<Piece> {
    let mut out = Vec::new();
    let (mut t, mut w) = (0, 0);
    while t < turns.len() && w < windows.len() {
        let turn = turns[t];
        let (opens, closes) = windows[w];
        let (start, end) = (turn.from.max(opens), turn.until.min(closes));
        if start < end {
            out.push(Piece { from: start, until: end, turn: turn.turn });
        }
        if turn.until <= closes {
            t += 1;
        } else {
            w += 1;
        }
    }
    out
}

struct EscalationTiming {
    /// When each tier is reached, from the start of a round.
    offsets: Vec<u128>,
    round_nanos: u128,
}

impl EscalationTiming {
    fn new(policy: &EscalationPolicy) -> Option<Self> {
        if policy.tiers.is_empty() {
            return None;
        }
        let mut offsets = Vec::with_capacity(policy.tiers.len());
        let mut round_nanos: u128 = 0;
        for tier in &policy.tiers {
            offsets.push(round_nanos);
            round_nanos = round_nanos.saturating_add(tier.delay.as_nanos());
        }
        Some(Self { offsets, round_nanos })
    }
}

/// Nanoseconds from `opened_at` to `now`; `None` if `now` is earlier.
fn elapsed_nanos(opened_at: Timestamp, now: Timestamp) -> Option<u128> {
    u128::try_from(now.duration_since(opened_at).as_nanos()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> Timestamp {
        text.parse().expect("valid timestamp")
    }

    #[test]
    fn gaps_resolve_to_the_transition_and_folds_to_the_first_occurrence() {
        let berlin = time_zone("Europe/Berlin").expect("bundled");
        let at = |text: &str| resolve(&berlin, text.parse().expect("valid datetime"));
        assert_eq!(at("2026-03-29T02:30"), Some(utc("2026-03-29T01:00:00Z")));
        assert_eq!(at("2026-03-29T02:00"), Some(utc("2026-03-29T01:00:00Z")));
        assert_eq!(at("2026-03-29T03:00"), Some(utc("2026-03-29T01:00:00Z")));
        assert_eq!(at("2026-03-29T03:15"), Some(utc("2026-03-29T01:15:00Z")));
        assert_eq!(at("2026-10-25T02:30"), Some(utc("2026-10-25T00:30:00Z")));
        assert_eq!(at("2026-10-25T03:00"), Some(utc("2026-10-25T02:00:00Z")));
    }

    #[test]
    fn the_bundled_database_is_used() {
        assert!(time_zone("America/New_York").is_ok());
        assert!(time_zone("Mars/Olympus_Mons").is_err());
    }

    #[test]
    fn intersecting_turns_with_windows() {
        let t = |h: i64| Timestamp::from_second(h * 3600).expect("in range");
        let turns = [
            Piece { from: t(0), until: t(10), turn: 0 },
            Piece { from: t(10), until: t(20), turn: 1 },
        ];
        let got: Vec<_> = intersect(&turns, &[(t(5), t(12)), (t(15), t(30))])
            .into_iter()
            .map(|p| (p.from, p.until, p.turn))
            .collect();
        assert_eq!(got, [(t(5), t(10), 0), (t(10), t(12), 1), (t(15), t(20), 1)]);
    }
}
