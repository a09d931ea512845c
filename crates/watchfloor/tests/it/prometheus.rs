//! Real Prometheus and Alertmanager from Debian alert Watchfloor both ways: through Alertmanager's webhook and directly over the v2 API.

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::harness::{ALERTMANAGER_KEY, App, config_yaml, metric_value, spawn_app, wait_for};

const PROMETHEUS: &str = "/usr/bin/prometheus";
const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";

/// A child process killed on drop, its output kept for failure messages.
struct Daemon {
    name: &'static str,
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Daemon {
    fn start(name: &'static str, program: &str, args: &[String], dir: &Path) -> Daemon {
        assert!(
            Path::new(program).exists(),
            "{program} is not installed; run scripts/test.sh, which installs Debian's \
             prometheus and prometheus-alertmanager packages"
        );
        let mut child = Command::new(program)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {program} failed: {e}"));
        let log = Arc::new(Mutex::new(String::new()));
        for stream in [
            child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut log) = log.lock() {
                        log.push_str(&line);
                        log.push('\n');
                    }
                }
            });
        }
        Daemon { name, child, log }
    }

    fn log(&self) -> String {
        let text = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        format!("--- {} log ---\n{text}", self.name)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a probe port");
    listener.local_addr().expect("probe address").port()
}

fn counter(app: &App, kind: &str) -> f64 {
    let series = format!("watchfloor_events_accepted_total{{kind=\"{kind}\"}}");
    metric_value(&app.metrics(), &series).unwrap_or(0.0)
}

#[test]
fn prometheus_alerts_through_alertmanager_and_directly() {
    for program in [PROMETHEUS, ALERTMANAGER] {
        assert!(
            Path::new(program).exists(),
            "{program} is not installed; run scripts/test.sh, which installs Debian's \
             prometheus and prometheus-alertmanager packages"
        );
    }
    let app = spawn_app(&config_yaml(&["alertname"], None));
    let dir = tempfile::tempdir().expect("temp dir");

    let am_port = free_port();
    let am_config = format!(
        "route:
  receiver: watchfloor
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: watchfloor
    webhook_configs:
      - url: 'http://{wf}/hooks/alertmanager/{ALERTMANAGER_KEY}'
        send_resolved: true
",
        wf = app.addr
    );
    std::fs::write(dir.path().join("am.yml"), am_config).expect("write am.yml");
    std::fs::create_dir_all(dir.path().join("am-data")).expect("am data dir");
    let alertmanager = Daemon::start(
        "alertmanager",
        ALERTMANAGER,
        &[
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            "--cluster.listen-address=".to_owned(),
            format!("--storage.path={}", dir.path().join("am-data").display()),
            format!("--config.file={}", dir.path().join("am.yml").display()),
        ],
        dir.path(),
    );

    let prom_port = free_port();
    let rules = "groups:
  - name: acceptance
    rules:
      - alert: AcceptanceAlwaysFiring
        expr: vector(1)
        labels: {severity: critical}
        annotations: {summary: 'Always firing: the pipeline works'}
";
    std::fs::write(dir.path().join("rules.yml"), rules).expect("write rules.yml");
    let prom_config = format!(
        "global:
  scrape_interval: 1s
  evaluation_interval: 1s
alerting:
  alertmanagers:
    - static_configs: [{{targets: ['127.0.0.1:{am_port}']}}]
      api_version: v2
    - static_configs: [{{targets: ['{wf}']}}]
      api_version: v2
      authorization: {{type: Bearer, credentials: {ALERTMANAGER_KEY}}}
rule_files: ['{rules}']
",
        wf = app.addr,
        rules = dir.path().join("rules.yml").display()
    );
    std::fs::write(dir.path().join("prom.yml"), prom_config).expect("write prom.yml");
    std::fs::create_dir_all(dir.path().join("prom-data")).expect("prometheus data dir");
    let prometheus = Daemon::start(
        "prometheus",
        PROMETHEUS,
        &[
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
            format!("--storage.tsdb.path={}", dir.path().join("prom-data").display()),
            format!("--config.file={}", dir.path().join("prom.yml").display()),
            // The first alerts go out before the Alertmanagers are discovered and
            // are dropped; resend every second instead of every minute.
            "--rules.alert.resend-delay=1s".to_owned(),
        ],
        dir.path(),
    );

    let logs = || {
        format!(
            "{}\n{}\n--- watchfloor ---\n{}",
            prometheus.log(),
            alertmanager.log(),
            app.stderr_text()
        )
    };
    let both_paths = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for(Duration::from_secs(60), "events arrive through Alertmanager and directly", || {
            let webhook = counter(&app, "alertmanager");
            let direct = counter(&app, "alertmanager-api");
            (webhook > 0.0 && direct > 0.0).then_some((webhook, direct))
        })
    }));
    let (webhook, direct) = both_paths.unwrap_or_else(|_| panic!("{}", logs()));
    println!("events accepted: {webhook} through Alertmanager, {direct} from Prometheus directly");

    let open = app.incidents("?status=open");
    let incident = open
        .iter()
        .find(|i| i["title"] == "Always firing: the pipeline works")
        .unwrap_or_else(|| panic!("no incident for the always-firing rule: {open:?}\n{}", logs()));
    assert_eq!(incident["severity"], "critical", "{incident}");
    assert_eq!(open.len(), 1, "both paths land in one incident: {open:?}");
    let detail = app.incident(incident["id"].as_i64().expect("numeric id"));
    let alerts = detail["alerts"].as_array().cloned().unwrap_or_default();
    assert_eq!(alerts.len(), 1, "the same labels are the same alert on both paths: {detail}");
    assert_eq!(alerts[0]["labels"]["alertname"], "AcceptanceAlwaysFiring", "{detail}");
    assert!(detail["event_count"].as_u64().is_some_and(|n| n >= 2), "{detail}");
}
