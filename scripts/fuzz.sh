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
  if ! out=$(PROPTEST_CASES=$cases cargo test --profile bench --quiet --test properties 2>&1); then
    echo "$out" | tail -60
    echo "fuzz: a property failed after $total cases; the shrunk input is in tests/properties.proptest-regressions"
    exit 1
  fi
  total=$((total + cases))
  echo "fuzz: $total cases per property so far, $((SECONDS - start)) s"
done
echo "fuzz: $total cases per property in $((SECONDS - start)) s, no failure"
