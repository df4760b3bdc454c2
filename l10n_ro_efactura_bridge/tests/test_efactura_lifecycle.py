# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Rejections, temporary errors, lost answers, tokens and quotas, as the accountant sees them."""

from datetime import date, datetime, timedelta

import pytz

from odoo import SUPERUSER_ID, Command, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..compat import CORE_MOVE_STATE
from ..lib.anaf_simulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from ..lib.anaf_spv import AnafAuthError
from ..services.anaf_connection import AnafConnection
from ..services.ciusro_precheck import PARAM_VALIDATION_DIR
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
        self.assertEqual(
            invoice.l10n_ro_edi_state, CORE_MOVE_STATE["refused"], "core shows it refused too"
        )
        activity = invoice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("rejected", activity.summary)

        # Core refuses to send an invoice that has any document; the bridge does not.
        self._send(invoice)

        self._assert_accepted(invoice)
        self.assertEqual(len(self.simulator.uploads()), 2, "a new upload after the fix")
        self.assertFalse(invoice.activity_ids, "the rejection activity is closed on acceptance")

    def test_invoice_anaf_still_checks_is_asked_about_again_within_seconds(self):
        """A delivery waits for the verdict: ANAF is asked again 15 s later, not in minutes."""
        self.simulator.set_delay(polls=2)
        self.addCleanup(self.simulator.set_delay, polls=0)
        invoice = self._invoice(self.person_bucharest)
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            trap.perform_enqueued_jobs()  # the upload
            self.simulator.wait_idle()
            trap.perform_enqueued_jobs()  # "in prelucrare"
            self.assertEqual(invoice.l10n_ro_efb_state, "sent")
            self.assertLessEqual(
                invoice.l10n_ro_efb_next_try, fields.Datetime.now() + timedelta(seconds=15)
            )
            self._drain(trap)
        self._assert_accepted(invoice)

    def test_fix_it_activity_goes_to_a_person_never_to_odoobot(self):
        """An invoice made by a job (OdooBot its creator) without a salesperson."""
        accountant = self.env["res.users"].create(
            {
                "name": "Contabil Sef",
                "login": "contabil.sef@example.ro",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "group_ids": [Command.set(self.env.ref("account.group_account_invoice").ids)],
            }
        )
        self.company.l10n_ro_efb_responsible_id = accountant
        refusal = [("R6.1", "CIF-ul cumparatorului nu figureaza in baza de date")]
        self.simulator.force_verdict("nok", errors=refusal)
        invoice = self._invoice(self.vat_payer, post=False)
        invoice.invoice_user_id = False
        self.env.cr.execute(
            "UPDATE account_move SET create_uid = %s WHERE id = %s", [SUPERUSER_ID, invoice.id]
        )
        invoice.invalidate_recordset(["create_uid"])
        invoice.action_post()
        self._send(invoice)

        self.assertEqual(invoice.l10n_ro_efb_state, "rejected")
        self.assertEqual(invoice.activity_ids.user_id, accountant, "the company's responsible")

        # Archived since: the next rejection goes to an accounting manager, a person too.
        invoice.activity_ids.unlink()
        accountant.active = False
        self.simulator.force_verdict("nok", errors=refusal)
        self._send(invoice)
        user = invoice.activity_ids.user_id
        self.assertEqual(len(user), 1)
        self.assertTrue(user.active and not user.share and not user._is_superuser(), user.name)
        self.assertTrue(user.has_group("account.group_account_manager"))

    def test_precheck_failure_stays_home_without_anaf_call(self):
        """On a default install: the rules shipped with the bridge, no setting needed."""
        self.assertFalse(self.env["ir.config_parameter"].get_param(PARAM_VALIDATION_DIR))
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
            self.assertEqual(invoice.l10n_ro_edi_state, CORE_MOVE_STATE["not_indexed"])
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

        with trap_jobs() as trap:
            self.company.action_l10n_ro_efb_connect_sandbox()
            self.assertFalse(self.company.l10n_ro_edi_access_token, "no network in the click")
            trap.assert_jobs_count(1, only=self.company._l10n_ro_efb_job_connect_sandbox)
            trap.perform_enqueued_jobs()

        self.assertTrue(self.company.l10n_ro_edi_access_token)
        invoice = self._invoice(self.person_bucharest)
        self._send(invoice)
        self._assert_accepted(invoice)

    def test_sandbox_that_does_not_answer_is_reported_to_the_user(self):
        self.company.write(
            {"l10n_ro_edi_access_token": False, "l10n_ro_efb_sandbox_url": "http://127.0.0.1:9"}
        )
        with trap_jobs() as trap:
            self.company.action_l10n_ro_efb_connect_sandbox()
            job = trap.enqueued_jobs[0]
            trap.perform_enqueued_jobs()
        self.assertIn("did not answer", job.result)
        self.assertFalse(self.company.l10n_ro_edi_access_token)

    # -- SPV rights: the company's authorisation, not the invoice -------------------

    def _without_spv_rights(self):
        """From now on the token's holder has SPV rights on another CIF only."""
        self.simulator.cifs = {"99999999"}
        self.addCleanup(setattr, self.simulator, "cifs", None)

    def test_missing_spv_rights_is_an_authorisation_problem_not_a_rejection(self):
        self._without_spv_rights()
        invoice = self._invoice(self.vat_payer)
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            trap.perform_enqueued_jobs()

            self.assertEqual(invoice.l10n_ro_efb_state, "unauthorized")
            self.assertIn("Nu aveti drept in SPV pentru CIF=18547290", invoice.l10n_ro_efb_message)
            self.assertIn("ANAF authorisation", invoice.l10n_ro_efb_next_action)
            self.assertFalse(invoice.activity_ids, "nothing for the accountant to fix")
            self.assertFalse(invoice.l10n_ro_edi_state, "core shows no refusal either")
            self.assertFalse(trap.enqueued_jobs, "no retry ANAF would refuse the same way")
            self.assertEqual(self.simulator.uploads(), [])
            self.assertIn(
                invoice,
                self.env["account.move"].search([("l10n_ro_efb_state", "=", "unauthorized")]),
            )

            # A manager grants the rights in SPV; one click resumes.
            self.simulator.cifs = None
            invoice.action_l10n_ro_efb_retry()
            self._drain(trap)

        self._assert_accepted(invoice)
        self.assertFalse(invoice.activity_ids)

    def test_rights_lost_after_upload_keep_the_index_and_resume_without_new_upload(self):
        invoice = self._invoice(self.person_with_cnp)
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            trap.perform_enqueued_jobs()  # upload
            self.simulator.wait_idle()
            self._without_spv_rights()
            trap.perform_enqueued_jobs()  # "Nu aveti dreptul de inteorgare ..."

            self.assertEqual(invoice.l10n_ro_efb_state, "unauthorized")
            self.assertIn("Nu aveti dreptul de inteorgare", invoice.l10n_ro_efb_message)
            self.assertTrue(invoice.l10n_ro_edi_index)
            self.assertEqual(invoice.l10n_ro_edi_state, CORE_MOVE_STATE["sent"])
            with self.assertRaises(UserError):
                invoice.button_draft()  # ANAF may still accept it
            with self.assertRaises(UserError):
                invoice.action_l10n_ro_efb_send()

            self.simulator.cifs = None
            # Core's "Fetch status" is a retry too.
            invoice._l10n_ro_edi_fetch_invoice_sent_documents()
            self._drain(trap)

        self._assert_accepted(invoice)
        self.assertEqual(len(self.simulator.uploads()), 1)

    def test_waiting_invoice_with_an_index_cannot_be_reset_to_draft(self):
        invoice = self._invoice(self.vat_payer)
        self.simulator.set_fault("stareMesaj", "http_error", status=503)
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            trap.perform_enqueued_jobs()
            self.simulator.wait_idle()
            trap.perform_enqueued_jobs()
            self.assertEqual(invoice.l10n_ro_efb_state, "waiting")
            with self.assertRaises(UserError):
                invoice.button_draft()
            self._drain(trap)
        self._assert_accepted(invoice)


