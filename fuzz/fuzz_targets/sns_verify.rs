//! Fuzzes SNS signature verification of whatever parses, against the test certificate.

#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static CERT: &[u8] = include_bytes!("../../crates/ingest/tests/fixtures/sns/signing-cert.pem");
    let options = ingest::CloudWatchOptions::default();
    if let Ok(parsed) = ingest::parse_sns(None, data, common::now(), &options) {
        let message = parsed.message();
        let _ = ingest::check_signing_cert_url(&message.signing_cert_url);
        let _ = ingest::verify_sns_signature(message, CERT, common::now(), ingest::SNS_DEFAULT_MAX_AGE);
    }
    // The certificate parser too: the input as a PEM certificate.
    if let Ok(parsed) = ingest::parse_sns(None, include_bytes!("../../crates/ingest/tests/fixtures/sns/notification-v2.json"), common::now(), &options) {
        let _ = ingest::verify_sns_signature(parsed.message(), data, common::now(), ingest::SNS_DEFAULT_MAX_AGE);
    }
});
