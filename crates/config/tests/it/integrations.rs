//! Integration settings: SNS verification, pinned certificates, subscription hosts and raw delivery; the EventBridge key header.

use std::time::Duration;

use domain::Severity;
use watchfloor_config::integrations::{DEFAULT_KEY_HEADER, DEFAULT_SNS_MAX_MESSAGE_AGE};
use watchfloor_config::{ConfigError, InsufficientData, Loaded, load_all, parse_all};

use crate::{doc, expect};

/// A tenant, a service, and generic, SNS and EventBridge integrations; the
/// `sns` lines go under the SNS integration from line 10 on, the
/// `eventbridge` lines under the EventBridge one (indented by six spaces).
fn config(sns: &[&str], eventbridge: &[&str]) -> String {
    let mut lines: Vec<String> = [
        "tenants: [{id: acme, tier: gold}]",   // 1
        "services: [{id: web, tenant: acme}]", // 2
        "integrations:",                       // 3
        "  - {key: acme-generic-key, tenant: acme, service: web, kind: generic}", // 4
        "  - key: acme-sns-key-001",           // 5
        "    tenant: acme",                    // 6
        "    service: web",                    // 7
        "    kind: sns",                       // 8
    ]
    .map(str::to_owned)
    .to_vec();
    if !sns.is_empty() {
        lines.push("    sns:".to_owned()); // 9
        lines.extend(sns.iter().map(|line| format!("      {line}"))); // 10…
    }
    lines.extend(
        [
            "  - key: acme-eventbridge-01",
            "    tenant: acme",
            "    service: web",
            "    kind: eventbridge",
        ]
        .map(str::to_owned),
    );
    if !eventbridge.is_empty() {
        lines.push("    eventbridge:".to_owned());
        lines.extend(eventbridge.iter().map(|line| format!("      {line}")));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    doc(&refs)
}

fn checked(source: &str) -> Loaded {
    match parse_all(source, "test.yaml") {
        Ok(loaded) => loaded,
        Err(ConfigError::Invalid(diagnostics)) => {
            let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("expected a valid config, got:\n{}", lines.join("\n"))
        }
        Err(other) => panic!("expected a valid config, got {other}"),
    }
}

fn errors(source: &str) -> Vec<watchfloor_config::Diagnostic> {
    match parse_all(source, "test.yaml") {
        Err(ConfigError::Invalid(diagnostics)) => diagnostics,
        other => panic!("expected diagnostics, got {other:?}"),
    }
}

#[test]
fn without_settings_every_integration_gets_the_defaults() {
    let loaded = checked(&config(&[], &[]));
    assert_eq!(loaded.config.integrations.len(), 3);
    for index in 0..3 {
        let options = loaded.integrations.get(index).expect("one entry per integration");
        assert!(options.sns.verify_signatures, "verification is on by default");
        assert!(options.sns.pinned_certificates.is_empty());
        assert!(options.sns.confirm_hosts.is_empty());
        assert!(!options.sns.raw_delivery, "raw delivery is refused by default");
        assert_eq!(options.sns.max_message_age, DEFAULT_SNS_MAX_MESSAGE_AGE);
        assert_eq!(options.sns.alarm_severity, Severity::Error);
        assert_eq!(options.sns.insufficient_data, InsufficientData::Trigger(Severity::Warning));
        assert_eq!(loaded.integrations.key_header(index), DEFAULT_KEY_HEADER);
    }
    assert_eq!(loaded.integrations.key_header(99), DEFAULT_KEY_HEADER, "past the end: default");
}

#[test]
fn sns_and_eventbridge_settings_are_read() {
    let loaded = checked(&config(
        &[
            "pinned_certificates: [certs/sns.pem, /etc/watchfloor/other.pem]",
            "confirm_hosts: [\"127.0.0.1:9000\", LocalHost]",
            "raw_delivery: true",
            "max_message_age: 15m",
            "alarm_severity: critical",
            "insufficient_data: ignore",
        ],
        &["key_header: X-Api-Key"],
    ));
    let sns = &loaded.integrations.get(1).expect("the sns integration").sns;
    assert!(sns.verify_signatures);
    assert_eq!(
        sns.pinned_certificates,
        vec![
            std::path::PathBuf::from("certs/sns.pem"),
            std::path::PathBuf::from("/etc/watchfloor/other.pem")
        ]
    );
    assert_eq!(sns.confirm_hosts, vec!["127.0.0.1:9000".to_owned(), "localhost".to_owned()]);
    assert!(sns.raw_delivery);
    assert_eq!(sns.max_message_age, Duration::from_secs(900));
    assert_eq!(sns.alarm_severity, Severity::Critical);
    assert_eq!(sns.insufficient_data, InsufficientData::Ignore);
    assert_eq!(loaded.integrations.key_header(2), "x-api-key", "header names are lower-cased");

    let resolve = checked(&config(&["insufficient_data: resolve"], &[]));
    let sns = &resolve.integrations.get(1).expect("the sns integration").sns;
    assert_eq!(sns.insufficient_data, InsufficientData::Resolve);
    let info = checked(&config(&["insufficient_data: info"], &[]));
    let sns = &info.integrations.get(1).expect("the sns integration").sns;
    assert_eq!(sns.insufficient_data, InsufficientData::Trigger(Severity::Info));
}

#[test]
fn turning_verification_off_is_explicit() {
    let loaded = checked(&config(&["verify_signatures: false"], &[]));
    assert!(!loaded.integrations.get(1).expect("sns").sns.verify_signatures);
}

#[test]
fn bad_sns_settings_name_their_line_and_field() {
    let source = config(
        &[
            "verify_signatures: maybe",                            // 10
            "confirm_hosts: [\"http://127.0.0.1:9000\", \"h:0\"]", // 11
            "raw_delivery: yes please",                            // 12
            "max_message_age: 0s",                                 // 13
            "alarm_severity: loud",                                // 14
            "insufficient_data: warnin",                           // 15
            "pinned_certs: []",                                    // 16
        ],
        &["key_header: \"x key\""],
    );
    let diagnostics = errors(&source);
    let prefix = "integrations[1].sns";
    expect(&diagnostics, &format!("{prefix}.verify_signatures"), 10, "true or false");
    expect(&diagnostics, &format!("{prefix}.confirm_hosts[0]"), 11, "without a scheme");
    expect(&diagnostics, &format!("{prefix}.confirm_hosts[1]"), 11, "port");
    expect(&diagnostics, &format!("{prefix}.raw_delivery"), 12, "true or false");
    expect(&diagnostics, &format!("{prefix}.max_message_age"), 13, "longer than zero");
    expect(&diagnostics, &format!("{prefix}.alarm_severity"), 14, "invalid severity");
    expect(&diagnostics, &format!("{prefix}.insufficient_data"), 15, "did you mean `warning`");
    expect(&diagnostics, &format!("{prefix}.pinned_certs"), 16, "pinned_certificates");
    expect(&diagnostics, "integrations[2].eventbridge.key_header", 22, "not an HTTP header name");
}

#[test]
fn settings_belong_to_their_kind() {
    let mut lines = vec![
        "tenants: [{id: acme, tier: gold}]",
        "services: [{id: web, tenant: acme}]",
        "integrations:",
        "  - key: acme-generic-key",
        "    tenant: acme",
        "    service: web",
        "    kind: generic",
        "    sns: {raw_delivery: true}",
        "  - key: acme-sns-key-001",
        "    tenant: acme",
        "    service: web",
        "    kind: sns",
        "    eventbridge: {key_header: x-api-key}",
    ];
    let diagnostics = errors(&doc(&lines));
    expect(&diagnostics, "integrations[0].sns", 8, "only to integrations of kind sns");
    expect(
        &diagnostics,
        "integrations[1].eventbridge",
        13,
        "only to integrations of kind eventbridge",
    );
    lines.truncate(7);
    assert!(parse_all(&doc(&lines), "test.yaml").is_ok());
}

#[test]
fn pinned_certificates_without_verification_are_a_contradiction() {
    let diagnostics =
        errors(&config(&["verify_signatures: false", "pinned_certificates: [a.pem]"], &[]));
    expect(&diagnostics, "integrations[1].sns.pinned_certificates", 11, "never used");
}

#[test]
fn loading_from_a_file_resolves_and_checks_pinned_certificates() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::create_dir(dir.path().join("certs")).expect("certs dir");
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    std::fs::write(dir.path().join("certs/sns.pem"), pem).expect("writing the certificate");
    std::fs::write(dir.path().join("not-a-cert.pem"), "hello").expect("writing a non-certificate");

    let good = dir.path().join("good.yaml");
    std::fs::write(&good, config(&["pinned_certificates: [certs/sns.pem]"], &[])).expect("write");
    let loaded = load_all(&good).expect("the pinned certificate exists");
    let sns = &loaded.integrations.get(1).expect("sns").sns;
    assert_eq!(sns.pinned_certificates, vec![dir.path().join("certs/sns.pem")]);

    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        config(&["pinned_certificates: [missing.pem, not-a-cert.pem, certs/sns.pem]"], &[]),
    )
    .expect("write");
    let Err(ConfigError::Invalid(diagnostics)) = load_all(&bad) else {
        panic!("missing and malformed certificate files must be reported");
    };
    let prefix = "integrations[1].sns.pinned_certificates";
    expect(&diagnostics, &format!("{prefix}[0]"), 10, "cannot read the file");
    expect(&diagnostics, &format!("{prefix}[1]"), 10, "holds no PEM certificate");
    assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    // `load`, which `watchfloor check` uses, reports the same.
    assert!(matches!(watchfloor_config::load(&bad), Err(ConfigError::Invalid(d)) if d.len() == 2));
}
