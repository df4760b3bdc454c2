# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..services.buyers import check as buyer_check


class ResPartner(models.Model):
    _inherit = "res.partner"

    emag_customer_key = fields.Char(
        string="eMAG Customer",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Platform and eMAG customer id of a private buyer, to find them again.",
    )
    # What the registry said of a company buyer (services/buyers).
    emag_registry_source = fields.Selection(
        [("anaf", "ANAF VAT registry"), ("vies", "EU VIES")],
        string="Checked In",
        readonly=True,
        copy=False,
    )
    emag_registry_state = fields.Selection(
        [
            ("confirmed", "Confirmed"),
            ("unknown", "Not in the registry"),
            ("inactive", "Inactive taxpayer"),
            ("not_confirmed", "Not confirmed by VIES"),
            ("invalid", "Fiscal code cannot be checked"),
        ],
        string="Registry Check",
        readonly=True,
        copy=False,
    )
    emag_registry_checked_at = fields.Datetime(
        string="Registry Checked On", readonly=True, copy=False
    )
    emag_registry_message = fields.Char(
        string="Registry Problem", readonly=True, copy=False, translate=True
    )
    emag_registry_name = fields.Char(string="Registered Name", readonly=True, copy=False)
    emag_registry_address = fields.Char(string="Registered Address", readonly=True, copy=False)
    emag_registry_vat_payer = fields.Boolean(string="VAT Payer (ANAF)", readonly=True, copy=False)
    emag_registry_vat_on_cash = fields.Boolean(
        string="VAT on Cash Receipt (ANAF)", readonly=True, copy=False
    )
    emag_registry_inactive = fields.Boolean(string="Inactive (ANAF)", readonly=True, copy=False)
    emag_registry_efactura = fields.Boolean(
        string="In the RO e-Factura Register", readonly=True, copy=False
    )
    emag_vies_request_id = fields.Char(
        string="VIES Consultation Number",
        readonly=True,
        copy=False,
        help="The number VIES gave to the check: the seller's proof that it checked the buyer.",
    )
    emag_registry_checkable = fields.Boolean(compute="_compute_emag_registry_checkable")

    def _compute_emag_registry_checkable(self):
        for partner in self:
            partner.emag_registry_checkable = bool(buyer_check.registry_for(partner))

    def action_emag_check_buyer(self):
        """Ask the registry again, in a job (never in the click)."""
        buyer_check.queue_check(self, force=True)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("The buyer will be checked in its registry in a moment."),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _emag_check_buyer(self, force=False):
        """Job: check this buyer in ANAF's registry or VIES and act on the answer."""
        self.ensure_one()
        return buyer_check.run_check_job(self, force=force)
