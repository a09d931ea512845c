//! Fuzzes an Azure Monitor common-alert-schema webhook.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(events) = ingest::parse_azure(data, common::now()) {
        common::check(&events);
    }
});
