//! The generic webhook body: a versioned JSON document describing the incident.

use domain::{NotifyReason, Timestamp};
use serde_json::{Value, json};

use crate::RenderContext;

/// The value of `"version"`. Bumped only for changes that break receivers;
/// adding fields is not one of them.
pub const WEBHOOK_BODY_VERSION: u32 = 1;

/// Pure: the JSON body POSTed to a webhook channel. This is a public contract.
///
/// ```json
/// {
///   "version": 1,
///   "event": "incident.opened",
///   "incident": {
///     "id": 42,
///     "tenant": "acme",
///     "tenant_name": "Acme Corp",
///     "service": "vpn",
///     "service_name": "VPN Gateway",
///     "title": "VPN tunnel down",
///     "status": "triggered",
///     "severity": "critical",
///     "priority": "P1",
///     "priority_reason": "platinum tenant, critical production service",
///     "alert_count": 5,
///     "active_alert_count": 3,
///     "event_count": 12,
///     "created_at": "2027-01-15T08:00:00Z",
///     "updated_at": "2027-01-15T08:05:00Z",
///     "acknowledged_at": null,
///     "acknowledged_by": null,
///     "resolved_at": null,
///     "resolved_by": null,
///     "url": "https://watchfloor.example.com/incidents/42"
///   }
/// }
/// ```
///
/// - `version`: integer, currently `1`; receivers should reject versions they do not know.
/// - `event`: why it was sent: `incident.opened`, `incident.acknowledged`,
///   `incident.resolved`, `incident.flapping` (an alert keeps changing state),
///   `incident.escalated` (nobody acknowledged: the next tier is paged),
///   `incident.sla_breached` (a time-to-acknowledge or -resolve target was
///   missed), `incident.retriggered` (an acknowledgement expired) or
///   `incident.priority_raised` (it became more urgent after it was announced). Deliveries are at least once; deduplicate on the
///   `Idempotency-Key` request header, which is stable across retries.
/// - `incident.id`: integer, unique per Watchfloor installation.
/// - `incident.tenant`, `incident.service`: ids (slugs); `*_name`: display names.
/// - `incident.status`: `triggered`, `acknowledged` or `resolved`, as of the event.
/// - `incident.severity`: `critical`, `error`, `warning` or `info`.
/// - `incident.priority`: `P1` (most urgent) to `P5`; `priority_reason` says why.
/// - `incident.alert_count`: alerts ever attached; `active_alert_count`: those not
///   resolved; `event_count`: events received for them.
/// - Times are RFC 3339 in UTC (`2027-01-15T08:00:00Z`, with fractional seconds
///   when not whole); `acknowledged_*` and `resolved_*` are `null` when absent.
/// - `incident.url`: link to the incident in Watchfloor.
/// - `page`: `null`, or who an escalation policy pages with this delivery:
///   `{"policy", "tier" (1 = first), "round" (1 = first pass), "user" (a user
///   id, `null` when the tier names the channel itself), "via" (how the user
///   was chosen: `on call in noc-primary`, `named in the tier`)}`.
pub fn render_webhook(ctx: &RenderContext<'_>) -> Value {
    let incident = ctx.incident;
    json!({
        "version": WEBHOOK_BODY_VERSION,
        "event": event_name(ctx.reason),
        "incident": {
            "id": incident.id.0,
            "tenant": incident.tenant.as_str(),
            "tenant_name": ctx.tenant_name,
            "service": incident.service.as_str(),
            "service_name": ctx.service_name,
            "title": incident.title,
            "status": incident.status.as_str(),
            "severity": incident.severity.as_str(),
            "priority": incident.priority.to_string(),
            "priority_reason": incident.priority_reason,
            "alert_count": incident.alert_count,
            "active_alert_count": incident.active_alert_count,
            "event_count": incident.event_count,
            "created_at": rfc3339(incident.created_at),
            "updated_at": rfc3339(incident.updated_at),
            "acknowledged_at": incident.acknowledged_at.map(rfc3339),
            "acknowledged_by": incident.acknowledged_by,
            "resolved_at": incident.resolved_at.map(rfc3339),
            "resolved_by": incident.resolved_by,
            "url": ctx.incident_url,
        },
        "page": ctx.page.map(|page| json!({
            "policy": page.policy.as_str(),
            "tier": page.tier + 1,
            "round": page.round + 1,
            "user": page.user.as_ref().map(|user| user.as_str()),
            "via": page.via,
        })),
    })
}

/// The `"event"` word for a notification reason.
pub(crate) fn event_name(reason: NotifyReason) -> &'static str {
    match reason {
        NotifyReason::Opened => "incident.opened",
        NotifyReason::Acknowledged => "incident.acknowledged",
        NotifyReason::Resolved => "incident.resolved",
        NotifyReason::Flapping => "incident.flapping",
        NotifyReason::Escalated => "incident.escalated",
        NotifyReason::SlaBreached => "incident.sla_breached",
        NotifyReason::Retriggered => "incident.retriggered",
        NotifyReason::PriorityRaised => "incident.priority_raised",
    }
}

/// RFC 3339 in UTC; jiff prints `Z` and only as many fractional digits as needed.
fn rfc3339(at: Timestamp) -> String {
    at.to_string()
}

#[cfg(test)]
mod tests {
    use domain::{IncidentId, IncidentStatus, Priority, ServiceId, Severity, TenantId};

    use super::*;

    fn incident() -> domain::Incident {
        let created_at = Timestamp::from_second(1_800_000_000).expect("in range");
        domain::Incident {
            id: IncidentId(7),
            tenant: TenantId::parse("globex").expect("valid"),
            service: ServiceId::parse("mail").expect("valid"),
            group_key: "mail".into(),
            title: "Mail queue <stuck> & growing".into(),
            status: IncidentStatus::Resolved,
            severity: Severity::Warning,
            priority: Priority::new(3),
            priority_reason: "gold tenant".into(),
            alert_count: 1,
            active_alert_count: 0,
            event_count: 2,
            created_at,
            updated_at: created_at,
            acknowledged_at: None,
            acknowledged_by: None,
            resolved_at: Some(Timestamp::from_millisecond(1_800_000_090_250).expect("in range")),
            resolved_by: Some("user:admin".into()),
            open_notified: true,
            triage: Default::default(),
        }
    }

    #[test]
    fn absent_times_are_null_and_present_ones_rfc3339() {
        let incident = incident();
        let ctx = RenderContext {
            incident: &incident,
            tenant_name: "Globex",
            service_name: "Mail",
            reason: NotifyReason::Resolved,
            incident_url: "http://localhost/incidents/7".into(),
            page: None,
        };
        let body = render_webhook(&ctx);
        assert_eq!(body["event"], "incident.resolved");
        assert_eq!(body["incident"]["acknowledged_at"], Value::Null);
        assert_eq!(body["incident"]["acknowledged_by"], Value::Null);
        assert_eq!(body["incident"]["resolved_at"], "2027-01-15T08:01:30.25Z");
        assert_eq!(body["incident"]["resolved_by"], "user:admin");
        assert_eq!(body["incident"]["priority"], "P3");
        // JSON needs no HTML escaping: the title goes out exactly as it came in.
        assert_eq!(body["incident"]["title"], "Mail queue <stuck> & growing");
    }

    #[test]
    fn every_reason_has_an_event_name() {
        assert_eq!(event_name(NotifyReason::Opened), "incident.opened");
        assert_eq!(event_name(NotifyReason::Acknowledged), "incident.acknowledged");
        assert_eq!(event_name(NotifyReason::Resolved), "incident.resolved");
    }
}
