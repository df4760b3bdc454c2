# Shared settings of the project's scripts; source it, do not run it.
# Every value can be overridden from the environment.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Which Odoo: ODOO_VERSION (19.0, 18.0, 17.0) picks the tree ODOO_PATH_<major>
# (defaults /opt/odoo, /opt/odoo18, /opt/odoo17); an explicit ODOO_PATH wins and,
# without ODOO_VERSION, the tree's own odoo/release.py names the version.
ODOO_PATH_19="${ODOO_PATH_19:-/opt/odoo}"
ODOO_PATH_18="${ODOO_PATH_18:-/opt/odoo18}"
ODOO_PATH_17="${ODOO_PATH_17:-/opt/odoo17}"
if [ -z "${ODOO_PATH:-}" ]; then
    case "${ODOO_VERSION:-19.0}" in
        17.0) ODOO_PATH="$ODOO_PATH_17" ;;
        18.0) ODOO_PATH="$ODOO_PATH_18" ;;
        *) ODOO_PATH="$ODOO_PATH_19" ;;
    esac
fi
if [ -z "${ODOO_VERSION:-}" ]; then
    ODOO_VERSION="$(sed -n "s/^version_info = (\([0-9]*\), \([0-9]*\),.*/\1.\2/p" \
        "$ODOO_PATH/odoo/release.py" 2>/dev/null)"
    ODOO_VERSION="${ODOO_VERSION:-19.0}"
fi
export ODOO_VERSION
# 19.0 runs the repository's addons as they are; 17.0 and 18.0 run the addons
# tools/dist.py derives from them (dist/<version>/), each in its own venv.
if [ "$ODOO_VERSION" = 19.0 ]; then
    VENV="${VENV:-$REPO/.venv}"
    OUR_ADDONS="$REPO"
    REQUIREMENTS="$REPO/tools/requirements-odoo.txt"
else
    VENV="${VENV:-$REPO/.venv-$ODOO_VERSION}"
    OUR_ADDONS="$REPO/dist/$ODOO_VERSION"
    REQUIREMENTS="$REPO/tools/requirements-odoo-$ODOO_VERSION.txt"
fi
PY="$VENV/bin/python"
STATE_DIR="${STATE_DIR:-$REPO/.odoo}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-odoo}" PGPASSWORD="${PGPASSWORD:-odoo}"
# OCA queue_job of the same series as Odoo (PyPI odoo-addon-queue-job).
case "$ODOO_VERSION" in
    17.0) QUEUE_JOB_VERSION="${QUEUE_JOB_VERSION_17:-17.0.1.5.4}" ;;
    18.0) QUEUE_JOB_VERSION="${QUEUE_JOB_VERSION_18:-18.0.4.1.2.2}" ;;
    *) QUEUE_JOB_VERSION="${QUEUE_JOB_VERSION:-19.0.2.4.0.1}" ;;
esac

have_odoo() { [ -f "$ODOO_PATH/odoo-bin" ]; }

# The addons path: Odoo's own, OCA queue_job as installed from PyPI, then ours.
addons_path() {
    local queue_job
    queue_job="$("$PY" -c 'import odoo.addons.queue_job as m, os; print(os.path.dirname(os.path.dirname(m.__file__)))' 2>/dev/null \
        || find "$VENV/" -path '*/site-packages/odoo/addons' -type d | head -n 1)"
    echo "$ODOO_PATH/odoo/addons,$ODOO_PATH/addons,$queue_job,$OUR_ADDONS"
}

# 17.0/18.0: (re)build dist/<version>/ from the 19.0 source before running it.
ensure_dist() {
    [ "$ODOO_VERSION" = 19.0 ] || python3 "$REPO/tools/dist.py" "$ODOO_VERSION" >&2
}
