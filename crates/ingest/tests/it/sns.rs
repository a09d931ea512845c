//! Amazon SNS: signature verification with test certificates, the alarm lifecycle, raw and Lambda deliveries, bad input.

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use domain::{Event, EventAction, Severity, SourceKind};
use ingest::{
    CloudWatchOptions, ErrorCode, InsufficientData, SNS_DEFAULT_MAX_AGE, SnsMessage,
    SnsMessageType, SnsParsed, SnsRawHeaders, SnsVerifyError, check_signing_cert_url,
    check_sns_url, is_sns_host, verify_sns_signature,
};
use proptest::prelude::*;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::json;

use crate::{assert_rejected, now, read_sample, ts};

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf =
        [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "sns", name].iter().collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn parse(body: &[u8]) -> SnsParsed {
    match ingest::parse_sns(None, body, now(), &CloudWatchOptions::default()) {
        Ok(parsed) => parsed,
        Err(error) => panic!("{error:?}"),
    }
}

fn message(name: &str) -> SnsMessage {
    parse(&fixture(name)).message().clone()
}

fn verify(message: &SnsMessage, cert: &str) -> Result<(), SnsVerifyError> {
    verify_sns_signature(message, &fixture(cert), now(), SNS_DEFAULT_MAX_AGE)
}

fn events_of(parsed: SnsParsed) -> Vec<Event> {
    match parsed {
        SnsParsed::Notification { events, .. } => events,
        other => panic!("expected a notification, got {other:?}"),
    }
}

#[test]
fn valid_v1_and_v2_signatures_verify() {
    for name in [
        "notification-v1.json",
        "notification-v2.json",
        "notification-v2-cloudwatch-alarm.json",
        "subscription-confirmation-v1.json",
        "unsubscribe-confirmation-v2.json",
    ] {
        let message = message(name);
        assert_eq!(verify(&message, "signing-cert.pem"), Ok(()), "{name}");
        assert_eq!(check_signing_cert_url(&message.signing_cert_url), Ok(()), "{name}");
    }
    assert_eq!(message("notification-v1.json").signature_version, "1");
    assert_eq!(message("notification-v2.json").signature_version, "2");
}

#[test]
fn a_tampered_message_does_not_verify() {
    let original = message("notification-v2-cloudwatch-alarm.json");
    let mut tampered = original.clone();
    tampered.message = tampered.message.replace("\"ALARM\"", "\"OK\"");
    assert_ne!(tampered.message, original.message);
    assert_eq!(
        verify(&tampered, "signing-cert.pem"),
        Err(SnsVerifyError::BadSignature { version: "2".into() })
    );
    // Every signed field counts, the subject (v1) and the subscribe URL included.
    let mut subject = message("notification-v1.json");
    subject.subject = Some("Another subject".into());
    assert!(matches!(
        verify(&subject, "signing-cert.pem"),
        Err(SnsVerifyError::BadSignature { .. })
    ));
    let mut dropped = message("notification-v1.json");
    dropped.subject = None;
    assert!(matches!(
        verify(&dropped, "signing-cert.pem"),
        Err(SnsVerifyError::BadSignature { .. })
    ));
    let mut url = message("subscription-confirmation-v1.json");
    url.subscribe_url =
        Some("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription".into());
    assert!(matches!(verify(&url, "signing-cert.pem"), Err(SnsVerifyError::BadSignature { .. })));
    // The body as sent, edited, is rejected the same way once parsed.
    let text = String::from_utf8(fixture("notification-v2.json")).unwrap_or_default();
    let edited = text.replace("Hello without a subject", "Hello without a subject!");
    let parsed = parse(edited.as_bytes());
    assert!(matches!(
        verify(parsed.message(), "signing-cert.pem"),
        Err(SnsVerifyError::BadSignature { .. })
    ));
}

