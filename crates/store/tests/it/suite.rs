//! The conformance tests themselves, each an async function over a fresh, migrated `Store`.

use domain::{
    AlertStatus, IncidentId, IncidentStatus, Priority, Severity, SourceKind, TimelineEntry,
    TimelineKind,
};
use watchfloor_store::{
    CommitBatch, DeliveryOutcome, DeliveryStatus, IncidentFilter, PayloadRecord, Store, StoreError,
    StoredBody,
};

use crate::fixtures::*;

pub async fn migrating_twice_is_a_no_op(store: &Store) {
    assert_eq!(store.schema_version().await.expect("version"), 11);
    store.commit(&opening(vec![incident(1, "acme", "g")])).await.expect("commit");
    let before = counts(store).await;
    store.migrate().await.expect("second migrate");
    store.migrate().await.expect("third migrate");
    assert_eq!(store.schema_version().await.expect("version"), 11);
    assert_eq!(counts(store).await, before);
    let versions = texts(store, "SELECT name FROM schema_migrations ORDER BY version").await;
    assert_eq!(
        versions,
        [
            "initial",
            "triage",
            "import",
            "import_engine",
            "events_unindexed_by_alert",
            "no_foreign_keys",
            "tenant_in_primary_keys",
            "fewer_indexes_per_commit",
            "payload_bodies_in_lz4",
            "alert_timeline_from_alert_rows",
            "payload_bodies_compressed_on_sqlite"
        ]
    );
}

pub async fn reopening_migrates_nothing_and_keeps_data(store: Store, target: String) {
    store.commit(&opening(vec![incident(1, "acme", "g")])).await.expect("commit");
    let before = counts(&store).await;
    store.close().await;
    let reopened = Store::open(&target).await.expect("reopening");
    assert_eq!(counts(&reopened).await, before);
    assert_eq!(texts(&reopened, "SELECT name FROM schema_migrations").await.len(), 11);
    reopened.close().await;
}

/// A store at schema version 5 (foreign keys, rebuilt away by version 6 on
/// SQLite; primary keys rebuilt with the tenant by version 7 on PostgreSQL)
/// upgrades with every row as it was, and still refuses rows that refer
/// outside their tenant or break a uniqueness rule.
pub async fn upgrading_to_version_6_keeps_every_row(store: Store, _target: String) {
    assert_eq!(store.schema_version().await.expect("version"), 5);
    let open = incident(1, "acme", "g");
    let alerts = [alert(1, &open, "k1"), resolved_alert(alert(2, &open, "k2"))];
    // Alerts, payloads and events are written as that version's columns:
    // today's commit names later ones.
    store.commit(&opening(vec![open.clone()])).await.expect("incident at version 5");
    let ms = |t: domain::Timestamp| t.as_millisecond().to_string();
    let text = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let null_or = |v: Option<String>| v.unwrap_or_else(|| "NULL".to_owned());
    let mut inserts = Vec::new();
    for a in &alerts {
        let values = [
            a.id.0.to_string(),
            text(a.tenant.as_str()),
            text(a.service.as_str()),
            a.incident_id.0.to_string(),
            text(&a.dedup_key),
            text(a.status.as_str()),
            text(a.severity.as_str()),
            text(&a.summary),
            "NULL".to_owned(),
            text("{}"),
            ms(a.first_seen),
            ms(a.last_seen),
            null_or(a.resolved_at.map(ms)),
            a.event_count.to_string(),
        ];
        inserts.push(format!(
            "INSERT INTO alerts (id, tenant, service, incident_id, dedup_key, status, severity, \
             summary, source, labels, first_seen, last_seen, resolved_at, event_count) \
             VALUES ({})",
            values.join(", ")
        ));
    }
    let body = "{\"n\": 1}";
    inserts.push(format!(
        "INSERT INTO payloads (tenant, integration_service, source_kind, received_at, body) \
         VALUES ('acme', 'checkout', 'generic', {}, {})",
        ms(at(0)),
        text(body)
    ));
    let events = [event(Some(1), "k1"), event(Some(2), "k2"), event(None, "k3")];
    for e in &events {
        let values = [
            text("acme"),
            "1".to_owned(),
            null_or(e.alert_id.map(|a| a.0.to_string())),
            text(&e.dedup_key),
            text(&e.action),
            text(e.severity.as_str()),
            text(&e.summary),
            null_or(e.source.as_deref().map(text)),
            null_or(e.occurred_at.map(ms)),
            text(&serde_json::to_string(&e.labels).expect("json")),
            text(&serde_json::to_string(&e.annotations).expect("json")),
            text(&serde_json::to_string(&e.details).expect("json")),
        ];
        inserts.push(format!(
            "INSERT INTO events (tenant, payload_id, alert_id, dedup_key, action, severity, \
             summary, source, occurred_at, labels, annotations, details) VALUES ({})",
            values.join(", ")
        ));
    }
    for sql in &inserts {
        execute(&store, sql).await.expect("a row at version 5");
    }
    let batch = CommitBatch {
        timeline: vec![timeline(&open, 1, TimelineKind::Note, "before the upgrade")],
        outbox: vec![outbox(&open, "noc", 5)],
        ..CommitBatch::default()
    };
    store.commit(&batch).await.expect("commit at version 5");
    let dumps = [
        "SELECT id || '|' || tenant || '|' || incident_id || '|' || dedup_key || '|' || status \
         || '|' || labels || '|' || first_seen || '|' || event_count FROM alerts ORDER BY id",
        "SELECT id || '|' || tenant || '|' || payload_id || '|' || COALESCE(alert_id, 0) || '|' \
         || dedup_key || '|' || labels || '|' || details FROM events ORDER BY id",
        "SELECT tenant || '|' || incident_id || '|' || at || '|' || kind || '|' || message \
         FROM timeline ORDER BY seq",
        "SELECT id || '|' || tenant || '|' || incident_id || '|' || channel || '|' || status \
         || '|' || body FROM outbox ORDER BY id",
    ];
    let counts = ["payloads", "events", "alerts", "incidents", "timeline", "outbox", "audit_log"]
        .map(|table| format!("SELECT CAST(COUNT(*) AS TEXT) FROM {table}"));
    let dumps: Vec<&str> = dumps.into_iter().chain(counts.iter().map(String::as_str)).collect();
    let mut before = Vec::new();
    for sql in &dumps {
        before.push(texts(&store, sql).await);
    }

    store.migrate().await.expect("migrating to the latest version");
    assert_eq!(store.schema_version().await.expect("version"), 11);
    for (sql, before) in dumps.iter().zip(before) {
        assert_eq!(texts(&store, sql).await, before, "{sql}");
    }
    // Their timeline lines are the rows it had: none is read from an alert.
    let lines = store.incident_timeline(open.id).await.expect("timeline");
    assert_eq!(lines, batch.timeline);
    let read = store.incident_alerts(open.id).await.expect("alerts");
    assert_eq!(read, alerts);
    let duplicate = opening(vec![incident(2, "acme", "g")]);
    assert!(store.commit(&duplicate).await.is_err(), "a second open incident for g");
    rows_refer_only_within_their_tenant(&store).await;
    store.close().await;
}

fn resolved_alert(mut alert: domain::Alert) -> domain::Alert {
    alert.status = AlertStatus::Resolved;
    alert.resolved_at = Some(at(50));
    alert
}

