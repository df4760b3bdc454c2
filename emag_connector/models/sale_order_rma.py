# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    emag_rma_ids = fields.One2many("emag.rma", "sale_order_id", string="eMAG Returns")
    emag_rma_count = fields.Integer(string="eMAG Return Count", compute="_compute_emag_rma_count")

    def _compute_emag_rma_count(self):
        counts = dict(
            self.env["emag.rma"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        )
        for order in self:
            order.emag_rma_count = counts.get(order, 0)

    def action_view_emag_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("emag_connector.emag_rma_action")
        action["domain"] = [("sale_order_id", "=", self.id)]
        if self.emag_rma_count == 1:
            action.update(views=[(False, "form")], view_mode="form", res_id=self.emag_rma_ids.id)
        return action
