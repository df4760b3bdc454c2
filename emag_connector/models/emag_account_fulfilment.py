# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..services.fulfilment.setup import fetch_shipping_setup

PIPELINE_CHANNEL = "root.emag.pipeline"


class EmagAccount(models.Model):
    """Shipping settings of an account: what its AWBs and invoice links are made of."""

    _inherit = "emag.account"

    courier_account_id = fields.Many2one(
        "emag.courier.account",
        string="Courier Account",
        domain="[('account_id', '=', id), ('for_orders', '=', True)]",
        help="eMAG courier account the AWBs are issued on. Orders that eMAG ties to other "
        "courier accounts use the first of those.",
    )
    pickup_address_id = fields.Many2one(
        "emag.pickup.address",
        string="Pickup Address",
        domain="[('account_id', '=', id)]",
        help="Address saved on eMAG where the courier collects the parcels.",
    )
    pickup_contact = fields.Char(
        help="The seller's contact person on AWBs: sender of orders, receiver of returns "
        "(the company name when empty)."
    )
    pickup_phone = fields.Char(
        help="The seller's phone on AWBs: sender of orders, receiver of returns (the company "
        "phone when empty)."
    )
    awb_label_format = fields.Selection(
        [("A4", "A4"), ("A5", "A5"), ("A6", "A6 (label printer)")],
        string="Label Format",
        default="A6",
        required=True,
    )
    public_base_url = fields.Char(
        string="Public Base URL",
        help="Address under which eMAG can reach this Odoo to download invoice PDFs, e.g. "
        "https://erp.example.ro. Empty: the database's web.base.url.",
    )

    def _emag_public_base_url(self):
        self.ensure_one()
        return self.public_base_url or (
            self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        )

    def action_fetch_shipping_setup(self):
        """Queue the reading of courier accounts and addresses from eMAG."""
        for account in self:
            what = self.env._("eMAG: read couriers and addresses of %(a)s", a=account.name)
            account.with_company(account.company_id).with_delay(
                channel=PIPELINE_CHANNEL,
                identity_key=f"emag-shipping-setup:{account.id}",
                description=what,
            )._emag_fetch_shipping_setup()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("Courier accounts and addresses are read in a moment."),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _emag_fetch_shipping_setup(self):
        """Job: see :func:`~..services.fulfilment.setup.fetch_shipping_setup`."""
        self.ensure_one()
        fetch_shipping_setup(self)
