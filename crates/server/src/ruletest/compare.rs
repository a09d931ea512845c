//! Comparing what the engine did with what a test expects, as one readable line per difference.

use std::collections::BTreeMap;

use engine::Effect;
use serde_json::Value;

use super::{Expectations, ExpectedRuleError, Fields, TimelineText};
use crate::replay::{self, Simulated};

impl Expectations {
    pub(super) fn compare(&self, simulated: &Simulated) -> Vec<String> {
        let mut failures = Vec::new();
        if let Some(expected) = &self.incidents {
            let actual: Vec<Value> =
                simulated.incidents.iter().map(crate::http::incident_json).collect();
            compare_list(
                "incident",
                "the engine opened",
                expected,
                &actual,
                describe_incident,
                &mut failures,
            );
        }
        if let Some(expected) = &self.notifications {
            let actual: Vec<Value> = simulated
                .effects
                .iter()
                .filter(|effect| matches!(effect, Effect::Notify(_)))
                .filter_map(replay::effect_line)
                .collect();
            compare_list(
                "notification",
                "the engine sent",
                expected,
                &actual,
                describe_notification,
                &mut failures,
            );
        }
        for expected in &self.timeline_contains {
            failures.extend(check_timeline(expected, &simulated.effects));
        }
        if let Some(expected) = &self.dropped {
            failures.extend(compare_dropped(expected, &simulated.effects));
        }
        failures.extend(compare_rule_errors(self.rule_errors.as_deref(), &simulated.effects));
        failures
    }
}

/// `incident 1 priority: expected P1, got P3` for each listed key that
/// differs. In a nested mapping (`escalation: {tier: 2}`) only the keys
/// listed are compared too: `incident 1 escalation.tier: expected 2, got 1`.
fn compare_fields(label: &str, expected: &Fields, actual: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    for (key, want) in &expected.0 {
        compare_value(label, key, want, actual.get(key).unwrap_or(&Value::Null), &mut failures);
    }
    failures
}

fn compare_value(label: &str, key: &str, want: &Value, got: &Value, failures: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(want), Value::Object(got)) => {
            for (name, want) in want {
                let key = format!("{key}.{name}");
                compare_value(label, &key, want, got.get(name).unwrap_or(&Value::Null), failures);
            }
        }
        _ if want != got => {
            failures.push(format!("{label} {key}: expected {}, got {}", show(want), show(got)));
        }
        _ => {}
    }
}

/// Compares a list item by item: differing keys, then missing and extra items.
fn compare_list(
    noun: &str,
    verb: &str,
    expected: &[Fields],
    actual: &[Value],
    describe: fn(&Value) -> String,
    failures: &mut Vec<String>,
) {
    for position in 0..expected.len().max(actual.len()) {
        let label = format!("{noun} {}", position + 1);
        match (expected.get(position), actual.get(position)) {
            (Some(want), Some(got)) => failures.extend(compare_fields(&label, want, got)),
            (Some(want), None) => failures.push(format!(
                "{label} missing: expected {}, but {verb} {}",
                show_fields(want),
                plural(actual.len(), noun)
            )),
            (None, Some(got)) => failures.push(format!("{label} not expected: {}", describe(got))),
            (None, None) => {}
        }
    }
}

fn plural(count: usize, noun: &str) -> String {
    match count {
        0 => format!("no {noun}s"),
        1 => format!("only 1 {noun}"),
        n => format!("only {n} {noun}s"),
    }
}

fn describe_incident(incident: &Value) -> String {
    let field = |key: &str| show(incident.get(key).unwrap_or(&Value::Null));
    format!(
        "{} {} {} {}",
        field("tenant"),
        field("priority"),
        field("status"),
        Value::String(incident.get("title").and_then(Value::as_str).unwrap_or_default().to_owned())
    )
}

fn describe_notification(notification: &Value) -> String {
    let field = |key: &str| show(notification.get(key).unwrap_or(&Value::Null));
    format!(
        "incident {} to {} ({}) at {}",
        field("incident"),
        field("channel"),
        field("reason"),
        field("at")
    )
}

/// A value as an SRE would write it: plain words bare, other text quoted.
fn show(value: &Value) -> String {
    match value {
        Value::String(text)
            if !text.is_empty()
                && text.chars().all(|c| c.is_alphanumeric() || "-_.:/@+".contains(c)) =>
        {
            text.clone()
        }
        Value::Array(items) => {
            format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(", "))
        }
        Value::Object(entries) => {
            let shown: Vec<String> =
                entries.iter().map(|(key, value)| format!("{key}: {}", show(value))).collect();
            format!("{{{}}}", shown.join(", "))
        }
        other => other.to_string(),
    }
}

