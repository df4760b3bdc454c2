"""eMAG's invoices to the seller as vendor bills: read by date window from
the simulator over loopback HTTP, one bill per document (a storno as a
vendor refund), lines on the expense account of their category, VAT as eMAG
states it, netted through the clearing journal; never two bills for one
invoice."""

from datetime import datetime

from odoo import fields
from odoo.tests import tagged

from .money_common import EmagMoneyCase
from .order_common import USERNAME

COMMISSION = [
    {"product_name": "Comision vanzari", "quantity": 1, "unit_price": 100.0, "vat_rate": 21},
    {"product_name": "Comision Genius", "quantity": 2, "unit_price": 12.5, "vat_rate": 21},
]
TRANSPORT = [
    {"product_name": "Transport colete", "quantity": 3, "unit_price": 15.0, "vat_rate": 21}
]


@tagged("post_install", "-at_install")
class TestMoneyVendorBills(EmagMoneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.transport_account = cls.env["account.account"].create(
            {"name": "Transport eMAG", "code": "624900", "account_type": "expense"}
        )

    def bills(self):
        return self.env["account.move"].search(
            [("emag_account_id", "=", self.account.id)], order="id"
        )

    def issue(self, category, lines, day=None):
        return self.sim.issue_invoice(
            USERNAME,
            category,
            lines,
            date=datetime.combine(day or fields.Date.today(), datetime.min.time()),
        )

    def test_invoices_and_storno_become_bills_once_netted_through_clearing(self):
        commission = self.issue("FC", COMMISSION)
        transport = self.issue("FT", TRANSPORT)
        self.read_invoices()
        mapping = self.account.emag_invoice_category_ids
        self.assertEqual(set(mapping.mapped("code")), {"FC", "FT", "FS", "FM"})
        mapping.filtered(lambda m: m.code == "FT").expense_account_id = self.transport_account
        # The transport one again, after the mapping changed: it is not booked twice.
        bills = self.read_invoices()
        self.assertEqual(len(bills), 2)
        bill = bills.filtered(lambda b: b.emag_invoice_number == commission["number"])
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.ref, commission["number"])
        self.assertEqual(bill.partner_id.vat, "RO14399840")
        self.assertEqual(bill.state, "posted")
        self.assertAlmostEqual(bill.amount_untaxed, 125.0)
        self.assertAlmostEqual(bill.amount_total, commission["total_with_vat"])
        self.assertEqual(bill.invoice_line_ids.tax_ids.mapped("amount"), [21.0])
        # eMAG keeps it from the payout: paid through the clearing journal.
        self.assertIn(bill.payment_state, ("paid", "in_payment"))
        payment = self.env["account.payment"].search([("emag_document_id", "=", bill.id)])
        self.assertEqual(payment.journal_id, self.account.money_journal_id)
        self.assertEqual(payment.emag_money_kind, "invoice")

        # A storno of the transport invoice is a vendor refund; the new mapping applies.
        self.sim.storno_invoice(USERNAME, transport["number"])
        bills = self.read_invoices()
        self.assertEqual(len(bills), 3)
        refund = bills.filtered(lambda b: b.move_type == "in_refund")
        self.assertAlmostEqual(refund.amount_total, transport["total_with_vat"])
        self.assertEqual(refund.invoice_line_ids.account_id, self.transport_account)
        self.assertIn(refund.payment_state, ("paid", "in_payment"))

    def test_a_bill_already_there_is_linked_not_duplicated(self):
        commission = self.issue("FC", COMMISSION)
        emag = self.env["res.partner"].create(
            {"name": "DANTE INTERNATIONAL SA", "vat": "RO14399840", "is_company": True}
        )
        # Typed by hand (or imported from ANAF's SPV) before eMAG's route read it.
        typed = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": emag.id,
                "ref": commission["number"],
                "invoice_date": fields.Date.today(),
                "invoice_line_ids": [
                    fields.Command.create({"name": "Comision", "quantity": 1, "price_unit": 125.0})
                ],
            }
        )
        bills = self.read_invoices()
        self.assertEqual(bills, typed)
        self.assertEqual(typed.emag_invoice_number, commission["number"])
        self.assertEqual(
            self.env["account.move"].search_count(
                [("ref", "=", commission["number"]), ("move_type", "=", "in_invoice")]
            ),
            1,
        )

    def test_a_document_that_cannot_be_booked_waits_and_the_others_go_on(self):
        self.issue("FC", [{"product_name": "Taxa", "quantity": 1, "unit_price": 10, "vat_rate": 7}])
        good = self.issue("FT", TRANSPORT)
        bills = self.read_invoices()
        self.assertEqual(bills.mapped("emag_invoice_number"), [good["number"]])
        self.assertFalse(self.account.money_invoice_checkpoint, "the window is read again")
        self.assertIn("No purchase tax of 7%", self.account.message_ids[:1].body)

    def test_vat_as_emag_rounds_it_per_line(self):
        # 1.50 at 21% is 0.315 VAT: eMAG rounds each line (0.32 + 0.32), Odoo
        # rounding globally would say 0.63 for the two.
        self.env.company.tax_calculation_rounding_method = "round_globally"
        lines = [
            {"product_name": "Taxa listare", "quantity": 1, "unit_price": 1.5, "vat_rate": 21},
            {"product_name": "Taxa afisare", "quantity": 1, "unit_price": 1.5, "vat_rate": 21},
        ]
        document = self.issue("FS", lines)
        self.assertEqual(document["total_vat_value"], 0.64)
        bill = self.read_invoices()
        self.assertEqual(bill.emag_invoice_number, document["number"])
        self.assertAlmostEqual(bill.amount_tax, 0.64)
        self.assertAlmostEqual(bill.amount_total, 3.64)
        self.assertEqual(bill.state, "posted")
