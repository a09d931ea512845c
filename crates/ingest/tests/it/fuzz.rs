//! The CI-bounded fuzz: every parser over mutated sample bytes, on stable Rust (fuzz/ holds the cargo-fuzz targets, which need nightly).
//!
//! Seeds are the real samples (those under 64 KiB, to keep each case fast)
//! and the SNS signature fixtures. Two strategies: byte-level mutation
//! (bit flips, truncation, insertion, deletion, splicing two samples) and
//! structural mutation (a JSON sample with one value anywhere replaced by a
//! value of another type), which reaches the per-field validation that
//! byte noise rarely gets past. Every parser must return `Ok` or `Err`,
//! never panic, and what it returns must be sane. The number of cases is
//! bounded (`PROPTEST_CASES` overrides it) so CI time stays predictable.

use std::sync::OnceLock;
use std::time::Duration;

use domain::Event;
use ingest::{CloudWatchOptions, IngestError, SnsParsed, SnsRawHeaders};
use proptest::prelude::*;
use serde_json::Value;

use crate::samples::files_under;
use crate::{now, samples_dir};

/// Samples above this size are left out of the mutation corpus (they are parsed whole elsewhere).
const MAX_SEED_BYTES: u64 = 64 * 1024;

fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sns");
        let mut seeds = Vec::new();
        for path in files_under(&samples_dir()).into_iter().chain(files_under(&fixtures)) {
            let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_SEED_BYTES);
            if small && let Ok(bytes) = std::fs::read(&path) {
                seeds.push(bytes);
            }
        }
        assert!(seeds.len() > 200, "only {} seeds", seeds.len());
        seeds
    })
}

fn signing_cert() -> &'static [u8] {
    static CERT: OnceLock<Vec<u8>> = OnceLock::new();
    CERT.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sns/signing-cert.pem");
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    })
}

/// What every successful parse must satisfy.
fn check_events(parser: &str, events: &[Event]) {
    for event in events {
        assert!(!event.dedup_key.is_empty(), "{parser}: empty dedup_key in {event:?}");
        assert!(!event.summary.is_empty(), "{parser}: empty summary in {event:?}");
        assert!(event.summary.chars().count() <= 1024, "{parser}: summary too long");
    }
}

fn check<T>(parser: &str, result: &Result<T, IngestError>, events: impl Fn(&T) -> Vec<&Event>) {
    match result {
        Ok(value) => check_events(parser, &events(value).into_iter().cloned().collect::<Vec<_>>()),
        Err(error) => assert!(!error.message.is_empty(), "{parser}: empty error message"),
    }
}

fn sns_events(parsed: &SnsParsed) -> Vec<&Event> {
    match parsed {
        SnsParsed::Notification { events, .. } => events.iter().collect(),
        _ => Vec::new(),
    }
}

