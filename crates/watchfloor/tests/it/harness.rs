//! Starts the real `watchfloor` binary on a loopback port with a fresh database and talks HTTP to it.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// The admin bearer token every test server gets through `WATCHFLOOR_ADMIN_TOKEN`.
pub const ADMIN_TOKEN: &str = "bb-admin-token-5f0c1a9e7d3b";
/// Integration keys of the standard test configuration, one per kind.
pub const PAGERDUTY_KEY: &str = "acme-pd-key-0001";
pub const ALERTMANAGER_KEY: &str = "acme-am-key-0001";
pub const GENERIC_KEY: &str = "acme-gen-key-0001";

/// How long the server may take to print its listening line.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// The standard configuration: tenant `acme`, service `acme-vpn`, one key of
/// each kind, group wait 0 s, fast retries. `group_by` is the global grouping;
/// `hook_url`, when given, is a webhook channel the tenant is notified on.
pub fn config_yaml(group_by: &[&str], hook_url: Option<&str>) -> String {
    let group_by = group_by.join(", ");
    let (tenant_notify, channels) = match hook_url {
        Some(url) => {
            (", notify: [hook]", format!("notify: [{{id: hook, kind: webhook, url: \"{url}\"}}]\n"))
        }
        None => ("", String::new()),
    };
    format!(
        "public_url: http://127.0.0.1:8080
grouping: {{group_by: [{group_by}], group_wait: 0s, auto_resolve: true}}
delivery: {{max_attempts: 3, initial_backoff: 100ms, max_backoff: 1s, timeout: 2s}}
tenants: [{{id: acme, name: Acme Corp, tier: platinum{tenant_notify}}}]
services: [{{id: acme-vpn, tenant: acme, criticality: high, environment: production}}]
integrations:
  - {{key: {PAGERDUTY_KEY}, tenant: acme, service: acme-vpn, kind: pagerduty}}
  - {{key: {ALERTMANAGER_KEY}, tenant: acme, service: acme-vpn, kind: alertmanager}}
  - {{key: {GENERIC_KEY}, tenant: acme, service: acme-vpn, kind: generic}}
{channels}"
    )
}

/// A finished HTTP exchange: status, headers and the whole body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    fn read(response: reqwest::blocking::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().map(|b| b.to_vec()).unwrap_or_else(|e| {
            panic!("reading the body of a {status} answer failed: {e}");
        });
        Self { status, headers, body }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("answer {} is not JSON ({e}): {}", self.status, self.text());
        })
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    /// Panics, showing the body, unless the status is `expected`.
    pub fn expect_status(self, expected: u16, what: &str) -> Self {
        assert_eq!(self.status, expected, "{what}: unexpected status; body: {}", self.text());
        self
    }

    /// Asserts the contract's error shape `{"error": {"code", "message"}}` and returns it.
    pub fn expect_error(self, expected: u16, what: &str) -> Value {
        let reply = self.expect_status(expected, what);
        let body = reply.json();
        let code = body["error"]["code"].as_str().unwrap_or("");
        let message = body["error"]["message"].as_str().unwrap_or("");
        assert!(
            !code.is_empty() && !message.is_empty(),
            "{what}: error body lacks error.code or error.message: {body}"
        );
        body
    }
}

enum Mode {
    Config(PathBuf),
    Demo,
}

enum Database {
    Sqlite,
    Postgres { admin_url: String, name: String, url: String },
}

/// One running `watchfloor serve`. Killed (and its PostgreSQL database
/// dropped) when dropped.
pub struct App {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
    mode: Mode,
    dir: tempfile::TempDir,
    database: Database,
    child: Option<Child>,
    stderr: Arc<Mutex<String>>,
    stderr_thread: Option<JoinHandle<()>>,
    client: reqwest::blocking::Client,
    log_level: &'static str,
    /// More arguments for `serve`, after the harness's own.
    args: Vec<String>,
}

/// Starts `watchfloor serve --config` with this configuration on a fresh database.
pub fn spawn_app(config_yaml: &str) -> App {
    let dir = tempfile::tempdir().expect("creating a temp dir");
    let config = dir.path().join("watchfloor.yaml");
    std::fs::write(&config, config_yaml).expect("writing the config file");
    App::start_new(Mode::Config(config), dir)
}

