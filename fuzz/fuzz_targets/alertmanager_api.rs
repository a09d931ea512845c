//! Fuzzes an Alertmanager v2 API alert list.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(events) = ingest::parse_alertmanager_api(data, common::now()) {
        common::check(&events);
    }
});
