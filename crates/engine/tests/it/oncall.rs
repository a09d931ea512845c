//! On-call schedules and escalation under exact instants: rotations, DST hand-offs, overrides, layers, validation.

use std::time::Duration;

use domain::oncall::{
    EscalationPolicy, EscalationPolicyId, EscalationTier, Handoff, Layer, Override, Restriction,
    Rotation, Schedule, ScheduleId, Target, TimeOfDayRange, UserId, WeekdayRange,
};
use domain::{ChannelId, Timestamp};
use engine::oncall::{
    EscalationStep, OnCall, PolicyProblem, ScheduleError, ScheduleProblem, Shift, Source,
    escalation_step, next_escalation_at, on_call, shifts, validate, validate_policy,
};
use jiff::SignedDuration;
use jiff::civil::{Date, Time, Weekday, date, time};
use proptest::prelude::*;

fn utc(text: &str) -> Timestamp {
    text.parse().expect("valid RFC 3339 timestamp")
}

fn user(id: &str) -> UserId {
    UserId::parse(id).expect("valid user id")
}

fn users(ids: &[&str]) -> Vec<UserId> {
    ids.iter().map(|id| user(id)).collect()
}

fn layer(name: &str, ids: &[&str], rotation: Rotation, handoff: Time, start: Date) -> Layer {
    Layer {
        name: name.into(),
        users: users(ids),
        rotation,
        handoff: Handoff { time: handoff, weekday: None },
        start,
        restriction: None,
    }
}

fn schedule(time_zone: &str, layers: Vec<Layer>) -> Schedule {
    Schedule {
        id: ScheduleId::parse("primary").expect("valid schedule id"),
        name: "Primary".into(),
        time_zone: time_zone.into(),
        layers,
        overrides: Vec::new(),
    }
}

fn who(schedule: &Schedule, at: &str) -> OnCall {
    on_call(schedule, utc(at)).unwrap_or_else(|e| panic!("someone on call at {at}: {e}"))
}

/// `user@from..until` for each shift, in UTC: compact and exact.
fn render(shifts: &[Shift]) -> Vec<String> {
    shifts
        .iter()
        .map(|s| {
            let who = match &s.on_call {
                Some(a) => match &a.source {
                    Source::Layer { name, .. } => format!("{}/{name}", a.user),
                    Source::Override { index } => format!("{}/override{index}", a.user),
                },
                None => "nobody".into(),
            };
            format!("{who} {} {}", s.from, s.until)
        })
        .collect()
}

fn render_range(schedule: &Schedule, from: &str, until: &str) -> Vec<String> {
    render(&shifts(schedule, utc(from), utc(until)).expect("valid schedule"))
}

/// The UTC instants at which turns change inside the range.
fn handoffs(schedule: &Schedule, from: &str, until: &str) -> Vec<String> {
    let shifts = shifts(schedule, utc(from), utc(until)).expect("valid schedule");
    shifts.iter().skip(1).map(|s| s.from.to_string()).collect()
}

