//! `watchfloor import cloudtrail` on the invictus-ir dataset: with the server stopped, twice, and each eventID ends up stored once.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::harness::{App, config_yaml, samples_dir, spawn_app};

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
    let config = app.config_path().expect("a configured server");
    Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args(["import", "cloudtrail", "--tenant", tenant, "--config"])
        .arg(&config)
        .args(app.database_args())
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
    assert_eq!(summary_number(&summary, "read-only)"), read_only as u64, "{summary}");
    assert!(summary.contains("records/s"), "the import rate is printed: {summary}");
    assert_eq!(stdout.lines().count(), files.len() + 1, "a line per file and a summary: {stdout}");
    eprintln!("first import: {summary}");

    // Second run of the very same files (now all plain): nothing new.
    let second = import(&app, "acme", &files);
    let stdout = text(&second.stdout);
    assert!(second.status.success(), "second import failed: {stdout}\n{}", text(&second.stderr));
    let summary = stdout.lines().last().expect("a summary line").to_owned();
    assert_eq!(summary_number(&summary, "new"), 0, "{summary}");
    assert_eq!(summary_number(&summary, "already"), records as u64, "{summary}");
    eprintln!("second import: {summary}");

    // The server sees each eventID once, as events that opened nothing.
    app.restart();
    let stats = app.stats();
    let events = stats["events"].as_i64().expect("events") - before["events"].as_i64().unwrap_or(0);
    assert_eq!(events, ids.len() as i64, "one event per eventID: {stats}");
    assert_eq!(
        stats["payloads"].as_i64().expect("payloads") - before["payloads"].as_i64().unwrap_or(0),
        files.len() as i64,
        "one payload per file of the first run, none for the second: {stats}"
    );
    assert_eq!((&stats["alerts"], &stats["incidents"]), (&before["alerts"], &before["incidents"]));
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
    let output = import(&app, "acme", &[broken.clone(), digest, good]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(!output.status.success(), "a bad file fails the run: {stdout}");
    assert!(stderr.contains("broken.json: not imported"), "{stderr}");
    assert!(stderr.contains("digest file"), "{stderr}");
    assert!(stderr.contains("2 of 3 files could not be imported"), "{stderr}");
    let summary = stdout.lines().last().expect("a summary line");
    assert!(summary_number(summary, "new") > 0, "the good file was imported: {summary}");

    let unknown = import(&app, "globex", &[broken]);
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("tenant `globex` is not in the configuration"));
}
