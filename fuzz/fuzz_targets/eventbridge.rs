//! Fuzzes an EventBridge event.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = ingest::CloudWatchOptions::default();
    if let Ok(events) = ingest::parse_eventbridge(data, common::now(), &options) {
        common::check(&events);
    }
});
