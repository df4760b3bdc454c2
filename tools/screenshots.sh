#!/usr/bin/env bash
# `make screenshots`: refresh docs/images/ from the demo. Uses the demo when it
# already runs on $ODOO_PORT; otherwise starts `make demo` for the time of the shots.
set -euo pipefail
source "$(dirname "$0")/env.sh"
ODOO_PORT="${ODOO_PORT:-8069}"
url="http://127.0.0.1:$ODOO_PORT"
up() { curl -fsS -o /dev/null "$url/web/login"; }
demo_pid=""
if ! up 2>/dev/null; then
    echo "== starting the demo (log: $STATE_DIR/screenshots-demo.log)"
    mkdir -p "$STATE_DIR"
    setsid "$REPO/tools/demo.sh" >"$STATE_DIR/screenshots-demo.log" 2>&1 &
    demo_pid=$!
    trap '[ -n "$demo_pid" ] && kill -- -"$demo_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 1 600); do up 2>/dev/null && break; sleep 1; done
    up || { echo "!! the demo did not come up; see $STATE_DIR/screenshots-demo.log" >&2; exit 1; }
    sleep 20  # the job runner imports the sandbox's orders and runs their pipelines
fi
"$PY" "$REPO/tools/screenshots.py" --url "$url" "$@"
