//! Dedup, grouping, group wait, lifecycle and restore, step by step.

use std::time::Duration;

use domain::{
    AlertId, AlertStatus, EventAction::*, IncidentId, IncidentStatus, Priority, Severity,
    SourceKind, TimelineEntry,
};
use engine::{Effect, Engine, Restored};

use crate::*;

#[test]
fn three_triggers_with_one_key_and_one_other_give_two_alerts_in_one_incident() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    let mut effects = Vec::new();
    for second in 0..3 {
        effects.extend(feed(&mut engine, at(second), &event(Trigger, "disk", Severity::Error)));
    }
    effects.extend(feed(&mut engine, at(3), &event(Trigger, "cpu", Severity::Warning)));
    assert_eq!(engine.active_alert_count(), 2);
    assert_eq!(engine.open_incident_count(), 1);
    assert_eq!(notifications(&effects), ["noc-webhook #1 opened"]);

    let changes = engine.take_changes();
    let disk = changes.alerts.iter().find(|a| a.dedup_key == "disk").expect("disk alert");
    assert_eq!((disk.event_count, disk.first_seen, disk.last_seen), (3, at(0), at(2)));
    let incident = &changes.incidents[0];
    assert_eq!(
        (incident.alert_count, incident.active_alert_count, incident.event_count),
        (2, 2, 4)
    );

    let effects = feed(&mut engine, at(10), &event(Resolve, "disk", Severity::Error));
    assert!(notifications(&effects).is_empty(), "one alert still firing");
    assert_eq!(engine.open_incident_count(), 1);
    let changes = engine.take_changes();
    let disk = changes.alerts.iter().find(|a| a.dedup_key == "disk").expect("disk alert");
    assert_eq!((disk.status, disk.resolved_at), (AlertStatus::Resolved, Some(at(10))));

    let effects = feed(&mut engine, at(20), &event(Resolve, "cpu", Severity::Warning));
    assert_eq!(notifications(&effects), ["noc-webhook #1 resolved"]);
    assert_eq!(engine.open_incident_count(), 0);
    let changes = engine.take_changes();
    assert_eq!(changes.incidents[0].status, IncidentStatus::Resolved);
    assert_eq!(changes.incidents[0].resolved_at, Some(at(20)));
}

#[test]
fn a_new_alert_after_resolve_opens_a_new_incident() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    feed(&mut engine, at(0), &event(Trigger, "disk", Severity::Error));
    feed(&mut engine, at(1), &event(Resolve, "disk", Severity::Error));
    let effects = feed(&mut engine, at(2), &event(Trigger, "disk", Severity::Error));
    assert_eq!(notifications(&effects), ["noc-webhook #2 opened"]);
    let changes = engine.take_changes();
    // The resolved rows come first so the store's open-uniqueness holds at every statement.
    let statuses: Vec<_> = changes.incidents.iter().map(|i| (i.id, i.status)).collect();
    assert_eq!(
        statuses,
        [(IncidentId(1), IncidentStatus::Resolved), (IncidentId(2), IncidentStatus::Triggered)]
    );
    let alerts: Vec<_> = changes.alerts.iter().map(|a| (a.id, a.status)).collect();
    assert_eq!(alerts, [(AlertId(1), AlertStatus::Resolved), (AlertId(2), AlertStatus::Firing)]);
}

