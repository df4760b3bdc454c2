"""eMAG's payment figures of an order, as payments on its invoices and credit notes.

The order poll already reads every order whose ``modified`` changed, and a
payment changes it (doc §9.3): the figures are taken from that read and kept
on the order binding (:func:`reported_money`), never read with a call of
their own. A changed figure marks the binding *money pending*; so does the
posting of one of the order's invoices or credit notes. A job per account
(:class:`PaymentSettler`) then brings the books in line:

- what eMAG cashed (``cashed_co`` + ``cashed_cod``) is spread over the order's
  posted invoices, oldest first, each taking at most its total; every share
  is one customer payment through the account's clearing journal, registered
  with Odoo's payment register (so it is reconciled with the invoice); a
  share smaller than the invoice leaves it partly paid;
- what eMAG paid back (``refunded_amount``) is spread the same way over the
  order's posted credit notes, as refund payments;
- run again with the same figures, nothing changes (the payments already
  there are the plan); a changed figure cancels the payments that no longer
  match and registers the right ones: corrected, never duplicated.

Money eMAG reports beyond what the documents can take (cashed before the
goods were invoiced, refunded before the return's credit note) waits: the
settler runs again when the next document is posted.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from ...lib.emag_api import parsing
from .setup import ensure_clearing

_logger = logging.getLogger(__name__)

ZERO = Decimal(0)
# doc §9.3 payment_mode_id: 1 COD (ramburs), 2 bank transfer, 3 online card.
MODES = {1: "cod", 2: "transfer", 3: "card"}
COD_METHODS = ("RAMBURS", "COD", "CASH ON DELIVERY")
# Binding fields the figures are kept in; a change of any marks the order pending.
MONEY_FIELDS = ("emag_paid", "emag_cashed", "emag_refunded", "emag_payment_mode")
# Pending orders settled per job run; the job queues itself again for the rest.
SETTLE_BATCH = 200


@dataclass(frozen=True)
class ReportedMoney:
    """What eMAG says of an order's money."""

    paid: bool
    cashed: Decimal
    refunded: Decimal
    mode: str

    def values(self):
        """The binding's values of these figures."""
        return {
            "emag_paid": self.paid,
            "emag_cashed": float(self.cashed),
            "emag_refunded": float(self.refunded),
            "emag_payment_mode": self.mode or False,
        }


def reported_money(raw, gross_total):
    """The money figures of an order payload.

    ``payment_status`` 1 with neither cashed amount given (a card order eMAG
    shows paid before it fills ``cashed_co``) counts as the whole order (``gross_total``)
    cashed. Raises ``ValueError`` on an amount that cannot be read.
    """
    mode_id = _int(raw.get("payment_mode_id"))
    method = str(raw.get("detailed_payment_method") or "").strip().upper()
    mode = MODES.get(mode_id) or ("cod" if method in COD_METHODS else "")
    paid = _int(raw.get("payment_status")) == 1
    reported = [raw.get("cashed_co"), raw.get("cashed_cod")]
    cashed = sum((_amount(value) for value in reported), ZERO)
    if paid and all(value in (None, "") for value in reported):
        cashed = Decimal(gross_total)
    refunded = _amount(raw.get("refunded_amount"))
    return ReportedMoney(paid=paid, cashed=cashed, refunded=refunded, mode=mode)


def _amount(value):
    amount = parsing.to_decimal(value) or ZERO
    if amount < 0:
        raise ValueError(f"negative amount: {value!r}")
    return amount


def _int(value):
    try:
        return parsing.to_int(value)
    except ValueError:
        return None


def order_documents(sale_orders, move_type):
    """The posted invoices (``out_invoice``) or credit notes (``out_refund``)
    of ``sale_orders``, oldest first. A credit note made by reversing an
    invoice belongs to the invoice's orders."""
    moves = sale_orders.invoice_ids
    if move_type == "out_refund":
        moves |= moves.env["account.move"].search(
            [("reversed_entry_id", "in", moves.ids), ("move_type", "=", "out_refund")]
        )
    return moves.filtered(lambda m: m.move_type == move_type and m.state == "posted").sorted(
        lambda m: (m.invoice_date or fields.Date.today(), m.id)
    )


