//! `watchfloor test rules FILE`: the shipped examples pass, a wrong expectation fails with a readable diff, a malformed file names its line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `examples/rules/` at the repository root.
fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/rules")
}

fn watchfloor(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .args(args)
        .output()
        .expect("running the watchfloor binary")
}

fn test_rules(file: &Path) -> Output {
    watchfloor(&["test".as_ref(), "rules".as_ref(), file.as_os_str()])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of the examples in a temp dir, with the test file passed through `edit`.
fn edited_copy(edit: impl FnOnce(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["watchfloor.yaml", "rules_test.yaml"] {
        std::fs::copy(examples().join(name), dir.path().join(name)).expect("copy an example");
    }
    let path = dir.path().join("rules_test.yaml");
    let original = std::fs::read_to_string(&path).expect("read the test file");
    let edited = edit(&original);
    assert_ne!(edited, original, "the edit changed nothing");
    std::fs::write(&path, edited).expect("write the test file");
    (dir, path)
}

#[test]
fn the_shipped_example_config_checks_and_its_tests_pass() {
    let config = examples().join("watchfloor.yaml");
    let check = watchfloor(&["check".as_ref(), config.as_os_str()]);
    assert!(
        check.status.success(),
        "watchfloor check failed on the example: {}{}",
        text(&check.stdout),
        text(&check.stderr)
    );

    let file = examples().join("rules_test.yaml");
    let output = test_rules(&file);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&output.stderr)
    );
    let source = std::fs::read_to_string(&file).expect("read the example tests");
    let tests = source.lines().filter(|line| line.trim_start().starts_with("- name:")).count();
    assert!(tests >= 4, "the example should exercise every rule; it has {tests} tests");
    let passed = stdout.lines().filter(|line| line.starts_with("ok  ")).count();
    assert_eq!(passed, tests, "every test should pass:\n{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.ends_with(&format!("{tests} passed, 0 failed\n")), "{stdout}");
}

#[test]
fn a_wrong_expectation_fails_with_a_readable_diff() {
    let (_dir, path) = edited_copy(|source| {
        source.replacen("          priority: P1\n", "          priority: P2\n", 1).replacen(
            "dropped: {vpn-config-noise: 1}",
            "dropped: {vpn-config-noise: 3}",
            1,
        )
    });
    let output = test_rules(&path);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{}",
        text(&output.stderr)
    );
    assert!(
        stdout.starts_with(
            "FAIL VPN config-change noise is dropped and tunnels down at two sites are a P1\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("\n  incident 1 priority: expected P2, got P1\n"), "{stdout}");
    assert!(
        stdout.contains("\n  dropped by rule `vpn-config-noise`: expected 3, got 1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\nok  one tunnel down stays a P3"),
        "the other tests still run: {stdout}"
    );
    assert!(stdout.ends_with(" passed, 1 failed\n"), "{stdout}");
}

#[test]
fn a_missing_notification_is_listed() {
    let (_dir, path) = edited_copy(|source| {
        source.replacen(
            "        - {incident: 1, channel: noc-webhook, reason: resolved, at: \"2026-06-01T10:20:00Z\"}\n",
            "",
            1,
        )
    });
    let output = test_rules(&path);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "\n  notification 2 not expected: incident 1 to noc-webhook (resolved) at 2026-06-01T10:20:00Z\n"
        ),
        "{stdout}"
    );
}

#[test]
fn a_malformed_file_exits_2_naming_file_and_line() {
    let (_dir, path) = edited_copy(|source| {
        source.replacen("    eval_until: ", "    eval_untill: ", 1).replacen(
            "kind: alertmanager-api",
            "kind: alertmanager-v2",
            1,
        )
    });
    let source = std::fs::read_to_string(&path).expect("read back");
    let line_of = |needle: &str| {
        source.lines().position(|line| line.contains(needle)).map(|index| index + 1).expect("line")
    };
    let output = test_rules(&path);
    let stderr = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "stdout:\n{}\nstderr:\n{stderr}",
        text(&output.stdout)
    );
    let file = path.display().to_string();
    let misspelt =
        format!("{file}:{}:5: tests[0].eval_untill: unknown field", line_of("eval_untill"));
    assert!(stderr.contains(&misspelt), "expected {misspelt:?} in:\n{stderr}");
    assert!(stderr.contains("did you mean `eval_until`?"), "{stderr}");
    let kind = format!("{file}:{}:", line_of("alertmanager-v2"));
    assert!(
        stderr.lines().any(|l| l.starts_with(&kind) && l.contains("tests[0].events[2].kind")),
        "expected the bad kind at {kind} in:\n{stderr}"
    );
    assert!(text(&output.stdout).is_empty(), "no test runs from a malformed file");
}

#[test]
fn a_broken_config_is_reported_in_its_own_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = std::fs::read_to_string(examples().join("watchfloor.yaml"))
        .expect("read the example config")
        .replacen("tier: bronze", "tier: tin", 1);
    std::fs::write(dir.path().join("watchfloor.yaml"), &config).expect("write config");
    std::fs::copy(examples().join("rules_test.yaml"), dir.path().join("rules_test.yaml"))
        .expect("copy tests");
    let output = test_rules(&dir.path().join("rules_test.yaml"));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let line = config.lines().position(|l| l.contains("tier: tin")).expect("line") + 1;
    let expected = format!("{}:{line}:", dir.path().join("watchfloor.yaml").display());
    assert!(stderr.contains(&expected), "expected {expected:?} in:\n{stderr}");
}

#[test]
fn help_lists_the_command() {
    let help = text(&watchfloor(&["--help".as_ref()]).stdout);
    assert!(help.lines().any(|line| line.trim_start().starts_with("test ")), "{help}");
    let help = text(&watchfloor(&["test".as_ref(), "--help".as_ref()]).stdout);
    assert!(help.lines().any(|line| line.trim_start().starts_with("rules ")), "{help}");
}
