//! The Slack message: Block Kit for an incoming webhook, within Slack's documented limits.

use domain::{IncidentStatus, NotifyReason, Priority};
use serde_json::{Value, json};

use crate::RenderContext;
use crate::text::{mrkdwn, single_line, truncate};

/// Slack's limits on Block Kit messages (characters).
mod limit {
    /// `header` block text.
    pub const HEADER_TEXT: usize = 150;
    /// `section` and `context` text objects.
    pub const TEXT: usize = 3000;
    /// Each text object in a `section`'s `fields`.
    pub const FIELD_TEXT: usize = 2000;
    /// Items in a `section`'s `fields`.
    pub const FIELDS: usize = 10;
    /// A `button`'s text.
    pub const BUTTON_TEXT: usize = 75;
    /// A `button`'s url.
    pub const BUTTON_URL: usize = 3000;
    /// The top-level `text`: Slack accepts far more, but it is a notification
    /// preview, and the blocks limit keeps it readable.
    pub const FALLBACK_TEXT: usize = 3000;
}

/// Pure: a Block Kit message for a Slack incoming webhook.
///
/// - `text`: the notification fallback, e.g. `🔴 P1 opened: VPN tunnel down (Acme Corp · VPN Gateway)`.
/// - `blocks`:
///   1. `header` (plain_text): `🔴 P1 · Acme Corp · VPN tunnel down`; acknowledged
///      and resolved notifications say so: `👀 Acknowledged · P1 · …`, `✅ Resolved · P1 · …`.
///   2. `section` with mrkdwn `fields`: Priority (with severity), Tenant, Service,
///      Status (with who acknowledged or resolved), Alerts (`3 active / 5 total`), Events.
///   3. `context`: the priority reason, then the incident number and when it opened
///      (a Slack `<!date^…>` token, shown in the reader's time zone).
///   4. `actions`: an "Open in Watchfloor" link button, left out when the
///      incident URL is not an absolute http(s) URL within Slack's 3000-char limit.
///
/// Every text respects Slack's limits (header 150, section and context text
/// 3000, field 2000, button 75), counted in chars and cut at char boundaries
/// with `…`. Text taken from the incident is escaped (`&`, `<`, `>`) in mrkdwn,
/// so alert titles cannot mention `@channel` or inject links; the header is
/// plain_text and is sent as is, on one line.
pub fn render_slack(ctx: &RenderContext<'_>) -> Value {
    let incident = ctx.incident;
    let title = non_empty(&incident.title, "(untitled incident)");
    let tenant = non_empty(ctx.tenant_name, incident.tenant.as_str());
    let service = non_empty(ctx.service_name, incident.service.as_str());
    let emoji = emoji(ctx.reason, incident.priority);
    let priority = incident.priority;

    let header = match ctx.reason {
        NotifyReason::Opened => format!("{emoji} {priority} · {tenant} · {title}"),
        NotifyReason::Acknowledged => {
            format!("{emoji} Acknowledged · {priority} · {tenant} · {title}")
        }
        NotifyReason::Resolved => format!("{emoji} Resolved · {priority} · {tenant} · {title}"),
        NotifyReason::Flapping => format!("{emoji} Flapping · {priority} · {tenant} · {title}"),
        NotifyReason::Escalated => format!("{emoji} Escalated · {priority} · {tenant} · {title}"),
        NotifyReason::SlaBreached => {
            format!("{emoji} SLA breached · {priority} · {tenant} · {title}")
        }
        NotifyReason::Retriggered => {
            format!("{emoji} Acknowledgement expired · {priority} · {tenant} · {title}")
        }
        NotifyReason::PriorityRaised => {
            format!("{emoji} Now {priority} · {tenant} · {title}")
        }
    };
    let header = truncate(&single_line(&header), limit::HEADER_TEXT).into_owned();

    let fallback = format!(
        "{emoji} {priority} {reason}: {title} ({tenant} · {service})",
        reason = ctx.reason.as_str()
    );
    let fallback = mrkdwn(&single_line(&fallback), limit::FALLBACK_TEXT);

    let fields = [
        field("Priority", &format!("{priority} · {} severity", incident.severity)),
        field("Tenant", tenant),
        field("Service", service),
        field("Status", &status_line(incident)),
        field(
            "Alerts",
            &format!("{} active / {} total", incident.active_alert_count, incident.alert_count),
        ),
        field("Events", &incident.event_count.to_string()),
    ];
    const _: () = assert!(6 <= limit::FIELDS);

    let mut context = Vec::new();
    if !incident.priority_reason.trim().is_empty() {
        context.push(json!({
            "type": "mrkdwn",
            "text": mrkdwn(&single_line(&incident.priority_reason), limit::TEXT),
        }));
    }
    if let Some(page) = ctx.page {
        let who = match &page.user {
            Some(user) => format!("Paging {user} ({})", page.via),
            None => "Paging this channel".to_owned(),
        };
        let text = format!(
            "{who} · escalation policy {} tier {}, round {}",
            page.policy,
            page.tier + 1,
            page.round + 1
        );
        context.push(json!({ "type": "mrkdwn", "text": mrkdwn(&single_line(&text), limit::TEXT) }));
    }
    let opened_at = incident.created_at;
    context.push(json!({
        "type": "mrkdwn",
        "text": format!(
            "Incident #{} · opened <!date^{}^{{date_short_pretty}} at {{time}}|{}>",
            incident.id,
            opened_at.as_second(),
            opened_at,
        ),
    }));

    let mut blocks = vec![
        json!({
            "type": "header",
            "text": { "type": "plain_text", "text": header, "emoji": true },
        }),
        json!({ "type": "section", "fields": fields }),
        json!({ "type": "context", "elements": context }),
    ];
    if let Some(url) = button_url(&ctx.incident_url) {
        blocks.push(json!({
            "type": "actions",
            "elements": [{
                "type": "button",
                "action_id": "open_incident",
                "text": {
                    "type": "plain_text",
                    "text": truncate("Open in Watchfloor", limit::BUTTON_TEXT),
                    "emoji": true,
                },
                "url": url,
            }],
        }));
    }

    json!({ "text": fallback, "blocks": blocks })
}

