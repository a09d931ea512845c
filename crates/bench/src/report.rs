//! Results of one load run (a JSON line per run) and the markdown table that compares systems.

use std::fmt::Write as _;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Latencies in microseconds, 1 µs to 10 minutes, 3 significant digits.
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

/// Percentiles of a latency histogram, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub count: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Percentiles {
    pub fn of(histogram: &Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        if histogram.is_empty() {
            return Self::default();
        }
        Self {
            count: histogram.len(),
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p90_ms: ms(histogram.value_at_quantile(0.90)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            max_ms: ms(histogram.max()),
        }
    }
}

/// What one run of `watchfloor-bench load` measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Which system was measured (`alertmanager`, `watchfloor-sqlite`, …).
    pub system: String,
    /// Which workload (`steady`, `flat-b10`, `growth-100000`, …).
    pub workload: String,
    /// Target rate in alerts per second; `None` when flat out.
    pub target_rate: Option<f64>,
    pub batch_size: usize,
    pub concurrency: usize,
    pub distinct_alerts: u64,
    pub requests: u64,
    pub alerts_sent: u64,
    pub alerts_accepted: u64,
    /// Requests answered with something other than 2xx, or not answered.
    pub errors: u64,
    /// A few error messages, for the log.
    pub error_samples: Vec<String>,
    pub elapsed_secs: f64,
    pub accepted_per_sec: f64,
    /// Per-request latency, from when the request was due to its response.
    pub latency: Percentiles,
    /// Notifications the webhook receiver got during the run.
    pub notifications: u64,
    /// End-to-end probes: post to arrival of the notification.
    pub e2e: Option<Percentiles>,
    pub e2e_probes_sent: u64,
    pub e2e_missing: u64,
    /// Server process CPU seconds during the run (utime + stime).
    pub server_cpu_secs: Option<f64>,
    /// Database cluster CPU seconds during the run (PostgreSQL postmaster and its children).
    pub db_cpu_secs: Option<f64>,
    /// Server process peak RSS (VmHWM) at the end of the run.
    pub server_peak_rss_bytes: Option<u64>,
    /// Server process RSS (VmRSS) at the end of the run.
    pub server_rss_bytes: Option<u64>,
    /// The load generator's own CPU seconds, to see whether it was the bottleneck.
    pub client_cpu_secs: Option<f64>,
    /// Active alerts on the server after the run, when the workload tracks them.
    pub active_alerts: Option<u64>,
    /// CPU used by every other process on the machine during the run, in
    /// cores (busy ticks less server, database and client): noise from a shared machine.
    #[serde(default)]
    pub other_cpu_cores: Option<f64>,
    /// Bytes the server process sent to storage during the run (`/proc/PID/io` `write_bytes`).
    #[serde(default)]
    pub server_write_bytes: Option<u64>,
}

impl LoadReport {
    /// Server (plus database) CPU seconds per 100,000 accepted alerts.
    pub fn cpu_per_100k(&self) -> Option<f64> {
        let cpu = self.server_cpu_secs? + self.db_cpu_secs.unwrap_or(0.0);
        (self.alerts_accepted > 0).then(|| cpu * 100_000.0 / self.alerts_accepted as f64)
    }

    /// Storage bytes the server wrote per accepted alert, in KiB.
    pub fn written_kib_per_alert(&self) -> Option<f64> {
        let bytes = self.server_write_bytes?;
        (self.alerts_accepted > 0).then(|| bytes as f64 / 1024.0 / self.alerts_accepted as f64)
    }

