//! Synthetic alert payloads: deterministic label sets and request bodies in every ingest format.

use std::fmt::Write as _;

/// Deterministic 64-bit mixer (SplitMix64): the same index always gives the
/// same pseudo-random number, so runs are reproducible without an RNG crate.
pub fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A uniform number in `[0, 1)` drawn from `seed`.
pub fn unit_interval(seed: u64) -> f64 {
    (mix64(seed) >> 11) as f64 / (1u64 << 53) as f64
}

/// The shape of the alerts a workload sends.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertShape {
    /// Labels beyond the fixed `alertname`, `instance`, `job`, `series` and `severity`.
    pub extra_labels: usize,
    /// Distinct values each extra label takes across alerts.
    pub label_values: u64,
    /// Distinct `instance` values, and so (with `group_by: [alertname, instance]`) incident groups.
    pub groups: u64,
    /// Length of the `summary` annotation, roughly.
    pub summary_chars: usize,
}

impl Default for AlertShape {
    fn default() -> Self {
        Self { extra_labels: 4, label_values: 50, groups: 10, summary_chars: 48 }
    }
}

/// One alert of a workload: which series it is and whether it fires or resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertSpec {
    /// The alert's identity: the same `series` always has the same label set (fingerprint).
    pub series: u64,
    pub resolved: bool,
}

/// End-to-end probes: one alert per group, so each opens its own incident and pages at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeSpec {
    /// Distinguishes this run from earlier ones against the same server.
    pub run: u64,
    pub seq: u64,
}

/// Timestamps used in bodies, formatted once per run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    /// `startsAt` of every alert (a minute before the run started).
    pub starts_at: String,
    /// `endsAt` of resolved alerts (a second before the run started).
    pub ends_at: String,
}

impl Clock {
    pub fn at(now: jiff::Timestamp) -> Self {
        let starts = now - jiff::SignedDuration::from_secs(60);
        let ends = now - jiff::SignedDuration::from_secs(1);
        Self { starts_at: starts.to_string(), ends_at: ends.to_string() }
    }
}

fn push_label(out: &mut String, first: &mut bool, name: &str, value: std::fmt::Arguments<'_>) {
    if !*first {
        out.push(',');
    }
    *first = false;
    let _ = write!(out, "\"{name}\":\"{value}\"");
}

/// The label set of a series as a JSON object (names and values need no escaping).
pub fn write_labels(out: &mut String, shape: &AlertShape, series: u64) {
    out.push('{');
    let mut first = true;
    push_label(out, &mut first, "alertname", format_args!("BenchAlert"));
    push_label(
        out,
        &mut first,
        "instance",
        format_args!("host-{:05}", series % shape.groups.max(1)),
    );
    push_label(out, &mut first, "job", format_args!("bench"));
    push_label(out, &mut first, "series", format_args!("s{series:08}"));
    let severity = ["warning", "error", "critical", "info"][(mix64(series) % 4) as usize];
    push_label(out, &mut first, "severity", format_args!("{severity}"));
    for label in 0..shape.extra_labels {
        let value = mix64(series ^ ((label as u64 + 1) << 48)) % shape.label_values.max(1);
        push_label(out, &mut first, &format!("label_{label:02}"), format_args!("value-{value:04}"));
    }
    out.push('}');
}

fn write_summary(out: &mut String, shape: &AlertShape, series: u64) {
    let start = out.len();
    let _ = write!(
        out,
        "bench alert s{series:08} is firing on host-{:05}",
        series % shape.groups.max(1)
    );
    while out.len() - start < shape.summary_chars {
        out.push_str(" (synthetic)");
    }
}

