//! Fuzzes a single CloudTrail record.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(record) = ingest::parse_cloudtrail_record(data, common::now()) {
        common::check([&record.event]);
    }
});
