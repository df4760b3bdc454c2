# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""eMAG flows with e-Factura: the set-up and job runners the bridge's eMAG
test classes share."""

from odoo.addons.emag_connector.tests.fulfilment_common import EmagFulfilmentCase

from .common import EfacturaBridgeCase


class EmagSellerGroupsMixin:
    @classmethod
    def get_default_groups(cls):
        # The test user sets up the eMAG account and sells, besides invoicing.
        return (
            super().get_default_groups()
            | cls.env.ref("emag_connector.group_emag_manager")
            | cls.env.ref("sales_team.group_sale_manager")
        )


class EmagFulfilmentEfacturaCase(EmagSellerGroupsMixin, EmagFulfilmentCase, EfacturaBridgeCase):
    """A Romanian account that sends its invoices to ANAF and attaches them to
    eMAG once accepted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.write({"efactura_submit": True, "efactura_attach_policy": "accepted"})

    def _run_pipeline_until_it_rests(self, trap):
        """Run only the pipeline's steps, until one waits or all are done."""
        fulfilment = self.env["emag.fulfilment"]
        for _round in range(20):
            self._drop_stored_duplicates()
            steps = [job for job in trap.enqueued_jobs if job.method_name == "_emag_run_step"]
            if not steps:
                return
            for job in steps:
                trap.enqueued_jobs.remove(job)
                job.perform()
                fulfilment = job.recordset
            self.env.invalidate_all()
            if fulfilment.state != "running":
                return

    def _run_efactura(self, trap):
        """Run the e-Factura jobs until ANAF answered."""
        for _round in range(8):
            jobs = [job for job in trap.enqueued_jobs if job.method_name != "_emag_run_step"]
            if not jobs:
                return
            for job in jobs:
                trap.enqueued_jobs.remove(job)
                job.perform()
            self.simulator.wait_idle()
            self.env.invalidate_all()

    def _drop_stored_duplicates(self):
        """Forget the pipeline jobs the trap dropped as duplicates of one it holds.

        queue_job's trap only stubs the jobs it keeps: a step queued again
        while the trap holds one (an e-Factura answer resuming a waiting
        delivery) is stored all the same, where the job runner would have
        kept the one queued. Left there, it would stand for the next step.
        """
        self.env["queue.job"].sudo().search(
            [("identity_key", "=like", "emag-fulfilment:%"), ("state", "=", "pending")]
        ).unlink()
