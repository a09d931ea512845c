#!/usr/bin/env bash
# Measures the ingest hot path of Watchfloor (SQLite and PostgreSQL) side by
# side with Alertmanager on loopback, with the same workloads, and prints one
# markdown table. Everything listens on 127.0.0.1 and stops by itself.
#
#   scripts/bench-vs-alertmanager.sh            # BENCH_SCALE=small: a few minutes
#   BENCH_SCALE=full scripts/bench-vs-alertmanager.sh    # the issue's sizes
#   BENCH_SCALE=tiny scripts/bench-vs-alertmanager.sh    # seconds (what bench-smoke.sh runs)
#   scripts/bench-vs-alertmanager.sh --check    # exit 1 if a run had errors (never on timings)
#
# Workloads (sizes scale with BENCH_SCALE; each can be overridden, see below):
#   steady     BENCH_STEADY_RATE alerts/s for BENCH_STEADY_SECS over BENCH_DISTINCT alerts,
#              batches of BENCH_STEADY_BATCH, 10% resolving, with end-to-end probes
#   e2e-idle   end-to-end probes only (post → webhook arrival), no other load
#   flat-bN    flat out with batches of N (BENCH_BATCHES) for BENCH_FLAT_SECS
#   fill-N / growth-N   grow to N active alerts (BENCH_GROWTH), wait until the system
#              is quiet (at most BENCH_SETTLE_SECS), then time BENCH_GROWTH_PROBE
#              re-sends of random active alerts at that size
#   disk       the disk alone for BENCH_DISK_SECS: a commit-sized write and
#              fdatasync 500 times a second (first and last by default)
# Each workload runs on every system before the next begins (growth runs
# each system's fills and probes in one go), so the table lists each
# workload's systems one after another.
#
# Other knobs: BENCH_SYSTEMS (alertmanager watchfloor-sqlite watchfloor-postgres),
# BENCH_WORKLOADS (disk steady e2e-idle flat growth disk), BENCH_CONCURRENCY, BENCH_PROBE_RATE,
# BENCH_PORT_BASE, BENCH_OUT (results directory), BENCH_PG_URL (use an existing
# PostgreSQL server instead of starting a private durable one), BENCH_PG_FSYNC (on),
# BENCH_PG_WARM_MB (the WAL the private server writes before the runs; see below),
# BENCH_AM_GROUP_INTERVAL (5m), BENCH_NO_BUILD=1 (use the binaries already built),
# BENCH_WATCHFLOOR_BIN (measure this watchfloor binary instead of building one),
# BENCH_PROFILE (release; dev only for smoke runs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

check=0
for arg in "$@"; do
  case $arg in
    --check) check=1 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }

# --- sizes -------------------------------------------------------------------
scale=${BENCH_SCALE:-small}
case $scale in
  tiny)  d_rate=500;  d_secs=3;  d_distinct=2000;  d_flat=2;  d_growth="1000 5000";
         d_probe=1000;  d_probe_rate=20; d_e2e_secs=2;  d_settle=10; d_pg_warm=0; d_disk=1 ;;
  small) d_rate=5000; d_secs=15; d_distinct=50000; d_flat=10; d_growth="10000 100000";
         d_probe=20000; d_probe_rate=20; d_e2e_secs=5;  d_settle=120; d_pg_warm=512; d_disk=20 ;;
  full)  d_rate=5000; d_secs=60; d_distinct=50000; d_flat=30; d_growth="10000 100000 1000000";
         d_probe=50000; d_probe_rate=20; d_e2e_secs=15; d_settle=300; d_pg_warm=512; d_disk=60 ;;
  *) echo "BENCH_SCALE is tiny, small or full, not $scale" >&2; exit 2 ;;