#[test]
fn a_signature_from_another_key_does_not_verify() {
    let message = message("notification-v2.json");
    assert!(matches!(verify(&message, "other-cert.pem"), Err(SnsVerifyError::BadSignature { .. })));
    // moto 5.2.5 signs with a key of its own: our certificate does not verify it either.
    let moto =
        parse(&read_sample("generated-by-peers/moto-5.2.5_sns-http/01_sns-http_Notification.json"));
    let moto_message = moto.message().clone();
    assert!(matches!(
        verify_sns_signature(
            &moto_message,
            &fixture("signing-cert.pem"),
            ts("2026-11-21T22:30:00Z"),
            SNS_DEFAULT_MAX_AGE
        ),
        Err(SnsVerifyError::BadSignature { .. })
    ));
}

#[test]
fn unknown_signature_versions_are_refused() {
    for version in ["3", "", "2 ", "SHA256"] {
        let mut message = message("notification-v2.json");
        message.signature_version = version.into();
        assert_eq!(
            verify(&message, "signing-cert.pem"),
            Err(SnsVerifyError::UnknownSignatureVersion(version.into())),
            "{version:?}"
        );
    }
    let error: ingest::IngestError = SnsVerifyError::UnknownSignatureVersion("3".into()).into();
    assert_eq!(error.code, ErrorCode::SignatureInvalid);
    assert!(error.message.contains("unknown SignatureVersion \"3\""), "{error}");
}

#[test]
fn stale_and_future_timestamps_are_refused() {
    let message = message("notification-v2.json");
    assert_eq!(message.sent_at, ts("2026-11-21T22:50:00Z"));
    let cert = fixture("signing-cert.pem");
    let later = ts("2026-11-22T00:00:01Z");
    assert!(matches!(
        verify_sns_signature(&message, &cert, later, SNS_DEFAULT_MAX_AGE),
        Err(SnsVerifyError::Stale { max_age_secs: 3600, .. })
    ));
    // A longer max_age accepts the same message at the same instant.
    assert_eq!(verify_sns_signature(&message, &cert, later, Duration::from_secs(7200)), Ok(()));
    let earlier = ts("2026-11-21T22:30:00Z");
    assert!(matches!(
        verify_sns_signature(&message, &cert, earlier, SNS_DEFAULT_MAX_AGE),
        Err(SnsVerifyError::FromTheFuture { .. })
    ));
    let error = verify_sns_signature(&message, &cert, later, SNS_DEFAULT_MAX_AGE).err();
    let text = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(text.contains("stale"), "{text}");
}

