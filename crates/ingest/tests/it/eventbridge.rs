//! EventBridge: the richer mappings (GuardDuty, Health, CI/CD fire-and-resolve, EC2, Auto Scaling, CloudTrail), notices, and bad input.

use domain::{Event, EventAction, Severity};
use ingest::{CloudWatchOptions, ErrorCode};
use serde_json::{Value, json};

use crate::{assert_rejected, now, read_sample};

fn parse(body: &Value) -> Vec<Event> {
    let parsed = ingest::parse_eventbridge(
        body.to_string().as_bytes(),
        now(),
        &CloudWatchOptions::default(),
    );
    match parsed {
        Ok(events) => events,
        Err(error) => panic!("{body}: {error:?}"),
    }
}

fn one(body: &Value) -> Event {
    let mut events = parse(body);
    assert_eq!(events.len(), 1, "{body}");
    events.remove(0)
}

fn sample(file: &str) -> Value {
    match serde_json::from_slice(&read_sample(file)) {
        Ok(value) => value,
        Err(e) => panic!("{file}: {e}"),
    }
}

fn label<'a>(event: &'a Event, name: &str) -> Option<&'a str> {
    event.labels.get(name).map(String::as_str)
}

/// A GuardDuty finding, shaped as AWS documents it (sample findings).
fn guardduty(severity: Value, archived: bool) -> Value {
    json!({
        "version": "0", "id": "c8c4daa7-a20c-2f03-0070-b7393dd542ad", "detail-type": "GuardDuty Finding",
        "source": "aws.guardduty", "account": "123456789012", "time": "2026-11-21T21:00:00Z",
        "region": "us-east-1", "resources": [],
        "detail": {
            "schemaVersion": "2.0", "accountId": "123456789012", "region": "us-east-1", "partition": "aws",
            "id": "16afba5c5c43e07c9e3e5e2e544e95df",
            "arn": "arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/16afba5c5c43e07c9e3e5e2e544e95df",
            "type": "UnauthorizedAccess:EC2/SSHBruteForce",
            "resource": {"resourceType": "Instance", "instanceDetails": {"instanceId": "i-99999999"}},
            "service": {"serviceName": "guardduty", "archived": archived, "count": 4},
            "severity": severity,
            "createdAt": "2026-11-21T20:00:00.000Z", "updatedAt": "2026-11-21T21:00:00.000Z",
            "title": "198.51.100.0 is performing SSH brute force attacks against i-99999999.",
            "description": "198.51.100.0 is performing SSH brute force attacks against i-99999999."
        }
    })
}

#[test]
fn guardduty_severity_numbers_map_to_our_levels() {
    for (score, want) in [
        (json!(10), Severity::Critical),
        (json!(9.0), Severity::Critical),
        (json!(8.9), Severity::Error),
        (json!(7), Severity::Error),
        (json!(5), Severity::Warning),
        (json!(4.0), Severity::Warning),
        (json!(3.9), Severity::Info),
        (json!(1), Severity::Info),
    ] {
        let event = one(&guardduty(score.clone(), false));
        assert_eq!(event.severity, want, "severity {score}");
        assert_eq!(event.action, EventAction::Trigger);
    }
    let event = one(&guardduty(json!(8), false));
    assert_eq!(
        event.dedup_key,
        "arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0/finding/16afba5c5c43e07c9e3e5e2e544e95df"
    );
    assert_eq!(
        event.summary,
        "198.51.100.0 is performing SSH brute force attacks against i-99999999."
    );
    assert_eq!(label(&event, "finding_type"), Some("UnauthorizedAccess:EC2/SSHBruteForce"));
    assert_eq!(label(&event, "resource_type"), Some("Instance"));
    assert_eq!(event.annotations.get("severity_score").map(String::as_str), Some("8"));
    assert_eq!(event.links.len(), 1);
    // Archiving the finding resolves it.
    let archived = one(&guardduty(json!(8), true));
    assert_eq!((archived.action, archived.dedup_key), (EventAction::Resolve, event.dedup_key));
    // A severity that is not a number is an error naming it.
    let body = guardduty(json!("HIGH"), false).to_string();
    let parsed = ingest::parse_eventbridge(body.as_bytes(), now(), &CloudWatchOptions::default());
    assert_rejected(
        parsed,
        ErrorCode::InvalidField,
        "detail.severity: expected a number, found a string",
    );
}

