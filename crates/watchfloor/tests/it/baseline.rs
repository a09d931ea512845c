//! The AWS security baseline rule pack against the running server: root sign-ins and other baseline events become P1 incidents with a clear title, only for tenants that turned the pack on.

use serde_json::{Value, json};

use crate::harness::{App, sample, spawn_app};

const GLOBEX_KEY: &str = "globex-eventbridge-01";
const CORNER_KEY: &str = "corner-eventbridge-01";
const SIGN_IN: &str = "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-signin_aws-console-sign-in-via-cloudtrail_the-following-is-an-example-of_L2020.json";
const ROOT_API_CALL: &str = "eventbridge/awsdocs_cloudwatch-events_EventTypes/aws-s3_aws-api-call-via-cloudtrail_the-following-is-an-example-of_L3127.json";

fn config() -> String {
    format!(
        r#"grouping: {{group_wait: 0s, group_by: [security_baseline]}}
tenants:
  - {{id: globex, tier: platinum, rule_packs: [aws-security-baseline]}}
  - {{id: corner, tier: bronze}}
services:
  - {{id: globex-aws, tenant: globex, criticality: medium}}
  - {{id: corner-aws, tenant: corner, criticality: low}}
integrations:
  - {{key: {GLOBEX_KEY}, tenant: globex, service: globex-aws, kind: eventbridge}}
  - {{key: {CORNER_KEY}, tenant: corner, service: corner-aws, kind: eventbridge}}
"#
    )
}

fn post(app: &App, key: &str, body: Vec<u8>) {
    let reply = app.post_raw(&format!("/hooks/eventbridge/{key}"), body, &[]);
    assert_eq!(reply.status, 202, "{}", reply.text());
}

fn open_incidents(app: &App, tenant: &str) -> Vec<Value> {
    app.incidents(&format!("?status=open&tenant={tenant}"))
}

