//! Integration tests of watchfloor-config: the example, and every error class with its exact line.

mod integrations;
mod oncall;
mod paging;
mod priority;
mod rules;

use std::time::Duration;

use domain::{ChannelKind, Criticality, Environment, IntegrationKind, ServiceId, TenantId, Tier};
use watchfloor_config::{ConfigError, Diagnostic, EXAMPLE, load, parse, parse_with_env};

/// Joins lines so that `lines[i]` is line `i + 1` of the document.
fn doc(lines: &[&str]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn env(name: &str) -> Option<String> {
    match name {
        "SLACK_URL" => Some("https://hooks.slack.com/services/T1/B2/C3".to_owned()),
        "HOOK_TOKEN" => Some("t0ken".to_owned()),
        "PUBLIC_URL" => Some("https://noc.example.com/".to_owned()),
        _ => None,
    }
}

fn ok(source: &str) -> domain::Config {
    match parse_with_env(source, "test.yaml", &env) {
        Ok(config) => config,
        Err(ConfigError::Invalid(diagnostics)) => {
            let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("expected a valid config, got:\n{}", lines.join("\n"))
        }
        Err(other) => panic!("expected a valid config, got {other}"),
    }
}

fn errors(source: &str) -> Vec<Diagnostic> {
    match parse_with_env(source, "test.yaml", &env) {
        Err(ConfigError::Invalid(diagnostics)) => diagnostics,
        other => panic!("expected diagnostics, got {other:?}"),
    }
}

/// The single diagnostic for `field`; panics listing all of them otherwise.
fn at<'d>(diagnostics: &'d [Diagnostic], field: &str) -> &'d Diagnostic {
    let matching: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.field == field).collect();
    match matching.as_slice() {
        [one] => one,
        _ => {
            let all: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            panic!("expected one diagnostic for {field:?}, got:\n{}", all.join("\n"))
        }
    }
}

/// Asserts the line of the diagnostic for `field` and that its message contains `needle`.
#[track_caller]
fn expect(diagnostics: &[Diagnostic], field: &str, line: usize, needle: &str) {
    let diagnostic = at(diagnostics, field);
    assert_eq!(diagnostic.line, line, "line of {diagnostic}");
    assert!(diagnostic.message.contains(needle), "{diagnostic:?} should mention {needle:?}");
}

/// A small valid config; tests replace or append lines. Line numbers are in the comments.
const BASE: &[&str] = &[
    "tenants:",                            // 1
    "  - id: acme",                        // 2
    "    tier: platinum",                  // 3
    "services:",                           // 4
    "  - id: acme-vpn",                    // 5
    "    tenant: acme",                    // 6
    "integrations:",                       // 7
    "  - key: acme-prometheus-key",        // 8
    "    tenant: acme",                    // 9
    "    service: acme-vpn",               // 10
    "    kind: alertmanager",              // 11
    "notify:",                             // 12
    "  - id: noc-webhook",                 // 13
    "    kind: webhook",                   // 14
    "    url: http://127.0.0.1:9000/hook", // 15
];

/// BASE with line `line` (1-based) replaced.
fn base_with(line: usize, text: &str) -> String {
    let mut lines = BASE.to_vec();
    lines[line - 1] = text;
    doc(&lines)
}

// ----- valid configs ------------------------------------------------------

#[test]
fn the_example_parses() {
    let config = parse(EXAMPLE, "example.yaml").expect("the example is valid");
    assert_eq!(config.tenants.len(), 2);
    assert_eq!(config.tenants[0].tier, Tier::Platinum);
    assert_eq!(config.tenants[1].tier, Tier::Bronze);
    assert!(config.services.len() >= 3);
    for kind in IntegrationKind::ALL {
        assert!(
            config.integrations.iter().any(|i| i.kind == *kind),
            "an integration of kind {kind}"
        );
    }
    assert!(config.channels.iter().any(|c| matches!(c.kind, ChannelKind::Webhook { .. })));
    assert!(config.channels.iter().any(|c| matches!(c.kind, ChannelKind::Slack { .. })));
}

