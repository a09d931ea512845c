//! Integration tests of watchfloor-ingest: real third-party samples, bad input, properties.

extern crate watchfloor_ingest as ingest;

mod alertmanager;
mod azure;
mod cloudtrail;
mod eventbridge;
mod fuzz;
mod generic;
mod grafana;
mod pagerduty;
mod properties;
mod samples;
mod sns;

use std::path::{Path, PathBuf};

use domain::Timestamp;

/// The shared samples live beside the repository checkout, never inside it.
const SAMPLES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples");

/// The instant the tests run at: shortly after the newest sample was captured.
pub fn now() -> Timestamp {
    ts("2026-11-21T23:00:00Z")
}

pub fn ts(text: &str) -> Timestamp {
    match text.parse() {
        Ok(at) => at,
        Err(e) => panic!("test timestamp {text:?} does not parse: {e}"),
    }
}

/// The samples directory; a missing one fails the test (it is never skipped).
pub fn samples_dir() -> PathBuf {
    let dir = Path::new(SAMPLES_DIR);
    assert!(
        dir.is_dir(),
        "the shared samples directory {} is missing: these tests need the `shared/` \
         directory checked out beside the repository (…/shared/samples)",
        dir.display()
    );
    dir.to_path_buf()
}

pub fn read_sample(relative: &str) -> Vec<u8> {
    let path = samples_dir().join(relative);
    match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => panic!("cannot read sample {}: {e}", path.display()),
    }
}

/// A dedup-key generator for PagerDuty triggers that must not be called.
/// Asserts that `result` failed with `code` and a message containing `needle`.
pub fn assert_rejected<T: std::fmt::Debug>(
    result: Result<T, ingest::IngestError>,
    code: ingest::ErrorCode,
    needle: &str,
) -> ingest::IngestError {
    match result {
        Ok(value) => panic!("expected {code:?} mentioning {needle:?}, got Ok({value:?})"),
        Err(error) => {
            assert_eq!(error.code, code, "{error:?}");
            assert!(
                error.message.contains(needle),
                "{:?} should mention {needle:?}",
                error.message
            );
            error
        }
    }
}

pub fn no_fresh_key() -> String {
    panic!("fresh_dedup_key was called although the event had a dedup_key")
}
