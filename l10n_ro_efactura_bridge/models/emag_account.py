# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from odoo.addons.emag_connector.lib.emag_api import PLATFORMS


class EmagAccount(models.Model):
    _inherit = "emag.account"

    efactura_submit = fields.Boolean(
        string="Send Invoices to RO e-Factura",
        compute="_compute_efactura_submit",
        store=True,
        readonly=False,
        tracking=True,
        help="Send the invoices and credit notes of this account's orders to ANAF as soon as "
        "they are posted. On by default for Romanian platforms; off for eMAG Bulgaria and "
        "Hungary, whose distance sales are declared through OSS (place of supply abroad).",
    )
    efactura_attach_policy = fields.Selection(
        [
            ("posted", "As soon as posted"),
            ("accepted", "Once accepted by ANAF"),
        ],
        string="Attach Invoices to eMAG",
        default="accepted",
        required=True,
        tracking=True,
        help="When the invoice PDF may be attached to the eMAG order. 'Once accepted by ANAF' "
        "guarantees the customer never gets an invoice ANAF later rejects.",
    )

    @api.depends("platform")
    def _compute_efactura_submit(self):
        for account in self:
            platform = PLATFORMS.get(account.platform)
            account.efactura_submit = bool(platform and platform.country_code == "RO")