/// Opened notifications are coloured by priority; the others by what happened.
fn emoji(reason: NotifyReason, priority: Priority) -> &'static str {
    match reason {
        NotifyReason::Opened => match priority.level() {
            1 => "🔴",
            2 => "🟠",
            3 => "🟡",
            4 => "🔵",
            _ => "⚪",
        },
        NotifyReason::Acknowledged => "👀",
        NotifyReason::Resolved => "✅",
        NotifyReason::Flapping => "🔁",
        NotifyReason::Escalated | NotifyReason::Retriggered => "📟",
        NotifyReason::SlaBreached => "⏰",
        NotifyReason::PriorityRaised => "⏫",
    }
}

/// A mrkdwn field: bold label, then the escaped value on its own line.
fn field(label: &str, value: &str) -> Value {
    let label = format!("*{label}*\n");
    let value = mrkdwn(&single_line(value), limit::FIELD_TEXT - label.chars().count());
    json!({ "type": "mrkdwn", "text": format!("{label}{value}") })
}

fn status_line(incident: &domain::Incident) -> String {
    match (incident.status, &incident.acknowledged_by, &incident.resolved_by) {
        (IncidentStatus::Triggered, _, _) => "Triggered".to_owned(),
        (IncidentStatus::Acknowledged, Some(by), _) => format!("Acknowledged by {by}"),
        (IncidentStatus::Acknowledged, None, _) => "Acknowledged".to_owned(),
        (IncidentStatus::Resolved, _, Some(by)) => format!("Resolved by {by}"),
        (IncidentStatus::Resolved, _, None) => "Resolved".to_owned(),
    }
}

/// Slack rejects empty text objects.
fn non_empty<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    if value.trim().is_empty() { fallback } else { value }
}

/// The button's link, if Slack would accept it. A cut URL would be a broken
/// link, so an overlong one drops the button instead.
fn button_url(url: &str) -> Option<&str> {
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    (absolute && url.chars().count() <= limit::BUTTON_URL).then_some(url)
}

#[cfg(test)]
mod tests {
    use domain::{IncidentId, ServiceId, Severity, TenantId, Timestamp};

    use super::*;

