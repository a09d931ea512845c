//! Fuzzes a PagerDuty Events API v2 body.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = ingest::parse_pagerduty(data, common::now(), &mut || "fresh".to_owned()) {
        common::check([&parsed.event]);
    }
});