#[test]
fn weekly_rotation_of_three_users() {
    let mut weekly = layer(
        "weekly",
        &["ana", "ben", "cho"],
        Rotation::Weekly,
        time(9, 0, 0, 0),
        date(2026, 1, 7), // a Wednesday: the first hand-off is the Monday after
    );
    weekly.handoff.weekday = Some(Weekday::Monday);
    let schedule = schedule("Europe/Berlin", vec![weekly]);

    let first = who(&schedule, "2026-01-12T08:00:00Z");
    assert_eq!(first.user, user("ana"));
    assert_eq!(first.layer(), Some("weekly"));
    assert!(!first.overridden());
    assert_eq!(
        (first.from, first.until),
        (utc("2026-01-12T08:00:00Z"), utc("2026-01-19T08:00:00Z"))
    );
    assert_eq!(who(&schedule, "2026-01-19T07:59:59Z").user, user("ana"));
    assert_eq!(who(&schedule, "2026-01-19T08:00:00Z").user, user("ben"));
    assert_eq!(who(&schedule, "2026-01-28T12:00:00Z").user, user("cho"));
    assert_eq!(who(&schedule, "2026-02-02T08:00:00Z").user, user("ana"));
    // Fifty weeks on, still in step: week 50 is 50 % 3 = 2 → cho.
    assert_eq!(who(&schedule, "2026-12-28T08:00:00Z").user, user("cho"));

    assert_eq!(
        on_call(&schedule, utc("2026-01-12T07:59:59Z")),
        Err(ScheduleError::NobodyOnCall { from: None, until: Some(utc("2026-01-12T08:00:00Z")) })
    );
    assert_eq!(
        render_range(&schedule, "2026-01-10T00:00:00Z", "2026-02-03T00:00:00Z"),
        [
            "nobody 2026-01-10T00:00:00Z 2026-01-12T08:00:00Z",
            "ana/weekly 2026-01-12T08:00:00Z 2026-01-19T08:00:00Z",
            "ben/weekly 2026-01-19T08:00:00Z 2026-01-26T08:00:00Z",
            "cho/weekly 2026-01-26T08:00:00Z 2026-02-02T08:00:00Z",
            "ana/weekly 2026-02-02T08:00:00Z 2026-02-03T00:00:00Z",
        ]
    );
}

#[test]
fn daily_handoff_at_nine_stays_at_nine_local_across_berlin_dst() {
    let daily =
        layer("daily", &["ana", "ben"], Rotation::Daily, time(9, 0, 0, 0), date(2026, 1, 1));
    let schedule = schedule("Europe/Berlin", vec![daily]);
    // Spring forward on 2026-03-29: 09:00 CET is 08:00Z, 09:00 CEST is 07:00Z.
    assert_eq!(
        handoffs(&schedule, "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z"),
        [
            "2026-03-27T08:00:00Z",
            "2026-03-28T08:00:00Z",
            "2026-03-29T07:00:00Z",
            "2026-03-30T07:00:00Z"
        ]
    );
    // The turn across the change lasts 23 hours.
    let short = who(&schedule, "2026-03-29T02:00:00Z");
    assert_eq!(short.until.duration_since(short.from), SignedDuration::from_hours(23));
    // Fall back on 2026-10-25: back to 08:00Z, and that turn lasts 25 hours.
    assert_eq!(
        handoffs(&schedule, "2026-10-23T00:00:00Z", "2026-10-27T00:00:00Z"),
        [
            "2026-10-23T07:00:00Z",
            "2026-10-24T07:00:00Z",
            "2026-10-25T08:00:00Z",
            "2026-10-26T08:00:00Z"
        ]
    );
    let long = who(&schedule, "2026-10-25T01:00:00Z");
    assert_eq!(long.until.duration_since(long.from), SignedDuration::from_hours(25));
    // Days since the start decide the user: 2026-01-01 is day 0 (ana).
    assert_eq!(who(&schedule, "2026-03-28T08:00:00Z").user, user("ana")); // day 86
    assert_eq!(who(&schedule, "2026-03-29T07:00:00Z").user, user("ben")); // day 87
    assert_eq!(who(&schedule, "2026-10-25T08:00:00Z").user, user("ben")); // day 297
}