/// Like [`spawn_app`], with the server logging at `level` (its stderr is kept).
pub fn spawn_app_logging(config_yaml: &str, level: &'static str) -> App {
    let dir = tempfile::tempdir().expect("creating a temp dir");
    let config = dir.path().join("watchfloor.yaml");
    std::fs::write(&config, config_yaml).expect("writing the config file");
    App::start_with(Mode::Config(config), dir, level)
}

/// Like [`spawn_app`], with more arguments for `serve`.
pub fn spawn_app_with_args(config_yaml: &str, args: &[&str]) -> App {
    let dir = tempfile::tempdir().expect("creating a temp dir");
    let config = dir.path().join("watchfloor.yaml");
    std::fs::write(&config, config_yaml).expect("writing the config file");
    let mode = Mode::Config(config);
    App::start_configured(mode, dir, "warn", args.iter().map(|a| (*a).to_owned()).collect())
}

/// Starts `watchfloor serve --demo` (demo tenants, synthetic events) on a fresh database.
pub fn spawn_demo() -> App {
    let dir = tempfile::tempdir().expect("creating a temp dir");
    App::start_new(Mode::Demo, dir)
}

fn http_client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("building the HTTP client")
}

impl App {
    fn start_new(mode: Mode, dir: tempfile::TempDir) -> App {
        Self::start_with(mode, dir, "warn")
    }

    fn start_with(mode: Mode, dir: tempfile::TempDir, log_level: &'static str) -> App {
        Self::start_configured(mode, dir, log_level, Vec::new())
    }

    fn start_configured(
        mode: Mode,
        dir: tempfile::TempDir,
        log_level: &'static str,
        args: Vec<String>,
    ) -> App {
        let database = choose_database();
        let mut app = App {
            base: String::new(),
            addr: String::new(),
            mode,
            dir,
            database,
            child: None,
            stderr: Arc::new(Mutex::new(String::new())),
            stderr_thread: None,
            client: http_client(),
            log_level,
            args,
        };
        app.start();
        app
    }

