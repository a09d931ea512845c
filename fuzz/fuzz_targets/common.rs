//! Shared by the fuzz targets: a fixed `now` and the checks every successful parse must pass.

// Each target uses only part of this module.
#![allow(dead_code)]

use domain::{Event, Timestamp};

/// The instant the targets parse at (the same as the integration tests').
pub fn now() -> Timestamp {
    Timestamp::constant(1_795_302_000, 0) // 2026-11-21T23:00:00Z
}

/// A parse may fail, never panic; what it returns must be sane.
pub fn check<'a>(events: impl IntoIterator<Item = &'a Event>) {
    for event in events {
        assert!(!event.dedup_key.is_empty(), "empty dedup_key: {event:?}");
        assert!(!event.summary.is_empty(), "empty summary: {event:?}");
        assert!(event.summary.chars().count() <= 1024, "summary over 1024 characters");
    }
}

/// The events of an SNS delivery (none for a confirmation).
pub fn sns_events(parsed: &ingest::SnsParsed) -> &[Event] {
    match parsed {
        ingest::SnsParsed::Notification { events, .. } => events,
        _ => &[],
    }
}