#[test]
fn health_events_fire_by_category_and_resolve_when_closed() {
    // AWS published this example as invalid JSON (its closing brackets are
    // missing); closing them gives the event AWS meant.
    let file = "eventbridge/awsdocs_cloudwatch-events_EventTypes/_invalid-json-in-upstream-docs/EventTypes_L1625_amazon-ec2-instance-store-drive-performa.txt";
    let text = String::from_utf8(read_sample(file)).unwrap_or_default();
    let repaired: Value = match serde_json::from_str(&format!("{}]}}}}", text.trim_end())) {
        Ok(value) => value,
        Err(e) => panic!("repaired sample: {e}"),
    };
    let event = one(&repaired);
    let arn = "arn:aws:health:us-west-2::event/AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED_90353408594353980";
    assert_eq!(
        (event.action, event.severity, event.dedup_key.as_str()),
        (EventAction::Trigger, Severity::Error, arn)
    );
    assert_eq!(
        event.summary,
        "AWS Health issue: AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED"
    );
    assert_eq!(event.resources, ["i-abcd1111"]);
    assert_eq!(label(&event, "health_service"), Some("EC2"));
    assert_eq!(
        event.annotations.get("startTime").map(String::as_str),
        Some("Sat, 05 Jun 2016 15:10:09 GMT")
    );
    assert_eq!(
        event.annotations.get("description").map(String::as_str),
        Some("A description of the event will be provided here")
    );
    let mut closed = repaired.clone();
    closed["detail"]["statusCode"] = json!("closed");
    let event = one(&closed);
    assert_eq!((event.action, event.dedup_key.as_str()), (EventAction::Resolve, arn));
    for (category, want) in
        [("scheduledChange", Severity::Warning), ("accountNotification", Severity::Info)]
    {
        let mut other = repaired.clone();
        other["detail"]["eventTypeCategory"] = json!(category);
        assert_eq!(one(&other).severity, want, "{category}");
    }
}

#[test]
fn pipelines_fire_on_failure_and_resolve_on_success_under_one_key() {
    let failed = sample(
        "eventbridge/awsdocs_codepipeline-user-guide/aws-codepipeline_codepipeline-pipeline-execution-state-change__L212.json",
    );
    let fired = one(&failed);
    let key = "codepipeline:123456789012:us-west-2:myPipeline";
    assert_eq!(
        (fired.action, fired.severity, fired.dedup_key.as_str()),
        (EventAction::Trigger, Severity::Error, key)
    );
    // The next execution of the same pipeline succeeds: same key, resolved.
    let mut succeeded = failed.clone();
    succeeded["detail"]["state"] = json!("SUCCEEDED");
    succeeded["detail"]["execution-id"] = json!("another-execution");
    let resolved = one(&succeeded);
    assert_eq!((resolved.action, resolved.dedup_key.as_str()), (EventAction::Resolve, key));
    assert_eq!(
        resolved.annotations.get("execution_id").map(String::as_str),
        Some("another-execution")
    );
    // STARTED is a notice: recorded, but it neither fires nor resolves the pipeline's alert.
    succeeded["detail"]["state"] = json!("STARTED");
    let notice = one(&succeeded);
    assert_eq!(notice.action, EventAction::Trigger);
    assert_eq!(notice.effective_action(now()), EventAction::Resolve);
    assert_ne!(notice.dedup_key, key);
    assert!(notice.dedup_key.starts_with("eventbridge:"));

    let build = sample("eventbridge/aws-lambda-rust-runtime/example-codebuild-state-change.json");
    let mut failed_build = build.clone();
    failed_build["detail"]["build-status"] = json!("FAILED");
    let fired = one(&failed_build);
    let resolved = one(&build);
    assert_eq!((fired.action, resolved.action), (EventAction::Trigger, EventAction::Resolve));
    assert_eq!(fired.dedup_key, resolved.dedup_key);
    assert_eq!(fired.links.first().map(|l| l.text.as_deref()), Some(Some("Build logs")));

    let deployment =
        sample("eventbridge/aws-lambda-rust-runtime/example-codedeploy-deployment-event.json");
    let mut failed_deployment = deployment.clone();
    failed_deployment["detail"]["state"] = json!("FAILURE");
    assert_eq!(one(&failed_deployment).dedup_key, one(&deployment).dedup_key);
    assert_eq!(one(&failed_deployment).action, EventAction::Trigger);
}