esac
steady_rate=${BENCH_STEADY_RATE:-$d_rate}
steady_secs=${BENCH_STEADY_SECS:-$d_secs}
steady_batch=${BENCH_STEADY_BATCH:-10}
distinct=${BENCH_DISTINCT:-$d_distinct}
flat_secs=${BENCH_FLAT_SECS:-$d_flat}
batches=${BENCH_BATCHES:-"1 10 100"}
growth=${BENCH_GROWTH:-$d_growth}
growth_probe=${BENCH_GROWTH_PROBE:-$d_probe}
probe_rate=${BENCH_PROBE_RATE:-$d_probe_rate}
e2e_secs=${BENCH_E2E_SECS:-$d_e2e_secs}
concurrency=${BENCH_CONCURRENCY:-32}
settle_secs=${BENCH_SETTLE_SECS:-$d_settle}
pg_warm_mb=${BENCH_PG_WARM_MB:-$d_pg_warm}
systems=${BENCH_SYSTEMS:-"alertmanager watchfloor-sqlite watchfloor-postgres"}
disk_secs=${BENCH_DISK_SECS:-$d_disk}
workloads=${BENCH_WORKLOADS:-"disk steady e2e-idle flat growth disk"}
am_group_interval=${BENCH_AM_GROUP_INTERVAL:-5m}
port_base=${BENCH_PORT_BASE:-19100}
server_port=$((port_base + 1))
receiver_port=$((port_base + 2))
pg_port=${BENCH_PG_PORT:-$((port_base + 3))}
token=bench-am-key-0001

work=$(mktemp -d /tmp/watchfloor-bench.XXXXXX)
out=${BENCH_OUT:-$root/target/bench-results/$(date -u +%Y%m%dT%H%M%SZ)-$scale}
mkdir -p "$out"
results=$out/results.jsonl
: >"$results"
: >"$out/disk.md"

# --- binaries and packages -----------------------------------------------------
target_dir=${CARGO_TARGET_DIR:-$root/target}
packages=(-p watchfloor-bench)
[ -n "${BENCH_WATCHFLOOR_BIN:-}" ] || packages+=(-p watchfloor)
# BENCH_PROFILE=dev measures a debug build: only for the CI smoke run, which
# checks that the benchmark works, never how fast anything is.
profile=${BENCH_PROFILE:-release}
case $profile in
  release) profile_dir=release ;;
  dev) profile_dir=debug ;;
  *) echo "BENCH_PROFILE is release or dev, not $profile" >&2; exit 2 ;;
esac
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
  say "building ${packages[*]} ($profile)"
  cargo build --profile "$profile" --locked "${packages[@]}" >&2
fi
watchfloor=${BENCH_WATCHFLOOR_BIN:-$target_dir/$profile_dir/watchfloor}
bench=$target_dir/$profile_dir/watchfloor-bench
[ -x "$watchfloor" ] && [ -x "$bench" ] || { echo "missing $watchfloor or $bench" >&2; exit 1; }

need=()
[[ " $systems " == *" alertmanager "* ]] && ! command -v prometheus-alertmanager >/dev/null \
  && need+=(prometheus-alertmanager)
if [[ " $systems " == *" watchfloor-postgres "* ]] && [ -z "${BENCH_PG_URL:-}" ] \
  && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The machine may be shared (compilers, other tests): run what we measure at a
# higher priority when we can. BENCH_NICE= (empty) turns this off.
nice_value=${BENCH_NICE--10}
prio=()
if [ -n "$nice_value" ] && { [ "$nice_value" -ge 0 ] || [ "$(id -u)" = 0 ]; }; then
  prio=(nice -n "$nice_value")
fi