#[test]
fn the_example_file_loads_from_disk() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example.yaml");
    let config = load(&path).expect("example.yaml loads");
    assert_eq!(config, parse(EXAMPLE, "example.yaml").expect("valid"));
}

#[test]
fn a_missing_file_is_a_read_error() {
    let error =
        load(std::path::Path::new("/nonexistent/watchfloor.yaml")).expect_err("no such file");
    assert!(matches!(error, ConfigError::Read { .. }), "{error:?}");
    assert!(error.to_string().starts_with("cannot read /nonexistent/watchfloor.yaml: "), "{error}");
}

#[test]
fn defaults_fill_what_is_left_out() {
    let config = ok(&doc(BASE));
    assert_eq!(config.public_url, "http://127.0.0.1:8080");
    assert_eq!(config.grouping, domain::Grouping::default());
    assert_eq!(config.delivery, domain::DeliverySettings::default());
    let tenant = &config.tenants[0];
    assert_eq!(tenant.name, "acme");
    assert!(tenant.notify.is_empty());
    let service = &config.services[0];
    assert_eq!(service.name, "acme-vpn");
    assert_eq!(service.criticality, Criticality::Medium);
    assert_eq!(service.environment, Environment::Production);
    assert_eq!(
        (service.group_by.as_ref(), service.group_wait, service.auto_resolve),
        (None, None, None)
    );
    assert_eq!(config.integrations[0].key.expose(), "acme-prometheus-key");
    assert_eq!(
        config.channels[0].kind,
        ChannelKind::Webhook { url: "http://127.0.0.1:9000/hook".to_owned(), headers: vec![] }
    );
}

#[test]
fn an_empty_file_is_an_empty_config() {
    let config = ok("# nothing configured yet\n");
    assert!(config.tenants.is_empty() && config.services.is_empty());
    assert_eq!(config.public_url, watchfloor_config::DEFAULT_PUBLIC_URL);
}

#[test]
fn every_setting_is_read() {
    let config = ok(&doc(&[
        "public_url: ${PUBLIC_URL}",
        "grouping: {group_by: [alertname, site], group_wait: 1m30s, auto_resolve: false}",
        "delivery: {max_attempts: 8, initial_backoff: 500ms, max_backoff: 1h, timeout: 30s}",
        "tenants:",
        "  - {id: acme, name: Acme Corp, tier: gold, notify: [slack]}",
        "services:",
        "  - id: acme-vpn",
        "    tenant: acme",
        "    name: Acme VPN",
        "    criticality: critical",
        "    environment: dr",
        "    notify: [hook]",
        "    group_by: []",
        "    group_wait: 0s",
        "    auto_resolve: true",
        "integrations:",
        "  - {key: k3y-k3y-k3y, tenant: acme, service: acme-vpn, kind: pagerduty}",
        "notify:",
        "  - id: hook",
        "    kind: webhook",
        "    url: https://hooks.example.com/in",
        "    headers:",
        "      Authorization: Bearer ${HOOK_TOKEN}",
        "      X-Price: '$5'",
        "  - {id: slack, kind: slack, url: '${SLACK_URL}'}",
    ]));
    assert_eq!(config.public_url, "https://noc.example.com", "trailing slash trimmed");
    assert_eq!(config.grouping.group_by, ["alertname", "site"]);
    assert_eq!(config.grouping.group_wait, Duration::from_secs(90));
    assert!(!config.grouping.auto_resolve);
    assert_eq!(config.delivery.max_attempts, 8);
    assert_eq!(config.delivery.initial_backoff, Duration::from_millis(500));
    assert_eq!(config.delivery.max_backoff, Duration::from_secs(3600));
    assert_eq!(config.delivery.timeout, Duration::from_secs(30));
    assert_eq!(config.tenants[0].name, "Acme Corp");
    let service = &config.services[0];
    assert_eq!(service.name, "Acme VPN");
    assert_eq!(
        (service.criticality, service.environment),
        (Criticality::Critical, Environment::Dr)
    );
    assert_eq!(service.group_by.as_deref(), Some(&[][..]));
    assert_eq!(service.group_wait, Some(Duration::ZERO));
    assert_eq!(service.auto_resolve, Some(true));
    assert_eq!(config.integrations[0].kind, IntegrationKind::PagerDuty);
    assert_eq!(
        config.channels[0].kind,
        ChannelKind::Webhook {
            url: "https://hooks.example.com/in".to_owned(),
            headers: vec![
                ("Authorization".to_owned(), "Bearer t0ken".to_owned()),
                ("X-Price".to_owned(), "$5".to_owned()),
            ],
        }
    );
    assert_eq!(
        config.channels[1].kind,
        ChannelKind::Slack { url: "https://hooks.slack.com/services/T1/B2/C3".to_owned() }
    );
    let tenant = TenantId::parse("acme").expect("valid id");
    let service = ServiceId::parse("acme-vpn").expect("valid id");
    let channels: Vec<String> =
        config.channels_for(&tenant, &service).iter().map(ToString::to_string).collect();
    assert_eq!(channels, ["hook", "slack"]);
}

