#!/usr/bin/env bash
# `make demo`: the eMAG and ANAF sandboxes (our simulators), a fresh database
# emag_demo seeded with a day of eMAG business (tools/demo_seed.py), then Odoo
# on http://localhost:8069 with its job runner, and a walkthrough of what to
# click. Ctrl-C stops it all.
#
# The sandboxes keep their state in memory, so every run starts a new
# database: the installed modules are kept in a template database (rebuilt
# when the addons change), the day is played again on a copy of it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
# Started in the background of a script (an agent's shell, CI), the shell
# inherits SIGINT ignored, and bash cannot trap a signal ignored on entry:
# start again with SIGINT restored, so Ctrl-C (a SIGINT) always stops the demo.
if [ -z "${DEMO_SIGINT_RESTORED:-}" ]; then
    export DEMO_SIGINT_RESTORED=1
    exec "$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp("bash", ["bash", *sys.argv[1:]])' "$0" "$@"
fi
# Another series (make demo ODOO_VERSION=18.0) has its own databases and runs dist/<version>.
if [ "$ODOO_VERSION" = 19.0 ]; then DEMO_DB="${DEMO_DB:-emag_demo}"; else DEMO_DB="${DEMO_DB:-emag_demo_${ODOO_VERSION%%.*}}"; fi
TEMPLATE_DB="${DEMO_DB}_template"
ODOO_PORT="${ODOO_PORT:-8069}"
EMAG_SANDBOX_PORT="${EMAG_SANDBOX_PORT:-8099}"
ANAF_SANDBOX_PORT="${ANAF_SANDBOX_PORT:-8098}"
REGISTRY_SANDBOX_PORT="${REGISTRY_SANDBOX_PORT:-8097}"
ODOO_URL="http://127.0.0.1:$ODOO_PORT"
FACTS="$STATE_DIR/demo-facts.json"
FILESTORE="$STATE_DIR/data/filestore"
# The job runner's lanes (docs/install.md): eMAG orders never wait behind stock pushes.
export ODOO_QUEUE_JOB_CHANNELS="${ODOO_QUEUE_JOB_CHANNELS:-root:4,root.emag.orders:2,root.emag.offers:1,root.emag.pipeline:2,root.emag.returns:1,root.emag.buyers:1,root.efactura:1}"
have_odoo || { echo "!! make demo needs Odoo $ODOO_VERSION: none at $ODOO_PATH (set ODOO_PATH)" >&2; exit 2; }
ensure_dist
"$REPO/tools/ensure_postgres.sh"
mkdir -p "$STATE_DIR"
started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started))s"; }

