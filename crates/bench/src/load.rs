//! The load generator: posts Alertmanager v2 batches at a rate or flat out, times every request, and probes end to end.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use tokio::sync::Semaphore;

use crate::payload::{self, AlertShape, AlertSpec, Clock, ProbeSpec};
use crate::procfs;
use crate::receiver::{Inbox, Receiver};
use crate::report::{LoadReport, Percentiles, latency_histogram};

/// Longest run the generator agrees to: every loop here is bounded in time.
pub const MAX_DURATION: Duration = Duration::from_secs(3600);
/// Error messages kept for the report.
const MAX_ERROR_SAMPLES: usize = 5;

/// How alerts are picked from the `distinct` series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Pattern {
    /// Uniformly at random (with repeats): re-sends, as Prometheus does every evaluation.
    Random,
    /// Each series in turn from `offset`: every alert new until `distinct` wrap around.
    Sequential,
}

/// One run of the load generator.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// Base URL of the server, e.g. `http://127.0.0.1:9093`. Loopback only.
    pub url: String,
    /// Bearer token (Watchfloor's integration key; Alertmanager ignores it).
    pub token: Option<String>,
    /// Alerts per second; `None` is flat out.
    pub rate: Option<f64>,
    pub duration: Duration,
    /// Stop after this many alerts, whichever of the two limits comes first.
    pub max_alerts: Option<u64>,
    pub batch_size: usize,
    /// Distinct alerts (fingerprints) the workload draws from.
    pub distinct: u64,
    /// First series number, so successive runs can add new alerts.
    pub offset: u64,
    pub pattern: Pattern,
    /// Share of alerts sent as resolved (`endsAt` in the past).
    pub resolve_ratio: f64,
    pub shape: AlertShape,
    /// Requests in flight at once (flat out: workers; at a rate: the most outstanding).
    pub concurrency: usize,
    pub request_timeout: Duration,
    /// End-to-end probes per second, sent alongside the load (0: none).
    pub probe_rate: f64,
    /// How long to wait after the load for the last probes' notifications.
    pub probe_wait: Duration,
    /// Where the webhook receiver listens; the server under test must notify it.
    pub receiver: Option<SocketAddr>,
    /// The server process, for CPU seconds and peak RSS.
    pub server_pid: Option<u32>,
    /// A database postmaster whose whole process tree's CPU is counted too.
    pub db_pid: Option<u32>,
    pub seed: u64,
    /// Labels for the report.
    pub system: String,
    pub workload: String,
}

/// Refuses anything but a loopback address: load is only ever sent to this machine.
pub fn check_loopback(url: &str) -> anyhow::Result<reqwest::Url> {
    let parsed = reqwest::Url::parse(url).map_err(|e| anyhow::anyhow!("bad URL {url:?}: {e}"))?;
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    anyhow::ensure!(loopback, "{url} is not a loopback address: load goes to 127.0.0.1 only");
    anyhow::ensure!(parsed.scheme() == "http", "{url}: only plain http on loopback is supported");
    Ok(parsed)
}

/// Which alerts request number `request` carries.
fn batch_alerts(spec: &LoadSpec, request: u64, total_alerts: u64) -> Vec<AlertSpec> {
    let batch = spec.batch_size as u64;
    let first = request * batch;
    let last = (first + batch).min(total_alerts);
    (first..last)
        .map(|n| {
            let pick = match spec.pattern {
                Pattern::Sequential => n % spec.distinct.max(1),
                Pattern::Random => payload::mix64(spec.seed ^ n) % spec.distinct.max(1),
            };
            let resolved = payload::unit_interval(spec.seed.rotate_left(17) ^ n.wrapping_mul(31))
                < spec.resolve_ratio;
            AlertSpec { series: spec.offset + pick, resolved }
        })
        .collect()
}

/// Counters shared by the request tasks.
struct Tally {
    accepted: AtomicU64,
    sent: AtomicU64,
    requests: AtomicU64,
    errors: AtomicU64,
    error_samples: Mutex<Vec<String>>,
    latency_us: Mutex<Histogram<u64>>,
}

impl Tally {
    fn new() -> Self {
        Self {
            accepted: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            error_samples: Mutex::new(Vec::new()),
            latency_us: Mutex::new(latency_histogram()),
        }
    }

    fn error(&self, message: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut samples) = self.error_samples.lock()
            && samples.len() < MAX_ERROR_SAMPLES
        {
            samples.push(message);
        }
    }
}

/// Everything a request task needs.
struct Poster {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    token: Option<String>,
}

