"""eMAG's invoices to the seller (doc §15) as vendor bills, once each.

A job per account reads ``invoice/read`` by date window from its checkpoint
(like the order poll: the checkpoint moves only when the whole window was
read and every document was booked). Each document becomes a vendor bill of
the eMAG company (the supplier on the document, found or created by its
fiscal code), a storno a vendor refund; each line goes to the expense
account its category is mapped to on the account (``emag.invoice.category``,
made with defaults from ``invoice/categories/read``), with the purchase VAT
of the rate eMAG states (a percent on these routes).

One bill per invoice, whichever way it came first:

- the same supplier fiscal code and number already on a bill (core's
  *Synchronize with ANAF* imported it from SPV, or someone typed it): that
  bill is linked to the eMAG document, its lines moved to the mapped expense
  accounts while it is a draft, and no second bill is made;
- the eMAG bill first and the e-Factura after: the bridge links the received
  e-Factura to the existing bill (``l10n_ro_efactura_bridge``).

eMAG deducts its invoices from the payout, so a posted bill is paid through
the account's clearing journal: the clearing account then holds exactly what
eMAG will pay out (see ``payout.py``).
"""

import logging
from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools.translate import LazyTranslate

from ...lib.emag_api import EmagError
from ..common import labels
from .setup import ensure_clearing

_lt = LazyTranslate(__name__)
_logger = logging.getLogger(__name__)

# Documents are dated by day; read the last day again.
OVERLAP = timedelta(days=1)
FIRST_WINDOW = timedelta(days=31)
# Where each known category goes by default, by the Romanian chart's codes;
# another category (or chart) falls back to the purchase journal's account.
DEFAULT_EXPENSE_CODES = {"FC": "622", "FT": "624", "FS": "628", "FM": "6232"}


class EmagInvoiceError(ValueError):
    """The document cannot be booked as it is; its argument is the reason."""


def fiscal_code(value):
    """``RO14399840`` / ``14399840`` / `` ro 14399840`` → ``14399840`` for comparing."""
    text = "".join(str(value or "").split()).upper()
    return text[2:] if text.startswith("RO") else text


