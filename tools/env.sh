# Shared settings of the project's scripts; source it, do not run it.
# Every value can be overridden from the environment.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$REPO/.venv}"
PY="$VENV/bin/python"
ODOO_PATH="${ODOO_PATH:-/opt/odoo}"
STATE_DIR="${STATE_DIR:-$REPO/.odoo}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-odoo}" PGPASSWORD="${PGPASSWORD:-odoo}"
QUEUE_JOB_VERSION="${QUEUE_JOB_VERSION:-19.0.2.4.0.1}"

have_odoo() { [ -f "$ODOO_PATH/odoo-bin" ]; }

# The addons path: Odoo's own, OCA queue_job as installed from PyPI, then ours.
addons_path() {
    local queue_job
    queue_job="$("$PY" -c 'import odoo.addons.queue_job as m, os; print(os.path.dirname(os.path.dirname(m.__file__)))' 2>/dev/null \
        || find "$VENV" -path '*/site-packages/odoo/addons' -type d | head -n 1)"
    echo "$ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$queue_job,$REPO"
}
