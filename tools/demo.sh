#!/usr/bin/env bash
# `make demo`: PostgreSQL, the eMAG and ANAF sandboxes (our simulators) and
# Odoo on http://localhost:8069 with both addons in the database emag_demo,
# one eMAG account per platform pointing at the sandbox. Ctrl-C stops it all.
set -euo pipefail
source "$(dirname "$0")/env.sh"
DEMO_DB="${DEMO_DB:-emag_demo}"
ODOO_PORT="${ODOO_PORT:-8069}"
EMAG_SANDBOX_PORT="${EMAG_SANDBOX_PORT:-8099}"
ANAF_SANDBOX_PORT="${ANAF_SANDBOX_PORT:-8098}"
have_odoo || { echo "!! make demo needs Odoo 19.0: none at $ODOO_PATH (set ODOO_PATH)" >&2; exit 2; }
"$REPO/tools/ensure_postgres.sh"
mkdir -p "$STATE_DIR"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

start_sandbox() {  # name port lib-folder module
    local name="$1" port="$2" lib="$3" module="$4"
    if [ -f "$lib/$module/__main__.py" ]; then
        PYTHONPATH="$lib" "$PY" -m "$module" --port "$port" >"$STATE_DIR/$module.log" 2>&1 &
        pids+=($!)
        for _ in $(seq 1 50); do
            (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "== $name sandbox on http://127.0.0.1:$port"; return; }
            sleep 0.2
        done
        echo "!! the $name sandbox did not start; see $STATE_DIR/$module.log" >&2
        exit 1
    else
        echo "!! the $name sandbox is not part of this version" >&2
    fi
}
start_sandbox "eMAG" "$EMAG_SANDBOX_PORT" "$REPO/emag_connector/lib" emag_simulator
start_sandbox "ANAF SPV" "$ANAF_SANDBOX_PORT" "$REPO/l10n_ro_efactura_bridge/lib" anaf_simulator

if ! psql -d postgres -tAc "select 1 from pg_database where datname = '$DEMO_DB'" | grep -q 1; then
    echo "== creating the database $DEMO_DB (about two minutes)"
    "$REPO/tools/odoo.sh" -d "$DEMO_DB" -i emag_connector,l10n_ro_efactura_bridge --with-demo \
        --stop-after-init --logfile="$STATE_DIR/demo-install.log"
fi
echo "== seeding the demo company, accounts and catalog"
REPO="$REPO" EMAG_SANDBOX_URL="http://127.0.0.1:$EMAG_SANDBOX_PORT/api-3" \
    ANAF_SANDBOX_URL="http://127.0.0.1:$ANAF_SANDBOX_PORT" \
    "$REPO/tools/odoo.sh" shell -d "$DEMO_DB" --no-http --logfile="$STATE_DIR/demo-seed.log" \
    <"$REPO/tools/demo_seed.py"

cat <<MSG

  eMAG connector demo: http://localhost:$ODOO_PORT  (database $DEMO_DB)
  login: admin    password: admin
  Company Demo Magazin SRL sells on eMAG RO, BG and HU (Sales > eMAG), all on the local
  eMAG sandbox; its invoices go to the local ANAF sandbox (Accounting > Customers > e-Factura).
  Ctrl-C stops Odoo and the sandboxes.

MSG
"$REPO/tools/odoo.sh" -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$ODOO_PORT" \
    --load=base,web,queue_job
