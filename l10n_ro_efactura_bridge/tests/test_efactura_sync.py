# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Core's "Synchronize with ANAF" (menu and daily cron) keeps doing all it did."""

from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.anaf_spv import AnafClient
from .common import FILES, EfacturaBridgeCase


@tagged("post_install", "-at_install")
class TestSynchronizeWithAnaf(EfacturaBridgeCase):
    def setUp(self):
        super().setUp()
        self.supplier_xml = (FILES / "supplier_invoice.xml").read_bytes()

    def _bills(self):
        return self.env["account.move"].search(
            [("company_id", "=", self.company.id), ("move_type", "=", "in_invoice")]
        )

    def test_synchronize_imports_received_bills_and_follows_sent_invoices(self):
        # A supplier (the partner known as RO43567824) filed an invoice to us at ANAF.
        index = self.simulator.file_supplier_invoice(self.supplier_xml)
        invoice = self._invoice(self.vat_payer)
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            trap.perform_enqueued_jobs()  # uploaded, ANAF still checking
            self.simulator.wait_idle()
            self.assertEqual(invoice.l10n_ro_efb_state, "sent")

            action = self.env["account.move"].action_l10n_ro_edi_fetch_invoices()

            self.assertEqual(action["tag"], "display_notification")
            self.assertFalse(self._bills(), "no ANAF call inside the click")
            trap.assert_jobs_count(1, only=self.company._l10n_ro_efb_job_sync_received_bills)
            self._drain(trap)

        self._assert_accepted(invoice)
        bill = self._bills()
        self.assertEqual(len(bill), 1)
        self.assertEqual(bill.l10n_ro_edi_index, index)
        self.assertEqual(bill.l10n_ro_edi_state, "invoice_validated", "core's badge shows it")
        self.assertEqual(bill.partner_id, self.vat_payer, "supplier found by its VAT number")
        self.assertEqual(bill.ref, "FURN-2026-0731")
        self.assertAlmostEqual(bill.amount_total, 363.0)
        self.assertEqual(bill.state, "draft", "the accountant reviews and posts it")
        self.assertTrue(bill.l10n_ro_edi_document_ids.key_signature)

        # The daily cron (core's) comes again: the same message is not imported twice.
        with trap_jobs() as trap:
            self.env["res.company"]._cron_l10n_ro_edi_synchronize_invoices()
            trap.assert_jobs_count(1, only=self.company._l10n_ro_efb_job_sync_received_bills)
            self._drain(trap)
        self.assertEqual(self._bills(), bill)

    def test_received_bill_waits_out_anaf_being_away(self):
        self.simulator.file_supplier_invoice(self.supplier_xml)
        self.simulator.set_fault("descarcare", "http_error", status=503)
        with trap_jobs() as trap:
            self.env["account.move"]._l10n_ro_edi_fetch_invoices()
            job = trap.enqueued_jobs[0]
            with self.assertRaises(RetryableJobError):
                job.perform()
        self.assertFalse(self._bills())
        self.assertFalse(self.company.l10n_ro_efb_bills_synced_until, "the window stays open")

        with trap_jobs() as trap:
            self.env["account.move"]._l10n_ro_edi_fetch_invoices()
            self._drain(trap)
        self.assertEqual(len(self._bills()), 1)
        self.assertTrue(self.company.l10n_ro_efb_bills_synced_until)

    def test_invoice_sent_by_core_before_the_bridge_is_taken_over(self):
        invoice = self._invoice(self.vat_payer)
        # What core's own sending left: a "sent" document and the index ANAF gave.
        xml, _errors = self.env["account.edi.xml.ubl_ro"]._export_invoice(invoice)
        client = AnafClient(
            self.company.l10n_ro_edi_access_token,
            endpoints=self.company._l10n_ro_efb_endpoints(),
            timeout=10,
        )
        invoice.l10n_ro_edi_index = client.upload(xml, self.company.vat)
        self.env["l10n_ro_edi.document"].sudo().create(
            {"invoice_id": invoice.id, "state": "invoice_sent"}
        )
        self.assertFalse(invoice.l10n_ro_efb_state)

        with trap_jobs() as trap:
            self.env["account.move"]._l10n_ro_edi_fetch_invoices()
            self.assertEqual(invoice.l10n_ro_efb_state, "sent")
            self._drain(trap)

        self._assert_accepted(invoice)
        self.assertEqual(len(self.simulator.uploads()), 1, "not sent a second time")
