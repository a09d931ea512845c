//! `watchfloor-bench`: the load generator's command line (`load`, `table`, `settle`, `disk`).

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use watchfloor_bench::disk::{self, DiskSpec};
use watchfloor_bench::load::{self, LoadSpec, Pattern};
use watchfloor_bench::payload::AlertShape;
use watchfloor_bench::report::{self, LoadReport};
use watchfloor_bench::settle::{self, SettleSpec, Settled};

/// Load generator and report tool for Watchfloor's benchmarks. Sends only to loopback addresses.
#[derive(Debug, Parser)]
#[command(name = "watchfloor-bench", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Post Alertmanager v2 batches (`POST /api/v2/alerts`) and report throughput and latency.
    Load(Box<LoadArgs>),
    /// Print the markdown comparison table of the JSON lines that `load --json-out` wrote.
    Table(TableArgs),
    /// Wait until a server (and its database's processes) use under a share
    /// of a core for a few seconds in a row, or a limit passes.
    Settle(SettleArgs),
    /// Time writes and `fdatasync`s on the disk alone, as commits make them,
    /// and print what it did as a markdown paragraph.
    Disk(DiskArgs),
}

#[derive(Debug, clap::Args)]
struct DiskArgs {
    /// Directory to write in: the one the databases use.
    #[arg(long)]
    dir: PathBuf,
    /// KiB per write (about what one commit adds to the WAL under the steady load).
    #[arg(long, default_value_t = 128)]
    write_kib: usize,
    /// Writes (each followed by `fdatasync`) per second.
    #[arg(long, default_value_t = 500.0)]
    rate: f64,
    /// Seconds to write for (at most 600).
    #[arg(long, default_value_t = 20.0)]
    duration: f64,
    /// Append the markdown paragraph to this file too.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct SettleArgs {
    /// Server process id.
    #[arg(long)]
    server_pid: u32,
    /// Database postmaster process id: its processes count too.
    #[arg(long)]
    db_pid: Option<u32>,
    /// Seconds to wait at most; then the wait ends anyway (and says so).
    #[arg(long, default_value_t = 120)]
    max_secs: u64,
    /// Quiet means under this share of one core.
    #[arg(long, default_value_t = 0.05)]
    busy_share: f64,
    /// Quiet seconds in a row needed.
    #[arg(long, default_value_t = 2)]
    quiet_secs: u32,
}

#[derive(Debug, clap::Args)]
struct LoadArgs {
    /// Base URL of the server under test (loopback only).
    #[arg(long)]
    url: String,
    /// Bearer token: a Watchfloor integration key of kind alertmanager.
    #[arg(long, env = "WATCHFLOOR_BENCH_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Alerts per second; 0 sends flat out.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Seconds to send for (at most 3600).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Stop after this many alerts, if that comes before the duration.
    #[arg(long)]
    max_alerts: Option<u64>,
    /// Alerts per request.
    #[arg(long, default_value_t = 10)]
    batch_size: usize,
    /// Distinct alerts (label sets, fingerprints) to draw from.
    #[arg(long, default_value_t = 50_000)]
    distinct: u64,
    /// First series number (to add new alerts after an earlier run).
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// How alerts are drawn from the distinct set.
    #[arg(long, value_enum, default_value_t = Pattern::Random)]
    pattern: Pattern,
    /// Share of alerts sent resolved (endsAt in the past), 0 to 1.
    #[arg(long, default_value_t = 0.1)]
    resolve_ratio: f64,
    /// Labels per alert beyond alertname, instance, job, series and severity.
    #[arg(long, default_value_t = 4)]
    extra_labels: usize,
    /// Distinct values of each extra label.
    #[arg(long, default_value_t = 50)]
    label_values: u64,
    /// Distinct instance values: incident groups under group_by [alertname, instance].
    #[arg(long, default_value_t = 10)]
    groups: u64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30.0)]
    request_timeout: f64,
    /// End-to-end probes per second, each an alert with a group of its own (needs --receiver).
    #[arg(long, default_value_t = 0.0)]
    probe_rate: f64,
    /// Seconds to wait after the load for outstanding probe notifications.
    #[arg(long, default_value_t = 10.0)]
    probe_wait: f64,
    /// Run the webhook receiver here (loopback); point the server's webhook at it.
    #[arg(long)]
    receiver: Option<SocketAddr>,
    /// Server process id: CPU seconds and peak RSS are read from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Database postmaster process id: its process tree's CPU seconds are counted too.
    #[arg(long)]
    db_pid: Option<u32>,
    /// Seed of the alert picks.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Name of the system under test, for the report.
    #[arg(long, default_value = "server")]
    system: String,
    /// Name of the workload, for the report.
    #[arg(long, default_value = "load")]
    workload: String,
    /// Append the report as one JSON line to this file.
    #[arg(long)]
    json_out: Option<PathBuf>,
    /// Client runtime worker threads (the server shares the machine).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
}