# Ctrl-C (or a TERM) stops everything this script started and waits until it
# is gone: Odoo finishes its requests on a first signal but may hang on a
# browser's open connections, so it gets a second one (a forced stop), then
# KILL. Exiting at once would leave Odoo holding the port.
pids=()
running() {
    local pid
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && echo "$pid"; done
    return 0
}
stop_all() {  # signal seconds
    local left
    left=$(running)
    [ -n "$left" ] || return 0
    kill "-$1" $left 2>/dev/null || true
    for _ in $(seq 1 $(($2 * 5))); do
        [ -n "$(running)" ] || return 0
        sleep 0.2
    done
}
cleanup() {
    trap - EXIT INT TERM
    [ ${#pids[@]} -gt 0 ] || return 0
    stop_all TERM 10
    stop_all TERM 5
    stop_all KILL 2
}
trap cleanup EXIT
trap 'echo; echo "== stopping"; cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

port_open() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$ODOO_PORT" "$EMAG_SANDBOX_PORT" "$ANAF_SANDBOX_PORT" "$REGISTRY_SANDBOX_PORT"; do
    if port_open "$port"; then
        echo "!! port $port is taken (another make demo?); stop it or set ODOO_PORT, EMAG_SANDBOX_PORT, ANAF_SANDBOX_PORT" >&2
        exit 1
    fi
done

start_sandbox() {  # name port lib-folder module [options]
    local name="$1" port="$2" lib="$3" module="$4"
    PYTHONPATH="$lib" "$PY" -m "$module" --port "$port" "${@:5}" >"$STATE_DIR/$module.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 50); do
        port_open "$port" && { echo "== $name sandbox on http://127.0.0.1:$port"; return; }
        sleep 0.2
    done
    echo "!! the $name sandbox did not start; see $STATE_DIR/$module.log" >&2
    exit 1
}
start_sandbox "eMAG" "$EMAG_SANDBOX_PORT" "$REPO/emag_connector/lib" emag_simulator
start_sandbox "ANAF SPV" "$ANAF_SANDBOX_PORT" "$REPO/l10n_ro_efactura_bridge/lib" anaf_simulator
# ANAF's VAT registry and VIES: the day's generated companies are known to it.
start_sandbox "buyer registries" "$REGISTRY_SANDBOX_PORT" "$REPO/emag_connector/lib" \
    registry_simulator --known-by-default

db_exists() { psql -d postgres -tAc "select 1 from pg_database where datname = '$1'" | grep -q 1; }
drop_db() { dropdb --if-exists "$1"; rm -rf "${FILESTORE:?}/$1"; }

# The languages of the README, offered in Preferences. The first one is
# everybody's default on a new database: English, as the walkthrough.
LANGUAGES="en_US,ro_RO,bg_BG,hu_HU"
# The template is keyed by the addons' content and the languages: any change reinstalls.
addons_hash="$(cd "$REPO" && { echo "$LANGUAGES $ODOO_VERSION"; find emag_connector l10n_ro_efactura_bridge -type f \
    -not -path '*/__pycache__/*' -not -path '*/tests/*' -print0 | sort -z | xargs -0 sha1sum; } \
    | sha1sum | cut -c1-16)"
if ! db_exists "$TEMPLATE_DB" || [ "$(cat "$STATE_DIR/$TEMPLATE_DB.hash" 2>/dev/null)" != "$addons_hash" ]; then
    echo "== installing the addons in $TEMPLATE_DB (about two minutes, once per change of the addons)"
    drop_db "$TEMPLATE_DB"
    rm -f "$STATE_DIR/$TEMPLATE_DB.hash"
    "$REPO/tools/odoo.sh" -d "$TEMPLATE_DB" -i emag_connector,l10n_ro_efactura_bridge \
        --load-language="$LANGUAGES" \
        --stop-after-init --logfile="$STATE_DIR/demo-install.log" \
        || { echo "!! install failed; see $STATE_DIR/demo-install.log" >&2; exit 1; }
    echo "$addons_hash" >"$STATE_DIR/$TEMPLATE_DB.hash"
fi
echo "== a fresh $DEMO_DB from $TEMPLATE_DB ($(elapsed))"
drop_db "$DEMO_DB"
createdb -T "$TEMPLATE_DB" "$DEMO_DB"
if [ -d "$FILESTORE/$TEMPLATE_DB" ]; then
    cp -a "$FILESTORE/$TEMPLATE_DB" "$FILESTORE/$DEMO_DB"
fi

echo "== playing a day of eMAG business (about a minute; log: $STATE_DIR/demo-seed.log)"
rm -f "$FACTS"
REPO="$REPO" EMAG_SANDBOX_ROOT="http://127.0.0.1:$EMAG_SANDBOX_PORT" \
    ANAF_SANDBOX_URL="http://127.0.0.1:$ANAF_SANDBOX_PORT" ODOO_URL="$ODOO_URL" DEMO_FACTS="$FACTS" \
    REGISTRY_SANDBOX_URL="http://127.0.0.1:$REGISTRY_SANDBOX_PORT" \
    "$REPO/tools/odoo.sh" shell -d "$DEMO_DB" --no-http --logfile="$STATE_DIR/demo-seed.log" \
    <"$REPO/tools/demo_seed.py"
[ -f "$FACTS" ] || { echo "!! the seed did not finish; see $STATE_DIR/demo-seed.log" >&2; exit 1; }

"$REPO/tools/odoo.sh" -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$ODOO_PORT" \
    --load=base,web,queue_job --logfile="$STATE_DIR/demo-server.log" &
pids+=($!)
for _ in $(seq 1 150); do
    port_open "$ODOO_PORT" && break
    sleep 0.2
done
port_open "$ODOO_PORT" || { echo "!! Odoo did not start; see $STATE_DIR/demo-server.log" >&2; exit 1; }
echo "== demo ready in $(elapsed)"
"$PY" "$REPO/tools/demo_walkthrough.py" "$FACTS" "http://localhost:$ODOO_PORT"
wait "${pids[-1]}"
