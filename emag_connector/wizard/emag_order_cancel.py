# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..services.orders.status import CANCELLATION_REASONS


class EmagOrderCancel(models.TransientModel):
    """Choose eMAG's cancellation reason for orders canceled in Odoo."""

    _name = "emag.order.cancel"
    _description = "Cancel eMAG Orders"

    sale_order_ids = fields.Many2many("sale.order", required=True)
    reason = fields.Selection(
        [(str(code), name) for code, name in CANCELLATION_REASONS.items()],
        string="Reason on eMAG",
        required=True,
        default="1",
    )

    def action_confirm(self):
        self.ensure_one()
        return self.sale_order_ids.with_context(emag_cancel_reason=int(self.reason)).action_cancel()
