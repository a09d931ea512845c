//! `watchfloor test rules`: unit tests for a configuration's rules, in the spirit of `promtool test rules`.
//!
//! A test file names a configuration and lists tests. Each test sends
//! events through a fresh engine on a simulated clock (the machinery of
//! `watchfloor replay`: no store, no network) and compares what came out —
//! incidents, notifications, timelines, drops, rule errors — with what it
//! expects.
//!
//! ```yaml
//! config: watchfloor.yaml            # relative to this file; or `config_inline:` with the config itself
//! tests:
//!   - name: two tunnels down are a P1
//!     events:                        # each is a replay line, written as YAML
//!       - at: "2026-06-01T10:00:00Z"  # when it arrived (RFC 3339); in time order
//!         key: globex-vpn-am-key      # the integration key it arrived on
//!         kind: alertmanager          # pagerduty | alertmanager-api | alertmanager | generic | eventbridge | azure | grafana
//!         body: {version: "4", status: firing, alerts: [...]}   # the payload (or a string holding it)
//!     eval_until: "2026-06-01T10:30:00Z"   # optional; default: the last event + 1h
//!     expect:                        # every part is optional
//!       incidents:                   # every incident opened, in id order; listed keys are compared
//!         - {tenant: globex, priority: P1, status: triggered, alert_count: 2, tags: [vpn]}
//!       notifications:               # every notification, in order; listed keys are compared
//!         - {incident: 1, channel: noc-webhook, reason: opened, at: "2026-06-01T10:00:10Z"}
//!       timeline_contains:           # each text must be part of some timeline entry
//!         - {incident: 1, text: "rule `vpn-config-noise` dropped"}
//!       dropped: {vpn-config-noise: 1}       # events dropped per event rule; rules not listed dropped none
//!       rule_errors:                 # without this key, any rule error fails the test
//!         - {rule: needs-team-label, message_contains: "no such key"}
//! ```
//!
//! - **`incidents`** items take the keys of an incident in the API
//!   (`GET /api/v1/incidents/{id}`): `id`, `tenant`, `service`, `group_key`,
//!   `title`, `status`, `severity`, `priority`, `priority_reason`,
//!   `alert_count`, `active_alert_count`, `event_count`, `created_at`,
//!   `updated_at`, `acknowledged_at`, `acknowledged_by`, `resolved_at`,
//!   `resolved_by`, `seconds_to_acknowledge`, `seconds_to_resolve`, `tags`
//!   (compared as a set), `held`, `flapping`, `priority_rule`, `escalation`
//!   (a mapping: `policy`, `started_at`, `tier`, `round`), `sla_breached` (a
//!   set). Keys not listed are not compared, in nested mappings too; `null`
//!   expects the value to be absent. The list is compared item by item:
//!   missing and extra incidents fail.
//! - **`notifications`** items take the keys `watchfloor replay` prints for
//!   a notification: `incident`, `tenant`, `channel`, `reason` (`opened`,
//!   `acknowledged`, `resolved`, …), `at` (when it was queued) and `page`
//!   (who an escalation paged through it, or `null`), compared the same way.
//! - **`timeline_contains`**: `text` must be a substring of a timeline entry
//!   of incident `incident` (of any incident when `incident` is left out).
//! - **`dropped`** maps event rule ids to how many events each dropped.
//! - **`rule_errors`**: rules that failed to evaluate (and were skipped),
//!   in any order: `rule` (required), `tenant`, `message_contains`.
//!
//! Times are RFC 3339 and compared as instants. Unknown keys are errors,
//! reported with file, line and column like `watchfloor check` does; so
//! are events the configuration would refuse (an unknown integration key, a
//! payload its parser rejects).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use config::Diagnostic;
use domain::{Config, Timestamp};
use serde_json::Value;

use crate::replay::{self, Recorded};

mod compare;
mod read;

/// How long the clock runs on after the last event when a test gives no `eval_until`.
pub const DEFAULT_EVAL_AFTER_LAST_EVENT: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum RuleTestError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The test file, or the configuration it names, is malformed.
    #[error("{} error(s) in the rule test file", .0.len())]
    Invalid(Vec<Diagnostic>),
}

/// A checked test file, ready to [`run`].
#[derive(Debug)]
pub struct RuleTestFile {
    pub tests: Vec<RuleTest>,
    config: Arc<Config>,
}

/// One test: events in, expectations out.
#[derive(Debug)]
pub struct RuleTest {
    pub name: String,
    /// Where the test starts in the file.
    pub line: usize,
    requests: Vec<Recorded>,
    eval_until: Timestamp,
    expect: Expectations,
}

#[derive(Debug, Default)]
struct Expectations {
    incidents: Option<Vec<Fields>>,
    notifications: Option<Vec<Fields>>,
    timeline_contains: Vec<TimelineText>,
    dropped: Option<BTreeMap<String, u64>>,
    rule_errors: Option<Vec<ExpectedRuleError>>,
}

/// Expected values by key, in the order written, normalised to how the
/// actual values are rendered (`P1`, `2026-06-01T10:00:10Z`, sorted tags).
#[derive(Debug, Clone, Default, PartialEq)]
struct Fields(Vec<(String, Value)>);