    /// What `/api/v1/stats` should report as `store` for the database this server runs on.
    pub fn expected_store(&self) -> &'static str {
        match self.database {
            Database::Sqlite => "sqlite",
            Database::Postgres { .. } => "postgres",
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The `--data DIR` or `--database-url URL` arguments that reach this server's database,
    /// for other commands (`watchfloor import`) run against it.
    pub fn database_args(&self) -> Vec<std::ffi::OsString> {
        match &self.database {
            Database::Sqlite => vec!["--data".into(), self.data_dir().into_os_string()],
            Database::Postgres { url, .. } => vec!["--database-url".into(), url.into()],
        }
    }

    /// The configuration file this server was started with (none for the demo).
    pub fn config_path(&self) -> Option<PathBuf> {
        match &self.mode {
            Mode::Config(path) => Some(path.clone()),
            Mode::Demo => None,
        }
    }

    fn start(&mut self) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_watchfloor"));
        command.arg("serve");
        match &self.mode {
            Mode::Config(path) => {
                command.arg("--config").arg(path);
            }
            Mode::Demo => {
                command.arg("--demo");
            }
        }
        match &self.database {
            Database::Sqlite => {
                command.arg("--data").arg(self.data_dir());
            }
            Database::Postgres { url, .. } => {
                command.arg("--database-url").arg(url);
            }
        }
        command
            .args(["--listen", "127.0.0.1:0"])
            .args(&self.args)
            .env("WATCHFLOOR_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("WATCHFLOOR_LOG", self.log_level)
            .env_remove("WATCHFLOOR_CONFIG")
            .env_remove("WATCHFLOOR_DATA")
            .env_remove("WATCHFLOOR_DATABASE_URL")
            .env_remove("WATCHFLOOR_LISTEN")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawning the watchfloor binary");

        let stdout = child.stdout.take().expect("piped stdout");
        let (lines, listening) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = lines.send(line);
            }
        });
        let stderr = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&self.stderr);
        self.stderr_thread = Some(std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("[watchfloor] {line}");
                if let Ok(mut text) = sink.lock() {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        }));
        self.child = Some(child);

        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match listening.recv_timeout(left) {
                Ok(line) => {
                    if let Some(addr) = line.trim().strip_prefix("watchfloor listening on http://")
                    {
                        break addr.to_owned();
                    }
                }
                Err(RecvTimeoutError::Timeout) => self
                    .fail_start("did not print `watchfloor listening on http://ADDR` within 30 s"),
                Err(RecvTimeoutError::Disconnected) => {
                    self.fail_start("exited before printing its listening line")
                }
            }
        };
        self.base = format!("http://{addr}");
        self.addr = addr;
    }

    fn fail_start(&mut self, what: &str) -> ! {
        let status = self.kill9_status();
        if let Some(thread) = self.stderr_thread.take() {
            let _ = thread.join();
        }
        panic!("watchfloor serve {what} (exit: {status}); its stderr:\n{}", self.stderr_text());
    }

    fn kill9_status(&mut self) -> String {
        match self.child.take() {
            Some(mut child) => {
                let _ = child.kill();
                match child.wait() {
                    Ok(status) => status.to_string(),
                    Err(e) => format!("wait failed: {e}"),
                }
            }
            None => "not running".to_owned(),
        }
    }

    /// What the server wrote to stderr so far.
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// SIGKILL: no graceful shutdown, nothing flushed.
    pub fn kill9(&mut self) {
        let _ = self.kill9_status();
    }

    /// SIGTERM, as a service manager stops it; waits for a clean exit.
    pub fn stop_gracefully(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("running kill");
        assert!(sent.success(), "kill -TERM failed");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match child.try_wait().expect("waiting for watchfloor") {
                Some(status) => {
                    assert!(status.success(), "watchfloor exited with {status} on SIGTERM");
                    return;
                }
                None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                None => {
                    let _ = child.kill();
                    panic!("watchfloor did not exit within 20 s of SIGTERM");
                }
            }
        }
    }

    /// Whether the server runs on PostgreSQL (else SQLite).
    pub fn on_postgres(&self) -> bool {
        matches!(self.database, Database::Postgres { .. })
    }

    /// Starts the server again on the same data after a stop.
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "the server is running");
        self.start();
    }

    /// Runs `sql` on the server's database while the server is stopped (it
    /// holds the database while it runs): rows no server would write.
    pub fn execute_sql(&self, sql: &str) {
        match &self.database {
            Database::Sqlite => {
                self.stopped_sqlite().execute_batch(sql).expect("running SQL on SQLite");
            }
            Database::Postgres { url, .. } => drop(self.stopped_psql(url, sql)),
        }
    }

    /// Runs `sql` on the server's database while the server runs, as
    /// another program on the same database would.
    pub fn execute_sql_beside(&self, sql: &str) {
        assert!(self.child.is_some(), "start the server first");
        match &self.database {
            Database::Sqlite => {
                let path = self.data_dir().join("watchfloor.sqlite");
                let connection = rusqlite::Connection::open(&path).expect("opening the database");
                connection.busy_timeout(Duration::from_secs(10)).expect("setting a busy timeout");
                connection.execute_batch(sql).expect("running SQL on SQLite");
            }
            Database::Postgres { url, .. } => {
                let output = Command::new("psql")
                    .arg(url)
                    .args(["-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql])
                    .output()
                    .expect("running psql");
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert!(output.status.success(), "psql: {stderr}");
            }
        }
    }

    /// Waits up to `timeout` for the server to exit on its own; its status.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("the server is running");
        let deadline = Instant::now() + timeout;
        let status = loop {
            match child.try_wait().expect("waiting for watchfloor") {
                Some(status) => break status,
                None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                None => {
                    let _ = child.kill();
                    panic!("watchfloor did not exit within {timeout:?}");
                }
            }
        };
        if let Some(thread) = self.stderr_thread.take() {
            let _ = thread.join();
        }
        status
    }

    /// The first column of the first row of `sql`, as text, read from the
    /// server's database while the server is stopped.
    pub fn query_sql(&self, sql: &str) -> String {
        match &self.database {
            Database::Sqlite => {
                self.stopped_sqlite().query_row(sql, [], |row| row.get(0)).expect("querying SQLite")
            }
            Database::Postgres { url, .. } => self.stopped_psql(url, sql),
        }
    }

    fn stopped_sqlite(&self) -> rusqlite::Connection {
        assert!(self.child.is_none(), "stop the server first");
        let path = self.data_dir().join("watchfloor.sqlite");
        rusqlite::Connection::open(&path).expect("opening the database")
    }

    /// `psql`'s unaligned output of `sql`, without its last newline.
    fn stopped_psql(&self, url: &str, sql: &str) -> String {
        assert!(self.child.is_none(), "stop the server first");
        let output = Command::new("psql")
            .arg(url)
            .args(["-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql])
            .output()
            .expect("running psql");
        assert!(output.status.success(), "psql: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).trim_end().to_owned()
    }

    /// Stops the server with SIGTERM and starts it again on the same data.
    pub fn restart_gracefully(&mut self) {
        self.stop_gracefully();
        self.start();
    }

    /// Kills the server (if running) and starts it again on the same data.
    /// The address changes.
    pub fn restart(&mut self) {
        self.kill9();
        self.start();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(&self, what: &str, request: reqwest::blocking::RequestBuilder) -> Reply {
        match request.send() {
            Ok(response) => Reply::read(response),
            Err(error) => panic!("{what} failed: {error}; server stderr:\n{}", self.stderr_text()),
        }
    }

    /// GET without credentials.
    pub fn get(&self, path: &str) -> Reply {
        self.send(&format!("GET {path}"), self.client.get(self.url(path)))
    }

    /// GET with extra headers.
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(&format!("GET {path}"), request)
    }

    /// POST a JSON body without credentials.
    pub fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.send(&format!("POST {path}"), self.client.post(self.url(path)).json(body))
    }

    /// POST raw bytes with the given headers (no Content-Type unless given).
    pub fn post_raw(&self, path: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.client.post(self.url(path)).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(&format!("POST {path}"), request)
    }

    /// GET with the admin bearer token.
    pub fn api_get(&self, path: &str) -> Reply {
        self.send(&format!("GET {path}"), self.client.get(self.url(path)).bearer_auth(ADMIN_TOKEN))
    }

    /// POST JSON with the admin bearer token.
    pub fn api_post(&self, path: &str, body: &Value) -> Reply {
        self.send(
            &format!("POST {path}"),
            self.client.post(self.url(path)).bearer_auth(ADMIN_TOKEN).json(body),
        )
    }

    /// `GET /api/v1/stats`: row counts.
    pub fn stats(&self) -> Value {
        self.api_get("/api/v1/stats").expect_status(200, "GET /api/v1/stats").json()
    }

    /// `GET /api/v1/incidents{query}`, e.g. `incidents("?status=open")`.
    pub fn incidents(&self, query: &str) -> Vec<Value> {
        let path = format!("/api/v1/incidents{query}");
        let body = self.api_get(&path).expect_status(200, &path).json();
        body["incidents"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("{path}: no incidents array: {body}"))
    }

    /// `GET /api/v1/incidents/{id}`: the incident with `alerts` and `timeline`.
    pub fn incident(&self, id: i64) -> Value {
        let path = format!("/api/v1/incidents/{id}");
        self.api_get(&path).expect_status(200, &path).json()
    }

    /// `GET /api/v1/deliveries?status={status}`.
    pub fn deliveries(&self, status: &str) -> Vec<Value> {
        let path = format!("/api/v1/deliveries?status={status}");
        let body = self.api_get(&path).expect_status(200, &path).json();
        body["deliveries"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("{path}: no deliveries array: {body}"))
    }

    /// `GET /metrics` as text.
    pub fn metrics(&self) -> String {
        self.get("/metrics").expect_status(200, "GET /metrics").text()
    }

    /// POSTs a native batch to `/hooks/generic/{GENERIC_KEY}` and expects 202.
    pub fn send_generic(&self, events: Value) -> Value {
        let path = format!("/hooks/generic/{GENERIC_KEY}");
        self.post_json(&path, &json!({ "events": events })).expect_status(202, &path).json()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.kill9();
        if let Database::Postgres { admin_url, name, .. } = &self.database {
            let _ = Command::new("psql")
                .arg(admin_url)
                .args(["-q", "-c", &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// SQLite unless `WATCHFLOOR_TEST_DATABASE=postgres`, which needs
/// `WATCHFLOOR_TEST_POSTGRES_URL` and gets a fresh database per server.
fn choose_database() -> Database {
    match std::env::var("WATCHFLOOR_TEST_DATABASE").as_deref() {
        Err(_) | Ok("") | Ok("sqlite") => Database::Sqlite,
        Ok("postgres") => {
            let admin_url = std::env::var("WATCHFLOOR_TEST_POSTGRES_URL").unwrap_or_else(|_| {
                panic!(
                    "WATCHFLOOR_TEST_DATABASE=postgres but WATCHFLOOR_TEST_POSTGRES_URL is not set; \
                     set it to an admin URL such as postgres://postgres@127.0.0.1:55432/postgres \
                     (scripts/test.sh starts such a server)"
                )
            });
            let name = format!("wf_bb_{:016x}", rand::random::<u64>());
            let output = Command::new("psql")
                .arg(&admin_url)
                .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", &format!("CREATE DATABASE {name}")])
                .output()
                .unwrap_or_else(|e| {
                    panic!("running psql failed ({e}); install the PostgreSQL client or run scripts/test.sh")
                });
            assert!(
                output.status.success(),
                "psql could not create database {name} on {admin_url}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let url = database_url(&admin_url, &name);
            Database::Postgres { admin_url, name, url }
        }
        Ok(other) => panic!("WATCHFLOOR_TEST_DATABASE={other:?}: expected sqlite or postgres"),
    }
}

/// The admin URL with its database name replaced: `postgres://u@h:p/postgres?x` → `postgres://u@h:p/NAME?x`.
fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_and_path = &base[authority_start..];
    let prefix = match host_and_path.find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{prefix}/{name}{query}")
}

/// Polls `condition` every 50 ms until it holds; panics naming `what` after `timeout`.
pub fn wait_until(timeout: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    wait_for(timeout, what, || condition().then_some(()));
}

/// Polls `probe` every 50 ms until it returns `Some`; panics naming `what` after `timeout`.
pub fn wait_for<T>(timeout: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out after {timeout:?} waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The value of one series in Prometheus text, e.g.
/// `metric_value(text, r#"watchfloor_events_accepted_total{kind="generic"}"#)`.
pub fn metric_value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .find_map(|value| value.trim().parse().ok())
}

/// An RFC 3339 UTC time `offset_secs` from now (negative: in the past).
pub fn rfc3339_from_now(offset_secs: i64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("the clock is after 1970");
    let at = i64::try_from(now.as_secs()).expect("seconds fit i64") + offset_secs;
    let (days, secs) = (at.div_euclid(86_400), at.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A unique suffix for keys and summaries.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}{:08x}", rand::random::<u32>())
}

/// A file under `/work/shared/samples`, failing loudly if it is missing.
pub fn sample(relative: &str) -> Vec<u8> {
    let path = samples_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("sample {} is missing: {e}", path.display()))
}

/// The shared third-party samples, next to the repository.
pub fn samples_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples"))
}

/// The one file in `dir` (relative to the samples) whose name starts with `prefix`.
pub fn sample_by_prefix(dir: &str, prefix: &str) -> (String, Vec<u8>) {
    let path = samples_dir().join(dir);
    let entries = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("sample directory {} is missing: {e}", path.display()));
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(prefix) && name.ends_with(".json"))
        .collect();
    names.sort();
    let name = names
        .first()
        .unwrap_or_else(|| panic!("no sample {prefix}*.json in {}", path.display()))
        .clone();
    let body = sample(&format!("{dir}/{name}"));
    (name, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_replaces_the_database_name() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:55432/postgres", "wf_x"),
            "postgres://postgres@127.0.0.1:55432/wf_x"
        );
        assert_eq!(
            database_url("postgres://u:p@h/db?sslmode=disable", "wf_x"),
            "postgres://u:p@h/wf_x?sslmode=disable"
        );
        assert_eq!(database_url("postgres://h:5432", "wf_x"), "postgres://h:5432/wf_x");
    }

    #[test]
    fn metric_values_are_found_by_exact_series() {
        let text = "a_total{kind=\"x\"} 3\na_total{kind=\"xy\"} 4\nb 1.5\n";
        assert_eq!(metric_value(text, "a_total{kind=\"x\"}"), Some(3.0));
        assert_eq!(metric_value(text, "b"), Some(1.5));
        assert_eq!(metric_value(text, "a_total"), None);
    }
}
