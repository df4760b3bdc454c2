#!/usr/bin/env bash
# Create or refresh the project's virtualenv: our Python needs, Odoo's, the
# test tools and OCA queue_job. Skips the work when nothing changed since the
# last run (a stamp holds the hash of the requirement files).
set -euo pipefail
source "$(dirname "$0")/env.sh"

stamp="$VENV/.requirements.sha"
want="$(cat "$REPO/tools/requirements-odoo.txt" "$REPO/tools/requirements-dev.txt" "$REPO/pyproject.toml" \
        <(echo "$QUEUE_JOB_VERSION") | sha256sum | cut -d' ' -f1)"
if [ -x "$PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    exit 0
fi
echo "== setting up $VENV (Python needs of the project, of Odoo 19 and the test tools)"
[ -x "$PY" ] || python3 -m venv "$VENV"
"$PY" -m pip install -q --upgrade pip wheel setuptools
"$PY" -m pip install -q -r "$REPO/tools/requirements-odoo.txt" -r "$REPO/tools/requirements-dev.txt"
# queue_job's wheel declares a dependency on the "odoo" distribution, which is
# not on PyPI: Odoo comes from its source tree, so the addon goes in alone.
"$PY" -m pip install -q --no-deps "odoo-addon-queue-job==$QUEUE_JOB_VERSION"
echo "$want" > "$stamp"