#[derive(Debug, clap::Args)]
struct TableArgs {
    /// JSON-lines files written by `load --json-out`.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Also list the benchmark's targets as held or missed (informational).
    #[arg(long)]
    targets: bool,
    /// Exit 1 when a run had errors or missing notifications (timings are never judged).
    #[arg(long)]
    check: bool,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Load(args) => load_command(*args),
        Command::Table(args) => table_command(&args),
        Command::Settle(args) => settle_command(&args),
        Command::Disk(args) => disk_command(&args),
    }
}

fn disk_command(args: &DiskArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.rate.is_finite(), "--rate must be a number, not {}", args.rate);
    let spec = DiskSpec {
        dir: args.dir.clone(),
        write_bytes: args.write_kib.clamp(1, 64 * 1024) * 1024,
        rate: args.rate.clamp(1.0, 10_000.0),
        duration: seconds("--duration", args.duration, 600.0)?,
        // Writes go round 64 MiB, as a WAL of 10,000 pages and more.
        file_bytes: 64 << 20,
    };
    let text = disk::probe(&spec)?.markdown();
    print!("{text}");
    if let Some(path) = &args.out {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        file.write_all(text.as_bytes())?;
    }
    Ok(())
}

/// `value` seconds, within 0 and `most`; a value that is not a number is refused.
fn seconds(option: &str, value: f64, most: f64) -> anyhow::Result<Duration> {
    anyhow::ensure!(value.is_finite(), "{option} must be a number of seconds, not {value}");
    Ok(Duration::from_secs_f64(value.clamp(0.0, most)))
}

fn settle_command(args: &SettleArgs) -> anyhow::Result<()> {
    let spec = SettleSpec {
        busy_share: args.busy_share.max(0.0),
        quiet_samples: args.quiet_secs.max(1),
        interval: Duration::from_secs(1),
        limit: Duration::from_secs(args.max_secs),
    };
    match settle::wait(args.server_pid, args.db_pid, &spec)? {
        Settled::Quiet { samples } => println!("quiet after {samples} s"),
        Settled::Busy { samples } => println!("still busy after {samples} s; measuring anyway"),
    }
    Ok(())
}

fn load_command(args: LoadArgs) -> anyhow::Result<()> {
    let spec = LoadSpec {
        url: args.url,
        token: args.token,
        rate: (args.rate > 0.0).then_some(args.rate),
        duration: seconds("--duration", args.duration, 3600.0)?,
        max_alerts: args.max_alerts,
        batch_size: args.batch_size,
        distinct: args.distinct,
        offset: args.offset,
        pattern: args.pattern,
        resolve_ratio: args.resolve_ratio,
        shape: AlertShape {
            extra_labels: args.extra_labels,
            label_values: args.label_values,
            groups: args.groups,
            ..AlertShape::default()
        },
        concurrency: args.concurrency,
        request_timeout: seconds("--request-timeout", args.request_timeout.max(0.001), 3600.0)?,
        probe_rate: args.probe_rate,
        probe_wait: seconds("--probe-wait", args.probe_wait, 600.0)?,
        receiver: args.receiver,
        server_pid: args.server_pid,
        db_pid: args.db_pid,
        seed: args.seed,
        system: args.system,
        workload: args.workload,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .build()?;
    let report = runtime.block_on(load::run(spec))?;
    print!("{}", report.summary());
    if let Some(path) = args.json_out {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        writeln!(file, "{}", serde_json::to_string(&report)?)?;
    }
    Ok(())
}

fn table_command(args: &TableArgs) -> anyhow::Result<()> {
    let mut reports = Vec::new();
    for path in &args.files {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let report: LoadReport = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a load report", path.display(), index + 1))?;
            reports.push(report);
        }
    }
    print!("{}", report::markdown_table(&reports));
    if args.targets {
        println!();
        print!("{}", report::targets(&reports));
    }
    let broken: Vec<&LoadReport> = reports.iter().filter(|r| r.is_broken()).collect();
    if args.check && !broken.is_empty() {
        for report in broken {
            eprintln!(
                "broken: {} / {}: {} errors, {} probes missing, {} alerts accepted {:?}",
                report.system,
                report.workload,
                report.errors,
                report.e2e_missing,
                report.alerts_accepted,
                report.error_samples
            );
        }
        anyhow::bail!("some runs had errors");
    }
    Ok(())
}