#[test]
fn anchors_and_aliases_work() {
    let config = ok(&doc(&[
        "tenants:",
        "  - {id: a, tier: gold, notify: &channels [hook]}",
        "  - {id: b, tier: gold, notify: *channels}",
        "notify:",
        "  - {id: hook, kind: webhook, url: 'http://localhost/'}",
    ]));
    assert_eq!(config.tenants[1].notify, config.tenants[0].notify);
}

// ----- one error class at a time -----------------------------------------

#[test]
fn yaml_syntax_errors_have_line_and_column() {
    let diagnostics =
        errors(&doc(&["tenants:", "  - id: acme", "    tier: [gold", "services: []"]));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.field, "");
    assert!(diagnostic.message.starts_with("YAML syntax error"), "{diagnostic}");
    assert_eq!((diagnostic.line, diagnostic.column), (4, 9), "{diagnostic}");

    let diagnostics = errors("tenants:\n  - id: acme\n tier: gold\n");
    assert_eq!(diagnostics[0].line, 3, "{:?}", diagnostics[0]);
}

#[test]
fn a_misspelt_key_is_reported_with_a_suggestion() {
    let diagnostics = errors(&base_with(3, "    teir: platinum"));
    assert_eq!(diagnostics.len(), 1, "no extra 'missing tier' noise: {diagnostics:?}");
    let diagnostic = at(&diagnostics, "tenants[0].teir");
    assert_eq!((diagnostic.line, diagnostic.column), (3, 5));
    assert!(diagnostic.message.contains("did you mean `tier`?"), "{diagnostic}");
    assert_eq!(
        diagnostic.to_string(),
        "test.yaml:3:5: tenants[0].teir: unknown field `teir` (did you mean `tier`?); \
         expected one of: id, name, tier, notify, escalation_policy, business_hours, rule_packs"
    );
}

#[test]
fn unknown_keys_are_reported_everywhere() {
    let mut lines = BASE.to_vec();
    lines.extend([
        "channels: []",     // 16
        "grouping:",        // 17
        "  group_wiat: 5s", // 18
        "delivery:",        // 19
        "  retries: 3",     // 20
    ]);
    lines[6 - 1] = "    tennant: acme";
    lines[14 - 1] = "    knid: webhook";
    let diagnostics = errors(&doc(&lines));
    expect(&diagnostics, "services[0].tennant", 6, "did you mean `tenant`?");
    expect(&diagnostics, "notify[0].knid", 14, "did you mean `kind`?");
    expect(&diagnostics, "channels", 16, "expected one of: public_url, grouping, delivery");
    expect(&diagnostics, "grouping.group_wiat", 18, "did you mean `group_wait`?");
    expect(&diagnostics, "delivery.retries", 20, "unknown field `retries`");
    assert_eq!(diagnostics.len(), 5, "{diagnostics:#?}");
}

#[test]
fn a_key_given_twice_is_reported() {
    let mut lines = BASE.to_vec();
    lines.insert(3, "    tier: gold"); // line 4
    let diagnostics = errors(&doc(&lines));
    expect(&diagnostics, "tenants[0].tier", 4, "first at line 3");
}

