//! Fuzzes what `watchfloor import` and replay read: a CloudTrail log file, an array of records, or one record.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(records) = ingest::parse_cloudtrail_records(data, common::now()) {
        common::check(records.iter().map(|record| &record.event));
    }
});
