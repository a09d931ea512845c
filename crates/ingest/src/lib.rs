//! Pure parsers from third-party wire formats to normalised [`domain::Event`]s: bytes in, events out.
//!
//! No IO, no async, no clock: callers pass `now`. Every parser first runs
//! [`check_depth`], then parses JSON (invalid UTF-8 and malformed JSON give
//! [`ErrorCode::InvalidJson`]), then validates field by field so that every
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

mod alertmanager;
mod error;
mod fields;
pub mod generic;
mod pagerduty;

pub use alertmanager::{parse_alertmanager_api, parse_alertmanager_webhook};
pub use error::{ErrorCode, IngestError, ItemError};
pub use fields::check_depth;
pub use generic::parse_generic;
pub use pagerduty::{PagerDutyEvent, parse_pagerduty};

/// JSON nesting limit (arrays and objects), checked on the raw bytes before parsing.
pub const MAX_DEPTH: usize = 32;
/// Alerts or events per request.
pub const MAX_BATCH: usize = 1000;
/// A start/occurred timestamp more than this many seconds after `now` is rejected.
pub const FUTURE_TOLERANCE_SECS: i64 = 900;