#[test]
fn missing_required_fields_point_at_the_object() {
    let diagnostics = errors(&doc(&[
        "tenants:",
        "  - name: Nameless", // 2
        "integrations:",
        "  - key: acme-prometheus-key", // 4
        "    service:",                 // 5
        "notify:",
        "  - {id: x, kind: slack}", // 7
    ]));
    expect(&diagnostics, "tenants[0].id", 2, "missing required field `id`");
    expect(&diagnostics, "tenants[0].tier", 2, "missing required field `tier`");
    expect(&diagnostics, "integrations[0].tenant", 4, "missing required field `tenant`");
    expect(&diagnostics, "integrations[0].service", 5, "`service` needs a value");
    expect(&diagnostics, "integrations[0].kind", 4, "missing required field `kind`");
    expect(&diagnostics, "notify[0].url", 7, "missing required field `url`");
    assert_eq!(diagnostics.len(), 6, "{diagnostics:#?}");
}

#[test]
fn wrong_types_are_reported() {
    let diagnostics = errors(&doc(&[
        "grouping:",
        "  group_by: alertname", // 2
        "  auto_resolve: yes",   // 3
        "delivery:",
        "  max_attempts: many", // 5
        "  timeout: [10s]",     // 6
        "tenants: acme",        // 7
        "services:",
        "  - acme-vpn", // 9
        "notify:",
        "  - id: {name: x}", // 11
        "    kind: slack",
        "    url: https://hooks.slack.com/x",
    ]));
    expect(
        &diagnostics,
        "grouping.group_by",
        2,
        "expected a list of label names, found \"alertname\"",
    );
    expect(&diagnostics, "grouping.auto_resolve", 3, "expected true or false");
    expect(&diagnostics, "delivery.max_attempts", 5, "expected a whole number from 1 to 50");
    expect(&diagnostics, "delivery.timeout", 6, "expected a string, found a list");
    expect(&diagnostics, "tenants", 7, "expected a list of tenants");
    expect(&diagnostics, "services[0]", 9, "expected a service (a mapping)");
    expect(&diagnostics, "notify[0].id", 11, "expected a string, found a mapping");
    assert_eq!(diagnostics.len(), 7, "{diagnostics:#?}");
}

#[test]
fn numbers_out_of_range_are_reported() {
    let diagnostics = errors(&doc(&["delivery:", "  max_attempts: 0"]));
    expect(&diagnostics, "delivery.max_attempts", 2, "must be between 1 and 50, got 0");
    let diagnostics = errors(&doc(&["delivery:", "  max_attempts: 51"]));
    expect(&diagnostics, "delivery.max_attempts", 2, "must be between 1 and 50, got 51");
}

#[test]
fn invalid_words_list_the_accepted_ones() {
    let mut lines = BASE.to_vec();
    lines[3 - 1] = "    tier: platnum";
    lines[11 - 1] = "    kind: prometheus";
    lines[14 - 1] = "    kind: email";
    let diagnostics = errors(&doc(&lines));
    expect(&diagnostics, "tenants[0].tier", 3, "did you mean `platinum`?");
    expect(&diagnostics, "tenants[0].tier", 3, "expected one of: platinum, gold, silver, bronze");
    expect(
        &diagnostics,
        "integrations[0].kind",
        11,
        "expected one of: pagerduty, alertmanager, generic",
    );
    expect(
        &diagnostics,
        "notify[0].kind",
        14,
        "invalid channel kind `email`; expected one of: webhook, slack",
    );
    assert_eq!(diagnostics.len(), 3, "{diagnostics:#?}");

    let diagnostics = errors(&doc(&[
        "tenants: [{id: acme, tier: gold}]",
        "services:",
        "  - id: acme-vpn",
        "    tenant: acme",
        "    criticality: urgent", // 5
        "    environment: prod",   // 6
    ]));
    expect(
        &diagnostics,
        "services[0].criticality",
        5,
        "expected one of: critical, high, medium, low",
    );
    expect(
        &diagnostics,
        "services[0].environment",
        6,
        "expected one of: production, stage, devtest, dr",
    );
}

