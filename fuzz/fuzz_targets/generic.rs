//! Fuzzes Watchfloor's native batch format.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(events) = ingest::parse_generic(data, common::now()) {
        common::check(&events);
    }
});
