//! Amazon SNS over HTTP(S): the JSON envelope, the subscription handshake, and the CloudWatch alarms and EventBridge events that arrive inside it.
//!
//! SNS POSTs a JSON envelope (`Content-Type: text/plain`) whose `Type` is
//! `SubscriptionConfirmation`, `Notification` or `UnsubscribeConfirmation`,
//! with the same type in the `x-amz-sns-message-type` header. [`parse_sns`]
//! validates it and maps a notification's `Message`:
//!
//! | `Message` | events |
//! |---|---|
//! | a CloudWatch alarm (JSON with `AlarmName` and `NewStateValue`) | one alarm event, as below |
//! | an EventBridge event (JSON with `detail-type`, `source`, `detail`) | as [`crate::parse_eventbridge`] maps it, with `source_kind` `Sns` |
//! | anything else (text or other JSON) | one generic event |
//!
//! **CloudWatch alarms** (also via EventBridge, same keys):
//! `dedup_key` = `AlarmArn`, so `ALARM` then `OK` resolve the same alert
//! whichever way they came; `NewStateValue` `ALARM` → `trigger` with
//! [`CloudWatchOptions::alarm_severity`] (default `error`), `OK` → `resolve`,
//! `INSUFFICIENT_DATA` → [`CloudWatchOptions::insufficient_data`] (default a
//! `warning` trigger). `summary` = `"<state>: <AlarmName>"`; `occurred_at` =
//! `StateChangeTime`; `resources` = `[AlarmArn]`; labels `alarm_name`,
//! `aws_account` (from the ARN, else `AWSAccountId`), `aws_region` (from the
//! ARN: the `Region` field is a display name such as "US East (N.
//! Virginia)", kept as the annotation `region_name`), `namespace`,
//! `metric_name`, `alarm_type` (`metric` or `composite`) and each metric
//! dimension by its own name (`InstanceId`, …); annotations `state`,
//! `previous_state`, `reason`, `description`, `alarm_rule` (composite
//! alarms); `source` = the first dimension's value, else the alarm name;
//! `details` = the alarm message; a link to the alarm in the AWS console.
//!
//! **Other messages**: `dedup_key` = `sns:<MessageId>`, `summary` =
//! `Subject`, else the first line of `Message`; severity `warning`; labels
//! `sns_topic`, `aws_account`, `aws_region` (from `TopicArn`); `details` =
//! `{"message": <Message, parsed when it is JSON>, "subject": …, "message_attributes": …}`.
//!
//! Every notification event gets the annotation `sns_topic_arn`. Parsing
//! does not verify the signature: [`crate::verify_sns_signature`] does, and
//! the caller decides whether to.
//!
//! A server endpoint, in order:
//! 1. [`parse_sns`] with the `x-amz-sns-message-type` header (400 on error);
//! 2. [`crate::check_signing_cert_url`] on [`SnsMessage::signing_cert_url`],
//!    then fetch that PEM over HTTPS (cache it by URL), or take the
//!    operator's pinned PEM;
//! 3. [`crate::verify_sns_signature`] (403 on error; the error converts to
//!    [`crate::ErrorCode::SignatureInvalid`]);
//! 4. a `SubscriptionConfirmation`: [`crate::check_sns_url`] on
//!    `subscribe_url`, then GET it; a `Notification`: ingest its `events`;
//!    an `UnsubscribeConfirmation`: log it.
//!
//! With raw message delivery (header `x-amz-sns-rawdelivery: true`) there is
//! no envelope and no signature: call [`parse_sns_raw`] only when the
//! integration allows raw delivery. [`parse_sns_lambda_event`] reads what a
//! Lambda function subscribed to SNS receives, for a forwarder.

use domain::{Event, Labels, Severity, SourceKind, Timestamp};
use serde_json::{Value, json};

use crate::aws::{Alarm, CloudWatchOptions, parse_arn, put};
use crate::error::{FieldError, IngestError};
use crate::eventbridge;
use crate::fields::{self, MAX_SUMMARY_CHARS, Obj, kind_of, not_in_future, truncate};
use crate::kind::{Kind, wrong_kind};

