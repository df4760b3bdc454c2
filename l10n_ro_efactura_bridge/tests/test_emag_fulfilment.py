# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The eMAG fulfilment pipeline with e-Factura: the invoice goes to the ANAF
simulator, and reaches the eMAG order only once ANAF accepted it."""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.emag_connector.services.fulfilment.pipeline import RECHECK_DELAY
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

from .emag_common import EmagFulfilmentEfacturaCase

# The bus notification the delivery form listens to (static/src/fulfilment_live_refresh.js).
FULFILMENT_UPDATED = "emag_connector/fulfilment_updated"


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

    def _held_for_anaf(self, picking):
        """Validate ``picking`` and run its pipeline until it waits for ANAF.

        :return: the fulfilment, its re-check as the job runner holds it (a
            stored job due in 10 minutes) and the e-Factura jobs still to run
        """
        with trap_jobs() as trap:
            fulfilment = self.validate(picking)
            self._run_pipeline_until_it_rests(trap)
            anaf_jobs = [job for job in trap.enqueued_jobs if job.method_name != "_emag_run_step"]
        self.assertEqual(fulfilment.state, "waiting")
        fulfilment._emag_enqueue(eta=fields.Datetime.now() + RECHECK_DELAY)
        recheck = (
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "=", f"emag-fulfilment:{fulfilment.id}")])
        )
        self.assertEqual(len(recheck), 1)
        return fulfilment, recheck, anaf_jobs

    def _run_stored(self, job_record):
        """Run a stored job the way the job runner does."""
        job = Job.load(self.env, job_record.uuid)
        job.set_started()
        job.store()
        job.perform()
        job.set_done()
        job.store()

    def test_anaf_acceptance_resumes_the_waiting_delivery_at_once(self):
        order, binding = self.imported_order()
        picking = self.delivery(binding)
        fulfilment, recheck, anaf_jobs = self._held_for_anaf(picking)
        self.assertGreater(recheck.eta, fields.Datetime.now(), "re-checked in 10 minutes")

        with trap_jobs() as trap:
            trap.enqueued_jobs.extend(anaf_jobs)
            self._run_efactura(trap)
            self._assert_accepted(fulfilment.invoice_id)

            self.assertEqual(recheck.state, "pending")
            self.assertFalse(recheck.eta, "due now: ANAF's answer does not wait for the re-check")
            self.assertFalse(
                [job for job in trap.enqueued_jobs if job.method_name == "_emag_run_step"],
                "the queued re-check is brought forward, never doubled",
            )
            self._run_stored(recheck)
            self._run_pipeline_until_it_rests(trap)

        self.assertEqual(fulfilment.state, "done", fulfilment.status_message)
        self.assertEqual(self.sim_order(order)["status"], 4)
        # The chatter tells every step, not only the AWB.
        chatter = "\n".join(picking.message_ids.mapped("body"))
        self.assertIn("marked prepared", chatter)
        self.assertIn(f"invoice {fulfilment.invoice_id.name} attached to the eMAG order", chatter)
        self.assertIn(f"order {binding.emag_id} finalized", chatter)
        # Open delivery forms were told to reload while the steps ran.
        self.env.cr.precommit.run()
        notices = self.env["bus.bus"].sudo().search([("message", "like", FULFILMENT_UPDATED)])
        self.assertIn(
            [picking.id],
            [json.loads(notice.message)["payload"]["picking_ids"] for notice in notices],
        )

    def test_step_messages_follow_the_invoice_not_the_moment_the_step_ran(self):
        _order, binding = self.imported_order()
        picking = self.delivery(binding)
        fulfilment, _recheck, anaf_jobs = self._held_for_anaf(picking)
        steps = {step.code: step for step in fulfilment.step_ids}
        self.assertEqual(steps["efactura"].status_message, "To send")
        self.assertIn("(e-Factura: To send)", steps["attach"].status_message)

        with trap_jobs() as trap:
            trap.enqueued_jobs.extend(anaf_jobs)
            self._run_efactura(trap)
        # Accepted; the delivery's step has not run again yet.
        self.env.invalidate_all()
        invoice = fulfilment.invoice_id
        self._assert_accepted(invoice)
        self.assertEqual(steps["attach"].state, "waiting")
        accepted = f"Accepted by ANAF (index {invoice.l10n_ro_edi_index})"
        self.assertEqual(steps["efactura"].status_message, accepted)
        self.assertEqual(picking.emag_efactura_summary, accepted, "a space before the index")
        for text in (steps["attach"].status_message, picking.emag_fulfilment_message):
            self.assertNotIn("To send", text)
            self.assertIn("attached now", text)
