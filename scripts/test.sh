#!/usr/bin/env bash
# The full test suite: installs what the tests need from Debian's packages,
# starts PostgreSQL on loopback, then runs lints and every test on SQLite and
# on PostgreSQL. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/watchfloor-target}
export CARGO_INCREMENTAL=0

step() { printf '\n==> %s\n' "$*"; }

# --- system packages -------------------------------------------------------
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v prometheus >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The packages may start their own daemons; the tests start their own copies on loopback.
for daemon in prometheus prometheus-alertmanager; do
  pkill -x "$daemon" 2>/dev/null || true
done
if ! cargo nextest --version >/dev/null 2>&1; then
  step "installing cargo-nextest"
  cargo install --locked cargo-nextest
fi

# --- PostgreSQL on loopback --------------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_dir=$(mktemp -d /tmp/watchfloor-pg.XXXXXX)
free_port() {
  local port
  for port in $(seq 55432 55632); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free loopback port for PostgreSQL in 55432-55632" >&2
  return 1
}
pg_port=${WATCHFLOOR_TEST_PG_PORT:-$(free_port)}
chown postgres "$pg_dir" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
cleanup() {
  as_pg "'$pg_bin/pg_ctl' -D '$pg_dir/data' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
step "starting PostgreSQL ($pg_bin) on 127.0.0.1:$pg_port"
as_pg "'$pg_bin/initdb' -D '$pg_dir/data' -A trust -U postgres --no-sync" >/dev/null
as_pg "'$pg_bin/pg_ctl' -D '$pg_dir/data' -l '$pg_dir/log' -w \
  -o \"-h 127.0.0.1 -p $pg_port -k '$pg_dir' -c fsync=off -c max_connections=300\" start" >/dev/null
export WATCHFLOOR_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"

# --- lints -------------------------------------------------------------------
step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# --- tests -------------------------------------------------------------------
step "tests on SQLite (store conformance also on PostgreSQL)"
cargo nextest run --workspace --locked --no-fail-fast

step "black-box tests on PostgreSQL"
WATCHFLOOR_TEST_DATABASE=postgres cargo nextest run --locked -p watchfloor --no-fail-fast

step "benchmark smoke run (tiny workloads, no timing asserted)"
scripts/bench-smoke.sh

step "all suites passed"
