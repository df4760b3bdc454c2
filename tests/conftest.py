"""Pytest set-up for the tests that need no Odoo.

The HTTP clients and simulators live inside the addons (so that Odoo ships
them) but import nothing of Odoo. Their ``lib`` folders are put on the path so
the packages import under their own names: ``emag_api``, ``emag_simulator``,
``anaf_spv``, ``anaf_simulator`` and ``ciusro_validator``.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

for lib in (ROOT / "emag_connector" / "lib", ROOT / "l10n_ro_efactura_bridge" / "lib"):
    if str(lib) not in sys.path:
        sys.path.insert(0, str(lib))