pub async fn commit_round_trips_every_field(store: &Store) {
    let mut full = incident(7, "acme", "checkout|region=eu-west-1|ünï");
    full.title = "Checkout latency — 東京 🚨".to_owned();
    full.status = IncidentStatus::Acknowledged;
    full.severity = Severity::Critical;
    full.priority = Priority::P1;
    full.priority_reason = "tier gold (+2), production (+1)".to_owned();
    full.alert_count = 3;
    full.active_alert_count = 2;
    full.event_count = 41;
    full.acknowledged_at = Some(at(30));
    full.acknowledged_by = Some("user:ärger".to_owned());
    full.resolved_at = Some(at(31));
    full.resolved_by = Some("engine".to_owned());
    full.open_notified = true;
    full.updated_at = at(40);
    let bare = incident(8, "acme", "other");

    let mut rich = alert(70, &full, "dedup/ключ");
    rich.status = AlertStatus::Acknowledged;
    rich.severity = Severity::Info;
    rich.source = Some("db-1.eu".to_owned());
    rich.labels = labels(&[("alertname", "HighCPU"), ("ümlaut", "wert ✓"), ("empty", "")]);
    rich.last_seen = at(99);
    rich.resolved_at = Some(at(100));
    rich.event_count = 12;
    let plain = alert(71, &full, "plain");

    let entries = vec![
        timeline(&full, 20, TimelineKind::AlertAttached, "second by time"),
        timeline(&full, 10, TimelineKind::Opened, "first by time"),
        timeline(&full, 20, TimelineKind::Note, "third: same time, inserted later — ✓"),
        timeline(&bare, 10, TimelineKind::Opened, "another incident"),
    ];
    let batch = CommitBatch {
        payloads: vec![payload(
            "acme",
            r#"{"routing_key":"k","payload":{"summary":"ü"}}"#,
            vec![event(Some(70), "dedup/ключ"), event(None, "unknown")],
        )],
        alerts: vec![rich.clone(), plain.clone()],
        attached_summaries: Default::default(),
        incidents: vec![full.clone(), bare.clone()],
        timeline: entries.clone(),
        outbox: vec![outbox(&full, "noc", 5)],
        audit: vec![audit("user:admin", "incident.acknowledge", Some("acme"))],
        silences: vec![],
        handled_imports: vec![],
        deliveries: vec![],
    };
    store.commit(&batch).await.expect("commit");

    assert_eq!(store.incident(full.id).await.expect("read"), Some(full.clone()));
    assert_eq!(store.incident(bare.id).await.expect("read"), Some(bare.clone()));
    assert_eq!(store.incident(IncidentId(999)).await.expect("read"), None);
    assert_eq!(
        store.incident_alerts(full.id).await.expect("read"),
        vec![rich, plain],
        "oldest first"
    );
    assert!(store.incident_alerts(bare.id).await.expect("read").is_empty());
    assert_eq!(
        store.incident_timeline(full.id).await.expect("read"),
        vec![entries[1].clone(), entries[0].clone(), entries[2].clone()]
    );
    assert_eq!(
        counts(store).await,
        watchfloor_store::Counts {
            payloads: 1,
            events: 2,
            alerts: 2,
            incidents: 2,
            open_incidents: 2,
            timeline: 4,
            outbox: 1,
            audit: 1,
        }
    );
    let bodies = texts(store, "SELECT body FROM payloads").await;
    let bodies: Vec<StoredBody> = bodies.into_iter().map(StoredBody::Text).collect();
    assert_eq!(bodies, vec![batch.payloads[0].body.clone()]);
    let event_labels = texts(store, "SELECT labels FROM events ORDER BY id").await;
    let decoded: domain::Labels = serde_json::from_str(&event_labels[0]).expect("labels are JSON");
    assert_eq!(decoded, batch.payloads[0].events[0].labels);
    let details = texts(store, "SELECT details FROM events ORDER BY id").await;
    let decoded: serde_json::Value = serde_json::from_str(&details[1]).expect("details are JSON");
    assert_eq!(decoded, batch.payloads[0].events[1].details);

    // Upsert replaces the full row.
    let mut changed = full.clone();
    changed.acknowledged_at = None;
    changed.acknowledged_by = None;
    changed.resolved_at = None;
    changed.resolved_by = None;
    changed.open_notified = false;
    changed.priority = Priority::P5;
    changed.triage.tags.insert("erp".into());
    changed.triage.held = Some("silenced by silence 1".into());
    changed.triage.flapping = true;
    store.commit(&opening(vec![changed.clone()])).await.expect("upsert");
    assert_eq!(store.incident(full.id).await.expect("read"), Some(changed));
    assert_eq!(counts(store).await.incidents, 2);
}

/// An alert's "attached" and "resolved" lines come from its row, in among
/// the incident's stored lines; rows without their makers (written before
/// schema version 10, or resolved by hand) add none.
pub async fn alert_lines_are_read_from_alert_rows(store: &Store) {
    let open = incident(3, "acme", "g");
    let mut opener = alert(1, &open, "opener");
    opener.first_seen = at(10);
    let mut attached = alert(2, &open, "attached");
    attached.first_seen = at(20);
    attached.summary = "disk 80 %".to_owned();
    attached.attached_by = Some(SourceKind::AlertmanagerApi);
    // Attached before version 10: its line is a row of the timeline.
    let mut older = alert(3, &open, "older");
    older.first_seen = at(25);
    let stored = vec![
        timeline(&open, 10, TimelineKind::Opened, "incident opened by alert 1"),
        timeline(&open, 20, TimelineKind::Note, "a note in the same millisecond"),
        timeline(&open, 25, TimelineKind::AlertAttached, "alert 3 attached: alert 3"),
    ];
    store
        .commit(&CommitBatch {
            incidents: vec![open.clone()],
            alerts: vec![opener.clone(), attached.clone(), older.clone()],
            timeline: stored.clone(),
            ..CommitBatch::default()
        })
        .await
        .expect("first");

    // A later event changes the summary (the engine keeps the one it
    // attached with), another resolves it, and one resolves the older
    // alert; the incident resolves with them, and with it by hand the opener.
    // Changed again, after a restart (when the engine no longer knows the
    // first), the summary it is given then is not kept: the first stays.
    let mut changed = attached.clone();
    changed.event_count = 2;
    for (summary, attached_with) in [("disk 95 %", "disk 80 %"), ("disk 99 %", "disk 95 %")] {
        changed.summary = summary.to_owned();
        let attached_summaries = [(attached.id, attached_with.to_owned())].into_iter().collect();
        let batch =
            CommitBatch { alerts: vec![changed.clone()], attached_summaries, ..Default::default() };
        store.commit(&batch).await.expect(summary);
    }
    let mut gone = changed.clone();
    gone.event_count = 3;
    gone.status = AlertStatus::Resolved;
    gone.resolved_at = Some(at(30));
    gone.resolved_by = Some(SourceKind::Grafana);
    let older_gone = domain::Alert {
        status: AlertStatus::Resolved,
        resolved_at: Some(at(30)),
        resolved_by: Some(SourceKind::Generic),
        ..older.clone()
    };
    let by_hand =
        domain::Alert { status: AlertStatus::Resolved, resolved_at: Some(at(30)), ..opener };
    let closing = timeline(&open, 30, TimelineKind::Resolved, "incident resolved");
    store
        .commit(&CommitBatch {
            incidents: vec![resolved(open.clone(), 30)],
            alerts: vec![by_hand, older_gone, gone.clone()],
            timeline: vec![closing.clone()],
            ..CommitBatch::default()
        })
        .await
        .expect("resolved");

    let key = (open.id, &open.tenant);
    let expected = vec![
        stored[0].clone(),
        TimelineEntry::alert_attached(
            key,
            at(20),
            attached.id,
            "disk 80 %",
            SourceKind::AlertmanagerApi,
        ),
        stored[1].clone(),
        stored[2].clone(),
        TimelineEntry::alert_resolved(key, at(30), attached.id, "disk 99 %", SourceKind::Grafana),
        // Attached before version 10, resolved after: its other line.
        TimelineEntry::alert_resolved(key, at(30), older.id, "alert 3", SourceKind::Generic),
        closing,
    ];
    assert_eq!(store.incident_timeline(open.id).await.expect("read"), expected);
    assert_eq!(expected[1].message, "alert 2 attached: disk 80 %");
    assert_eq!(expected[4].actor, "event:grafana");
    assert_eq!(counts(store).await.timeline, 7);
    let alerts = store.incident_alerts(open.id).await.expect("alerts");
    assert_eq!(alerts.iter().find(|a| a.id == attached.id), Some(&gone));
    assert!(store.incident_timeline(IncidentId(99)).await.expect("read").is_empty());
}

