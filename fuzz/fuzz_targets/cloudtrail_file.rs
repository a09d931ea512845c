//! Fuzzes a CloudTrail log file.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(records) = ingest::parse_cloudtrail_file(data, common::now()) {
        common::check(records.iter().map(|r| &r.event));
    }
});
