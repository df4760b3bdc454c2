from odoo.tests import HttpCase, new_test_user, tagged

from ..services.returns import status as rma_status
from .rma_common import EmagRmaCase
from .tour_common import JobRunnerTourMixin


@tagged("post_install", "-at_install")
class TestRmaTour(JobRunnerTourMixin, EmagRmaCase, HttpCase):
    """In the browser: a storekeeper with inventory rights and no eMAG right
    receives an eMAG return; the returns flow goes on as the connector."""

    def test_stock_user_receives_a_return(self):
        # Sales rights as in the delivery's tour: without them Odoo's own
        # stock_delivery cannot show a picking (delivery.zip.prefix and the
        # order lines are for sales users). No eMAG right.
        storekeeper = new_test_user(
            self.env,
            login="emag_storekeeper",
            groups="base.group_user,stock.group_stock_user,sales_team.group_sale_salesman_all_leads",
            company_id=self.env.company.id,
        )
        self.assertFalse(storekeeper.has_group("emag_connector.group_emag_user"))
        with self.like_a_job_runner():
            order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
            sim_rma = self.open_return(order, {1001: 1})
            rma = self.read_returns()
        picking = rma.return_picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        calls_before = len(self.sim.received())

        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{picking.id}",
            "emag_rma_receive",
            login="emag_storekeeper",
        )
        self.assertEqual(picking.state, "done")
        self.assertEqual(len(self.sim.received()), calls_before, "no network call in the click")

        with self.like_a_job_runner():
            self.perform_queued_jobs()
        self.env.invalidate_all()
        self.assertEqual(rma.state, "imported", rma.message)
        self.assertEqual(rma.credit_note_id.state, "posted")
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)

    def test_retry_leaves_an_unresolved_return_in_exception(self):
        """Retry on a return eMAG still asks too much of: the click answers,
        the return stays in exception with its message, before and after the
        return is read again."""
        with self.like_a_job_runner():
            rma = self.rma(self.return_asking_too_much())
        self.assertEqual(rma.state, "exception")

        self.start_tour(f"/odoo/emag.rma/{rma.id}", "emag_rma_retry_unresolved", login="admin")
        self.env.invalidate_all()
        self.assertEqual(rma.state, "exception", "the click changes nothing by itself")
        with self.like_a_job_runner():
            self.perform_queued_jobs()
        self.env.invalidate_all()
        self.assertEqual(rma.state, "exception")
        self.assertIn("only 0 were delivered and not already returned", rma.message)