pub async fn load_state_returns_only_unresolved_rows(store: &Store) {
    let empty = store.load_state().await.expect("load");
    assert!(empty.incidents.is_empty());
    assert!(store.unresolved_alerts(0, 10).await.expect("alerts").is_empty());
    assert_eq!((empty.max_alert_id, empty.max_incident_id), (0, 0));

    let open = incident(1, "acme", "a");
    let closed = resolved(incident(9, "acme", "b"), 50);
    let mut gone = alert(30, &closed, "gone");
    gone.status = AlertStatus::Resolved;
    gone.resolved_at = Some(at(50));
    let firing = alert(3, &open, "firing");
    let mut acked = alert(4, &open, "acked");
    acked.status = AlertStatus::Acknowledged;
    store
        .commit(&CommitBatch {
            incidents: vec![open.clone(), closed],
            alerts: vec![gone, acked.clone(), firing.clone()],
            ..CommitBatch::default()
        })
        .await
        .expect("commit");

    let state = store.load_state().await.expect("load");
    assert_eq!(state.incidents, vec![open]);
    assert_eq!(
        store.unresolved_alerts(0, 10).await.expect("alerts"),
        [firing.clone(), acked.clone()]
    );
    // A page at a time, by id, skipping resolved ones wherever they are.
    assert_eq!(store.unresolved_alerts(0, 1).await.expect("page"), [firing]);
    assert_eq!(store.unresolved_alerts(3, 1).await.expect("page"), [acked]);
    assert!(store.unresolved_alerts(4, 1).await.expect("page").is_empty());
    assert_eq!(state.max_alert_id, 30);
    assert_eq!(state.max_incident_id, 9);
}

pub async fn second_open_incident_for_a_group_key_rolls_back_the_whole_commit(store: &Store) {
    let first = incident(1, "acme", "checkout|db");
    store
        .commit(&CommitBatch {
            incidents: vec![first.clone()],
            audit: vec![audit("user:a", "x", None)],
            ..CommitBatch::default()
        })
        .await
        .expect("first");
    let before = counts(store).await;
    let audit_before = store.audit_log(10).await.expect("audit");

    let second = incident(2, "acme", "checkout|db");
    let refused = CommitBatch {
        payloads: vec![payload("acme", "{}", vec![event(None, "k")])],
        incidents: vec![second.clone()],
        alerts: vec![alert(5, &second, "k")],
        attached_summaries: Default::default(),
        timeline: vec![timeline(&second, 1, TimelineKind::Opened, "opened")],
        outbox: vec![outbox(&second, "noc", 1)],
        audit: vec![audit("user:b", "y", Some("acme"))],
        silences: vec![],
        handled_imports: vec![],
        deliveries: vec![],
    };
    let error = store.commit(&refused).await.expect_err("a second open incident must be refused");
    assert!(error.is_unique_violation(), "unexpected error: {error}");
    assert_eq!(counts(store).await, before);
    assert_eq!(store.audit_log(10).await.expect("audit"), audit_before);
    assert_eq!(store.incident(second.id).await.expect("read"), None);
    assert_eq!(store.verify_audit_chain().await.expect("verify"), None);

    // The same key in another tenant is another group.
    store.commit(&opening(vec![incident(3, "globex", "checkout|db")])).await.expect("other tenant");
}

pub async fn a_key_fires_again_in_the_commit_that_resolves_it(store: &Store) {
    // One unresolved alert per key is the engine's to keep (it is the only
    // writer of alerts); the store keeps both rows of a key that resolved
    // and fired again, and hands back only the one still firing.
    let open = incident(1, "acme", "g");
    store
        .commit(&CommitBatch {
            incidents: vec![open.clone()],
            alerts: vec![alert(1, &open, "disk-full")],
            ..CommitBatch::default()
        })
        .await
        .expect("first");
    let mut first = alert(1, &open, "disk-full");
    first.status = AlertStatus::Resolved;
    first.resolved_at = Some(at(9));
    store
        .commit(&CommitBatch {
            alerts: vec![alert(2, &open, "disk-full"), first],
            ..CommitBatch::default()
        })
        .await
        .expect("resolve and re-fire");
    assert_eq!(counts(store).await.alerts, 2);
    let unresolved = store.unresolved_alerts(0, 10).await.expect("unresolved");
    let ids: Vec<i64> = unresolved.iter().map(|a| a.id.0).collect();
    assert_eq!(ids, [2]);
}

pub async fn resolved_incident_frees_its_group_key(store: &Store) {
    let first = incident(1, "acme", "g");
    store.commit(&opening(vec![first.clone()])).await.expect("open");
    store.commit(&opening(vec![resolved(first.clone(), 10)])).await.expect("resolve");
    store.commit(&opening(vec![incident(2, "acme", "g")])).await.expect("reopen after resolve");

    // Resolving the old and opening the new in one batch works in either order,
    // and when the batch holds an earlier version of a row the last one wins.
    let second = incident(2, "acme", "g");
    store
        .commit(&opening(vec![
            incident(3, "acme", "g"),
            second.clone(),
            resolved(second.clone(), 20),
        ]))
        .await
        .expect("resolve and open in one batch");
    let open = store
        .list_incidents(&IncidentFilter {
            statuses: vec![IncidentStatus::Triggered],
            tenant: None,
            limit: 10,
        })
        .await
        .expect("list");
    assert_eq!(open.iter().map(|i| i.id.0).collect::<Vec<_>>(), vec![3]);
    assert_eq!(counts(store).await.open_incidents, 1);
    assert_eq!(counts(store).await.incidents, 3);
}

