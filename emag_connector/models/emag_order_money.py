# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from odoo import api, fields, models

from ..services.money.payments import MONEY_FIELDS, reported_money

_logger = logging.getLogger(__name__)


class EmagOrder(models.Model):
    """What eMAG cashed and refunded for the order, and what the books show of it
    (``services/money/payments.py``)."""

    _inherit = "emag.order"

    emag_payment_mode = fields.Selection(
        [("cod", "Cash on delivery"), ("transfer", "Bank transfer"), ("card", "Online card")],
        string="Payment Method",
        readonly=True,
    )
    emag_paid = fields.Boolean(
        string="Paid on eMAG", readonly=True, help="eMAG's payment_status: 1 once it has the money."
    )
    emag_cashed = fields.Monetary(
        string="Cashed by eMAG",
        readonly=True,
        help="What eMAG collected for this order (online card and cash on delivery).",
    )
    emag_refunded = fields.Monetary(
        string="Refunded by eMAG", readonly=True, help="What eMAG paid back to the customer."
    )
    money_pending = fields.Boolean(
        readonly=True,
        index=True,
        copy=False,
        help="eMAG's figures or the order's invoices changed since the payments were last "
        "registered; the next payments job brings them in line.",
    )
    money_registered_cashed = fields.Monetary(
        string="Registered Payments",
        readonly=True,
        copy=False,
        help="Payments registered on the order's invoices through the clearing journal.",
    )
    money_registered_refund = fields.Monetary(
        string="Registered Refunds",
        readonly=True,
        copy=False,
        help="Refund payments registered on the order's credit notes.",
    )
    money_message = fields.Char(
        string="Payment Problem", readonly=True, copy=False, help="Why a payment was refused."
    )
    emag_payment_ids = fields.One2many("account.payment", "emag_order_id", string="Payments")

    @api.model
    def _emag_payload_values(self, order, raw):
        values = super()._emag_payload_values(order, raw)
        try:
            values.update(reported_money(raw, order.gross_total()).values())
        except ValueError as error:
            # The order itself is fine; its payment figures wait for a readable read.
            _logger.warning("eMAG order %s: unreadable payment figures: %s", raw.get("id"), error)
        return values

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("emag_cashed") or vals.get("emag_refunded"):
                vals.setdefault("money_pending", True)
        return super().create(vals_list)

    def write(self, vals):
        money = {key: vals[key] for key in MONEY_FIELDS if key in vals}
        if money and "money_pending" not in vals:
            changed = self.filtered(
                lambda binding: any(
                    (binding[key] or False) != (value or False) for key, value in money.items()
                )
            )
            if changed:
                super(EmagOrder, changed).write({"money_pending": True})
        return super().write(vals)

    def action_view_emag_payments(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("eMAG Payments"),
            "res_model": "account.payment",
            "view_mode": "list,form",
            "domain": [("emag_order_id", "=", self.id)],
        }
