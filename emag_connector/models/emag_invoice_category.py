# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class EmagInvoiceCategory(models.Model):
    """Where the lines of one category of eMAG's invoices are booked, per account.

    Made from ``invoice/categories/read`` with a default expense account (the
    Romanian chart's 622 for commission, 624 transport, 628 services, 6232
    marketing); the accountant may choose another one.
    """

    _name = "emag.invoice.category"
    _description = "eMAG Invoice Category"
    _order = "account_id, code"

    account_id = fields.Many2one("emag.account", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    code = fields.Char(required=True, readonly=True)
    name = fields.Char(required=True)
    expense_account_id = fields.Many2one(
        "account.account", string="Expense Account", required=True, check_company=True
    )

    _code_unique = models.Constraint(
        "UNIQUE(account_id, code)", "One mapping per category and account."
    )