#[test]
fn invalid_ids_give_the_reason() {
    let mut lines = BASE.to_vec();
    lines[2 - 1] = "  - id: Acme";
    lines[8 - 1] = "  - key: short";
    lines[13 - 1] = "  - id: ''";
    let diagnostics = errors(&doc(&lines));
    expect(
        &diagnostics,
        "tenants[0].id",
        2,
        "invalid tenant id `Acme`: may contain only lowercase letters",
    );
    expect(&diagnostics, "notify[0].id", 13, "invalid channel id ``: must not be empty");
    let key = at(&diagnostics, "integrations[0].key");
    assert_eq!(key.line, 8);
    assert_eq!(key.message, "integration key must be at least 8 characters, got 5");
    // The services and integration naming `acme` now name an undefined tenant.
    expect(&diagnostics, "services[0].tenant", 6, "unknown tenant `acme`");

    let diagnostics = errors(&base_with(8, "  - key: 'secret key!'"));
    let key = at(&diagnostics, "integrations[0].key");
    assert_eq!(key.line, 8);
    assert!(!key.message.contains("secret"), "integration keys are never echoed: {key}");
    assert!(key.message.contains("only letters, digits"), "{key}");
}

#[test]
fn bad_durations_are_reported() {
    let mut lines = BASE.to_vec();
    lines.extend(["grouping:", "  group_wait: 10", "delivery:", "  max_backoff: 1.5m"]);
    lines.insert(6, "    group_wait: 30 seconds"); // line 7
    let diagnostics = errors(&doc(&lines));
    expect(&diagnostics, "services[0].group_wait", 7, "invalid duration \"30 seconds\"");
    expect(&diagnostics, "grouping.group_wait", 18, "e.g. \"250ms\", \"30s\"");
    expect(&diagnostics, "delivery.max_backoff", 20, "invalid duration \"1.5m\"");
    assert_eq!(diagnostics.len(), 3, "{diagnostics:#?}");
}

#[test]
fn backoffs_must_be_ordered_and_timeout_positive() {
    let diagnostics = errors(&doc(&[
        "delivery:",
        "  initial_backoff: 10m",
        "  max_backoff: 1m",
        "  timeout: 0s",
    ]));
    expect(&diagnostics, "delivery.max_backoff", 3, "must not be shorter than initial_backoff");
    expect(&diagnostics, "delivery.timeout", 4, "longer than zero");
    let diagnostics = errors(&doc(&["delivery:", "  initial_backoff: 10m"]));
    expect(&diagnostics, "delivery.initial_backoff", 2, "must not be shorter");
}

#[test]
fn duplicates_point_at_the_repeat_and_name_the_first() {
    let mut lines = BASE.to_vec();
    lines.extend([
        "  - id: noc-webhook", // 16
        "    kind: slack",
        "    url: https://hooks.slack.com/x",
        "tenants2: []", // 19: unknown, keeps the count honest
    ]);
    // Repeat the tenant, the service and the integration key inside their lists.
    lines.insert(3, "  - {id: acme, tier: gold}"); // 4
    lines.insert(7, "  - {id: acme-vpn, tenant: acme}"); // 8
    lines.insert(
        13,
        "  - {key: acme-prometheus-key, tenant: acme, service: acme-vpn, kind: generic}", // 14
    );
    let text = doc(&lines);
    let diagnostics = errors(&text);
    expect(
        &diagnostics,
        "tenants[1].id",
        4,
        "duplicate tenant id `acme` (first defined at line 2)",
    );
    expect(
        &diagnostics,
        "services[1].id",
        8,
        "duplicate service id `acme-vpn` (first defined at line 6)",
    );
    let key = at(&diagnostics, "integrations[1].key");
    assert_eq!(
        (key.line, key.message.as_str()),
        (14, "duplicate integration key (first defined at line 10)")
    );
    expect(
        &diagnostics,
        "notify[1].id",
        19,
        "duplicate channel id `noc-webhook` (first defined at line 16)",
    );
    expect(&diagnostics, "tenants2", 22, "unknown field");
    assert_eq!(diagnostics.len(), 5, "{text}\n{diagnostics:#?}");
}

