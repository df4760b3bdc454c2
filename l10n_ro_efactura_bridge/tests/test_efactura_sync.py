# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Core's "Synchronize with ANAF" (menu and daily cron) keeps doing all it did.

The bridge's own invoices are followed by its jobs; everything else is core's
synchronization (in the sandbox, which core cannot reach, the bridge imports
the received bills itself).
"""

import importlib
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from ..compat import CORE_DOCUMENT_STATE, CORE_MOVE_STATE, CORE_SYNC_MODULE
from .common import FILES, EfacturaBridgeCase, patch_core_sync_request

HOLDING_DAYS = importlib.import_module(CORE_SYNC_MODULE).HOLDING_DAYS


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
        self.assertEqual(
            bill.l10n_ro_edi_state, CORE_MOVE_STATE["validated"], "core's badge shows it"
        )
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

    def test_received_bills_job_may_commit_as_core_import_does(self):
        # Core imports a received bill's XML in a transaction it commits itself
        # (account's rollbackable_transaction, skipped in tests only): a job
        # refusing commits fails on the first bill outside the tests.
        # (The tests themselves run it without, see EfacturaBridgeCase.)
        self.assertTrue(self.received_bills_allow_commit)

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

    def test_core_judges_its_own_invoices_and_leaves_the_bridges_alone(self):
        """On ANAF's own environments core's synchronization runs as in core.

        Core's request helper only speaks to api.anaf.ro, which a test cannot
        reach: ANAF's answer is handed to core the way core's own tests do.
        """
        self.company.l10n_ro_efb_environment = "test"
        documents = self.env["l10n_ro_edi.document"].sudo()
        # Sent by core itself (before the bridge was installed), then accepted at ANAF.
        by_core = self._invoice(self.vat_payer)
        by_core.l10n_ro_edi_index = "5019882651"
        documents.create({"invoice_id": by_core.id, "state": CORE_DOCUMENT_STATE["sent"]})
        # Followed by the bridge: one waiting for ANAF's verdict, one whose upload
        # answer was lost four days ago and that the bridge is still recovering.
        by_bridge = self._invoice(self.vat_payer)
        by_bridge.write({"l10n_ro_edi_index": "5019882652", "l10n_ro_efb_state": "sent"})
        documents.create({"invoice_id": by_bridge.id, "state": CORE_DOCUMENT_STATE["sent"]})
        lost = self._invoice(self.vat_payer)
        lost.l10n_ro_efb_state = "waiting"
        documents.create({"invoice_id": lost.id, "state": CORE_DOCUMENT_STATE["sent"]})
        lost.l10n_ro_edi_state = CORE_MOVE_STATE["not_indexed"]
        accepted = [
            self._core_accepted_message(by_core.l10n_ro_edi_index, by_core.name),
            self._core_accepted_message(by_bridge.l10n_ro_edi_index, by_bridge.name),
            self._core_accepted_message("5019882653", lost.name),
        ]

        def anaf_answer(company, session, nb_days=1):
            return {
                "sent_invoices_accepted_messages": accepted,
                "sent_invoices_refused_messages": [],
                "received_bills_messages": [],
            }

        with (
            patch_core_sync_request(self.env, anaf_answer),
            freeze_time(fields.Datetime.now() + timedelta(days=HOLDING_DAYS + 1)),
            trap_jobs() as trap,
        ):
            self.env["account.move"]._l10n_ro_edi_fetch_invoices()
            for followed in (by_bridge, lost):
                trap.assert_jobs_count(1, only=followed._l10n_ro_efb_job_process)
            trap.assert_jobs_count(0, only=by_core._l10n_ro_efb_job_process)

        self.assertEqual(
            by_core.l10n_ro_edi_state, CORE_MOVE_STATE["validated"], "core judged its own"
        )
        self.assertFalse(by_core.l10n_ro_efb_state, "the bridge did not take it over")
        self.assertEqual(by_bridge.l10n_ro_edi_state, CORE_MOVE_STATE["sent"], "core left it alone")
        self.assertEqual(
            lost.l10n_ro_edi_state, CORE_MOVE_STATE["not_indexed"], "not declared refused"
        )
        self.assertFalse(lost.l10n_ro_edi_index, "not matched by name by core either")

    def _core_accepted_message(self, index, name):
        """A "FACTURA TRIMISA" message as core's request helper gives it."""
        return {
            "id_solicitare": index,
            "tip": "FACTURA TRIMISA",
            "id": f"3{index}",
            "answer": {
                "signature": {
                    "key_signature": "signature",
                    "key_certificate": "certificate",
                    "attachment_raw": b"",
                },
                "invoice": {"name": name},
            },
        }