#[test]
fn certificates_must_be_valid_now_and_well_formed() {
    let message = message("notification-v2.json");
    assert!(matches!(
        verify(&message, "expired-cert.pem"),
        Err(SnsVerifyError::CertificateNotValidNow { .. })
    ));
    for garbage in
        [&b""[..], b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", b"not pem"]
    {
        assert!(matches!(
            verify_sns_signature(&message, garbage, now(), SNS_DEFAULT_MAX_AGE),
            Err(SnsVerifyError::InvalidCertificate(_))
        ));
    }
    // The CA certificate parses but holds another key.
    assert!(matches!(verify(&message, "ca.pem"), Err(SnsVerifyError::BadSignature { .. })));
    let mut bad_base64 = message.clone();
    bad_base64.signature = "not base64!".into();
    assert!(matches!(
        verify(&bad_base64, "signing-cert.pem"),
        Err(SnsVerifyError::InvalidSignatureEncoding(_))
    ));
    let mut short = message;
    short.signature = "AAAA".into();
    assert!(matches!(verify(&short, "signing-cert.pem"), Err(SnsVerifyError::BadSignature { .. })));
}

#[test]
fn a_signing_cert_url_on_a_foreign_host_is_refused() {
    let message = message("notification-v2-foreign-cert-url.json");
    // Signed with the right key, so only the URL check can catch it: the server
    // must not fetch a certificate from there in the first place.
    assert_eq!(verify(&message, "signing-cert.pem"), Ok(()));
    let host = "sns.us-east-1.amazonaws.com.evil.example";
    assert!(!is_sns_host(host));
    let refused = check_signing_cert_url(&message.signing_cert_url);
    assert!(matches!(&refused, Err(SnsVerifyError::UntrustedUrl { what: "SigningCertURL", .. })));
    assert!(
        refused
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("not an Amazon SNS HTTPS URL")
    );
    assert!(!is_sns_host("evil-sns.us-east-1.amazonaws.com"));
    assert!(is_sns_host("sns.us-gov-west-1.amazonaws.com"));
    assert!(is_sns_host("sns.cn-northwest-1.amazonaws.com.cn"));
}

#[test]
fn confirmations_carry_what_the_server_needs() {
    let SnsParsed::SubscriptionConfirmation { topic_arn, subscribe_url, token, message } =
        parse(&fixture("subscription-confirmation-v1.json"))
    else {
        panic!("not a subscription confirmation")
    };
    assert_eq!(topic_arn, "arn:aws:sns:us-east-1:123456789012:watchfloor-alarms");
    assert_eq!(token, "2336412f37fb687f5d51e6e2425a8a58test");
    assert_eq!(check_sns_url(&subscribe_url), Ok(()));
    assert_eq!(message.message_type, SnsMessageType::SubscriptionConfirmation);
    // The documented confirmation, with its header.
    let file = "cloudwatch-sns/awsdocs_sns/sns-http_SubscriptionConfirmation_L91.http";
    let (header, body) = crate::samples::split_http(&read_sample(file));
    assert_eq!(header.as_deref(), Some("SubscriptionConfirmation"));
    let parsed = ingest::parse_sns(header.as_deref(), &body, now(), &CloudWatchOptions::default());
    assert!(matches!(parsed, Ok(SnsParsed::SubscriptionConfirmation { .. })));
    // The header and the body must agree.
    let parsed =
        ingest::parse_sns(Some("Notification"), &body, now(), &CloudWatchOptions::default());
    assert_rejected(
        parsed,
        ErrorCode::InvalidField,
        "x-amz-sns-message-type: the header says \"Notification\"",
    );
}

#[test]
fn a_cloudwatch_alarm_notification_maps_every_field() {
    let events = events_of(parse(&fixture("notification-v2-cloudwatch-alarm.json")));
    let [event] = events.as_slice() else { panic!("{events:?}") };
    let arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-5xx-rate";
    assert_eq!(event.source_kind, SourceKind::Sns);
    assert_eq!(event.action, EventAction::Trigger);
    assert_eq!(event.severity, Severity::Error);
    assert_eq!(event.dedup_key, arn);
    assert_eq!(event.summary, "ALARM: api-5xx-rate");
    assert_eq!(event.resources, [arn]);
    assert_eq!(event.occurred_at, Some(ts("2026-11-21T22:49:30.123Z")));
    assert_eq!(event.source.as_deref(), Some("app/public-api/50dc6c495c0c9188"));
    let label = |name: &str| event.labels.get(name).map(String::as_str);
    assert_eq!(label("alarm_name"), Some("api-5xx-rate"));
    assert_eq!(label("aws_account"), Some("123456789012"));
    // The region comes from the ARN, not from the "Region" display name.
    assert_eq!(label("aws_region"), Some("us-east-1"));
    assert_eq!(label("namespace"), Some("AWS/ApplicationELB"));
    assert_eq!(label("metric_name"), Some("HTTPCode_Target_5XX_Count"));
    assert_eq!(label("LoadBalancer"), Some("app/public-api/50dc6c495c0c9188"));
    assert_eq!(label("alarm_type"), Some("metric"));
    let note = |name: &str| event.annotations.get(name).map(String::as_str);
    assert_eq!(note("region_name"), Some("US East (N. Virginia)"));
    assert_eq!(note("previous_state"), Some("OK"));
    assert_eq!(note("description"), Some("5xx rate above 5% on the public API"));
    assert_eq!(note("sns_topic_arn"), Some("arn:aws:sns:us-east-1:123456789012:watchfloor-alarms"));
    assert!(note("reason").is_some_and(|r| r.starts_with("Threshold Crossed")));
    assert_eq!(event.details["AlarmName"], json!("api-5xx-rate"));
    let hrefs: Vec<&str> = event.links.iter().map(|l| l.href.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/api-5xx-rate"
        ]
    );
}

