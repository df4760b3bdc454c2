import time
from contextlib import contextmanager

from odoo.tests import HttpCase, tagged

from odoo.addons.queue_job.job import Job

from .order_common import USERNAME, EmagOrderCase


@tagged("post_install", "-at_install")
class TestOrderCallback(HttpCase):
    """eMAG's callbacks: answered at once, the import queued, strangers get a 404."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["emag.account"].create({"name": "eMAG callback test"})
        cls.token = cls.account.order_callback_token

    def _import_jobs(self, emag_id):
        return self.env["queue.job"].search(
            [("identity_key", "=like", f"emag-order-import:{self.account.id}:{emag_id}:%")]
        )

    def test_good_token_queues_the_import_and_answers_at_once(self):
        response = self.url_open(f"/emag/callback/{self.token}?order_id=412345678")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, "OK")
        self.assertEqual(len(self._import_jobs("412345678")), 1)
        # eMAG repeats the call until the acknowledgement: still one job.
        self.url_open(f"/emag/callback/{self.token}?order_id=412345678")
        self.assertEqual(len(self._import_jobs("412345678")), 1)

    def test_wrong_token_is_a_plain_not_found(self):
        for token in (self.token[:-1] + ("A" if self.token[-1] != "A" else "B"), "x", ""):
            response = self.url_open(f"/emag/callback/{token}?order_id=412345678")
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("emag", response.text.lower())
        self.assertFalse(self._import_jobs("412345678"))

    def test_missing_order_id_is_refused(self):
        response = self.url_open(f"/emag/callback/{self.token}?order_id=12;DROP")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(
            self.env["queue.job"].search([("identity_key", "=like", "emag-order-import:%")])
        )


@tagged("post_install", "-at_install")
class TestOrderCallbackFromSimulator(EmagOrderCase, HttpCase):
    """The sandbox calls Odoo's callback URL itself: a new order reaches Odoo
    through it (queued, imported, confirmed, acknowledged) and the customer's
    cancellation on eMAG cancels the sale order, without any poll."""

    if not hasattr(HttpCase, "allow_requests"):
        # Before 19.0 Odoo serves a test's HTTP requests at any time.
        @contextmanager
        def allow_requests(self, browser=None, all_requests=False):
            yield

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].set_param("web.base.url", self.base_url())
        url = self.account.order_callback_url
        self.assertTrue(url.startswith(self.base_url()))
        # One new-order call (eMAG repeats it while the order is new; the
        # repeats are covered by TestOrderCallback).
        self.sim.configure_account(
            USERNAME, callback_url=url, cancel_callback_url=url, callback_interval=600
        )

    def wait_for_callback(self, kind, order, timeout=15):
        """Wait for the sandbox's call (Odoo serves it meanwhile, which a test
        only allows inside ``allow_requests``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            delivered = [
                entry
                for entry in self.sim.callback_log
                if entry["kind"] == kind and entry["order_id"] == order["id"]
            ]
            if delivered:
                return delivered[-1]
            time.sleep(0.05)
        self.fail(f"no {kind} callback for order {order['id']} within {timeout}s")

    def assert_import_queued(self, delivery, order):
        self.assertEqual(delivery.get("status"), 200, delivery)
        self.env.invalidate_all()
        jobs = self.env["queue.job"].search(
            [
                ("state", "=", "pending"),
                ("identity_key", "=like", f"emag-order-import:{self.account.id}:{order['id']}:%"),
            ]
        )
        self.assertEqual(len(jobs), 1, "the callback queued the import")

    def run_pending_jobs(self, max_rounds=10):
        """Perform the stored jobs (and those they queue) like the job runner."""
        for _round in range(max_rounds):
            self.env.invalidate_all()
            records = self.env["queue.job"].search([("state", "=", "pending")], order="id")
            if not records:
                return
            for record in records:
                Job.load(self.env, record.uuid).perform()
                record.state = "done"
        self.fail("jobs still pending")

    def test_order_placed_then_canceled_on_the_sandbox(self):
        with self.allow_requests(all_requests=True):
            order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
            delivery = self.wait_for_callback("new_order", order)
        self.assert_import_queued(delivery, order)
        self.assertEqual(self.sim_order(order)["status"], 1, "the callback only queues")
        self.run_pending_jobs()
        binding = self.binding(order)
        self.assertEqual(binding.state, "imported", binding.message)
        sale_order = binding.sale_order_id
        self.assertEqual(sale_order.state, "sale")
        self.assertEqual(sale_order.picking_ids.state, "assigned")
        self.assertEqual(self.sim_order(order)["status"], 2, "acknowledged on eMAG")
        self.assertTrue(binding.acknowledged_at)

        with self.allow_requests(all_requests=True):
            self.sim.customer_cancel(USERNAME, order["id"])
            delivery = self.wait_for_callback("order_canceled", order)
        self.assert_import_queued(delivery, order)
        self.run_pending_jobs()
        self.assertEqual(sale_order.state, "cancel")
        self.assertEqual(sale_order.picking_ids.state, "cancel")
        self.assertEqual(self.sim_order(order)["status"], 0, "the request is accepted on eMAG")
        self.assertEqual(binding.emag_status, "0")
        self.assertFalse(self.account.order_checkpoint, "no poll was involved")
