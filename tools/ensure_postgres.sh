#!/usr/bin/env bash
# Make sure a PostgreSQL server answers and that our login role exists.
# Starts the machine's cluster when it is down (pg_ctlcluster, as on Debian).
set -euo pipefail
source "$(dirname "$0")/env.sh"

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
    echo "== starting PostgreSQL"
    started=""
    for version_dir in /usr/lib/postgresql/*/; do
        version="$(basename "$version_dir")"
        if pg_ctlcluster "$version" main start 2>/dev/null; then
            started="$version"
            break
        fi
    done
    [ -n "$started" ] || { echo "!! no PostgreSQL cluster could be started (pg_ctlcluster); set PGHOST/PGPORT" >&2; exit 1; }
    for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
fi
if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
    echo "== creating the PostgreSQL role $PGUSER"
    if [ "$(id -u)" = 0 ]; then
        # Peer authentication on the local socket, as the postgres system user.
        echo "CREATE ROLE \"$PGUSER\" LOGIN SUPERUSER PASSWORD '$PGPASSWORD';" \
            | runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD psql -q -U postgres -p "$PGPORT" -d postgres
    else
        echo "!! cannot log in to PostgreSQL as $PGUSER; create the role or set PGUSER/PGPASSWORD" >&2
        exit 1
    fi
fi