#[test]
fn a_key_resolved_and_fired_again_in_one_turn_writes_each_alert_once() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    let disk = event(Trigger, "disk", Severity::Error);
    feed(&mut engine, at(0), &disk);
    engine.take_changes();
    // Touched, resolved, fired again and touched again, all before the rows are taken.
    feed(&mut engine, at(1), &disk);
    feed(&mut engine, at(2), &event(Resolve, "disk", Severity::Error));
    feed(&mut engine, at(3), &disk);
    feed(&mut engine, at(4), &disk);
    let changes = engine.take_changes();
    let alerts: Vec<_> = changes.alerts.iter().map(|a| (a.id, a.status, a.event_count)).collect();
    assert_eq!(
        alerts,
        [(AlertId(1), AlertStatus::Resolved, 3), (AlertId(2), AlertStatus::Firing, 2)],
        "the new alert's re-send is in its row, not a touch"
    );
    let touched: Vec<_> = changes.touched.iter().map(|t| t.alert_id).collect();
    assert_eq!(touched, [AlertId(1)], "only the first alert's re-send, before it resolved");
    assert!(engine.take_touched(at(100), 10).is_empty());
    assert_eq!(engine.oldest_touch(), None);
}

#[test]
fn a_resend_that_changes_the_text_rewrites_all_of_it_and_keeps_the_key() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    let mut disk = event(Trigger, "disk", Severity::Error);
    disk.source = Some("db1".into());
    disk.labels.insert("mount".into(), "/var".into());
    disk.labels.insert("host".into(), "db1".into());
    feed(&mut engine, at(0), &disk);
    engine.take_changes();

    let mut changed = disk.clone();
    changed.summary = "Disk 99% full".into();
    changed.source = None;
    changed.labels.remove("host");
    changed.labels.insert("mount".into(), "/srv".into());
    let mut effects = Vec::new();
    let outcome =
        engine.handle_event(at(1), &tenant("acme"), &service("acme-vpn"), &changed, &mut effects);
    assert!(!outcome.repeat);
    let changes = engine.take_changes();
    assert_eq!(changes.alerts.len(), 1);
    let row = &changes.alerts[0];
    assert_eq!(
        (row.dedup_key.as_str(), row.summary.as_str(), row.source.as_deref(), &row.labels),
        ("disk", "Disk 99% full", None, &changed.labels)
    );
    // The same text again is a repeat; an empty source is not no source.
    let again =
        engine.handle_event(at(2), &tenant("acme"), &service("acme-vpn"), &changed, &mut effects);
    assert!(again.repeat);
    changed.source = Some(String::new());
    let empty =
        engine.handle_event(at(3), &tenant("acme"), &service("acme-vpn"), &changed, &mut effects);
    assert!(!empty.repeat);
    assert_eq!(engine.take_changes().alerts[0].source.as_deref(), Some(""));
}

#[test]
fn group_wait_collects_alerts_into_one_page_and_tick_sends_it() {
    let mut engine = Engine::new(config(Duration::from_secs(30), &[]));
    let mut effects = feed(&mut engine, at(0), &event(Trigger, "a", Severity::Warning));
    effects.extend(feed(&mut engine, at(5), &event(Trigger, "b", Severity::Critical)));
    assert!(notifications(&effects).is_empty());
    assert_eq!(engine.next_deadline(), Some(at(30)));

    let mut effects = Vec::new();
    engine.handle_tick(at(29), &mut effects);
    assert!(effects.is_empty());
    engine.handle_tick(at(30), &mut effects);
    assert_eq!(notifications(&effects), ["noc-webhook #1 opened"]);
    assert_eq!(engine.next_deadline(), None);

    // The critical alert raised the priority while it waited.
    let incident = engine.open_incident(IncidentId(1)).expect("open");
    assert_eq!(incident.priority, Priority::P1);
    assert_eq!(incident.title, "problem b", "the title follows the most severe alert");
    assert_eq!(
        incident.priority_reason,
        "P1: platinum tenant, high-criticality service in production, critical severity"
    );
}

#[test]
fn a_blip_resolved_within_the_group_wait_pages_nobody() {
    let mut engine = Engine::new(config(Duration::from_secs(30), &[]));
    let mut effects = feed(&mut engine, at(0), &event(Trigger, "a", Severity::Critical));
    effects.extend(feed(&mut engine, at(3), &event(Resolve, "a", Severity::Critical)));
    engine.handle_tick(at(60), &mut effects);
    assert!(notifications(&effects).is_empty());
    assert_eq!(engine.open_incident_count(), 0);
}

