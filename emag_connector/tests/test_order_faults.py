from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from .order_common import USERNAME, EmagOrderCase


@tagged("post_install", "-at_install")
class TestOrderFaultRun(EmagOrderCase):
    ORDERS = 50

    def test_acknowledging_interrupted_by_emag_queues_the_rest(self):
        """eMAG fails longer than the client retries: the job ends without an
        error (a failed job would roll back the acknowledgements it made) and
        the rest goes to a new job."""
        orders = [self.create_order(lines=[{"product_id": 1002, "quantity": 1}]) for _n in range(3)]
        self.poll(run_ack=False)
        self.sim.add_fault("error", route="order/acknowledge", times=4, status=503)
        with trap_jobs() as trap:
            self.account._emag_acknowledge_orders()
            trap.assert_jobs_count(1, only=self.account._emag_acknowledge_orders)
            self.assertEqual({self.sim_order(order)["status"] for order in orders}, {1})
            self.run_jobs(trap)
        self.env.invalidate_all()
        for order in orders:
            self.assertEqual(self.sim_order(order)["status"], 2)
            self.assertTrue(self.binding(order).acknowledged_at)

    def test_import_through_a_429_storm_waits_and_runs_again(self):
        """eMAG throttles longer than the client backs off (a 429 storm, found
        by `make soak`): the import job asks to run again later instead of
        failing for good, and the next run imports the order."""
        order = self.create_order(lines=[{"product_id": 1002, "quantity": 1}])
        self.sim.add_fault("rate_limit", route="order/read", times=20)
        with self.assertRaises(RetryableJobError):
            self.account._emag_import_order(order["id"])
        self.sim.clear_faults()
        self.account._emag_import_order(order["id"])
        self.assertEqual(self.binding(order).state, "imported")

    def test_every_order_once_and_acknowledged_through_faults(self):
        """50 orders while eMAG answers 20% of the order calls with 5xx, drops 10%
        of the connections, loses 10% of the acknowledgement answers after
        acting on them and throttles in bursts; on top, the worker dies between
        the imports and the acknowledgement. Every order ends imported once and
        acknowledged."""
        orders = [
            self.create_order(lines=[{"product_id": 1001 + n % 3, "quantity": 1}], voucher=False)
            for n in range(self.ORDERS)
        ]
        self.sim.add_fault("error", route="order/*", probability=0.2, status=503)
        self.sim.add_fault("drop", route="order/*", probability=0.1)
        self.sim.add_fault("commit_then_timeout", route="order/acknowledge", probability=0.1)
        self.sim.add_fault("rate_limit", route="order/acknowledge", times=2)

        with trap_jobs() as trap:
            for _attempt in range(5):
                try:
                    with self.env.cr.savepoint():
                        self.account._emag_poll_orders()
                    break
                except RetryableJobError:
                    continue
            # The worker running the acknowledgement dies: its job is lost.
            self.run_jobs_except_ack(trap)
            self.assertEqual(
                {self.sim_order(order)["status"] for order in orders}, {1}, "nothing acked yet"
            )
            # A second poll (overlap) and the recovery sweep find the same orders.
            self.account._emag_poll_orders()
            self.run_jobs_except_ack(trap)
            self.env["emag.account"]._cron_order_alarms()
            self.run_jobs(trap)
        self.env.invalidate_all()

        for order in orders:
            binding = self.binding(order)
            self.assertEqual(len(binding), 1)
            self.assertEqual(binding.state, "imported", binding.message)
            self.assertEqual(
                self.env["sale.order"].search_count([("client_order_ref", "=", str(order["id"]))]),
                1,
            )
            self.assertEqual(self.sim_order(order)["status"], 2, "acknowledged on eMAG")
            self.assertTrue(binding.acknowledged_at)
        self.assertTrue(
            any(r.status and r.status >= 500 for r in self.sim.received(username=USERNAME)),
            "faults were injected",
        )
