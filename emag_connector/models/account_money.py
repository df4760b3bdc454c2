# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class AccountPayment(models.Model):
    """A payment registered from eMAG's figures of an order (``services/money``)."""

    _inherit = "account.payment"

    emag_order_id = fields.Many2one(
        "emag.order", string="eMAG Order", readonly=True, index="btree_not_null", copy=False
    )
    emag_money_kind = fields.Selection(
        [
            ("cashed", "Cashed by eMAG"),
            ("refund", "Refunded by eMAG"),
            ("invoice", "eMAG invoice kept from the payout"),
        ],
        string="eMAG Money",
        readonly=True,
        copy=False,
    )
    emag_document_id = fields.Many2one(
        "account.move",
        string="eMAG Document",
        readonly=True,
        copy=False,
        help="The invoice or credit note this eMAG payment settles.",
    )


class AccountMove(models.Model):
    """An eMAG invoice to the seller booked as a vendor bill
    (``services/money/vendor_bills.py``), and the posting hook of the order
    payments."""

    _inherit = "account.move"

    emag_account_id = fields.Many2one(
        "emag.account", string="eMAG Account", readonly=True, index="btree_not_null", copy=False
    )
    emag_invoice_number = fields.Char(
        string="eMAG Invoice Number",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The number of eMAG's invoice this bill books (doc invoice/read).",
    )
    emag_invoice_category = fields.Char(string="eMAG Invoice Category", readonly=True, copy=False)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # A new invoice or credit note of an eMAG order may take money eMAG
        # already reported: the payments job looks at the order again.
        customer = posted.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if customer:
            invoices = customer | customer.reversed_entry_id
            bindings = invoices.line_ids.sale_line_ids.order_id.emag_order_id
            if bindings:
                bindings.money_pending = True
                for account in bindings.account_id:
                    account._emag_enqueue_settle_payments()
        return posted
