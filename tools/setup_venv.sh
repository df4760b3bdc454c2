#!/usr/bin/env bash
# Create or refresh the virtualenv of one Odoo version (ODOO_VERSION, or the
# version of the tree at ODOO_PATH; see tools/env.sh): our Python needs, that
# Odoo's, the test tools and OCA queue_job of the same series. 19.0 uses .venv,
# 17.0/18.0 use .venv-<version>. Skips the work when nothing changed since the
# last run (a stamp holds the hash of the requirement files).
set -euo pipefail
source "$(dirname "$0")/env.sh"

stamp="$VENV/.requirements.sha"
inputs=("$REPO/tools/requirements-odoo.txt")
[ "$REQUIREMENTS" = "${inputs[0]}" ] || inputs+=("$REQUIREMENTS")
want="$(cat "${inputs[@]}" "$REPO/tools/requirements-dev.txt" "$REPO/pyproject.toml" \
        <(echo "$QUEUE_JOB_VERSION") | sha256sum | cut -d' ' -f1)"
if [ -x "$PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    exit 0
fi
echo "== setting up $VENV (Python needs of the project, of Odoo $ODOO_VERSION and the test tools)"
[ -x "$PY" ] || python3 -m venv "$VENV"
"$PY" -m pip install -q --upgrade pip wheel setuptools
"$PY" -m pip install -q -r "$REQUIREMENTS" -r "$REPO/tools/requirements-dev.txt"
# queue_job's wheel declares a dependency on the "odoo" distribution, which is
# not on PyPI: Odoo comes from its source tree, so the addon goes in alone.
"$PY" -m pip install -q --no-deps "odoo-addon-queue-job==$QUEUE_JOB_VERSION"
echo "$want" > "$stamp"
