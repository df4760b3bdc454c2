from contextlib import contextmanager

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.queue_job.job import Job

from .fulfilment_common import EmagFulfilmentCase


@tagged("post_install", "-at_install")
class TestFulfilmentTour(EmagFulfilmentCase, HttpCase):
    """In the browser: a warehouse user validates an eMAG delivery and sees
    the AWB number and the label appear."""

    def setUp(self):
        with self.like_a_job_runner():
            super().setUp()

    @contextmanager
    def like_a_job_runner(self):
        """Talk to eMAG outside the browser's test mode, as the job runner does:
        the shared rate limiter commits on cursors of its own, which test mode
        would fold into the test transaction."""
        type(self).registry_leave_test_mode()
        try:
            yield
        finally:
            self.registry_enter_test_mode(register_cleanup=False)

    def perform_queued_jobs(self):
        """What the job runner does after the click's commit."""
        Queue = self.env["queue.job"].sudo()
        for _round in range(20):
            pending = Queue.search([("state", "=", "pending")], order="id")
            if not pending:
                return
            for record in pending:
                job = Job.load(self.env, record.uuid)
                job.set_started()
                job.store()
                job.perform()
                job.set_done()
                job.store()
            self.env.invalidate_all()
        self.fail("jobs still pending")

    def test_warehouse_user_validates_and_gets_the_label(self):
        new_test_user(
            self.env,
            login="emag_warehouse",
            groups="base.group_user,stock.group_stock_user,sales_team.group_sale_salesman_all_leads",
            company_id=self.env.company.id,
        )
        with self.like_a_job_runner():
            _order, binding = self.imported_order()
        picking = self.delivery(binding)
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        url = f"/odoo/action-stock.action_picking_tree_all/{picking.id}"

        self.start_tour(url, "emag_fulfilment_validate", login="emag_warehouse")
        self.assertEqual(picking.state, "done")
        self.assertFalse(self.sim.received(route="awb/save"), "no network call in the click")

        with self.like_a_job_runner():
            self.perform_queued_jobs()
        fulfilment = picking.emag_fulfilment_id
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        self.assertTrue(picking.emag_awb_number)

        self.start_tour(url, "emag_fulfilment_check", login="emag_warehouse")