@tagged("post_install", "-at_install")
class TestAnafTokenStore(EfacturaBridgeCase):
    """ANAF spends a refresh token when it rotates it: the new pair must never be lost."""

    def test_refresh_after_this_transaction_wrote_the_company_row(self):
        # The main company exists before the test: its row is only locked once written here.
        company = self.env.ref("base.main_company")
        self.assertFalse(company._l10n_ro_efb_row_written_here())
        tokens = self.simulator.issue_tokens()
        # As when a manager saves the e-Factura settings and a refresh follows in
        # the same request: this transaction now holds the row lock, and a second
        # transaction writing the tokens would wait for it forever (10 s, then fail).
        company.write(
            {
                "l10n_ro_edi_client_id": DEFAULT_CLIENT_ID,
                "l10n_ro_edi_client_secret": DEFAULT_CLIENT_SECRET,
                "l10n_ro_edi_access_token": tokens["access_token"],
                "l10n_ro_edi_refresh_token": tokens["refresh_token"],
                "l10n_ro_efb_environment": "sandbox",
                "l10n_ro_efb_sandbox_url": self.simulator.base_url,
            }
        )
        self.assertTrue(company._l10n_ro_efb_row_written_here())

        AnafConnection(company).refresh()

        rotated = company.l10n_ro_edi_refresh_token
        self.assertNotEqual(rotated, tokens["refresh_token"])
        # What this transaction will commit is the pair ANAF now knows: the old
        # refresh token is spent, the stored one still works.
        oauth = AnafConnection(company).oauth()
        with self.assertRaises(AnafAuthError):
            oauth.refresh(tokens["refresh_token"])
        self.env.invalidate_all()
        self.assertEqual(company.l10n_ro_edi_refresh_token, rotated, "written, not only cached")
        AnafConnection(company).refresh()
        self.assertNotEqual(company.l10n_ro_edi_refresh_token, rotated)

    def test_refresh_in_its_own_transaction_survives_a_rollback_of_the_caller(self):
        # Run by a user that exists outside this test's transaction (it signs the write).
        company = self.env.ref("base.main_company").with_user(SUPERUSER_ID)
        original = self._committed_tokens(company)
        self.addCleanup(self._commit_tokens, company, *original)
        tokens = self.simulator.issue_tokens()
        # Configured in this transaction's cache only: the row stays unwritten (unlocked).
        company.sudo()._update_cache(
            {
                "l10n_ro_edi_client_id": DEFAULT_CLIENT_ID,
                "l10n_ro_edi_client_secret": DEFAULT_CLIENT_SECRET,
                "l10n_ro_edi_refresh_token": tokens["refresh_token"],
                "l10n_ro_efb_environment": "sandbox",
                "l10n_ro_efb_sandbox_url": self.simulator.base_url,
            },
            validate=False,
        )
        self.assertFalse(company._l10n_ro_efb_row_written_here())

        AnafConnection(company).refresh()

        rotated = company.l10n_ro_edi_refresh_token
        self.assertNotEqual(rotated, tokens["refresh_token"], "this transaction sees the new pair")
        # Committed already: another transaction reads it, whatever becomes of this one.
        self.assertEqual(
            self._committed_tokens(company), (company.l10n_ro_edi_access_token, rotated)
        )

    def _committed_tokens(self, company):
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT l10n_ro_edi_access_token, l10n_ro_edi_refresh_token
                     FROM res_company WHERE id = %s""",
                [company.id],
            )
            return cr.fetchone()

    def _commit_tokens(self, company, access_token, refresh_token):
        with self.registry.cursor() as cr:
            cr.execute(
                """UPDATE res_company
                      SET l10n_ro_edi_access_token = %s, l10n_ro_edi_refresh_token = %s
                    WHERE id = %s""",
                [access_token, refresh_token, company.id],
            )


@tagged("post_install", "-at_install")
class TestEfacturaJobConfiguration(TransactionCase):
    def test_upload_job_may_commit_its_in_flight_mark(self):
        # The upload step commits "upload in flight" before the document leaves;
        # the real job runner refuses any commit in a job whose function does not
        # allow it. (The other tests run jobs inside their own transaction, with
        # the allowance set aside: see EfacturaBridgeCase.)
        functions = self.env["queue.job.function"].sudo()
        name = functions.job_function_name("account.move", "_l10n_ro_efb_job_process")
        self.assertTrue(functions.job_config(name).allow_commit)