#[test]
fn group_by_labels_split_incidents() {
    let mut engine = Engine::new(config(Duration::ZERO, &["site"]));
    for (key, site) in [("t1", "fra"), ("t2", "fra"), ("t3", "nyc")] {
        let mut e = event(Trigger, key, Severity::Error);
        e.labels.insert("site".into(), site.into());
        feed(&mut engine, at(0), &e);
    }
    assert_eq!(engine.open_incident_count(), 2);
    let mut keys: Vec<_> = engine.open_incidents().map(|i| i.group_key.clone()).collect();
    keys.sort();
    assert_eq!(keys, ["acme-vpn|site=fra", "acme-vpn|site=nyc"]);
}

#[test]
fn acknowledge_then_resolve_by_hand_resolves_the_alerts() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    feed(&mut engine, at(0), &event(Trigger, "a", Severity::Error));
    feed(&mut engine, at(0), &event(Trigger, "b", Severity::Error));
    engine.take_changes();

    let mut effects = Vec::new();
    engine.acknowledge(at(5), IncidentId(1), "user:admin", &mut effects).expect("open");
    engine.acknowledge(at(6), IncidentId(1), "user:admin", &mut effects).expect("idempotent");
    assert_eq!(notifications(&effects), ["noc-webhook #1 acknowledged"]);
    let incident = engine.open_incident(IncidentId(1)).expect("open");
    assert_eq!(incident.status, IncidentStatus::Acknowledged);
    assert_eq!(incident.acknowledged_by.as_deref(), Some("user:admin"));

    let mut effects = Vec::new();
    engine.resolve(at(9), IncidentId(1), "user:admin", &mut effects).expect("open");
    assert_eq!(notifications(&effects), ["noc-webhook #1 resolved"]);
    assert_eq!(engine.active_alert_count(), 0);
    let changes = engine.take_changes();
    assert!(changes.alerts.iter().all(|a| a.status == AlertStatus::Resolved));
    assert!(engine.resolve(at(10), IncidentId(1), "user:admin", &mut effects).is_err());
}

#[test]
fn pagerduty_acknowledge_event_acknowledges_the_incident() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    feed(&mut engine, at(0), &event(Trigger, "a", Severity::Error));
    let effects = feed(&mut engine, at(1), &event(Acknowledge, "a", Severity::Error));
    assert_eq!(notifications(&effects), ["noc-webhook #1 acknowledged"]);
    // Acknowledge or resolve for an unknown key is ignored, not an error.
    let mut effects = Vec::new();
    let outcome = engine.handle_event(
        at(2),
        &tenant("acme"),
        &service("acme-vpn"),
        &event(Resolve, "nope", Severity::Error),
        &mut effects,
    );
    assert_eq!(outcome.alert_id, None);
    assert!(effects.is_empty());
}

#[test]
fn auto_resolve_can_be_turned_off_per_service() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    let mut effects = Vec::new();
    let (corner, printer) = (tenant("corner"), service("corner-printer"));
    engine.handle_event(
        at(0),
        &corner,
        &printer,
        &event(Trigger, "jam", Severity::Warning),
        &mut effects,
    );
    engine.handle_event(
        at(1),
        &corner,
        &printer,
        &event(Resolve, "jam", Severity::Warning),
        &mut effects,
    );
    assert_eq!(engine.open_incident_count(), 1);
    let incident = engine.open_incidents().next().expect("open");
    assert_eq!(incident.active_alert_count, 0);
    assert_eq!(incident.priority, Priority::P5);
}

