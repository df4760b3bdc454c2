# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    emag_customer_key = fields.Char(
        string="eMAG Customer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Platform and eMAG customer id of a private buyer, to find them again.",
    )