/// The three kinds of SNS HTTP(S) messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnsMessageType {
    SubscriptionConfirmation,
    Notification,
    UnsubscribeConfirmation,
}

impl SnsMessageType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SubscriptionConfirmation => "SubscriptionConfirmation",
            Self::Notification => "Notification",
            Self::UnsubscribeConfirmation => "UnsubscribeConfirmation",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::SubscriptionConfirmation, Self::Notification, Self::UnsubscribeConfirmation]
            .into_iter()
            .find(|t| t.as_str() == value)
    }
}

/// An SNS envelope, its fields exactly as sent (the signature covers the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnsMessage {
    pub message_type: SnsMessageType,
    pub message_id: String,
    pub topic_arn: String,
    /// Notifications only, and only when the publisher gave one.
    pub subject: Option<String>,
    pub message: String,
    /// `Timestamp` as sent (it is part of the string to sign).
    pub timestamp: String,
    /// `Timestamp`, parsed.
    pub sent_at: Timestamp,
    pub signature_version: String,
    /// Base64, as sent.
    pub signature: String,
    pub signing_cert_url: String,
    /// Confirmations only: the URL to GET to confirm (check it with [`crate::check_sns_url`] first).
    pub subscribe_url: Option<String>,
    /// Confirmations only.
    pub token: Option<String>,
    /// Notifications only.
    pub unsubscribe_url: Option<String>,
}

impl SnsMessage {
    /// The string SNS signs, as AWS documents it: for notifications the keys
    /// `Message`, `MessageId`, `Subject` (only when present), `Timestamp`,
    /// `TopicArn`, `Type`; for (un)subscription confirmations `Message`,
    /// `MessageId`, `SubscribeURL`, `Timestamp`, `Token`, `TopicArn`, `Type`;
    /// each key and each value followed by a newline.
    pub fn string_to_sign(&self) -> String {
        let mut pairs: Vec<(&str, &str)> =
            vec![("Message", &self.message), ("MessageId", &self.message_id)];
        match self.message_type {
            SnsMessageType::Notification => {
                if let Some(subject) = &self.subject {
                    pairs.push(("Subject", subject));
                }
                pairs.push(("Timestamp", &self.timestamp));
            }
            SnsMessageType::SubscriptionConfirmation | SnsMessageType::UnsubscribeConfirmation => {
                pairs.push(("SubscribeURL", self.subscribe_url.as_deref().unwrap_or_default()));
                pairs.push(("Timestamp", &self.timestamp));
                pairs.push(("Token", self.token.as_deref().unwrap_or_default()));
            }
        }
        pairs.push(("TopicArn", &self.topic_arn));
        pairs.push(("Type", self.message_type.as_str()));
        let mut text = String::new();
        for (key, value) in pairs {
            text.push_str(key);
            text.push('\n');
            text.push_str(value);
            text.push('\n');
        }
        text
    }
}

/// A parsed SNS HTTP(S) delivery: what the server must do next.
#[derive(Debug, Clone, PartialEq)]
pub enum SnsParsed {
    /// GET `subscribe_url` (after verifying the signature and checking the
    /// URL's host) to confirm the subscription.
    SubscriptionConfirmation {
        topic_arn: String,
        subscribe_url: String,
        token: String,
        message: SnsMessage,
    },
    /// The subscription was deleted; `subscribe_url` would re-subscribe.
    UnsubscribeConfirmation {
        topic_arn: String,
        subscribe_url: String,
        token: String,
        message: SnsMessage,
    },
    /// Events to ingest (none when the options ignore an `INSUFFICIENT_DATA` alarm).
    Notification { message: SnsMessage, events: Vec<Event> },
}

impl SnsParsed {
    /// The envelope, whichever kind it is (to verify its signature).
    pub fn message(&self) -> &SnsMessage {
        match self {
            Self::SubscriptionConfirmation { message, .. }
            | Self::UnsubscribeConfirmation { message, .. }
            | Self::Notification { message, .. } => message,
        }
    }
}

