//! The cloud hooks end to end: real Grafana, Azure Monitor and EventBridge payloads open incidents.

use crate::harness::{config_yaml, sample, spawn_app};

const GRAFANA_KEY: &str = "acme-grafana-key-01";
const AZURE_KEY: &str = "acme-azure-key-0001";
const EVENTBRIDGE_KEY: &str = "acme-eventbridge-01";

fn cloud_config() -> String {
    let mut yaml = config_yaml(&[], None);
    for (key, kind) in
        [(GRAFANA_KEY, "grafana"), (AZURE_KEY, "azure"), (EVENTBRIDGE_KEY, "eventbridge")]
    {
        yaml.push_str(&format!(
            "  - {{key: {key}, tenant: acme, service: acme-vpn, kind: {kind}}}\n"
        ));
    }
    yaml
}

#[test]
fn grafana_azure_and_eventbridge_payloads_open_incidents() {
    let app = spawn_app(&cloud_config());
    let posts = [
        (
            "grafana",
            GRAFANA_KEY,
            "grafana/grafana-docs_webhook-notifier/webhook_payload_firing_2-alerts.json",
        ),
        (
            "azure",
            AZURE_KEY,
            "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_metric-alert-static-threshold_Fired.json",
        ),
        (
            "eventbridge",
            EVENTBRIDGE_KEY,
            "eventbridge/aws-lambda-rust-runtime/example-codepipeline-execution-state-change-event.json",
        ),
    ];
    for (kind, key, file) in posts {
        let reply = app.post_raw(&format!("/hooks/{kind}/{key}"), sample(file), &[]);
        assert!(
            reply.status == 202,
            "{kind} sample {file} was refused: {} {}",
            reply.status,
            reply.text()
        );
    }
    let stats = app.stats();
    assert_eq!(stats["payloads"], 3, "{stats}");
    let incidents = app.incidents("?status=open");
    assert_eq!(incidents.len(), 1, "one service, one open incident: {incidents:?}");
    let detail = app.incident(incidents[0]["id"].as_i64().expect("id"));
    let alerts = detail["alerts"].as_array().expect("alerts");
    assert!(alerts.len() >= 3, "grafana's two alerts and the azure alert at least: {detail}");
}

#[test]
fn a_payload_of_the_wrong_kind_is_refused_and_stores_nothing() {
    let app = spawn_app(&cloud_config());
    let before = app.stats();
    let grafana =
        sample("grafana/grafana-docs_webhook-notifier/webhook_payload_firing_2-alerts.json");
    let error = app
        .post_raw(&format!("/hooks/azure/{AZURE_KEY}"), grafana, &[])
        .expect_error(400, "a Grafana body on the Azure hook");
    assert!(
        error["error"]["message"].as_str().is_some_and(|m| m.contains("common alert schema")),
        "{error}"
    );
    let azure = sample(
        "azure-monitor/microsoft-docs_alerts-payload-samples/test-action_metric-alert-static-threshold_Fired.json",
    );
    app.post_raw(&format!("/hooks/grafana/{AZURE_KEY}"), azure, &[])
        .expect_error(401, "an Azure key on the Grafana hook");
    assert_eq!(app.stats(), before);
}
