//! CloudTrail: the invictus-ir dataset record by record, forensic labels, read-only marking, and bad log files.

use std::collections::BTreeMap;

use domain::{EventAction, Severity};
use ingest::{CloudTrailRecord, ErrorCode};
use serde_json::json;

use crate::samples::files_under;
use crate::{assert_rejected, now, read_sample, samples_dir, ts};

const INVICTUS: &str = "cloudtrail/invictus-ir_aws_dataset/CloudTrail";

fn invictus() -> Vec<CloudTrailRecord> {
    let mut all = Vec::new();
    for path in files_under(&samples_dir().join(INVICTUS)) {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match ingest::parse_cloudtrail_file(&bytes, now()) {
            Ok(records) => all.extend(records),
            Err(error) => panic!("{}: {error:?}", path.display()),
        }
    }
    all
}

fn by_id<'a>(records: &'a [CloudTrailRecord], id: &str) -> &'a CloudTrailRecord {
    records
        .iter()
        .find(|r| r.event_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no record {id}"))
}

#[test]
fn the_invictus_dataset_parses_whole() {
    let records = invictus();
    assert_eq!(records.len(), 2900);
    // Counted independently from the raw JSON: readOnly true or a Describe/List/Get name.
    assert_eq!(records.iter().filter(|r| r.read_only).count(), 2326);
    assert_eq!(records.iter().filter(|r| r.event.labels.contains_key("errorCode")).count(), 300);
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for record in &records {
        *names.entry(record.event_name.as_str()).or_default() += 1;
    }
    assert_eq!(names.get("Decrypt"), Some(&178));
    assert_eq!(names.get("DescribeRouteTables"), Some(&163));
    assert_eq!(names.get("ConsoleLogin"), Some(&2));
    let keys: std::collections::BTreeSet<&str> =
        records.iter().map(|r| r.event.dedup_key.as_str()).collect();
    assert_eq!(keys.len(), 2900, "every record its own alert");
    assert!(records.iter().all(|r| r.event.action == EventAction::Trigger));
}

#[test]
fn invictus_records_map_as_forensics_expect() {
    let records = invictus();
    // A console login without MFA, from the attack simulation.
    let login = by_id(&records, "70e5932e-9022-4b38-837e-ca10dad94eb7");
    let event = &login.event;
    assert_eq!(event.dedup_key, "cloudtrail:70e5932e-9022-4b38-837e-ca10dad94eb7");
    assert_eq!(event.severity, Severity::Warning, "IAM user console login without MFA");
    assert!(
        event.summary.starts_with("ConsoleLogin (Success) by arn:aws:iam::123837392027:user/"),
        "{}",
        event.summary
    );
    let label = |record: &CloudTrailRecord, name: &str| record.event.labels.get(name).cloned();
    assert_eq!(label(login, "additionalEventData.MFAUsed").as_deref(), Some("No"));
    assert_eq!(label(login, "sourceIPAddress").as_deref(), Some("192.168.10.20"));
    assert_eq!(label(login, "recipientAccountId").as_deref(), Some("123837392027"));
    // The same user, later, with MFA.
    let with_mfa = by_id(&records, "8feee4c2-5e27-4857-8475-bfa7e7b6d791");
    assert_eq!(with_mfa.event.severity, Severity::Info);
    // Audit tampering that succeeded is an error; the same call failing is not.
    let deleted = by_id(&records, "fcec2e46-3cc3-4ac2-8144-3674f06990e4");
    assert_eq!(
        (deleted.event_name.as_str(), deleted.event.severity),
        ("DeleteTrail", Severity::Error)
    );
    let failed = by_id(&records, "b7e19efd-92be-4182-bbbc-b6468296710b");
    assert_eq!(failed.event.severity, Severity::Info);
    assert!(
        failed.event.summary.ends_with("failed: TrailNotFoundException"),
        "{}",
        failed.event.summary
    );
    assert_eq!(label(failed, "errorCode").as_deref(), Some("TrailNotFoundException"));
    // A denied LeaveOrganization is a warning.
    let denied = by_id(&records, "be7f89b5-d456-4423-b3e6-0fb0b19bad7c");
    assert_eq!(denied.event.severity, Severity::Warning);
    assert_eq!(label(denied, "userIdentity.type").as_deref(), Some("AssumedRole"));
    assert!(!denied.read_only);
    assert_eq!(
        denied.event.occurred_at.map(|t| t.as_second() > ts("2023-07-10T11:00:00Z").as_second()),
        Some(true)
    );
}

