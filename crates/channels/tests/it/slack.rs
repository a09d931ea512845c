//! Slack delivery against a mock incoming webhook that validates Block Kit as strictly as Slack does.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::post;
use channels::render_slack;
use domain::{ChannelKind, IncidentStatus, NotifyReason};
use serde_json::{Map, Value, json};

use crate::{Inbox, Received, context, expect_failure, incident, sender, serve};

/// The secret part of the mock's webhook URL.
const SECRET_PATH: &str = "/services/T0001/B0001/xoxsecret";

/// A Slack incoming webhook: `POST {SECRET_PATH}` validates the message and
/// answers `ok` or `400 invalid_payload`; `/archived` answers
/// `410 channel_is_archived`; any other path `404 no_service`.
async fn slack_mock() -> (String, Inbox) {
    async fn incoming(
        State(inbox): State<Inbox>,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> impl IntoResponse {
        let received = Received { path: uri.path().to_owned(), headers, body };
        let verdict = validate(&received);
        inbox.push(received);
        match verdict {
            Ok(()) => (StatusCode::OK, "ok".to_owned()),
            Err(why) => {
                eprintln!("slack mock rejected the message: {why}");
                (StatusCode::BAD_REQUEST, "invalid_payload".to_owned())
            }
        }
    }
    async fn archived() -> impl IntoResponse {
        (StatusCode::GONE, "channel_is_archived")
    }
    async fn no_service() -> impl IntoResponse {
        (StatusCode::NOT_FOUND, "no_service")
    }
    let inbox = Inbox::default();
    let router = Router::new()
        .route(SECRET_PATH, post(incoming))
        .route("/archived", post(archived))
        .fallback(no_service)
        .with_state(inbox.clone());
    (format!("http://{}", serve(router).await), inbox)
}

/// Slack's rules for an incoming-webhook message with blocks.
fn validate(received: &Received) -> Result<(), String> {
    match received.header("content-type") {
        Some(value) if value.starts_with("application/json") => {}
        other => return Err(format!("content-type {other:?}")),
    }
    let message: Value =
        serde_json::from_slice(&received.body).map_err(|e| format!("not JSON: {e}"))?;
    let message = object(&message, "message")?;
    only_keys(message, "message", &["text", "blocks"])?;
    let text = string(message.get("text"), "text")?;
    length(text, 1, 40_000, "text")?;
    let blocks =
        message.get("blocks").and_then(Value::as_array).ok_or("blocks must be an array")?;
    if blocks.is_empty() || blocks.len() > 50 {
        return Err(format!("{} blocks", blocks.len()));
    }
    for block in blocks {
        validate_block(object(block, "block")?)?;
    }
    Ok(())
}

fn validate_block(block: &Map<String, Value>) -> Result<(), String> {
    let kind = string(block.get("type"), "block type")?;
    if let Some(id) = block.get("block_id") {
        length(string(Some(id), "block_id")?, 1, 255, "block_id")?;
    }
    match kind {
        "header" => {
            only_keys(block, "header", &["type", "block_id", "text"])?;
            text_object(block.get("text"), &["plain_text"], 150, "header text")
        }
        "section" => {
            only_keys(block, "section", &["type", "block_id", "text", "fields", "accessory"])?;
            if block.get("text").is_none() && block.get("fields").is_none() {
                return Err("a section needs text or fields".into());
            }
            if let Some(text) = block.get("text") {
                text_object(Some(text), &["plain_text", "mrkdwn"], 3000, "section text")?;
            }
            if let Some(fields) = block.get("fields") {
                let fields = fields.as_array().ok_or("fields must be an array")?;
                if fields.is_empty() || fields.len() > 10 {
                    return Err(format!("{} fields", fields.len()));
                }
                for field in fields {
                    text_object(Some(field), &["plain_text", "mrkdwn"], 2000, "field")?;
                }
            }
            Ok(())
        }
        "context" => {
            only_keys(block, "context", &["type", "block_id", "elements"])?;
            let elements = block.get("elements").and_then(Value::as_array).ok_or("elements")?;
            if elements.is_empty() || elements.len() > 10 {
                return Err(format!("{} context elements", elements.len()));
            }
            for element in elements {
                text_object(Some(element), &["plain_text", "mrkdwn"], 3000, "context element")?;
            }
            Ok(())
        }
        "actions" => {
            only_keys(block, "actions", &["type", "block_id", "elements"])?;
            let elements = block.get("elements").and_then(Value::as_array).ok_or("elements")?;
            if elements.is_empty() || elements.len() > 25 {
                return Err(format!("{} action elements", elements.len()));
            }
            for element in elements {
                let button = object(element, "action element")?;
                if string(button.get("type"), "element type")? != "button" {
                    return Err("only buttons are expected".into());
                }
                only_keys(
                    button,
                    "button",
                    &[
                        "type",
                        "text",
                        "action_id",
                        "url",
                        "value",
                        "style",
                        "confirm",
                        "accessibility_label",
                    ],
                )?;
                text_object(button.get("text"), &["plain_text"], 75, "button text")?;
                if let Some(id) = button.get("action_id") {
                    length(string(Some(id), "action_id")?, 1, 255, "action_id")?;
                }
                if let Some(url) = button.get("url") {
                    let url = string(Some(url), "url")?;
                    length(url, 1, 3000, "button url")?;
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        return Err(format!("button url {url:?} is not absolute"));
                    }
                }
                if let Some(style) = button.get("style")
                    && !matches!(style.as_str(), Some("primary" | "danger"))
                {
                    return Err(format!("button style {style}"));
                }
            }
            Ok(())
        }
        "divider" => only_keys(block, "divider", &["type", "block_id"]),
        other => Err(format!("unexpected block type {other:?}")),
    }
}

