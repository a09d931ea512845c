//! `watchfloor check FILE`: a valid file passes; every error names file, line and field.

use std::process::{Command, Output};

use crate::harness::config_yaml;

fn check(path: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .arg("check")
        .arg(path)
        .output()
        .expect("running watchfloor check")
}

/// The 1-based line of the `nth` (0-based) line containing `needle`.
fn line_of(text: &str, needle: &str, nth: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .nth(nth)
        .map(|(index, _)| index + 1)
        .unwrap_or_else(|| panic!("the test config has no line #{nth} containing {needle:?}"))
}

#[test]
fn a_valid_config_passes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("valid.yaml");
    std::fs::write(&path, config_yaml(&["alertname"], Some("http://127.0.0.1:9/hook")))
        .expect("write");
    let output = check(&path);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "check failed on a valid file: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("ok"), "{stdout}");
}

#[test]
fn every_error_names_file_line_and_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.yaml");
    let text = "\
public_url: http://127.0.0.1:8080
grouping:
  group_by: [alertname]
  group_wait: 0s
delivery:
  max_attempts: many
tenants:
  - id: acme
    name: Acme Corp
    tier: platinum
  - id: acme
    name: Acme Again
    tier: gold
services:
  - id: acme-vpn
    tenant: acme
    criticalty: high
integrations:
  - key: acme-pd-key-0001
    tenant: nosuch
    service: acme-vpn
    kind: pagerduty
";
    std::fs::write(&path, text).expect("write");
    let output = check(&path);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "check passed a broken file; stderr: {stderr}");

    let file = path.display().to_string();
    let expected = [
        ("misspelt key", line_of(text, "criticalty:", 0), "criticalty"),
        ("wrong type", line_of(text, "max_attempts:", 0), "max_attempts"),
        ("duplicate id", line_of(text, "- id: acme", 1), "tenants[1].id"),
        ("unknown tenant", line_of(text, "tenant: nosuch", 0), "integrations[0].tenant"),
    ];
    for (what, line, field) in expected {
        let prefix = format!("{file}:{line}:");
        let found = stderr.lines().any(|l| l.starts_with(&prefix) && l.contains(field));
        assert!(found, "{what}: no line starting {prefix:?} naming {field:?} in:\n{stderr}");
    }
    let missing = dir.path().join("missing.yaml");
    let output = check(&missing);
    assert!(!output.status.success(), "check passed a file that does not exist");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("missing.yaml"), "{stderr}");
}

/// Runs `watchfloor serve ARGS`, which must exit (not serve) within 30 s.
pub(crate) fn serve_expecting_exit(
    args: &[&std::ffi::OsStr],
) -> (std::process::ExitStatus, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .env("WATCHFLOOR_ADMIN_TOKEN", crate::harness::ADMIN_TOKEN)
        .env_remove("WATCHFLOOR_CONFIG")
        .env_remove("WATCHFLOOR_DATABASE_URL")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawning watchfloor serve");
    let status = crate::harness::wait_for(
        std::time::Duration::from_secs(30),
        "watchfloor serve exits on a bad configuration",
        || child.try_wait().expect("polling the child"),
    );
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    (status, stderr)
}

#[test]
fn serve_refuses_a_broken_config_and_a_missing_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("serve-broken.yaml");
    let text = config_yaml(&[], None).replace("tier: platinum", "tier: diamond");
    std::fs::write(&path, &text).expect("write");
    let data = dir.path().join("data");
    let (status, stderr) = serve_expecting_exit(&[
        "--config".as_ref(),
        path.as_os_str(),
        "--data".as_ref(),
        data.as_os_str(),
    ]);
    assert!(!status.success(), "serve started on a broken config; stderr: {stderr}");
    let prefix = format!("{}:{}:", path.display(), line_of(&text, "tier: diamond", 0));
    assert!(
        stderr.contains(&prefix) && stderr.contains("tier"),
        "no {prefix:?} naming tier in: {stderr}"
    );

    let (status, stderr) = serve_expecting_exit(&["--data".as_ref(), data.as_os_str()]);
    assert!(!status.success(), "serve started without any configuration; stderr: {stderr}");
    assert!(stderr.contains("--config"), "the error says how to give one: {stderr}");
}