#[test]
fn read_only_is_marked_from_the_flag_and_the_name() {
    let record = |name: &str, read_only: serde_json::Value| {
        let body = json!({
            "eventVersion": "1.08", "eventTime": "2026-11-21T20:00:00Z", "eventSource": "ec2.amazonaws.com",
            "eventName": name, "awsRegion": "eu-west-1", "eventID": format!("id-{name}"), "readOnly": read_only,
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ops", "userName": "ops"}
        });
        match ingest::parse_cloudtrail_record(body.to_string().as_bytes(), now()) {
            Ok(record) => record,
            Err(error) => panic!("{name}: {error:?}"),
        }
    };
    assert!(record("DescribeInstances", json!(false)).read_only);
    assert!(record("ListBuckets", json!(null)).read_only);
    assert!(record("GetObject", json!(false)).read_only);
    assert!(record("Decrypt", json!(true)).read_only);
    let mutating = record("TerminateInstances", json!(false));
    assert!(!mutating.read_only);
    assert_eq!(mutating.event.labels.get("readOnly").map(String::as_str), Some("false"));
    assert_eq!(
        mutating.event.labels.get("actor").map(String::as_str),
        Some("arn:aws:iam::111122223333:user/ops")
    );
    assert_eq!(mutating.event.summary, "TerminateInstances by arn:aws:iam::111122223333:user/ops");
    let rejected = ingest::parse_cloudtrail_record(
        json!({"eventName": "X", "eventSource": "s", "eventTime": "2026-11-21T20:00:00Z", "readOnly": "yes"}).to_string().as_bytes(),
        now(),
    );
    assert_rejected(
        rejected,
        ErrorCode::InvalidField,
        "readOnly: expected a boolean, found a string",
    );
}