/// An SNS envelope (unsigned: parsing does not verify) around `message`.
fn envelope(message: &serde_json::Value, message_id: &str) -> Vec<u8> {
    json!({
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": "arn:aws:sns:eu-west-1:111122223333:alarms",
        "Subject": "subject",
        "Message": message.to_string(),
        "Timestamp": "2026-11-21T22:55:00.000Z",
        "SignatureVersion": "2",
        "Signature": "AAAA",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem",
    })
    .to_string()
    .into_bytes()
}

fn alarm(state: &str) -> serde_json::Value {
    json!({
        "AlarmName": "db-cpu",
        "AWSAccountId": "111122223333",
        "NewStateValue": state,
        "NewStateReason": "reason",
        "StateChangeTime": "2026-11-21T22:54:00.000+0000",
        "Region": "EU (Ireland)",
        "AlarmArn": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:db-cpu",
        "OldStateValue": "OK",
        "Trigger": {"MetricName": "CPUUtilization", "Namespace": "AWS/RDS",
                    "Dimensions": [{"name": "DBInstanceIdentifier", "value": "db-1"}]}
    })
}

fn alarm_events(state: &str, options: &CloudWatchOptions) -> Vec<Event> {
    let parsed = ingest::parse_sns(None, &envelope(&alarm(state), state), now(), options);
    match parsed {
        Ok(parsed) => events_of(parsed),
        Err(error) => panic!("{state}: {error:?}"),
    }
}

#[test]
fn alarm_then_ok_resolves_the_same_alert_whichever_way_it_came() {
    let options = CloudWatchOptions::default();
    let fired = alarm_events("ALARM", &options);
    let cleared = alarm_events("OK", &options);
    let key = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:db-cpu";
    assert_eq!(
        fired.iter().map(|e| (e.action, e.dedup_key.as_str())).collect::<Vec<_>>(),
        [(EventAction::Trigger, key)]
    );
    assert_eq!(
        cleared.iter().map(|e| (e.action, e.dedup_key.as_str())).collect::<Vec<_>>(),
        [(EventAction::Resolve, key)]
    );
    // The same alarm through EventBridge resolves the same key.
    let eventbridge = json!({
        "version": "0", "id": "e1", "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch", "account": "111122223333", "time": "2026-11-21T22:56:00Z",
        "region": "eu-west-1", "resources": [key],
        "detail": {"alarmName": "db-cpu", "state": {"value": "OK", "timestamp": "2026-11-21T22:56:00.000+0000"},
                   "previousState": {"value": "ALARM"}}
    });
    let via_eventbridge =
        ingest::parse_eventbridge(eventbridge.to_string().as_bytes(), now(), &options);
    let Ok([event]) = via_eventbridge.as_deref() else { panic!("{via_eventbridge:?}") };
    assert_eq!((event.action, event.dedup_key.as_str()), (EventAction::Resolve, key));
    // And so does an EventBridge event delivered by SNS.
    let through_sns = alarm_events_from(&envelope(&eventbridge, "eb-via-sns"));
    assert_eq!(
        through_sns
            .iter()
            .map(|e| (e.action, e.dedup_key.as_str(), e.source_kind))
            .collect::<Vec<_>>(),
        [(EventAction::Resolve, key, SourceKind::Sns)]
    );
}

fn alarm_events_from(body: &[u8]) -> Vec<Event> {
    match ingest::parse_sns(None, body, now(), &CloudWatchOptions::default()) {
        Ok(parsed) => events_of(parsed),
        Err(error) => panic!("{error:?}"),
    }
}

