//! The on-call sections: users, schedules, escalation policies and the references between them, each error at its exact line.

use std::time::Duration;

use domain::oncall::{Contact, Handoff, Rotation, Target, TimeOfDayRange, WeekdayRange};
use domain::{ChannelId, EscalationPolicyId, ScheduleId, ServiceId, Timestamp, UserId};
use jiff::civil::{Time, Weekday, date};

use crate::{doc, errors, expect, ok};

/// A valid config using every on-call feature. Line numbers are in the comments.
const ONCALL: &[&str] = &[
    "users:",             // 1
    "  - id: ana",        // 2
    "    name: Ana Lima", // 3
    "    contacts: [{email: ana@example.com}, {slack: U024BE7LH}, {phone: \"+4930123456\"}, {webhook: noc-webhook}]", // 4
    "  - id: ben",                                                         // 5
    "    contacts: [{email: ben@example.com}]",                            // 6
    "schedules:",                                                          // 7
    "  - id: noc-primary",                                                 // 8
    "    name: NOC primary",                                               // 9
    "    time_zone: Europe/Berlin",                                        // 10
    "    layers:",                                                         // 11
    "      - name: 24x7",                                                  // 12
    "        users: [ana, ben]",                                           // 13
    "        rotation: weekly",                                            // 14
    "        handoff: {time: \"09:00\", weekday: monday}",                 // 15
    "        start: 2026-01-05",                                           // 16
    "        restriction: [{days: monday-friday, time: \"09:00-17:00\"}]", // 17
    "    overrides: [{user: ben, start: \"2026-06-03T14:00:00+02:00\", end: \"2026-06-04T14:00:00+02:00\"}]", // 18
    "escalation_policies:",                                     // 19
    "  - id: noc",                                              // 20
    "    name: NOC",                                            // 21
    "    repeat: 1",                                            // 22
    "    tiers:",                                               // 23
    "      - {targets: [{schedule: noc-primary}], delay: 15m}", // 24
    "      - {targets: [{user: ana}, {channel: noc-webhook}], delay: 30m}", // 25
    "  - id: erp",                                              // 26
    "    tiers: [{targets: [{user: ben}]}]",                    // 27
    "tenants:",                                                 // 28
    "  - {id: acme, tier: gold, escalation_policy: noc}",       // 29
    "  - {id: corner, tier: bronze}",                           // 30
    "services:",                                                // 31
    "  - {id: acme-vpn, tenant: acme}",                         // 32
    "  - {id: acme-erp, tenant: acme, escalation_policy: erp}", // 33
    "  - {id: corner-printer, tenant: corner}",                 // 34
    "notify:",                                                  // 35
    "  - {id: noc-webhook, kind: webhook, url: \"http://127.0.0.1:9000/hook\"}", // 36
];

/// ONCALL with some lines (1-based) replaced.
fn oncall_with(replacements: &[(usize, &str)]) -> String {
    let mut lines = ONCALL.to_vec();
    for &(line, text) in replacements {
        lines[line - 1] = text;
    }
    doc(&lines)
}

fn user(id: &str) -> UserId {
    UserId::parse(id).expect("valid user id")
}

fn utc(text: &str) -> Timestamp {
    text.parse().expect("valid timestamp")
}