pub async fn rows_never_change_tenant(store: &Store) {
    let original = incident(1, "acme", "g");
    store
        .commit(&CommitBatch {
            incidents: vec![original.clone()],
            alerts: vec![alert(1, &original, "k")],
            ..CommitBatch::default()
        })
        .await
        .expect("first");
    let before = counts(store).await;
    let error = store
        .commit(&opening(vec![incident(1, "globex", "g")]))
        .await
        .expect_err("an incident must not move to another tenant");
    assert!(
        matches!(error, StoreError::TenantMismatch { table: "incidents", id: 1 }),
        "unexpected error: {error}"
    );
    let mut moved = alert(1, &original, "k");
    moved.tenant = tenant("globex");
    let error = store
        .commit(&CommitBatch { alerts: vec![moved], ..CommitBatch::default() })
        .await
        .expect_err("an alert must not move to another tenant");
    assert!(
        matches!(error, StoreError::TenantMismatch { table: "alerts", id: 1 }),
        "unexpected error: {error}"
    );
    assert_eq!(counts(store).await, before);
    assert_eq!(store.incident(original.id).await.expect("read"), Some(original));
}

/// An upsert changes what may change and keeps what a row has from its
/// first write: an alert's incident, key, service and first sighting; an
/// incident's group key, service and creation time.
pub async fn upserts_keep_what_rows_are_born_with(store: &Store) {
    let first = incident(1, "acme", "g");
    let other = incident(2, "acme", "h");
    let mut born = alert(1, &first, "k");
    born.attached_by = Some(SourceKind::Grafana);
    store
        .commit(&CommitBatch {
            incidents: vec![first.clone(), other.clone()],
            alerts: vec![born.clone()],
            ..CommitBatch::default()
        })
        .await
        .expect("first");

    let mut later = alert(1, &other, "another-key");
    later.first_seen = at(50);
    later.last_seen = at(60);
    later.event_count = 7;
    later.status = AlertStatus::Resolved;
    later.resolved_at = Some(at(60));
    later.attached_by = Some(SourceKind::Generic);
    later.resolved_by = Some(SourceKind::PagerDuty);
    let mut renamed = resolved(incident(1, "acme", "another-group"), 60);
    renamed.created_at = at(50);
    renamed.title = "renamed".to_owned();
    store
        .commit(&CommitBatch {
            incidents: vec![renamed],
            alerts: vec![later.clone()],
            ..CommitBatch::default()
        })
        .await
        .expect("second");

    let stored = store.incident_alerts(first.id).await.expect("alerts");
    let expected = domain::Alert {
        incident_id: born.incident_id,
        dedup_key: born.dedup_key.clone(),
        service: born.service.clone(),
        first_seen: born.first_seen,
        attached_by: born.attached_by,
        ..later
    };
    assert_eq!(stored, vec![expected]);
    assert!(store.incident_alerts(other.id).await.expect("alerts").is_empty());
    let incident = store.incident(first.id).await.expect("read").expect("kept");
    assert_eq!(
        (incident.group_key.as_str(), incident.created_at, incident.title.as_str()),
        ("g", first.created_at, "renamed")
    );
    assert_eq!(incident.status, IncidentStatus::Resolved);
}

pub async fn rows_refer_only_within_their_tenant(store: &Store) {
    let acme = incident(1, "acme", "g");
    store.commit(&opening(vec![acme.clone()])).await.expect("first");
    let before = counts(store).await;

    let mut foreign_alert = alert(1, &acme, "k");
    foreign_alert.tenant = tenant("globex");
    let mut foreign_entry = timeline(&acme, 1, TimelineKind::Note, "x");
    foreign_entry.tenant = tenant("globex");
    let mut foreign_notification = outbox(&acme, "noc", 1);
    foreign_notification.notification.tenant = tenant("globex");
    let refused = [
        CommitBatch { alerts: vec![foreign_alert], ..CommitBatch::default() },
        CommitBatch { timeline: vec![foreign_entry.clone()], ..CommitBatch::default() },
        // The same, beside an update of the incident the entry names.
        CommitBatch {
            incidents: vec![acme.clone()],
            timeline: vec![foreign_entry],
            ..CommitBatch::default()
        },
        CommitBatch { outbox: vec![foreign_notification], ..CommitBatch::default() },
        CommitBatch {
            timeline: vec![timeline(&incident(42, "acme", "none"), 1, TimelineKind::Note, "x")],
            ..CommitBatch::default()
        },
        // An event naming an alert of another tenant.
        CommitBatch {
            alerts: vec![alert(5, &acme, "k5")],
            payloads: vec![payload("globex", "{}", vec![event(Some(5), "k5")])],
            ..CommitBatch::default()
        },
    ];
    for batch in &refused {
        assert!(store.commit(batch).await.is_err(), "refused: {batch:?}");
        assert_eq!(counts(store).await, before);
    }
}

/// Bodies read back exactly as received. On SQLite those of 256 bytes and
/// more are stored lz4-compressed when that makes them smaller; PostgreSQL
/// compresses its own.
pub async fn bodies_read_back_as_received_whether_compressed_or_not(store: &Store) {
    let short = r#"{"summary":"ü"}"#.to_owned();
    let alert = r#"{"labels":{"alertname":"DiskFull","instance":"db-1:9100"},"annotations":{"summary":"Disk nearly full ✓"}}"#;
    let long = format!("[{}]", vec![alert; 40].join(","));
    // Printable noise that lz4 cannot shrink: stored as text.
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let noise: String = (0..600)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'!' + (x % 94) as u8)
        })
        .collect();
    let imported = format!("{{\"Records\":[{}]}}", vec![alert; 30].join(","));
    let bodies = [short, long, noise, imported];
    // The server compresses them before the commit when the store says so.
    let compress = store.compresses_bodies();
    assert_eq!(compress, matches!(store, Store::Sqlite(_)));
    let payloads = bodies[..3].iter().map(|b| PayloadRecord {
        body: StoredBody::new(b, compress),
        ..payload("acme", "", vec![])
    });
    let batch = CommitBatch { payloads: payloads.collect(), ..CommitBatch::default() };
    store.commit(&batch).await.expect("commit");
    // An imported file is stored the same way, by the store.
    store.import(&import_batch("acme", &bodies[3], &["e1"])).await.expect("import");

    let read = store.payloads_after(0, 10).await.expect("read");
    let read: Vec<&str> = read.iter().map(|p| p.body.as_str()).collect();
    assert_eq!(read, bodies.iter().map(String::as_str).collect::<Vec<_>>());
    let stored = texts(
        store,
        "SELECT CASE WHEN body_lz4 IS NULL THEN 'text' ELSE 'lz4, body ' || length(body) END \
         FROM payloads ORDER BY id",
    )
    .await;
    let expected = match store {
        Store::Sqlite(_) => ["text", "lz4, body 0", "text", "lz4, body 0"],
        Store::Postgres(_) => ["text", "text", "text", "text"],
    };
    assert_eq!(stored, expected);
}