#[test]
fn unknown_references_are_reported_with_suggestions() {
    let diagnostics = errors(&doc(&[
        "tenants:",
        "  - id: acme",
        "    tier: gold",
        "    notify: [noc-webhok]", // 4
        "services:",
        "  - id: acme-vpn",
        "    tenant: acmee",   // 7
        "    notify: [pager]", // 8
        "integrations:",
        "  - key: acme-prometheus-key",
        "    tenant: globex",    // 11
        "    service: acme-vpm", // 12
        "    kind: generic",
        "notify:",
        "  - {id: noc-webhook, kind: webhook, url: 'http://127.0.0.1:9000/'}",
    ]));
    expect(
        &diagnostics,
        "tenants[0].notify[0]",
        4,
        "unknown channel `noc-webhok` (did you mean `noc-webhook`?)",
    );
    expect(&diagnostics, "services[0].tenant", 7, "unknown tenant `acmee` (did you mean `acme`?)");
    expect(
        &diagnostics,
        "services[0].notify[0]",
        8,
        "unknown channel `pager`; it is not defined under `notify:`",
    );
    expect(&diagnostics, "integrations[0].tenant", 11, "unknown tenant `globex`");
    expect(
        &diagnostics,
        "integrations[0].service",
        12,
        "unknown service `acme-vpm` (did you mean `acme-vpn`?)",
    );
    assert_eq!(diagnostics.len(), 5, "{diagnostics:#?}");
}

#[test]
fn an_integration_cannot_route_to_another_tenants_service() {
    let mut lines = BASE.to_vec();
    lines.insert(3, "  - {id: globex, tier: bronze}"); // 4
    lines[10 - 1] = "    tenant: globex";
    let diagnostics = errors(&doc(&lines));
    expect(
        &diagnostics,
        "integrations[0].service",
        11,
        "service `acme-vpn` belongs to tenant `acme`, not `globex`",
    );
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
}

#[test]
fn bad_urls_are_reported_without_echoing_them() {
    let mut lines = BASE.to_vec();
    lines[15 - 1] = "    url: ftp://127.0.0.1/hook";
    lines.extend([
        "  - {id: slack, kind: slack, url: 'https:///services/SECRET'}", // 16
        "public_url: 127.0.0.1:8080",                                    // 17
    ]);
    let diagnostics = errors(&doc(&lines));
    expect(&diagnostics, "notify[0].url", 15, "must start with http:// or https://");
    expect(&diagnostics, "notify[1].url", 16, "URL has no host");
    expect(&diagnostics, "public_url", 17, "must start with http:// or https://");
    assert!(diagnostics.iter().all(|d| !d.message.contains("SECRET")));
}

#[test]
fn headers_are_for_webhooks_only_and_must_be_valid() {
    let diagnostics = errors(&doc(&[
        "notify:",
        "  - id: slack",
        "    kind: slack",
        "    url: https://hooks.slack.com/x",
        "    headers: {X-Token: abc}", // 5
        "  - id: hook",
        "    kind: webhook",
        "    url: http://localhost/",
        "    headers:",
        "      'Bad Name': x", // 10
        "      X-Token: a",
        "      x-token: b",                // 12
        "      X-Secret: ${UNSET_SECRET}", // 13
    ]));
    expect(&diagnostics, "notify[0].headers", 5, "only supported by webhook channels");
    expect(&diagnostics, "notify[1].headers.Bad Name", 10, "not a valid HTTP header name");
    expect(
        &diagnostics,
        "notify[1].headers.x-token",
        12,
        "duplicate header `x-token` (first at line 11)",
    );
    expect(
        &diagnostics,
        "notify[1].headers.X-Secret",
        13,
        "environment variable `UNSET_SECRET` is not set",
    );
    assert_eq!(diagnostics.len(), 4, "{diagnostics:#?}");
}

#[test]
fn empty_group_by_labels_are_reported() {
    let mut lines = BASE.to_vec();
    lines.insert(6, "    group_by: [site, '', site]"); // 7
    lines.extend(["grouping:", "  group_by:", "    - alertname", "    - \"\""]); // 17..20
    let diagnostics = errors(&doc(&lines));
    expect(&diagnostics, "services[0].group_by[1]", 7, "label name must not be empty");
    expect(&diagnostics, "services[0].group_by[2]", 7, "label `site` is listed twice");
    expect(&diagnostics, "grouping.group_by[1]", 20, "label name must not be empty");
    assert_eq!(diagnostics.len(), 3, "{diagnostics:#?}");
}