#[test]
fn insufficient_data_follows_the_options() {
    let default = alarm_events("INSUFFICIENT_DATA", &CloudWatchOptions::default());
    assert_eq!(
        default.iter().map(|e| (e.action, e.severity)).collect::<Vec<_>>(),
        [(EventAction::Trigger, Severity::Warning)]
    );
    let options =
        |insufficient_data| CloudWatchOptions { insufficient_data, ..CloudWatchOptions::default() };
    let resolving = alarm_events("INSUFFICIENT_DATA", &options(InsufficientData::Resolve));
    assert_eq!(resolving.iter().map(|e| e.action).collect::<Vec<_>>(), [EventAction::Resolve]);
    let critical =
        alarm_events("INSUFFICIENT_DATA", &options(InsufficientData::Trigger(Severity::Critical)));
    assert_eq!(critical.iter().map(|e| e.severity).collect::<Vec<_>>(), [Severity::Critical]);
    assert!(alarm_events("INSUFFICIENT_DATA", &options(InsufficientData::Ignore)).is_empty());
    let paging =
        CloudWatchOptions { alarm_severity: Severity::Critical, ..CloudWatchOptions::default() };
    assert_eq!(
        alarm_events("ALARM", &paging).iter().map(|e| e.severity).collect::<Vec<_>>(),
        [Severity::Critical]
    );
}

#[test]
fn composite_alarms_keep_their_rule() {
    let composite = json!({
        "AlarmName": "service-health", "AWSAccountId": "111122223333", "NewStateValue": "ALARM",
        "NewStateReason": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:db-cpu transitioned to ALARM",
        "StateChangeTime": "2026-11-21T22:54:00.000+0000",
        "AlarmArn": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:service-health",
        "OldStateValue": "OK", "AlarmRule": "ALARM(db-cpu) OR ALARM(api-5xx-rate)"
    });
    let events = alarm_events_from(&envelope(&composite, "composite"));
    let [event] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(event.labels.get("alarm_type").map(String::as_str), Some("composite"));
    assert_eq!(
        event.annotations.get("alarm_rule").map(String::as_str),
        Some("ALARM(db-cpu) OR ALARM(api-5xx-rate)")
    );
    assert_eq!(event.source.as_deref(), Some("service-health"));
}

#[test]
fn other_messages_become_generic_events() {
    let events = events_of(parse(&fixture("notification-v1.json")));
    let [event] = events.as_slice() else { panic!("{events:?}") };
    assert_eq!(event.dedup_key, "sns:11111111-1111-4111-8111-111111111111");
    assert_eq!(event.summary, "Plain text");
    assert_eq!(event.severity, Severity::Warning);
    assert_eq!(event.labels.get("sns_topic").map(String::as_str), Some("watchfloor-alarms"));
    assert_eq!(event.details["message"], json!("Hello from SNS!\nSecond line."));
    // Without a subject, the first line of the message is the summary.
    let events = events_of(parse(&fixture("notification-v2.json")));
    assert_eq!(
        events.iter().map(|e| e.summary.as_str()).collect::<Vec<_>>(),
        ["Hello without a subject"]
    );
    // A JSON message that is not an alarm is kept as JSON.
    let events = alarm_events_from(&envelope(&json!({"AlarmName": "half an alarm"}), "half"));
    assert_eq!(
        events.iter().map(|e| e.details["message"].clone()).collect::<Vec<_>>(),
        [json!({"AlarmName": "half an alarm"})]
    );
}