#[test]
fn users_schedules_and_policies_are_read() {
    let config = ok(&doc(ONCALL));

    let ana = &config.users[0];
    assert_eq!((ana.id.as_str(), ana.name.as_str()), ("ana", "Ana Lima"));
    assert_eq!(
        ana.contacts,
        [
            Contact::Email("ana@example.com".into()),
            Contact::Slack("U024BE7LH".into()),
            Contact::Phone("+4930123456".into()),
            Contact::Webhook(ChannelId::parse("noc-webhook").expect("valid")),
        ]
    );
    assert_eq!(config.users[1].name, "ben", "the name defaults to the id");

    let schedule = config
        .schedule(&ScheduleId::parse("noc-primary").expect("valid"))
        .expect("the schedule is there");
    assert_eq!(
        (schedule.name.as_str(), schedule.time_zone.as_str()),
        ("NOC primary", "Europe/Berlin")
    );
    let layer = &schedule.layers[0];
    assert_eq!(layer.name, "24x7");
    assert_eq!(layer.users, [user("ana"), user("ben")]);
    assert_eq!(layer.rotation, Rotation::Weekly);
    assert_eq!(
        layer.handoff,
        Handoff { time: Time::constant(9, 0, 0, 0), weekday: Some(Weekday::Monday) }
    );
    assert_eq!(layer.start, date(2026, 1, 5));
    let restriction = layer.restriction.as_ref().expect("a restriction");
    assert_eq!(
        restriction[0].weekdays,
        WeekdayRange { first: Weekday::Monday, last: Weekday::Friday }
    );
    assert_eq!(
        restriction[0].time,
        TimeOfDayRange { start: Time::constant(9, 0, 0, 0), end: Time::constant(17, 0, 0, 0) }
    );
    let item = &schedule.overrides[0];
    assert_eq!(item.user, user("ben"));
    assert_eq!((item.start, item.end), (utc("2026-06-03T12:00:00Z"), utc("2026-06-04T12:00:00Z")));

    let noc = &config.escalation_policies[0];
    assert_eq!((noc.id.as_str(), noc.name.as_str(), noc.repeat), ("noc", "NOC", 1));
    assert_eq!(
        noc.tiers[0].targets,
        [Target::Schedule(ScheduleId::parse("noc-primary").expect("valid"))]
    );
    assert_eq!(noc.tiers[0].delay, Duration::from_secs(15 * 60));
    assert_eq!(
        noc.tiers[1].targets,
        [
            Target::User(user("ana")),
            Target::Channel(ChannelId::parse("noc-webhook").expect("valid"))
        ]
    );
    let erp = &config.escalation_policies[1];
    assert_eq!((erp.name.as_str(), erp.repeat, erp.tiers[0].delay), ("erp", 0, Duration::ZERO));
}

#[test]
fn a_service_uses_its_own_escalation_policy_else_its_tenants() {
    let config = ok(&doc(ONCALL));
    let policy_for = |service: &str| {
        let service = ServiceId::parse(service).expect("valid");
        config.escalation_policy_for(&service).map(|p| p.id.as_str().to_owned())
    };
    assert_eq!(policy_for("acme-vpn").as_deref(), Some("noc"), "the tenant's default");
    assert_eq!(policy_for("acme-erp").as_deref(), Some("erp"), "the service's own");
    assert_eq!(policy_for("corner-printer"), None, "neither names one");
    assert_eq!(policy_for("no-such-service"), None);
    assert_eq!(
        config.services[1].escalation_policy,
        Some(EscalationPolicyId::parse("erp").expect("valid"))
    );
}

#[test]
fn more_layers_custom_rotations_and_restrictions_are_read() {
    let config = ok(&doc(&[
        "users: [{id: ana, contacts: [{email: ana@example.com}]}]",
        "schedules:",
        "  - id: follow-the-sun",
        "    time_zone: America/New_York",
        "    layers:",
        "      - {name: base, users: [ana], rotation: 12h, handoff: {time: '7:30'}, start: 2026-01-01}",
        "      - name: nights",
        "        users: [ana, ana]",
        "        rotation: daily",
        "        handoff: {time: '22:00'}",
        "        start: 2026-01-01",
        "        restriction: [{days: friday-monday, time: '22:00-06:00'}, {days: sunday}, {time: '12:00-13:00'}]",
    ]));
    let layers = &config.schedules[0].layers;
    assert_eq!(layers[0].rotation, Rotation::Custom(Duration::from_secs(12 * 3600)));
    assert_eq!(layers[0].handoff, Handoff { time: Time::constant(7, 30, 0, 0), weekday: None });
    let windows = layers[1].restriction.as_ref().expect("restricted");
    assert_eq!(windows[0].weekdays, WeekdayRange { first: Weekday::Friday, last: Weekday::Monday });
    assert!(windows[0].time.crosses_midnight());
    assert_eq!(windows[1].weekdays, WeekdayRange { first: Weekday::Sunday, last: Weekday::Sunday });
    assert_eq!(
        windows[1].time,
        TimeOfDayRange { start: Time::midnight(), end: Time::midnight() },
        "no time: the whole day"
    );
    assert_eq!(windows[2].weekdays, WeekdayRange::EVERY_DAY, "no days: every day");
}

