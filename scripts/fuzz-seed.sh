#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ with the shared third-party samples (and the SNS test fixtures).
# Usage: scripts/fuzz-seed.sh [samples dir]   (default: ../shared/samples beside the checkout)
# Then: cargo +nightly fuzz run <target> fuzz/corpus/<target>   (run from the repository root)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
samples=${1:-"$root/../shared/samples"}
fixtures="$root/crates/ingest/tests/fixtures/sns"
[ -d "$samples" ] || { echo "samples directory not found: $samples" >&2; exit 1; }

# seed <target> <path under samples or an absolute path>...: copies every file, valid or not.
seed() {
  local target=$1; shift
  local dir="$root/fuzz/corpus/$target"
  mkdir -p "$dir"
  for source in "$@"; do
    case $source in /*) ;; *) source="$samples/$source" ;; esac
    [ -e "$source" ] || { echo "missing seed source: $source" >&2; exit 1; }
    find "$source" -type f ! -name README.md ! -name LICENSE -print0 |
      while IFS= read -r -d '' file; do
        # Named by content, so re-running the script adds nothing twice.
        cp "$file" "$dir/$(sha1sum "$file" | cut -c1-40)"
      done
  done
}

seed sns cloudwatch-sns/awsdocs_sns generated-by-peers/moto-5.2.5_sns-http "$fixtures"
seed sns_verify cloudwatch-sns/awsdocs_sns generated-by-peers/moto-5.2.5_sns-http "$fixtures"
seed sns_raw cloudwatch-sns eventbridge/aws-lambda-rust-runtime
seed sns_lambda cloudwatch-sns/aws-lambda-rust-runtime
seed eventbridge eventbridge cloudwatch-sns/awsdocs_cloudwatch_eventbridge
seed cloudtrail_file cloudtrail
seed cloudtrail_record cloudtrail/awsdocs_cloudtrail-user-guide eventbridge/aws-lambda-rust-runtime
seed cloudtrail_records cloudtrail
seed azure azure-monitor
seed grafana grafana alertmanager
seed pagerduty pagerduty generated-by-peers/alertmanager-0.25.0_debian
seed alertmanager_api generated-by-peers/alertmanager-0.25.0_debian/_inputs
seed alertmanager_webhook alertmanager generated-by-peers/alertmanager-0.25.0_debian
seed generic pagerduty alertmanager

for dir in "$root"/fuzz/corpus/*/; do
  printf '%-22s %5d files\n' "$(basename "$dir")" "$(find "$dir" -type f | wc -l)"
done