pub async fn many_payloads_keep_their_events(store: &Store) {
    let open = incident(1, "acme", "g");
    let alerts: Vec<_> = (1..=3).map(|id| alert(id, &open, &format!("k{id}"))).collect();
    // 70 and 23 payloads exercise every multi-row chunk size; each payload's
    // body names its events so that the link can be checked.
    for payload_count in [70_usize, 23] {
        let payloads = (0..payload_count)
            .map(|p| {
                let events = (0..p % 4)
                    .map(|e| event(Some(1 + (e as i64 % 3)), &format!("p{p}-e{e}")))
                    .collect();
                payload("acme", &format!("payload {p} of {payload_count}"), events)
            })
            .collect();
        store
            .commit(&CommitBatch {
                payloads,
                incidents: vec![open.clone()],
                alerts: alerts.clone(),
                ..CommitBatch::default()
            })
            .await
            .expect("commit");
    }
    let expected_events: usize =
        [70_usize, 23].iter().map(|n| (0..*n).map(|p| p % 4).sum::<usize>()).sum();
    let counted = counts(store).await;
    assert_eq!(counted.payloads, 93);
    assert_eq!(counted.events, expected_events as i64);
    let links = texts(
        store,
        "SELECT p.body || ' / ' || e.dedup_key FROM events e JOIN payloads p ON p.id = e.payload_id ORDER BY e.id",
    )
    .await;
    assert_eq!(links.len(), expected_events);
    for link in &links {
        let (body, dedup_key) = link.split_once(" / ").expect("joined");
        let payload_number = body.split(' ').nth(1).expect("payload number");
        assert!(dedup_key.starts_with(&format!("p{payload_number}-")), "{link}");
    }
    // Events keep their order within a payload.
    let keys = texts(store, "SELECT dedup_key FROM events ORDER BY id").await;
    assert_eq!(&keys[..3], ["p1-e0", "p2-e0", "p2-e1"]);
}

pub async fn outbox_retries_then_sends(store: &Store) {
    let open = incident(1, "acme", "g");
    store
        .commit(&CommitBatch {
            incidents: vec![open.clone()],
            outbox: vec![outbox(&open, "noc", 10), outbox(&open, "pager", 20)],
            ..CommitBatch::default()
        })
        .await
        .expect("commit");

    assert!(store.due_deliveries(at(9), 10).await.expect("due").is_empty());
    let due = store.due_deliveries(at(10), 10).await.expect("due");
    assert_eq!(due.len(), 1);
    let first = due[0].clone();
    assert_eq!(first.channel.as_str(), "noc");
    assert_eq!(first.status, DeliveryStatus::Pending);
    assert_eq!((first.attempts, first.last_error.as_deref()), (0, None));
    assert_eq!(
        (first.next_attempt_at, first.created_at, first.updated_at),
        (at(10), at(10), at(10))
    );
    assert_eq!(first.body, outbox(&open, "noc", 10).body);
    assert_eq!(first.channel_kind, "webhook");
    assert_eq!(first.idempotency_key, format!("watchfloor-notification-{}", first.id));
    let both = store.due_deliveries(at(20), 10).await.expect("due");
    assert_eq!(both.iter().map(|d| d.channel.as_str()).collect::<Vec<_>>(), ["noc", "pager"]);
    assert_eq!(store.due_deliveries(at(20), 1).await.expect("due").len(), 1);

    let failed =
        DeliveryOutcome::Failed { at: at(11), error: "HTTP 503".to_owned(), retry_at: at(60) };
    let entry = timeline(&open, 11, TimelineKind::NotificationFailed, "failed, retrying");
    store.record_delivery(first.id, &failed, &entry).await.expect("record failure");
    let due = store.due_deliveries(at(59), 10).await.expect("due");
    assert_eq!(due.iter().map(|d| d.channel.as_str()).collect::<Vec<_>>(), ["pager"]);
    let retry = store.due_deliveries(at(60), 10).await.expect("due");
    let retried = retry.iter().find(|d| d.id == first.id).expect("due again at retry_at");
    assert_eq!(retried.attempts, 1);
    assert_eq!(retried.last_error.as_deref(), Some("HTTP 503"));
    assert_eq!((retried.next_attempt_at, retried.updated_at), (at(60), at(11)));
    assert_eq!(retried.idempotency_key, first.idempotency_key);

    let sent_entry = timeline(&open, 61, TimelineKind::NotificationSent, "delivered");
    store
        .record_delivery(first.id, &DeliveryOutcome::Sent { at: at(61) }, &sent_entry)
        .await
        .expect("sent");
    assert!(
        store.due_deliveries(at(1000), 10).await.expect("due").iter().all(|d| d.id != first.id)
    );
    let sent = store.list_deliveries(Some(DeliveryStatus::Sent), 10).await.expect("list");
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].id, sent[0].attempts, sent[0].updated_at), (first.id, 2, at(61)));
    assert_eq!(sent[0].idempotency_key, first.idempotency_key);

    let history = store.incident_timeline(open.id).await.expect("timeline");
    assert_eq!(history, vec![entry, sent_entry]);
    let all = store.list_deliveries(None, 10).await.expect("list");
    assert_eq!(all.len(), 2);
    assert!(all[0].id > all[1].id, "newest first");
    assert_eq!(
        store.list_deliveries(Some(DeliveryStatus::Pending), 10).await.expect("list").len(),
        1
    );
}

pub async fn every_notify_reason_fits_the_outbox(store: &Store) {
    let open = incident(1, "acme", "g");
    let records = domain::NotifyReason::ALL
        .into_iter()
        .map(|reason| {
            let mut record = outbox(&open, reason.as_str(), 10);
            record.notification.reason = reason;
            record
        })
        .collect();
    store
        .commit(&CommitBatch { incidents: vec![open], outbox: records, ..CommitBatch::default() })
        .await
        .expect("every reason is accepted");
    let mut stored: Vec<_> = store
        .due_deliveries(at(10), 100)
        .await
        .expect("due")
        .into_iter()
        .map(|d| d.reason)
        .collect();
    stored.sort_by_key(|reason| reason.as_str());
    let mut expected = domain::NotifyReason::ALL.to_vec();
    expected.sort_by_key(|reason| reason.as_str());
    assert_eq!(stored, expected);
}

pub async fn outbox_dead_letters_visibly(store: &Store) {
    let open = incident(1, "acme", "g");
    store
        .commit(&CommitBatch {
            incidents: vec![open.clone()],
            outbox: vec![outbox(&open, "noc", 0)],
            ..CommitBatch::default()
        })
        .await
        .expect("commit");
    let delivery = store.due_deliveries(at(0), 10).await.expect("due").remove(0);
    let outcome =
        DeliveryOutcome::DeadLettered { at: at(3), error: "HTTP 400: bad payload".to_owned() };
    let entry = timeline(&open, 3, TimelineKind::NotificationDeadLettered, "dead-lettered");
    store.record_delivery(delivery.id, &outcome, &entry).await.expect("dead-letter");

    assert!(store.due_deliveries(at(100_000), 10).await.expect("due").is_empty());
    let dead = store.list_deliveries(Some(DeliveryStatus::DeadLettered), 10).await.expect("list");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].id, delivery.id);
    assert_eq!(dead[0].attempts, 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("HTTP 400: bad payload"));
    assert_eq!(dead[0].idempotency_key, delivery.idempotency_key);
    assert!(
        store.list_deliveries(Some(DeliveryStatus::Pending), 10).await.expect("list").is_empty()
    );
    assert_eq!(store.incident_timeline(open.id).await.expect("timeline"), vec![entry]);
}