#[test]
fn unknown_references_are_reported_with_suggestions() {
    let diagnostics = errors(&oncall_with(&[
        (4, "    contacts: [{email: ana@example.com}, {webhook: noc-hook}]"),
        (13, "        users: [ana, bem]"),
        (
            18,
            "    overrides: [{user: zoe, start: \"2026-06-03T14:00:00+02:00\", end: \"2026-06-04T14:00:00+02:00\"}]",
        ),
        (24, "      - {targets: [{schedule: noc-primry}], delay: 15m}"),
        (25, "      - {targets: [{user: cho}, {channel: pager}], delay: 30m}"),
        (29, "  - {id: acme, tier: gold, escalation_policy: nco}"),
        (33, "  - {id: acme-erp, tenant: acme, escalation_policy: crm}"),
    ]));
    expect(
        &diagnostics,
        "users[0].contacts[1].webhook",
        4,
        "unknown channel `noc-hook` (did you mean `noc-webhook`?)",
    );
    expect(
        &diagnostics,
        "schedules[0].layers[0].users[1]",
        13,
        "unknown user `bem` (did you mean `ben`?)",
    );
    expect(
        &diagnostics,
        "schedules[0].overrides[0].user",
        18,
        "unknown user `zoe`; it is not defined under `users:`",
    );
    expect(
        &diagnostics,
        "escalation_policies[0].tiers[0].targets[0].schedule",
        24,
        "unknown schedule `noc-primry` (did you mean `noc-primary`?); it is not defined under `schedules:`",
    );
    expect(
        &diagnostics,
        "escalation_policies[0].tiers[1].targets[0].user",
        25,
        "unknown user `cho`",
    );
    expect(
        &diagnostics,
        "escalation_policies[0].tiers[1].targets[1].channel",
        25,
        "unknown channel `pager`",
    );
    expect(
        &diagnostics,
        "tenants[0].escalation_policy",
        29,
        "unknown escalation policy `nco` (did you mean `noc`?); it is not defined under `escalation_policies:`",
    );
    expect(&diagnostics, "services[1].escalation_policy", 33, "unknown escalation policy `crm`");
    assert_eq!(diagnostics.len(), 8, "{diagnostics:#?}");
}

#[test]
fn duplicate_ids_point_at_the_repeat() {
    let mut lines = ONCALL.to_vec();
    lines[5 - 1] = "  - id: ana";
    lines[26 - 1] = "  - id: noc";
    lines.insert(
        18,
        "  - {id: noc-primary, time_zone: UTC, layers: [{name: a, users: [ana], rotation: daily, handoff: {time: '00:00'}, start: 2026-01-01}]}",
    ); // 19
    let diagnostics = errors(&doc(&lines));
    expect(&diagnostics, "users[1].id", 5, "duplicate user id `ana` (first defined at line 2)");
    expect(
        &diagnostics,
        "schedules[1].id",
        19,
        "duplicate schedule id `noc-primary` (first defined at line 8)",
    );
    expect(
        &diagnostics,
        "escalation_policies[1].id",
        27,
        "duplicate escalation policy id `noc` (first defined at line 21)",
    );
    // `ben` is no longer defined.
    expect(&diagnostics, "schedules[0].layers[0].users[1]", 13, "unknown user `ben`");
    expect(&diagnostics, "schedules[0].overrides[0].user", 18, "unknown user `ben`");
    expect(
        &diagnostics,
        "escalation_policies[1].tiers[0].targets[0].user",
        28,
        "unknown user `ben`",
    );
    // And `erp` neither.
    expect(&diagnostics, "services[1].escalation_policy", 34, "unknown escalation policy `erp`");
    assert_eq!(diagnostics.len(), 7, "{diagnostics:#?}");
}

