# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

from ..services import order_status


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        self._emag_mark_prepared(("picked", "done"))
        return result

    def _emag_mark_prepared(self, triggers):
        """Tell eMAG the order is prepared once its delivery is, per the account's
        setting. Only from 'in progress': before the acknowledgement or after
        the AWB the matrix has nothing to do with a ready parcel."""
        for picking in self:
            binding = picking.sale_id.emag_order_id
            if (
                picking.picking_type_code != "outgoing"
                or binding.order_type != "seller"
                or binding.account_id.order_prepared_trigger not in triggers
                or binding.emag_status != str(order_status.IN_PROGRESS)
            ):
                continue
            binding._emag_request_status(order_status.PREPARED)


class StockMove(models.Model):
    _inherit = "stock.move"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("picked"):
            pickings = self.picking_id.filtered(
                lambda p: (
                    p.state != "done"
                    and all(move.picked for move in p.move_ids if move.state != "cancel")
                )
            )
            pickings._emag_mark_prepared(("picked",))
        return result
