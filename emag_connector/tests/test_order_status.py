from datetime import datetime, timedelta
from types import SimpleNamespace

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.emag_simulator import CANCELLATION_REASONS, ORDER_STATUS_TRANSITIONS
from ..lib.emag_simulator.orders import check_transition as simulator_check
from ..lib.emag_simulator.protocol import ApiError
from ..services.orders import status as order_status
from .order_common import USERNAME, EmagOrderCase


@tagged("post_install", "-at_install")
class TestOrderStatusMatrix(EmagOrderCase):
    def test_cancellation_reasons_agree_with_emag_table(self):
        # The simulator keeps its own copy of eMAG's list (it stands alone); the
        # reasons offered in Odoo must be the ones eMAG accepts.
        self.assertEqual(order_status.CANCELLATION_REASONS, CANCELLATION_REASONS)

    def test_matrix_agrees_with_emag_table(self):
        """Every (current, requested) pair, inside and outside the time
        windows, gets the same answer from our matrix and from the simulator's
        table of eMAG's rules."""
        now = datetime(2026, 3, 10, 12, 0, 0)
        cases = 0
        for current in order_status.STATUS_NAMES:
            for requested in order_status.STATUS_NAMES:
                for age in (
                    timedelta(hours=1),
                    timedelta(hours=47),
                    timedelta(hours=49),
                    timedelta(days=34),
                    timedelta(days=36),
                ):
                    started = now - age
                    record = SimpleNamespace(
                        id=1, status=current, finalized_at=started, canceled_at=started
                    )
                    market = SimpleNamespace(now=lambda: now, return_period_days=30)
                    rule = ORDER_STATUS_TRANSITIONS.get((current, requested))
                    via = rule.via if rule else "order/save"
                    try:
                        simulator_check(market, record, requested, via)
                        emag_allows = True
                    except ApiError:
                        emag_allows = False
                    ours = order_status.check_transition(
                        current,
                        requested,
                        now=now,
                        finalized_at=started,
                        canceled_at=started,
                        return_period_days=30,
                        via=via,
                    )
                    self.assertEqual(
                        ours.allowed, emag_allows, f"{current} -> {requested} after {age}"
                    )
                    if ours.allowed:
                        self.assertEqual(ours.noop, current == requested)
                    else:
                        self.assertTrue(ours.reason)
                    cases += 1
        self.assertEqual(cases, 6 * 6 * 5)
        self.assertEqual(set(order_status.TRANSITIONS), set(ORDER_STATUS_TRANSITIONS))

    def test_automatic_changes_only_move_forward(self):
        """Odoo's own pushes (prepared when a delivery is ready) are a subset
        of the matrix that never takes an order back, nor reopens it."""
        now = datetime(2026, 3, 10, 12, 0, 0)
        timing = {"now": now, "finalized_at": now, "canceled_at": now}
        for current in order_status.STATUS_NAMES:
            for requested in order_status.STATUS_NAMES:
                verdict = order_status.check_automatic(current, requested, **timing)
                if verdict.allowed and not verdict.noop:
                    self.assertTrue(
                        order_status.check_transition(current, requested, **timing).allowed
                    )
                    if requested != order_status.CANCELED:
                        self.assertLess(
                            order_status.FORWARD.index(current),
                            order_status.FORWARD.index(requested),
                        )
        # The two corrections the matrix allows a person within 48 hours.
        for current in (order_status.FINALIZED, order_status.CANCELED):
            self.assertTrue(
                order_status.check_transition(current, order_status.PREPARED, **timing).allowed
            )
            verdict = order_status.check_automatic(current, order_status.PREPARED, **timing)
            self.assertFalse(verdict.allowed and not verdict.noop)

    def test_allowed_statuses_shown_on_the_order(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.allowed_statuses, "Canceled, Prepared, Finalized")
        self.assertTrue(binding.can_set_prepared)

    def test_unknown_finalization_time_refuses_the_windowed_changes(self):
        """A finalized order whose finalization time eMAG left null: the
        windowed changes are refused with the reason, never a TypeError on an
        empty date (Odoo reads it False)."""
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll()
        self.sim.set_order_status(USERNAME, order["id"], 4)
        self.sim.forget_finalization_date(USERNAME, order["id"])
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.emag_status, "4")
        self.assertIs(binding.emag_finalized_at, False)
        verdict = binding._emag_check_transition(order_status.RETURNED)
        self.assertFalse(verdict.allowed)
        self.assertEqual(verdict.refusal, "finalization_unknown")
        self.assertEqual(binding.allowed_statuses, "")

    def test_unknown_status_is_not_canceled(self):
        """A binding whose eMAG status was never read (False) is not taken for
        canceled (0): every change is refused until eMAG is read."""
        binding = self.env["emag.order"].create({"account_id": self.account.id, "emag_id": "99"})
        verdict = binding._emag_check_transition(order_status.IN_PROGRESS)
        self.assertFalse(verdict.allowed)
        self.assertIn("status on eMAG is not known yet", verdict.reason)