/// One alert in the Alertmanager v2 API shape (`POST /api/v2/alerts`).
pub fn write_api_alert(out: &mut String, shape: &AlertShape, clock: &Clock, alert: AlertSpec) {
    out.push_str("{\"labels\":");
    write_labels(out, shape, alert.series);
    out.push_str(",\"annotations\":{\"summary\":\"");
    write_summary(out, shape, alert.series);
    let _ = write!(
        out,
        "\",\"runbook_url\":\"http://127.0.0.1/runbooks/bench\"}},\"startsAt\":\"{}\"",
        clock.starts_at
    );
    if alert.resolved {
        let _ = write!(out, ",\"endsAt\":\"{}\"", clock.ends_at);
    }
    out.push_str(",\"generatorURL\":\"http://127.0.0.1:9090/graph?g0.expr=bench\"}");
}

/// A `POST /api/v2/alerts` body: a JSON array of alerts.
pub fn alertmanager_api_batch(shape: &AlertShape, clock: &Clock, alerts: &[AlertSpec]) -> String {
    let mut out = String::with_capacity(alerts.len() * (400 + shape.extra_labels * 32));
    out.push('[');
    for (index, alert) in alerts.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_api_alert(&mut out, shape, clock, *alert);
    }
    out.push(']');
    out
}

/// A `POST /api/v2/alerts` body with one end-to-end probe alert: a group of its own.
pub fn probe_alert(clock: &Clock, probe: &ProbeSpec) -> String {
    let ProbeSpec { run, seq } = probe;
    format!(
        "[{{\"labels\":{{\"alertname\":\"BenchE2E\",\"instance\":\"e2e-{run}-{seq}\",\
         \"job\":\"bench\",\"bench_run\":\"{run}\",\"bench_seq\":\"{seq}\",\"severity\":\"critical\"}},\
         \"annotations\":{{\"summary\":\"{}\"}},\"startsAt\":\"{}\",\
         \"generatorURL\":\"http://127.0.0.1:9090/graph\"}}]",
        probe_summary(probe),
        clock.starts_at
    )
}

/// The summary of a probe alert; Watchfloor's webhook carries it as the incident title.
pub fn probe_summary(probe: &ProbeSpec) -> String {
    format!("bench-e2e {} {}", probe.run, probe.seq)
}

/// Reads a probe back from an incident title written by [`probe_summary`].
pub fn parse_probe_summary(title: &str) -> Option<ProbeSpec> {
    let mut words = title.strip_prefix("bench-e2e ")?.split(' ');
    let run = words.next()?.parse().ok()?;
    let seq = words.next()?.parse().ok()?;
    Some(ProbeSpec { run, seq })
}

/// An Alertmanager webhook (version 4) body carrying `alerts`, as Alertmanager sends it.
pub fn alertmanager_webhook(shape: &AlertShape, clock: &Clock, alerts: &[AlertSpec]) -> String {
    let mut out = String::with_capacity(alerts.len() * 500 + 600);
    let status = if alerts.iter().all(|a| a.resolved) { "resolved" } else { "firing" };
    let _ = write!(
        out,
        "{{\"version\":\"4\",\"groupKey\":\"{{}}:{{alertname=\\\"BenchAlert\\\"}}\",\
         \"truncatedAlerts\":0,\"status\":\"{status}\",\"receiver\":\"watchfloor\",\
         \"groupLabels\":{{\"alertname\":\"BenchAlert\"}},\
         \"commonLabels\":{{\"alertname\":\"BenchAlert\",\"job\":\"bench\"}},\
         \"commonAnnotations\":{{}},\"externalURL\":\"http://127.0.0.1:9093\",\"alerts\":["
    );
    for (index, alert) in alerts.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"status\":\"{}\",\"labels\":",
            if alert.resolved { "resolved" } else { "firing" }
        );
        write_labels(&mut out, shape, alert.series);
        out.push_str(",\"annotations\":{\"summary\":\"");
        write_summary(&mut out, shape, alert.series);
        let ends_at = if alert.resolved { clock.ends_at.as_str() } else { "0001-01-01T00:00:00Z" };
        let _ = write!(
            out,
            "\"}},\"startsAt\":\"{}\",\"endsAt\":\"{ends_at}\",\
             \"generatorURL\":\"http://127.0.0.1:9090/graph\",\"fingerprint\":\"{:016x}\"}}",
            clock.starts_at,
            mix64(alert.series)
        );
    }
    out.push_str("]}");
    out
}

