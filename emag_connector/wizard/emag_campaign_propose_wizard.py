# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from odoo import api, fields, models
from odoo.exceptions import UserError


class EmagCampaignProposeWizard(models.TransientModel):
    """Propose a selection of offers to one eMAG campaign, checked against their floors."""

    _name = "emag.campaign.propose.wizard"
    _description = "Propose Offers to an eMAG Campaign"

    account_id = fields.Many2one("emag.account", required=True, readonly=True)
    campaign_id = fields.Many2one(
        "emag.campaign",
        required=True,
        domain="[('account_id', '=', account_id), ('state', '=', 'upcoming')]",
    )
    offer_ids = fields.Many2many("emag.offer")
    line_ids = fields.One2many(
        "emag.campaign.propose.wizard.line",
        "wizard_id",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("campaign_id", "offer_ids")
    def _compute_line_ids(self):
        for wizard in self:
            discount = (wizard.campaign_id.min_discount_percent or 10.0) / 100.0
            commands = [fields.Command.clear()]
            for offer in wizard.offer_ids:
                current = offer.pushed_price or offer.preview_price
                commands.append(
                    fields.Command.create(
                        {
                            "offer_id": offer.id,
                            # rounded down: the campaign's minimum discount is reached
                            "sale_price": math.floor(current * (1 - discount) * 100) / 100,
                            "stock": max(min(offer.preview_stock, 255), 0),
                            "max_qty_per_order": 2,
                            "post_campaign_price": current,
                        }
                    )
                )
            wizard.line_ids = commands

    def action_propose(self):
        """Create the proposals and queue their sending; eMAG's answers come per offer."""
        self.ensure_one()
        below = self.line_ids.filtered(lambda line: line.sale_price < line.floor_price)
        if below:
            raise UserError(
                self.env._(
                    "These campaign prices are below the floor (the minimum margin after "
                    "eMAG's commission and shipping):\n%s",
                    "\n".join(
                        f"{line.offer_id.part_number}: {line.sale_price:.2f} < "
                        f"{line.floor_price:.2f}"
                        for line in below
                    ),
                )
            )
        proposals = self.env["emag.campaign.proposal"].create(
            [
                {
                    "campaign_id": self.campaign_id.id,
                    "offer_id": line.offer_id.id,
                    "sale_price": line.sale_price,
                    "stock": line.stock,
                    "max_qty_per_order": line.max_qty_per_order,
                    "voucher_discount": line.voucher_discount,
                    "post_campaign_price": line.post_campaign_price,
                }
                for line in self.line_ids
            ]
        )
        proposals._queue_send()
        return {"type": "ir.actions.act_window_close"}


class EmagCampaignProposeWizardLine(models.TransientModel):
    _name = "emag.campaign.propose.wizard.line"
    _description = "Offer Proposed to an eMAG Campaign"

    wizard_id = fields.Many2one("emag.campaign.propose.wizard", required=True, ondelete="cascade")
    offer_id = fields.Many2one("emag.offer", required=True)
    floor_price = fields.Float(related="offer_id.floor_price", string="Floor")
    sale_price = fields.Float(string="Campaign Price", digits=(16, 4), required=True)
    stock = fields.Integer(string="Campaign Stock", required=True)
    max_qty_per_order = fields.Integer(string="Max Quantity per Order")
    voucher_discount = fields.Integer(string="Voucher Discount (%)")
    post_campaign_price = fields.Float(string="Price after the Campaign", digits=(16, 4))
