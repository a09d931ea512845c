//! Typed metrics, rendered in the Prometheus text format.
//!
//! Names follow `watchfloor_<noun>_<verb>_total` for counters and carry their
//! unit (`_seconds`) otherwise. The registry is owned by the app state; there
//! is no global recorder.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

const LATENCY_BUCKETS: [f64; 12] =
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Default)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Counters keyed by (metric, label pairs).
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<(&'static str, String), u64>>,
    histograms: Mutex<BTreeMap<(&'static str, String), Histogram>>,
    pub alerts_active: AtomicI64,
    pub incidents_open: AtomicI64,
    pub outbox_pending: AtomicI64,
}

const HELP: &[(&str, &str, &str)] = &[
    ("watchfloor_events_received_total", "counter", "Events received, by ingest kind."),
    ("watchfloor_events_accepted_total", "counter", "Events committed, by ingest kind."),
    (
        "watchfloor_imported_events_handled_total",
        "counter",
        "Imported events the engine handled (watchfloor import marks them).",
    ),
    (
        "watchfloor_events_rejected_total",
        "counter",
        "Requests rejected, by ingest kind and reason.",
    ),
    ("watchfloor_incidents_opened_total", "counter", "Incidents opened."),
    ("watchfloor_notifications_queued_total", "counter", "Notifications written to the outbox."),
    ("watchfloor_notifications_sent_total", "counter", "Notifications delivered, by channel kind."),
    (
        "watchfloor_notifications_failed_total",
        "counter",
        "Failed delivery attempts, by channel kind.",
    ),
    (
        "watchfloor_notifications_dead_lettered_total",
        "counter",
        "Notifications given up on, by channel kind.",
    ),
    ("watchfloor_commits_total", "counter", "Store transactions committed by the engine loop."),
    ("watchfloor_rule_errors_total", "counter", "Rules skipped because they failed to evaluate."),
    ("watchfloor_rule_drops_total", "counter", "Events dropped by event rules."),
    (
        "watchfloor_sla_breaches_total",
        "counter",
        "SLA targets missed, by target (acknowledge, resolve) and tenant tier.",
    ),
    ("watchfloor_commit_failures_total", "counter", "Store transactions that failed."),
    (
        "watchfloor_ingest_latency_seconds",
        "histogram",
        "From request received to committed, by kind.",
    ),
    (
        "watchfloor_commit_seconds",
        "histogram",
        "How long the engine loop's transactions took to write and commit, failed ones included.",
    ),
    (
        "watchfloor_commit_batch_jobs",
        "histogram",
        "Requests committed together in one transaction.",
    ),
];

fn label_text(labels: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let value = value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
        let _ = write!(out, "{name}=\"{value}\"");
    }
    out
}

impl Metrics {
    pub fn add(&self, name: &'static str, labels: &[(&str, &str)], by: u64) {
        if let Ok(mut counters) = self.counters.lock() {
            *counters.entry((name, label_text(labels))).or_default() += by;
        }
    }

    pub fn inc(&self, name: &'static str, labels: &[(&str, &str)]) {
        self.add(name, labels, 1);
    }

    pub fn observe(&self, name: &'static str, labels: &[(&str, &str)], value: f64) {
        if let Ok(mut histograms) = self.histograms.lock() {
            let histogram = histograms.entry((name, label_text(labels))).or_default();
            for (bucket, bound) in histogram.buckets.iter_mut().zip(LATENCY_BUCKETS) {
                if value <= bound {
                    *bucket += 1;
                }
            }
            histogram.count += 1;
            histogram.sum += value;
        }
    }

    pub fn counter(&self, name: &'static str, labels: &[(&str, &str)]) -> u64 {
        self.counters
            .lock()
            .ok()
            .and_then(|c| c.get(&(name, label_text(labels))).copied())
            .unwrap_or(0)
    }

    /// The Prometheus text exposition format, version 0.0.4.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let counters = self.counters.lock().map(|c| c.clone()).unwrap_or_default();
        for (name, kind, help) in HELP {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            if *kind == "counter" {
                for ((metric, labels), value) in counters.range((*name, String::new())..) {
                    if metric != name {
                        break;
                    }
                    let _ = writeln!(out, "{}{} {value}", name, braces(labels));
                }
            } else if let Ok(histograms) = self.histograms.lock() {
                for ((metric, labels), h) in histograms.range((*name, String::new())..) {
                    if metric != name {
                        break;
                    }
                    for (count, bound) in h.buckets.iter().zip(LATENCY_BUCKETS) {
                        let le = if labels.is_empty() {
                            format!("le=\"{bound}\"")
                        } else {
                            format!("{labels},le=\"{bound}\"")
                        };
                        let _ = writeln!(out, "{name}_bucket{{{le}}} {count}");
                    }
                    let inf = if labels.is_empty() {
                        "le=\"+Inf\"".to_owned()
                    } else {
                        format!("{labels},le=\"+Inf\"")
                    };
                    let _ = writeln!(out, "{name}_bucket{{{inf}}} {}", h.count);
                    let _ = writeln!(out, "{name}_sum{} {}", braces(labels), h.sum);
                    let _ = writeln!(out, "{name}_count{} {}", braces(labels), h.count);
                }
            }
        }
        for (name, help, value) in [
            ("watchfloor_alerts_active", "Alerts firing or acknowledged.", &self.alerts_active),
            ("watchfloor_incidents_open", "Incidents not resolved.", &self.incidents_open),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        out
    }
}

fn braces(labels: &str) -> String {
    if labels.is_empty() { String::new() } else { format!("{{{labels}}}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let metrics = Metrics::default();
        metrics.inc("watchfloor_events_received_total", &[("kind", "pagerduty")]);
        metrics.add("watchfloor_events_received_total", &[("kind", "pagerduty")], 2);
        metrics.observe("watchfloor_ingest_latency_seconds", &[("kind", "generic")], 0.003);
        let text = metrics.render();
        assert!(text.contains("watchfloor_events_received_total{kind=\"pagerduty\"} 3"));
        assert!(
            text.contains(
                "watchfloor_ingest_latency_seconds_bucket{kind=\"generic\",le=\"0.005\"} 1"
            )
        );
        assert!(
            text.contains(
                "watchfloor_ingest_latency_seconds_bucket{kind=\"generic\",le=\"0.001\"} 0"
            )
        );
        assert!(text.contains("watchfloor_ingest_latency_seconds_count{kind=\"generic\"} 1"));
        assert!(text.contains("# TYPE watchfloor_alerts_active gauge"));
    }
}
