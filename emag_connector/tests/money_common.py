"""Fixtures of the money tests: eMAG orders shipped and invoiced on the
simulator, their payments moved there, eMAG's invoices read, and a purchase
VAT of eMAG's rate in the company."""

from odoo.addons.queue_job.tests.common import trap_jobs

from .order_common import USERNAME
from .rma_common import EmagRmaCase

KETTLE = [{"product_id": 1001, "quantity": 2}]  # 2 × 100.00 gross


class EmagMoneyCase(EmagRmaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        Tax = cls.env["account.tax"]
        if not Tax.search(
            [
                ("company_id", "=", company.id),
                ("type_tax_use", "=", "purchase"),
                ("amount", "=", 21.0),
                ("amount_type", "=", "percent"),
                ("price_include", "=", False),
            ],
            limit=1,
        ):
            Tax.create(
                {
                    "name": "21% purchase",
                    "amount": 21.0,
                    "amount_type": "percent",
                    "type_tax_use": "purchase",
                    "company_id": company.id,
                }
            )

    def order(self, payment_mode_id, lines=KETTLE):
        """An order shipped and invoiced (not finalized), paid by ``payment_mode_id``."""
        order, _sale_order, invoice = self.shipped_order(
            lines, finalize=False, payment_mode_id=payment_mode_id
        )
        return order, self.binding(order), invoice

    def payments(self, binding, kind="cashed"):
        return binding.emag_payment_ids.filtered(
            lambda p: p.emag_money_kind == kind and p.state != "canceled"
        )

    def paid_on_emag(self, order, amount=None):
        self.sim.mark_order_paid(USERNAME, order["id"], amount=amount)
        self.poll()

    def read_invoices(self):
        with trap_jobs() as trap:
            self.account._emag_enqueue_vendor_bills()
            self.run_jobs(trap)
        self.env.invalidate_all()
        return self.env["account.move"].search(
            [("emag_account_id", "=", self.account.id)], order="id"
        )