#[test]
fn ec2_and_auto_scaling_state_changes() {
    let terminated = sample(
        "eventbridge/awsdocs_eventbridge-user-guide/aws-ec2_ec2-instance-state-change-notification_the-following-event-shows-a-si_L21.json",
    );
    let fired = one(&terminated);
    assert_eq!((fired.action, fired.severity), (EventAction::Trigger, Severity::Warning));
    assert_eq!(label(&fired, "instance_id"), Some("i-1234567890abcdef0"));
    // The account in the ARN (123456789012) differs from the envelope's
    // (111122223333) in this AWS example; the key is the instance ARN.
    assert_eq!(fired.dedup_key, "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0");
    let mut running = terminated.clone();
    running["detail"]["state"] = json!("running");
    let resolved = one(&running);
    assert_eq!((resolved.action, resolved.dedup_key), (EventAction::Resolve, fired.dedup_key));

    let failed = one(&sample(
        "eventbridge/aws-lambda-rust-runtime/example-autoscaling-event-launch-unsuccessful.json",
    ));
    let ok = one(&sample(
        "eventbridge/aws-lambda-rust-runtime/example-autoscaling-event-launch-successful.json",
    ));
    assert_eq!((failed.action, ok.action), (EventAction::Trigger, EventAction::Resolve));
    assert_eq!(failed.dedup_key, ok.dedup_key);
    assert_eq!(label(&failed, "autoscaling_group"), Some("my-auto-scaling-group"));
}

#[test]
fn cloudtrail_events_carry_forensic_labels_and_the_import_key() {
    let sign_in = one(&sample(
        "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-signin_aws-console-sign-in-via-cloudtrail_the-following-is-an-example-of_L2020.json",
    ));
    assert_eq!(sign_in.dedup_key, "cloudtrail:324731c0-64b3-4421-b552-dfc3c27df4f6");
    assert_eq!(sign_in.severity, Severity::Critical, "root console login without MFA");
    for (name, value) in [
        ("actor", "arn:aws:iam::123456789012:root"),
        ("sourceIPAddress", "0.0.0.0"),
        ("additionalEventData.MFAUsed", "No"),
        ("responseElements.ConsoleLogin", "Success"),
        ("userIdentity.type", "Root"),
        ("eventName", "ConsoleLogin"),
        ("readOnly", "false"),
        ("detail_type", "AWS Console Sign In via CloudTrail"),
        ("aws_account", "123456789012"),
    ] {
        assert_eq!(label(&sign_in, name), Some(value), "{name}");
    }
    // The same record from a CloudTrail log file has the same key.
    let record = serde_json::to_vec(&sample("eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-signin_aws-console-sign-in-via-cloudtrail_the-following-is-an-example-of_L2020.json")["detail"]).unwrap_or_default();
    let imported = ingest::parse_cloudtrail_record(&record, now()).map(|r| r.event.dedup_key);
    assert_eq!(imported.ok(), Some(sign_in.dedup_key));
    // A bad record inside the envelope names its path.
    let mut broken = sample(
        "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-s3_aws-api-call-via-cloudtrail_the-following-is-an-example-of_L3127.json",
    );
    broken["detail"]["eventTime"] = json!(17);
    let parsed = ingest::parse_eventbridge(
        broken.to_string().as_bytes(),
        now(),
        &CloudWatchOptions::default(),
    );
    assert_rejected(
        parsed,
        ErrorCode::InvalidField,
        "detail.eventTime: expected a string, found a number",
    );
}

#[test]
fn generic_events_are_notices_unless_they_report_a_failure() {
    let tag = one(&sample(
        "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-tag_tag-change-on-resource_the-following-is-an-example-of_L2971.json",
    ));
    assert_eq!((tag.severity, tag.effective_action(now())), (Severity::Info, EventAction::Resolve));
    assert_eq!(tag.ends_at, tag.occurred_at);
    assert_eq!(tag.details["changed-tag-keys"], json!(["key2", "key3"]));
    let failed = one(&sample(
        "eventbridge/awsdocs_eventbridge-user-guide/aws-states_step-functions-execution-status-change__L149.json",
    ));
    assert_eq!(
        (failed.severity, failed.effective_action(now())),
        (Severity::Error, EventAction::Trigger)
    );
    assert_eq!(failed.ends_at, None);
}