#[test]
fn records_without_an_event_id_get_a_stable_derived_key() {
    let file = "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L44_StartInstances.json";
    let first = ingest::parse_cloudtrail_file(&read_sample(file), now());
    let second = ingest::parse_cloudtrail_file(&read_sample(file), now());
    let keys = |r: &Result<Vec<CloudTrailRecord>, ingest::IngestError>| {
        r.iter()
            .flatten()
            .map(|r| (r.event_id.clone(), r.event.dedup_key.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(&first), keys(&second));
    assert!(
        keys(&first).iter().all(|(id, key)| id.is_none() && key.starts_with("cloudtrail:fnv-"))
    );
}

#[test]
fn insights_start_and_end_share_a_key() {
    let file =
        "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-log-file-examples_L285_event.json";
    let parsed = ingest::parse_cloudtrail_file(&read_sample(file), now());
    let Ok([start, end]) = parsed.as_deref() else { panic!("{parsed:?}") };
    assert_eq!(
        (start.event.action, end.event.action),
        (EventAction::Trigger, EventAction::Resolve)
    );
    assert_eq!(start.event.dedup_key, end.event.dedup_key);
    assert_eq!(start.event_name, "UpdateInstanceInformation");
    assert_eq!(
        start.event.labels.get("insightType").map(String::as_str),
        Some("ApiCallRateInsight")
    );
}

#[test]
fn bad_log_files_are_rejected_with_the_record_that_is_wrong() {
    let good = json!({"eventName": "GetUser", "eventSource": "iam.amazonaws.com", "eventTime": "2026-11-21T20:00:00Z", "eventID": "a"});
    let file = json!({"Records": [good, {"eventName": "PutUser", "eventSource": "iam.amazonaws.com", "eventTime": "noon", "eventID": "b"}, good, 7]});
    let error = assert_rejected(
        ingest::parse_cloudtrail_file(file.to_string().as_bytes(), now()),
        ErrorCode::InvalidItems,
        "2 of 4 Records invalid, so none were accepted; first: Records[1].eventTime: invalid timestamp \"noon\"",
    );
    assert_eq!(error.items.iter().map(|i| i.index).collect::<Vec<_>>(), [1, 3]);
    assert!(
        error.items[1].message.contains("Records[3]: expected an object, found a number"),
        "{:?}",
        error.items
    );
    let invictus_file = format!(
        "{INVICTUS}/218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json"
    );
    let bytes = read_sample(&invictus_file);
    let cases: Vec<(Vec<u8>, ErrorCode, &str)> = vec![
        (bytes[..bytes.len() - 10].to_vec(), ErrorCode::InvalidJson, "invalid JSON"),
        (Vec::new(), ErrorCode::InvalidJson, "the body is empty; expected a CloudTrail log file"),
        (json!({"Records": {"eventName": "x"}}).to_string().into_bytes(), ErrorCode::InvalidField, "Records: expected an array, found an object"),
        (json!({"digestStartTime": "2026-11-21T00:00:00Z", "logFiles": []}).to_string().into_bytes(), ErrorCode::WrongPayloadKind, "CloudTrail digest file"),
        (json!({"Records": [{"eventSource": "s", "eventTime": "2026-11-21T00:00:00Z"}]}).to_string().into_bytes(), ErrorCode::InvalidItems, "Records[0].eventName: required field is missing"),
        (json!({"Records": [{"eventName": "x", "eventSource": "s", "eventTime": "2026-11-21T00:00:00Z", "userIdentity": "root"}]}).to_string().into_bytes(),
            ErrorCode::InvalidItems, "Records[0].userIdentity: expected an object, found a string"),
        (read_sample("eventbridge/aws-lambda-rust-runtime/example-codebuild-state-change.json"), ErrorCode::WrongPayloadKind, "looks like an EventBridge event"),
        (read_sample("cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-tutorial_L162_ConsoleLogin.json"), ErrorCode::WrongPayloadKind, "looks like a single CloudTrail record"),
    ];
    for (body, code, needle) in cases {
        assert_rejected(ingest::parse_cloudtrail_file(&body, now()), code, needle);
    }
    assert_rejected(
        ingest::parse_cloudtrail_record(&bytes, now()),
        ErrorCode::WrongPayloadKind,
        "looks like a CloudTrail log file",
    );
}

#[test]
fn imports_take_a_log_file_an_array_or_one_record() {
    let single = read_sample(
        "cloudtrail/awsdocs_cloudtrail-user-guide/cloudtrail-event-reference-aws-console-sign-in-events_L215_ConsoleLogin_Root.json",
    );
    let alone = ingest::parse_cloudtrail_record(&single, now()).map(|r| vec![r]);
    assert_eq!(ingest::parse_cloudtrail_records(&single, now()), alone);
    assert!(alone.as_ref().is_ok_and(|r| {
        r[0].event.labels.get("userIdentity.type").map(String::as_str) == Some("Root")
    }));

    let file = read_sample(&format!(
        "{INVICTUS}/218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json"
    ));
    let as_file = ingest::parse_cloudtrail_file(&file, now());
    assert!(as_file.as_ref().is_ok_and(|r| r.len() > 1));
    assert_eq!(ingest::parse_cloudtrail_records(&file, now()), as_file);
    let value: serde_json::Value = serde_json::from_slice(&file).unwrap_or_default();
    let array = value["Records"].to_string().into_bytes();
    assert_eq!(ingest::parse_cloudtrail_records(&array, now()), as_file);

    // Neither a file nor a record: refused as before, naming what was expected.
    let digest = json!({"digestStartTime": "2026-11-21T00:00:00Z", "logFiles": []});
    assert_rejected(
        ingest::parse_cloudtrail_records(digest.to_string().as_bytes(), now()),
        ErrorCode::WrongPayloadKind,
        "CloudTrail digest file",
    );
    assert_rejected(
        ingest::parse_cloudtrail_records(b"{\"eventName\": 3}", now()),
        ErrorCode::InvalidField,
        "eventName",
    );
    assert_rejected(
        ingest::parse_cloudtrail_records(b"", now()),
        ErrorCode::InvalidJson,
        "the body is empty; expected CloudTrail records",
    );
}
