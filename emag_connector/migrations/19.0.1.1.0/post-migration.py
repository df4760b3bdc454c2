# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Returns are read by a cron of each account (emag.account._sync_rma_cron).

Databases installed before kept the former global cron, whose job now finds no
account to poll, and their accounts had no cron of their own yet: without this
step their returns would no longer be read at all.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    replace_global_returns_cron(env)


def replace_global_returns_cron(env):
    former = env.ref("emag_connector.ir_cron_emag_poll_returns", raise_if_not_found=False)
    if former:
        former.unlink()
    accounts = env["emag.account"].with_context(active_test=False)
    accounts.search([("rma_cron_id", "=", False)])._sync_rma_cron()