/// Two users, then `schedules:` at line 4; `lines[i]` is line `i + 5`.
fn schedules_doc(lines: &[&str]) -> String {
    let mut all = vec![
        "users:",
        "  - {id: ana, contacts: [{email: ana@example.com}]}",
        "  - {id: ben, contacts: [{email: ben@example.com}]}",
        "schedules:",
    ];
    all.extend_from_slice(lines);
    doc(&all)
}

#[test]
fn schedule_problems_are_reported_at_their_fields() {
    let diagnostics = errors(&schedules_doc(&[
        "  - id: empty",                                // 5
        "    time_zone: Mars/Olympus_Mons",             // 6
        "    layers: []",                               // 7
        "  - id: broken",                               // 8
        "    time_zone: UTC",                           // 9
        "    layers:",                                  // 10
        "      - name: nobody",                         // 11
        "        users: []",                            // 12
        "        rotation: daily",                      // 13
        "        handoff: {time: \"09:00\"}",           // 14
        "        start: 2026-01-05",                    // 15
        "      - name: nobody",                         // 16
        "        users: [ana]",                         // 17
        "        rotation: 30m",                        // 18
        "        handoff: {time: \"09:00\"}",           // 19
        "        start: 2026-01-05",                    // 20
        "        restriction: []",                      // 21
        "      - name: fortnightly",                    // 22
        "        users: [ana]",                         // 23
        "        rotation: fortnightly",                // 24
        "        handoff: {time: 9am, weekday: mondy}", // 25
        "        start: 2026-13-01",                    // 26
        "    overrides:",                               // 27
        "      - {user: ana, start: \"2026-06-04T14:00:00+02:00\", end: \"2026-06-03T14:00:00+02:00\"}", // 28
        "      - {user: ben, start: \"2026-06-05T00:00:00Z\", end: \"2026-06-06T00:00:00Z\"}", // 29
        "      - {user: ana, start: \"2026-06-05T12:00:00Z\", end: \"2026-06-07T00:00:00Z\"}", // 30
        "      - {user: ana, start: yesterday, end: \"2026-06-07T00:00:00Z\"}",                // 31
    ]));
    expect(&diagnostics, "schedules[0].time_zone", 6, "unknown time zone \"Mars/Olympus_Mons\"");
    expect(&diagnostics, "schedules[0].layers", 7, "a schedule needs at least one layer");
    expect(&diagnostics, "schedules[1].layers[0].users", 12, "layer \"nobody\" has no users");
    expect(&diagnostics, "schedules[1].layers[1].name", 16, "is used by an earlier layer");
    expect(
        &diagnostics,
        "schedules[1].layers[1].rotation",
        18,
        "a custom rotation must last from 1h to 366d",
    );
    expect(&diagnostics, "schedules[1].layers[1].restriction", 21, "empty restriction list");
    expect(
        &diagnostics,
        "schedules[1].layers[2].rotation",
        24,
        "invalid rotation `fortnightly`; expected daily, weekly or a duration",
    );
    expect(&diagnostics, "schedules[1].layers[2].handoff.time", 25, "invalid time of day `9am`");
    expect(
        &diagnostics,
        "schedules[1].layers[2].handoff.weekday",
        25,
        "invalid weekday `mondy` (did you mean `monday`?)",
    );
    expect(
        &diagnostics,
        "schedules[1].layers[2].start",
        26,
        "invalid date `2026-13-01`: expected YYYY-MM-DD",
    );
    expect(
        &diagnostics,
        "schedules[1].overrides[0].end",
        28,
        "override 0 must end after it starts",
    );
    expect(&diagnostics, "schedules[1].overrides[2]", 30, "overrides 1 and 2 overlap");
    expect(
        &diagnostics,
        "schedules[1].overrides[3].start",
        31,
        "invalid time `yesterday`: expected RFC 3339",
    );
    assert_eq!(diagnostics.len(), 13, "{diagnostics:#?}");
}

