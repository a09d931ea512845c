//! Notification channels: pure rendering of incidents into channel bodies, and a thin async sender.
//!
//! The split follows Vector's sinks: [`render`] turns an incident into the JSON
//! a channel expects and never does IO, so it is tested on its own; [`Sender::send`]
//! only POSTs an already rendered body and classifies the outcome into a
//! [`SendError`] the delivery worker can act on (retry with [`backoff`] or
//! dead-letter). Rendering happens when a notification is queued, so the outbox
//! holds exactly the bytes that are sent, and every retry sends the same body.
//!
//! - [`render_webhook`] documents the webhook body, a public contract.
//! - [`render_slack`] builds a Block Kit message for a Slack incoming webhook.

mod backoff;
mod send;
mod slack;
mod text;
mod webhook;

pub use backoff::backoff;
pub use send::{SendError, Sender};
pub use slack::render_slack;
pub use webhook::{WEBHOOK_BODY_VERSION, render_webhook};

use domain::{ChannelKind, Incident, NotifyReason};

/// Everything a channel body is rendered from. Names are resolved by the
/// caller from the config, so rendering needs neither config nor IO.
#[derive(Debug, Clone)]
pub struct RenderContext<'a> {
    pub incident: &'a Incident,
    /// The tenant's display name (`Tenant::name`).
    pub tenant_name: &'a str,
    /// The service's display name (`Service::name`).
    pub service_name: &'a str,
    /// Why this notification is sent.
    pub reason: NotifyReason,
    /// Absolute link to the incident in Watchfloor's UI.
    pub incident_url: String,
    /// Who an escalation policy pages with this notification, if anyone.
    pub page: Option<&'a domain::Page>,
}

/// Pure: the JSON body for a channel kind.
pub fn render(kind: &ChannelKind, ctx: &RenderContext<'_>) -> serde_json::Value {
    match kind {
        ChannelKind::Webhook { .. } => render_webhook(ctx),
        ChannelKind::Slack { .. } => render_slack(ctx),
    }
}