fn show_fields(fields: &Fields) -> String {
    let shown: Vec<String> =
        fields.0.iter().map(|(key, value)| format!("{key}: {}", show(value))).collect();
    format!("{{{}}}", shown.join(", "))
}

/// How many timeline entries of an incident a failure lists.
const TIMELINE_SHOWN: usize = 30;

fn check_timeline(expected: &TimelineText, effects: &[Effect]) -> Option<String> {
    let entries: Vec<_> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Timeline(entry) => Some(entry),
            _ => None,
        })
        .filter(|entry| expected.incident.is_none_or(|id| entry.incident_id.0 == id))
        .collect();
    if entries.iter().any(|entry| entry.message.contains(&expected.text)) {
        return None;
    }
    let whose = match expected.incident {
        Some(id) => format!("incident {id} timeline"),
        None => "timeline".to_owned(),
    };
    let mut failure =
        format!("{whose}: no entry contains {}", Value::String(expected.text.clone()));
    if entries.is_empty() {
        failure.push_str(match expected.incident {
            Some(_) => " (no such incident, or it has no timeline)",
            None => " (no timeline entries at all)",
        });
        return Some(failure);
    }
    failure.push_str("; it has:");
    for entry in entries.iter().take(TIMELINE_SHOWN) {
        let incident = match expected.incident {
            Some(_) => String::new(),
            None => format!("incident {} ", entry.incident_id.0),
        };
        failure.push_str(&format!(
            "\n  {} {incident}{}: {}",
            entry.at,
            entry.kind.as_str(),
            entry.message
        ));
    }
    if entries.len() > TIMELINE_SHOWN {
        failure.push_str(&format!("\n  … and {} more", entries.len() - TIMELINE_SHOWN));
    }
    Some(failure)
}

fn compare_dropped(expected: &BTreeMap<String, u64>, effects: &[Effect]) -> Vec<String> {
    let mut actual: BTreeMap<&str, u64> = BTreeMap::new();
    for effect in effects {
        if let Effect::Dropped { rule, .. } = effect {
            *actual.entry(&**rule).or_default() += 1;
        }
    }
    let mut rules: Vec<&str> =
        expected.keys().map(String::as_str).chain(actual.keys().copied()).collect();
    rules.sort_unstable();
    rules.dedup();
    rules
        .into_iter()
        .filter_map(|rule| {
            let want = expected.get(rule).copied().unwrap_or(0);
            let got = actual.get(rule).copied().unwrap_or(0);
            (want != got).then(|| format!("dropped by rule `{rule}`: expected {want}, got {got}"))
        })
        .collect()
}