    /// A human summary for the terminal.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} / {}: {} alerts in {} requests over {:.1}s: {:.0} accepted alerts/s, {} errors",
            self.system,
            self.workload,
            self.alerts_sent,
            self.requests,
            self.elapsed_secs,
            self.accepted_per_sec,
            self.errors
        );
        let l = &self.latency;
        let _ = writeln!(
            out,
            "  latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
            l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms
        );
        if let Some(e2e) = &self.e2e {
            let _ = writeln!(
                out,
                "  end-to-end ms ({} of {} probes, {} missing): p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
                e2e.count,
                self.e2e_probes_sent,
                self.e2e_missing,
                e2e.p50_ms,
                e2e.p90_ms,
                e2e.p99_ms,
                e2e.max_ms
            );
        }
        if let Some(cpu) = self.server_cpu_secs {
            let _ = writeln!(
                out,
                "  server cpu {cpu:.2}s{}  peak rss {}  client cpu {}  other processes {} cores",
                self.db_cpu_secs.map(|db| format!(" + db {db:.2}s")).unwrap_or_default(),
                mib(self.server_peak_rss_bytes),
                self.client_cpu_secs.map(|c| format!("{c:.2}s")).unwrap_or_default(),
                num(self.other_cpu_cores, 2)
            );
        }
        for sample in &self.error_samples {
            let _ = writeln!(out, "  error: {sample}");
        }
        out
    }

    /// Something is broken (not merely slow): errors, probes never notified, or nothing sent.
    pub fn is_broken(&self) -> bool {
        self.errors > 0
            || self.e2e_missing > 0
            || (self.requests == 0 && self.e2e_probes_sent == 0)
            || (self.e2e_probes_sent > 0 && self.e2e.as_ref().is_none_or(|e| e.count == 0))
    }
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "–".to_owned(), |b| format!("{:.0} MiB", b as f64 / 1_048_576.0))
}

fn num(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.decimals$}"))
}

fn thousands(value: f64) -> String {
    let whole = value.round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The comparison table, one row per run, in the order given.
pub fn markdown_table(reports: &[LoadReport]) -> String {
    let mut out = String::new();
    out.push_str(
        "| workload | system | alerts | accepted/s | p50 ms | p90 ms | p99 ms | max ms | errors \
         | peak RSS MiB | CPU s/100k | written KiB/alert | client CPU % | other CPU % | E2E p50 ms | E2E p99 ms | E2E n (missing) |\n",
    );
    out.push_str("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for r in reports {
        let cpu = match (r.cpu_per_100k(), r.db_cpu_secs) {
            (Some(total), Some(db)) => {
                let db_share = db * 100_000.0 / r.alerts_accepted.max(1) as f64;
                format!("{total:.2} ({:.2}+{db_share:.2} db)", total - db_share)
            }
            (total, _) => num(total, 2),
        };
        let client =
            r.client_cpu_secs.filter(|_| r.elapsed_secs > 0.0).map(|c| c * 100.0 / r.elapsed_secs);
        let (e2e50, e2e99, e2en) = match &r.e2e {
            Some(e) => (
                format!("{:.1}", e.p50_ms),
                format!("{:.1}", e.p99_ms),
                format!("{} ({})", e.count, r.e2e_missing),
            ),
            None => ("–".into(), "–".into(), "–".into()),
        };
        let rss = r.server_peak_rss_bytes.map(|b| b as f64 / 1_048_576.0);
        let l = &r.latency;
        let latency = if l.count == 0 {
            ["–".to_owned(), "–".to_owned(), "–".to_owned(), "–".to_owned()]
        } else {
            [
                format!("{:.2}", l.p50_ms),
                format!("{:.2}", l.p90_ms),
                format!("{:.2}", l.p99_ms),
                format!("{:.1}", l.max_ms),
            ]
        };
        let [p50, p90, p99, max] = latency;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {p50} | {p90} | {p99} | {max} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.workload,
            r.system,
            thousands(r.alerts_sent as f64),
            thousands(r.accepted_per_sec),
            r.errors,
            num(rss, 0),
            cpu,
            num(r.written_kib_per_alert(), 1),
            num(client, 0),
            num(r.other_cpu_cores.map(|c| c * 100.0), 0),
            e2e50,
            e2e99,
            e2en,
        );
    }
    out
}

fn find<'a>(reports: &'a [LoadReport], system: &str, workload: &str) -> Option<&'a LoadReport> {
    reports.iter().find(|r| r.system == system && r.workload == workload)
}