#[test]
fn a_field_that_cannot_be_read_gives_one_error_not_a_cascade() {
    let diagnostics = errors(&schedules_doc(&[
        "  - id: noc",                             // 5
        "    time_zone: [Europe/Berlin]",          // 6
        "    layers:",                             // 7
        "      - name: a",                         // 8
        "        users: [Ana]",                    // 9
        "        rotation: daily",                 // 10
        "        handoff: {time: '09:00'}",        // 11
        "        start: 2026-01-05",               // 12
        "        restriction: [{days: weekdays}]", // 13
        "      - {name: a, users: [ben], rotation: daily, handoff: '09:00', start: 2026-01-05}", // 14
        "      - just a layer", // 15
    ]));
    expect(&diagnostics, "schedules[0].time_zone", 6, "expected a string, found a list");
    expect(&diagnostics, "schedules[0].layers[0].users[0]", 9, "invalid user id `Ana`");
    expect(
        &diagnostics,
        "schedules[0].layers[0].restriction[0].days",
        13,
        "invalid weekday `weekdays`",
    );
    expect(
        &diagnostics,
        "schedules[0].layers[1].handoff",
        14,
        "expected a hand-off (time and weekday) (a mapping)",
    );
    expect(&diagnostics, "schedules[0].layers[1].name", 14, "used by an earlier layer");
    expect(&diagnostics, "schedules[0].layers[2]", 15, "expected a layer (a mapping)");
    assert_eq!(
        diagnostics.len(),
        6,
        "no 'no users' or 'empty restriction' echoes: {diagnostics:#?}"
    );

    let diagnostics = errors(&schedules_doc(&["  - {id: noc, name: NOC}"]));
    expect(&diagnostics, "schedules[0].time_zone", 5, "missing required field `time_zone`");
    expect(&diagnostics, "schedules[0].layers", 5, "missing required field `layers`");
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
}

#[test]
fn escalation_policy_problems_are_reported_at_their_fields() {
    let diagnostics = errors(&doc(&[
        "users: [{id: ana, contacts: [{email: ana@example.com}]}]", // 1
        "escalation_policies:",                                     // 2
        "  - id: empty",                                            // 3
        "    tiers: []",                                            // 4
        "  - id: hollow",                                           // 5
        "    repeat: 1",                                            // 6
        "    tiers:",                                               // 7
        "      - {targets: [], delay: 5m}",                         // 8
        "      - {targets: [{user: ana}]}",                         // 9
        "  - id: two-keys",                                         // 10
        "    tiers:",                                               // 11
        "      - targets: [{user: ana, channel: x}]",               // 12
        "        delay: 0s",                                        // 13
        "      - {targets: [{team: ops}]}",                         // 14
        "  - id: loops",                                            // 15
        "    repeat: 10",                                           // 16
        "    tiers: [{targets: [{user: ana}], delay: 5m}]",         // 17
        "  - name: No id",                                          // 18
    ]));
    expect(
        &diagnostics,
        "escalation_policies[0].tiers",
        4,
        "an escalation policy needs at least one tier",
    );
    expect(&diagnostics, "escalation_policies[1].tiers[0].targets", 8, "tier 0 has no targets");
    expect(&diagnostics, "escalation_policies[1].tiers[1].delay", 9, "tier 1 needs a `delay`");
    expect(
        &diagnostics,
        "escalation_policies[2].tiers[0].targets[0].channel",
        12,
        "a target takes exactly one of user, schedule, channel; found `user` and `channel`",
    );
    expect(&diagnostics, "escalation_policies[2].tiers[0].delay", 13, "tier 0 has a zero delay");
    expect(
        &diagnostics,
        "escalation_policies[2].tiers[1].targets[0].team",
        14,
        "unknown field `team`",
    );
    expect(&diagnostics, "escalation_policies[3].repeat", 16, "must be between 0 and 9, got 10");
    expect(&diagnostics, "escalation_policies[4].id", 18, "missing required field `id`");
    expect(&diagnostics, "escalation_policies[4].tiers", 18, "missing required field `tiers`");
    assert_eq!(diagnostics.len(), 9, "{diagnostics:#?}");
}

