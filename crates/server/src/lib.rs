//! The IO shell around the engine: HTTP ingest and API, NOC pages, the engine
//! loop that commits, and the worker that delivers notifications.

pub mod delivery;
pub mod demo;
pub mod error;
pub mod http;
pub mod import;
pub mod listen;
pub mod metrics;
pub mod oncall;
pub mod replay;
pub mod ruletest;
pub mod silences;
pub mod sns;
pub mod ui;
pub mod writer;

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use domain::Config;
use sha2::{Digest, Sha256};

pub use demo::demo_config;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("opening the store failed: {0}")]
    Store(#[from] store::StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("HTTP client setup failed: {0}")]
    Client(String),
    #[error(transparent)]
    Sns(#[from] sns::SnsSetupError),
    #[error("server failed: {0}")]
    Serve(std::io::Error),
    #[error("starting the engine loop failed: {0}")]
    EngineLoop(std::io::Error),
    #[error("the engine loop stopped unexpectedly")]
    EngineStopped,
}

pub struct ServeOptions {
    pub config: Arc<Config>,
    /// A `postgres://` URL, or the path of the SQLite database file.
    pub database: String,
    pub listen: SocketAddr,
    pub demo: bool,
    /// `WATCHFLOOR_ADMIN_TOKEN`; when absent one is generated and printed once.
    pub admin_token: Option<String>,
    /// The integrations' own settings (SNS verification, EventBridge key header), from `config::load_all`.
    pub integrations: config::IntegrationSettings,
    /// How long a client may take to send a request's head, and then its
    /// body ([`listen::DEFAULT_READ_TIMEOUT`] unless told otherwise).
    pub read_timeout: std::time::Duration,
}

/// Worker threads for the runtime that serves `database` on a machine of
/// `cores`. On SQLite the engine loop commits on a thread of its own, and
/// the runtime leaves it a core: with a worker per core, the loop's thread
/// waited for a worker to give the core back (see the README's
/// Performance). On PostgreSQL the loop is one of the runtime's tasks, and
/// every core is a worker.
pub fn runtime_workers(database: &str, cores: usize) -> usize {
    if store::commits_block_at(database) { cores.saturating_sub(1).max(1) } else { cores.max(1) }
}

/// Runs the whole product until SIGINT or SIGTERM.
pub async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let sns = Arc::new(sns::SnsHooks::new(&options.config, &options.integrations)?);
    let store = store::Store::open(&options.database).await?;
    // Held until `serve` returns.
    let _claim = store.claim_engine().await?;
    let metrics = Arc::new(metrics::Metrics::default());
    let signals = writer::Signals::new();
    let (engine_loop, writer) =
        writer::start(options.config.clone(), store.clone(), metrics.clone(), signals.clone())
            .await?;
    let (stop_engine, stop) = tokio::sync::oneshot::channel();
    let mut engine_stopped = engine_loop.spawn(stop).await.map_err(ServeError::EngineLoop)?;

    let sender = channels::Sender::new(options.config.delivery.timeout)
        .map_err(|e| ServeError::Client(e.message))?;
    let worker = delivery::DeliveryWorker {
        config: options.config.clone(),
        store: store.clone(),
        sender,
        metrics: metrics.clone(),
        signals: signals.clone(),
        writer: writer.clone(),
    };
    tokio::spawn(worker.run());
    tokio::spawn(import::feed::run(options.config.clone(), store.clone(), writer.clone()));
    if options.demo {
        tokio::spawn(demo::run(options.config.clone(), writer.clone()));
    }

    let (token, generated) = match options.admin_token {
        Some(token) => (token, false),
        None => (hex::encode(rand::random::<[u8; 24]>()), true),
    };
    let state = Arc::new(http::AppState {
        config: options.config.clone(),
        store: store.clone(),
        writer,
        metrics,
        signals,
        admin_token_sha256: Sha256::digest(token.as_bytes()).into(),
        demo: options.demo,
        integrations: Arc::new(options.integrations),
        sns,
        read_timeout: options.read_timeout,
    });

    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|source| ServeError::Listen { addr: options.listen, source })?;
    let addr = listener.local_addr().map_err(ServeError::Serve)?;
    tracing::info!(%addr, store = store.engine_name(), demo = options.demo, "watchfloor serving");
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "watchfloor listening on http://{addr}");
        if generated {
            let _ = writeln!(out, "admin token (shown once): {token}");
            let _ = writeln!(out, "sign in: http://{addr}/login?token={token}");
        }
        if options.demo {
            let _ = writeln!(out, "demo NOC: http://{addr}/");
        }
        let _ = out.flush();
    }
    let stopping = Arc::new(tokio::sync::Notify::new());
    let signalled = stopping.clone();
    let router = http::router(state.clone());
    let server = listen::serve(listener, router, options.read_timeout, async move {
        shutdown().await;
        signalled.notify_one();
    });
    // Requests in flight get their answers; the NOC pages' live streams
    // never end on their own, so draining is given a bound.
    tokio::select! {
        () = server => {}
        // Only a panic ends the loop while it is served: without it no
        // event can be taken in, so the server stops rather than answer
        // 503 to everything.
        _ = &mut engine_stopped => {
            tracing::error!("the engine loop stopped unexpectedly; stopping the server");
            return Err(ServeError::EngineStopped);
        }
        () = async {
            stopping.notified().await;
            tokio::time::sleep(SHUTDOWN_DRAIN).await;
        } => tracing::info!("connections still open after the drain time; stopping anyway"),
    }
    // What the touch interval held back goes to disk before we go.
    if let Err(error) = state.writer.flush().await {
        tracing::warn!(error = %error, "the last re-sent alerts' counts were not written");
    }
    let _ = stop_engine.send(());
    let _ = engine_stopped.await;
    Ok(())
}

/// How long a graceful stop waits for open connections to finish.
const SHUTDOWN_DRAIN: std::time::Duration = std::time::Duration::from_secs(5);

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => return interrupt.await.unwrap_or_default(),
            };
        tokio::select! {
            _ = interrupt => {},
            _ = terminate.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

#[cfg(test)]
mod tests {
    use super::runtime_workers;

    #[test]
    fn sqlite_leaves_the_engine_loop_a_core_and_postgres_takes_them_all() {
        assert_eq!(runtime_workers("/var/lib/watchfloor/watchfloor.sqlite", 2), 1);
        assert_eq!(runtime_workers("sqlite:data.db", 8), 7);
        assert_eq!(runtime_workers("data.db", 1), 1);
        assert_eq!(runtime_workers("postgres://db/watchfloor", 2), 2);
        assert_eq!(runtime_workers("postgresql://db/watchfloor", 1), 1);
    }
}
