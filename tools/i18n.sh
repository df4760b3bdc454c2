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
ADDONS=(emag_connector l10n_ro_efactura_bridge)
database="emag_i18n_$$"
config="$(mktemp)"
trap 'rm -f "$config"; dropdb --if-exists "$database"' EXIT
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
    -l pot "${LANGUAGES[@]}" -- "${ADDONS[@]}"
for addon in "${ADDONS[@]}"; do
    ls -1 "$REPO/$addon/i18n"
done