#[test]
fn restore_continues_ids_and_reschedules_waiting_pages() {
    let config = config(Duration::from_secs(30), &[]);
    let mut engine = Engine::new(config.clone());
    feed(&mut engine, at(0), &event(Trigger, "a", Severity::Error));
    let changes = engine.take_changes();

    let mut restored = Engine::restore(
        config,
        Restored {
            alerts: changes.alerts.clone(),
            incidents: changes.incidents.clone(),
            max_alert_id: 1,
            max_incident_id: 1,
            ..Restored::default()
        },
    );
    assert_eq!(restored.next_deadline(), Some(at(30)));
    // Same key dedups into the restored alert.
    let effects = feed(&mut restored, at(10), &event(Trigger, "a", Severity::Error));
    assert!(notifications(&effects).is_empty());
    assert_eq!(restored.active_alert_count(), 1);
    let mut effects = Vec::new();
    restored.handle_tick(at(30), &mut effects);
    assert_eq!(notifications(&effects), ["noc-webhook #1 opened"]);
    feed(&mut restored, at(31), &event(Trigger, "b", Severity::Error));
    let alert_ids: Vec<_> = restored.take_changes().alerts.iter().map(|a| a.id.0).collect();
    assert!(
        alert_ids.contains(&2),
        "new alert ids continue after the restored ones: {alert_ids:?}"
    );
}

#[test]
fn the_configured_matrix_and_the_users_affected_label_set_the_priority() {
    let mut configured = (*config(Duration::ZERO, &["site"])).clone();
    configured.priority.severity.insert(Severity::Warning, 4);
    configured.priority.users_affected = vec![
        domain::UsersAffected { at_least: 100, raise: 1 },
        domain::UsersAffected { at_least: 1000, raise: 3 },
    ];
    let mut engine = Engine::new(std::sync::Arc::new(configured));
    let at_site = |dedup_key: &str, site: &str, users: Option<&str>| {
        let mut event = event(Trigger, dedup_key, Severity::Warning);
        event.labels.insert("site".into(), site.into());
        if let Some(users) = users {
            event.labels.insert("users_affected".into(), users.into());
        }
        event
    };
    let incident = |engine: &Engine, title: &str| {
        let incident = engine.open_incidents().find(|i| i.title == title).cloned();
        incident.unwrap_or_else(|| panic!("an open incident {title:?}"))
    };

    feed(&mut engine, at(0), &at_site("quiet", "ber", None));
    let quiet = incident(&engine, "problem quiet");
    assert_eq!(quiet.priority, Priority::new(4), "warning's configured baseline");
    assert_eq!(
        quiet.priority_reason,
        "P4: platinum tenant, high-criticality service in production, warning severity"
    );

    feed(&mut engine, at(1), &at_site("loud", "fra", Some("2400")));
    let loud = incident(&engine, "problem loud");
    assert_eq!(loud.priority, Priority::P1, "raised 3 steps from P4");
    assert_eq!(
        loud.priority_reason,
        "P1: platinum tenant, high-criticality service in production, warning severity, \
         2400 users affected"
    );

    feed(&mut engine, at(2), &at_site("some", "muc", Some(" 150 ")));
    assert_eq!(incident(&engine, "problem some").priority, Priority::new(3));

    // A label that is not a whole number is ignored.
    feed(&mut engine, at(3), &at_site("odd", "ham", Some("lots")));
    let odd = incident(&engine, "problem odd");
    assert_eq!(odd.priority, Priority::new(4));
    assert!(!odd.priority_reason.contains("affected"), "{}", odd.priority_reason);
}

