# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Invoices our own checks stopped before sending have an exception line of their own.

Databases installed before listed them as "e-Factura rejected" (ANAF's
rejection) without a next action; the report's snapshot is taken again so
that they move to "e-Factura not sent: to fix" at once, not at the next
hourly refresh.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["emag.exception"]._refresh()
