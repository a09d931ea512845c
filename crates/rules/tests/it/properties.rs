//! Properties: evaluation never panics on arbitrary labels; compilation never panics on arbitrary text.

use std::collections::BTreeMap;
use std::time::Instant;

use domain::Severity;
use proptest::prelude::*;
use rules::{CelSource, EventAction, LabelValue, RuleSpec};

use crate::{compile_events, event, rule, run};

/// Rules that poke at labels in every way a user might, guarded or not.
fn label_rules() -> rules::CompiledRules {
    let mut map = BTreeMap::new();
    map.insert("disaster".to_owned(), Severity::Critical);
    map.insert("".to_owned(), Severity::Info);
    compile_events(vec![
        rule(
            "index",
            "event.labels['severity'] == 'page'",
            vec![EventAction::SetSeverity(Severity::Critical)],
        ),
        rule(
            "select",
            "event.labels.team.startsWith('d')",
            vec![EventAction::RemoveLabel("team".into())],
        ),
        rule(
            "has",
            "has(event.labels.zone) && size(event.labels.zone) > 3",
            vec![EventAction::MapSeverity { label: "zone".into(), map: map.clone() }],
        ),
        rule(
            "exists",
            "event.labels.exists(k, event.labels[k].matches('^[0-9]+$'))",
            vec![EventAction::SetLabel {
                name: "numeric".into(),
                value: LabelValue::Cel(CelSource::from(
                    "event.labels.filter(k, k.size() > 0).map(k, k).join(',')",
                )),
            }],
        ),
        rule(
            "split",
            "event.labels.instance.split(':')[1] == '9100'",
            vec![EventAction::SetLabel {
                name: "port".into(),
                value: LabelValue::Cel(CelSource::from("event.labels.instance.split(':')[1]")),
            }],
        ),
        rule(
            "int",
            "int(event.labels.count) > 10",
            vec![EventAction::SetSeverity(Severity::Error)],
        ),
        rule(
            "in",
            "'zone' in event.labels && event.labels.zone in ['a', 'b']",
            vec![EventAction::Drop],
        ),
        RuleSpec::new(
            "all",
            "event.labels.all(k, k.lowerAscii() == k)",
            vec![EventAction::SetLabel {
                name: "lowercase".into(),
                value: LabelValue::Literal("yes".into()),
            }],
        )
        .stopping(),
    ])
}

fn label_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("severity".to_owned()),
        Just("team".to_owned()),
        Just("zone".to_owned()),
        Just("instance".to_owned()),
        Just("count".to_owned()),
        ".{0,12}",
    ]
}

fn label_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("page".to_owned()),
        Just("disaster".to_owned()),
        Just("db1:9100".to_owned()),
        Just("12".to_owned()),
        "[0-9]{1,25}",
        ".{0,24}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn evaluation_never_panics_on_arbitrary_labels(
        labels in prop::collection::btree_map(label_name(), label_value(), 0..12)
    ) {
        let rules = label_rules();
        let pairs: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut e = event(&pairs);
        let verdict = run(&rules, "globex", "globex-vpn", &mut e);
        // Every rule either matched, errored, did not match or was never reached.
        prop_assert!(verdict.matched.len() + verdict.errors.len() <= 8);
        for error in &verdict.errors {
            prop_assert!(!error.message.contains("panicked"), "{error}");
        }
        if let Some(dropped_by) = &verdict.dropped_by {
            prop_assert_eq!(&**dropped_by, "in");
        }
    }

    #[test]
    fn compiling_arbitrary_text_never_panics(text in "\\PC{0,40}") {
        let result = rules::compile(&[rule("fuzz", &text, vec![EventAction::Drop])], &[]);
        if let Err(diagnostics) = result {
            for diagnostic in diagnostics {
                prop_assert!(!diagnostic.message.contains("parser failed"), "{text:?}: {diagnostic}");
            }
        }
    }
}

/// Rough figures, printed (run with `--nocapture`); never asserted. For
/// optimised numbers: `cargo run --release -p watchfloor-rules --example measure`.
#[test]
fn print_rough_costs() {
    let started = Instant::now();
    let rules = label_rules();
    let compile_time = started.elapsed();
    let mut e = event(&[
        ("severity", "warning"),
        ("team", "network"),
        ("zone", "fra"),
        ("instance", "db1:9100"),
    ]);
    let rounds = 200u32;
    let started = Instant::now();
    for _ in 0..rounds {
        let mut copy = e.clone();
        std::hint::black_box(run(&rules, "globex", "globex-vpn", &mut copy));
    }
    let per_event = started.elapsed() / rounds;
    e.labels.clear();
    println!(
        "compile 8 rules: {compile_time:?}; 8 rules on one event (debug build, incl. clone): {per_event:?}"
    );
}
