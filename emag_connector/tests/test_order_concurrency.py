import uuid

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.exception import RetryableJobError

from ..lib.emag_simulator import EmagSimulator
from ..services.orders.importer import OrderImporter
from .common import LoopbackHttpMixin
from .order_common import PASSWORD, USERNAME, offer_entity


@tagged("post_install", "-at_install")
class TestOrderImportConcurrency(LoopbackHttpMixin, BaseCase):
    """Two real transactions import the same order at once (the cron and the
    callback, say) and exactly one sale order comes out.

    Transaction A imports and holds the order's lock. Transaction B, already
    running, must wait for it; once A has committed, B cannot see A's binding
    in its snapshot, fails to create a second one and asks to be retried; its
    retry finds A's sale order and creates nothing.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        self.sim = EmagSimulator(seed=5, rate_limits=False)
        self.sim.start()
        self.addCleanup(self.sim.stop)
        self.sim.add_account(USERNAME, PASSWORD, platform="emag_ro")
        self.part_number = f"CONC-{uuid.uuid4().hex[:8]}"
        self.sim.add_offer(USERNAME, offer_entity(4242, self.part_number, "100.0000"))
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = env["emag.account"].create(
                {
                    "name": f"Concurrency {self.part_number}",
                    "api_url": self.sim.base_url,
                    "api_username": USERNAME,
                    "api_password": PASSWORD,
                }
            )
            product = env["product.product"].create(
                {"name": self.part_number, "default_code": self.part_number}
            )
            self.account_id, self.product_id = account.id, product.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"emag_cancel_from_remote": True})
            bindings = env["emag.order"].search([("account_id", "=", self.account_id)])
            orders = bindings.sale_order_id
            partners = orders.partner_id | orders.partner_invoice_id | orders.partner_shipping_id
            partners.write({"emag_customer_key": False, "vat": False, "active": False})
            orders.action_cancel()
            orders.unlink()
            bindings.unlink()
            env["emag.account"].browse(self.account_id).unlink()
            env["product.product"].browse(self.product_id).write(
                {"active": False, "default_code": False}
            )

    def _importer(self, cr):
        env = api.Environment(cr, SUPERUSER_ID, {})
        return OrderImporter(env["emag.account"].browse(self.account_id))

    @mute_logger("odoo.sql_db")  # the refused lock and insert are the point
    def test_two_transactions_import_one_sale_order(self):
        order = self.sim.create_order(
            USERNAME, status=1, lines=[{"product_id": 4242, "quantity": 1}], locker=False
        )
        emag_id = str(order["id"])
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            cr_b.execute("SELECT 1")  # B's transaction (and snapshot) starts now
            sale_order_a = self._importer(cr_a).import_order(emag_id, order).sale_order_id
            self.assertTrue(sale_order_a)

            # B blocks on A's lock (here: gives up after a short wait).
            cr_b.execute("SET LOCAL lock_timeout = '300ms'")
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                self._importer(cr_b).import_order(emag_id, order)
            cr_b.rollback()

            cr_b.execute("SELECT 1")  # a snapshot older than A's commit
            cr_a.commit()
            with self.assertRaises(RetryableJobError):
                self._importer(cr_b).import_order(emag_id, order)
            cr_b.rollback()

            # The retry, as the job runner does it, finds A's work.
            binding = self._importer(cr_b).import_order(emag_id, order)
            self.assertEqual(binding.sale_order_id.id, sale_order_a.id)
            cr_b.commit()

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(
                env["sale.order"].search_count([("client_order_ref", "=", emag_id)]), 1
            )
            self.assertEqual(env["emag.order"].search_count([("emag_id", "=", emag_id)]), 1)
