# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""eMAG's invoice to the seller reaches Odoo twice: from eMAG's
``invoice/read`` and from ANAF SPV as a received e-Factura (the ANAF
simulator delivers the very same document). Whichever comes first, there is
one bill, linked to both."""

from odoo.tests import tagged

from odoo.addons.emag_connector.lib.emag_simulator.invoices import as_ubl
from odoo.addons.emag_connector.tests.order_common import USERNAME
from odoo.addons.queue_job.tests.common import trap_jobs

from .emag_common import EmagFulfilmentEfacturaCase

COMMISSION = [
    {"product_name": "Comision vanzari", "quantity": 1, "unit_price": 250.0, "vat_rate": 21},
    {"product_name": "Comision Genius", "quantity": 4, "unit_price": 7.5, "vat_rate": 21},
    # 1.50 at 21% is 0.315 VAT: eMAG rounds it per line, 0.32 each.
    {"product_name": "Taxa listare", "quantity": 1, "unit_price": 1.5, "vat_rate": 21},
    {"product_name": "Taxa afisare", "quantity": 1, "unit_price": 1.5, "vat_rate": 21},
]


@tagged("post_install", "-at_install")
class TestEmagInvoiceThroughBothRoutes(EmagFulfilmentEfacturaCase):
    def setUp(self):
        super().setUp()
        self.invoice = self.sim.issue_invoice(USERNAME, "FC", COMMISSION)

    def read_from_emag(self):
        with trap_jobs() as trap:
            self.account._emag_enqueue_vendor_bills()
            self._drain(trap)
        self.env.invalidate_all()

    def synchronize_with_anaf(self):
        with trap_jobs() as trap:
            self.env["account.move"]._l10n_ro_edi_fetch_invoices()
            self._drain(trap)
        self.env.invalidate_all()

    def bills(self):
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company.id),
                ("move_type", "in", ("in_invoice", "in_refund")),
                ("state", "!=", "cancel"),
            ]
        )

    def test_emag_first_then_anaf(self):
        self.read_from_emag()
        bill = self.bills()
        self.assertEqual(len(bill), 1)
        self.assertEqual(bill.state, "posted")
        index = self.simulator.file_supplier_invoice(as_ubl(self.invoice))
        self.synchronize_with_anaf()
        self.assertEqual(self.bills(), bill, "the received e-Factura is the same bill")
        self.assertEqual(bill.l10n_ro_edi_index, str(index))
        self.assertEqual(bill.l10n_ro_edi_state, "invoice_validated")
        self.assertAlmostEqual(bill.amount_total, self.invoice["total_with_vat"])
        # ANAF's daily synchronization again: still one.
        self.synchronize_with_anaf()
        self.assertEqual(self.bills(), bill)

    def test_anaf_first_then_emag(self):
        index = self.simulator.file_supplier_invoice(as_ubl(self.invoice))
        self.synchronize_with_anaf()
        bill = self.bills()
        self.assertEqual(len(bill), 1)
        self.assertEqual(bill.ref, self.invoice["number"])
        self.read_from_emag()
        self.assertEqual(self.bills(), bill, "eMAG's route links the bill SPV brought")
        self.assertEqual(bill.emag_invoice_number, self.invoice["number"])
        self.assertEqual(bill.l10n_ro_edi_index, str(index))
        self.assertEqual(bill.state, "posted")
        self.assertAlmostEqual(bill.amount_total, self.invoice["total_with_vat"])
        self.assertTrue(bill.invoice_line_ids.account_id.code.startswith("622"))
