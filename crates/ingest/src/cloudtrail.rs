//! AWS CloudTrail: log files (`{"Records": [...]}`), single records, either of them for imports, and the record mapping EventBridge's "… via CloudTrail" events reuse.
//!
//! Every record becomes one [`Event`] with `dedup_key = "cloudtrail:<eventID>"`,
//! so the same record imported from S3 and received through EventBridge is
//! one alert. Records are evidence: the labels keep CloudTrail's own field
//! names so forensics can filter on them, and [`CloudTrailRecord::read_only`]
//! marks the calls that changed nothing.
//!
//! | label | from |
//! |---|---|
//! | `eventName`, `eventSource` | the record (Insights events: `insightDetails`) |
//! | `eventType`, `awsRegion`, `sourceIPAddress`, `recipientAccountId`, `errorCode` | the record |
//! | `userIdentity.type`, `userIdentity.arn`, `userIdentity.userName` | the record |
//! | `readOnly` | `"true"` when `readOnly` is true or the name starts with `Describe`, `List` or `Get`; else `"false"` |
//! | `actor` | `userIdentity.arn`, else `userName`, `principalId`, `invokedBy` |
//! | `responseElements.<eventName>` | sign-in outcome (`ConsoleLogin`: `Success`/`Failure`, `CheckMfa`, …) |
//! | `additionalEventData.MFAUsed` | sign-in: `Yes`/`No` |
//! | `insightType` | Insights events |
//!
//! Severity is a triage hint, not a detection (rules decide what pages):
//!
//! | record | severity |
//! |---|---|
//! | Insights event, `state: Start` / `End` | `warning` trigger / resolve (key `cloudtrail-insight:<sharedEventID>`) |
//! | console sign-in that failed | `warning` |
//! | console sign-in by `Root`, without MFA / with MFA | `critical` / `error` |
//! | console sign-in by anyone else without MFA | `warning` |
//! | `errorCode` naming a denial (`AccessDenied*`, `*Unauthorized*`) | `warning` |
//! | any other `errorCode` | `info` |
//! | `Root` calling a mutating API / a read-only one | `error` / `warning` |
//! | audit-trail tampering that succeeded (`StopLogging`, `DeleteTrail`, `UpdateTrail`, `PutEventSelectors`, `DeleteFlowLogs`, `DeleteDetector`, `LeaveOrganization`, `DeleteResolverQueryLogConfig`) | `error` |
//! | anything else | `info` |
//!
//! Every record is a `trigger` except the end of an Insights event.
//! `summary` is `"<eventName> by <actor> from <sourceIPAddress>"`, with the
//! sign-in outcome in parentheses after the name and `" failed: <errorCode>"`
//! at the end. `source` = `eventSource`, `occurred_at` = `eventTime`,
//! `resources` = `resources[].ARN`, `details` = the record as sent.

use domain::{Event, EventAction, Labels, Severity, SourceKind, Timestamp};
use serde_json::Value;

use crate::aws::put;
use crate::error::{ErrorCode, FieldError, IngestError};
use crate::fields::{self, MAX_SUMMARY_CHARS, Obj, item_path, kind_of, not_in_future, truncate};
use crate::kind::{Kind, wrong_kind};

/// Records per log file (CloudTrail's own files hold far fewer).
pub const MAX_CLOUDTRAIL_RECORDS: usize = 100_000;

/// Successful calls that switch off or blind auditing.
const TAMPERING: [&str; 8] = [
    "StopLogging",
    "DeleteTrail",
    "UpdateTrail",
    "PutEventSelectors",
    "DeleteFlowLogs",
    "DeleteDetector",
    "LeaveOrganization",
    "DeleteResolverQueryLogConfig",
];

/// One CloudTrail record and the event it maps to.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudTrailRecord {
    /// `eventID`; absent in some old (eventVersion 1.0) records, whose
    /// dedup key is then `cloudtrail:fnv-<hash of the record>`.
    pub event_id: Option<String>,
    pub event_name: String,
    pub event_source: String,
    /// `readOnly`, or a `Describe*`/`List*`/`Get*` name: the call changed nothing.
    pub read_only: bool,
    pub event: Event,
}

/// Parses a CloudTrail log file: `{"Records": [...]}` as CloudTrail writes
/// to S3 (after the caller has gunzipped it), or a bare JSON array of records
/// as `lookup-events` exports and attack-simulation tools write.
///
/// The file is atomic like every batch here: one invalid record rejects it
/// with [`ErrorCode::InvalidItems`] and one item error per bad record
/// (`Records[3].eventTime: …`). At most [`MAX_CLOUDTRAIL_RECORDS`] records; an
/// empty file is valid. A CloudTrail digest file is rejected as the wrong
/// kind. The mapping is in the [module docs](self).
pub fn parse_cloudtrail_file(
    body: &[u8],
    now: Timestamp,
) -> Result<Vec<CloudTrailRecord>, IngestError> {
    let value = fields::parse_nonempty_body(body, "a CloudTrail log file ({\"Records\": [...]})")?;
    file_records(value, now)
}