#[test]
fn an_unchanged_resend_is_a_touch_written_later_and_a_changed_one_a_change() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    let disk = event(Trigger, "disk", Severity::Error);
    feed(&mut engine, at(0), &disk);
    let opened = engine.take_changes();
    assert_eq!(opened.alerts.len(), 1);
    assert!(opened.touched.is_empty());
    assert_eq!(engine.oldest_touch(), None);

    // The same alert twice more: no row to write now, two touches to show.
    feed(&mut engine, at(1), &disk);
    feed(&mut engine, at(2), &disk);
    let resent = engine.take_changes();
    assert!(resent.alerts.is_empty(), "{:?}", resent.alerts);
    let counts: Vec<(i64, i64)> = resent
        .touched
        .iter()
        .map(|t| (t.last_seen.as_second() - at(0).as_second(), t.event_count))
        .collect();
    assert_eq!(counts, [(1, 2), (2, 3)]);
    assert_eq!(resent.incidents.len(), 1, "the incident's own count is written at once");
    assert_eq!(engine.oldest_touch(), Some(at(1)), "first touched at 1 s");
    assert!(engine.take_touched(at(0), 10).is_empty(), "not yet due");
    let touched = engine.take_touched(at(1), 10);
    assert_eq!(touched.len(), 1);
    assert_eq!((touched[0].event_count, touched[0].last_seen), (3, at(2)));
    assert_eq!(engine.oldest_touch(), None);
    assert!(engine.take_touched(at(100), 10).is_empty());

    // Taken oldest first, at most as many as asked for.
    let cpu = event(Trigger, "cpu", Severity::Warning);
    feed(&mut engine, at(2), &cpu);
    engine.take_changes();
    feed(&mut engine, at(3), &cpu);
    feed(&mut engine, at(3), &disk);
    engine.take_changes();
    let first = engine.take_touched(at(100), 1);
    assert_eq!(first.iter().map(|a| a.dedup_key.as_str()).collect::<Vec<_>>(), ["cpu"]);
    assert_eq!(engine.oldest_touch(), Some(at(3)));
    assert_eq!(engine.take_touched(at(100), 1)[0].dedup_key, "disk");

    // A touch, then a change in the same turn: the row is a change, once.
    feed(&mut engine, at(3), &disk);
    let mut worse = disk.clone();
    worse.severity = Severity::Critical;
    feed(&mut engine, at(4), &worse);
    let changed = engine.take_changes();
    assert_eq!(changed.alerts.len(), 1);
    assert_eq!(
        (changed.alerts[0].event_count, changed.alerts[0].severity),
        (6, Severity::Critical)
    );
    assert!(engine.take_touched(at(100), 10).is_empty(), "the change carried the count");

    // A resolved alert leaves nothing behind to touch.
    feed(&mut engine, at(5), &worse);
    feed(&mut engine, at(6), &event(Resolve, "disk", Severity::Critical));
    engine.take_changes();
    assert!(engine.take_touched(at(100), 10).is_empty());
}

#[test]
fn touches_committed_before_a_restore_are_held_again() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    let disk = event(Trigger, "disk", Severity::Error);
    let cpu = event(Trigger, "cpu", Severity::Error);
    feed(&mut engine, at(0), &disk);
    feed(&mut engine, at(0), &cpu);
    let stored = engine.take_changes();
    let id_of = |key: &str| stored.alerts.iter().find(|a| a.dedup_key == key).map(|a| a.id);
    let ids = [id_of("disk").expect("disk"), id_of("cpu").expect("cpu")];
    let restored = || {
        Engine::restore(
            config(Duration::ZERO, &[]),
            Restored {
                alerts: stored.alerts.clone(),
                incidents: stored.incidents.clone(),
                max_alert_id: 2,
                max_incident_id: 1,
                ..Restored::default()
            },
        )
    };
    let mut engine = restored();
    let touch = |id, second, event_count| engine::AlertTouch {
        alert_id: id,
        last_seen: at(second),
        event_count,
    };
    // cpu was touched later than disk; an unknown alert and a stale count are ignored.
    engine.hold_touches(&[
        touch(ids[1], 9, 4),
        touch(ids[0], 5, 3),
        touch(domain::AlertId(99), 1, 7),
    ]);
    assert_eq!(engine.oldest_touch(), Some(at(5)));
    let held = engine.take_touched(at(100), 10);
    let rows: Vec<(&str, i64, domain::Timestamp)> =
        held.iter().map(|a| (a.dedup_key.as_str(), a.event_count, a.last_seen)).collect();
    assert_eq!(rows, [("disk", 3, at(5)), ("cpu", 4, at(9))]);

    let mut engine = restored();
    engine.hold_touches(&[touch(ids[0], 5, 1)]);
    assert_eq!(engine.oldest_touch(), None, "a count the store already has is not held");
}