@tagged("post_install", "-at_install")
class TestOrderCancellation(EmagOrderCase):
    def test_customer_cancels_before_acknowledgement(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 2}])
        self.poll(run_ack=False)
        sale_order = self.binding(order).sale_order_id
        self.assertEqual(sale_order.picking_ids.state, "assigned")
        self.sim.customer_cancel("orders@shop.example.ro", order["id"])
        self.poll()
        self.assertEqual(sale_order.state, "cancel")
        self.assertEqual(sale_order.picking_ids.state, "cancel")
        self.assertFalse(sale_order.picking_ids.move_ids.move_line_ids, "reservation released")
        self.assertEqual(self.binding(order).emag_status, "0")
        self.assertFalse(self.sim.received(route="order/acknowledge"))
        self.assertFalse(self.sim.received(route="order/save"))

    def test_customer_cancellation_request_after_acknowledgement(self):
        order = self.create_order(lines=[{"product_id": 1002, "quantity": 1}])
        self.poll()
        self.assertEqual(self.sim_order(order)["status"], 2)
        self.sim.customer_cancel("orders@shop.example.ro", order["id"])
        self.assertTrue(self.sim_order(order)["cancellation_request"])
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.sale_order_id.state, "cancel")
        remote = self.sim_order(order)
        self.assertEqual(remote["status"], 0, "the request is accepted on eMAG")
        self.assertEqual(remote["reason_cancellation"]["id"], order_status.CUSTOMER_REQUEST_REASON)
        self.assertEqual(binding.emag_status, "0")

    def test_cancellation_after_shipment_is_flagged(self):
        order = self.create_order(lines=[{"product_id": 1003, "quantity": 1}])
        self.poll()
        sale_order = self.binding(order).sale_order_id
        picking = sale_order.picking_ids
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.sim.emag_cancel("orders@shop.example.ro", order["id"], reason=19)
        with trap_jobs() as trap:
            self.account._emag_poll_orders()
            self.run_jobs(trap)
        self.env.invalidate_all()
        binding = self.binding(order)
        self.assertEqual(sale_order.state, "sale", "shipped goods are not silently canceled")
        self.assertEqual(binding.state, "exception")
        self.assertIn("after goods were shipped", binding.message)
        self.assertTrue(sale_order.activity_ids)

    def test_line_edits_after_shipment_are_flagged(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 2}], voucher=False)
        self.poll()
        sale_order = self.binding(order).sale_order_id
        picking = sale_order.picking_ids
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        kettle = order["products"][0]
        self.sim.edit_order_lines(USERNAME, order["id"], quantities={kettle["id"]: 1})
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.state, "exception")
        self.assertIn("after the goods left the warehouse", binding.message)
        self.assertEqual(sale_order.order_line.filtered("emag_line_id").product_uom_qty, 2)
        self.assertTrue(sale_order.activity_ids, "a person adjusts the delivery")

    def test_edits_before_acknowledgement_are_applied(self):
        order = self.create_order(
            lines=[{"product_id": 1001, "quantity": 3}, {"product_id": 1002, "quantity": 1}],
            voucher=False,
            shipping_tax="15.99",
        )
        self.poll(run_ack=False)
        kettle, filters = order["products"]
        self.sim.edit_order_lines(
            "orders@shop.example.ro",
            order["id"],
            quantities={kettle["id"]: 1},
            remove=[filters["id"]],
        )
        self.acknowledge()
        binding = self.binding(order)
        sale_order = binding.sale_order_id
        self.assertEqual(binding.state, "imported", binding.message)
        lines = {line.emag_line_id: line for line in sale_order.order_line if line.emag_line_id}
        self.assertEqual(lines[str(kettle["id"])].product_uom_qty, 1)
        self.assertEqual(lines[str(filters["id"])].product_uom_qty, 0)
        self.assertEqual(
            sale_order.picking_ids.move_ids.filtered(lambda m: m.state != "cancel").mapped(
                "product_uom_qty"
            ),
            [1],
        )
        self.assertAlmostEqual(sale_order.amount_total, binding.emag_total, places=2)
        self.assertEqual(binding.emag_status, "2")