/// Rule errors must each be expected, and each expected one must happen
/// (in any order). `None`: no rule errors are expected.
fn compare_rule_errors(expected: Option<&[ExpectedRuleError]>, effects: &[Effect]) -> Vec<String> {
    let mut actual: Vec<(&str, &str, &str)> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::RuleFailed { tenant, rule, message } => {
                Some((tenant.as_str(), &**rule, message.as_str()))
            }
            _ => None,
        })
        .collect();
    let mut failures = Vec::new();
    for want in expected.unwrap_or_default() {
        let found = actual.iter().position(|(tenant, rule, message)| {
            *rule == want.rule
                && want.tenant.as_deref().is_none_or(|t| t == *tenant)
                && want.message_contains.as_deref().is_none_or(|m| message.contains(m))
        });
        match found {
            Some(position) => {
                actual.remove(position);
            }
            None => {
                let mut failure =
                    format!("rule error expected but not raised: rule `{}`", want.rule);
                if let Some(tenant) = &want.tenant {
                    failure.push_str(&format!(", tenant {tenant}"));
                }
                if let Some(text) = &want.message_contains {
                    failure
                        .push_str(&format!(", message containing {}", Value::String(text.clone())));
                }
                failures.push(failure);
            }
        }
    }
    for (tenant, rule, message) in actual {
        failures.push(format!(
            "unexpected rule error: tenant {tenant}, {message} (rule `{rule}` was skipped)"
        ));
    }
    failures
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(pairs: &[(&str, Value)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
    }

    #[test]
    fn differing_fields_read_like_a_sentence() {
        let actual =
            json!({"priority": "P3", "status": "triggered", "title": "VPN down", "tags": []});
        let want = fields(&[("priority", json!("P1")), ("status", json!("triggered"))]);
        assert_eq!(
            compare_fields("incident 1", &want, &actual),
            vec!["incident 1 priority: expected P1, got P3".to_owned()]
        );
        let want = fields(&[("title", json!("VPN tunnel down")), ("tags", json!(["vpn"]))]);
        assert_eq!(
            compare_fields("incident 2", &want, &actual),
            vec![
                "incident 2 title: expected \"VPN tunnel down\", got \"VPN down\"".to_owned(),
                "incident 2 tags: expected [vpn], got []".to_owned(),
            ]
        );
    }

    #[test]
    fn keys_not_listed_are_not_compared_and_absent_ones_are_null() {
        let actual = json!({"priority": "P3", "held": null});
        assert!(
            compare_fields("incident 1", &fields(&[("priority", json!("P3"))]), &actual).is_empty()
        );
        assert!(
            compare_fields("incident 1", &fields(&[("held", Value::Null)]), &actual).is_empty()
        );
        assert_eq!(
            compare_fields("incident 1", &fields(&[("held", json!("silence 3"))]), &actual),
            vec!["incident 1 held: expected \"silence 3\", got null".to_owned()]
        );
    }

    #[test]
    fn nested_mappings_compare_only_the_keys_listed() {
        let actual = json!({"escalation": {"policy": "noc", "tier": 1, "round": 1}});
        let want = fields(&[("escalation", json!({"tier": 2, "policy": "noc"}))]);
        assert_eq!(
            compare_fields("incident 1", &want, &actual),
            vec!["incident 1 escalation.tier: expected 2, got 1".to_owned()]
        );
        let want = fields(&[("escalation", json!({"tier": 1}))]);
        assert_eq!(
            compare_fields("incident 1", &want, &json!({"escalation": null})),
            vec!["incident 1 escalation: expected {tier: 1}, got null".to_owned()]
        );
    }

    #[test]
    fn lists_report_missing_and_extra_items() {
        let actual = vec![
            json!({"tenant": "acme", "priority": "P2", "status": "triggered", "title": "Disk full"}),
        ];
        let mut failures = Vec::new();
        let expected =
            vec![fields(&[("priority", json!("P2"))]), fields(&[("tenant", json!("globex"))])];
        compare_list(
            "incident",
            "the engine opened",
            &expected,
            &actual,
            describe_incident,
            &mut failures,
        );
        assert_eq!(
            failures,
            vec![
                "incident 2 missing: expected {tenant: globex}, but the engine opened only 1 incident"
            ]
        );

        let mut failures = Vec::new();
        compare_list(
            "incident",
            "the engine opened",
            &[],
            &actual,
            describe_incident,
            &mut failures,
        );
        assert_eq!(failures, vec!["incident 1 not expected: acme P2 triggered \"Disk full\""]);
    }

    #[test]
    fn drops_compare_per_rule_and_unlisted_rules_dropped_none() {
        let tenant = domain::TenantId::parse("acme").expect("valid id");
        let dropped = |rule: &str| Effect::Dropped { tenant: tenant.clone(), rule: rule.into() };
        let effects = vec![dropped("noise"), dropped("noise"), dropped("other")];
        let expected = BTreeMap::from([("noise".to_owned(), 2), ("missing".to_owned(), 1)]);
        assert_eq!(
            compare_dropped(&expected, &effects),
            vec![
                "dropped by rule `missing`: expected 1, got 0".to_owned(),
                "dropped by rule `other`: expected 0, got 1".to_owned(),
            ]
        );
    }

    #[test]
    fn rule_errors_fail_unless_expected() {
        let tenant = domain::TenantId::parse("acme").expect("valid id");
        let effects = vec![Effect::RuleFailed {
            tenant,
            rule: "needs-team".into(),
            message: "rule `needs-team`: no such key: team".into(),
        }];
        let unexpected = compare_rule_errors(None, &effects);
        assert_eq!(unexpected.len(), 1);
        assert!(unexpected[0].starts_with("unexpected rule error: tenant acme"), "{unexpected:?}");

        let expected = [ExpectedRuleError {
            rule: "needs-team".into(),
            tenant: Some("acme".into()),
            message_contains: Some("no such key".into()),
        }];
        assert!(compare_rule_errors(Some(&expected), &effects).is_empty());
        let missing = compare_rule_errors(Some(&expected), &[]);
        assert_eq!(missing.len(), 1);
        assert!(missing[0].starts_with("rule error expected but not raised"), "{missing:?}");
    }
}
