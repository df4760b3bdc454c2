# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

from ..services.orders import status as order_status


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def button_validate(self):
        # Validating marks the moves picked on the way; the delivery then goes
        # to the fulfilment pipeline, whose first eMAG step is "prepared".
        return super(StockPicking, self.with_context(emag_validating=True)).button_validate()

    def _emag_mark_prepared(self):
        """Tell eMAG the order is prepared once its delivery is picked, when the
        account says so (otherwise the fulfilment pipeline does it when the
        delivery is validated). It is Odoo's own change, so it only moves the
        order forward (``order_status.check_automatic``). Warehouse users need
        no eMAG rights for it: the binding is read as superuser."""
        for picking in self.sudo():
            binding = picking.sale_id.emag_order_id
            if (
                picking.picking_type_code != "outgoing"
                or binding.order_type != "seller"
                or not binding.emag_status
                or binding.account_id.order_prepared_trigger != "picked"
            ):
                continue
            binding._emag_request_status(order_status.PREPARED, automatic=True)


class StockMove(models.Model):
    _inherit = "stock.move"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("picked") and not self.env.context.get("emag_validating"):
            pickings = self.picking_id.filtered(
                lambda p: (
                    p.state != "done"
                    and all(move.picked for move in p.move_ids if move.state != "cancel")
                )
            )
            pickings._emag_mark_prepared()
        return result