#[test]
fn raw_message_delivery_maps_the_body_alone() {
    let options = CloudWatchOptions::default();
    let headers = SnsRawHeaders {
        message_id: Some("raw-1"),
        topic_arn: Some("arn:aws:sns:eu-west-1:111122223333:alarms"),
    };
    let alarm_body = alarm("ALARM").to_string();
    let events = ingest::parse_sns_raw(&headers, alarm_body.as_bytes(), now(), &options);
    let Ok([event]) = events.as_deref() else { panic!("{events:?}") };
    assert_eq!(event.dedup_key, "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:db-cpu");
    assert_eq!(event.source_kind, SourceKind::Sns);
    let text = ingest::parse_sns_raw(&headers, b"disk full on db-1\nmore", now(), &options);
    let Ok([event]) = text.as_deref() else { panic!("{text:?}") };
    assert_eq!(
        (event.dedup_key.as_str(), event.summary.as_str()),
        ("sns:raw-1", "disk full on db-1")
    );
    // Without a message id the key is a hash of the body: the same body, the same key.
    let anonymous = SnsRawHeaders::default();
    let first =
        ingest::parse_sns_raw(&anonymous, b"same", now(), &options).map(|e| e[0].dedup_key.clone());
    let second =
        ingest::parse_sns_raw(&anonymous, b"same", now(), &options).map(|e| e[0].dedup_key.clone());
    assert!(matches!((&first, &second), (Ok(a), Ok(b)) if a == b && a.starts_with("sns:body-")));
    assert_rejected(
        ingest::parse_sns_raw(&headers, b"  \n", now(), &options),
        ErrorCode::InvalidField,
        "body: the message is empty",
    );
    assert_rejected(
        ingest::parse_sns_raw(&headers, b"\xff\xfe", now(), &options),
        ErrorCode::InvalidField,
        "body: not UTF-8",
    );
    // A bad alarm inside a raw delivery names its field.
    let bad = json!({"AlarmName": "x", "NewStateValue": "SOMETIMES"}).to_string();
    assert_rejected(
        ingest::parse_sns_raw(&headers, bad.as_bytes(), now(), &options),
        ErrorCode::InvalidField,
        "body.NewStateValue: unknown alarm state \"SOMETIMES\"",
    );
}

#[test]
fn bad_sns_bodies_are_rejected_clearly() {
    let options = CloudWatchOptions::default();
    let cases: Vec<(Vec<u8>, ErrorCode, &str)> = vec![
        (b"".to_vec(), ErrorCode::InvalidJson, "the body is empty; expected an Amazon SNS message"),
        (fixture("notification-v2.json")[..200].to_vec(), ErrorCode::InvalidJson, "invalid JSON"),
        (b"[1, 2]".to_vec(), ErrorCode::InvalidField, "body: expected an Amazon SNS message"),
        (json!({"Type": "Notice"}).to_string().into_bytes(), ErrorCode::InvalidField, "Type: unknown SNS message type \"Notice\""),
        (json!({"Type": 7}).to_string().into_bytes(), ErrorCode::InvalidField, "Type: expected a string, found a number"),
        (json!({"Type": "Notification", "MessageId": "m"}).to_string().into_bytes(), ErrorCode::MissingField, "Timestamp: required field is missing"),
        (json!({"version": "0", "id": "x", "detail-type": "Scheduled Event", "source": "aws.events", "time": "2026-11-21T22:00:00Z", "detail": {}}).to_string().into_bytes(),
            ErrorCode::WrongPayloadKind, "looks like an EventBridge event"),
        (read_sample("azure-monitor/microsoft-docs_alerts-payload-samples/test-action_activity-log-alert_Fired.json"),
            ErrorCode::WrongPayloadKind, "looks like an Azure Monitor alert"),
        (envelope(&json!({"AlarmName": "x", "NewStateValue": "ALARM", "StateChangeTime": "yesterday"}), "bad-time"),
            ErrorCode::InvalidField, "Message.StateChangeTime: invalid timestamp \"yesterday\""),
        (envelope(&json!({"AlarmName": "x", "NewStateValue": "ALARM", "Trigger": {"Dimensions": [{"name": "a"}]}}), "bad-dimension"),
            ErrorCode::InvalidField, "Message.Trigger.Dimensions[0]: expected {\"name\": string, \"value\": string}"),
    ];
    for (body, code, needle) in cases {
        assert_rejected(ingest::parse_sns(None, &body, now(), &options), code, needle);
    }
    let confirmation = json!({"Type": "SubscriptionConfirmation", "MessageId": "m", "TopicArn": "t", "Message": "",
        "Timestamp": "2026-11-21T22:00:00Z", "SignatureVersion": "1", "Signature": "AAAA", "SigningCertURL": "https://x"});
    assert_rejected(
        ingest::parse_sns(None, confirmation.to_string().as_bytes(), now(), &options),
        ErrorCode::MissingField,
        "SubscribeURL: required field is missing",
    );
}

