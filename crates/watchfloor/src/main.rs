//! The `watchfloor` binary: argument parsing, logging setup, and the edge
//! where errors become exit codes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

mod silence;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Watchfloor: the event-response hub for cloud operations teams.
#[derive(Debug, Parser)]
#[command(name = "watchfloor", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Run the whole product: ingest, API, NOC pages, engine and notification workers.
    Serve(ServeArgs),
    /// Validate a configuration file; every error names its file, line and field.
    Check {
        /// The YAML configuration to check.
        #[arg(default_value = "watchfloor.yaml")]
        file: PathBuf,
    },
    /// Run recorded events through the engine on a simulated clock and print
    /// incidents and effects as JSON lines. No side effects.
    Replay {
        /// JSON lines: {"at": RFC 3339, "key": integration key, "kind": ingest kind, "body": payload};
        /// `-` reads standard input. `GET /api/v1/events/export` writes this format.
        events: PathBuf,
        /// The configuration to replay against (default: the demo configuration).
        #[arg(long, short = 'c')]
        config: Option<PathBuf>,
    },
    /// Create, list and expire silences on a running server.
    Silence(silence::SilenceArgs),
    /// Import records from files into a tenant's events; works with the server running or stopped.
    Import {
        #[command(subcommand)]
        command: ImportCommands,
    },
    /// Test a configuration offline: `watchfloor test rules FILE` runs rule unit tests.
    Test {
        #[command(subcommand)]
        command: TestCommands,
    },
}

#[derive(Debug, Subcommand)]
enum TestCommands {
    /// Run rule unit tests: events in, expected incidents, notifications and timelines out.
    ///
    /// Each test sends its events through a fresh engine on a simulated clock
    /// and compares what comes out with what it expects. Exit status 0: every
    /// test passed; 1: a test failed; 2: a file or its configuration is malformed.
    Rules {
        /// YAML test files: `config` (or `config_inline`) and `tests`.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommands {
    /// CloudTrail log files (`{"Records": [...]}`, plain or gzipped) into a
    /// tenant's events, once per eventID: importing a file again adds nothing.
    ///
    /// Each record becomes an event in the same model as live ingest, with
    /// CloudTrail's field names as labels; read-only calls are kept and
    /// labelled `readOnly: "true"`. Records the tenant's event rules leave
    /// at `--raise` severity or worse are marked for the engine: the server
    /// (running now, or when it next starts) handles them like live events,
    /// so they open incidents and page.
    Cloudtrail(ImportCloudTrailArgs),
}

#[derive(Debug, clap::Args)]
struct ImportCloudTrailArgs {
    /// The tenant the records belong to; it must be in the configuration.
    #[arg(long)]
    tenant: String,
    /// The tenant's service to file the records under (default: its first service).
    #[arg(long)]
    service: Option<String>,
    /// CloudTrail log files (`.json` or `.json.gz`), arrays of records, or single records.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Records the tenant's event rules (rule packs included) leave at this
    /// severity or worse go through the engine as well: critical, error,
    /// warning, info, or none to import history only.
    #[arg(long, default_value = "error")]
    raise: server::import::RaiseAt,
    /// The YAML configuration (the tenant and its services come from it).
    #[arg(long, short = 'c', env = "WATCHFLOOR_CONFIG")]
    config: PathBuf,
    /// Directory of the embedded SQLite database, as for `serve`.
    #[arg(long, default_value = "./watchfloor-data", env = "WATCHFLOOR_DATA")]
    data: PathBuf,
    /// Use PostgreSQL instead of SQLite: postgres://user@host/db
    #[arg(long, env = "WATCHFLOOR_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// The YAML configuration (tenants, services, integrations, channels).
    #[arg(long, short = 'c', env = "WATCHFLOOR_CONFIG")]
    config: Option<PathBuf>,
    /// Directory for the embedded SQLite database.
    #[arg(long, default_value = "./watchfloor-data", env = "WATCHFLOOR_DATA")]
    data: PathBuf,
    /// Use PostgreSQL instead of SQLite: postgres://user@host/db
    #[arg(long, env = "WATCHFLOOR_DATABASE_URL")]
    database_url: Option<String>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "WATCHFLOOR_LISTEN")]
    listen: SocketAddr,
    /// Load demo tenants and a live synthetic event stream (used when no --config is given).
    #[arg(long)]
    demo: bool,
    /// Log format: text or json.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    log_format: String,
    /// How long a client may take to send a request's head, and then its
    /// body, before the connection is closed (head) or answered 408 (body);
    /// default 75s.
    #[arg(long, env = "WATCHFLOOR_READ_TIMEOUT", value_parser = read_timeout)]
    read_timeout: Option<std::time::Duration>,
}

