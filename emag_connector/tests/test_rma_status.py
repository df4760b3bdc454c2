from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.emag_simulator import RMA_STATUS_TRANSITIONS, RMA_STATUSES
from ..services.returns import status as rma_status
from .order_common import USERNAME
from .rma_common import EmagRmaCase


@tagged("post_install", "-at_install")
class TestRmaStatusMatrix(EmagRmaCase):
    def test_table_is_emag_table(self):
        self.assertEqual(dict(rma_status.TRANSITIONS), dict(RMA_STATUS_TRANSITIONS))
        self.assertEqual(set(rma_status.STATUS_NAMES), set(RMA_STATUSES))

    def test_every_cell_against_the_simulator(self):
        """For every (current, requested) pair of eMAG's table, Odoo's push
        reaches the requested status through steps the simulator accepts
        (directly when the table allows it), or sends nothing and says why."""
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        sim_rma = self.open_return(order, {1001: 1})
        rma = self.read_returns()
        rma.received_at = rma.create_date  # the goods are in: "received" is a true waypoint
        statuses = sorted(RMA_STATUSES)
        cells = 0
        for current in statuses:
            for requested in statuses[1:]:
                self.sim.set_return_status(USERNAME, sim_rma["emag_id"], current)
                rma.write({"emag_status": str(current), "state": "imported", "message": False})
                rma.activity_ids.unlink()
                self.sim.clear_received()
                allowed = requested in RMA_STATUS_TRANSITIONS.get(current, ())
                self.assertEqual(rma_status.is_allowed(current, requested), allowed)
                plan = rma_status.plan(current, requested, {"received"})
                with trap_jobs():
                    rma._emag_push_status(requested)
                sent = [r.body["data"][0]["request_status"] for r in self.sim.received("rma/save")]
                final = self.sim_rma(sim_rma)["request_status"]
                where = f"{current} -> {requested}"
                self.assertEqual(rma.state, "imported", f"{where}: {rma.message}")
                if current == requested:
                    self.assertEqual(sent, [], where)
                elif allowed:
                    self.assertEqual(sent, [requested], where)
                    self.assertEqual(final, requested, where)
                elif plan.allowed:
                    self.assertEqual(sent, list(plan.steps), where)
                    self.assertEqual(final, requested, where)
                else:
                    self.assertEqual(sent, [], where)
                    self.assertEqual(final, current, where)
                    self.assertIn("does not allow", rma.activity_ids.note or "", where)
                self.assertEqual(rma.emag_status, str(final), where)
                cells += 1
        self.assertEqual(cells, 7 * 6)

    def test_plan_goes_through_received_only_when_received(self):
        self.assertEqual(rma_status.plan(2, 6, {"received"}).steps, (3, 6))
        self.assertEqual(rma_status.plan(3, 4, {"received"}).steps, (6, 4))
        refused = rma_status.plan(3, 4, set())
        self.assertFalse(refused.allowed)
        self.assertIn("Acknowledged (3) to Refused (4)", refused.reason)
        self.assertEqual(rma_status.plan(7, 7).steps, ())
        self.assertFalse(rma_status.plan(1, 3).allowed)


