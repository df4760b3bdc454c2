#!/usr/bin/env bash
# Run odoo-bin from $ODOO_PATH with the project's virtualenv and addons path.
# Extra arguments go to odoo-bin (e.g. -d DB -i MODULE --stop-after-init);
# ODOO_BIN names another entry point taking odoo-bin's arguments (tools/peer_odoo.py).
set -euo pipefail
source "$(dirname "$0")/env.sh"
have_odoo || { echo "!! no Odoo at $ODOO_PATH (odoo-bin not found); set ODOO_PATH" >&2; exit 2; }
mkdir -p "$STATE_DIR/data"
# A subcommand (shell, ...) must come before the options.
command=()
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then command=("$1"); shift; fi
export ODOO_PATH
exec "$PY" "${ODOO_BIN:-$ODOO_PATH/odoo-bin}" "${command[@]}" \
    --addons-path="$(addons_path)" \
    --data-dir="$STATE_DIR/data" --http-interface="${HTTP_INTERFACE:-127.0.0.1}" \
    --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" --db_password="$PGPASSWORD" \
    "$@"
