# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Per eMAG account: which invoices go to ANAF, and when they may be attached to eMAG."""

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import EfacturaBridgeCase


@tagged("post_install", "-at_install")
class TestEmagPolicy(EfacturaBridgeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Configured by an eMAG manager; the tests then run as an accountant without eMAG rights.
        accounts = (
            cls.env["emag.account"]
            .sudo()
            .create(
                [
                    {"name": "eMAG RO", "platform": "emag_ro", "company_id": cls.company.id},
                    {"name": "eMAG BG", "platform": "emag_bg", "company_id": cls.company.id},
                    {"name": "eMAG HU", "platform": "emag_hu", "company_id": cls.company.id},
                ]
            )
        )
        cls.account_ro, cls.account_bg, cls.account_hu = accounts.with_env(cls.env)

    def test_defaults_follow_the_platform(self):
        ro, bg, hu = self.account_ro.sudo(), self.account_bg.sudo(), self.account_hu.sudo()
        self.assertTrue(ro.efactura_submit)
        self.assertFalse(bg.efactura_submit, "BG sales go through OSS")
        self.assertFalse(hu.efactura_submit, "HU sales go through OSS")
        self.assertEqual(ro.efactura_attach_policy, "accepted")

    def test_ro_invoice_is_sent_on_posting_and_attachable_once_accepted(self):
        invoice = self._emag_invoice(self.account_ro)
        self.assertEqual(invoice._emag_account().id, self.account_ro.id)
        with trap_jobs() as trap:
            invoice.action_post()
            self.assertEqual(invoice.l10n_ro_efb_state, "to_send", "posting queues it for ANAF")
            self.assertFalse(invoice._emag_invoice_attachable())
            self._drain(trap)

        self._assert_accepted(invoice)
        self.assertTrue(invoice._emag_invoice_attachable())

    def test_invoice_that_never_goes_to_anaf_is_attachable_once_posted(self):
        """An invoice of a company that does not file e-Factura never waits for ANAF."""
        invoice = self._emag_invoice(self.account_ro)
        with trap_jobs():
            invoice.action_post()
            self.assertFalse(invoice._emag_invoice_attachable(), "a Romanian invoice waits")
            self.company.sudo().account_fiscal_country_id = self.env.ref("base.bg")
            self.assertTrue(invoice._emag_invoice_attachable())

    def test_attach_right_after_posting_when_the_account_says_so(self):
        self.account_ro.sudo().efactura_attach_policy = "posted"
        invoice = self._emag_invoice(self.account_ro)
        with trap_jobs():
            invoice.action_post()
        self.assertEqual(invoice.l10n_ro_efb_state, "to_send")
        self.assertTrue(invoice._emag_invoice_attachable())

    def test_bg_and_hu_invoices_are_not_sent_to_anaf(self):
        for account in (self.account_bg, self.account_hu):
            invoice = self._emag_invoice(account)
            with trap_jobs() as trap:
                invoice.action_post()
                self.assertFalse(trap.enqueued_jobs)
            self.assertFalse(invoice.l10n_ro_efb_state)
            self.assertTrue(invoice._emag_invoice_attachable())

    def test_oss_account_that_opts_in_sends_its_invoices(self):
        """A seller under the OSS threshold (Romanian VAT charged) turns the setting on."""
        self.account_hu.sudo().efactura_submit = True
        invoice = self._emag_invoice(self.account_hu)
        with trap_jobs() as trap:
            invoice.action_post()
            self._drain(trap)
        self._assert_accepted(invoice)
