"""Fixtures of the order tests: an eMAG simulator account with offers, the
same products in Odoo with stock, and helpers to run the queued jobs."""

from odoo.tests import TransactionCase

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.emag_simulator import EmagSimulator
from .common import LoopbackHttpMixin

USERNAME = "orders@shop.example.ro"
PASSWORD = "orders-secret"

# (offer id, part number, net price, stock in Odoo)
OFFERS = [
    (1001, "KT-1700-INOX", "82.6446", 50),
    (1002, "FLT-AC-2", "41.3223", 50),
    (1003, "L200-MONO", "500.0000", 50),
]


def offer_entity(offer_id, part_number, price):
    return {
        "id": offer_id,
        "category_id": 2735,
        "name": f"Produs {part_number}",
        "part_number": part_number,
        "brand": "Exemplu",
        "description": f"<p>Produs {part_number}</p>",
        "status": 1,
        "sale_price": price,
        "min_sale_price": "1",
        "max_sale_price": "10000",
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 100}],
        "handling_time": [{"warehouse_id": 1, "value": 1}],
        "images": [{"display_type": 1, "url": f"https://cdn.example.com/{offer_id}.jpg"}],
        "characteristics": [{"id": 6876, "value": "1.7 l"}],
        "ean": [f"59400000{offer_id:05d}"],
        "warranty": 24,
    }


def rounds_unit_prices(env):
    """Whether Odoo rounds a sale line's unit price (19.0: to the "Product Price"
    digits). Odoo 18.0 stores it whole: eMAG's finer prices then total to eMAG's
    figure and need no refusal."""
    return bool(env["sale.order.line"]._fields["price_unit"].get_digits(env))


class EmagOrderCase(LoopbackHttpMixin, TransactionCase):
    """An eMAG account on the in-process simulator, with three offers whose
    part numbers are the internal references of three stocked products."""

    sim_options = {"rate_limits": False}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # Buyers are checked in ANAF's registry and VIES only where a test asks
        # for it (test_buyer_checks, with the registries' sandbox).
        cls.env.company.emag_buyer_check = "off"
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.fbe_warehouse = cls.env["stock.warehouse"].create(
            {"name": "eMAG FBE", "code": "EFBE", "company_id": cls.env.company.id}
        )
        cls.account = cls.env["emag.account"].create(
            {
                "name": "eMAG RO test",
                "platform": "emag_ro",
                "api_url": "http://127.0.0.1:9/api-3",  # set per test
                "api_username": USERNAME,
                "api_password": PASSWORD,
                "warehouse_id": cls.warehouse.id,
            }
        )
        cls.products = {}
        for _offer_id, part_number, _price, stock in OFFERS:
            product = cls.env["product.product"].create(
                {
                    "name": f"Product {part_number}",
                    "default_code": part_number,
                    "type": "consu",
                    "is_storable": True,
                }
            )
            for warehouse in cls.warehouse | cls.fbe_warehouse:
                cls.env["stock.quant"]._update_available_quantity(
                    product, warehouse.lot_stock_id, stock
                )
            cls.products[part_number] = product

    def setUp(self):
        super().setUp()
        # A fresh marketplace per test: its orders do not roll back with Odoo's.
        self.sim = EmagSimulator(seed=11, **self.sim_options)
        self.sim.start()
        self.addCleanup(self.sim.stop)
        self.sim.add_account(USERNAME, PASSWORD, platform="emag_ro", vendor_name="SHOP SRL")
        for offer_id, part_number, price, _stock in OFFERS:
            self.sim.add_offer(USERNAME, offer_entity(offer_id, part_number, price))
        self.account.api_url = self.sim.base_url

    # ---------------------------------------------------------------- helpers

    def create_order(self, **options):
        options.setdefault("status", 1)
        options.setdefault("locker", False)
        return self.sim.create_order(USERNAME, **options)

    def sim_order(self, order):
        return self.sim.get_order(USERNAME, order["id"])

    def binding(self, order):
        return self.env["emag.order"].search(
            [("account_id", "=", self.account.id), ("emag_id", "=", str(order["id"]))]
        )

    def run_jobs(self, trap, max_rounds=30):
        """Perform the trapped jobs, and the jobs they queue, like the runner:
        a job raising RetryableJobError is tried again in a later round."""
        for _round in range(max_rounds):
            jobs, trap.enqueued_jobs = trap.enqueued_jobs, []
            if not jobs:
                return
            for job in sorted(jobs, key=lambda j: j.priority):
                try:
                    with self.env.cr.savepoint():
                        job.perform()
                except RetryableJobError:
                    trap.enqueued_jobs.append(job)
        self.fail(f"jobs still queued after {max_rounds} rounds: {trap.enqueued_jobs}")

    def poll(self, run_ack=True):
        """One poll of the account and every job it leads to (acknowledgement
        included unless ``run_ack`` is False)."""
        with trap_jobs() as trap:
            self.account._emag_poll_orders()
            if run_ack:
                self.run_jobs(trap)
            else:
                self.run_jobs_except_ack(trap)
        self.env.invalidate_all()

    def run_jobs_except_ack(self, trap):
        for _round in range(10):
            jobs = [
                job for job in trap.enqueued_jobs if job.method_name != "_emag_acknowledge_orders"
            ]
            trap.enqueued_jobs = []
            if not jobs:
                return
            for job in jobs:
                job.perform()

    def acknowledge(self):
        with trap_jobs() as trap:
            self.account._emag_acknowledge_orders()
            self.run_jobs(trap)
        self.env.invalidate_all()

    def import_payload(self, payload, emag_id=None):
        """Import one payload as the import job does (no acknowledgement run)."""
        with trap_jobs():
            self.account._emag_import_order(str(emag_id or payload.get("id")), payload)
        self.env.invalidate_all()
        return self.env["emag.order"].search(
            [("account_id", "=", self.account.id), ("emag_id", "=", str(emag_id or payload["id"]))]
        )
