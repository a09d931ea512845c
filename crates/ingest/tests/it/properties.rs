//! Property tests: no parser panics, and label fingerprints ignore label order.

use std::collections::BTreeMap;

use domain::Labels;
use domain::event::label_fingerprint;
use proptest::prelude::*;
use serde_json::Value;

use crate::now;

fn run_all(body: &[u8]) {
    crate::fuzz::run_every_parser(body);
}

/// Arbitrary JSON, biased towards the field names the parsers look at.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("routing_key".to_owned()),
        Just("event_action".to_owned()),
        Just("dedup_key".to_owned()),
        Just("payload".to_owned()),
        Just("summary".to_owned()),
        Just("severity".to_owned()),
        Just("timestamp".to_owned()),
        Just("labels".to_owned()),
        Just("annotations".to_owned()),
        Just("alerts".to_owned()),
        Just("events".to_owned()),
        Just("version".to_owned()),
        Just("startsAt".to_owned()),
        Just("endsAt".to_owned()),
        Just("links".to_owned()),
        Just("images".to_owned()),
        "[a-z]{0,3}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("trigger".to_owned()),
            Just("resolve".to_owned()),
            Just("4".to_owned()),
            Just("critical".to_owned()),
            Just("2026-11-21T22:00:00Z".to_owned()),
            Just("0001-01-01T00:00:00Z".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A JSON object text with the pairs in the given order (serde_json would sort them).
fn object_text(pairs: &[(String, String)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), Value::from(v.as_str())))
        .collect();
    format!("{{{}}}", fields.join(","))
}

fn dedup_keys(labels_json: &str) -> Vec<String> {
    let api = format!("[{{\"labels\":{labels_json}}}]");
    let hook = format!("{{\"version\":\"4\",\"alerts\":[{{\"labels\":{labels_json}}}]}}");
    let generic = format!("{{\"events\":[{{\"summary\":\"s\",\"labels\":{labels_json}}}]}}");
    let mut keys = Vec::new();
    for result in [
        ingest::parse_alertmanager_api(api.as_bytes(), now()),
        ingest::parse_alertmanager_webhook(hook.as_bytes(), now()),
        ingest::parse_generic(generic.as_bytes(), now()),
    ] {
        match result {
            Ok(events) => keys.extend(events.into_iter().map(|e| e.dedup_key)),
            Err(error) => panic!("{labels_json}: {error:?}"),
        }
    }
    keys
}

proptest! {
    #[test]
    fn no_parser_panics_on_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..512)) {
        run_all(&body);
    }

    #[test]
    fn no_parser_panics_on_arbitrary_json(value in json_value()) {
        run_all(value.to_string().as_bytes());
        // Also wrapped the way each format expects, to get past the first checks.
        let wrapped = [
            serde_json::json!({"version": "4", "alerts": [value.clone()]}),
            serde_json::json!({"events": [value.clone()]}),
            serde_json::json!([value.clone()]),
            serde_json::json!({"routing_key": "k", "event_action": "trigger", "payload": value}),
        ];
        for body in wrapped {
            run_all(body.to_string().as_bytes());
        }
    }

    #[test]
    fn dedup_keys_ignore_label_order(
        labels in prop::collection::btree_map("[a-zA-Z_][a-zA-Z0-9_]{0,10}", "[^\u{0}]{1,10}", 1..8),
        seed in any::<u64>(),
    ) {
        let labels: BTreeMap<String, String> = labels;
        let sorted: Vec<(String, String)> = labels.clone().into_iter().collect();
        let mut shuffled = sorted.clone();
        // A deterministic shuffle driven by the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let j = usize::try_from(state % (i as u64 + 1)).unwrap_or(0);
            shuffled.swap(i, j);
        }
        let expected = label_fingerprint(&Labels::from_iter(sorted.clone()));
        let in_order = dedup_keys(&object_text(&sorted));
        let reordered = dedup_keys(&object_text(&shuffled));
        prop_assert_eq!(&in_order, &reordered);
        prop_assert!(in_order.iter().all(|k| *k == expected), "{:?} != {}", in_order, expected);
    }
}