pub async fn record_delivery_needs_a_pending_row_of_that_incident(store: &Store) {
    let open = incident(1, "acme", "g");
    let other = incident(2, "acme", "h");
    store
        .commit(&CommitBatch {
            incidents: vec![open.clone(), other.clone()],
            outbox: vec![outbox(&open, "noc", 0)],
            ..CommitBatch::default()
        })
        .await
        .expect("commit");
    let delivery = store.due_deliveries(at(0), 10).await.expect("due").remove(0);
    let sent = DeliveryOutcome::Sent { at: at(1) };

    let wrong_incident = timeline(&other, 1, TimelineKind::NotificationSent, "x");
    let error = store
        .record_delivery(delivery.id, &sent, &wrong_incident)
        .await
        .expect_err("wrong incident");
    assert!(matches!(error, StoreError::DeliveryNotPending { .. }), "unexpected error: {error}");
    let error = store
        .record_delivery(
            delivery.id + 100,
            &sent,
            &timeline(&open, 1, TimelineKind::NotificationSent, "x"),
        )
        .await
        .expect_err("unknown delivery");
    assert!(matches!(error, StoreError::DeliveryNotPending { .. }), "unexpected error: {error}");

    let entry = timeline(&open, 1, TimelineKind::NotificationSent, "sent");
    store.record_delivery(delivery.id, &sent, &entry).await.expect("sent");
    let before = counts(store).await;
    let error = store.record_delivery(delivery.id, &sent, &entry).await.expect_err("already sent");
    assert!(matches!(error, StoreError::DeliveryNotPending { .. }), "unexpected error: {error}");
    assert_eq!(counts(store).await, before, "a refused record appends no timeline entry");
    assert_eq!(store.list_deliveries(None, 10).await.expect("list")[0].attempts, 1);
}

pub async fn audit_chain_verifies_and_refuses_changes(store: &Store) {
    assert_eq!(store.verify_audit_chain().await.expect("verify empty"), None);
    store
        .commit(&CommitBatch {
            audit: vec![
                audit("user:admin", "config.reload", None),
                audit("user:äd", "incident.note", Some("acme")),
            ],
            ..CommitBatch::default()
        })
        .await
        .expect("first");
    let third = audit("user:admin", "incident.resolve", Some("globex"));
    store
        .commit(&CommitBatch { audit: vec![third.clone()], ..CommitBatch::default() })
        .await
        .expect("second");

    let log = store.audit_log(10).await.expect("audit");
    assert_eq!(log.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![3, 2, 1], "newest first");
    assert_eq!(log[0].entry, third);
    assert_eq!(log[2].entry.tenant, None);
    assert_eq!(log[2].prev_hash, "0".repeat(64));
    assert_eq!(log[1].prev_hash, log[2].hash);
    assert_eq!(log[0].prev_hash, log[1].hash);
    assert!(
        log.iter().all(|r| r.hash.len() == 64 && r.hash.chars().all(|c| c.is_ascii_hexdigit()))
    );
    assert_eq!(store.audit_log(1).await.expect("audit").len(), 1);
    assert_eq!(store.verify_audit_chain().await.expect("verify"), None);

    for sql in [
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
        "UPDATE audit_log SET hash = hash",
        "DELETE FROM audit_log WHERE seq = 3",
        "DELETE FROM audit_log",
    ] {
        let refused = execute(store, sql).await;
        let error = refused.expect_err(sql);
        assert!(error.to_string().contains("append-only"), "{sql}: {error}");
    }
    if matches!(store, Store::Postgres(_)) {
        assert!(execute(store, "TRUNCATE audit_log").await.is_err(), "TRUNCATE must be refused");
    }
    assert_eq!(store.audit_log(10).await.expect("audit"), log);
    assert_eq!(store.verify_audit_chain().await.expect("verify"), None);
}

pub async fn audit_verification_finds_tampering(store: &Store) {
    let entries =
        (0..5).map(|i| audit("user:admin", &format!("action.{i}"), Some("acme"))).collect();
    store.commit(&CommitBatch { audit: entries, ..CommitBatch::default() }).await.expect("commit");
    assert_eq!(store.verify_audit_chain().await.expect("verify"), None);
    // Only someone who disables the guard can edit history, and the chain shows it.
    let (disable, enable) = match store {
        Store::Sqlite(_) => ("DROP TRIGGER audit_log_refuse_update", None),
        Store::Postgres(_) => (
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_refuse_update_delete",
            Some("ALTER TABLE audit_log ENABLE TRIGGER audit_log_refuse_update_delete"),
        ),
    };
    execute(store, disable).await.expect("disabling the guard");
    execute(store, "UPDATE audit_log SET detail = '{}' WHERE seq = 4").await.expect("tampering");
    if let Some(enable) = enable {
        execute(store, enable).await.expect("re-enabling the guard");
    }
    assert_eq!(store.verify_audit_chain().await.expect("verify"), Some(4));
}

