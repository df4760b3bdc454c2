# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The eMAG fulfilment pipeline with e-Factura: the invoice goes to the ANAF
simulator, and reaches the eMAG order only once ANAF accepted it."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from .emag_common import EmagFulfilmentEfacturaCase


@tagged("post_install", "-at_install")
class TestEmagFulfilmentEfactura(EmagFulfilmentEfacturaCase):
    def test_retry_of_a_waiting_step_brings_its_recheck_forward(self):
        _order, binding = self.imported_order()
        with trap_jobs() as trap:
            fulfilment = self.validate(self.delivery(binding))
            self._run_pipeline_until_it_rests(trap)
        self.assertEqual(fulfilment.state, "waiting")
        # Outside the trap, the waiting step's re-check is a real job, due later.
        later = fields.Datetime.now() + timedelta(minutes=10)
        fulfilment._emag_enqueue(eta=later)
        key = f"emag-fulfilment:{fulfilment.id}"
        jobs = self.env["queue.job"].sudo()
        recheck = jobs.search([("identity_key", "=", key)])
        self.assertEqual(recheck.eta, later)

        fulfilment.action_retry()

        self.assertEqual(jobs.search([("identity_key", "=", key)]), recheck, "still one job")
        self.assertFalse(recheck.eta, "due now: Retry does not wait for the re-check")

    def test_invoice_attached_once_anaf_accepts(self):
        order, binding = self.imported_order()
        picking = self.delivery(binding)
        with trap_jobs() as trap:
            fulfilment = self.validate(picking)
            self._run_pipeline_until_it_rests(trap)

            self.assertEqual(fulfilment.state, "waiting")
            self.assertEqual(self.step_states(fulfilment)["attach"], "waiting")
            self.assertIn("Held until ANAF accepts", fulfilment.message)
            invoice = fulfilment.invoice_id
            self.assertEqual(invoice.state, "posted")
            self.assertEqual(invoice.l10n_ro_efb_state, "to_send", "queued for ANAF on posting")
            self.assertFalse(self.calls("order/attachments/save"), "nothing attached yet")
            self.assertTrue(fulfilment.awb_number, "the parcel leaves meanwhile")

            self._run_efactura(trap)
            self._assert_accepted(invoice)
            # The re-check queued by the waiting step now finds the invoice accepted.
            self._run_pipeline_until_it_rests(trap)

        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        attached = [a for a in self.sim_order(order)["attachments"] if a["type"] == 1]
        self.assertEqual(len(attached), 1)
        self.assertEqual(attached[0]["name"], invoice.name)
        self.assertEqual(picking.emag_efactura_index, invoice.l10n_ro_edi_index)
        self.assertEqual(picking.emag_efactura_status, "Accepted by ANAF")
        self.assertEqual(self.sim_order(order)["status"], 4)