/// What `watchfloor import` and replay accept: a log file or an array of
/// records as [`parse_cloudtrail_file`] reads them, or one record on its own
/// as [`parse_cloudtrail_record`] does (an object with `eventName` or
/// `insightDetails` and no `Records`), as documentation and single-event
/// exports show them.
pub fn parse_cloudtrail_records(
    body: &[u8],
    now: Timestamp,
) -> Result<Vec<CloudTrailRecord>, IngestError> {
    let value = fields::parse_nonempty_body(
        body,
        "CloudTrail records (a log file {\"Records\": [...]}, an array, or one record)",
    )?;
    let single = value.get("Records").is_none()
        && (value.get("eventName").is_some() || value.get("insightDetails").is_some());
    if single { Ok(vec![one_record(value, now)?]) } else { file_records(value, now) }
}

fn file_records(mut value: Value, now: Timestamp) -> Result<Vec<CloudTrailRecord>, IngestError> {
    let (items, noun) = match &value {
        Value::Array(items) => (items.as_slice(), "records"),
        Value::Object(map) if map.contains_key("Records") => {
            (Obj::new(&value, "")?.req_array("Records")?, "Records")
        }
        Value::Object(map) if map.contains_key("digestStartTime") => {
            return Err(IngestError::new(
                ErrorCode::WrongPayloadKind,
                "this is a CloudTrail digest file (integrity hashes), not a log file of records",
            ));
        }
        other => {
            let missing = FieldError::missing(
                "Records",
                format_args!(
                    "required field is missing; expected a CloudTrail log file \
                     ({{\"Records\": [...]}}), found {} without Records",
                    kind_of(other)
                ),
            );
            return Err(wrong_kind(
                other,
                &[Kind::CloudTrailFile, Kind::CloudTrailArray],
                "a CloudTrail log file ({\"Records\": [...]})",
                missing.into(),
            ));
        }
    };
    let mut records = fields::batch_limited(items, noun, MAX_CLOUDTRAIL_RECORDS, |path, item| {
        record(&Obj::new(item, path)?, now, SourceKind::CloudTrail)
    })?;
    // Every record is valid: move each into its event's details rather than copy it.
    let items = match &mut value {
        Value::Array(items) => items,
        Value::Object(map) => match map.get_mut("Records") {
            Some(Value::Array(items)) => items,
            _ => return Ok(records),
        },
        _ => return Ok(records),
    };
    for (record, item) in records.iter_mut().zip(items.iter_mut()) {
        record.event.details = std::mem::take(item);
    }
    Ok(records)
}

/// Parses one CloudTrail record on its own (a JSON object with `eventName`,
/// `eventTime`, …), as documentation and single-event exports show them.
pub fn parse_cloudtrail_record(
    body: &[u8],
    now: Timestamp,
) -> Result<CloudTrailRecord, IngestError> {
    let value = fields::parse_nonempty_body(body, "a CloudTrail record (JSON object)")?;
    one_record(value, now)
}

fn one_record(value: Value, now: Timestamp) -> Result<CloudTrailRecord, IngestError> {
    let root = Obj::new(&value, "")?;
    if root.get("eventName").is_none() && root.get("insightDetails").is_none() {
        let missing = FieldError::missing(
            "eventName",
            "required field is missing; expected a CloudTrail record",
        );
        return Err(wrong_kind(
            &value,
            &[Kind::CloudTrailRecord],
            "a CloudTrail record",
            missing.into(),
        ));
    }
    let mut parsed = record(&root, now, SourceKind::CloudTrail)?;
    parsed.event.details = value;
    Ok(parsed)
}

