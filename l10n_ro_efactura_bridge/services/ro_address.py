# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What CIUS-RO demands of a Romanian address, and how to get it from what buyers type.

eMAG buyers write Bucharest addresses in many ways ("Bucuresti", "Sector 3",
"București, sectorul 3", or only a 03xxxx postal code); CIUS-RO accepts only
``SECTOR1`` … ``SECTOR6`` as the city of an ``RO-B`` address (BR-RO-100/101).
"""

import re

SECTORS = tuple(f"SECTOR{number}" for number in range(1, 7))
_SECTOR_RE = re.compile(r"\bsect(?:or(?:ul)?)?\.?\s*([1-6])\b", re.IGNORECASE)
# Bucharest postal codes start with 01…06, the number of the sector.
_BUCHAREST_ZIP_RE = re.compile(r"^0([1-6])\d{4}$")

# CIUS-RO maximum lengths (BR-RO-L…) of the texts Odoo fills from partners.
MAX_STREET = 150
MAX_ADDITIONAL_STREET = 100
MAX_CITY = 50
MAX_POSTAL_ZONE = 20
MAX_CONTACT = 100
MAX_PARTY_NAME = 200
MAX_ITEM_NAME = 100
MAX_ITEM_DESCRIPTION = 200


def bucharest_sector(*texts, zip_code=None):
    """``"SECTOR3"`` from the first text naming a sector, else from the postal code; or ``None``."""
    for text in texts:
        if not text:
            continue
        compact = text.upper().replace(" ", "")
        if compact in SECTORS:
            return compact
        match = _SECTOR_RE.search(text)
        if match:
            return f"SECTOR{match.group(1)}"
    match = _BUCHAREST_ZIP_RE.match((zip_code or "").strip())
    return f"SECTOR{match.group(1)}" if match else None


def shorten(text, limit):
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    if not text or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