@tagged("post_install", "-at_install")
class TestOrderStatusPush(EmagOrderCase):
    def test_prepared_when_delivery_picked(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll()
        picking = self.binding(order).sale_order_id.picking_ids
        with trap_jobs() as trap:
            picking.move_ids.picked = True
            trap.assert_jobs_count(1, only=self.binding(order)._emag_push_status)
            self.run_jobs(trap)
        self.assertEqual(self.sim_order(order)["status"], 3)
        self.assertEqual(self.binding(order).emag_status, "3")

    def test_late_prepared_push_never_takes_an_order_back(self):
        """A prepared push queued while the order was in progress, run after the
        AWB finalized it or after eMAG canceled it, sends nothing: going back
        to prepared is a person's correction, not Odoo's."""
        finalized = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        canceled = self.create_order(lines=[{"product_id": 1002, "quantity": 1}])
        self.poll()
        with trap_jobs() as trap:
            for order in (finalized, canceled):
                self.binding(order).sale_order_id.picking_ids.move_ids.picked = True
            pushes = [job for job in trap.enqueued_jobs if job.method_name == "_emag_push_status"]
            self.assertEqual(len(pushes), 2)
            self.sim.set_order_status(USERNAME, finalized["id"], 4)
            self.sim.emag_cancel(USERNAME, canceled["id"])
            self.sim.clear_received()
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertFalse(self.sim.received(route="order/save"))
        self.assertEqual(self.sim_order(finalized)["status"], 4)
        self.assertEqual(self.sim_order(canceled)["status"], 0)
        self.assertEqual(self.binding(finalized).state, "imported")
        flagged = self.binding(canceled)
        self.assertEqual(flagged.state, "exception", "a person decides about picked goods")
        self.assertIn("only a person", flagged.message)

    def test_prepared_only_when_validated_if_so_configured(self):
        self.account.order_prepared_trigger = "done"
        order = self.create_order(lines=[{"product_id": 1002, "quantity": 1}])
        self.poll()
        picking = self.binding(order).sale_order_id.picking_ids
        with trap_jobs() as trap:
            picking.move_ids.picked = True
            trap.assert_jobs_count(0)
            picking.button_validate()
            self.run_jobs(trap)
        self.assertEqual(self.sim_order(order)["status"], 3)

    def test_cancel_in_odoo_asks_emag_reason_and_cancels_on_emag(self):
        order = self.create_order(lines=[{"product_id": 1003, "quantity": 1}])
        self.poll()
        sale_order = self.binding(order).sale_order_id
        action = sale_order.action_cancel()
        self.assertEqual(action["res_model"], "emag.order.cancel")
        self.assertEqual(sale_order.state, "sale", "nothing canceled before a reason is chosen")
        wizard = Form(self.env["emag.order.cancel"].with_context(action["context"]))
        wizard.reason = "33"
        with trap_jobs() as trap:
            wizard.save().action_confirm()
            self.run_jobs(trap)
        self.assertEqual(sale_order.state, "cancel")
        remote = self.sim_order(order)
        self.assertEqual(remote["status"], 0)
        self.assertEqual(remote["reason_cancellation"]["id"], 33)

    def test_illegal_change_is_never_sent(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll()
        # Finalized 49 hours ago: canceling is no longer allowed.
        self.sim.clock.advance(hours=-49)
        self.sim.set_order_status("orders@shop.example.ro", order["id"], 4)
        self.sim.clock.advance(hours=49)
        self.sim.mark_order_paid("orders@shop.example.ro", order["id"])
        self.poll()
        binding = self.binding(order)
        self.assertEqual(binding.emag_status, "4")
        self.sim.clear_received()
        with trap_jobs() as trap:
            # Even a job queued earlier re-checks the rules against eMAG's status.
            binding._emag_push_status(order_status.CANCELED, 1)
            self.run_jobs(trap)
        self.assertFalse(self.sim.received(route="order/save"))
        self.assertEqual(self.sim_order(order)["status"], 4)
        self.assertEqual(binding.state, "exception")
        self.assertIn("has passed", binding.message)
        # Canceling it in Odoo is refused up front, with the reason.
        sale_order = binding.sale_order_id
        with self.assertRaisesRegex(UserError, "has passed"):
            sale_order.with_context(emag_cancel_reason=1).action_cancel()
        self.assertEqual(sale_order.state, "sale")

    def test_refusal_reads_in_the_users_language(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll(run_ack=False)
        binding = self.binding(order)
        self.env["res.lang"]._activate_lang("ro_RO")
        self.env["ir.module.module"].search([("name", "=", "emag_connector")])._update_translations(
            ["ro_RO"]
        )
        verdict = binding.with_context(lang="ro_RO")._emag_check_transition(
            order_status.FINALIZED, current=order_status.NEW
        )
        self.assertFalse(verdict.allowed)
        self.assertEqual(
            verdict.reason,
            "eMAG nu permite schimbarea unei comenzi din Nouă (1) în Finalizată (4).",
        )
        english = binding._emag_check_transition(order_status.FINALIZED, current=order_status.NEW)
        self.assertIn("does not allow changing an order from New (1)", english.reason)

    def test_status_change_with_lost_answer_is_not_sent_twice(self):
        order = self.create_order(lines=[{"product_id": 1002, "quantity": 1}])
        self.poll()
        binding = self.binding(order)
        self.sim.add_fault("commit_then_timeout", route="order/save", times=1, delay=0)
        self.sim.clear_received()
        with trap_jobs() as trap:
            binding._emag_request_status(order_status.PREPARED)
            self.run_jobs(trap)
        self.assertEqual(len(self.sim.received(route="order/save")), 1)
        self.assertEqual(self.sim_order(order)["status"], 3)
        self.assertEqual(binding.emag_status, "3")
