#!/usr/bin/env bash
# `make bench [ONLY=name]`: run the benchmarks; each prints `name=value` lines,
# its baseline measured in the same run. Diagnostics go to stderr.
set -euo pipefail
source "$(dirname "$0")/env.sh"
only="${ONLY:-}"

wants() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# The Odoo benchmarks run on ODOO_VERSION (19.0, 18.0, 17.0; tools/env.sh) and
# say so: an `odoo_version=` line, and on 17.0/18.0 every figure is named
# `<name>@<version>` so figures of two series never mix.
versioned() {
    if [ "$ODOO_VERSION" = 19.0 ]; then cat; else sed -u "s/^\([A-Za-z0-9_.]*\)=/\1@$ODOO_VERSION=/"; fi
}
if wants stock || wants efactura || wants orders || wants fuzz || wants pipeline; then
    echo "odoo_version=$ODOO_VERSION"
    ensure_dist
fi

if wants api; then
    "$PY" "$REPO/tests/bench/bench_api.py"
fi

if wants allocation; then
    "$PY" "$REPO/tests/bench/bench_allocation.py"
fi

if wants takeover; then
    "$PY" "$REPO/tests/bench/bench_takeover.py"
fi

# The Odoo benchmarks run as scripts inside `odoo-bin shell` on a database of
# their own, created for the run and dropped after it.
export BENCH_DIR="$REPO/tests/bench"  # the Odoo benchmarks' shared helpers (odoo_bench_support.py)

odoo_bench() {  # name script modules
    local name="$1" script="$2" modules="$3" db="emag_bench_$1_$$"
    have_odoo || { echo "!! bench $name skipped: no Odoo at $ODOO_PATH" >&2; return 0; }
    "$REPO/tools/ensure_postgres.sh"
    "$REPO/tools/odoo.sh" -d "$db" -i "$modules" --stop-after-init --logfile="$STATE_DIR/bench-$name.log"
    "$REPO/tools/odoo.sh" shell -d "$db" --no-http --log-level=warn <"$REPO/$script" | versioned \
        || status=$?
    dropdb --if-exists "$db"
    return "${status:-0}"
}

if wants stock; then
    odoo_bench stock tests/bench/bench_stock.py emag_connector
fi

if wants efactura; then
    # Creates and drops its own database; uses the CIUS-RO rules shipped with the bridge.
    "$PY" "$REPO/tests/bench/bench_efactura.py" | versioned
fi

if wants orders; then
    odoo_bench orders tests/bench/bench_orders.py emag_connector
fi

if wants fuzz; then
    # Generated payloads (tests/fuzz): FUZZ_PURE through the pure layer, FUZZ_ODOO through Odoo.
    export FUZZ_DIR="$REPO/tests/fuzz"
    odoo_bench fuzz tests/bench/bench_fuzz.py emag_connector
fi

if wants pipeline; then
    # With the bridge: the delay of the ANAF sandbox is part of the pipeline's figures.
    odoo_bench pipeline tests/bench/bench_pipeline.py emag_connector,l10n_ro_efactura_bridge
fi

if wants pricing; then
    # 5,000 offers with seeded competitors, eMAG's rate limits on (about a minute).
    "$PY" "$REPO/tests/bench/bench_pricing.py"
fi
if wants money; then
    # 200 orders paid, refunded and invoiced by eMAG; the payout reconciled with its bank line.
    odoo_bench money tests/bench/bench_money.py emag_connector
fi
# Only when asked (ONLY=soak): minutes of a multi-worker Odoo under faults, on a
# PostgreSQL of its own (tools/soak.py, also `make soak`).
if [ "$only" = soak ]; then
    "$PY" "$REPO/tools/soak.py"
fi