#[test]
fn daily_handoff_across_new_york_dst() {
    let daily = layer("daily", &["ana"], Rotation::Daily, time(9, 0, 0, 0), date(2026, 1, 1));
    let schedule = schedule("America/New_York", vec![daily]);
    // 09:00 EST is 14:00Z, 09:00 EDT is 13:00Z.
    assert_eq!(
        handoffs(&schedule, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z"),
        ["2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z"]
    );
    assert_eq!(
        handoffs(&schedule, "2026-10-31T00:00:00Z", "2026-11-03T00:00:00Z"),
        ["2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z"]
    );
}

#[test]
fn handoffs_in_a_skipped_hour_move_to_the_next_valid_time_and_repeated_hours_use_the_first() {
    let at = |zone: &str, handoff: Time| {
        schedule(
            zone,
            vec![layer("l", &["ana", "ben"], Rotation::Daily, handoff, date(2026, 1, 1))],
        )
    };
    // Berlin 02:30: 01:30Z in winter; on 2026-03-29 02:30 does not exist and
    // the hand-off is at 03:00 CEST (01:00Z); then 00:30Z in summer.
    assert_eq!(
        handoffs(
            &at("Europe/Berlin", time(2, 30, 0, 0)),
            "2026-03-28T00:00:00Z",
            "2026-03-31T00:00:00Z"
        ),
        ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"]
    );
    // On 2026-10-25 02:30 happens twice: the first (CEST, 00:30Z) is used.
    assert_eq!(
        handoffs(
            &at("Europe/Berlin", time(2, 30, 0, 0)),
            "2026-10-24T00:00:00Z",
            "2026-10-27T00:00:00Z"
        ),
        ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]
    );
    // New York skips 02:00-03:00 on 2026-03-08 (→ 03:00 EDT = 07:00Z) and
    // repeats 01:00-02:00 on 2026-11-01 (→ first 01:30, EDT = 05:30Z).
    assert_eq!(
        handoffs(
            &at("America/New_York", time(2, 30, 0, 0)),
            "2026-03-07T00:00:00Z",
            "2026-03-10T00:00:00Z"
        ),
        ["2026-03-07T07:30:00Z", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"]
    );
    assert_eq!(
        handoffs(
            &at("America/New_York", time(1, 30, 0, 0)),
            "2026-10-31T00:00:00Z",
            "2026-11-03T00:00:00Z"
        ),
        ["2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]
    );
    // Not a validation problem.
    assert_eq!(validate(&at("Europe/Berlin", time(2, 30, 0, 0))), []);
}

#[test]
fn custom_rotations_keep_their_wall_clock_times() {
    let twelve_hours = Rotation::Custom(Duration::from_secs(12 * 3600));
    let schedule = schedule(
        "Europe/Berlin",
        vec![layer("halves", &["day", "night"], twelve_hours, time(8, 0, 0, 0), date(2026, 3, 1))],
    );
    // 08:00 and 20:00 local on both sides of the change; the night turn
    // across it is 11 hours long.
    assert_eq!(
        handoffs(&schedule, "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z"),
        [
            "2026-03-28T07:00:00Z",
            "2026-03-28T19:00:00Z",
            "2026-03-29T06:00:00Z",
            "2026-03-29T18:00:00Z"
        ]
    );
    assert_eq!(who(&schedule, "2026-03-29T03:00:00Z").user, user("night"));
}

#[test]
fn overrides_beat_layers_and_the_later_override_wins() {
    let weekly =
        layer("weekly", &["ana", "ben"], Rotation::Weekly, time(9, 0, 0, 0), date(2026, 6, 1));
    let mut schedule = schedule("UTC", vec![weekly]);
    schedule.overrides = vec![
        Override {
            user: user("cho"),
            start: utc("2026-06-03T12:00:00Z"),
            end: utc("2026-06-04T12:00:00Z"),
        },
        Override {
            user: user("dee"),
            start: utc("2026-06-04T00:00:00Z"),
            end: utc("2026-06-04T06:00:00Z"),
        },
    ];
    let covered = who(&schedule, "2026-06-03T18:00:00Z");
    assert_eq!(covered.user, user("cho"));
    assert_eq!(covered.source, Source::Override { index: 0 });
    assert!(covered.overridden());
    assert_eq!(covered.layer(), None);
    assert_eq!(
        (covered.from, covered.until),
        (utc("2026-06-03T12:00:00Z"), utc("2026-06-04T00:00:00Z"))
    );
    assert_eq!(who(&schedule, "2026-06-04T03:00:00Z").user, user("dee"));

    let before = who(&schedule, "2026-06-03T11:59:59Z");
    assert_eq!(
        (before.user.as_str(), before.from, before.until),
        ("ana", utc("2026-06-01T09:00:00Z"), utc("2026-06-03T12:00:00Z"))
    );
    let after = who(&schedule, "2026-06-04T12:00:00Z");
    assert_eq!(
        (after.user.as_str(), after.from, after.until),
        ("ana", utc("2026-06-04T12:00:00Z"), utc("2026-06-08T09:00:00Z"))
    );

    assert_eq!(
        render_range(&schedule, "2026-06-03T00:00:00Z", "2026-06-09T00:00:00Z"),
        [
            "ana/weekly 2026-06-03T00:00:00Z 2026-06-03T12:00:00Z",
            "cho/override0 2026-06-03T12:00:00Z 2026-06-04T00:00:00Z",
            "dee/override1 2026-06-04T00:00:00Z 2026-06-04T06:00:00Z",
            "cho/override0 2026-06-04T06:00:00Z 2026-06-04T12:00:00Z",
            "ana/weekly 2026-06-04T12:00:00Z 2026-06-08T09:00:00Z",
            "ben/weekly 2026-06-08T09:00:00Z 2026-06-09T00:00:00Z",
        ]
    );
    // An override also fills a gap before the rotation starts.
    schedule.overrides.push(Override {
        user: user("eve"),
        start: utc("2026-05-30T00:00:00Z"),
        end: utc("2026-05-31T00:00:00Z"),
    });
    assert_eq!(who(&schedule, "2026-05-30T10:00:00Z").user, user("eve"));
}

/// A 24/7 weekly layer at the bottom, a business-hours layer over it.
fn business_hours_over_round_the_clock() -> Schedule {
    let base = layer("24x7", &["ana", "ben"], Rotation::Weekly, time(9, 0, 0, 0), date(2026, 1, 5));
    let mut office =
        layer("office", &["xia", "yul"], Rotation::Daily, time(9, 0, 0, 0), date(2026, 1, 5));
    office.restriction = Some(vec![Restriction {
        weekdays: WeekdayRange { first: Weekday::Monday, last: Weekday::Friday },
        time: TimeOfDayRange { start: time(9, 0, 0, 0), end: time(17, 0, 0, 0) },
    }]);
    schedule("America/New_York", vec![base, office])
}

#[test]
fn a_business_hours_layer_covers_the_day_and_the_layer_below_shows_through() {
    let schedule = business_hours_over_round_the_clock();
    // Wednesday 2026-03-04 (EST, UTC-5): office hours are 14:00Z-22:00Z.
    let office = who(&schedule, "2026-03-04T15:00:00Z");
    assert_eq!((office.user.as_str(), office.layer()), ("xia", Some("office"))); // day 58
    assert_eq!(
        (office.from, office.until),
        (utc("2026-03-04T14:00:00Z"), utc("2026-03-04T22:00:00Z"))
    );
    let evening = who(&schedule, "2026-03-04T23:00:00Z");
    assert_eq!((evening.user.as_str(), evening.layer()), ("ana", Some("24x7"))); // week 8
    assert_eq!(
        (evening.from, evening.until),
        (utc("2026-03-04T22:00:00Z"), utc("2026-03-05T14:00:00Z"))
    );
    // The weekend belongs to the base layer, from Friday 17:00 to Monday 09:00,
    // and the base layer hands off at the moment the office opens.
    let weekend = who(&schedule, "2026-03-07T12:00:00Z");
    assert_eq!(weekend.layer(), Some("24x7"));
    assert_eq!(
        (weekend.from, weekend.until),
        (utc("2026-03-06T22:00:00Z"), utc("2026-03-09T13:00:00Z"))
    );
    // Monday 2026-03-09 is after the change to EDT: the office opens at 13:00Z.
    assert_eq!(
        render_range(&schedule, "2026-03-09T12:00:00Z", "2026-03-10T14:00:00Z"),
        [
            "ana/24x7 2026-03-09T12:00:00Z 2026-03-09T13:00:00Z",
            "yul/office 2026-03-09T13:00:00Z 2026-03-09T21:00:00Z",
            "ben/24x7 2026-03-09T21:00:00Z 2026-03-10T13:00:00Z",
            "xia/office 2026-03-10T13:00:00Z 2026-03-10T14:00:00Z",
        ]
    );
}

#[test]
fn overnight_restrictions_run_past_midnight_and_leave_gaps_without_a_base_layer() {
    let mut nights =
        layer("nights", &["owl"], Rotation::Weekly, time(0, 0, 0, 0), date(2026, 1, 1));
    nights.restriction = Some(vec![Restriction {
        weekdays: WeekdayRange { first: Weekday::Friday, last: Weekday::Saturday },
        time: TimeOfDayRange { start: time(22, 0, 0, 0), end: time(6, 0, 0, 0) },
    }]);
    let schedule = schedule("UTC", vec![nights]);
    // Friday 2026-01-09 22:00 to Saturday 06:00, then Saturday 22:00 to Sunday 06:00.
    let friday = who(&schedule, "2026-01-10T01:00:00Z");
    assert_eq!(
        (friday.from, friday.until),
        (utc("2026-01-09T22:00:00Z"), utc("2026-01-10T06:00:00Z"))
    );
    assert_eq!(
        on_call(&schedule, utc("2026-01-10T12:00:00Z")),
        Err(ScheduleError::NobodyOnCall {
            from: Some(utc("2026-01-10T06:00:00Z")),
            until: Some(utc("2026-01-10T22:00:00Z")),
        })
    );
    assert_eq!(
        on_call(&schedule, utc("2026-01-13T12:00:00Z")),
        Err(ScheduleError::NobodyOnCall {
            from: Some(utc("2026-01-11T06:00:00Z")),
            until: Some(utc("2026-01-16T22:00:00Z")),
        })
    );
}

#[test]
fn schedules_that_cannot_be_computed_say_why() {
    let bad_zone = schedule(
        "Europe/Atlantis",
        vec![layer("l", &["ana"], Rotation::Daily, time(9, 0, 0, 0), date(2026, 1, 1))],
    );
    assert_eq!(
        on_call(&bad_zone, utc("2026-01-02T00:00:00Z")),
        Err(ScheduleError::UnknownTimeZone { time_zone: "Europe/Atlantis".into() })
    );
    let too_short = schedule(
        "UTC",
        vec![layer(
            "l",
            &["ana"],
            Rotation::Custom(Duration::ZERO),
            time(9, 0, 0, 0),
            date(2026, 1, 1),
        )],
    );
    assert_eq!(
        shifts(&too_short, utc("2026-01-02T00:00:00Z"), utc("2026-01-03T00:00:00Z")),
        Err(ScheduleError::InvalidRotation { layer: "l".into() })
    );
    assert_eq!(
        on_call(&schedule("UTC", vec![]), utc("2026-01-02T00:00:00Z")),
        Err(ScheduleError::NobodyOnCall { from: None, until: None })
    );
}

#[test]
fn validation_collects_every_problem_with_its_field() {
    let mut daily = layer("daily", &["ana"], Rotation::Daily, time(9, 0, 0, 0), date(2026, 1, 1));
    daily.restriction = Some(vec![]);
    let nobody = layer(
        "daily",
        &[],
        Rotation::Custom(Duration::from_secs(1800)),
        time(9, 0, 0, 0),
        date(2026, 1, 1),
    );
    let mut bad = schedule("Mars/Olympus_Mons", vec![daily, nobody]);
    let span = |user: &str, start: &str, end: &str| Override {
        user: self::user(user),
        start: utc(start),
        end: utc(end),
    };
    bad.overrides = vec![
        span("ana", "2026-02-01T00:00:00Z", "2026-02-03T00:00:00Z"),
        span("ben", "2026-02-05T00:00:00Z", "2026-02-04T00:00:00Z"),
        span("cho", "2026-02-02T00:00:00Z", "2026-02-02T12:00:00Z"),
        span("dee", "2026-02-03T00:00:00Z", "2026-02-04T00:00:00Z"),
        span("eve", "2026-01-31T00:00:00Z", "2026-02-01T00:00:01Z"),
    ];
    let problems = validate(&bad);
    let described: Vec<String> = problems.iter().map(|p| format!("{}: {p}", p.path())).collect();
    assert_eq!(
        described,
        [
            "time_zone: unknown time zone \"Mars/Olympus_Mons\": expected an IANA name such as Europe/Berlin",
            "layers[0].restriction: layer \"daily\" has an empty restriction list, so it never has anyone on call",
            "layers[1].name: layer name \"daily\" is used by an earlier layer",
            "layers[1].users: layer \"daily\" has no users",
            "layers[1].rotation: layer \"daily\": a custom rotation must last from 1h to 366d",
            "overrides[1].end: override 1 must end after it starts",
            "overrides[2]: overrides 0 and 2 overlap",
            "overrides[4]: overrides 0 and 4 overlap",
        ]
    );
    assert_eq!(validate(&schedule("UTC", vec![])), [ScheduleProblem::NoLayers]);
    assert_eq!(validate(&business_hours_over_round_the_clock()), []);
}

fn policy(delays_minutes: &[u64], repeat: u32) -> EscalationPolicy {
    EscalationPolicy {
        id: EscalationPolicyId::parse("noc").expect("valid policy id"),
        name: "NOC".into(),
        tiers: delays_minutes
            .iter()
            .map(|&minutes| EscalationTier {
                targets: vec![Target::Channel(ChannelId::parse("noc-webhook").expect("valid"))],
                delay: Duration::from_secs(minutes * 60),
            })
            .collect(),
        repeat,
    }
}

fn step(round: u32, tier: usize) -> Option<EscalationStep> {
    Some(EscalationStep { round, tier })
}

#[test]
fn escalation_walks_the_tiers_and_repeats() {
    // Tiers reached at +0, +5m and +15m; a round lasts 30 minutes; one repeat.
    let policy = policy(&[5, 10, 15], 1);
    let opened = utc("2026-04-01T10:00:00Z");
    let at = |minutes: i64, seconds: i64| {
        opened.checked_add(SignedDuration::from_secs(minutes * 60 + seconds)).expect("in range")
    };
    let cases = [
        (at(0, -1), None, Some(opened)),
        (at(0, 0), step(0, 0), Some(at(5, 0))),
        (at(4, 59), step(0, 0), Some(at(5, 0))),
        (at(5, 0), step(0, 1), Some(at(15, 0))),
        (at(15, 0), step(0, 2), Some(at(30, 0))),
        (at(29, 59), step(0, 2), Some(at(30, 0))),
        (at(30, 0), step(1, 0), Some(at(35, 0))),
        (at(35, 0), step(1, 1), Some(at(45, 0))),
        (at(45, 0), step(1, 2), None),
        (at(600, 0), step(1, 2), None),
    ];
    for (now, expected_step, expected_next) in cases {
        assert_eq!(escalation_step(&policy, opened, now), expected_step, "step at {now}");
        assert_eq!(next_escalation_at(&policy, opened, now), expected_next, "deadline at {now}");
    }
    // Without a repeat, the last tier is final as soon as it is reached.
    let once = self::policy(&[5, 10], 0);
    assert_eq!(escalation_step(&once, opened, at(5, 0)), step(0, 1));
    assert_eq!(next_escalation_at(&once, opened, at(0, 0)), Some(at(5, 0)));
    assert_eq!(next_escalation_at(&once, opened, at(5, 0)), None);
    // No tiers: nothing to escalate to.
    assert_eq!(escalation_step(&self::policy(&[], 3), opened, at(1, 0)), None);
    assert_eq!(next_escalation_at(&self::policy(&[], 3), opened, at(1, 0)), None);
}

#[test]
fn policy_validation() {
    let mut policy = policy(&[5, 0, 0], 0);
    policy.tiers[0].targets.clear();
    let problems = validate_policy(&policy);
    assert_eq!(
        problems,
        [PolicyProblem::TierWithoutTargets { tier: 0 }, PolicyProblem::ZeroDelay { tier: 1 }]
    );
    assert_eq!(problems[0].path(), "tiers[0].targets");
    // The last tier's delay matters once the policy repeats.
    assert_eq!(validate_policy(&self::policy(&[5, 0], 2)), [PolicyProblem::ZeroDelay { tier: 1 }]);
    assert_eq!(validate_policy(&self::policy(&[], 0)), [PolicyProblem::NoTiers]);
    assert_eq!(validate_policy(&self::policy(&[5, 10], 3)), []);
}

// Arbitrary schedules, valid or not, in zones with DST (Lord Howe's is half
// an hour), with hand-offs and restriction edges that fall in gaps and folds.

const YEAR_START: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const YEAR_SECONDS: i64 = 365 * 86_400;

fn instant_in_2026() -> impl Strategy<Value = Timestamp> {
    (0..YEAR_SECONDS).prop_map(|s| Timestamp::from_second(YEAR_START + s).expect("in range"))
}

fn clock() -> impl Strategy<Value = Time> {
    (0i8..24, prop::sample::select(vec![0i8, 15, 30, 59])).prop_map(|(h, m)| time(h, m, 0, 0))
}

fn weekday() -> impl Strategy<Value = Weekday> {
    prop::sample::select(vec![
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ])
}

fn rotation() -> impl Strategy<Value = Rotation> {
    prop_oneof![
        Just(Rotation::Daily),
        Just(Rotation::Weekly),
        // Half-hour steps up to 10 days; 0 and 30 minutes are invalid.
        (0u64..480).prop_map(|halves| Rotation::Custom(Duration::from_secs(halves * 1800))),
    ]
}

fn restriction() -> impl Strategy<Value = Restriction> {
    (weekday(), weekday(), clock(), clock()).prop_map(|(first, last, start, end)| Restriction {
        weekdays: WeekdayRange { first, last },
        time: TimeOfDayRange { start, end },
    })
}

fn arbitrary_layer() -> impl Strategy<Value = Layer> {
    (
        prop_oneof![1 => Just(0usize), 6 => 1usize..4],
        rotation(),
        clock(),
        prop::option::of(weekday()),
        0i64..400,
        prop::option::of(prop::collection::vec(restriction(), 0..3)),
    )
        .prop_map(|(count, rotation, time, weekday, start_day, restriction)| Layer {
            name: format!("layer-{count}-{start_day}"),
            users: (0..count).map(|i| user(&format!("u{i}"))).collect(),
            rotation,
            handoff: Handoff { time, weekday },
            start: date(2025, 6, 1)
                .checked_add(jiff::Span::new().days(start_day))
                .expect("in range"),
            restriction,
        })
}

fn arbitrary_override() -> impl Strategy<Value = Override> {
    (instant_in_2026(), -3600i64..10 * 86_400, 0u8..3).prop_map(|(start, length, who)| Override {
        user: user(&format!("o{who}")),
        start,
        end: start.checked_add(SignedDuration::from_secs(length)).expect("in range"),
    })
}

fn arbitrary_schedule() -> impl Strategy<Value = Schedule> {
    (
        prop::sample::select(vec![
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
            "UTC",
            "Pacific/Apia",
        ]),
        prop::collection::vec(arbitrary_layer(), 1..4),
        prop::collection::vec(arbitrary_override(), 0..4),
    )
        .prop_map(|(zone, layers, overrides)| Schedule { overrides, ..schedule(zone, layers) })
}

fn is_computable(schedule: &Schedule) -> bool {
    !validate(schedule).iter().any(|p| {
        matches!(
            p,
            ScheduleProblem::UnknownTimeZone { .. } | ScheduleProblem::RotationOutOfRange { .. }
        )
    })
}

proptest! {
    /// `on_call` answers for every instant, and agrees with the shift that
    /// `shifts` renders around that instant.
    #[test]
    fn on_call_is_total_and_agrees_with_shifts(
        mut schedule in arbitrary_schedule(),
        at in instant_in_2026(),
        around in prop::option::of((-86_400i64..=0, 1i64..86_400)),
    ) {
        // Often an override around the instant itself, so overrides are exercised.
        if let Some((before, after)) = around {
            schedule.overrides.push(Override {
                user: user("near"),
                start: at.checked_add(SignedDuration::from_secs(before)).expect("in range"),
                end: at.checked_add(SignedDuration::from_secs(after)).expect("in range"),
            });
        }
        let answer = on_call(&schedule, at);
        if !is_computable(&schedule) {
            let refused = matches!(answer, Err(ScheduleError::InvalidRotation { .. }));
            prop_assert!(refused, "{answer:?}");
            return Ok(());
        }
        let range_from = at.checked_sub(SignedDuration::from_hours(20 * 24)).expect("in range");
        let range_until = at.checked_add(SignedDuration::from_hours(20 * 24)).expect("in range");
        let rendered = shifts(&schedule, range_from, range_until).expect("computable");
        let shift = rendered.iter().find(|s| s.from <= at && at < s.until).expect("shifts tile the range");
        match answer {
            Ok(on_call) => {
                prop_assert!(on_call.from <= at && at < on_call.until);
                let assignment = shift.on_call.as_ref().expect("someone on call");
                prop_assert_eq!(&assignment.user, &on_call.user);
                prop_assert_eq!(&assignment.source, &on_call.source);
                prop_assert_eq!(shift.from, on_call.from.max(range_from));
                prop_assert_eq!(shift.until, on_call.until.min(range_until));
            }
            Err(ScheduleError::NobodyOnCall { from, until }) => {
                prop_assert!(shift.on_call.is_none());
                prop_assert_eq!(shift.from, from.unwrap_or(range_from).max(range_from));
                prop_assert_eq!(shift.until, until.unwrap_or(range_until).min(range_until));
            }
            Err(error) => prop_assert!(false, "unexpected {error}"),
        }
    }

    /// Consecutive shifts tile any range: no gaps, no overlaps, none empty.
    #[test]
    fn shifts_tile_the_range(schedule in arbitrary_schedule(), from in instant_in_2026(), seconds in 1i64..YEAR_SECONDS) {
        prop_assume!(is_computable(&schedule));
        let until = from.checked_add(SignedDuration::from_secs(seconds)).expect("in range");
        let rendered = shifts(&schedule, from, until).expect("computable");
        prop_assert_eq!(rendered.first().map(|s| s.from), Some(from));
        prop_assert_eq!(rendered.last().map(|s| s.until), Some(until));
        for shift in &rendered {
            prop_assert!(shift.from < shift.until, "empty shift {shift:?}");
        }
        for pair in rendered.windows(2) {
            prop_assert_eq!(pair[0].until, pair[1].from);
        }
    }

    /// The deadline is exactly when the step next changes, and it only moves forward.
    #[test]
    fn the_next_escalation_deadline_is_when_the_step_changes(
        delays in prop::collection::vec(0u64..30, 1..5),
        repeat in 0u32..3,
        offset in -600i64..20_000,
    ) {
        let policy = policy(&delays, repeat);
        let opened = utc("2026-04-01T10:00:00Z");
        let now = opened.checked_add(SignedDuration::from_secs(offset)).expect("in range");
        let current = escalation_step(&policy, opened, now);
        match next_escalation_at(&policy, opened, now) {
            Some(next) => {
                prop_assert!(next > now);
                let just_before = next.checked_sub(SignedDuration::from_nanos(1)).expect("in range");
                prop_assert_eq!(escalation_step(&policy, opened, just_before), current);
                prop_assert!(escalation_step(&policy, opened, next) > current);
            }
            None => {
                let much_later = now.checked_add(SignedDuration::from_hours(24 * 365)).expect("in range");
                prop_assert_eq!(escalation_step(&policy, opened, much_later), current);
            }
        }
    }
}
