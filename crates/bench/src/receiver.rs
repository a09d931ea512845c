//! The webhook receiver the load generator runs itself: counts notifications and times end-to-end probes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::post;
use hdrhistogram::Histogram;
use serde_json::Value;
use tokio::sync::oneshot;

use crate::payload::{ProbeSpec, parse_probe_summary};

/// Notification bodies up to this size are read (Alertmanager sends whole groups).
const MAX_NOTIFICATION_BYTES: usize = 256 * 1024 * 1024;

/// What the receiver has seen, shared with the load generator.
pub struct Inbox {
    run: u64,
    /// Notifications received, of any kind.
    pub notifications: AtomicU64,
    /// Bodies that were neither a Watchfloor nor an Alertmanager notification.
    pub unrecognised: AtomicU64,
    probes: Mutex<Probes>,
}

struct Probes {
    /// Probes posted and not yet seen, by sequence number, with when their post started.
    pending: HashMap<u64, Instant>,
    /// Probes seen before their post was recorded (the notification raced the response).
    early: HashMap<u64, Instant>,
    latency_us: Histogram<u64>,
}

impl Inbox {
    pub fn new(run: u64) -> Arc<Self> {
        Arc::new(Self {
            run,
            notifications: AtomicU64::new(0),
            unrecognised: AtomicU64::new(0),
            probes: Mutex::new(Probes {
                pending: HashMap::new(),
                early: HashMap::new(),
                latency_us: crate::report::latency_histogram(),
            }),
        })
    }

    pub fn run(&self) -> u64 {
        self.run
    }

    /// A probe's post started at `sent`.
    pub fn probe_sent(&self, seq: u64, sent: Instant) {
        let Ok(mut probes) = self.probes.lock() else { return };
        match probes.early.remove(&seq) {
            Some(arrived) => record(&mut probes.latency_us, sent, arrived),
            None => {
                probes.pending.insert(seq, sent);
            }
        }
    }

    /// A probe whose post failed will never be notified.
    pub fn probe_failed(&self, seq: u64) {
        if let Ok(mut probes) = self.probes.lock() {
            probes.pending.remove(&seq);
        }
    }

    fn probe_arrived(&self, probe: &ProbeSpec, arrived: Instant) {
        if probe.run != self.run {
            return;
        }
        let Ok(mut probes) = self.probes.lock() else { return };
        match probes.pending.remove(&probe.seq) {
            Some(sent) => record(&mut probes.latency_us, sent, arrived),
            None => {
                probes.early.insert(probe.seq, arrived);
            }
        }
    }

    /// Probes posted but not yet notified.
    pub fn probes_outstanding(&self) -> usize {
        self.probes.lock().map_or(0, |p| p.pending.len())
    }

    /// End-to-end latencies of the probes seen so far, in microseconds.
    pub fn probe_latencies(&self) -> Histogram<u64> {
        self.probes
            .lock()
            .map_or_else(|_| crate::report::latency_histogram(), |p| p.latency_us.clone())
    }

    fn accept(&self, body: &[u8], arrived: Instant) {
        self.notifications.fetch_add(1, Ordering::Relaxed);
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            self.unrecognised.fetch_add(1, Ordering::Relaxed);
            return;
        };
        if let Some(incident) = value.get("incident") {
            // Watchfloor: {"version":1,"event":"incident.opened","incident":{"title":…}}
            let opened = value.get("event").and_then(Value::as_str) == Some("incident.opened");
            let title = incident.get("title").and_then(Value::as_str).unwrap_or_default();
            if let (true, Some(probe)) = (opened, parse_probe_summary(title)) {
                self.probe_arrived(&probe, arrived);
            }
        } else if let Some(alerts) = value.get("alerts").and_then(Value::as_array) {
            // Alertmanager: {"version":"4","alerts":[{"status":"firing","labels":{…}}]}
            for alert in alerts {
                if alert.get("status").and_then(Value::as_str) != Some("firing") {
                    continue;
                }
                let label = |name: &str| {
                    alert.pointer(&format!("/labels/{name}")).and_then(Value::as_str)?.parse().ok()
                };
                if let (Some(run), Some(seq)) = (label("bench_run"), label("bench_seq")) {
                    self.probe_arrived(&ProbeSpec { run, seq }, arrived);
                }
            }
        } else {
            self.unrecognised.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn record(histogram: &mut Histogram<u64>, sent: Instant, arrived: Instant) {
    let micros = arrived.saturating_duration_since(sent).as_micros();
    let _ = histogram.record(u64::try_from(micros).unwrap_or(u64::MAX).max(1));
}

async fn notification(State(inbox): State<Arc<Inbox>>, body: Bytes) -> StatusCode {
    inbox.accept(&body, Instant::now());
    StatusCode::OK
}

/// A running receiver; dropping the handle's `stop` ends it.
pub struct Receiver {
    pub address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Listens on `address` (loopback only) and answers every POST with 200.
    pub async fn start(address: SocketAddr, inbox: Arc<Inbox>) -> anyhow::Result<Self> {
        anyhow::ensure!(
            address.ip().is_loopback(),
            "the receiver listens on loopback only, not {address}"
        );
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
        let address = listener.local_addr()?;
        let app = Router::new()
            .fallback(post(notification))
            .layer(DefaultBodyLimit::max(MAX_NOTIFICATION_BYTES))
            .with_state(inbox);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
                eprintln!("webhook receiver failed: {error}");
            }
        });
        Ok(Self { address, stop: Some(stop), task })
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), &mut self.task).await;
        self.task.abort();
    }
}