fn read_timeout(text: &str) -> Result<std::time::Duration, String> {
    let timeout = config::parse_duration(text)?;
    if timeout.is_zero() {
        return Err("must be more than 0s".to_owned());
    }
    Ok(timeout)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Commands::Check { file } => check(&file),
        Commands::Replay { events, config } => match replay(&events, config.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("watchfloor: {error:#}");
                ExitCode::FAILURE
            }
        },
        Commands::Test { command: TestCommands::Rules { files } } => test_rules(&files),
        Commands::Import { command: ImportCommands::Cloudtrail(args) } => {
            match import_cloudtrail(args) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(error) => {
                    eprintln!("watchfloor: {error:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Commands::Silence(args) => match silence::run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("watchfloor: {error:#}");
                ExitCode::FAILURE
            }
        },
        Commands::Serve(args) => {
            init_tracing(&args.log_format);
            match run_serve(args) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("watchfloor: {error:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn check(file: &std::path::Path) -> ExitCode {
    match config::load(file) {
        Ok(config) => {
            println!(
                "{}: ok ({} tenants, {} services, {} integrations, {} channels, {} users, \
                 {} schedules, {} escalation policies)",
                file.display(),
                config.tenants.len(),
                config.services.len(),
                config.integrations.len(),
                config.channels.len(),
                config.users.len(),
                config.schedules.len(),
                config.escalation_policies.len()
            );
            ExitCode::SUCCESS
        }
        Err(config::ConfigError::Invalid(diagnostics)) => {
            for diagnostic in &diagnostics {
                eprintln!("{diagnostic}");
            }
            eprintln!("{}: {} error(s)", file.display(), diagnostics.len());
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("watchfloor: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every file's tests; a malformed file is reported and its tests skipped.
fn test_rules(files: &[PathBuf]) -> ExitCode {
    let mut outcomes = Vec::new();
    let mut malformed = false;
    for file in files {
        let tests = match server::ruletest::load(file) {
            Ok(tests) => tests,
            Err(server::ruletest::RuleTestError::Invalid(diagnostics)) => {
                for diagnostic in &diagnostics {
                    eprintln!("{diagnostic}");
                }
                eprintln!("{}: {} error(s)", file.display(), diagnostics.len());
                malformed = true;
                continue;
            }
            Err(error) => {
                eprintln!("watchfloor: {error}");
                malformed = true;
                continue;
            }
        };
        if files.len() > 1 {
            println!("{}:", file.display());
        }
        for outcome in server::ruletest::run(&tests) {
            print!("{}", outcome.render());
            outcomes.push(outcome);
        }
    }
    if !(malformed && outcomes.is_empty()) {
        println!("{}", server::ruletest::summary(&outcomes));
    }
    if malformed {
        ExitCode::from(2)
    } else if outcomes.iter().all(server::ruletest::TestOutcome::passed) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn replay(events: &std::path::Path, config_path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let config = match config_path {
        Some(path) => config::load(path).map_err(|error| describe(error, path))?,
        None => server::demo_config().context("the built-in demo configuration")?,
    };
    let input: Box<dyn std::io::BufRead> = if events == std::path::Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file =
            std::fs::File::open(events).with_context(|| format!("opening {}", events.display()))?;
        Box::new(std::io::BufReader::new(file))
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let summary = server::replay::replay(Arc::new(config), input, &mut out)?;
    std::io::Write::flush(&mut out).context("writing the output")?;
    eprintln!(
        "replayed {} lines: {} events, {} rejected, {} incidents, {} notifications",
        summary.lines, summary.events, summary.rejected, summary.incidents, summary.notifications
    );
    Ok(())
}

fn init_tracing(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WATCHFLOOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn run_serve(args: ServeArgs) -> anyhow::Result<()> {
    let (config, integrations) = match (&args.config, args.demo) {
        (Some(path), _) => {
            let loaded = config::load_all(path).map_err(|error| describe(error, path))?;
            (loaded.config, loaded.integrations)
        }
        (None, true) => (
            server::demo_config().context("the built-in demo configuration")?,
            config::IntegrationSettings::default(),
        ),
        (None, false) => anyhow::bail!(
            "no configuration: pass --config FILE (see `watchfloor check`), or --demo for a demo NOC"
        ),
    };
    let database = database_target(&args.data, args.database_url)?;
    let admin_token = std::env::var("WATCHFLOOR_ADMIN_TOKEN").ok().filter(|t| !t.is_empty());
    let options = server::ServeOptions {
        config: Arc::new(config),
        database,
        listen: args.listen,
        demo: args.demo,
        admin_token,
        integrations,
        read_timeout: args.read_timeout.unwrap_or(server::listen::DEFAULT_READ_TIMEOUT),
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    // TOKIO_WORKER_THREADS, when set, is tokio's to read.
    if std::env::var_os("TOKIO_WORKER_THREADS").is_none() {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        runtime.worker_threads(server::runtime_workers(&options.database, cores));
    }
    let runtime = runtime.enable_all().build().context("starting the async runtime")?;
    runtime.block_on(server::serve(options))?;
    Ok(())
}

/// The `--database-url`, else the SQLite file in `--data` (created if missing).
fn database_target(data: &std::path::Path, url: Option<String>) -> anyhow::Result<String> {
    match url {
        Some(url) => Ok(url),
        None => {
            std::fs::create_dir_all(data)
                .with_context(|| format!("creating data directory {}", data.display()))?;
            Ok(data.join("watchfloor.sqlite").to_string_lossy().into_owned())
        }
    }
}

/// `watchfloor import cloudtrail`; `Ok(false)` when some file could not be imported.
fn import_cloudtrail(args: ImportCloudTrailArgs) -> anyhow::Result<bool> {
    let config = config::load(&args.config).map_err(|error| describe(error, &args.config))?;
    let tenant = domain_id(&args.tenant, "--tenant", server::import::parse_tenant)?;
    let service = match &args.service {
        Some(service) => Some(domain_id(service, "--service", server::import::parse_service)?),
        None => None,
    };
    let options = server::import::ImportOptions {
        database: database_target(&args.data, args.database_url)?,
        tenant,
        service,
        files: args.files,
        raise_at: args.raise.0,
        actor: format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned())),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let summary = runtime.block_on(server::import::import_cloudtrail(
        &config,
        &options,
        |file| match &file.error {
            Some(error) => eprintln!("{}: not imported: {error}", file.path.display()),
            None => println!(
                "{}: {} records, {} new, {} already present ({} read-only), {} for the engine",
                file.path.display(),
                file.records,
                file.imported,
                file.already_present,
                file.read_only,
                file.for_engine
            ),
        },
    ))?;
    if summary.for_engine > 0 {
        println!(
            "{} new events wait for the engine: the server handles them like live events \
             (within seconds if it is running, else when it starts)",
            summary.for_engine
        );
    }
    println!(
        "imported {} new events into tenant {} ({} already present, {} read-only, {} for the \
         engine) from {} records in {} files ({:.1} MB) in {:.2} s: {:.0} records/s",
        summary.imported,
        options.tenant,
        summary.already_present,
        summary.read_only,
        summary.for_engine,
        summary.records,
        summary.files - summary.failed_files,
        summary.bytes as f64 / 1e6,
        summary.seconds,
        summary.records_per_second()
    );
    if summary.failed_files > 0 {
        eprintln!(
            "watchfloor: {} of {} files could not be imported",
            summary.failed_files, summary.files
        );
    }
    Ok(summary.failed_files == 0)
}

fn domain_id<T>(text: &str, flag: &str, parse: fn(&str) -> Result<T, String>) -> anyhow::Result<T> {
    parse(text).map_err(|error| anyhow::anyhow!("{flag} {text:?}: {error}"))
}

fn describe(error: config::ConfigError, path: &std::path::Path) -> anyhow::Error {
    match error {
        config::ConfigError::Invalid(diagnostics) => {
            let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            anyhow::anyhow!("invalid configuration {}:\n{}", path.display(), lines.join("\n"))
        }
        other => anyhow::Error::new(other),
    }
}