#[test]
fn a_root_sign_in_is_a_p1_with_a_clear_title_for_tenants_with_the_pack() {
    let app = spawn_app(&config());
    post(&app, GLOBEX_KEY, sample(SIGN_IN));
    post(&app, CORNER_KEY, sample(SIGN_IN));

    let globex = open_incidents(&app, "globex");
    assert_eq!(globex.len(), 1, "{globex:?}");
    let incident = &globex[0];
    let title = incident["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("Root account console sign-in"), "{incident}");
    assert!(title.contains("from "), "the source address is in the title: {incident}");
    assert_eq!(incident["priority"], "P1", "{incident}");
    let reason = incident["priority_reason"].as_str().unwrap_or_default();
    assert!(reason.contains("security baseline"), "{incident}");
    let detail = app.incident(incident["id"].as_i64().expect("id"));
    assert_eq!(detail["tags"], json!(["security"]), "{detail}");
    let labels = &detail["alerts"][0]["labels"];
    assert_eq!(labels["security_baseline"], "root-sign-in", "{detail}");

    // The same event for a tenant without the pack keeps the adapter's title.
    let corner = open_incidents(&app, "corner");
    assert_eq!(corner.len(), 1, "{corner:?}");
    let title = corner[0]["title"].as_str().unwrap_or_default();
    assert!(!title.contains("Root account"), "{}", corner[0]);
    assert_ne!(corner[0]["priority"], "P1", "{}", corner[0]);
}

#[test]
fn root_api_calls_guardduty_findings_and_exposed_credentials_are_baseline_incidents() {
    let app = spawn_app(&config());
    post(&app, GLOBEX_KEY, sample(ROOT_API_CALL));
    let guardduty = json!({
        "version": "0", "id": "c8c4daa7-a20c-2f03-0070-b7393dd542ad",
        "detail-type": "GuardDuty Finding", "source": "aws.guardduty",
        "account": "123456789012", "time": "2024-03-01T12:00:00Z", "region": "us-east-1",
        "resources": [],
        "detail": {
            "schemaVersion": "2.0", "accountId": "123456789012", "region": "us-east-1",
            "id": "16afba5c5c43e07c9e3e5e2e544e95df",
            "arn": "arn:aws:guardduty:us-east-1:123456789012:detector/123/finding/16afba5c5c43e07c9e3e5e2e544e95df",
            "type": "UnauthorizedAccess:EC2/SSHBruteForce",
            "title": "SSH brute force attacks against i-99999999",
            "description": "EC2 instance i-99999999 is being probed.",
            "severity": 8,
            "createdAt": "2024-03-01T11:58:00Z", "updatedAt": "2024-03-01T11:59:00Z",
            "resource": {"resourceType": "Instance"},
            "service": {"archived": false, "count": 3}
        }
    });
    post(&app, GLOBEX_KEY, guardduty.to_string().into_bytes());
    let health = json!({
        "version": "0", "id": "121345678-1234-1234-1234-123456789012",
        "detail-type": "AWS Health Event", "source": "aws.health",
        "account": "123456789012", "time": "2024-03-01T12:05:00Z", "region": "global",
        "resources": [],
        "detail": {
            "eventArn": "arn:aws:health:global::event/AWS_RISK_CREDENTIALS_EXPOSED_XXXXXXXXXXXXXXXXX",
            "service": "RISK", "eventTypeCode": "AWS_RISK_CREDENTIALS_EXPOSED",
            "eventTypeCategory": "issue", "startTime": "Fri, 01 Mar 2024 12:04:00 GMT",
            "eventDescription": [{"language": "en_US", "latestDescription": "Your access key AKIAIOSFODNN7EXAMPLE was found on a public site."}]
        }
    });
    post(&app, GLOBEX_KEY, health.to_string().into_bytes());

    let incidents = open_incidents(&app, "globex");
    let titles: Vec<&str> = incidents.iter().filter_map(|i| i["title"].as_str()).collect();
    assert_eq!(incidents.len(), 3, "one incident per baseline finding: {titles:?}");
    for prefix in [
        "Root account used: CreateBucket",
        "High-severity GuardDuty finding:",
        "AWS Health: access key credentials exposed",
    ] {
        assert!(titles.iter().any(|t| t.starts_with(prefix)), "{prefix:?} in {titles:?}");
    }
    assert!(incidents.iter().all(|i| i["priority"] == "P1"), "{incidents:?}");
}

/// The CloudTrail root sign-in records in the samples, replayed as recorded
/// traffic: they raise a security-baseline incident.
#[test]
fn the_sampled_root_sign_ins_raise_baseline_incidents_in_a_replay() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let config_path = dir.path().join("watchfloor.yaml");
    std::fs::write(&config_path, config()).expect("writing the config");
    let samples = crate::harness::samples_dir().join("cloudtrail/awsdocs_cloudtrail-user-guide");
    let mut files: Vec<_> = std::fs::read_dir(&samples)
        .expect("the CloudTrail samples")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with("_ConsoleLogin_Root.json"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "root sign-in samples: {files:?}");
    let mut lines = String::new();
    for (minute, file) in files.iter().enumerate() {
        let at = format!("2030-01-01T00:{minute:02}:00Z");
        let body: Value = serde_json::from_slice(&std::fs::read(file).expect("sample"))
            .expect("the sample is JSON");
        let line = json!({"at": at, "key": GLOBEX_KEY, "kind": "cloudtrail", "body": body});
        lines.push_str(&format!("{line}\n"));
    }
    let events_path = dir.path().join("events.jsonl");
    std::fs::write(&events_path, lines).expect("writing the events");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .arg("replay")
        .arg(&events_path)
        .arg("--config")
        .arg(&config_path)
        .output()
        .expect("running watchfloor replay");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let incidents: Vec<Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["type"] == "incident")
        .collect();
    // Grouped by the baseline finding: one incident with every sign-in (two
    // of the documentation's examples share an eventID, so are one alert).
    assert_eq!(incidents.len(), 1, "{stdout}");
    let incident = &incidents[0];
    assert_eq!(incident["event_count"], files.len(), "{incident}");
    let title = incident["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("Root account console sign-in"), "{incident}");
    assert_eq!(incident["priority"], "P1", "{incident}");
    assert!(incident["tags"].to_string().contains("security"), "{incident}");
}
