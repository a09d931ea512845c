//! Pure parsers from third-party wire formats to normalised [`domain::Event`]s: bytes in, events out.
//!
//! No IO, no async, no clock: callers pass `now`. Every parser first runs
//! [`check_depth`], then parses JSON (invalid UTF-8 and malformed JSON give
//! [`ErrorCode::InvalidJson`]; only an SNS raw delivery may be plain text),
//! then validates field by field so that every
//! error message names the field it is about (`payload.severity: …`,
//! `alerts[3].labels: …`). Batches are atomic: one invalid item rejects the
//! whole body with [`ErrorCode::InvalidItems`] and one [`ItemError`] per bad
//! item.
//!
//! | format | function | [`domain::SourceKind`] |
//! |---|---|---|
//! | PagerDuty Events API v2 | [`parse_pagerduty`] | `PagerDuty` |
//! | Alertmanager v2 API (`POST /api/v2/alerts`) | [`parse_alertmanager_api`] | `AlertmanagerApi` |
//! | Alertmanager webhook, version 4 | [`parse_alertmanager_webhook`] | `AlertmanagerWebhook` |
//! | Watchfloor's native batch format | [`parse_generic`] | `Generic` |
//! | Amazon SNS over HTTP(S) ([`sns`]) | [`parse_sns`], [`parse_sns_raw`], [`parse_sns_lambda_event`]; [`verify_sns_signature`] | `Sns` |
//! | EventBridge API destinations ([`eventbridge`]) | [`parse_eventbridge`] | `EventBridge` |
//! | CloudTrail log files and records ([`cloudtrail`]) | [`parse_cloudtrail_file`], [`parse_cloudtrail_record`], [`parse_cloudtrail_records`] | `CloudTrail` |
//! | Azure Monitor common alert schema ([`azure`]) | [`parse_azure`] | `Azure` |
//! | Grafana unified alerting webhook ([`grafana`]) | [`parse_grafana`] | `Grafana` |
//!
//! Each module's docs hold its mapping table (severity, action, dedup key,
//! labels). A body of a recognisably different format than the endpoint's
//! (an EventBridge event posted to the SNS endpoint, an Azure alert without
//! the common alert schema) is rejected with [`ErrorCode::WrongPayloadKind`]
//! and a message saying what it looks like; an SNS signature that does not
//! verify gives [`SnsVerifyError`], which converts to
//! [`ErrorCode::SignatureInvalid`].
//!
//! Labels of the cloud adapters: AWS events carry `aws_account` and
//! `aws_region` (taken from ARNs, never from display names); CloudTrail
//! records keep CloudTrail's own field names (`eventName`,
//! `userIdentity.arn`, …) so forensics can filter on them exactly.

mod alertmanager;
mod aws;
pub mod azure;
pub mod cloudtrail;
mod error;
pub mod eventbridge;
mod fields;
pub mod generic;
pub mod grafana;
mod kind;
mod pagerduty;
pub mod sns;
mod sns_verify;

pub use alertmanager::{parse_alertmanager_api, parse_alertmanager_webhook};
pub use aws::{CloudWatchOptions, InsufficientData};
pub use azure::parse_azure;
pub use cloudtrail::{
    CloudTrailRecord, MAX_CLOUDTRAIL_RECORDS, parse_cloudtrail_file, parse_cloudtrail_record,
    parse_cloudtrail_records,
};
pub use error::{ErrorCode, IngestError, ItemError};
pub use eventbridge::parse_eventbridge;
pub use fields::check_depth;
pub use generic::parse_generic;
pub use grafana::parse_grafana;
pub use pagerduty::{PagerDutyEvent, pagerduty_routing_key, parse_pagerduty};
pub use sns::{
    SnsMessage, SnsMessageType, SnsParsed, SnsRawHeaders, parse_sns, parse_sns_lambda_event,
    parse_sns_raw,
};
pub use sns_verify::{
    CertificateValidity, SNS_DEFAULT_MAX_AGE, SnsVerifyError, check_signing_cert_url,
    check_signing_certificate, check_sns_url, is_sns_host, verify_sns_signature,
};

/// JSON nesting limit (arrays and objects), checked on the raw bytes before parsing.
pub const MAX_DEPTH: usize = 32;
/// Alerts or events per request.
pub const MAX_BATCH: usize = 1000;
/// A start/occurred timestamp more than this many seconds after `now` is rejected.
pub const FUTURE_TOLERANCE_SECS: i64 = 900;