/// The SNS headers that matter for a raw message delivery (which has no envelope).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SnsRawHeaders<'a> {
    /// `x-amz-sns-message-id`
    pub message_id: Option<&'a str>,
    /// `x-amz-sns-topic-arn`
    pub topic_arn: Option<&'a str>,
}

/// Parses an SNS HTTP(S) POST body; see the [module docs](self).
///
/// `header_message_type` is the `x-amz-sns-message-type` header when sent: it
/// must agree with the body's `Type` (some senders, such as moto, omit it).
/// Required: `Type`, `MessageId`, `TopicArn`, `Message`, `Timestamp` (RFC
/// 3339, at most 15 minutes ahead), `SignatureVersion`, `Signature`,
/// `SigningCertURL`; confirmations also `SubscribeURL` and `Token`.
pub fn parse_sns(
    header_message_type: Option<&str>,
    body: &[u8],
    now: Timestamp,
    options: &CloudWatchOptions,
) -> Result<SnsParsed, IngestError> {
    let expected = "an Amazon SNS message (JSON with Type, MessageId, TopicArn, Message, …)";
    let value = fields::parse_nonempty_body(body, expected)?;
    if value.get("Type").is_none() {
        let otherwise: IngestError = match &value {
            Value::Object(_) => FieldError::missing(
                "Type",
                format_args!("required field is missing; expected {expected}"),
            )
            .into(),
            other => FieldError::invalid(
                "body",
                format_args!("expected {expected}, found {}", kind_of(other)),
            )
            .into(),
        };
        return Err(wrong_kind(&value, &[Kind::Sns], expected, otherwise));
    }
    let root = Obj::new(&value, "")?;
    Ok(parsed(&root, header_message_type, now, options, false)?)
}

/// Parses an SNS raw message delivery (`x-amz-sns-rawdelivery: true`): the
/// body is the published message itself, with no envelope and no signature,
/// so the server should accept it only where the integration allows raw
/// delivery. The body is mapped as a notification's `Message` is (a
/// CloudWatch alarm, an EventBridge event, or a generic event keyed by
/// `sns:<x-amz-sns-message-id>`, else by a hash of the body). It must be
/// UTF-8 and non-empty.
pub fn parse_sns_raw(
    headers: &SnsRawHeaders<'_>,
    body: &[u8],
    now: Timestamp,
    options: &CloudWatchOptions,
) -> Result<Vec<Event>, IngestError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        IngestError::from(FieldError::invalid("body", format_args!("not UTF-8 text ({e})")))
    })?;
    if text.trim().is_empty() {
        return Err(FieldError::invalid("body", "the message is empty").into());
    }
    let message_id = match headers.message_id.filter(|id| !id.is_empty()) {
        Some(id) => id.to_owned(),
        None => format!("body-{}", fields::fnv1a_hex(body)),
    };
    let context = Context {
        message_id: &message_id,
        topic_arn: headers.topic_arn.unwrap_or_default(),
        subject: None,
        sent_at: None,
        message_attributes: None,
    };
    Ok(message_events(text, "body", &context, now, options)?)
}

/// Parses the event AWS Lambda receives from an SNS subscription
/// (`{"Records": [{"EventSource": "aws:sns", "Sns": {…}}]}`): each `Sns`
/// object is the envelope an HTTP(S) subscriber would get (Lambda spells
/// `SigningCertUrl` and `UnsubscribeUrl`; both spellings are accepted), for
/// a Lambda function that forwards SNS deliveries. Atomic, like batches.
pub fn parse_sns_lambda_event(
    body: &[u8],
    now: Timestamp,
    options: &CloudWatchOptions,
) -> Result<Vec<SnsParsed>, IngestError> {
    let expected = "an SNS-to-Lambda event ({\"Records\": [{\"Sns\": …}]})";
    let value = fields::parse_nonempty_body(body, expected)?;
    let root = Obj::new(&value, "")?;
    let Some(records) = root.opt_array("Records")? else {
        let missing = FieldError::missing(
            "Records",
            format_args!("required field is missing; expected {expected}"),
        );
        return Err(wrong_kind(&value, &[Kind::SnsLambda], expected, missing.into()));
    };
    fields::batch(records, "Records", |path, record| {
        let record = Obj::new(record, path)?;
        let sns = record.req_obj("Sns")?;
        parsed(&sns, None, now, options, true)
    })
}