    fn incident(title: &str) -> domain::Incident {
        let created_at = Timestamp::from_second(1_800_000_000).expect("in range");
        domain::Incident {
            id: IncidentId(42),
            tenant: TenantId::parse("acme").expect("valid"),
            service: ServiceId::parse("vpn").expect("valid"),
            group_key: "vpn".into(),
            title: title.into(),
            status: IncidentStatus::Triggered,
            severity: Severity::Critical,
            priority: Priority::P1,
            priority_reason: "platinum tenant, critical production service".into(),
            alert_count: 5,
            active_alert_count: 3,
            event_count: 12,
            created_at,
            updated_at: created_at,
            acknowledged_at: None,
            acknowledged_by: None,
            resolved_at: None,
            resolved_by: None,
            open_notified: true,
            triage: Default::default(),
        }
    }

    fn ctx<'a>(incident: &'a domain::Incident, reason: NotifyReason) -> RenderContext<'a> {
        RenderContext {
            incident,
            tenant_name: "Acme Corp",
            service_name: "VPN Gateway",
            reason,
            incident_url: "https://watchfloor.example.com/incidents/42".into(),
            page: None,
        }
    }

    /// Every text in the blocks with the limit Slack puts on it, and its length in chars.
    fn texts_with_limits(message: &Value) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let chars = |text: &Value| text.as_str().expect("a string").chars().count();
        for block in message["blocks"].as_array().expect("blocks") {
            match block["type"].as_str().expect("block type") {
                "header" => out.push((limit::HEADER_TEXT, chars(&block["text"]["text"]))),
                "section" => {
                    for field in block["fields"].as_array().expect("fields") {
                        out.push((limit::FIELD_TEXT, chars(&field["text"])));
                    }
                }
                "context" => {
                    for element in block["elements"].as_array().expect("elements") {
                        out.push((limit::TEXT, chars(&element["text"])));
                    }
                }
                "actions" => {
                    let button = &block["elements"][0];
                    out.push((limit::BUTTON_TEXT, chars(&button["text"]["text"])));
                    out.push((limit::BUTTON_URL, chars(&button["url"])));
                }
                other => panic!("unexpected block {other}"),
            }
        }
        out
    }

    #[test]
    fn opened_message_is_exactly_this() {
        let incident = incident("VPN tunnel down");
        let message = render_slack(&ctx(&incident, NotifyReason::Opened));
        let expected = json!({
            "text": "🔴 P1 opened: VPN tunnel down (Acme Corp · VPN Gateway)",
            "blocks": [
                {
                    "type": "header",
                    "text": {
                        "type": "plain_text",
                        "text": "🔴 P1 · Acme Corp · VPN tunnel down",
                        "emoji": true,
                    },
                },
                {
                    "type": "section",
                    "fields": [
                        { "type": "mrkdwn", "text": "*Priority*\nP1 · critical severity" },
                        { "type": "mrkdwn", "text": "*Tenant*\nAcme Corp" },
                        { "type": "mrkdwn", "text": "*Service*\nVPN Gateway" },
                        { "type": "mrkdwn", "text": "*Status*\nTriggered" },
                        { "type": "mrkdwn", "text": "*Alerts*\n3 active / 5 total" },
                        { "type": "mrkdwn", "text": "*Events*\n12" },
                    ],
                },
                {
                    "type": "context",
                    "elements": [
                        {
                            "type": "mrkdwn",
                            "text": "platinum tenant, critical production service",
                        },
                        {
                            "type": "mrkdwn",
                            "text": "Incident #42 · opened <!date^1800000000^{date_short_pretty} at {time}|2027-01-15T08:00:00Z>",
                        },
                    ],
                },
                {
                    "type": "actions",
                    "elements": [{
                        "type": "button",
                        "action_id": "open_incident",
                        "text": { "type": "plain_text", "text": "Open in Watchfloor", "emoji": true },
                        "url": "https://watchfloor.example.com/incidents/42",
                    }],
                },
            ],
        });
        assert_eq!(message, expected);
    }

    #[test]
    fn acknowledged_and_resolved_say_so_and_who() {
        let mut incident = incident("VPN tunnel down");
        incident.status = IncidentStatus::Acknowledged;
        incident.acknowledged_by = Some("user:alice".into());
        let message = render_slack(&ctx(&incident, NotifyReason::Acknowledged));
        assert_eq!(
            message["blocks"][0]["text"]["text"],
            "👀 Acknowledged · P1 · Acme Corp · VPN tunnel down"
        );
        assert_eq!(
            message["blocks"][1]["fields"][3]["text"],
            "*Status*\nAcknowledged by user:alice"
        );
        assert_eq!(
            message["text"],
            "👀 P1 acknowledged: VPN tunnel down (Acme Corp · VPN Gateway)"
        );

        incident.status = IncidentStatus::Resolved;
        incident.resolved_by = Some("engine".into());
        let message = render_slack(&ctx(&incident, NotifyReason::Resolved));
        assert_eq!(
            message["blocks"][0]["text"]["text"],
            "✅ Resolved · P1 · Acme Corp · VPN tunnel down"
        );
        assert_eq!(message["blocks"][1]["fields"][3]["text"], "*Status*\nResolved by engine");
    }

    #[test]
    fn opened_emoji_follows_priority() {
        let emojis: Vec<_> =
            (1..=5).map(|level| emoji(NotifyReason::Opened, Priority::new(level))).collect();
        assert_eq!(emojis, ["🔴", "🟠", "🟡", "🔵", "⚪"]);
    }

    #[test]
    fn mrkdwn_text_is_escaped_and_plain_text_is_not() {
        let mut incident = incident("<!channel> R&D > prod");
        incident.priority_reason = "tier <gold> & critical".into();
        let message = render_slack(&RenderContext {
            tenant_name: "Smith & Sons <EU>",
            ..ctx(&incident, NotifyReason::Opened)
        });
        assert_eq!(
            message["blocks"][0]["text"]["text"],
            "🔴 P1 · Smith & Sons <EU> · <!channel> R&D > prod"
        );
        assert_eq!(
            message["blocks"][1]["fields"][1]["text"],
            "*Tenant*\nSmith &amp; Sons &lt;EU&gt;"
        );
        assert_eq!(message["blocks"][2]["elements"][0]["text"], "tier &lt;gold&gt; &amp; critical");
        let fallback = message["text"].as_str().expect("text");
        assert!(fallback.contains("&lt;!channel&gt; R&amp;D &gt; prod"), "{fallback}");
        assert!(!fallback.contains("<!channel>"));
    }

    #[test]
    fn huge_multibyte_text_is_cut_within_every_limit() {
        let title = "Ошибка 🔥 サービス停止 & <down> ".repeat(400);
        let mut incident = incident(&title);
        incident.priority_reason = "理由 & <why> ".repeat(1000);
        incident.acknowledged_by = Some("ü".repeat(5000));
        incident.status = IncidentStatus::Acknowledged;
        let message = render_slack(&RenderContext {
            tenant_name: &"Ägypten & Co ".repeat(500),
            service_name: &"服务".repeat(3000),
            ..ctx(&incident, NotifyReason::Acknowledged)
        });
        let header = message["blocks"][0]["text"]["text"].as_str().expect("header");
        assert_eq!(header.chars().count(), limit::HEADER_TEXT);
        assert!(header.ends_with('…'));
        assert!(!header.contains('\n'));
        for (max, chars) in texts_with_limits(&message) {
            assert!(chars <= max, "a text has {chars} chars, over {max}");
        }
        let service = message["blocks"][1]["fields"][2]["text"].as_str().expect("field");
        assert_eq!(service.chars().count(), limit::FIELD_TEXT);
        assert!(message["text"].as_str().expect("text").chars().count() <= limit::FALLBACK_TEXT);
    }

    #[test]
    fn empty_names_fall_back_to_ids_and_titles_to_a_placeholder() {
        let incident = incident("  ");
        let message = render_slack(&RenderContext {
            tenant_name: "",
            service_name: "",
            ..ctx(&incident, NotifyReason::Opened)
        });
        assert_eq!(message["blocks"][0]["text"]["text"], "🔴 P1 · acme · (untitled incident)");
        assert_eq!(message["blocks"][1]["fields"][2]["text"], "*Service*\nvpn");
    }

    #[test]
    fn the_button_needs_an_absolute_url_slack_accepts() {
        let incident = incident("x");
        for url in ["", "/incidents/42", "javascript:alert(1)"] {
            let message = render_slack(&RenderContext {
                incident_url: url.into(),
                ..ctx(&incident, NotifyReason::Opened)
            });
            let blocks = message["blocks"].as_array().expect("blocks");
            assert!(blocks.iter().all(|b| b["type"] != "actions"), "button for {url:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(3000));
        let message = render_slack(&RenderContext {
            incident_url: long,
            ..ctx(&incident, NotifyReason::Opened)
        });
        assert_eq!(message["blocks"].as_array().expect("blocks").len(), 3);
    }
}
