# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    emag_buyer_check = fields.Selection(related="company_id.emag_buyer_check", readonly=False)
    emag_buyer_cache_days = fields.Integer(
        related="company_id.emag_buyer_cache_days", readonly=False
    )
    emag_anaf_registry_url = fields.Char(
        related="company_id.emag_anaf_registry_url", readonly=False
    )
    emag_vies_wsdl_url = fields.Char(related="company_id.emag_vies_wsdl_url", readonly=False)
