# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class StockMove(models.Model):
    """Every change of free quantity queues a stock push of the moved products' offers.

    Free quantity changes when a move is done (on hand changes) and when a
    reservation is made or released; these three entry points cover pickings,
    sale confirmations and cancellations, and inventory adjustments.
    """

    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        self.env["emag.offer"]._mark_stock_changed((self | moves).product_id)
        return moves

    def _action_assign(self, force_qty=False):
        result = super()._action_assign(force_qty=force_qty)
        self.env["emag.offer"]._mark_stock_changed(self.product_id)
        return result

    def _do_unreserve(self):
        result = super()._do_unreserve()
        self.env["emag.offer"]._mark_stock_changed(self.product_id)
        return result
