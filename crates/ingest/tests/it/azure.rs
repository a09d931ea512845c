//! Azure Monitor common alert schema: severity and condition mapping, service health, and payloads without the common schema.

use domain::{EventAction, Severity};
use ingest::ErrorCode;
use serde_json::{Value, json};

use crate::{assert_rejected, now, read_sample, ts};

const METRIC: &str = "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_metric-alert-static-threshold_Fired.json";

fn sample(file: &str) -> Value {
    serde_json::from_slice(&read_sample(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn parse(body: &Value) -> domain::Event {
    match ingest::parse_azure(body.to_string().as_bytes(), now()).as_deref() {
        Ok([event]) => event.clone(),
        other => panic!("{body}: {other:?}"),
    }
}

#[test]
fn severities_and_conditions_map() {
    for (sev, want) in [
        ("Sev0", Severity::Critical),
        ("Sev1", Severity::Error),
        ("Sev2", Severity::Warning),
        ("Sev3", Severity::Info),
        ("Sev4", Severity::Info),
    ] {
        let mut body = sample(METRIC);
        body["data"]["essentials"]["severity"] = json!(sev);
        let event = parse(&body);
        assert_eq!(event.severity, want, "{sev}");
        assert_eq!(event.labels.get("azure_severity").map(String::as_str), Some(sev));
    }
    let fired = parse(&sample(METRIC));
    assert_eq!(fired.action, EventAction::Trigger);
    assert_eq!(fired.occurred_at, Some(ts("2025-04-15T18:17:12.851Z")));
    assert_eq!(
        fired.details["alertContext"]["conditionType"],
        json!("SingleResourceMultipleMetricCriteria")
    );
    assert_eq!(fired.details["customProperties"]["customKey1"], json!("value1"));
    // Resolved: the same alertId, resolved, with its resolution time.
    let mut body = sample(METRIC);
    body["data"]["essentials"]["monitorCondition"] = json!("Resolved");
    body["data"]["essentials"]["resolvedDateTime"] = json!("2025-04-15T18:27:12.851Z");
    let resolved = parse(&body);
    assert_eq!((resolved.action, &resolved.dedup_key), (EventAction::Resolve, &fired.dedup_key));
    assert_eq!(resolved.ends_at, Some(ts("2025-04-15T18:27:12.851Z")));
}

#[test]
fn service_health_resolves_by_tracking_id() {
    let file = "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_service-health-alert_Fired.json";
    let resolved = parse(&sample(file));
    assert_eq!(resolved.action, EventAction::Resolve, "stage Resolved");
    let mut active = sample(file);
    active["data"]["alertContext"]["properties"]["stage"] = json!("Active");
    active["data"]["essentials"]["alertId"] = json!(
        "/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/providers/Microsoft.AlertsManagement/alerts/another"
    );
    let fired = parse(&active);
    assert_eq!(fired.action, EventAction::Trigger);
    assert_eq!(fired.dedup_key, resolved.dedup_key, "one key per incident, whatever the alertId");
    assert_eq!(
        fired.dedup_key,
        "/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/serviceHealth/TEST-TTT"
    );
}

#[test]
fn payloads_without_the_common_schema_say_how_to_fix_it() {
    let legacy_metric = json!({
        "schemaId": "AzureMonitorMetricAlert",
        "data": {"version": "2.0", "status": "Activated", "context": {"name": "cpu"}}
    });
    let legacy_activity =
        json!({"schemaId": "Microsoft.Insights/activityLogs", "data": {"status": "Activated"}});
    for body in [legacy_metric, legacy_activity] {
        assert_rejected(
            ingest::parse_azure(body.to_string().as_bytes(), now()),
            ErrorCode::WrongPayloadKind,
            "enable the common alert schema on the action group",
        );
    }
    assert_rejected(
        ingest::parse_azure(br#"{"data": {"essentials": {}}}"#, now()),
        ErrorCode::WrongPayloadKind,
        "schemaId: required field is missing",
    );
    assert_rejected(
        ingest::parse_azure(&read_sample("grafana/keep/grafana12_test_alert_webhook.json"), now()),
        ErrorCode::WrongPayloadKind,
        "looks like a Grafana alerting webhook",
    );
}

#[test]
fn bad_azure_bodies_name_the_field() {
    let bytes = read_sample(METRIC);
    let set = |pointer: &str, value: Value| {
        let mut body = sample(METRIC);
        if let Some(slot) = body.pointer_mut(pointer) {
            *slot = value;
        }
        body.to_string().into_bytes()
    };
    let cases: Vec<(Vec<u8>, ErrorCode, &str)> = vec![
        (bytes[..bytes.len() / 3].to_vec(), ErrorCode::InvalidJson, "invalid JSON"),
        (b"  ".to_vec(), ErrorCode::InvalidJson, "the body is empty"),
        (
            set("/schemaId", json!(1)),
            ErrorCode::InvalidField,
            "schemaId: expected a string, found a number",
        ),
        (
            set("/data/essentials/severity", json!("Sev9")),
            ErrorCode::InvalidField,
            "data.essentials.severity: unknown value \"Sev9\"",
        ),
        (
            set("/data/essentials/monitorCondition", json!("Maybe")),
            ErrorCode::InvalidField,
            "data.essentials.monitorCondition: unknown value \"Maybe\"",
        ),
        (
            set("/data/essentials/alertId", json!(null)),
            ErrorCode::MissingField,
            "data.essentials.alertId: required field is missing",
        ),
        (
            set("/data/essentials/alertTargetIDs", json!("one")),
            ErrorCode::InvalidField,
            "data.essentials.alertTargetIDs: expected an array, found a string",
        ),
        (
            set("/data/essentials/firedDateTime", json!("soon")),
            ErrorCode::InvalidField,
            "data.essentials.firedDateTime: invalid timestamp",
        ),
        (
            set("/data/essentials", json!([])),
            ErrorCode::InvalidField,
            "data.essentials: expected an object, found an array",
        ),
    ];
    for (body, code, needle) in cases {
        assert_rejected(ingest::parse_azure(&body, now()), code, needle);
    }
}
