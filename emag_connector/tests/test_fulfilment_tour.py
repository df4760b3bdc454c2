from odoo.tests import HttpCase, new_test_user, tagged

from .fulfilment_common import EmagFulfilmentCase
from .tour_common import JobRunnerTourMixin


@tagged("post_install", "-at_install")
class TestFulfilmentTour(JobRunnerTourMixin, EmagFulfilmentCase, HttpCase):
    """In the browser: a warehouse user validates an eMAG delivery and sees
    the AWB number and the label appear."""

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
