# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The offline CIUS-RO check: its settings, where it runs, and what it says when it cannot."""

import shutil
import tempfile
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.ciusro_validator import RULES_DIR
from ..services import ciusro_precheck
from .common import EfacturaBridgeCase


@tagged("post_install", "-at_install")
class TestCiusroPrecheck(EfacturaBridgeCase):
    def _settings(self, folder=""):
        return self.env["res.config.settings"].create({"l10n_ro_efb_validation_dir": folder})

    def _rule_pack_copy(self, version):
        """A rule pack folder laid out as the shipped one, as a newer one would be."""
        folder = Path(tempfile.mkdtemp(prefix="efb_rules_"))
        self.addCleanup(shutil.rmtree, folder)
        shutil.copytree(RULES_DIR / "ubl-2.1", folder / "ubl-2.1")
        shutil.copytree(RULES_DIR / "cius-ro-1.0.9", folder / f"cius-ro-{version}")
        return folder

    def test_default_install_checks_with_the_shipped_rules(self):
        settings = self._settings()
        self.assertTrue(settings.l10n_ro_efb_precheck_ok)
        self.assertIn(
            "CIUS-RO 1.0.9 rules shipped with the bridge", settings.l10n_ro_efb_precheck_status
        )

    def test_a_folder_without_rule_files_is_refused_on_save(self):
        empty = Path(tempfile.mkdtemp(prefix="efb_norules_"))
        self.addCleanup(shutil.rmtree, empty)
        (empty / "validate_ciusro.py").write_text("# a script is no rule pack\n")
        with self.assertRaises(ValidationError) as refused:
            self._settings(str(empty)).execute()
        message = str(refused.exception)
        self.assertIn(f"{empty} is not a CIUS-RO rule pack", message)
        self.assertIn("ubl-2.1/maindoc/UBL-Invoice-2.1.xsd", message)
        self.assertIn("cius-ro-*/compiled/validation.xsl", message)
        self.assertFalse(
            self.env["ir.config_parameter"].get_param(ciusro_precheck.PARAM_VALIDATION_DIR)
        )

    def test_a_newer_rule_pack_is_accepted_and_used(self):
        folder = self._rule_pack_copy("1.0.10")
        settings = self._settings(str(folder))
        settings.execute()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(ciusro_precheck.PARAM_VALIDATION_DIR),
            str(folder),
        )
        self.assertIn(
            f"CIUS-RO 1.0.10 rules of {folder}",
            self._settings(str(folder)).l10n_ro_efb_precheck_status,
        )
        # The override judges the invoices: a broken one stays home.
        self.vat_payer.state_id = self.env.ref("base.state_us_5")
        invoice = self._invoice(self.vat_payer)
        self._send(invoice)
        self.assertEqual(invoice.l10n_ro_efb_state, "invalid")
        self.assertIn("BR-RO-111", invoice.l10n_ro_efb_message)
        self.assertEqual(self.simulator.uploads(), [])

    def test_the_check_runs_in_the_submission_job_not_in_the_click(self):
        self.vat_payer.state_id = self.env.ref("base.state_us_5")
        invoice = self._invoice(self.vat_payer)
        with trap_jobs() as trap:
            invoice.action_l10n_ro_efb_send()
            # The click only queued the job: nothing judged yet.
            self.assertEqual(invoice.l10n_ro_efb_state, "to_send")
            self.assertFalse(invoice.l10n_ro_efb_message)
            self.assertEqual(len(trap.enqueued_jobs), 1)
            trap.perform_enqueued_jobs()
        self.assertEqual(invoice.l10n_ro_efb_state, "invalid")
        self.assertIn("BR-RO-111", invoice.l10n_ro_efb_message)

    def test_without_saxonche_settings_and_each_invoice_say_so(self):
        # saxonche is installed here; its absence is the one thing we cannot run.
        with patch.object(ciusro_precheck, "saxon_available", return_value=False):
            settings = self._settings()
            self.assertFalse(settings.l10n_ro_efb_precheck_ok)
            self.assertIn("saxonche is not installed", settings.l10n_ro_efb_precheck_status)
            invoices = self._invoice(self.vat_payer) | self._invoice(self.person_bucharest)
            self._send(invoices)
        for invoice in invoices:
            self._assert_accepted(invoice)
            notes = invoice.message_ids.filtered(
                lambda message: "without the offline CIUS-RO check" in message.body
            )
            self.assertEqual(len(notes), 1, invoice.name)
            self.assertIn("pip install saxonche", notes.body)