#[test]
fn only_a_resend_that_changes_nothing_is_a_repeat() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    let mut outcome = |second: i64, action, severity| {
        let mut effects = Vec::new();
        let event = event(action, "disk", severity);
        let outcome = engine.handle_event(
            at(second),
            &tenant("acme"),
            &service("acme-vpn"),
            &event,
            &mut effects,
        );
        (outcome.repeat, outcome.alert_id.is_some())
    };
    assert_eq!(outcome(0, Trigger, Severity::Error), (false, true), "a new alert");
    assert_eq!(outcome(1, Trigger, Severity::Error), (true, true), "the same again");
    assert_eq!(outcome(2, Trigger, Severity::Error), (true, true), "and again");
    assert_eq!(outcome(3, Trigger, Severity::Critical), (false, true), "a worse severity");
    assert_eq!(outcome(4, Acknowledge, Severity::Critical), (false, true), "an acknowledgement");
    assert_eq!(outcome(5, Resolve, Severity::Critical), (false, true), "a resolve");
    assert_eq!(outcome(6, Resolve, Severity::Critical), (false, false), "a resolve of nothing");
}

#[test]
fn a_restore_that_finds_two_unresolved_alerts_for_a_key_keeps_the_later() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    feed(&mut engine, at(0), &event(Trigger, "disk", Severity::Error));
    let stored = engine.take_changes();
    let earlier = stored.alerts[0].clone();
    // A second firing row for the key, as no engine writes it.
    let mut later = earlier.clone();
    later.id = domain::AlertId(earlier.id.0 + 1);
    later.first_seen = at(30);
    later.last_seen = at(40);

    // Whatever the incident's count says, it is counted again.
    let mut incident = stored.incidents[0].clone();
    incident.active_alert_count = 2;

    let mut engine = Engine::restore(
        config(Duration::ZERO, &[]),
        Restored {
            incidents: vec![incident],
            max_alert_id: later.id.0,
            max_incident_id: 1,
            ..Restored::default()
        },
    );
    let superseded = engine.restore_alerts(vec![earlier.clone(), later.clone()]);
    engine.finish_restore();
    assert_eq!(superseded, [(earlier.id, later.id)]);
    assert_eq!(engine.active_alert_count(), 1);

    let written = engine.take_changes();
    let rows: Vec<_> = written.alerts.iter().map(|a| (a.id, a.status, a.resolved_at)).collect();
    assert_eq!(rows, [(earlier.id, AlertStatus::Resolved, Some(at(30)))]);
    let counts: Vec<_> = written.incidents.iter().map(|i| (i.id, i.active_alert_count)).collect();
    assert_eq!(counts, [(earlier.incident_id, 1)]);

    // The key is the later alert's: a resolve closes it, and nothing is left.
    feed(&mut engine, at(50), &event(Resolve, "disk", Severity::Error));
    let resolved = engine.take_changes().alerts;
    assert_eq!(
        resolved.iter().map(|a| (a.id, a.status)).collect::<Vec<_>>(),
        [(later.id, AlertStatus::Resolved)]
    );
    assert_eq!(engine.active_alert_count(), 0);
}