pub async fn concurrent_commits_do_not_fork_the_audit_chain(store: &Store) {
    let open = incident(1, "acme", "g");
    store.commit(&opening(vec![open.clone()])).await.expect("open");
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let store = store.clone();
            let open = open.clone();
            tokio::spawn(async move {
                for round in 0..5 {
                    let batch = CommitBatch {
                        timeline: vec![timeline(&open, round, TimelineKind::Note, "concurrent")],
                        audit: vec![
                            audit(
                                &format!("user:{writer}"),
                                &format!("round.{round}"),
                                Some("acme"),
                            ),
                            audit(&format!("user:{writer}"), "second", None),
                        ],
                        ..CommitBatch::default()
                    };
                    store.commit(&batch).await.expect("concurrent commit");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer task");
    }
    assert_eq!(counts(store).await.audit, 80);
    assert_eq!(counts(store).await.timeline, 40);
    assert_eq!(store.verify_audit_chain().await.expect("verify"), None);
}

pub async fn list_incidents_filters_by_status_and_tenant(store: &Store) {
    let mut acme_open = incident(1, "acme", "a");
    acme_open.updated_at = at(100);
    let mut acme_acked = incident(2, "acme", "b");
    acme_acked.status = IncidentStatus::Acknowledged;
    acme_acked.acknowledged_at = Some(at(50));
    acme_acked.acknowledged_by = Some("user:x".to_owned());
    acme_acked.updated_at = at(300);
    let acme_resolved = resolved(incident(3, "acme", "c"), 200);
    let mut globex_open = incident(4, "globex", "a");
    globex_open.updated_at = at(400);
    store
        .commit(&opening(vec![
            acme_open.clone(),
            acme_acked.clone(),
            acme_resolved.clone(),
            globex_open.clone(),
        ]))
        .await
        .expect("commit");

    let ids = |filter: IncidentFilter| async move {
        store
            .list_incidents(&filter)
            .await
            .expect("list")
            .iter()
            .map(|i| i.id.0)
            .collect::<Vec<_>>()
    };
    let filter = |statuses: Vec<IncidentStatus>, tenant_id: Option<&str>, limit: i64| {
        IncidentFilter { statuses, tenant: tenant_id.map(tenant), limit }
    };
    use IncidentStatus::{Acknowledged, Resolved, Triggered};
    assert_eq!(ids(filter(vec![], None, 10)).await, vec![4, 2, 3, 1], "newest updated first");
    assert_eq!(ids(filter(vec![], None, 2)).await, vec![4, 2]);
    assert_eq!(ids(filter(vec![], Some("acme"), 10)).await, vec![2, 3, 1]);
    assert_eq!(ids(filter(vec![Triggered], None, 10)).await, vec![4, 1]);
    assert_eq!(ids(filter(vec![Triggered], Some("acme"), 10)).await, vec![1]);
    assert_eq!(ids(filter(vec![Triggered, Acknowledged], Some("acme"), 10)).await, vec![2, 1]);
    assert_eq!(ids(filter(vec![Resolved], None, 10)).await, vec![3]);
    assert_eq!(
        ids(filter(vec![Resolved, Acknowledged, Triggered], None, 10)).await,
        vec![4, 2, 3, 1]
    );
    // Open and resolved incidents are read apart and merged: the limit
    // applies to the merged list, and equal times fall back on the id.
    assert_eq!(ids(filter(vec![Resolved, Triggered], Some("acme"), 1)).await, vec![3]);
    assert_eq!(ids(filter(vec![Resolved, Triggered], Some("acme"), 2)).await, vec![3, 1]);
    let later = resolved(incident(5, "acme", "d"), 100);
    store.commit(&opening(vec![later])).await.expect("commit");
    assert_eq!(ids(filter(vec![Resolved, Triggered], Some("acme"), 10)).await, vec![3, 5, 1]);
    assert!(ids(filter(vec![], Some("initech"), 10)).await.is_empty());
    assert!(ids(filter(vec![], None, 0)).await.is_empty());
    assert!(ids(filter(vec![], None, -1)).await.is_empty());
    let listed = store.list_incidents(&filter(vec![Acknowledged], None, 10)).await.expect("list");
    assert_eq!(listed, vec![acme_acked]);
}

pub async fn silences_round_trip_and_only_live_ones_load(store: &Store) {
    use domain::suppression::{Matcher, Silence};
    let at = |seconds: i64| domain::Timestamp::from_second(1_800_000_000 + seconds).expect("time");
    let mut silence = Silence {
        id: domain::SilenceId(1),
        tenant: domain::TenantId::parse("acme").expect("tenant"),
        matchers: vec![
            Matcher::parse("site=fra").expect("matcher"),
            Matcher::parse(r"alertname=~Vpn\d+|Tunnel.*").expect("matcher"),
        ],
        starts_at: at(0),
        ends_at: at(3600),
        created_by: "ada".into(),
        comment: "VPN upgrade — ✓".into(),
        created_at: at(0),
        expired_at: None,
        expired_by: None,
    };
    let mut other = silence.clone();
    other.id = domain::SilenceId(2);
    let batch =
        CommitBatch { silences: vec![silence.clone(), other.clone()], ..Default::default() };
    store.commit(&batch).await.expect("commit");
    assert_eq!(store.silence(silence.id).await.expect("read"), Some(silence.clone()));

    other.expired_at = Some(at(60));
    other.expired_by = Some("user:admin".into());
    let batch = CommitBatch { silences: vec![other.clone()], ..Default::default() };
    store.commit(&batch).await.expect("expire");
    assert_eq!(store.list_silences(10).await.expect("list"), [other.clone(), silence.clone()]);
    let state = store.load_state().await.expect("load");
    assert_eq!(state.silences, [silence.clone()], "expired silences are not loaded");
    assert_eq!(state.max_silence_id, 2);

    silence.ends_at = silence.starts_at;
    let bad = CommitBatch { silences: vec![silence], ..Default::default() };
    assert!(store.commit(&bad).await.is_err(), "a silence must end after it starts");
}

/// One imported file of `tenant_id` whose records have these external ids.
fn import_batch(tenant_id: &str, body: &str, ids: &[&str]) -> watchfloor_store::ImportBatch {
    watchfloor_store::ImportBatch {
        tenant: tenant(tenant_id),
        integration_service: domain::ServiceId::parse("checkout").expect("valid service"),
        source_kind: "cloudtrail".to_owned(),
        received_at: at(0),
        body: body.to_owned(),
        events: ids
            .iter()
            .map(|id| watchfloor_store::ImportedEvent {
                external_id: format!("cloudtrail:{id}"),
                event: event(None, &format!("cloudtrail:{id}")),
                for_engine: id.starts_with('!'),
            })
            .collect(),
        actor: "cli:operator".to_owned(),
        origin: format!("/logs/{body}.json"),
    }
}

/// How many events the import wrote.
async fn imported(store: &Store, batch: &watchfloor_store::ImportBatch) -> u64 {
    store.import(batch).await.expect("import").imported
}

pub async fn importing_twice_adds_each_external_id_once(store: &Store) {
    let first = import_batch("acme", "file 1", &["a", "b", "c"]);
    assert_eq!(imported(store, &first).await, 3);
    let after_first = counts(store).await;
    assert_eq!((after_first.payloads, after_first.events), (1, 3));

    // The same file again adds nothing, not even its payload.
    assert_eq!(imported(store, &first).await, 0);
    assert_eq!(counts(store).await, after_first);

    // A file that overlaps adds only what is new; ids repeated within a file count once.
    let overlapping = import_batch("acme", "file 2", &["c", "d", "d"]);
    assert_eq!(imported(store, &overlapping).await, 1);
    // Another tenant's records are its own, even with the same ids.
    assert_eq!(imported(store, &import_batch("globex", "file 1", &["a"])).await, 1);
    let ids = texts(
        store,
        "SELECT tenant || ' ' || external_id FROM events ORDER BY tenant, external_id",
    )
    .await;
    assert_eq!(
        ids,
        [
            "acme cloudtrail:a",
            "acme cloudtrail:b",
            "acme cloudtrail:c",
            "acme cloudtrail:d",
            "globex cloudtrail:a"
        ]
    );
    let counted = counts(store).await;
    assert_eq!((counted.payloads, counted.events, counted.alerts), (3, 5, 0));
    // Each file that added something is audited, and the chain holds.
    assert_eq!(counted.audit, 3);
    let actions = texts(
        store,
        "SELECT action || ' ' || tenant || ' ' || actor FROM audit_log \
         WHERE target IN (SELECT 'payload:' || CAST(id AS TEXT) FROM payloads) ORDER BY seq",
    )
    .await;
    assert_eq!(
        actions,
        [
            "events.import.cloudtrail acme cli:operator",
            "events.import.cloudtrail acme cli:operator",
            "events.import.cloudtrail globex cli:operator"
        ]
    );
    assert_eq!(store.verify_audit_chain().await.expect("verify"), None, "the chain holds");

    // The database itself refuses a second event with a known external id.
    let duplicate = execute(
        store,
        "INSERT INTO events (tenant, payload_id, dedup_key, action, severity, summary, labels, \
         annotations, details, external_id) SELECT tenant, payload_id, dedup_key, action, \
         severity, summary, labels, annotations, details, external_id FROM events \
         WHERE tenant = 'acme' AND external_id = 'cloudtrail:a'",
    )
    .await;
    assert!(duplicate.is_err(), "a duplicate external id must be refused: {duplicate:?}");
    // Live events carry no external id, and any number of them is fine.
    let live = vec![payload("acme", "live", vec![event(None, "k1"), event(None, "k2")])];
    store.commit(&CommitBatch { payloads: live, ..CommitBatch::default() }).await.expect("live");
    assert_eq!(counts(store).await.events, 7);

    // An empty external id is refused before anything is written.
    let mut empty = import_batch("acme", "file 3", &["e"]);
    empty.events[0].external_id.clear();
    assert!(store.import(&empty).await.is_err());
    assert_eq!(counts(store).await.events, 7);
}

pub async fn imported_events_wait_for_the_engine_once(store: &Store) {
    // `!` marks a record for the engine.
    let file = import_batch("acme", "file 1", &["!root", "quiet", "!trail"]);
    let outcome = store.import(&file).await.expect("import");
    assert_eq!((outcome.imported, outcome.for_engine), (3, 2));
    // Importing it again marks nothing anew.
    let again = store.import(&file).await.expect("import again");
    assert_eq!((again.imported, again.for_engine), (0, 0));

    let pending = store.engine_pending(10).await.expect("pending");
    assert_eq!(pending.len(), 2, "{pending:?}");
    assert_eq!(pending[0].details, event(None, "x").details, "the record comes back as stored");
    assert!(pending.iter().all(|p| p.tenant.as_str() == "acme" && p.source_kind == "cloudtrail"));
    assert!(pending.iter().all(|p| p.service.as_str() == "checkout" && p.imported_at == at(0)));
    assert!(pending[0].event_id < pending[1].event_id, "oldest first: {pending:?}");
    assert_eq!(store.engine_pending(1).await.expect("pending").len(), 1, "the limit holds");

    // The engine handled the first: it opened an incident and an alert.
    let opened = incident(1, "acme", "root");
    let root_alert = alert(1, &opened, "cloudtrail:!root");
    let handled = CommitBatch {
        incidents: vec![opened.clone()],
        alerts: vec![root_alert.clone()],
        handled_imports: vec![watchfloor_store::HandledImport {
            event_id: pending[0].event_id,
            alert_id: Some(root_alert.id),
        }],
        ..CommitBatch::default()
    };
    store.commit(&handled).await.expect("commit the handled import");
    let left = store.engine_pending(10).await.expect("pending");
    assert_eq!(left, pending[1..], "only the other one still waits");
    let linked = texts(
        store,
        &format!("SELECT CAST(alert_id AS TEXT) FROM events WHERE id = {}", pending[0].event_id),
    )
    .await;
    assert_eq!(linked, ["1"], "the event now belongs to its alert");

    // Handling it a second time (another writer got there first) fails the
    // whole commit: nothing of it is written.
    let before = counts(store).await;
    let twice = CommitBatch {
        incidents: vec![incident(2, "acme", "twice")],
        handled_imports: vec![watchfloor_store::HandledImport {
            event_id: pending[0].event_id,
            alert_id: None,
        }],
        ..CommitBatch::default()
    };
    assert!(store.commit(&twice).await.is_err(), "an event is handled once");
    assert_eq!(counts(store).await, before);

    // Linking it to an alert of another tenant fails the whole commit too.
    let globex = incident(3, "globex", "g");
    let foreign = alert(3, &globex, "k");
    let elsewhere = CommitBatch {
        incidents: vec![globex.clone()],
        alerts: vec![foreign.clone()],
        handled_imports: vec![watchfloor_store::HandledImport {
            event_id: pending[1].event_id,
            alert_id: Some(foreign.id),
        }],
        ..CommitBatch::default()
    };
    assert!(store.commit(&elsewhere).await.is_err(), "an event's alert is of its tenant");
    assert_eq!(counts(store).await, before);

    // Handled without an alert (a rule dropped it): the mark goes all the same.
    let dropped = CommitBatch {
        handled_imports: vec![watchfloor_store::HandledImport {
            event_id: pending[1].event_id,
            alert_id: None,
        }],
        ..CommitBatch::default()
    };
    store.commit(&dropped).await.expect("commit");
    assert!(store.engine_pending(10).await.expect("pending").is_empty());
}

pub async fn deliveries_recorded_in_a_batch_skip_what_is_not_pending(store: &Store) {
    let open = incident(1, "acme", "g");
    store
        .commit(&CommitBatch {
            incidents: vec![open.clone()],
            outbox: vec![outbox(&open, "noc", 0), outbox(&open, "pager", 0)],
            ..CommitBatch::default()
        })
        .await
        .expect("commit");
    let due = store.due_deliveries(at(0), 10).await.expect("due");
    assert_eq!(due.len(), 2);
    let record =
        |id: i64, outcome: DeliveryOutcome, message: &str| watchfloor_store::DeliveryRecord {
            id,
            outcome,
            timeline: timeline(&open, 1, TimelineKind::NotificationSent, message),
        };
    let sent = DeliveryOutcome::Sent { at: at(1) };
    let retry = DeliveryOutcome::Failed { at: at(1), error: "503".into(), retry_at: at(30) };
    let before = counts(store).await;
    // One sent, one failed for now, one unknown: the unknown one is skipped,
    // and the rest of the batch (an incident update too) is written.
    let mut updated = open.clone();
    updated.title = "renamed".into();
    store
        .commit(&CommitBatch {
            incidents: vec![updated],
            deliveries: vec![
                record(due[0].id, sent.clone(), "sent"),
                record(due[1].id, retry, "failed"),
                record(due[1].id + 100, sent.clone(), "unknown"),
            ],
            ..CommitBatch::default()
        })
        .await
        .expect("the batch commits");
    let after = counts(store).await;
    assert_eq!(after.timeline, before.timeline + 2, "one entry per applied delivery");
    let listed = store.list_deliveries(None, 10).await.expect("list");
    let status: Vec<(i64, &str, i32)> =
        listed.iter().map(|d| (d.id, d.status.as_str(), d.attempts)).collect();
    assert_eq!(status, [(due[1].id, "pending", 1), (due[0].id, "sent", 1)]);
    assert_eq!(
        store.incident(open.id).await.expect("read").map(|i| i.title),
        Some("renamed".into())
    );

    // Recorded again once sent: skipped, and nothing else changes.
    store
        .commit(&CommitBatch {
            deliveries: vec![record(due[0].id, sent, "again")],
            ..CommitBatch::default()
        })
        .await
        .expect("commit");
    assert_eq!(counts(store).await, after);
}

/// PostgreSQL only: request bodies large enough to be compressed are
/// compressed with lz4 (schema version 9), and read back as written.
pub async fn payload_bodies_are_compressed_with_lz4(store: Store, _target: String) {
    let body = format!(
        "[{}]",
        (0..200)
            .map(|n| format!(r#"{{"labels":{{"alertname":"DiskFull","instance":"host-{n:03}"}}}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert!(body.len() > 8_000, "large enough to be compressed: {} bytes", body.len());
    let batch =
        CommitBatch { payloads: vec![payload("acme", &body, vec![])], ..CommitBatch::default() };
    store.commit(&batch).await.expect("commit");
    let column = "SELECT CAST(attcompression AS text) FROM pg_attribute \
                  WHERE attrelid = 'payloads'::regclass AND attname = 'body'";
    assert_eq!(texts(&store, column).await, ["l"]);
    let stored = "SELECT pg_column_compression(body) FROM payloads";
    assert_eq!(texts(&store, stored).await, ["lz4"]);
    assert_eq!(texts(&store, "SELECT body FROM payloads").await, [body]);
    store.close().await;
}
