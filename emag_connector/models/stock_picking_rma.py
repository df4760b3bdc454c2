# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    emag_rma_id = fields.Many2one(
        "emag.rma", string="eMAG Return", readonly=True, index="btree_not_null", copy=True
    )
    emag_replacement_rma_id = fields.Many2one(
        "emag.rma",
        string="Replacement for eMAG Return",
        readonly=True,
        index="btree_not_null",
        copy=True,
        help="This delivery ships the replacement of an eMAG return (an exchange); its AWB "
        "is issued with the return.",
    )
    emag_return_reason = fields.Char(
        string="eMAG Return Reason",
        related="emag_rma_id.return_reason_label",
        store=True,
        help="The reason the customer gave eMAG, kept for return reporting.",
    )

    def _action_done(self):
        result = super()._action_done()
        # Warehouse users have no eMAG rights: the return is followed as the
        # connector (as the delivery's fulfilment is), its eMAG side in jobs.
        done = self.sudo().filtered(lambda p: p.state == "done")
        # Backorders carry the return too: it is received when none is left open.
        done.emag_rma_id.filtered(
            lambda rma: all(p.state in ("done", "cancel") for p in rma.return_picking_ids)
        )._emag_goods_received()
        done.emag_replacement_rma_id.filtered(
            lambda rma: all(p.state in ("done", "cancel") for p in rma.replacement_picking_ids)
        )._emag_replacement_shipped()
        return result

    def action_view_emag_rma(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "emag.rma",
            "res_id": self.emag_rma_id.id,
            "view_mode": "form",
        }
