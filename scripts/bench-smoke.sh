#!/usr/bin/env bash
# The benchmark as a smoke test, for CI: Watchfloor (SQLite) and Alertmanager
# on loopback with tiny workloads (seconds), the comparison table, and every
# Criterion micro-benchmark run once. Fails on errors, never on timings.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debug builds: this checks that the benchmark works, not how fast anything is,
# and shares its build with the test suite.
printf '==> %s\n' "Criterion micro-benchmarks, each run once (debug build)"
cargo test --locked -p watchfloor-bench --bench hot_path

BENCH_PROFILE=dev BENCH_SCALE=tiny BENCH_SYSTEMS=${BENCH_SYSTEMS:-"alertmanager watchfloor-sqlite"} \
  exec scripts/bench-vs-alertmanager.sh --check