#[test]
fn the_lambda_envelope_is_not_an_http_delivery_but_has_its_own_parser() {
    let file = "cloudwatch-sns/aws-lambda-rust-runtime/example-sns-event.json";
    let options = CloudWatchOptions::default();
    assert_rejected(
        ingest::parse_sns(None, &read_sample(file), now(), &options),
        ErrorCode::WrongPayloadKind,
        "SNS-to-Lambda event",
    );
    let parsed = ingest::parse_sns_lambda_event(&read_sample(file), now(), &options);
    let Ok([SnsParsed::Notification { message, events }]) = parsed.as_deref() else {
        panic!("{parsed:?}")
    };
    assert_eq!(
        message.signing_cert_url,
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-d6d679a1d18e95c2f9ffcf11f4f9e198.pem"
    );
    assert_eq!(events.iter().map(|e| e.summary.as_str()).collect::<Vec<_>>(), ["Greetings"]);
}

fn signing_key() -> rsa::RsaPrivateKey {
    let pem = String::from_utf8(fixture("signing-key.pem")).unwrap_or_default();
    rsa::RsaPrivateKey::from_pkcs8_pem(&pem).unwrap_or_else(|e| panic!("signing-key.pem: {e}"))
}

fn sign(message: &mut SnsMessage, key: &rsa::RsaPrivateKey) {
    let text = message.string_to_sign();
    let bytes = if message.signature_version == "1" {
        SigningKey::<sha1::Sha1>::new(key.clone()).sign(text.as_bytes()).to_vec()
    } else {
        SigningKey::<sha2::Sha256>::new(key.clone()).sign(text.as_bytes()).to_vec()
    };
    message.signature = base64::engine::general_purpose::STANDARD.encode(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any message text and subject, signed with the test key, verifies;
    /// changing one character of the message makes it fail.
    #[test]
    fn signatures_cover_arbitrary_text(
        text in "(?s).{0,200}",
        subject in proptest::option::of("[ -~]{1,40}"),
        v1 in any::<bool>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let key = signing_key();
        let mut message = message("notification-v2.json");
        message.message = text.clone();
        message.subject = subject;
        message.signature_version = if v1 { "1" } else { "2" }.into();
        sign(&mut message, &key);
        prop_assert_eq!(verify(&message, "signing-cert.pem"), Ok(()));
        let mut chars: Vec<char> = text.chars().collect();
        if chars.is_empty() {
            chars.push('x');
        } else {
            let at = flip.index(chars.len());
            chars[at] = if chars[at] == 'a' { 'b' } else { 'a' };
        }
        message.message = chars.into_iter().collect();
        let tampered = verify(&message, "signing-cert.pem");
        prop_assert!(matches!(tampered, Err(SnsVerifyError::BadSignature { .. })), "{:?}", tampered);
    }
}

#[test]
fn signing_certificates_are_checked_before_use() {
    let validity = ingest::check_signing_certificate(&fixture("signing-cert.pem"))
        .unwrap_or_else(|e| panic!("the test signing certificate is valid: {e}"));
    assert_eq!(validity.not_before, ts("2026-01-01T00:00:00Z"));
    assert_eq!(validity.not_after, ts("2036-01-01T00:00:00Z"));
    let expired = ingest::check_signing_certificate(&fixture("expired-cert.pem"))
        .unwrap_or_else(|e| panic!("an expired certificate still parses: {e}"));
    assert_eq!(expired.not_after, ts("2021-01-01T00:00:00Z"));
    for junk in
        [&b"hello"[..], b"", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]
    {
        assert!(matches!(
            ingest::check_signing_certificate(junk),
            Err(SnsVerifyError::InvalidCertificate(_))
        ));
    }
}
