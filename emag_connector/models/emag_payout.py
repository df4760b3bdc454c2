# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..services.money import payout


class EmagPayout(models.TransientModel):
    """The payout of one eMAG account for a period, with the documents behind
    each figure (``services/money/payout.py``)."""

    _name = "emag.payout"
    _description = "eMAG Payout"

    account_id = fields.Many2one("emag.account", required=True, ondelete="cascade")
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To")
    currency_id = fields.Many2one("res.currency", compute="_compute_figures")
    cashed = fields.Monetary(string="Cashed by eMAG", compute="_compute_figures")
    refunds = fields.Monetary(string="Refunded by eMAG", compute="_compute_figures")
    invoices = fields.Monetary(string="eMAG Invoices", compute="_compute_figures")
    expected = fields.Monetary(string="Expected Payout", compute="_compute_figures")
    open_balance = fields.Monetary(
        string="Not Yet Paid Out",
        compute="_compute_figures",
        help="What the clearing account still holds: everything eMAG owes, whatever its date, "
        "until a bank line of eMAG's payout is reconciled with it.",
    )
    cashed_payment_ids = fields.Many2many("account.payment", compute="_compute_figures")
    refund_payment_ids = fields.Many2many("account.payment", compute="_compute_figures")
    invoice_payment_ids = fields.Many2many("account.payment", compute="_compute_figures")

    @api.depends("account_id", "date_from", "date_to")
    def _compute_figures(self):
        for wizard in self:
            account = wizard.account_id.with_company(wizard.account_id.company_id)
            if not account:
                wizard.update(
                    {
                        "currency_id": self.env.company.currency_id,
                        "cashed": 0,
                        "refunds": 0,
                        "invoices": 0,
                        "expected": 0,
                        "open_balance": 0,
                    }
                )
                continue
            figures = payout.payout_figures(account, wizard.date_from, wizard.date_to)
            wizard.update(
                {
                    "currency_id": figures.currency,
                    "cashed": figures.cashed,
                    "refunds": figures.refunds,
                    "invoices": figures.invoices,
                    "expected": figures.expected,
                    "open_balance": sum(
                        payout.open_clearing_lines(account).mapped("amount_currency")
                    ),
                    "cashed_payment_ids": figures.payments["cashed"],
                    "refund_payment_ids": figures.payments["refund"],
                    "invoice_payment_ids": figures.payments["invoice"],
                }
            )


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    def action_emag_reconcile_payout(self):
        """One click: eMAG's transfer reconciled with what eMAG owed (the
        account whose open clearing items add up to the line)."""
        accounts = self.env["emag.account"].search([("money_clearing_account_id", "!=", False)])
        for st_line in self:
            account = next(
                (
                    account
                    for account in accounts.filtered(
                        lambda a, line=st_line: a.company_id == line.company_id
                    )
                    if not st_line.currency_id.compare_amounts(
                        sum(
                            payout.open_clearing_lines(
                                account, until=st_line.date, exclude_move=st_line.move_id
                            ).mapped("balance")
                        ),
                        st_line.amount,
                    )
                ),
                None,
            )
            if account is None:
                raise UserError(
                    self.env._(
                        "No eMAG account owes exactly %(amount)s on %(date)s. Open the payout "
                        "view of the account to see what differs.",
                        amount=f"{st_line.amount:.2f}",
                        date=st_line.date,
                    )
                )
            payout.reconcile_payout(account.with_company(account.company_id), st_line)
