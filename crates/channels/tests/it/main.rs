//! Channels against real HTTP receivers on loopback: the webhook contract, a strict Slack mock, failures.

extern crate watchfloor_channels as channels;

mod render;
mod slack;
mod webhook;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderMap;
use channels::{RenderContext, SendError, Sender};
use domain::{
    ChannelKind, Incident, IncidentId, IncidentStatus, NotifyReason, Priority, ServiceId, Severity,
    TenantId, Timestamp,
};
use tokio::net::TcpListener;

/// 2027-01-15T08:00:00Z plus `seconds`.
pub fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + seconds).expect("in range")
}

/// A fixed, acknowledged P1 incident.
pub fn incident() -> Incident {
    Incident {
        id: IncidentId(42),
        tenant: TenantId::parse("acme").expect("valid tenant"),
        service: ServiceId::parse("vpn").expect("valid service"),
        group_key: "vpn".into(),
        title: "VPN tunnel down".into(),
        status: IncidentStatus::Acknowledged,
        severity: Severity::Critical,
        priority: Priority::P1,
        priority_reason: "platinum tenant, critical production service".into(),
        alert_count: 5,
        active_alert_count: 3,
        event_count: 12,
        created_at: at(0),
        updated_at: at(300),
        acknowledged_at: Some(at(240)),
        acknowledged_by: Some("user:alice".into()),
        resolved_at: None,
        resolved_by: None,
        open_notified: true,
        triage: Default::default(),
    }
}

pub fn context(incident: &Incident, reason: NotifyReason) -> RenderContext<'_> {
    RenderContext {
        incident,
        tenant_name: "Acme Corp",
        service_name: "VPN Gateway",
        reason,
        incident_url: "https://watchfloor.example.com/incidents/42".into(),
        page: None,
    }
}

pub fn sender() -> Sender {
    Sender::new(Duration::from_secs(5)).expect("client builds")
}

pub fn webhook(url: String, headers: &[(&str, &str)]) -> ChannelKind {
    let headers = headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
    ChannelKind::Webhook { url, headers }
}

/// Serves `router` on 127.0.0.1 with an OS-chosen port until the test ends.
pub async fn serve(router: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("test server runs") });
    address
}

/// One request as a receiver saw it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("body is JSON")
    }
}

/// Requests received, shared between a receiver and its test.
#[derive(Debug, Clone, Default)]
pub struct Inbox(Arc<Mutex<Vec<Received>>>);

impl Inbox {
    pub fn push(&self, received: Received) {
        self.0.lock().expect("inbox lock").push(received);
    }

    pub fn take(&self) -> Vec<Received> {
        std::mem::take(&mut *self.0.lock().expect("inbox lock"))
    }
}

/// Asserts that `result` failed as expected and returns the error.
#[track_caller]
pub fn expect_failure(
    result: Result<(), SendError>,
    retryable: bool,
    status: Option<u16>,
) -> SendError {
    let error = result.expect_err("delivery should fail");
    assert_eq!(error.retryable, retryable, "retryable? {error:?}");
    assert_eq!(error.status, status, "status of {error:?}");
    error
}