/// Maps one record; `obj.path` prefixes error messages (`Records[3]`, `detail`).
/// The event's `details` are left `null` for the caller to fill with the record.
pub(crate) fn record(
    obj: &Obj<'_>,
    now: Timestamp,
    source_kind: SourceKind,
) -> Result<CloudTrailRecord, FieldError> {
    let insight = obj.opt_obj("insightDetails")?;
    let (event_name, event_source) = match &insight {
        Some(insight) if obj.get("eventName").is_none() => {
            (insight.req_str("eventName")?, insight.req_str("eventSource")?)
        }
        _ => (obj.req_str("eventName")?, obj.req_str("eventSource")?),
    };
    let time_path = obj.path("eventTime");
    let event_time =
        not_in_future(&time_path, fields::timestamp(&time_path, obj.req_str("eventTime")?)?, now)?;
    let event_id = obj.opt_nonempty_str("eventID")?.map(str::to_owned);
    let read_only = obj.opt_bool("readOnly")?.unwrap_or(false)
        || ["Describe", "List", "Get"].iter().any(|p| event_name.starts_with(p));
    let event_type = obj.opt_nonempty_str("eventType")?;
    let error_code = obj.opt_nonempty_str("errorCode")?;
    let source_ip = obj.opt_nonempty_str("sourceIPAddress")?;

    let identity = obj.opt_obj("userIdentity")?;
    let identity_str = |key: &str| -> Result<Option<&str>, FieldError> {
        match &identity {
            Some(identity) => identity.opt_nonempty_str(key),
            None => Ok(None),
        }
    };
    let identity_type = identity_str("type")?;
    let identity_arn = identity_str("arn")?;
    let user_name = identity_str("userName")?;
    let actor = identity_arn
        .or(user_name)
        .or(identity_str("principalId")?)
        .or(identity_str("invokedBy")?)
        .unwrap_or("unknown");

    let mut labels = Labels::new();
    put(&mut labels, "eventName", Some(event_name));
    put(&mut labels, "eventSource", Some(event_source));
    put(&mut labels, "eventType", event_type);
    put(&mut labels, "awsRegion", obj.opt_nonempty_str("awsRegion")?);
    put(&mut labels, "sourceIPAddress", source_ip);
    put(&mut labels, "recipientAccountId", obj.opt_nonempty_str("recipientAccountId")?);
    put(&mut labels, "errorCode", error_code);
    put(&mut labels, "userIdentity.type", identity_type);
    put(&mut labels, "userIdentity.arn", identity_arn);
    put(&mut labels, "userIdentity.userName", user_name);
    put(&mut labels, "actor", Some(actor));
    labels.insert("readOnly".into(), read_only.to_string());

    // Sign-in events: the outcome and whether MFA was used.
    let sign_in = event_type == Some("AwsConsoleSignIn");
    let mut outcome = None;
    let mut mfa_used = None;
    if sign_in {
        if let Some(response) = obj.opt_obj("responseElements")? {
            outcome = response.opt_nonempty_str(event_name)?;
            put(&mut labels, &format!("responseElements.{event_name}"), outcome);
        }
        if let Some(additional) = obj.opt_obj("additionalEventData")? {
            mfa_used = additional.opt_nonempty_str("MFAUsed")?;
            put(&mut labels, "additionalEventData.MFAUsed", mfa_used);
        }
    }

    let mut action = EventAction::Trigger;
    let mut dedup_key = match &event_id {
        Some(id) => format!("cloudtrail:{id}"),
        None => {
            let text = Value::Object(obj.map.clone()).to_string();
            format!("cloudtrail:fnv-{}", fields::fnv1a_hex(text.as_bytes()))
        }
    };
    let severity = if let Some(insight) = &insight {
        put(&mut labels, "insightType", insight.opt_nonempty_str("insightType")?);
        let shared = obj.opt_nonempty_str("sharedEventID")?;
        if let Some(shared) = shared {
            dedup_key = format!("cloudtrail-insight:{shared}");
        }
        if insight.opt_str("state")? == Some("End") {
            action = EventAction::Resolve;
        }
        Severity::Warning
    } else if sign_in && outcome == Some("Failure") {
        Severity::Warning
    } else if sign_in && event_name == "ConsoleLogin" {
        let with_mfa = mfa_used.is_some_and(|m| m.eq_ignore_ascii_case("yes"));
        match (identity_type == Some("Root"), with_mfa) {
            (true, false) => Severity::Critical,
            (true, true) => Severity::Error,
            (false, false) => Severity::Warning,
            (false, true) => Severity::Info,
        }
    } else if let Some(code) = error_code {
        if code.contains("AccessDenied") || code.contains("Unauthorized") {
            Severity::Warning
        } else {
            Severity::Info
        }
    } else if identity_type == Some("Root") {
        if read_only { Severity::Warning } else { Severity::Error }
    } else if TAMPERING.contains(&event_name) {
        Severity::Error
    } else {
        Severity::Info
    };

    let mut summary = if insight.is_some() {
        let state = insight.as_ref().and_then(|i| i.opt_str("state").ok().flatten());
        format!(
            "CloudTrail Insight on {event_source} {event_name}{}",
            state.map(|s| format!(" ({s})")).unwrap_or_default()
        )
    } else {
        let mut text = event_name.to_owned();
        if let Some(outcome) = outcome {
            text.push_str(&format!(" ({outcome})"));
        }
        text.push_str(&format!(" by {actor}"));
        if let Some(ip) = source_ip {
            text.push_str(&format!(" from {ip}"));
        }
        text
    };
    if let Some(code) = error_code {
        summary.push_str(&format!(" failed: {code}"));
    }

    let mut resources = Vec::new();
    if let Some(items) = obj.opt_array("resources")? {
        let parent = obj.path("resources");
        for (index, item) in items.iter().enumerate() {
            let resource = Obj::new(item, item_path(&parent, index))?;
            if let Some(arn) = resource.opt_nonempty_str("ARN")? {
                resources.push(arn.to_owned());
            }
        }
    }

    let mut event = Event::trigger(dedup_key, truncate(summary, MAX_SUMMARY_CHARS));
    event.source_kind = source_kind;
    event.action = action;
    event.severity = severity;
    event.source = Some(event_source.to_owned());
    event.occurred_at = Some(event_time);
    event.labels = labels;
    event.resources = resources;
    Ok(CloudTrailRecord {
        event_id,
        event_name: event_name.to_owned(),
        event_source: event_source.to_owned(),
        read_only,
        event,
    })
}