@tagged("post_install", "-at_install")
class TestRmaActions(EmagRmaCase):
    def test_refused_return(self):
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        sim_rma = self.open_return(order, {1001: 1})
        rma = self.read_returns()
        product = self.products["KT-1700-INOX"]
        stock_before = self.stock(product)
        wizard = self.env["emag.rma.refuse"].create(
            {"rma_id": rma.id, "reason": "Produsul a fost deteriorat de client"}
        )
        with trap_jobs() as trap:
            wizard.action_refuse()
            self.run_emag_jobs(trap)
        self.env.invalidate_all()
        emag_rma = self.sim_rma(sim_rma)
        self.assertEqual(emag_rma["request_status"], 4)
        self.assertEqual(
            emag_rma["products"][0]["reject_reason"], "Produsul a fost deteriorat de client"
        )
        self.assertEqual([h["code"] for h in emag_rma["status_history"]], [3, 6, 4])
        self.assertEqual(rma.emag_status, "4")
        self.assertEqual(rma.return_picking_ids.state, "cancel")
        self.assertFalse(rma.credit_note_id)
        self.assertEqual(self.stock(product), stock_before)
        self.assertEqual(self.sim_order(order)["status"], 4)

    def test_return_awb_timeout_reconciled(self):
        """awb/save times out after eMAG created the AWB: the job reads the
        return, finds the AWB and adopts it; no second AWB is ever requested."""
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        sim_rma = self.open_return(order, {1001: 1}, pickup_method=2)
        rma = self.read_returns()
        self.assertTrue(rma.can_issue_awb)
        # eMAG creates the AWB, then the connection drops before the answer.
        self.sim.add_fault("commit_then_timeout", route="awb/save", delay=0.2, times=1)
        wizard = self.env["emag.rma.awb"].create(
            {"rma_id": rma.id, "pickup_date": date.today() + timedelta(days=2)}
        )
        with trap_jobs() as trap:
            wizard.action_issue()
            self.assertEqual(rma.awb_state, "requested")
            self.assertEqual(len(trap.enqueued_jobs), 1)
            self.run_emag_jobs(trap)
        self.env.invalidate_all()
        emag_rma = self.sim_rma(sim_rma)
        self.assertEqual(len(emag_rma["awbs"]), 1)
        return_awbs = [
            r for r in self.sim.received(route="awb/save") if r.body["data"][0].get("rma_id")
        ]
        self.assertEqual(len(return_awbs), 1)
        self.assertEqual(rma.awb_state, "issued")
        self.assertEqual(rma.awb_reservation_id, str(emag_rma["awbs"][0]["reservation_id"]))
        self.assertTrue(rma.awb_number)
        awb = self.sim.get_awb(USERNAME, int(rma.awb_emag_id))
        self.assertEqual(awb["rma_id"], sim_rma["emag_id"])
        # Back to the return address eMAG names on the return, one of the seller's saved ones.
        self.assertEqual(rma.return_address_emag_id, "101")
        self.assertEqual(awb["receiver"]["address_id"], "101")
        self.assertEqual(awb["receiver"]["street"], "Depozit retur 1")
        self.assertEqual(awb["receiver"]["phone1"], "0211234567")

    def test_return_awb_needs_a_saved_return_address(self):
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        self.open_return(order, {1001: 1}, pickup_method=2)
        rma = self.read_returns()
        self.assertEqual(self.account.return_address_id.emag_id, "101", "eMAG's default")
        rma.return_address_emag_id = False
        self.account.return_address_id = False
        wizard = self.env["emag.rma.awb"].create(
            {"rma_id": rma.id, "pickup_date": date.today() + timedelta(days=2)}
        )
        with self.assertRaisesRegex(UserError, "a return address on the eMAG account"):
            wizard.action_issue()
        self.assertFalse(rma.awb_state)


@tagged("post_install", "-at_install")
class TestRmaCallback(HttpCase):
    """eMAG's return callback: answered at once, the import queued, strangers get a 404."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["emag.account"].create({"name": "eMAG return callback test"})
        cls.token = cls.account.order_callback_token

    def _jobs(self, prefix):
        return self.env["queue.job"].search([("identity_key", "=like", f"{prefix}%")])

    def test_return_id_queues_its_import(self):
        response = self.url_open(f"/emag/rma_callback/{self.token}?rma_id=3150007")
        self.assertEqual((response.status_code, response.text), (200, "OK"))
        self.url_open(f"/emag/rma_callback/{self.token}?rma_id=3150007")
        jobs = self._jobs(f"emag-rma-import:{self.account.id}:3150007:")
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.method_name, "_emag_import_rma")

    def test_order_id_alone_reads_the_order_returns(self):
        response = self.url_open(f"/emag/rma_callback/{self.token}?order_id=412345678")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._jobs(f"emag-rma-order:{self.account.id}:412345678")), 1)

    def test_wrong_token_or_id_refused(self):
        self.assertEqual(
            self.url_open("/emag/rma_callback/" + "x" * 40 + "?rma_id=1").status_code, 404
        )
        response = self.url_open(f"/emag/rma_callback/{self.token}?rma_id=1;DROP")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._jobs("emag-rma-"))
