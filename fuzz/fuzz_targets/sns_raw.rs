//! Fuzzes an SNS raw message delivery.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let headers = ingest::SnsRawHeaders { message_id: Some("fuzz"), topic_arn: Some("arn:aws:sns:us-east-1:1:t") };
    let options = ingest::CloudWatchOptions::default();
    if let Ok(events) = ingest::parse_sns_raw(&headers, data, common::now(), &options) {
        common::check(&events);
    }
});
