//! Fuzzes an SNS-to-Lambda event.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = ingest::CloudWatchOptions::default();
    if let Ok(all) = ingest::parse_sns_lambda_event(data, common::now(), &options) {
        common::check(all.iter().flat_map(common::sns_events));
    }
});
