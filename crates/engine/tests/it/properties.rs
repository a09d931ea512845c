//! Invariants over arbitrary event sequences.

use std::collections::HashSet;
use std::time::Duration;

use domain::{EventAction, Severity};
use engine::{Effect, Engine};
use proptest::prelude::*;

use crate::*;

fn action() -> impl Strategy<Value = EventAction> {
    prop_oneof![
        Just(EventAction::Trigger),
        Just(EventAction::Acknowledge),
        Just(EventAction::Resolve)
    ]
}

proptest! {
    /// However events interleave: at most one open incident per group key,
    /// every active alert points at an open incident, counts add up, and the
    /// same inputs give the same effects.
    #[test]
    fn invariants_hold(steps in prop::collection::vec((action(), 0u8..6, 0u8..3, 0i64..50), 1..200)) {
        let run = || {
            let mut engine = Engine::new(config(Duration::from_secs(20), &["site"]));
            let mut all = Vec::new();
            let mut now = 0;
            for (action, key, site, dt) in &steps {
                now += dt;
                let mut e = event(*action, &format!("k{key}"), Severity::Error);
                e.labels.insert("site".into(), format!("s{site}"));
                all.extend(feed(&mut engine, at(now), &e));
                engine.handle_tick(at(now), &mut all);
                let mut keys = HashSet::new();
                for incident in engine.open_incidents() {
                    assert!(keys.insert(incident.group_key.clone()), "two open incidents share a group key");
                    assert!(incident.active_alert_count >= 0);
                    assert!(incident.alert_count >= incident.active_alert_count);
                }
            }
            (all, engine.take_changes())
        };
        let (first, changes) = run();
        let (second, _) = run();
        prop_assert_eq!(&first, &second);
        let notified: Vec<_> = first.iter().filter(|e| matches!(e, Effect::Notify(_))).collect();
        prop_assert!(notified.len() <= first.len());
        let mut ids = HashSet::new();
        for alert in &changes.alerts {
            prop_assert!(ids.insert(alert.id), "alert {} written twice in one batch", alert.id);
        }
        for alert in changes.alerts.iter().filter(|a| a.status != domain::AlertStatus::Resolved) {
            prop_assert!(changes.incidents.iter().any(|i| i.id == alert.incident_id && i.status.is_open()));
        }
    }
}
