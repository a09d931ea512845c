//! Criterion micro-benchmarks of the hot path: parsing each ingest format, fingerprinting, one engine step.
//!
//! `cargo bench -p watchfloor-bench --bench hot_path` measures; `cargo bench …
//! -- --test` (or `cargo test -p watchfloor-bench --benches`) runs every
//! benchmark once, as CI does so they cannot rot. No timing is asserted.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use domain::{Event, Labels, ServiceId, TenantId, Timestamp};
use engine::Engine;
use watchfloor_bench::payload::{self, AlertShape, AlertSpec, Clock};

/// A fixed `now`, a little after the payloads' `startsAt`.
fn now() -> Timestamp {
    "2026-11-21T10:00:00Z".parse().expect("valid timestamp")
}

fn clock() -> Clock {
    Clock::at(now())
}

fn firing(count: u64) -> Vec<AlertSpec> {
    (0..count).map(|series| AlertSpec { series, resolved: false }).collect()
}

fn parsing(c: &mut Criterion) {
    let shape = AlertShape::default();
    let clock = clock();
    let mut group = c.benchmark_group("parse");
    for batch in [1u64, 10, 100] {
        let api = payload::alertmanager_api_batch(&shape, &clock, &firing(batch));
        group.throughput(Throughput::Elements(batch));
        group.bench_with_input(BenchmarkId::new("alertmanager_api", batch), &api, |b, body| {
            b.iter(|| ingest::parse_alertmanager_api(black_box(body.as_bytes()), now()))
        });
        let webhook = payload::alertmanager_webhook(&shape, &clock, &firing(batch));
        group.bench_with_input(
            BenchmarkId::new("alertmanager_webhook", batch),
            &webhook,
            |b, body| {
                b.iter(|| ingest::parse_alertmanager_webhook(black_box(body.as_bytes()), now()))
            },
        );
        let generic = payload::generic_batch(&shape, &clock, &firing(batch));
        group.bench_with_input(BenchmarkId::new("generic", batch), &generic, |b, body| {
            b.iter(|| ingest::parse_generic(black_box(body.as_bytes()), now()))
        });
    }
    let pagerduty = payload::pagerduty_event(&shape, &clock, 7);
    group.throughput(Throughput::Elements(1));
    group.bench_with_input(BenchmarkId::new("pagerduty", 1), &pagerduty, |b, body| {
        b.iter(|| {
            ingest::parse_pagerduty(black_box(body.as_bytes()), now(), &mut || "generated".into())
        })
    });
    group.finish();
}

fn fingerprinting(c: &mut Criterion) {
    let mut group = c.benchmark_group("label_fingerprint");
    for extra_labels in [0usize, 4, 20] {
        let shape = AlertShape { extra_labels, ..AlertShape::default() };
        let mut json = String::new();
        payload::write_labels(&mut json, &shape, 12_345);
        let labels: Labels = serde_json::from_str(&json).expect("labels are a JSON object");
        group.bench_with_input(BenchmarkId::from_parameter(labels.len()), &labels, |b, labels| {
            b.iter(|| domain::event::label_fingerprint(black_box(labels)))
        });
    }
    group.finish();
}

const CONFIG: &str = "
grouping: {group_by: [alertname, instance], group_wait: 0s}
tenants:
  - {id: bench, name: Bench, tier: gold, notify: [bench-hook]}
services:
  - {id: bench-svc, tenant: bench, criticality: high, environment: production}
integrations:
  - {key: bench-am-key-0001, tenant: bench, service: bench-svc, kind: alertmanager}
notify:
  - {id: bench-hook, kind: webhook, url: 'http://127.0.0.1:9/hook'}
";

/// The events of `count` distinct alerts, as the Alertmanager API parser makes them.
fn events(shape: &AlertShape, first: u64, count: u64, resolved: bool) -> Vec<Event> {
    let alerts: Vec<AlertSpec> =
        (first..first + count).map(|series| AlertSpec { series, resolved }).collect();
    let mut out = Vec::new();
    for chunk in alerts.chunks(ingest::MAX_BATCH) {
        let body = payload::alertmanager_api_batch(shape, &clock(), chunk);
        out.extend(ingest::parse_alertmanager_api(body.as_bytes(), now()).expect("valid batch"));
    }
    out
}

/// An engine holding `active` firing alerts in `shape.groups` open incidents.
fn engine_with(shape: &AlertShape, active: u64) -> (Engine, TenantId, ServiceId) {
    let config = config::parse(CONFIG, "bench.yaml").expect("valid bench config");
    let mut engine = Engine::new(Arc::new(config));
    let tenant = TenantId::parse("bench").expect("valid id");
    let service = ServiceId::parse("bench-svc").expect("valid id");
    let mut effects = Vec::new();
    for event in events(shape, 0, active, false) {
        engine.handle_event(now(), &tenant, &service, &event, &mut effects);
    }
    let _ = engine.take_changes();
    (engine, tenant, service)
}

fn engine_step(c: &mut Criterion) {
    let shape = AlertShape::default();
    let mut group = c.benchmark_group("engine_handle_event");
    for active in [1_000u64, 100_000] {
        group.throughput(Throughput::Elements(1));
        let (mut engine, tenant, service) = engine_with(&shape, active);
        // A re-sent firing alert: the commonest event (Prometheus re-sends every evaluation).
        let refires = events(&shape, 0, active.min(10_000), false);
        let mut effects = Vec::new();
        let mut next = 0;
        group.bench_function(BenchmarkId::new("refire", active), |b| {
            b.iter(|| {
                let event = &refires[next % refires.len()];
                next += 1;
                effects.clear();
                let outcome =
                    engine.handle_event(now(), &tenant, &service, black_box(event), &mut effects);
                // What the engine loop does once per commit, amortised here.
                if next % 1024 == 0 {
                    black_box(engine.take_changes());
                }
                outcome
            })
        });

        // A new alert joining an open incident, then its resolve (two steps per iteration).
        let fresh = events(&shape, active, 1024, false);
        let resolves = events(&shape, active, 1024, true);
        group.throughput(Throughput::Elements(2 * 1024));
        group.bench_function(BenchmarkId::new("new_then_resolve", active), |b| {
            b.iter_batched_ref(
                Vec::new,
                |effects: &mut Vec<engine::Effect>| {
                    for (new, resolve) in fresh.iter().zip(&resolves) {
                        effects.clear();
                        engine.handle_event(now(), &tenant, &service, black_box(new), effects);
                        engine.handle_event(now(), &tenant, &service, black_box(resolve), effects);
                    }
                    black_box(engine.take_changes())
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, parsing, fingerprinting, engine_step);
criterion_main!(benches);
