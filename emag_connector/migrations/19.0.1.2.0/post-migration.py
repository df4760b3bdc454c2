# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Stock allocation policies (issue 25): accounts that existed keep fixed shares.

New set-ups offer the whole free quantity on every account (``whole_pool``);
a database that already sold with warehouse shares keeps them, now split by
largest remainder. The periodic offer push sends the few quantities that
rounding used to hide.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE emag_account SET stock_allocation_policy = 'fixed_shares'")
