#!/usr/bin/env bash
# `make bench [ONLY=name]`: run the benchmarks; each prints `name=value` lines,
# its baseline measured in the same run. Diagnostics go to stderr.
set -euo pipefail
source "$(dirname "$0")/env.sh"
only="${ONLY:-}"

wants() { [ -z "$only" ] || [ "$only" = "$1" ]; }

if wants api; then
    "$PY" "$REPO/tests/bench/bench_api.py"
fi