/// The targets of the benchmark issue, each as held / missed / not measured.
/// Informational only: timings are never asserted.
pub fn targets(reports: &[LoadReport]) -> String {
    let mut out = String::new();
    let mut verdict = |ok: Option<bool>, text: String| {
        let mark = match ok {
            Some(true) => "held",
            Some(false) => "MISSED",
            None => "not measured",
        };
        let _ = writeln!(out, "- [{mark}] {text}");
    };
    let mut flat: Vec<&str> = Vec::new();
    for report in reports.iter().filter(|r| r.workload.starts_with("flat-")) {
        if !flat.contains(&report.workload.as_str()) {
            flat.push(&report.workload);
        }
    }
    let measured = |system: &str| reports.iter().any(|r| r.system == system);
    for (system, factor) in [("watchfloor-sqlite", 3.0), ("watchfloor-postgres", 1.5)] {
        if !measured(system) {
            continue;
        }
        for workload in &flat {
            let ours = find(reports, system, workload);
            let theirs = find(reports, "alertmanager", workload);
            let ratio =
                ours.zip(theirs).map(|(o, t)| o.accepted_per_sec / t.accepted_per_sec.max(1e-9));
            verdict(
                ratio.map(|r| r >= factor),
                format!(
                    "{system} {workload}: ≥{factor}× Alertmanager's throughput (ratio {})",
                    num(ratio, 2)
                ),
            );
        }
    }
    for system in ["watchfloor-sqlite", "watchfloor-postgres"] {
        if let Some(r) = find(reports, system, "steady") {
            verdict(
                Some(r.latency.p99_ms < 10.0),
                format!("{system} steady: request p99 < 10 ms (p99 {:.2} ms)", r.latency.p99_ms),
            );
            let e2e = r.e2e.as_ref().map(|e| e.p99_ms);
            verdict(
                e2e.map(|p| p < 50.0),
                format!("{system} steady: end-to-end p99 < 50 ms (p99 {} ms)", num(e2e, 1)),
            );
        }
        let growth: Vec<&LoadReport> = reports
            .iter()
            .filter(|r| r.system == system && r.workload.starts_with("growth-"))
            .collect();
        if let (Some(first), Some(last)) = (growth.first(), growth.last())
            && growth.len() > 1
        {
            let ratio = last.cpu_per_100k().zip(first.cpu_per_100k()).map(|(l, f)| l / f.max(1e-9));
            verdict(
                ratio.map(|r| r <= 1.5),
                format!(
                    "{system}: CPU per alert at {} within 1.5× of {} (ratio {})",
                    last.workload,
                    first.workload,
                    num(ratio, 2)
                ),
            );
            let rss = last.server_peak_rss_bytes.map(|b| b as f64 / 1_073_741_824.0);
            verdict(
                rss.map(|g| g < 1.0),
                format!(
                    "{system}: peak RSS at {} below 1 GiB ({} GiB, {} active alerts)",
                    last.workload,
                    num(rss, 2),
                    last.active_alerts.map_or_else(|| "?".to_owned(), |a| a.to_string())
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_one_row_per_report() {
        let report = LoadReport {
            system: "alertmanager".into(),
            workload: "flat-b10".into(),
            alerts_sent: 1_234_567,
            alerts_accepted: 1_234_567,
            accepted_per_sec: 20_000.0,
            server_cpu_secs: Some(3.0),
            ..LoadReport::default()
        };
        let table = markdown_table(&[report.clone(), report]);
        assert_eq!(table.lines().count(), 4);
        assert!(table.contains("1,234,567"));
    }

    #[test]
    fn percentiles_are_in_milliseconds() {
        let mut histogram = latency_histogram();
        for us in 1..=1000 {
            histogram.record(us).expect("in range");
        }
        let p = Percentiles::of(&histogram);
        assert_eq!(p.count, 1000);
        assert!((p.max_ms - 1.0).abs() < 0.01);
        assert!((p.p50_ms - 0.5).abs() < 0.01);
    }
}
