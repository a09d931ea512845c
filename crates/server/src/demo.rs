//! `serve --demo`: demo tenants and a synthetic event stream — an alert storm
//! across many tenants and story 2's VPN chain — fed through the same parser
//! and engine loop as real traffic.

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::{Config, SourceKind};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::writer::Writer;

/// The demo configuration, in the same YAML format operators write.
pub const DEMO_CONFIG: &str = include_str!("demo.yaml");

pub fn demo_config() -> Result<Config, config::ConfigError> {
    config::parse(DEMO_CONFIG, "<demo>")
}

/// Background noise: (integration key, alertname, summary, severity).
const NOISE: &[(&str, &str, &str, &str)] = &[
    ("demo-initech-stage", "HighLatency", "p95 latency 2.3s on stage web", "warning"),
    ("demo-hooli-api", "ErrorRate", "5xx rate 3% on /v1/orders", "error"),
    ("demo-wayne-pos", "DiskFilling", "Disk 88% full on pos-db-2", "warning"),
    ("demo-acme-mail", "QueueBacklog", "Mail queue backlog 1,200 messages", "warning"),
    ("demo-corner-printer", "PrinterOffline", "Printer out of paper", "info"),
    (
        "demo-umbrella-tracking",
        "TargetUnhealthy",
        "2 of 6 load-balancer targets unhealthy",
        "error",
    ),
    ("demo-initech-web", "CertExpiry", "TLS certificate expires in 6 days", "warning"),
    ("demo-stark-mes", "BackupFailed", "Nightly backup job failed", "error"),
    ("demo-globex-dr", "ReplicationLag", "DR replication lag 14 minutes", "warning"),
];

/// Story 2: an informational change is the first domino.
const VPN_CHAIN: &[(u64, &str, &str, &str, &str, &str)] = &[
    (
        0,
        "demo-globex-vpn",
        "VpnConfigChanged",
        "fra",
        "VPN configuration changed on fw-fra-1 (firmware 9.1.3)",
        "info",
    ),
    (4, "demo-globex-vpn", "TunnelDown", "fra", "IPsec tunnel fra-nyc down", "warning"),
    (6, "demo-globex-vpn", "TunnelDown2", "fra", "IPsec tunnel fra-lon down", "warning"),
    (9, "demo-globex-vpn", "RemoteUsersDropped", "fra", "412 remote users disconnected", "error"),
    (
        12,
        "demo-generic-key",
        "ErpUnreachable",
        "fra",
        "Core ERP unreachable from branch offices",
        "critical",
    ),
];

fn generic(action: &str, alertname: &str, site: &str, summary: &str, severity: &str) -> Value {
    json!({"events": [{
        "action": action,
        "dedup_key": format!("{alertname}-{site}"),
        "summary": summary,
        "severity": severity,
        "source": format!("{site}-gw"),
        "labels": {"alertname": alertname, "site": site},
    }]})
}

async fn send(config: &Config, writer: &Writer, key: &str, body: Value) {
    let Some(integration) = config.integration_by_key(key) else { return };
    let text = body.to_string();
    let events = match ingest::parse_generic(text.as_bytes(), crate::writer::now()) {
        Ok(events) => events,
        Err(error) => {
            tracing::warn!(error = %error, "demo event rejected");
            return;
        }
    };
    let result = writer
        .ingest(
            integration.tenant.clone(),
            integration.service.clone(),
            SourceKind::Demo,
            &text,
            events,
            Instant::now(),
        )
        .await;
    if let Err(error) = result {
        tracing::warn!(error = %error, "demo event not stored");
    }
}

/// Runs forever: a cycle of about two minutes, VPN chain first, with a storm of noise.
pub async fn run(config: Arc<Config>, writer: Writer) {
    let mut rng = StdRng::seed_from_u64(7);
    let sites = ["fra", "nyc", "lon", "sin", "syd"];
    loop {
        let started = Instant::now();
        let mut chain = VPN_CHAIN.iter().peekable();
        let mut firing: Vec<(usize, &str)> = Vec::new();
        while started.elapsed() < Duration::from_secs(110) {
            let elapsed = started.elapsed().as_secs();
            while let Some(&&(at, key, alertname, site, summary, severity)) = chain.peek() {
                if at > elapsed {
                    break;
                }
                send(&config, &writer, key, generic("trigger", alertname, site, summary, severity))
                    .await;
                chain.next();
            }
            // The storm: bursts of low-priority alerts from many tenants.
            let burst =
                if elapsed % 20 < 4 { rng.random_range(5..15) } else { rng.random_range(0..3) };
            for _ in 0..burst {
                let index = rng.random_range(0..NOISE.len());
                let site = sites[rng.random_range(0..sites.len())];
                let (key, alertname, summary, severity) = NOISE[index];
                send(&config, &writer, key, generic("trigger", alertname, site, summary, severity))
                    .await;
                if !firing.iter().any(|(i, s)| *i == index && *s == site) {
                    firing.push((index, site));
                }
            }
            // Some of the noise clears by itself.
            if !firing.is_empty() && rng.random_bool(0.3) {
                let (index, site) = firing.swap_remove(rng.random_range(0..firing.len()));
                let (key, alertname, summary, severity) = NOISE[index];
                send(&config, &writer, key, generic("resolve", alertname, site, summary, severity))
                    .await;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        // The firmware is rolled back: the chain resolves, the cycle begins again.
        for &(_, key, alertname, site, summary, severity) in VPN_CHAIN {
            send(&config, &writer, key, generic("resolve", alertname, site, summary, severity))
                .await;
        }
        for (index, site) in firing.drain(..) {
            let (key, alertname, summary, severity) = NOISE[index];
            send(&config, &writer, key, generic("resolve", alertname, site, summary, severity))
                .await;
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
}
