"""What eMAG pays out, and the bank line that brings it.

Everything eMAG owes the seller goes through the account's clearing account
(``setup.py``): a payment registered on an invoice debits it, a refund and an
eMAG invoice kept from the payout (``vendor_bills.py``) credit it. So for a
period:

    expected payout = cashed by eMAG − refunds − eMAG invoices (+ their stornos)

with the payments behind each figure (:func:`payout_figures`). When eMAG's
transfer is imported as a bank statement line, :func:`reconcile_payout`
matches it, in one click, with the open items of the clearing account up to
its date: the statement line's counterpart goes to the clearing account and
all of them are reconciled, provided they add up to the cent; otherwise
nothing is touched and the difference is said. For Odoo's bank
reconciliation widget (Enterprise), ``setup.py`` provides the same as a
reconciliation model.
"""

from dataclasses import dataclass, field

from odoo.exceptions import UserError
from odoo.fields import Command

from .setup import ensure_clearing

LIVE = ("draft", "canceled", "rejected")


@dataclass
class PayoutFigures:
    """One account's payout for a period, in the clearing journal's currency."""

    currency: object
    cashed: float = 0.0
    refunds: float = 0.0
    invoices: float = 0.0
    payments: dict = field(default_factory=dict)  # kind -> account.payment

    @property
    def expected(self):
        return self.currency.round(self.cashed - self.refunds - self.invoices)


def payout_figures(account, date_from=None, date_to=None):
    """Cashed, refunded and kept by eMAG in ``[date_from, date_to]`` (by payment date)."""
    journal = ensure_clearing(account)
    domain = [("journal_id", "=", journal.id), ("state", "not in", LIVE)]
    if date_from:
        domain.append(("date", ">=", date_from))
    if date_to:
        domain.append(("date", "<=", date_to))
    payments = account.env["account.payment"].search(domain, order="date, id")
    currency = journal.currency_id or account.company_id.currency_id
    figures = PayoutFigures(currency=currency)
    for kind in ("cashed", "refund", "invoice"):
        figures.payments[kind] = payments.filtered(lambda p, k=kind: p.emag_money_kind == k)
    figures.cashed = sum(figures.payments["cashed"].mapped("amount"))
    figures.refunds = sum(figures.payments["refund"].mapped("amount"))
    figures.invoices = sum(
        payment.amount if payment.payment_type == "outbound" else -payment.amount
        for payment in figures.payments["invoice"]
    )
    return figures


def open_clearing_lines(account, until=None, exclude_move=None):
    """The clearing account's items not yet settled by a payout."""
    clearing = account.money_clearing_account_id
    domain = [
        ("account_id", "=", clearing.id),
        ("reconciled", "=", False),
        ("parent_state", "=", "posted"),
        ("company_id", "=", account.company_id.id),
    ]
    if until:
        domain.append(("date", "<=", until))
    if exclude_move:
        domain.append(("move_id", "!=", exclude_move.id))
    return account.env["account.move.line"].search(domain)


def reconcile_payout(account, st_line):
    """Reconcile eMAG's transfer ``st_line`` with the clearing account's open items."""
    env = account.env
    ensure_clearing(account)
    clearing = account.money_clearing_account_id
    _liquidity, suspense, _other = st_line._seek_for_lines()
    if st_line.is_reconciled or not suspense:
        raise UserError(env._("This bank line is already reconciled."))
    lines = open_clearing_lines(account, until=st_line.date, exclude_move=st_line.move_id)
    owed = sum(lines.mapped("balance"))
    currency = account.company_id.currency_id
    if currency.compare_amounts(owed, st_line.amount):
        raise UserError(
            env._(
                "eMAG owes %(owed)s on %(date)s for %(account)s, the bank line brings %(paid)s "
                "(%(diff)s apart). Check the payout view for the documents behind the figures.",
                owed=f"{owed:.2f}",
                date=st_line.date,
                account=account.name,
                paid=f"{st_line.amount:.2f}",
                diff=f"{st_line.amount - owed:.2f}",
            )
        )
    move = st_line.move_id
    move.button_draft()
    move.with_context(skip_readonly_check=True).write(
        {"line_ids": [Command.update(suspense.id, {"account_id": clearing.id})]}
    )
    move.action_post()
    counterpart = move.line_ids.filtered(lambda line: line.account_id == clearing)
    (lines | counterpart).reconcile()
    return counterpart