# --- process bookkeeping --------------------------------------------------------
server_pid=
pg_dir=
as_pg() { if [ "$(id -u)" = 0 ]; then "${prio[@]}" su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
cleanup() {
  stop_server
  if [ -n "$pg_dir" ]; then
    as_pg "'$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$server_port" "$receiver_port"; do
  port_free "$port" || { echo "port $port is in use: set BENCH_PORT_BASE" >&2; exit 1; }
done

wait_ready() { # URL LOG
  for _ in $(seq 1 300); do
    if [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; then
      echo "the server exited; its log:" >&2; tail -n 30 "$2" >&2; exit 1
    fi
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "the server did not become ready at $1; its log:" >&2; tail -n 30 "$2" >&2; exit 1
}

# --- PostgreSQL ------------------------------------------------------------------
pg_admin_url=
db_pid=
if [[ " $systems " == *" watchfloor-postgres "* ]]; then
  if [ -n "${BENCH_PG_URL:-}" ]; then
    pg_admin_url=$BENCH_PG_URL
  else
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    pg_dir=$(mktemp -d /tmp/watchfloor-bench-pg.XXXXXX)
    chown postgres "$pg_dir" 2>/dev/null || true
    say "starting a private PostgreSQL ($pg_bin) on 127.0.0.1:$pg_port, fsync=${BENCH_PG_FSYNC:-on}"
    as_pg "'$pg_bin/initdb' -D '$pg_dir/data' -A trust -U postgres" >/dev/null
    as_pg "'$pg_bin/pg_ctl' -D '$pg_dir/data' -l '$pg_dir/log' -w \
      -o \"-h 127.0.0.1 -p $pg_port -k '$pg_dir' -c fsync=${BENCH_PG_FSYNC:-on} -c max_connections=200\" start" >/dev/null
    pg_admin_url=postgres://postgres@127.0.0.1:$pg_port/postgres
    db_pid=$(head -n 1 "$pg_dir/data/postmaster.pid")
    # A new cluster has one WAL segment, and every 16 MB of WAL after it is a
    # new file that the committing backend fills with zeros and syncs: at
    # 5,000 alerts/s, a commit of 20-90 ms about every second. A server that
    # has run a while recycles the segments of earlier checkpoints instead
    # (min_wal_size keeps them), so write that much WAL once, as it would have.
    if [ "$pg_warm_mb" -gt 0 ]; then
      say "warming the private PostgreSQL's WAL ($pg_warm_mb MB)"
      psql "$pg_admin_url" -qc "ALTER SYSTEM SET min_wal_size = '$((pg_warm_mb + 64))MB'" \
        -c "SELECT pg_reload_conf()" \
        -c "CREATE TABLE wal_warmup AS SELECT repeat('x', 1000) AS pad FROM generate_series(1, $((pg_warm_mb * 900)))" \
        -c "DROP TABLE wal_warmup" -c "CHECKPOINT" >/dev/null
    fi
  fi
fi

# --- servers -----------------------------------------------------------------------
run_number=0
start_server() { # SYSTEM
  stop_server
  run_number=$((run_number + 1))
  local dir=$work/run-$run_number
  mkdir -p "$dir"
  case $1 in
    alertmanager)
      cat >"$dir/am.yml" <<EOF
global:
  resolve_timeout: 1h
route:
  receiver: bench
  group_by: [alertname, instance]
  group_wait: 0s
  group_interval: $am_group_interval
  repeat_interval: 24h
receivers:
  - name: bench
    webhook_configs:
      - url: http://127.0.0.1:$receiver_port/alertmanager
        send_resolved: true
EOF
      "${prio[@]}" prometheus-alertmanager --config.file="$dir/am.yml" --storage.path="$dir/data" \
        --web.listen-address="127.0.0.1:$server_port" --cluster.listen-address= \
        --log.level=warn >"$dir/server.log" 2>&1 &
      server_pid=$!
      wait_ready "http://127.0.0.1:$server_port/-/ready" "$dir/server.log"
      ;;
    watchfloor-sqlite | watchfloor-postgres)
      cat >"$dir/watchfloor.yaml" <<EOF
public_url: http://127.0.0.1:$server_port
grouping: {group_by: [alertname, instance], group_wait: 0s, auto_resolve: true}
delivery: {max_attempts: 2, initial_backoff: 1s, max_backoff: 2s, timeout: 5s}
tenants:
  - {id: bench, name: Bench, tier: gold, notify: [bench-hook]}
services:
  - {id: bench-svc, tenant: bench, criticality: high, environment: production}
integrations:
  - {key: $token, tenant: bench, service: bench-svc, kind: alertmanager}
notify:
  - {id: bench-hook, kind: webhook, url: "http://127.0.0.1:$receiver_port/watchfloor"}
EOF
      local database=()
      if [ "$1" = watchfloor-postgres ]; then
        local name=bench_$$_$run_number
        psql "$pg_admin_url" -qc "CREATE DATABASE $name" >/dev/null
        database=(--database-url "${pg_admin_url%/*}/$name")
      fi
      WATCHFLOOR_ADMIN_TOKEN=bench-admin-token WATCHFLOOR_LOG=warn \
        "${prio[@]}" "$watchfloor" serve --config "$dir/watchfloor.yaml" --data "$dir/data" \
        --listen "127.0.0.1:$server_port" "${database[@]}" >"$dir/server.log" 2>&1 &
      server_pid=$!
      wait_ready "http://127.0.0.1:$server_port/readyz" "$dir/server.log"
      ;;
    *) echo "unknown system $1" >&2; exit 2 ;;
  esac
}

