//! `watchfloor import cloudtrail`: the invictus-ir dataset twice with the server stopped, each eventID stored once; the sampled root sign-ins raising security-baseline incidents, whether the server was stopped or running.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

use crate::harness::{App, config_yaml, samples_dir, spawn_app, wait_for, wait_until};

const DATASET: &str = "cloudtrail/invictus-ir_aws_dataset/CloudTrail";

/// Every log file of the dataset, in name order.
fn dataset_files() -> Vec<PathBuf> {
    let dir = samples_dir().join(DATASET);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the dataset {} is missing: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 55, "the invictus-ir dataset has 55 log files");
    files
}

/// The dataset's eventIDs, and how many records are read-only calls.
fn dataset_facts(files: &[PathBuf]) -> (HashSet<String>, usize, usize) {
    let mut ids = HashSet::new();
    let (mut records, mut read_only) = (0, 0);
    for file in files {
        let text = std::fs::read(file).expect("reading a log file");
        let log: Value = serde_json::from_slice(&text).expect("a log file is JSON");
        for record in log["Records"].as_array().expect("Records") {
            records += 1;
            ids.insert(record["eventID"].as_str().expect("every record has an eventID").to_owned());
            let name = record["eventName"].as_str().unwrap_or_default();
            if record["readOnly"] == Value::Bool(true)
                || ["Describe", "List", "Get"].iter().any(|p| name.starts_with(p))
            {
                read_only += 1;
            }
        }
    }
    (ids, records, read_only)
}

/// Runs `watchfloor import cloudtrail --tenant TENANT` against the app's database and configuration.
fn import(app: &App, tenant: &str, files: &[PathBuf]) -> Output {
    import_with(app, tenant, &[], files)
}

/// [`import`] with more options.
fn import_with(app: &App, tenant: &str, options: &[&str], files: &[PathBuf]) -> Output {
    let config = app.config_path().expect("a configured server");
    Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args(["import", "cloudtrail", "--tenant", tenant, "--config"])
        .arg(&config)
        .args(app.database_args())
        .args(options)
        .args(files)
        .env_remove("WATCHFLOOR_CONFIG")
        .env_remove("WATCHFLOOR_DATA")
        .env_remove("WATCHFLOOR_DATABASE_URL")
        .output()
        .expect("running watchfloor import")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The number before `word` in the summary line, e.g. `summary_number(line, "new")`.
fn summary_number(summary: &str, before: &str) -> u64 {
    let words: Vec<&str> = summary.split_whitespace().collect();
    let position = words
        .windows(2)
        .position(|pair| pair[1].trim_start_matches('(') == before)
        .unwrap_or_else(|| panic!("no number before {before:?} in {summary:?}"));
    words[position].trim_start_matches('(').parse().unwrap_or_else(|e| {
        panic!("{:?} before {before:?} is not a number ({e}): {summary:?}", words[position])
    })
}

fn gzip_copy(file: &Path, dir: &Path) -> PathBuf {
    let name = format!("{}.gz", file.file_name().expect("a file name").to_string_lossy());
    let target = dir.join(name);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&std::fs::read(file).expect("reading")).expect("compressing");
    std::fs::write(&target, encoder.finish().expect("compressing")).expect("writing the .gz copy");
    target
}