class VendorBillImporter:
    """Books the invoices eMAG issued to one account's seller."""

    def __init__(self, account, client=None):
        self.account = account.with_company(account.company_id)
        self.env = self.account.env
        self.company = self.account.company_id
        self._client = client
        self._taxes = {}

    def client(self):
        if self._client is None:
            self._client = self.account._get_client()
        return self._client

    # ------------------------------------------------------------------ poll

    def poll(self, today=None):
        """Read the window since the checkpoint and book every document in it.
        Returns the bills made or linked."""
        today = today or fields.Date.context_today(self.account)
        since = self.account.money_invoice_checkpoint
        start = (since - OVERLAP) if since else today - FIRST_WINDOW
        self.sync_categories()
        try:
            documents = list(self.client().iter_invoices(date_start=start, date_end=today))
        except EmagError as error:
            _logger.warning("Reading eMAG invoices of %s failed: %s", self.account.name, error)
            raise
        bills = self.env["account.move"]
        failed = False
        for document in documents:
            try:
                with self.env.cr.savepoint():
                    bills |= self.book(document)
            except (EmagInvoiceError, UserError, ValidationError) as error:
                failed = True
                self.account.message_post(
                    body=self.env._(
                        "eMAG invoice %(number)s could not be booked: %(reason)s",
                        number=document.get("number") if isinstance(document, dict) else "?",
                        reason=labels.render(self.env, error.args[0]) if error.args else error,
                    )
                )
        if not failed:
            self.account.money_invoice_checkpoint = today
        return bills

    def sync_categories(self):
        """The account's category mapping, completed with what eMAG lists now."""
        Category = self.env["emag.invoice.category"]
        known = set(Category.search([("account_id", "=", self.account.id)]).mapped("code"))
        for item in self.client().read_invoice_categories():
            code = str(item.get("category") or "").strip()
            if code and code not in known:
                Category.create(
                    {
                        "account_id": self.account.id,
                        "code": code,
                        "name": item.get("name") or code,
                        "expense_account_id": self._default_expense(code).id,
                    }
                )
                known.add(code)

    # ----------------------------------------------------------------- book

    def book(self, document):
        """The vendor bill of one eMAG document: found, linked or made; posted
        and netted through the clearing journal."""
        number = str(document.get("number") or "").strip()
        if not number:
            raise EmagInvoiceError(_lt("The document has no number."))
        storno = bool(int(document.get("is_storno") or 0))
        move_type = "in_refund" if storno else "in_invoice"
        supplier = self._supplier(document.get("supplier") or {})
        bill = self._existing(supplier, number, move_type)
        if bill and bill.emag_invoice_number:
            return bill  # booked before: nothing to do
        values = {
            "emag_account_id": self.account.id,
            "emag_invoice_number": number,
            "emag_invoice_category": str(document.get("category") or ""),
        }
        if bill:
            if bill.state == "draft":
                self._map_existing_lines(bill, document)
                self._follow_emag_vat(bill, document)
            bill.write(values)
            bill.message_post(
                body=self.env._("Linked with eMAG invoice %(number)s.", number=number)
            )
        else:
            bill = self._create(document, supplier, move_type, values)
        if bill.state == "draft" and self.account.money_post_bills:
            bill.action_post()
        if bill.state == "posted":
            self._net_through_clearing(bill)
        return bill

    def _existing(self, supplier, number, move_type):
        """A bill of the same supplier fiscal code and number (any origin)."""
        Move = self.env["account.move"]
        candidates = Move.search(
            [
                ("company_id", "=", self.company.id),
                ("move_type", "=", move_type),
                ("state", "!=", "cancel"),
                "|",
                ("ref", "=", number),
                ("emag_invoice_number", "=", number),
            ]
        )
        code = fiscal_code(supplier.vat)
        return candidates.filtered(lambda m: fiscal_code(m.commercial_partner_id.vat) == code)[:1]

    def _create(self, document, supplier, move_type, values):
        currency = self._currency(document.get("currency"))
        lines = [
            Command.create(self._line_values(document, line))
            for line in document.get("lines") or []
        ]
        if not lines:
            raise EmagInvoiceError(_lt("The document has no lines."))
        bill = (
            self.env["account.move"]
            .with_context(default_move_type=move_type)
            .create(
                {
                    **values,
                    "move_type": move_type,
                    "partner_id": supplier.id,
                    "ref": values["emag_invoice_number"],
                    "invoice_date": fields.Date.to_date(document.get("date")),
                    "currency_id": currency.id,
                    "invoice_line_ids": lines,
                }
            )
        )
        self._follow_emag_vat(bill, document)
        self._check_total(bill, document)
        return bill

    def _line_values(self, document, line):
        quantity = abs(Decimal(str(line.get("quantity") or 0)))
        price = abs(Decimal(str(line.get("unit_price") or 0)))
        value = abs(Decimal(str(line.get("value") or 0)))
        if not quantity:
            raise EmagInvoiceError(_lt("A line has no quantity."))
        if price * quantity != value:
            price = value / quantity  # the line's value is what eMAG adds up
        return {
            "name": line.get("product_name") or document.get("name"),
            "quantity": float(quantity),
            "price_unit": float(price),
            "account_id": self._expense(document.get("category")).id,
            "tax_ids": [Command.set(self._tax(line.get("vat_rate")).ids)],
        }

    def _map_existing_lines(self, bill, document):
        """A bill made from the e-Factura: its lines go to the category's account."""
        account = self._expense(document.get("category"))
        bill.invoice_line_ids.filtered(lambda line: line.display_type == "product").write(
            {"account_id": account.id}
        )

    def _follow_emag_vat(self, bill, document):
        """VAT as eMAG states it: eMAG rounds each line's VAT, Odoo may round
        the sum (the company's rounding method). A difference of rounding (at
        most a cent per line) is settled by giving each tax line eMAG's sum of
        its rate; a larger one is left for :meth:`_check_total` to refuse."""
        currency = bill.currency_id
        total = abs(Decimal(str(document.get("total_with_vat") or 0)))
        difference = abs(Decimal(str(bill.amount_total)) - total)
        lines = document.get("lines") or []
        if not difference or difference > Decimal("0.01") * len(lines):
            return
        stated = {}
        for line in lines:
            rate = float(Decimal(str(line.get("vat_rate") or 0)))
            stated[rate] = stated.get(rate, Decimal(0)) + abs(
                Decimal(str(line.get("vat_value") or 0))
            )
        sign = -1 if bill.move_type == "in_refund" else 1
        updates = [
            Command.update(tax_line.id, {"amount_currency": sign * float(stated[rate])})
            for tax_line in bill.line_ids.filtered(lambda line: line.display_type == "tax")
            if (rate := tax_line.tax_line_id.amount) in stated
            and currency.compare_amounts(abs(tax_line.amount_currency), float(stated[rate]))
        ]
        if updates:
            bill.write({"line_ids": updates})

    def _check_total(self, bill, document):
        total = abs(Decimal(str(document.get("total_with_vat") or 0)))
        if bill.currency_id.compare_amounts(bill.amount_total, float(total)):
            raise EmagInvoiceError(
                _lt(
                    "The bill's total %(odoo)s differs from eMAG's %(emag)s: check the purchase "
                    "taxes of the rates on the document.",
                    odoo=f"{bill.amount_total:.2f}",
                    emag=f"{total:.2f}",
                )
            )

    # ----------------------------------------------------------- netting

    def _net_through_clearing(self, bill):
        """eMAG keeps the bill's amount from the payout: pay it from the clearing journal."""
        if bill.payment_state in ("paid", "in_payment", "reversed") or bill.currency_id.is_zero(
            bill.amount_residual
        ):
            return
        journal = ensure_clearing(self.account)
        payments = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=bill.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "payment_date": bill.invoice_date or fields.Date.context_today(bill),
                    "communication": self.env._(
                        "eMAG invoice %(number)s kept from the payout",
                        number=bill.emag_invoice_number,
                    ),
                }
            )
            ._create_payments()
        )
        payments.write({"emag_money_kind": "invoice", "emag_document_id": bill.id})

    # -------------------------------------------------------------- lookups

    def _supplier(self, data):
        code = fiscal_code(data.get("cif") or data.get("tax_code"))
        if not code:
            raise EmagInvoiceError(_lt("The document names no supplier fiscal code."))
        Partner = self.env["res.partner"].with_context(active_test=False)
        partners = Partner.search(
            [("vat", "in", [code, f"RO{code}"]), ("parent_id", "=", False)], limit=1
        )
        if partners:
            return partners
        return Partner.create(
            {
                "name": data.get("name") or "eMAG",
                "is_company": True,
                "vat": f"RO{code}" if str(data.get("cif") or "").upper().startswith("RO") else code,
                "company_registry": data.get("register_number") or False,
                "street": data.get("address") or False,
                "phone": data.get("phone_number") or False,
                "country_id": self.env.ref("base.ro").id,
            }
        )

    def _currency(self, code):
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code or self.account.currency_id.name)], limit=1)
        )
        if not currency:
            raise EmagInvoiceError(_lt("Unknown currency %(code)s.", code=code))
        if not currency.active:
            currency.active = True
        return currency

    def _expense(self, category):
        mapping = self.env["emag.invoice.category"].search(
            [("account_id", "=", self.account.id), ("code", "=", category or "")], limit=1
        )
        return mapping.expense_account_id or self._default_expense(category)

    def _default_expense(self, category):
        Account = self.env["account.account"].with_company(self.company)
        code = DEFAULT_EXPENSE_CODES.get(category)
        if code:
            found = Account.search(
                [
                    *Account._check_company_domain(self.company),
                    ("code", "=like", f"{code}%"),
                    ("account_type", "=", "expense"),
                ],
                order="code",
                limit=1,
            )
            if found:
                return found
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company),
                ("type", "=", "purchase"),
            ],
            limit=1,
        )
        if not journal.default_account_id:
            raise EmagInvoiceError(
                _lt("The company has no purchase journal with an expense account.")
            )
        return journal.default_account_id

    def _tax(self, rate):
        try:
            percent = float(Decimal(str(rate)))
        except ArithmeticError:
            raise EmagInvoiceError(_lt("Unreadable VAT rate %(rate)s.", rate=rate)) from None
        if percent not in self._taxes:
            Tax = self.env["account.tax"]
            domain = [
                *Tax._check_company_domain(self.company),
                ("type_tax_use", "=", "purchase"),
                ("amount_type", "=", "percent"),
                ("amount", "=", percent),
                ("price_include", "=", False),
                ("children_tax_ids", "=", False),
            ]
            country = self.company.account_fiscal_country_id
            tax = Tax.search(domain + [("country_id", "=", country.id)], limit=1) or Tax.search(
                domain, limit=1
            )
            if not tax and percent:
                raise EmagInvoiceError(
                    _lt(
                        "No purchase tax of %(rate)s%% in the company: create it, then read the "
                        "invoices again.",
                        rate=f"{percent:g}",
                    )
                )
            self._taxes[percent] = tax
        return self._taxes[percent]
