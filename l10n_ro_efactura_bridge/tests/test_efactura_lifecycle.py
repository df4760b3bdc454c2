# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Rejections, temporary errors, lost answers, tokens and quotas, as the accountant sees them."""

from datetime import date, datetime

import pytz

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..services.ciusro_precheck import validation_dir
from ..services.efactura_pipeline import PARAM_LOST_UPLOAD_WINDOW
from ..services.working_days import add_working_days
from .common import EfacturaBridgeCase


@tagged("post_install", "-at_install")
class TestEfacturaLifecycle(EfacturaBridgeCase):
    def test_rejection_opens_activity_and_one_click_resubmits(self):
        # ANAF runs checks no schematron has (CUI in its database, checksum...).
        self.simulator.force_verdict(
            "nok", errors=[("R6.1", "CIF-ul cumparatorului nu figureaza in baza de date")]
        )
        invoice = self._invoice(self.vat_payer)
        self._send(invoice)

        self.assertEqual(invoice.l10n_ro_efb_state, "rejected")
        self.assertIn("CIF-ul cumparatorului nu figureaza", invoice.l10n_ro_efb_message)
        self.assertEqual(invoice.l10n_ro_edi_state, "invoice_refused", "core shows it refused too")
        activity = invoice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("rejected", activity.summary)

        # Core refuses to send an invoice that has any document; the bridge does not.
        self._send(invoice)

        self._assert_accepted(invoice)
        self.assertEqual(len(self.simulator.uploads()), 2, "a new upload after the fix")
        self.assertFalse(invoice.activity_ids, "the rejection activity is closed on acceptance")

    def test_precheck_failure_stays_home_without_anaf_call(self):
        if not validation_dir(self.env):
            self.skipTest("official CIUS-RO validation folder absent")
        # A county of another country: core's builder writes "RO-<code>", which is no RO county.
        self.vat_payer.state_id = self.env.ref("base.state_us_5")
        invoice = self._invoice(self.vat_payer)
        self._send(invoice)

        self.assertEqual(invoice.l10n_ro_efb_state, "invalid")
        self.assertIn("BR-RO-111", invoice.l10n_ro_efb_message)
        self.assertEqual(self.simulator.uploads(), [], "no ANAF call for a document known bad")
        self.assertTrue(invoice.activity_ids)

        self.vat_payer.state_id = self.env.ref("base.RO_CJ")
        self._send(invoice)
        self._assert_accepted(invoice)

    def test_temporary_errors_wait_and_are_never_rejections(self):
        invoice = self._invoice(self.person_bucharest)
        self.simulator.set_fault("upload", "http_error", status=503)
        self.simulator.set_fault("uploadb2c", "http_error", status=503)
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            trap.perform_enqueued_jobs()

            self.assertEqual(invoice.l10n_ro_efb_state, "waiting")
            self.assertFalse(invoice.l10n_ro_edi_state, "nothing refused in core's eyes either")
            self.assertFalse(invoice.activity_ids)
            self.assertGreater(invoice.l10n_ro_efb_next_try, fields.Datetime.now())
            self.assertEqual(len(trap.enqueued_jobs), 1, "a retry is queued")

            self.simulator.set_fault("stareMesaj", "http_error", status=500)
            trap.perform_enqueued_jobs()  # upload succeeds
            self.simulator.wait_idle()
            self.assertEqual(invoice.l10n_ro_efb_state, "sent")
            trap.perform_enqueued_jobs()  # status query fails with a 500
            self.assertEqual(invoice.l10n_ro_efb_state, "waiting")
            self.assertTrue(invoice.l10n_ro_edi_index, "the index is kept while waiting")
            self._drain(trap)

        self._assert_accepted(invoice)
        self.assertEqual(len(self.simulator.uploads()), 1)

    def test_lost_upload_answer_is_recovered_without_duplicate(self):
        invoice = self._invoice(self.vat_payer)
        self.simulator.set_fault("upload", "lost_answer")
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            trap.perform_enqueued_jobs()
            self.simulator.wait_idle()

            self.assertEqual(invoice.l10n_ro_efb_state, "waiting")
            self.assertTrue(invoice.l10n_ro_efb_upload_pending_since)
            self.assertEqual(invoice.l10n_ro_edi_state, "invoice_not_indexed")
            # Even a user insisting cannot upload it again meanwhile.
            with self.assertRaises(UserError):
                invoice.action_l10n_ro_efb_send()
            self._drain(trap)

        self._assert_accepted(invoice)
        uploads = self.simulator.uploads()
        self.assertEqual(len(uploads), 1, "ANAF received the invoice once")
        self.assertEqual(invoice.l10n_ro_edi_index, uploads[0]["index"])
        self.assertFalse(invoice.l10n_ro_efb_upload_pending_since)

    def test_lost_upload_never_registered_is_sent_again_after_the_window(self):
        invoice = self._invoice(self.vat_payer)
        # The gateway gives up (504) before ANAF registers anything: the client cannot know.
        self.simulator.set_fault("upload", "http_error", status=504)
        self.env["ir.config_parameter"].set_param(PARAM_LOST_UPLOAD_WINDOW, "0")
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            self._drain(trap)
        self._assert_accepted(invoice)

    def test_expired_token_is_refreshed_and_rotation_persisted(self):
        old_access = self.company.l10n_ro_edi_access_token
        old_refresh = self.company.l10n_ro_edi_refresh_token
        self.simulator.expire_access_tokens()
        invoice = self._invoice(self.person_with_cnp)
        self._send(invoice)

        self._assert_accepted(invoice)
        self.assertNotEqual(self.company.l10n_ro_edi_access_token, old_access)
        self.assertNotEqual(self.company.l10n_ro_edi_refresh_token, old_refresh)
        self.assertGreater(self.company.l10n_ro_edi_access_expiry_date, date.today())

    def test_daily_limit_waits_until_the_quota_resets(self):
        invoice = self._invoice(self.vat_payer)
        self.simulator.set_fault("stareMesaj", "daily_limit")
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            trap.perform_enqueued_jobs()  # upload
            self.simulator.wait_idle()
            trap.perform_enqueued_jobs()  # status: quota reached

            self.assertEqual(invoice.l10n_ro_efb_state, "waiting")
            self.assertIn("S-au facut deja", invoice.l10n_ro_efb_message)
            local_next = pytz.utc.localize(invoice.l10n_ro_efb_next_try).astimezone(
                pytz.timezone("Europe/Bucharest")
            )
            today = datetime.now(pytz.timezone("Europe/Bucharest")).date()
            self.assertGreater(local_next.date(), today, "no more calls before tomorrow")
            self._drain(trap)
        self._assert_accepted(invoice)

    def test_core_send_and_print_goes_through_the_bridge(self):
        invoice = self._invoice(self.vat_payer)
        with trap_jobs() as trap:
            self.assertIsNone(invoice._l10n_ro_edi_send_invoice(b"<ignored/>"))
            self.assertEqual(invoice.l10n_ro_efb_state, "to_send")
            self._drain(trap)
        self._assert_accepted(invoice)

    def test_late_invoices_are_flagged(self):
        late = self._invoice(self.vat_payer)
        late.l10n_ro_efb_state = "waiting"
        accepted = self._invoice(self.vat_payer)
        accepted.l10n_ro_efb_state = "accepted"
        # 2026-03-02 is a Monday: five working days later is Monday 2026-03-09.
        self.assertEqual(late.l10n_ro_efb_deadline, date(2026, 3, 9))

        flagged = self.env["account.move"]._cron_l10n_ro_efb_flag_late()

        self.assertIn(late, flagged)
        self.assertTrue(late.l10n_ro_efb_late)
        self.assertFalse(accepted.l10n_ro_efb_late)

    def test_working_days_skip_romanian_holidays(self):
        # Orthodox Easter 2026 is 12 April: Good Friday 10th and Easter Monday 13th are off.
        self.assertEqual(add_working_days(date(2026, 4, 8)), date(2026, 4, 17))
        # New Year, then Epiphany (6) and Saint John (7) in January 2027.
        self.assertEqual(add_working_days(date(2026, 12, 30)), date(2027, 1, 11))

    def test_core_token_cron_refreshes_against_the_configured_environment(self):
        old_refresh = self.company.l10n_ro_edi_refresh_token

        self.env["res.company"]._cron_l10n_ro_edi_refresh_access_token()

        self.assertNotEqual(self.company.l10n_ro_edi_refresh_token, old_refresh)
        invoice = self._invoice(self.vat_payer)
        self._send(invoice)
        self._assert_accepted(invoice)

    def test_sandbox_tokens_without_certificate(self):
        self.company.write({"l10n_ro_edi_access_token": False, "l10n_ro_edi_refresh_token": False})

        self.company.action_l10n_ro_efb_connect_sandbox()

        self.assertTrue(self.company.l10n_ro_edi_access_token)
        invoice = self._invoice(self.person_bucharest)
        self._send(invoice)
        self._assert_accepted(invoice)
