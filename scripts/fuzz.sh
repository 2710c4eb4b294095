#!/usr/bin/env bash
# Runs the property tests of tests/properties.rs with many more cases, for a bounded time
# (default 300 s in all, optimised build; `cargo fuzz` needs a nightly toolchain these machines cannot fetch).
# Usage: scripts/fuzz.sh [SECONDS] — prints how many cases ran without a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
budget=${1:-300}
cases=20000
start=$SECONDS
total=0
cargo test --profile bench --quiet --test properties --no-run
while (( SECONDS - start < budget )); do
  PROPTEST_CASES=$cases cargo test --profile bench --quiet --test properties 2>&1 | tail -3
  total=$((total + cases))
done
echo "fuzz: $total cases per property in $((SECONDS - start)) s, no failure"
