//! Fuzzes an SNS HTTP(S) body, with and without the message-type header.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let options = ingest::CloudWatchOptions::default();
    for header in [None, Some("Notification"), Some("SubscriptionConfirmation")] {
        if let Ok(parsed) = ingest::parse_sns(header, data, common::now(), &options) {
            common::check(common::sns_events(&parsed));
        }
    }
});