/// Runs every parser of the crate over `body`; panics (failing the case) only on a bug.
pub(crate) fn run_every_parser(body: &[u8]) {
    let now = now();
    let options = CloudWatchOptions::default();
    let _ = ingest::check_depth(body);
    check("pagerduty", &ingest::parse_pagerduty(body, now, &mut || "fresh".to_owned()), |p| {
        vec![&p.event]
    });
    check("alertmanager-api", &ingest::parse_alertmanager_api(body, now), |e| e.iter().collect());
    check("alertmanager", &ingest::parse_alertmanager_webhook(body, now), |e| e.iter().collect());
    check("generic", &ingest::parse_generic(body, now), |e| e.iter().collect());
    check("eventbridge", &ingest::parse_eventbridge(body, now, &options), |e| e.iter().collect());
    check("azure", &ingest::parse_azure(body, now), |e| e.iter().collect());
    check("grafana", &ingest::parse_grafana(body, now), |e| e.iter().collect());
    check("cloudtrail-file", &ingest::parse_cloudtrail_file(body, now), |r| {
        r.iter().map(|r| &r.event).collect()
    });
    check("cloudtrail-record", &ingest::parse_cloudtrail_record(body, now), |r| vec![&r.event]);
    check("cloudtrail-records", &ingest::parse_cloudtrail_records(body, now), |r| {
        r.iter().map(|r| &r.event).collect()
    });
    let raw = SnsRawHeaders { message_id: Some("m"), topic_arn: Some("arn:aws:sns:us-east-1:1:t") };
    check("sns-raw", &ingest::parse_sns_raw(&raw, body, now, &options), |e| e.iter().collect());
    check("sns-lambda", &ingest::parse_sns_lambda_event(body, now, &options), |all| {
        all.iter().flat_map(sns_events).collect()
    });
    for header in [None, Some("Notification")] {
        let parsed = ingest::parse_sns(header, body, now, &options);
        check("sns", &parsed, sns_events);
        if let Ok(parsed) = parsed {
            let message = parsed.message();
            let _ = ingest::check_signing_cert_url(&message.signing_cert_url);
            let _ = ingest::verify_sns_signature(
                message,
                signing_cert(),
                now,
                Duration::from_secs(3600),
            );
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit {
        at: prop::sample::Index,
        bit: u8,
    },
    Truncate {
        at: prop::sample::Index,
    },
    Insert {
        at: prop::sample::Index,
        bytes: Vec<u8>,
    },
    Delete {
        at: prop::sample::Index,
        len: u8,
    },
    /// Replaces the tail from `at` with the tail of another seed from `from`.
    Splice {
        other: prop::sample::Index,
        at: prop::sample::Index,
        from: prop::sample::Index,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop_oneof![
        prop::collection::vec(any::<u8>(), 1..8),
        prop::sample::select(vec![
            &b"null"[..],
            b"\"",
            b"{",
            b"}",
            b"[",
            b"]",
            b",",
            b":",
            b"1e999",
            b"-0",
            b"\\u0000",
            b"true",
            b"\"Type\":",
            b"\"detail-type\":",
            b"\"Records\":",
            b"\xff\xfe",
        ])
        .prop_map(<[u8]>::to_vec),
    ];
    prop_oneof![
        (any::<prop::sample::Index>(), 0..8u8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        any::<prop::sample::Index>().prop_map(|at| Mutation::Truncate { at }),
        (any::<prop::sample::Index>(), token)
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (any::<prop::sample::Index>(), 1..32u8).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<prop::sample::Index>())
            .prop_map(|(other, at, from)| Mutation::Splice { other, at, from }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let position =
        |at: &prop::sample::Index, len: usize| if len == 0 { 0 } else { at.index(len + 1) };
    match mutation {
        Mutation::FlipBit { at, bit } => {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] ^= 1 << bit;
            }
        }
        Mutation::Truncate { at } => bytes.truncate(position(at, bytes.len())),
        Mutation::Insert { at, bytes: insert } => {
            let i = position(at, bytes.len());
            bytes.splice(i..i, insert.iter().copied());
        }
        Mutation::Delete { at, len } => {
            let i = position(at, bytes.len());
            let end = (i + usize::from(*len)).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Splice { other, at, from } => {
            let seeds = corpus();
            let other = &seeds[other.index(seeds.len())];
            let i = position(at, bytes.len());
            let j = position(from, other.len()).min(other.len());
            bytes.truncate(i);
            bytes.extend_from_slice(&other[j..]);
        }
    }
}

/// Every JSON pointer in `value`, the root included.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,16}".prop_map(Value::String),
        prop::sample::select(vec![
            "ALARM",
            "OK",
            "INSUFFICIENT_DATA",
            "Notification",
            "SubscriptionConfirmation",
            "FAILED",
            "SUCCEEDED",
            "Fired",
            "Resolved",
            "Sev0",
            "firing",
            "resolved",
            "1",
            "4",
            "2026-11-21T22:00:00Z",
            "2099-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "{\"AlarmName\":1}",
            "arn:aws:cloudwatch:us-east-1:1:alarm:a",
            "azureMonitorCommonAlertSchema",
            "aws.health",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(serde_json::Map::new())),
        Just(serde_json::json!([{"name": 1}, "x", null])),
    ]
}

/// `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

    #[test]
    fn every_parser_survives_mutated_samples(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let seeds = corpus();
        let mut bytes = seeds[seed.index(seeds.len())].clone();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        run_every_parser(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1024), ..ProptestConfig::default() })]

    #[test]
    fn every_parser_survives_a_field_of_the_wrong_type(
        seed in any::<prop::sample::Index>(),
        target in any::<prop::sample::Index>(),
        value in replacement(),
        nested_message in any::<bool>(),
    ) {
        let seeds = corpus();
        let Ok(mut json) = serde_json::from_slice::<Value>(&seeds[seed.index(seeds.len())]) else {
            return Ok(());
        };
        // SNS messages carry JSON inside the Message string: mutate inside it too.
        let inner = json.get("Message").and_then(Value::as_str).and_then(|m| serde_json::from_str::<Value>(m).ok());
        if let (true, Some(mut inner)) = (nested_message, inner) {
            let mut all = Vec::new();
            pointers(&inner, String::new(), &mut all);
            let pointer = &all[target.index(all.len())];
            if let Some(slot) = inner.pointer_mut(pointer) {
                *slot = value;
            }
            json["Message"] = Value::String(inner.to_string());
        } else {
            let mut all = Vec::new();
            pointers(&json, String::new(), &mut all);
            let pointer = &all[target.index(all.len())];
            if let Some(slot) = json.pointer_mut(pointer) {
                *slot = value;
            }
        }
        run_every_parser(json.to_string().as_bytes());
    }
}