fn text_object(
    value: Option<&Value>,
    kinds: &[&str],
    max: usize,
    what: &str,
) -> Result<(), String> {
    let object = object(value.ok_or(format!("{what} missing"))?, what)?;
    let kind = string(object.get("type"), what)?;
    if !kinds.contains(&kind) {
        return Err(format!("{what} is {kind}, expected one of {kinds:?}"));
    }
    let allowed: &[&str] = match kind {
        "plain_text" => &["type", "text", "emoji"],
        _ => &["type", "text", "verbatim"],
    };
    only_keys(object, what, allowed)?;
    length(string(object.get("text"), what)?, 1, max, what)
}

fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    value.as_object().ok_or(format!("{what} must be an object"))
}

fn string<'a>(value: Option<&'a Value>, what: &str) -> Result<&'a str, String> {
    value.and_then(Value::as_str).ok_or(format!("{what} must be a string"))
}

fn only_keys(object: &Map<String, Value>, what: &str, allowed: &[&str]) -> Result<(), String> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(format!("{what} has unexpected key {key:?}")),
        None => Ok(()),
    }
}

fn length(text: &str, min: usize, max: usize, what: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars < min || chars > max {
        return Err(format!("{what} has {chars} chars, allowed {min}..={max}"));
    }
    Ok(())
}

fn slack(url: String) -> ChannelKind {
    ChannelKind::Slack { url }
}

#[tokio::test]
async fn every_notification_is_a_message_slack_accepts() {
    let (base, inbox) = slack_mock().await;
    let channel = slack(format!("{base}{SECRET_PATH}"));
    let sender = sender();
    let mut incident = incident();
    for (reason, status) in [
        (NotifyReason::Opened, IncidentStatus::Triggered),
        (NotifyReason::Acknowledged, IncidentStatus::Acknowledged),
        (NotifyReason::Resolved, IncidentStatus::Resolved),
    ] {
        incident.status = status;
        let body = render_slack(&context(&incident, reason)).to_string();
        sender.send(&channel, &body, "outbox-9").await.expect("Slack accepts the message");
    }
    let received = inbox.take();
    assert_eq!(received.len(), 3);
    for request in &received {
        // Only what Slack documents: no idempotency key, JSON content type.
        assert_eq!(request.header("idempotency-key"), None);
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert!(request.json()["text"].as_str().is_some_and(|text| !text.is_empty()));
    }
}

#[tokio::test]
async fn huge_multibyte_incidents_still_fit_slack_limits() {
    let (base, inbox) = slack_mock().await;
    let channel = slack(format!("{base}{SECRET_PATH}"));
    let mut incident = incident();
    incident.title = "Сбой 🔥 <!here> & ネットワーク障害\n".repeat(300);
    incident.priority_reason = "客户 & <platinum> ".repeat(800);
    incident.acknowledged_by = Some("ö".repeat(4000));
    let tenant_name = "Zürich & Genève AG ".repeat(300);
    let service_name = "🛰️".repeat(2500);
    let ctx = channels::RenderContext {
        tenant_name: &tenant_name,
        service_name: &service_name,
        ..context(&incident, NotifyReason::Acknowledged)
    };
    let body = render_slack(&ctx).to_string();
    sender().send(&channel, &body, "k").await.expect("Slack accepts the message");
    let received = inbox.take();
    assert_eq!(received.len(), 1);
    let message = received[0].json();
    let header = message["blocks"][0]["text"]["text"].as_str().expect("header");
    assert!(header.ends_with('…'), "{header}");
    assert!(!header.contains('\n'));
}

#[tokio::test]
async fn a_malformed_message_is_rejected_permanently_with_slacks_reason() {
    let (base, _) = slack_mock().await;
    let channel = slack(format!("{base}{SECRET_PATH}"));
    let sender = sender();
    let too_long_header = json!({
        "text": "fallback",
        "blocks": [{ "type": "header", "text": { "type": "plain_text", "text": "x".repeat(151) } }],
    });
    let no_fallback = json!({ "blocks": [{ "type": "divider" }] });
    let mrkdwn_header = json!({
        "text": "fallback",
        "blocks": [{ "type": "header", "text": { "type": "mrkdwn", "text": "*x*" } }],
    });
    for bad in [too_long_header, no_fallback, mrkdwn_header] {
        let error =
            expect_failure(sender.send(&channel, &bad.to_string(), "k").await, false, Some(400));
        assert!(error.message.contains("invalid_payload"), "{}", error.message);
        assert!(
            error.message.contains("Slack rejected the message as malformed"),
            "{}",
            error.message
        );
        assert!(!error.message.contains("xoxsecret"), "secret leaked: {}", error.message);
    }
}

#[tokio::test]
async fn slack_errors_for_dead_webhooks_are_permanent() {
    let (base, _) = slack_mock().await;
    let sender = sender();
    let incident = incident();
    let body = render_slack(&context(&incident, NotifyReason::Opened)).to_string();

    let archived = slack(format!("{base}/archived"));
    let error = expect_failure(sender.send(&archived, &body, "k").await, false, Some(410));
    assert!(error.message.contains("channel_is_archived"), "{}", error.message);

    let removed = slack(format!("{base}/services/T0001/B0001/revoked"));
    let error = expect_failure(sender.send(&removed, &body, "k").await, false, Some(404));
    assert!(error.message.contains("no_service"), "{}", error.message);
    assert!(error.message.starts_with(&format!("slack {base} answered 404")), "{}", error.message);
    assert!(!error.message.contains("revoked"), "secret leaked: {}", error.message);
}
