# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Price floors (issue 23): accounts that existed start with no minimum margin.

Every push now holds the price at or above the offer's floor. New accounts ask
for a 5 % margin after commission and shipping; on an upgraded database the
seller has not chosen one yet, so the floor is only what stops a sale at a
loss (cost + eMAG's commission + shipping) until a margin is set on the
account's Pricing tab.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE emag_account SET min_margin = 0")
