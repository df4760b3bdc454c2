# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""eMAG invoices and credit notes judged by ANAF's own rules (UBL XSD + CIUS-RO schematron)."""

from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..compat import CORE_MOVE_STATE
from ..lib.ciusro_validator import RulePack
from ..services.ciusro_precheck import PARAM_VALIDATION_DIR, validate_documents
from .common import AnafSimulatorProcess, EfacturaBridgeCase


@tagged("post_install", "-at_install")
class TestEmagCreditNoteOfficialRules(EfacturaBridgeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The in-process simulator cannot run Saxon; this one runs in a child process.
        cls.simulator.stop()
        cls.simulator = AnafSimulatorProcess()
        cls.simulator.start()
        cls.addClassCleanup(cls.simulator.stop)
        cls.company.l10n_ro_efb_sandbox_url = cls.simulator.base_url
        cls.account = (
            cls.env["emag.account"]
            .sudo()
            .create({"name": "eMAG RO", "platform": "emag_ro", "company_id": cls.company.id})
            .with_env(cls.env)
        )

    def _post_and_run(self, move):
        with trap_jobs() as trap:
            move.action_post()
            self.assertEqual(move.l10n_ro_efb_state, "to_send", "an eMAG document goes on posting")
            self._drain(trap)

    def test_credit_note_of_an_emag_invoice_is_accepted_with_a_billing_reference(self):
        self.assertEqual(self.simulator.validation_mode, "official")
        invoice = self._emag_invoice(
            self.account,
            lines=[(self.phone, 1, 1000.0, self.tax_21), (self.book, 2, 80.0, self.tax_11)],
        )
        self._post_and_run(invoice)
        self._assert_accepted(invoice)

        credit_note = self._credit_note(invoice, reason="Retur eMAG: carte deteriorata")
        self.assertEqual(credit_note._emag_account(), self.account)
        self._post_and_run(credit_note)

        self._assert_accepted(credit_note)
        upload = next(
            u for u in self.simulator.uploads() if u["invoice_number"] == credit_note.name
        )
        self.assertEqual((upload["standard"], upload["b2c"]), ("CN", True))
        self.assertEqual(upload["verdict"], "ok")
        xml = self._uploaded_xml(credit_note)
        reference = "cac:BillingReference/cac:InvoiceDocumentReference"
        self.assertEqual(self._text(xml, f"{reference}/cbc:ID"), invoice.name)
        self.assertEqual(self._text(xml, f"{reference}/cbc:IssueDate"), "2026-03-02")
        document = self.simulator.upload(upload["index"])["xml"].encode()
        self.assertEqual(validate_documents(RulePack.load(), [document]), [[]])

    def test_broken_address_is_rejected_by_anaf_then_fixed_and_resubmitted(self):
        """The demo's story, judged by ANAF's rules rather than by our own pre-check."""
        self.assertEqual(self.simulator.validation_mode, "official")
        # The pre-check cannot run (its rule pack folder is gone): the broken document
        # reaches ANAF, and the invoice says it went unchecked.
        self.env["ir.config_parameter"].set_param(PARAM_VALIDATION_DIR, "/nonexistent")
        # A county of another country: core writes "RO-<code>", which is no Romanian county.
        self.vat_payer.state_id = self.env.ref("base.state_us_5")
        invoice = self._emag_invoice(self.account, self.vat_payer)
        self._post_and_run(invoice)

        self.assertEqual(invoice.l10n_ro_efb_state, "rejected")
        self.assertIn("BR-RO-111", invoice.l10n_ro_efb_message)
        unchecked = invoice.message_ids.filtered(
            lambda message: "without the offline CIUS-RO check" in message.body
        )
        self.assertIn("/nonexistent is not a CIUS-RO rule pack", unchecked[:1].body)
        self.assertEqual(invoice.l10n_ro_edi_state, CORE_MOVE_STATE["refused"])
        self.assertIn("rejected", invoice.activity_ids.summary)
        self.broken_on_purpose.add(invoice.l10n_ro_edi_index)

        self.vat_payer.state_id = self.env.ref("base.RO_CJ")
        self._send(invoice)

        self._assert_accepted(invoice)
        self.assertEqual(len(self.simulator.uploads()), 2)
        self.assertFalse(invoice.activity_ids)