/// An alert's "attached" and "resolved" timeline lines are not stored: they
/// are read back from its row. So each row the engine writes must carry
/// exactly what those lines say: who attached and who resolved it, and when.
#[test]
fn an_alerts_row_carries_its_attached_and_resolved_lines() {
    let mut engine = Engine::new(config(Duration::ZERO, &[]));
    let lines_of = |effects: &[Effect]| -> Vec<TimelineEntry> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Timeline(entry) if entry.kind.is_read_from_alert() => Some(entry.clone()),
                _ => None,
            })
            .collect()
    };
    let incident = (IncidentId(1), &tenant("acme"));

    // The alert that opens the incident attaches to nothing.
    let mut disk = event(Trigger, "disk", Severity::Error);
    disk.source_kind = SourceKind::AlertmanagerApi;
    assert!(lines_of(&feed(&mut engine, at(0), &disk)).is_empty());
    let opener = engine.take_changes().alerts.remove(0);
    assert_eq!((opener.attached_by, opener.resolved_by), (None, None));

    let mut cpu = event(Trigger, "cpu", Severity::Warning);
    cpu.source_kind = SourceKind::Grafana;
    let attached = lines_of(&feed(&mut engine, at(1), &cpu));
    let row = engine.take_changes().alerts.remove(0);
    assert_eq!(row.attached_by, Some(SourceKind::Grafana));
    assert_eq!(row.resolved_by, None);
    let expected = TimelineEntry::alert_attached(
        incident,
        row.first_seen,
        row.id,
        "problem cpu",
        SourceKind::Grafana,
    );
    assert_eq!(attached, [expected]);
    assert_eq!(attached[0].actor, "event:grafana");

    // Resolved by an event of another kind: the row says which.
    let mut resolve = event(Resolve, "cpu", Severity::Warning);
    resolve.source_kind = SourceKind::PagerDuty;
    let resolved = lines_of(&feed(&mut engine, at(2), &resolve));
    let row = engine.take_changes().alerts.remove(0);
    assert_eq!(
        (row.attached_by, row.resolved_by, row.resolved_at),
        (Some(SourceKind::Grafana), Some(SourceKind::PagerDuty), Some(at(2)))
    );
    let expected =
        TimelineEntry::alert_resolved(incident, at(2), row.id, &row.summary, SourceKind::PagerDuty);
    assert_eq!(resolved, [expected]);

    // Resolved with its incident by hand: no line, so nothing on the row.
    feed(&mut engine, at(3), &cpu);
    engine.take_changes();
    let mut effects = Vec::new();
    engine.resolve(at(4), IncidentId(1), "user:admin", &mut effects).expect("open");
    assert!(lines_of(&effects).is_empty());
    let rows = engine.take_changes().alerts;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|a| a.resolved_by.is_none() && a.resolved_at == Some(at(4))));

    // Attached and changed before the row is written (one turn): the row
    // keeps the summary the line tells of; the opener keeps none.
    let mut opening = event(Trigger, "disk", Severity::Error);
    opening.summary = "disk 80 %".into();
    feed(&mut engine, at(5), &opening);
    let mut mem = event(Trigger, "mem", Severity::Warning);
    mem.summary = "memory 90 %".into();
    let attached = lines_of(&feed(&mut engine, at(5), &mem));
    mem.summary = "memory 95 %".into();
    feed(&mut engine, at(5), &mem);
    opening.summary = "disk 85 %".into();
    feed(&mut engine, at(5), &opening);
    let changes = engine.take_changes();
    let row = |key: &str| changes.alerts.iter().find(|a| a.dedup_key == key).expect("written");
    let (mem_row, disk_row) = (row("mem"), row("disk"));
    assert_eq!((mem_row.summary.as_str(), disk_row.summary.as_str()), ("memory 95 %", "disk 85 %"));
    let attached_summaries: Vec<_> = changes.attached_summaries.iter().collect();
    assert_eq!(attached_summaries, [(&mem_row.id, &"memory 90 %".to_owned())]);
    let expected = TimelineEntry::alert_attached(
        (IncidentId(2), &tenant("acme")),
        at(5),
        mem_row.id,
        "memory 90 %",
        SourceKind::Generic,
    );
    assert_eq!(attached, [expected]);
}