/// The envelope at `root` (the body, or `Records[i].Sns`).
fn parsed(
    root: &Obj<'_>,
    header_message_type: Option<&str>,
    now: Timestamp,
    options: &CloudWatchOptions,
    lambda_spelling: bool,
) -> Result<SnsParsed, FieldError> {
    let type_text = root.req_str("Type")?;
    let message_type = SnsMessageType::parse(type_text).ok_or_else(|| {
        FieldError::invalid(
            &root.path("Type"),
            format_args!(
                "unknown SNS message type {type_text:?}; expected SubscriptionConfirmation, \
                 Notification or UnsubscribeConfirmation"
            ),
        )
    })?;
    if let Some(header) = header_message_type
        && header != type_text
    {
        return Err(FieldError::invalid(
            "x-amz-sns-message-type",
            format_args!("the header says {header:?} but the body's Type is {type_text:?}"),
        ));
    }
    let either = |key: &str, lambda_key: &str| -> Result<Option<&str>, FieldError> {
        match root.opt_nonempty_str(key)? {
            Some(value) => Ok(Some(value)),
            None if lambda_spelling => root.opt_nonempty_str(lambda_key),
            None => Ok(None),
        }
    };
    let owned = |key: &str| -> Result<String, FieldError> { Ok(root.req_str(key)?.to_owned()) };
    let timestamp = owned("Timestamp")?;
    let time_path = root.path("Timestamp");
    let sent_at = not_in_future(&time_path, fields::timestamp(&time_path, &timestamp)?, now)?;
    let signing_cert_url = either("SigningCertURL", "SigningCertUrl")?
        .ok_or_else(|| {
            FieldError::missing(&root.path("SigningCertURL"), "required field is missing")
        })?
        .to_owned();
    let confirmation = message_type != SnsMessageType::Notification;
    let message = SnsMessage {
        message_type,
        message_id: owned("MessageId")?,
        topic_arn: owned("TopicArn")?,
        subject: if confirmation { None } else { root.opt_str("Subject")?.map(str::to_owned) },
        // An empty Message is legal SNS (and signed as such).
        message: match root.opt_str("Message")? {
            Some(message) => message.to_owned(),
            None => {
                return Err(FieldError::missing(
                    &root.path("Message"),
                    "required field is missing",
                ));
            }
        },
        timestamp,
        sent_at,
        signature_version: owned("SignatureVersion")?,
        signature: owned("Signature")?,
        signing_cert_url,
        subscribe_url: if confirmation { Some(owned("SubscribeURL")?) } else { None },
        token: if confirmation { Some(owned("Token")?) } else { None },
        unsubscribe_url: either("UnsubscribeURL", "UnsubscribeUrl")?.map(str::to_owned),
    };
    Ok(match message_type {
        SnsMessageType::Notification => {
            let context = Context {
                message_id: &message.message_id,
                topic_arn: &message.topic_arn,
                subject: message.subject.as_deref(),
                sent_at: Some(message.sent_at),
                message_attributes: root.get("MessageAttributes"),
            };
            let path = root.path("Message");
            let events = message_events(&message.message, &path, &context, now, options)?;
            SnsParsed::Notification { message, events }
        }
        SnsMessageType::SubscriptionConfirmation => SnsParsed::SubscriptionConfirmation {
            topic_arn: message.topic_arn.clone(),
            subscribe_url: message.subscribe_url.clone().unwrap_or_default(),
            token: message.token.clone().unwrap_or_default(),
            message,
        },
        SnsMessageType::UnsubscribeConfirmation => SnsParsed::UnsubscribeConfirmation {
            topic_arn: message.topic_arn.clone(),
            subscribe_url: message.subscribe_url.clone().unwrap_or_default(),
            token: message.token.clone().unwrap_or_default(),
            message,
        },
    })
}

/// What a message's mapping needs from its envelope (or raw-delivery headers).
struct Context<'a> {
    message_id: &'a str,
    topic_arn: &'a str,
    subject: Option<&'a str>,
    sent_at: Option<Timestamp>,
    message_attributes: Option<&'a Value>,
}

