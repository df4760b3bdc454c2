# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services.returns import status as rma_status
from ..services.returns import sync as rma_sync


class EmagRmaRefuse(models.TransientModel):
    """Refuse a return whose goods arrived and are not taken back (damaged by
    the customer, not the product sold...). eMAG only accepts a refusal of a
    return it knows as received, so the return is marked received first; the
    return picking is canceled: the goods go back to the customer."""

    _name = "emag.rma.refuse"
    _description = "Refuse an eMAG Return"

    rma_id = fields.Many2one("emag.rma", required=True, ondelete="cascade")
    reason = fields.Text(required=True, help="Shown to the customer by eMAG.")

    def action_refuse(self):
        self.ensure_one()
        rma = self.rma_id
        if not rma.can_refuse:
            raise UserError(self.env._("This return cannot be refused any more."))
        plan = rma_status.plan(int(rma.emag_status), rma_status.REFUSED, {"received"})
        if not plan.allowed:
            raise UserError(plan.reason)
        rma.return_picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        rma.refuse_reason = self.reason
        rma.message_post(body=self.env._("Return refused: %(reason)s", reason=self.reason))
        rma._emag_request_status(rma_status.REFUSED)
        return {"type": "ir.actions.act_window_close"}


class EmagRmaAwb(models.TransientModel):
    """Ask eMAG for the AWB that brings a return back (courier pickup at the customer)."""

    _name = "emag.rma.awb"
    _description = "Issue an eMAG Return AWB"

    rma_id = fields.Many2one("emag.rma", required=True, ondelete="cascade")
    pickup_date = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=1),
        help="eMAG requires a pickup date from tomorrow on.",
    )
    parcels = fields.Integer(default=1, required=True)
    weight = fields.Float(string="Weight (kg)", default=1.0, required=True)

    @api.constrains("pickup_date", "parcels")
    def _check_values(self):
        for wizard in self:
            if wizard.pickup_date <= fields.Date.context_today(wizard):
                raise UserError(self.env._("The pickup date must be tomorrow or later."))
            if wizard.parcels < 1:
                raise UserError(self.env._("At least one parcel is picked up."))

    def action_issue(self):
        self.ensure_one()
        rma = self.rma_id
        if not rma.can_issue_awb:
            raise UserError(self.env._("A return AWB cannot be issued for this return now."))
        problems = rma_sync.return_address_problems(rma)
        if problems:
            raise UserError(
                self.env._(
                    "eMAG needs these to issue a return AWB; set them first: %(missing)s.",
                    missing="; ".join(problems),
                )
            )
        rma.awb_state = "requested"
        rma._emag_delay(
            "awb", self.env._("eMAG return %(rma)s: issue the return AWB", rma=rma.emag_id)
        )._emag_issue_awb(self.pickup_date, self.parcels, self.weight)
        return {"type": "ir.actions.act_window_close"}
