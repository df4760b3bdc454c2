#!/usr/bin/env bash
# Refresh the translation files of both addons: <addon>/i18n/<addon>.pot and
# ro.po, bg.po, hu.po. Installs the addons with the three languages on a
# throwaway database, so the existing translations are read back and kept, new
# terms appear untranslated and terms gone from the code disappear.
set -euo pipefail
source "$(dirname "$0")/env.sh"
have_odoo || { echo "!! no Odoo at $ODOO_PATH (odoo-bin not found); set ODOO_PATH" >&2; exit 2; }
"$REPO/tools/ensure_postgres.sh" >/dev/null
LANGUAGES=(ro_RO bg_BG hu_HU)
# `i18n export` names the files by the languages' ISO codes (ro.po, ...).
ISO_CODES=(ro bg hu)
ADDONS=(emag_connector l10n_ro_efactura_bridge)
database="emag_i18n_$$"
config="$(mktemp)"
previous="$(mktemp -d)"
trap 'rm -rf "$config" "$previous"; dropdb --if-exists "$database"' EXIT
for addon in "${ADDONS[@]}"; do
    mkdir -p "$previous/$addon"
    cp "$REPO/$addon"/i18n/*.po "$previous/$addon/" 2>/dev/null || true
done
# `odoo-bin i18n` reads its server options from a configuration file only.
cat >"$config" <<CONF
[options]
addons_path = $(addons_path)
data_dir = $STATE_DIR/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
CONF
echo "== installing ${ADDONS[*]} with ${LANGUAGES[*]} on $database"
"$REPO/tools/odoo.sh" -d "$database" -i "$(IFS=,; echo "${ADDONS[*]}")" \
    --load-language="$(IFS=,; echo "${LANGUAGES[*]}")" \
    --stop-after-init --no-http --logfile=/dev/null
echo "== exporting"
"$PY" "$ODOO_PATH/odoo-bin" i18n export -c "$config" -d "$database" \
    -l pot "${ISO_CODES[@]}" -- "${ADDONS[@]}"
# The export can come back with the translations of Python terms blank (they
# live in the .po files, not in the database): take them from the files as
# they were before the export.
for addon in "${ADDONS[@]}"; do
    for code in "${ISO_CODES[@]}"; do
        po="$REPO/$addon/i18n/$code.po"
        [ -f "$previous/$addon/$code.po" ] && "$PY" "$REPO/tools/po_merge.py" "$po" "$previous/$addon/$code.po"
    done
    ls -1 "$REPO/$addon/i18n"
done