#[test]
fn user_and_contact_problems_are_reported() {
    let diagnostics = errors(&doc(&[
        "users:",      // 1
        "  - id: ana", // 2
        "    contacts: [{email: ana-at-example.com}, {slack: \"U0 24\"}, {phone: 4930123456}, {webhook: nowhere}]", // 3
        "  - id: ben",      // 4
        "    contacts: []", // 5
        "  - id: cho",      // 6
        "  - name: No Id",  // 7
        "    contacts: [{email: a@b.example, slack: U1}, {}, {emial: x@y.example}]", // 8
        "  - id: ana",      // 9
        "    contacts: [{email: ana@example.com}]", // 10
    ]));
    expect(
        &diagnostics,
        "users[0].contacts[0].email",
        3,
        "invalid email address `ana-at-example.com`",
    );
    expect(
        &diagnostics,
        "users[0].contacts[1].slack",
        3,
        "invalid Slack member id or channel `U0 24`",
    );
    expect(
        &diagnostics,
        "users[0].contacts[2].phone",
        3,
        "invalid phone number `4930123456`: expected E.164",
    );
    expect(&diagnostics, "users[0].contacts[3].webhook", 3, "unknown channel `nowhere`");
    expect(&diagnostics, "users[1].contacts", 5, "a user needs at least one contact");
    expect(&diagnostics, "users[2].contacts", 6, "missing required field `contacts`");
    expect(&diagnostics, "users[3].id", 7, "missing required field `id`");
    expect(
        &diagnostics,
        "users[3].contacts[0].slack",
        8,
        "a contact takes exactly one of email, slack, phone, webhook",
    );
    expect(
        &diagnostics,
        "users[3].contacts[1]",
        8,
        "a contact needs one of: email, slack, phone, webhook",
    );
    expect(&diagnostics, "users[3].contacts[2].emial", 8, "did you mean `email`?");
    expect(&diagnostics, "users[4].id", 9, "duplicate user id `ana` (first defined at line 2)");
    assert_eq!(diagnostics.len(), 11, "{diagnostics:#?}");
}

#[test]
fn misspelt_oncall_keys_get_hints() {
    let diagnostics = errors(&oncall_with(&[
        (10, "    timezone: Europe/Berlin"),
        (13, "        usres: [ana, ben]"),
        (14, "        rotaton: weekly"),
        (23, "    teirs:"),
        (33, "  - {id: acme-erp, tenant: acme, escalation: erp}"),
    ]));
    expect(&diagnostics, "schedules[0].timezone", 10, "did you mean `time_zone`?");
    expect(&diagnostics, "schedules[0].layers[0].usres", 13, "did you mean `users`?");
    expect(&diagnostics, "schedules[0].layers[0].rotaton", 14, "did you mean `rotation`?");
    expect(&diagnostics, "escalation_policies[0].teirs", 23, "did you mean `tiers`?");
    expect(&diagnostics, "services[1].escalation", 33, "unknown field `escalation`");
    assert_eq!(diagnostics.len(), 5, "no 'missing field' or 'no users' noise: {diagnostics:#?}");
}