/// A PagerDuty Events API v2 trigger for one series.
pub fn pagerduty_event(shape: &AlertShape, clock: &Clock, series: u64) -> String {
    let mut out = String::with_capacity(600);
    let _ = write!(
        out,
        "{{\"routing_key\":\"bench-pd-key-0001\",\"event_action\":\"trigger\",\
         \"dedup_key\":\"series-{series:08}\",\"payload\":{{\"summary\":\""
    );
    write_summary(&mut out, shape, series);
    let _ = write!(
        out,
        "\",\"source\":\"host-{:05}\",\"severity\":\"critical\",\"timestamp\":\"{}\",\
         \"component\":\"disk\",\"group\":\"bench\",\"class\":\"capacity\",\
         \"custom_details\":{{\"free_gb\":3,\"mount\":\"/var\",\"labels\":",
        series % shape.groups.max(1),
        clock.starts_at
    );
    write_labels(&mut out, shape, series);
    out.push_str(
        "}},\"links\":[{\"href\":\"http://127.0.0.1/dash\",\"text\":\"Dashboard\"}],\
         \"client\":\"bench\",\"client_url\":\"http://127.0.0.1/bench\"}",
    );
    out
}

/// A body in Watchfloor's native batch format (`POST /hooks/generic/{key}`).
pub fn generic_batch(shape: &AlertShape, clock: &Clock, alerts: &[AlertSpec]) -> String {
    let mut out = String::with_capacity(alerts.len() * 500 + 16);
    out.push_str("{\"events\":[");
    for (index, alert) in alerts.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        let action = if alert.resolved { "resolve" } else { "trigger" };
        let _ = write!(
            out,
            "{{\"action\":\"{action}\",\"dedup_key\":\"series-{:08}\",\"summary\":\"",
            alert.series
        );
        write_summary(&mut out, shape, alert.series);
        let _ = write!(
            out,
            "\",\"severity\":\"error\",\"source\":\"host-{:05}\",\"timestamp\":\"{}\",\"labels\":",
            alert.series % shape.groups.max(1),
            clock.starts_at
        );
        write_labels(&mut out, shape, alert.series);
        out.push_str(
            ",\"annotations\":{\"runbook\":\"http://127.0.0.1/runbooks/bench\"},\
             \"details\":{\"rate\":0.04},\"links\":[{\"href\":\"http://127.0.0.1/d\",\"text\":\"Dashboard\"}]}",
        );
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Clock::at("2026-11-21T10:00:00Z".parse().expect("valid timestamp"))
    }

    #[test]
    fn bodies_are_valid_json() {
        let shape = AlertShape::default();
        let alerts: Vec<AlertSpec> =
            (0..5).map(|series| AlertSpec { series, resolved: series % 2 == 0 }).collect();
        let bodies = [
            alertmanager_api_batch(&shape, &clock(), &alerts),
            alertmanager_webhook(&shape, &clock(), &alerts),
            pagerduty_event(&shape, &clock(), 7),
            generic_batch(&shape, &clock(), &alerts),
            probe_alert(&clock(), &ProbeSpec { run: 3, seq: 9 }),
        ];
        for body in bodies {
            serde_json::from_str::<serde_json::Value>(&body).expect(&body);
        }
    }

    #[test]
    fn a_series_always_has_the_same_labels() {
        let shape = AlertShape::default();
        let (mut a, mut b) = (String::new(), String::new());
        write_labels(&mut a, &shape, 42);
        write_labels(&mut b, &shape, 42);
        assert_eq!(a, b);
        b.clear();
        write_labels(&mut b, &shape, 43);
        assert_ne!(a, b);
    }

    #[test]
    fn probe_summary_round_trips() {
        let probe = ProbeSpec { run: 17, seq: 4 };
        assert_eq!(parse_probe_summary(&probe_summary(&probe)), Some(probe));
        assert_eq!(parse_probe_summary("something else"), None);
    }
}