def plan(documents, amount):
    """``[(document, share)]``: ``amount`` spread over ``documents`` in their
    order, each taking at most its total; and what none could take."""
    shares = []
    remaining = amount
    for document in documents:
        share = min(remaining, Decimal(str(document.amount_total)))
        shares.append((document, share))
        remaining -= share
    return shares, remaining


class PaymentSettler:
    """Registers eMAG's payments and refunds of one account's orders."""

    KINDS = (("cashed", "out_invoice", "emag_cashed"), ("refund", "out_refund", "emag_refunded"))

    def __init__(self, account):
        self.account = account.with_company(account.company_id)
        self.env = self.account.env
        self.Payment = self.env["account.payment"]

    def settle_pending(self, limit=SETTLE_BATCH):
        """Settle the account's pending orders; returns how many were left for
        a next run (more than ``limit``)."""
        Binding = self.env["emag.order"]
        domain = [("account_id", "=", self.account.id), ("money_pending", "=", True)]
        bindings = Binding.search(domain, order="id", limit=limit)
        for binding in bindings:
            try:
                with self.env.cr.savepoint():
                    self.settle(binding)
            except (UserError, ValidationError) as error:
                # Odoo refused a payment (a closed period, a locked journal):
                # the order says why and stays pending for the next run.
                _logger.warning("eMAG order %s: payment not registered: %s", binding.emag_id, error)
                binding.money_message = str(error.args[0] if error.args else error)
        return Binding.search_count(domain) - len(bindings.filtered("money_pending"))

    def settle(self, binding):
        """Bring the payments of one order in line with eMAG's figures."""
        journal = ensure_clearing(self.account)
        sale_orders = binding.sale_order_id
        values = {"money_pending": False, "money_message": False}
        for kind, move_type, field in self.KINDS:
            amount = Decimal(str(binding[field]))
            shares, _left = plan(order_documents(sale_orders, move_type), amount)
            values[f"money_registered_{kind}"] = self._apply(binding, journal, kind, shares)
        binding.write(values)

    def _apply(self, binding, journal, kind, shares):
        """Make the ``kind`` payments of ``binding`` the ``shares``; returns the
        amount registered."""
        payments = self.Payment.search(
            [
                ("emag_order_id", "=", binding.id),
                ("emag_money_kind", "=", kind),
                ("state", "not in", ("draft", "canceled", "rejected")),
            ]
        )
        wanted = {document: share for document, share in shares if share > 0}
        registered = ZERO
        for document in {p.emag_document_id for p in payments} | set(wanted):
            current = payments.filtered(lambda p, d=document: p.emag_document_id == d)
            share = wanted.get(document, ZERO)
            currency = document.currency_id
            if not currency.compare_amounts(sum(current.mapped("amount")), float(share)):
                registered += Decimal(str(sum(current.mapped("amount"))))
                continue
            if current:
                current.action_draft()
                current.action_cancel()
            if share > 0:
                payment = self._register(binding, journal, kind, document, share)
                registered += Decimal(str(payment.amount))
        return float(registered)

    def _register(self, binding, journal, kind, document, amount):
        """One payment of ``amount`` on ``document``, through the payment register."""
        payable = Decimal(str(document.amount_residual))
        if payable <= 0:
            raise UserError(
                self.env._(
                    "%(document)s is already settled by other payments: eMAG's %(amount)s "
                    "cannot be registered on it. Unreconcile those payments, then read the "
                    "order again.",
                    document=document.name,
                    amount=f"{amount:.2f}",
                )
            )
        amount = min(amount, payable)
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=document.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "amount": float(amount),
                    "currency_id": document.currency_id.id,
                    "payment_date": fields.Date.context_today(binding),
                    "payment_difference_handling": "open",
                    "communication": self.env._(
                        "eMAG order %(order)s: %(document)s",
                        order=binding.emag_id,
                        document=document.name,
                    ),
                }
            )
        )
        payment = wizard._create_payments()
        payment.write(
            {"emag_order_id": binding.id, "emag_money_kind": kind, "emag_document_id": document.id}
        )
        return payment