#[test]
fn insufficient_data_can_be_ignored_on_eventbridge_too() {
    let mut body = sample(
        "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-state-change_state-change-for-a-single-metric-alarm_L13.json",
    );
    body["detail"]["state"]["value"] = json!("INSUFFICIENT_DATA");
    let options = CloudWatchOptions {
        insufficient_data: ingest::InsufficientData::Ignore,
        ..CloudWatchOptions::default()
    };
    let parsed = ingest::parse_eventbridge(body.to_string().as_bytes(), now(), &options);
    assert!(matches!(parsed.as_deref(), Ok([])), "{parsed:?}");
}

#[test]
fn bad_eventbridge_bodies_are_rejected_clearly() {
    let good = sample("eventbridge/aws-lambda-rust-runtime/example-ecr-image-scan-event.json");
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body.to_string().into_bytes()
    };
    let without = |key: &str| {
        let mut body = good.clone();
        if let Some(map) = body.as_object_mut() {
            map.remove(key);
        }
        body.to_string().into_bytes()
    };
    let bytes =
        read_sample("eventbridge/aws-lambda-rust-runtime/example-ecr-image-scan-event.json");
    let cases: Vec<(Vec<u8>, ErrorCode, &str)> = vec![
        (bytes[..bytes.len() / 2].to_vec(), ErrorCode::InvalidJson, "invalid JSON"),
        (Vec::new(), ErrorCode::InvalidJson, "the body is empty; expected an EventBridge event"),
        (
            b"\"just a string\"".to_vec(),
            ErrorCode::InvalidField,
            "body: expected an EventBridge event",
        ),
        (
            with("detail-type", json!(3)),
            ErrorCode::InvalidField,
            "[\"detail-type\"]: expected a string, found a number",
        ),
        (
            with("resources", json!(["arn:aws:ecr:x", 1])),
            ErrorCode::InvalidField,
            "resources[1]: expected a string, found a number",
        ),
        (
            with("resources", json!("arn")),
            ErrorCode::InvalidField,
            "resources: expected an array, found a string",
        ),
        (
            with("detail", json!("scan")),
            ErrorCode::InvalidField,
            "detail: expected an object, found a string",
        ),
        (
            with("time", json!("last tuesday")),
            ErrorCode::InvalidField,
            "time: invalid timestamp \"last tuesday\"",
        ),
        (
            with("time", json!("2027-01-01T00:00:00Z")),
            ErrorCode::InvalidField,
            "time: 2027-01-01T00:00:00Z is in the future",
        ),
        (without("id"), ErrorCode::MissingField, "id: required field is missing"),
        (without("detail"), ErrorCode::MissingField, "detail: required field is missing"),
        (
            without("detail-type"),
            ErrorCode::MissingField,
            "[\"detail-type\"]: required field is missing",
        ),
        (
            read_sample("grafana/keep/grafana12_test_alert_webhook.json"),
            ErrorCode::WrongPayloadKind,
            "looks like a Grafana alerting webhook",
        ),
        (
            read_sample("cloudwatch-sns/awsdocs_sns/sns-http_Notification_L155.body.json"),
            ErrorCode::WrongPayloadKind,
            "looks like an Amazon SNS message",
        ),
    ];
    for (body, code, needle) in cases {
        assert_rejected(
            ingest::parse_eventbridge(&body, now(), &CloudWatchOptions::default()),
            code,
            needle,
        );
    }
    let mut alarm = sample(
        "cloudwatch-sns/awsdocs_cloudwatch_eventbridge/cloudwatch-alarm-state-change_state-change-for-a-single-metric-alarm_L13.json",
    );
    alarm["detail"]["state"]["value"] = json!("PANIC");
    assert_rejected(
        ingest::parse_eventbridge(
            alarm.to_string().as_bytes(),
            now(),
            &CloudWatchOptions::default(),
        ),
        ErrorCode::InvalidField,
        "detail.state.value: unknown alarm state \"PANIC\"",
    );
}