#[derive(Debug, Clone, PartialEq)]
struct TimelineText {
    incident: Option<i64>,
    text: String,
}

#[derive(Debug, Clone, PartialEq)]
struct ExpectedRuleError {
    rule: String,
    tenant: Option<String>,
    message_contains: Option<String>,
}

/// How one test went: no failures means it passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    pub name: String,
    /// One readable line per difference (some with indented detail lines).
    pub failures: Vec<String>,
}

impl TestOutcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// `ok  NAME`, or `FAIL NAME` followed by the differences, indented.
    pub fn render(&self) -> String {
        if self.passed() {
            return format!("ok  {}\n", self.name);
        }
        let mut text = format!("FAIL {}\n", self.name);
        for failure in &self.failures {
            for line in failure.lines() {
                text.push_str("  ");
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }
}

/// `3 passed, 1 failed`.
pub fn summary(outcomes: &[TestOutcome]) -> String {
    let passed = outcomes.iter().filter(|o| o.passed()).count();
    format!("{passed} passed, {} failed", outcomes.len() - passed)
}

/// Reads and checks a test file; a `config:` path is relative to its
/// directory, and `${VAR}` in the configuration comes from the environment.
pub fn load(path: &Path) -> Result<RuleTestFile, RuleTestError> {
    let display = path.display().to_string();
    let source = std::fs::read_to_string(path)
        .map_err(|source| RuleTestError::Read { path: display.clone(), source })?;
    let base = path.parent().unwrap_or(Path::new(""));
    parse(&source, &display, base, &|name| std::env::var(name).ok())
}

/// Checks test file text. `file_name` is used in diagnostics, `base_dir`
/// to find a `config:` file, `env` to expand `${VAR}` in the configuration.
pub fn parse(
    source: &str,
    file_name: &str,
    base_dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<RuleTestFile, RuleTestError> {
    read::read(source, file_name, base_dir, env).map_err(RuleTestError::Invalid)
}

/// Runs every test of `file`, each on a fresh engine.
pub fn run(file: &RuleTestFile) -> Vec<TestOutcome> {
    file.tests
        .iter()
        .map(|test| {
            let failures = match replay::simulate(
                file.config.clone(),
                &test.requests,
                Some(test.eval_until),
            ) {
                Ok(simulated) => test.expect.compare(&simulated),
                Err(order) => vec![format!("events out of time order: {order}")],
            };
            TestOutcome { name: test.name.clone(), failures }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
config_inline:
  grouping: {group_by: [], group_wait: 10s}
  tenants:
    - {id: acme, tier: platinum, notify: [noc]}
  services:
    - {id: acme-vpn, tenant: acme, criticality: high}
  integrations:
    - {key: acme-generic-key, tenant: acme, service: acme-vpn, kind: generic}
  notify:
    - {id: noc, kind: webhook, url: \"http://127.0.0.1:9/hook\"}
  rules:
    events:
      - {id: vpn-noise, when: \"event.summary.startsWith('VPN configuration changed')\", drop: true}
    incidents:
      - {id: two-sites, when: \"incident.alert_count >= 2\", priority: P1, reason: two sites down, tags: [vpn]}
";

    fn generic(at: &str, dedup_key: &str, summary: &str) -> String {
        format!(
            "      - {{at: \"{at}\", key: acme-generic-key, kind: generic, body: {{events: [{{dedup_key: {dedup_key}, summary: \"{summary}\", severity: warning}}]}}}}\n"
        )
    }

    fn parse_text(text: &str) -> Result<RuleTestFile, RuleTestError> {
        parse(text, "rules_test.yaml", Path::new(""), &|_| None)
    }

    fn diagnostics(text: &str) -> Vec<Diagnostic> {
        match parse_text(text) {
            Err(RuleTestError::Invalid(diagnostics)) => diagnostics,
            other => panic!("expected diagnostics, got {other:?}"),
        }
    }

    fn vpn_test(expect: &str) -> String {
        format!(
            "{CONFIG}tests:\n  - name: vpn\n    events:\n{}{}{}    expect:\n{expect}",
            generic("2026-06-01T10:00:00Z", "fra", "VPN tunnel down at fra"),
            generic("2026-06-01T10:00:20Z", "cfg", "VPN configuration changed by admin"),
            generic("2026-06-01T10:01:00Z", "muc", "VPN tunnel down at muc"),
        )
    }

    /// The keys a test may compare are exactly those the API and replay
    /// print: a key added there must be added to `read` too.
    #[test]
    fn comparable_keys_are_the_printed_keys() {
        let text = vpn_test("      incidents: []\n");
        let file = parse_text(&text).expect("a valid test file");
        let test = &file.tests[0];
        let simulated =
            replay::simulate(file.config.clone(), &test.requests, Some(test.eval_until))
                .expect("events in order");
        let keys = |value: &Value| -> Vec<String> {
            let mut keys: Vec<String> = value
                .as_object()
                .expect("an object")
                .keys()
                .filter(|key| *key != "type")
                .cloned()
                .collect();
            keys.sort_unstable();
            keys
        };
        let listed = |fields: &[(&str, read::ValueKind)]| -> Vec<String> {
            let mut keys: Vec<String> = fields.iter().map(|(key, _)| (*key).to_owned()).collect();
            keys.sort_unstable();
            keys
        };
        let incident = crate::http::incident_json(&simulated.incidents[0]);
        assert_eq!(listed(read::INCIDENT_FIELDS), keys(&incident), "read::INCIDENT_FIELDS");
        let notification = simulated
            .effects
            .iter()
            .find(|effect| matches!(effect, engine::Effect::Notify(_)))
            .and_then(replay::effect_line)
            .expect("the opening page");
        assert_eq!(
            listed(read::NOTIFICATION_FIELDS),
            keys(&notification),
            "read::NOTIFICATION_FIELDS"
        );
    }

    #[test]
    fn a_passing_test_passes() {
        let text = vpn_test(
            "      incidents:
        - {tenant: acme, priority: P1, priority_reason: \"P1: rule `two-sites`: two sites down\", alert_count: 2, tags: [vpn], priority_rule: two-sites}
      notifications:
        - {incident: 1, channel: noc, reason: opened, at: \"2026-06-01T10:00:10+00:00\"}
        - {incident: 1, channel: noc, reason: priority_raised}
      timeline_contains:
        - {incident: 1, text: \"rule `vpn-noise` dropped\"}
      dropped: {vpn-noise: 1}
",
        );
        let file = parse_text(&text).expect("a valid test file");
        let outcomes = run(&file);
        assert_eq!(outcomes.len(), 1);
        assert!(outcomes[0].passed(), "{}", outcomes[0].render());
        assert_eq!(outcomes[0].render(), "ok  vpn\n");
        assert_eq!(summary(&outcomes), "1 passed, 0 failed");
    }

    #[test]
    fn a_failing_test_says_what_differs() {
        let text = vpn_test(
            "      incidents:
        - {priority: P2, alert_count: 2}
        - {tenant: acme}
      timeline_contains:
        - {incident: 1, text: no such line}
",
        );
        let outcomes = run(&parse_text(&text).expect("a valid test file"));
        let rendered = outcomes[0].render();
        assert!(rendered.starts_with("FAIL vpn\n"), "{rendered}");
        assert!(rendered.contains("\n  incident 1 priority: expected P2, got P1\n"), "{rendered}");
        assert!(
            rendered.contains("\n  incident 2 missing: expected {tenant: acme}, but the engine opened only 1 incident\n"),
            "{rendered}"
        );
        assert!(
            rendered.contains(
                "\n  incident 1 timeline: no entry contains \"no such line\"; it has:\n    "
            ),
            "{rendered}"
        );
        assert_eq!(summary(&outcomes), "0 passed, 1 failed");
    }

    #[test]
    fn unknown_keys_are_reported_with_line_and_hint() {
        let text = vpn_test("      incidents:\n        - {priorty: P1}\n");
        let found = diagnostics(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        let line = text.lines().position(|l| l.contains("priorty")).expect("the line") + 1;
        assert_eq!(found[0].line, line);
        assert_eq!(found[0].field, "tests[0].expect.incidents[0].priorty");
        assert!(found[0].message.contains("did you mean `priority`?"), "{}", found[0]);
    }

    #[test]
    fn bad_values_and_events_are_reported_where_they_are() {
        let text = format!(
            "{CONFIG}tests:\n  - name: bad\n    events:\n{}{}    eval_until: \"2026-06-01T09:00:00Z\"\n    expect:\n      incidents: [{{priority: P7, status: open}}]\n",
            generic("2026-06-01T10:00:00Z", "fra", "VPN tunnel down"),
            "      - {at: \"2026-06-01T10:00:01Z\", key: no-such-key-123, kind: generic, body: {events: []}}\n",
        );
        let found = diagnostics(&text);
        let fields: Vec<&str> = found.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "tests[0].events[1].key",
                "tests[0].eval_until",
                "tests[0].expect.incidents[0].priority",
                "tests[0].expect.incidents[0].status",
            ],
            "{found:?}"
        );
        assert!(found.iter().all(|d| d.line > 0 && d.file == "rules_test.yaml"));
    }

    #[test]
    fn inline_config_errors_point_into_the_test_file() {
        let text = CONFIG.replace("tier: platinum", "tier: diamond")
            + "tests:\n  - {name: x, events: [], expect: {}}\n";
        let found = diagnostics(&text);
        let line = text.lines().position(|l| l.contains("diamond")).expect("the line") + 1;
        assert!(
            found.iter().any(|d| d.line == line && d.field == "config_inline.tenants[0].tier"),
            "{found:?}"
        );
    }

    #[test]
    fn a_missing_config_is_an_error() {
        let found = diagnostics("tests:\n  - {name: x, events: [], expect: {}}\n");
        assert!(found.iter().any(|d| d.field == "config"), "{found:?}");
        let found = diagnostics("config: nowhere/watchfloor.yaml\ntests: []\n");
        assert!(
            found.iter().any(|d| d.line == 1 && d.message.contains("cannot read")),
            "{found:?}"
        );
    }
}