#[test]
fn importing_the_invictus_dataset_twice_stores_each_event_id_once() {
    let files = dataset_files();
    let (ids, records, read_only) = dataset_facts(&files);
    assert_eq!(ids.len(), records, "the dataset's eventIDs are unique");

    let mut app = spawn_app(&config_yaml(&[], None));
    let before = app.stats();
    app.kill9();

    // First run, server stopped: one file gzipped, the rest as they are.
    let scratch = tempfile::tempdir().expect("a temp dir");
    let mut first_run = files.clone();
    first_run[0] = gzip_copy(&files[0], scratch.path());
    let first = import(&app, "acme", &first_run);
    let stdout = text(&first.stdout);
    assert!(first.status.success(), "first import failed: {stdout}\n{}", text(&first.stderr));
    let summary = stdout.lines().last().expect("a summary line").to_owned();
    assert_eq!(summary_number(&summary, "new"), records as u64, "{summary}");
    assert_eq!(summary_number(&summary, "already"), 0, "{summary}");
    assert_eq!(summary_number(&summary, "read-only,"), read_only as u64, "{summary}");
    assert!(summary.contains("records/s"), "the import rate is printed: {summary}");
    // The audit-trail tampering in the dataset (DeleteTrail, PutEventSelectors,
    // DeleteFlowLogs that succeeded) is `error`: those records wait for the engine.
    let raised = summary_number(&summary, "for");
    assert_eq!(raised, 5, "{summary}");
    assert_eq!(
        stdout.lines().count(),
        files.len() + 2,
        "a line per file, one saying what waits for the engine, and a summary: {stdout}"
    );
    eprintln!("first import: {summary}");

    // Second run of the very same files (now all plain): nothing new.
    let second = import(&app, "acme", &files);
    let stdout = text(&second.stdout);
    assert!(second.status.success(), "second import failed: {stdout}\n{}", text(&second.stderr));
    let summary = stdout.lines().last().expect("a summary line").to_owned();
    assert_eq!(summary_number(&summary, "new"), 0, "{summary}");
    assert_eq!(summary_number(&summary, "already"), records as u64, "{summary}");
    eprintln!("second import: {summary}");

    assert_eq!(summary_number(&summary, "for"), 0, "nothing new waits for the engine: {summary}");

    // The server sees each eventID once; on starting, it handles the five
    // marked events like live ones: five alerts, and the rest is history.
    app.restart();
    let added = |stats: &Value, what: &str| {
        stats[what].as_i64().expect("a count") - before[what].as_i64().unwrap_or(0)
    };
    let stats = wait_for(Duration::from_secs(20), "the engine handles the marked events", || {
        let stats = app.stats();
        (added(&stats, "alerts") == raised as i64).then_some(stats)
    });
    assert_eq!(added(&stats, "events"), ids.len() as i64, "one event per eventID: {stats}");
    assert_eq!(
        added(&stats, "payloads"),
        files.len() as i64,
        "one payload per file of the first run, none for the second: {stats}"
    );
    assert!(added(&stats, "incidents") >= 1, "{stats}");
    let mut names: Vec<String> = app
        .incidents("?status=open&tenant=acme")
        .iter()
        .flat_map(|i| app.incident(i["id"].as_i64().unwrap_or(0))["alerts"].as_array().cloned())
        .flatten()
        .map(|a| a["labels"]["eventName"].as_str().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["DeleteFlowLogs", "DeleteTrail", "DeleteTrail", "PutEventSelectors", "PutEventSelectors"]
    );
    // Only the first run's files are audited: the second added nothing.
    let audited = app.api_get("/api/v1/audit?limit=200").expect_status(200, "audit").json();
    let imports = audited["entries"].as_array().map_or(0, |entries| {
        entries.iter().filter(|e| e["action"] == "events.import.cloudtrail").count()
    });
    assert_eq!(imports, files.len(), "{audited}");
    assert_eq!(audited["chain_intact"], true, "{audited}");
}

/// The three root sign-ins of the AWS documentation samples, and an IAM user's.
fn sign_in_samples() -> (Vec<PathBuf>, PathBuf) {
    let dir = samples_dir().join("cloudtrail/awsdocs_cloudtrail-user-guide");
    let root = ["L215", "L250", "L286"]
        .iter()
        .map(|line| {
            dir.join(format!(
                "cloudtrail-event-reference-aws-console-sign-in-events_{line}_ConsoleLogin_Root.json"
            ))
        })
        .collect();
    let user =
        dir.join("cloudtrail-event-reference-aws-console-sign-in-events_L28_ConsoleLogin.json");
    (root, user)
}

fn baseline_config() -> String {
    "grouping: {group_wait: 0s, group_by: [security_baseline]}
tenants:
  - {id: globex, tier: platinum, rule_packs: [aws-security-baseline]}
  - {id: corner, tier: bronze}
services:
  - {id: globex-aws, tenant: globex, criticality: medium}
  - {id: corner-aws, tenant: corner, criticality: low}
"
    .to_owned()
}