# Waits until the system is quiet (under 5 % of a core for two seconds in a
# row, at most BENCH_SETTLE_SECS), so that a growth probe measures re-sends at
# that size, not the background work its fill left behind (PostgreSQL's
# autovacuum of the table it just filled, a garbage collection). The fill's
# own figures are in its row.
settle() { # SYSTEM
  local db=() outcome
  [ "$1" = watchfloor-postgres ] && [ -n "$db_pid" ] && db=(--db-pid "$db_pid")
  outcome=$("$bench" settle --server-pid "$server_pid" "${db[@]}" --max-secs "$settle_secs")
  say "$1 $outcome"
}

load() { # SYSTEM WORKLOAD ARGS...
  local system=$1 workload=$2
  shift 2
  local db=()
  [ "$system" = watchfloor-postgres ] && [ -n "$db_pid" ] && db=(--db-pid "$db_pid")
  WATCHFLOOR_BENCH_TOKEN=$token "${prio[@]}" "$bench" load --url "http://127.0.0.1:$server_port" \
    --receiver "127.0.0.1:$receiver_port" --server-pid "$server_pid" "${db[@]}" \
    --system "$system" --workload "$workload" --json-out "$results" "$@" >&2
}

# --- workloads -----------------------------------------------------------------------
on_each_system() { # WORKLOAD ARGS...: each system in turn, on a server of its own
  local workload=$1 system
  shift
  for system in $systems; do
    start_server "$system"
    load "$system" "$workload" "$@"
    stop_server
  done
}

say "scale $scale; systems: $systems; workloads: $workloads; results in $out"
# One workload at a time across the systems, so that the runs compared in a
# ratio are a minute apart rather than the length of a whole system's turn:
# this machine's disk drifts from minute to minute, and Watchfloor waits for
# it at every commit while Alertmanager does not.
for workload in $workloads; do
  case $workload in
    steady)
      on_each_system steady --rate "$steady_rate" --duration "$steady_secs" \
        --batch-size "$steady_batch" --distinct "$distinct" --resolve-ratio 0.1 \
        --concurrency 256 --probe-rate "$probe_rate"
      ;;
    e2e-idle)
      on_each_system e2e-idle --rate 1 --max-alerts 0 --duration "$e2e_secs" \
        --probe-rate "$probe_rate"
      ;;
    flat)
      for batch in $batches; do
        on_each_system "flat-b$batch" --batch-size "$batch" --duration "$flat_secs" \
          --distinct "$distinct" --resolve-ratio 0.1 --concurrency "$concurrency"
      done
      ;;
    growth)
      # A fill takes minutes at the full scale: each system grows in one go.
      for system in $systems; do
        start_server "$system"
        previous=0
        for size in $growth; do
          load "$system" "fill-$size" --pattern sequential --offset "$previous" \
            --distinct $((size - previous)) --max-alerts $((size - previous)) --batch-size 100 \
            --resolve-ratio 0 --concurrency "$concurrency" --duration 3600
          settle "$system"
          load "$system" "growth-$size" --pattern random --distinct "$size" \
            --max-alerts "$growth_probe" --batch-size 100 --resolve-ratio 0 \
            --concurrency "$concurrency" --duration 600
          previous=$size
        done
        stop_server
      done
      ;;
    disk)
      # The disk alone, before and after the rest: what every commit waits for.
      say "disk alone for $disk_secs s"
      "${prio[@]}" "$bench" disk --dir "$work" --duration "$disk_secs" --out "$out/disk.md" >&2
      ;;
    *) echo "unknown workload $workload" >&2; exit 2 ;;
  esac
done

# --- the table ---------------------------------------------------------------------------
{
  echo "Watchfloor vs Alertmanager, BENCH_SCALE=$scale, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -h | awk '/^Mem:/ {print $2}') RAM"
  if [ -n "${BENCH_WATCHFLOOR_BIN:-}" ]; then
    echo "Watchfloor: $watchfloor"
  else
    echo "Watchfloor: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo ' with uncommitted changes')"
  fi
  echo "Alertmanager: $(prometheus-alertmanager --version 2>&1 | head -n 1 | sed 's/^alertmanager, //')"
  echo "Client: watchfloor-bench on 1 runtime thread, $concurrency connections flat out; steady at $steady_rate alerts/s in batches of $steady_batch"
  echo
} | tee "$out/table.md"
table_args=(--targets)
[ "$check" = 1 ] && table_args+=(--check)
"$bench" table "${table_args[@]}" "$results" | tee -a "$out/table.md"
if [ -s "$out/disk.md" ]; then
  echo | tee -a "$out/table.md"
  awk 'NR > 1 { print "" } { print }' "$out/disk.md" | tee -a "$out/table.md"
fi