impl Poster {
    /// Posts one body; `Ok` only for a 2xx.
    async fn post(&self, body: String) -> Result<(), String> {
        let mut request = self
            .client
            .post(self.endpoint.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| format!("request failed: {e}"))?;
        let status = response.status();
        // Read the body so the connection can be reused.
        let text = response.text().await.unwrap_or_default();
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {status}: {}", text.chars().take(300).collect::<String>()))
        }
    }
}

fn micros_since(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX).max(1)
}

/// Runs the load and returns what it measured.
pub async fn run(spec: LoadSpec) -> anyhow::Result<LoadReport> {
    anyhow::ensure!(spec.batch_size >= 1, "batch size must be at least 1");
    anyhow::ensure!(spec.concurrency >= 1, "concurrency must be at least 1");
    anyhow::ensure!(spec.duration <= MAX_DURATION, "duration is capped at {MAX_DURATION:?}");
    anyhow::ensure!((0.0..=1.0).contains(&spec.resolve_ratio), "resolve ratio is in [0, 1]");
    let base = check_loopback(&spec.url)?;
    let endpoint = base.join("/api/v2/alerts")?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(spec.concurrency.max(8))
        .timeout(spec.request_timeout)
        .tcp_nodelay(true)
        .no_proxy()
        .build()?;
    let poster = Arc::new(Poster { client, endpoint, token: spec.token.clone() });

    let run_id = u64::try_from(jiff::Timestamp::now().as_millisecond()).unwrap_or(0);
    let inbox = Inbox::new(run_id);
    let receiver = match spec.receiver {
        Some(address) => Some(Receiver::start(address, inbox.clone()).await?),
        None => None,
    };
    anyhow::ensure!(
        spec.probe_rate <= 0.0 || receiver.is_some(),
        "end-to-end probes need --receiver"
    );

    let clock = Arc::new(Clock::at(jiff::Timestamp::now()));
    let batch = spec.batch_size as u64;
    let total_alerts = match (spec.max_alerts, spec.rate) {
        (Some(max), _) => max,
        // At a rate, the duration bounds the count anyway.
        (None, Some(rate)) => (rate * spec.duration.as_secs_f64()).ceil() as u64 + batch,
        (None, None) => u64::MAX / 2,
    };
    let total_requests = total_alerts.div_ceil(batch);
    let tally = Arc::new(Tally::new());
    let spec = Arc::new(spec);

    let ticks_per_second = procfs::clock_ticks_per_second();
    let server_cpu_before = spec.server_pid.and_then(procfs::own_cpu_ticks);
    let db_cpu_before = spec.db_pid.and_then(procfs::tree_cpu_ticks);
    let client_cpu_before = procfs::own_cpu_ticks(std::process::id());
    let machine_before = procfs::machine_busy_ticks();
    let written_before = spec.server_pid.and_then(procfs::storage_write_bytes);
    let notifications_before = inbox.notifications.load(Ordering::Relaxed);

    let start = Instant::now();
    let deadline = start + spec.duration;

    let probes = (spec.probe_rate > 0.0).then(|| {
        tokio::spawn(send_probes(
            spec.clone(),
            poster.clone(),
            inbox.clone(),
            clock.clone(),
            start,
            deadline,
        ))
    });

    match spec.rate {
        None => {
            let next_request = Arc::new(AtomicU64::new(0));
            let mut workers = Vec::with_capacity(spec.concurrency);
            for _ in 0..spec.concurrency {
                let (spec, poster, tally, clock, next_request) = (
                    spec.clone(),
                    poster.clone(),
                    tally.clone(),
                    clock.clone(),
                    next_request.clone(),
                );
                workers.push(tokio::spawn(async move {
                    let mut local = latency_histogram();
                    loop {
                        let request = next_request.fetch_add(1, Ordering::Relaxed);
                        if request >= total_requests || Instant::now() >= deadline {
                            break;
                        }
                        let alerts = batch_alerts(&spec, request, total_alerts);
                        let count = alerts.len() as u64;
                        let body = payload::alertmanager_api_batch(&spec.shape, &clock, &alerts);
                        let began = Instant::now();
                        let result = poster.post(body).await;
                        let _ = local.record(micros_since(began));
                        settle(&tally, count, result);
                    }
                    if let Ok(mut shared) = tally.latency_us.lock() {
                        let _ = shared.add(&local);
                    }
                }));
            }
            for worker in workers {
                worker.await?;
            }
        }
        Some(rate) => {
            anyhow::ensure!(rate > 0.0, "the rate must be positive");
            let interval = Duration::from_secs_f64(batch as f64 / rate);
            let in_flight = Arc::new(Semaphore::new(spec.concurrency));
            let mut tasks = tokio::task::JoinSet::new();
            for request in 0..total_requests {
                let due = start + interval.mul_f64(request as f64);
                if due >= deadline {
                    break;
                }
                tokio::time::sleep_until(due.into()).await;
                let permit = in_flight.clone().acquire_owned().await?;
                let (spec, poster, tally, clock) =
                    (spec.clone(), poster.clone(), tally.clone(), clock.clone());
                tasks.spawn(async move {
                    let alerts = batch_alerts(&spec, request, total_alerts);
                    let count = alerts.len() as u64;
                    let body = payload::alertmanager_api_batch(&spec.shape, &clock, &alerts);
                    let result = poster.post(body).await;
                    // From when the request was due: waiting for a free slot counts.
                    let micros = micros_since(due);
                    if let Ok(mut histogram) = tally.latency_us.lock() {
                        let _ = histogram.record(micros);
                    }
                    settle(&tally, count, result);
                    drop(permit);
                });
                while tasks.try_join_next().is_some() {}
            }
            while tasks.join_next().await.is_some() {}
        }
    }
    let elapsed = start.elapsed();
    // The probes run to the same deadline; their sending belongs to the measured window.
    let probes_sent = match probes {
        Some(probes) => probes.await?,
        None => 0,
    };
    let window = start.elapsed();
    let server_cpu_after = spec.server_pid.and_then(procfs::own_cpu_ticks);
    let db_cpu_after = spec.db_pid.and_then(procfs::tree_cpu_ticks);
    let client_cpu_after = procfs::own_cpu_ticks(std::process::id());
    let machine_after = procfs::machine_busy_ticks();
    let written_after = spec.server_pid.and_then(procfs::storage_write_bytes);

    if probes_sent > 0 {
        let wait_until = Instant::now() + spec.probe_wait;
        while inbox.probes_outstanding() > 0 && Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let notifications = inbox.notifications.load(Ordering::Relaxed) - notifications_before;
    if let Some(receiver) = receiver {
        receiver.stop().await;
    }
    let active_alerts = active_alerts(&poster.client, &base).await;

    let cpu = |before: Option<u64>, after: Option<u64>| {
        before.zip(after).map(|(b, a)| a.saturating_sub(b) as f64 / ticks_per_second)
    };
    let (server_cpu, db_cpu, client_cpu, machine_cpu) = (
        cpu(server_cpu_before, server_cpu_after),
        cpu(db_cpu_before, db_cpu_after),
        cpu(client_cpu_before, client_cpu_after),
        cpu(machine_before, machine_after),
    );
    let other_cpu_cores = machine_cpu.map(|machine| {
        let ours = server_cpu.unwrap_or(0.0) + db_cpu.unwrap_or(0.0) + client_cpu.unwrap_or(0.0);
        (machine - ours).max(0.0) / window.as_secs_f64().max(1e-9)
    });
    let accepted = tally.accepted.load(Ordering::Relaxed);
    let latency = tally.latency_us.lock().map(|h| Percentiles::of(&h)).unwrap_or_default();
    let error_samples = tally.error_samples.lock().map(|s| s.clone()).unwrap_or_default();
    Ok(LoadReport {
        system: spec.system.clone(),
        workload: spec.workload.clone(),
        target_rate: spec.rate,
        batch_size: spec.batch_size,
        concurrency: spec.concurrency,
        distinct_alerts: spec.distinct,
        requests: tally.requests.load(Ordering::Relaxed),
        alerts_sent: tally.sent.load(Ordering::Relaxed),
        alerts_accepted: accepted,
        errors: tally.errors.load(Ordering::Relaxed),
        error_samples,
        elapsed_secs: if tally.requests.load(Ordering::Relaxed) > 0 {
            elapsed.as_secs_f64()
        } else {
            window.as_secs_f64()
        },
        accepted_per_sec: accepted as f64 / elapsed.as_secs_f64().max(1e-9),
        latency,
        notifications,
        e2e: (probes_sent > 0).then(|| Percentiles::of(&inbox.probe_latencies())),
        e2e_probes_sent: probes_sent,
        e2e_missing: inbox.probes_outstanding() as u64,
        server_cpu_secs: server_cpu,
        db_cpu_secs: db_cpu,
        server_peak_rss_bytes: spec.server_pid.and_then(procfs::peak_rss_bytes),
        server_rss_bytes: spec.server_pid.and_then(procfs::rss_bytes),
        client_cpu_secs: client_cpu,
        active_alerts,
        other_cpu_cores,
        server_write_bytes: written_before.zip(written_after).map(|(b, a)| a.saturating_sub(b)),
    })
}

fn settle(tally: &Tally, count: u64, result: Result<(), String>) {
    tally.requests.fetch_add(1, Ordering::Relaxed);
    tally.sent.fetch_add(count, Ordering::Relaxed);
    match result {
        Ok(()) => {
            tally.accepted.fetch_add(count, Ordering::Relaxed);
        }
        Err(message) => tally.error(message),
    }
}

/// Posts one probe alert every `1 / probe_rate` seconds until the deadline; returns how many.
async fn send_probes(
    spec: Arc<LoadSpec>,
    poster: Arc<Poster>,
    inbox: Arc<Inbox>,
    clock: Arc<Clock>,
    start: Instant,
    deadline: Instant,
) -> u64 {
    let interval = Duration::from_secs_f64(1.0 / spec.probe_rate);
    let mut tasks = tokio::task::JoinSet::new();
    let mut sent = 0;
    for seq in 0.. {
        let due = start + interval.mul_f64(seq as f64);
        if due >= deadline {
            break;
        }
        tokio::time::sleep_until(due.into()).await;
        let (poster, inbox) = (poster.clone(), inbox.clone());
        let body = payload::probe_alert(&clock, &ProbeSpec { run: inbox.run(), seq });
        sent += 1;
        tasks.spawn(async move {
            inbox.probe_sent(seq, Instant::now());
            if let Err(message) = poster.post(body).await {
                eprintln!("probe {seq} failed: {message}");
                inbox.probe_failed(seq);
            }
        });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
    sent
}

/// Active alerts as the server reports them on `/metrics` (Watchfloor's
/// `watchfloor_alerts_active`, Alertmanager's `alertmanager_alerts{state="active"}`).
async fn active_alerts(client: &reqwest::Client, base: &reqwest::Url) -> Option<u64> {
    let url = base.join("/metrics").ok()?;
    let text = client.get(url).send().await.ok()?.text().await.ok()?;
    text.lines().find_map(|line| {
        let value = line
            .strip_prefix("watchfloor_alerts_active ")
            .or_else(|| line.strip_prefix("alertmanager_alerts{state=\"active\"} "))?;
        value.trim().parse::<f64>().ok().map(|v| v as u64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(pattern: Pattern) -> LoadSpec {
        LoadSpec {
            url: "http://127.0.0.1:1".into(),
            token: None,
            rate: None,
            duration: Duration::from_secs(1),
            max_alerts: None,
            batch_size: 10,
            distinct: 100,
            offset: 1000,
            pattern,
            resolve_ratio: 0.5,
            shape: AlertShape::default(),
            concurrency: 1,
            request_timeout: Duration::from_secs(1),
            probe_rate: 0.0,
            probe_wait: Duration::ZERO,
            receiver: None,
            server_pid: None,
            db_pid: None,
            seed: 7,
            system: "s".into(),
            workload: "w".into(),
        }
    }

    #[test]
    fn only_loopback_is_a_target() {
        assert!(check_loopback("http://127.0.0.1:9093").is_ok());
        assert!(check_loopback("http://localhost:9093").is_ok());
        assert!(check_loopback("http://[::1]:9093").is_ok());
        assert!(check_loopback("http://10.0.0.1:9093").is_err());
        assert!(check_loopback("http://example.com").is_err());
    }

    #[test]
    fn sequential_batches_cover_the_range_once() {
        let spec = spec(Pattern::Sequential);
        let series: Vec<u64> =
            (0..10).flat_map(|r| batch_alerts(&spec, r, 100)).map(|a| a.series).collect();
        assert_eq!(series, (1000..1100).collect::<Vec<_>>());
        assert_eq!(batch_alerts(&spec, 9, 95).len(), 5);
    }

    #[test]
    fn random_batches_stay_in_range_and_mix_resolves() {
        let spec = spec(Pattern::Random);
        let alerts: Vec<AlertSpec> = (0..100).flat_map(|r| batch_alerts(&spec, r, 1000)).collect();
        assert!(alerts.iter().all(|a| (1000..1100).contains(&a.series)));
        let resolved = alerts.iter().filter(|a| a.resolved).count();
        assert!((350..650).contains(&resolved), "{resolved} of 1000 resolved");
    }
}