#[test]
fn environment_variables_are_expanded_in_urls() {
    let config = ok(&base_with(15, "    url: ${SLACK_URL}"));
    assert!(
        matches!(&config.channels[0].kind, ChannelKind::Webhook { url, .. } if url.ends_with("/T1/B2/C3"))
    );

    let diagnostics = errors(&base_with(15, "    url: ${MISSING_URL}"));
    let diagnostic = at(&diagnostics, "notify[0].url");
    assert_eq!((diagnostic.line, diagnostic.column), (15, 10));
    assert_eq!(diagnostic.message, "environment variable `MISSING_URL` is not set");

    let diagnostics = errors(&base_with(15, "    url: http://${HOST"));
    expect(&diagnostics, "notify[0].url", 15, "without a closing `}`");
}

#[test]
fn many_errors_are_all_reported_in_order() {
    let text = doc(&[
        "public_url: localhost", // 1  bad URL
        "grouping:",
        "  group_wait: soon", // 3  bad duration
        "tenants:",
        "  - id: acme",
        "    teir: gold",    // 6  misspelt key
        "  - id: acme",      // 7  duplicate tenant
        "    tier: diamond", // 8  bad tier
        "services:",
        "  - id: acme-vpn",
        "    tenant: nobody",    // 11 unknown tenant
        "    criticality: hgih", // 12 bad criticality
        "integrations:",
        "  - key: tiny", // 14 short key
        "    tenant: acme",
        "    service: acme-vpn", // 16 fine: its owner `nobody` is reported at 11
        "    kind: webhook",     // 17 bad kind
        "notify:",
        "  - id: hook",
        "    kind: webhook",
        "    url: http://", // 21 no host
    ]);
    let diagnostics = errors(&text);
    let found: Vec<(usize, &str)> =
        diagnostics.iter().map(|d| (d.line, d.field.as_str())).collect();
    assert_eq!(
        found,
        [
            (1, "public_url"),
            (3, "grouping.group_wait"),
            (6, "tenants[0].teir"),
            (7, "tenants[1].id"),
            (8, "tenants[1].tier"),
            (11, "services[0].tenant"),
            (12, "services[0].criticality"),
            (14, "integrations[0].key"),
            (17, "integrations[0].kind"),
            (21, "notify[0].url"),
        ],
        "{diagnostics:#?}"
    );
    assert!(diagnostics.iter().all(|d| d.file == "test.yaml"));
    assert!(diagnostics[4].message.contains("invalid tier `diamond`"));
    assert!(diagnostics[6].message.contains("did you mean `high`?"), "{}", diagnostics[6]);
}

#[test]
fn flow_style_configs_like_the_demo_parse() {
    let config = ok(&doc(&[
        "tenants:",
        "  - {id: globex, name: Globex Multinational, tier: platinum}",
        "services:",
        "  - {id: globex-vpn, tenant: globex, name: Site-to-site VPN, criticality: high, group_by: [site]}",
        "integrations:",
        "  - {key: demo-globex-vpn, tenant: globex, service: globex-vpn, kind: generic}",
    ]));
    assert_eq!(config.services[0].group_by.as_deref(), Some(&["site".to_owned()][..]));
    assert!(config.channels.is_empty());
}

#[test]
fn only_one_document_is_accepted() {
    let diagnostics = errors("tenants: []\n---\nservices: []\n");
    assert_eq!((diagnostics[0].line, diagnostics[0].field.as_str()), (2, ""));
    assert!(diagnostics[0].message.contains("only one YAML document"));
}

#[test]
fn the_top_level_must_be_a_mapping() {
    let diagnostics = errors("- tenants\n");
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].line, 1);
    assert!(
        diagnostics[0].message.contains("expected the configuration (a mapping)"),
        "{:?}",
        diagnostics[0]
    );
}