#[test]
fn imported_root_sign_ins_raise_baseline_incidents_once() {
    let (root, user) = sign_in_samples();
    let mut files = root.clone();
    files.push(user);
    let mut app = spawn_app(&baseline_config());

    // Server stopped: single-record files import; the root sign-ins wait.
    // The documentation gives the sign-ins with and without MFA one eventID:
    // as far as an import can tell, the second is the first again.
    app.kill9();
    let output = import(&app, "globex", &files);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", text(&output.stderr));
    let summary = stdout.lines().last().expect("a summary line");
    assert_eq!(summary_number(summary, "new"), 3, "{summary}");
    assert_eq!(summary_number(summary, "already"), 1, "{summary}");
    assert_eq!(summary_number(summary, "for"), 2, "both root sign-ins: {summary}");

    // On starting, the server raises them: one P1 baseline incident.
    app.restart();
    let incident = wait_for(Duration::from_secs(20), "a root sign-in incident", || {
        app.incidents("?status=open&tenant=globex").into_iter().next()
    });
    let title = incident["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("Root account console sign-in"), "{incident}");
    assert_eq!(incident["priority"], "P1", "{incident}");
    let id = incident["id"].as_i64().expect("an id");
    wait_until(Duration::from_secs(20), "both sign-ins on the incident", || {
        app.incident(id)["alerts"].as_array().is_some_and(|alerts| alerts.len() == 2)
    });
    let detail = app.incident(id);
    for alert in detail["alerts"].as_array().into_iter().flatten() {
        assert_eq!(alert["labels"]["security_baseline"], "root-sign-in", "{detail}");
        assert_eq!(alert["labels"]["userIdentity.type"], "Root", "{detail}");
    }

    // Again, with the server running: nothing new, nothing raised twice.
    let before = app.stats();
    let again = import(&app, "globex", &files);
    let summary = text(&again.stdout).lines().last().map(str::to_owned).unwrap_or_default();
    assert_eq!((summary_number(&summary, "new"), summary_number(&summary, "for")), (0, 0));
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(app.stats()["alerts"], before["alerts"]);

    // A tenant without the pack, server running: the adapter's severity
    // decides. The successful root sign-in without MFA is critical; the
    // failed one is a warning and stays history. The server picks it up
    // within seconds.
    let corner = import(&app, "corner", &root);
    let summary = text(&corner.stdout).lines().last().map(str::to_owned).unwrap_or_default();
    assert_eq!(summary_number(&summary, "for"), 1, "{summary}");
    let opened = wait_for(Duration::from_secs(20), "corner's incident", || {
        app.incidents("?status=open&tenant=corner").into_iter().next()
    });
    let detail = app.incident(opened["id"].as_i64().expect("an id"));
    let alerts = detail["alerts"].as_array().cloned().unwrap_or_default();
    assert_eq!(alerts.len(), 1, "{detail}");
    assert_eq!(alerts[0]["labels"]["additionalEventData.MFAUsed"], "No", "{detail}");
    assert_eq!(alerts[0]["severity"], "critical", "{detail}");

    // `--raise none` keeps everything as history; a bad value is refused.
    let history = import_with(&app, "corner", &["--raise", "none"], &files[3..]);
    let summary = text(&history.stdout).lines().last().map(str::to_owned).unwrap_or_default();
    assert_eq!((summary_number(&summary, "new"), summary_number(&summary, "for")), (1, 0));
    let refused = import_with(&app, "corner", &["--raise", "loud"], &files);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("is not a severity"), "{}", text(&refused.stderr));
}

#[test]
fn bad_files_and_unknown_tenants_are_reported() {
    let mut app = spawn_app(&config_yaml(&[], None));
    app.kill9();
    let scratch = tempfile::tempdir().expect("a temp dir");
    let broken = scratch.path().join("broken.json");
    std::fs::write(&broken, "{\"Records\": [").expect("writing");
    let digest = scratch.path().join("digest.json");
    std::fs::write(&digest, "{\"digestStartTime\": \"2023-07-10T11:00:00Z\", \"logFiles\": []}")
        .expect("writing");
    let good = dataset_files().swap_remove(2);
    let good_copy = good.clone();
    let output = import(&app, "acme", &[broken.clone(), digest, good]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(!output.status.success(), "a bad file fails the run: {stdout}");
    assert!(stderr.contains("broken.json: not imported"), "{stderr}");
    assert!(stderr.contains("digest file"), "{stderr}");
    assert!(stderr.contains("2 of 3 files could not be imported"), "{stderr}");
    let summary = stdout.lines().last().expect("a summary line");
    assert!(summary_number(summary, "new") > 0, "the good file was imported: {summary}");

    // A record holding U+0000 (NUL), which the store cannot keep: the file
    // is refused whole, with the record and field named.
    let text_of_good = std::fs::read_to_string(&good_copy).expect("reading a dataset file");
    let with_nul = scratch.path().join("with-nul.json");
    let spoiled = text_of_good.replacen("\"eventName\":\"", "\"eventName\":\"\\u0000", 1);
    std::fs::write(&with_nul, spoiled).expect("writing");
    let output = import(&app, "acme", &[with_nul]);
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("with-nul.json: not imported"), "{stderr}");
    assert!(stderr.contains("Records[0]: ") && stderr.contains("holds U+0000 (NUL)"), "{stderr}");

    let unknown = import(&app, "globex", &[broken]);
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("tenant `globex` is not in the configuration"));
}
