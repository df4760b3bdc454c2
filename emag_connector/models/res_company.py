# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..lib.registries import ANAF_VAT_URL, VIES_WSDL_URL


class ResCompany(models.Model):
    _inherit = "res.company"

    emag_buyer_check = fields.Selection(
        [
            ("import", "On import"),
            ("invoice", "Before invoicing only"),
            ("off", "Off"),
        ],
        string="Check eMAG Buyers",
        default="import",
        required=True,
        help="When a company buying on eMAG is checked in ANAF's registry (Romanian companies) "
        "or VIES (other EU VAT numbers): as soon as its order is imported, only when its "
        "delivery is invoiced, or never.",
    )
    emag_buyer_cache_days = fields.Integer(
        string="Buyer Check Lifetime (days)",
        default=30,
        help="A buyer the registry confirmed is not asked again for this many days.",
    )
    emag_anaf_registry_url = fields.Char(
        string="ANAF VAT Registry URL",
        default=ANAF_VAT_URL,
        help="ANAF's PlatitorTvaRest v9 service; a sandbox's address for tests and demos.",
    )
    emag_vies_wsdl_url = fields.Char(
        string="VIES WSDL URL",
        default=VIES_WSDL_URL,
        help="The WSDL of the EU VIES checkVat service; a sandbox's address for tests and demos.",
    )