/// Maps a notification's `Message` (or a raw delivery's body); `path` names it in errors.
fn message_events(
    text: &str,
    path: &str,
    context: &Context<'_>,
    now: Timestamp,
    options: &CloudWatchOptions,
) -> Result<Vec<Event>, FieldError> {
    let trimmed = text.trim_start();
    let json = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // Not JSON after all (or nested too deep): then it is text.
        fields::parse_body(text.as_bytes()).ok()
    } else {
        None
    };
    let mut events = match &json {
        Some(value @ Value::Object(map))
            if map.contains_key("AlarmName") && map.contains_key("NewStateValue") =>
        {
            let alarm = Alarm::from_sns_message(&Obj::new(value, path)?, now)?;
            alarm.into_event(options, SourceKind::Sns).into_iter().collect()
        }
        Some(value) if eventbridge::looks_like_eventbridge(value) => {
            eventbridge::events(&Obj::new(value, path)?, now, options, SourceKind::Sns)?
        }
        _ => vec![generic(text, json, context)],
    };
    for event in &mut events {
        put(&mut event.annotations, "sns_topic_arn", Some(context.topic_arn));
    }
    Ok(events)
}

/// A message that is neither a CloudWatch alarm nor an EventBridge event.
fn generic(text: &str, json: Option<Value>, context: &Context<'_>) -> Event {
    let summary = context
        .subject
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| text.lines().map(str::trim).find(|line| !line.is_empty()))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("SNS message {}", context.message_id));
    let arn = parse_arn(context.topic_arn);
    let mut labels = Labels::new();
    put(&mut labels, "sns_topic", arn.map(|a| a.resource));
    put(&mut labels, "aws_account", arn.map(|a| a.account));
    put(&mut labels, "aws_region", arn.map(|a| a.region));
    let mut event =
        Event::trigger(format!("sns:{}", context.message_id), truncate(summary, MAX_SUMMARY_CHARS));
    event.source_kind = SourceKind::Sns;
    event.severity = Severity::Warning;
    event.source = arn.map(|a| a.resource.to_owned());
    event.occurred_at = context.sent_at;
    event.labels = labels;
    event.details = json!({
        "message": json.unwrap_or_else(|| Value::String(text.to_owned())),
        "subject": context.subject,
        "message_attributes": context.message_attributes,
    });
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(message_type: SnsMessageType) -> SnsMessage {
        SnsMessage {
            message_type,
            message_id: "id".into(),
            topic_arn: "arn:aws:sns:us-east-1:123456789012:t".into(),
            subject: None,
            message: "line 1\nline 2".into(),
            timestamp: "2026-11-21T22:50:00.000Z".into(),
            sent_at: Timestamp::UNIX_EPOCH,
            signature_version: "2".into(),
            signature: String::new(),
            signing_cert_url: String::new(),
            subscribe_url: Some(
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription".into(),
            ),
            token: Some("tok".into()),
            unsubscribe_url: None,
        }
    }

    #[test]
    fn notification_string_to_sign_has_subject_only_when_present() {
        let mut notification = message(SnsMessageType::Notification);
        assert_eq!(
            notification.string_to_sign(),
            "Message\nline 1\nline 2\nMessageId\nid\nTimestamp\n2026-11-21T22:50:00.000Z\n\
             TopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nNotification\n"
        );
        notification.subject = Some("S".into());
        assert!(notification.string_to_sign().contains("MessageId\nid\nSubject\nS\nTimestamp\n"));
    }

    #[test]
    fn confirmation_string_to_sign_has_subscribe_url_and_token() {
        let text = message(SnsMessageType::SubscriptionConfirmation).string_to_sign();
        assert_eq!(
            text,
            "Message\nline 1\nline 2\nMessageId\nid\n\
             SubscribeURL\nhttps://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription\n\
             Timestamp\n2026-11-21T22:50:00.000Z\nToken\ntok\n\
             TopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nSubscriptionConfirmation\n"
        );
    }
}
