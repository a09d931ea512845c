//! Rendering through the public API: the webhook contract byte for byte, and `render` dispatch.

use channels::{render, render_slack, render_webhook};
use domain::{ChannelKind, NotifyReason};
use serde_json::json;

use crate::{context, incident};

#[test]
fn webhook_body_is_the_documented_contract() {
    let incident = incident();
    let body = render_webhook(&context(&incident, NotifyReason::Acknowledged));
    let expected = json!({
        "version": 1,
        "event": "incident.acknowledged",
        "incident": {
            "id": 42,
            "tenant": "acme",
            "tenant_name": "Acme Corp",
            "service": "vpn",
            "service_name": "VPN Gateway",
            "title": "VPN tunnel down",
            "status": "acknowledged",
            "severity": "critical",
            "priority": "P1",
            "priority_reason": "platinum tenant, critical production service",
            "alert_count": 5,
            "active_alert_count": 3,
            "event_count": 12,
            "created_at": "2027-01-15T08:00:00Z",
            "updated_at": "2027-01-15T08:05:00Z",
            "acknowledged_at": "2027-01-15T08:04:00Z",
            "acknowledged_by": "user:alice",
            "resolved_at": null,
            "resolved_by": null,
            "url": "https://watchfloor.example.com/incidents/42",
        },
        "page": null,
    });
    assert_eq!(body, expected);
}

#[test]
fn a_page_says_who_is_paged_and_at_which_tier() {
    let incident = incident();
    let page = domain::Page {
        policy: domain::EscalationPolicyId::parse("noc").expect("valid"),
        tier: 1,
        round: 0,
        user: Some(domain::UserId::parse("ben").expect("valid")),
        via: "on call in noc-primary".to_owned(),
    };
    let ctx = channels::RenderContext {
        page: Some(&page),
        ..context(&incident, NotifyReason::Escalated)
    };
    let body = render_webhook(&ctx);
    assert_eq!(body["event"], "incident.escalated");
    assert_eq!(
        body["page"],
        json!({"policy": "noc", "tier": 2, "round": 1, "user": "ben", "via": "on call in noc-primary"})
    );
    let slack = render_slack(&ctx).to_string();
    assert!(slack.contains("Paging ben (on call in noc-primary)"), "{slack}");
    assert!(slack.contains("escalation policy noc tier 2, round 1"), "{slack}");
}

#[test]
fn every_reason_names_its_event() {
    let incident = incident();
    let events: Vec<_> = NotifyReason::ALL
        .into_iter()
        .map(|reason| render_webhook(&context(&incident, reason))["event"].clone())
        .collect();
    assert_eq!(
        events,
        [
            "incident.opened",
            "incident.acknowledged",
            "incident.resolved",
            "incident.flapping",
            "incident.escalated",
            "incident.sla_breached",
            "incident.retriggered",
            "incident.priority_raised"
        ]
    );
}

#[test]
fn render_picks_the_format_by_channel_kind() {
    let incident = incident();
    let ctx = context(&incident, NotifyReason::Opened);
    let webhook = ChannelKind::Webhook { url: "http://127.0.0.1/hook".into(), headers: vec![] };
    let slack = ChannelKind::Slack { url: "http://127.0.0.1/services/x".into() };
    assert_eq!(render(&webhook, &ctx), render_webhook(&ctx));
    assert_eq!(render(&slack, &ctx), render_slack(&ctx));
}

#[test]
fn multibyte_titles_are_cut_at_char_boundaries_in_slack_but_kept_whole_in_webhooks() {
    let mut incident = incident();
    incident.title = "🔥日本語のタイトル & <ü> ".repeat(100);
    let ctx = context(&incident, NotifyReason::Opened);

    let header =
        render_slack(&ctx)["blocks"][0]["text"]["text"].as_str().expect("header").to_owned();
    assert_eq!(header.chars().count(), 150);
    assert!(header.starts_with("🔴 P1 · Acme Corp · 🔥日本語のタイトル & <ü> 🔥"), "{header}");
    assert!(header.ends_with('…'), "{header}");

    assert_eq!(render_webhook(&ctx)["incident"]["title"], incident.title.as_str());
}
