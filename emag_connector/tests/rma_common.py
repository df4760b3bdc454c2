"""Fixtures of the return tests: an eMAG order imported, shipped, invoiced and
finalized, then returns opened on the simulator and read by Odoo."""

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from .order_common import USERNAME, EmagOrderCase


class EmagRmaCase(EmagOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.pickup_phone = "0211234567"
        if "efactura_attach_policy" in cls.account._fields:
            # Without the bridge the PDF is attached once posted; keep that here.
            cls.account.efactura_attach_policy = "posted"

    def setUp(self):
        super().setUp()
        # The account's return address, read from eMAG's saved addresses.
        self.account._emag_fetch_shipping_setup()

    # ---------------------------------------------------------------- helpers

    def run_emag_jobs(self, trap, max_rounds=30):
        """Perform the connector's trapped jobs (and those they queue), like the
        runner; others (e.g. e-Factura's, when the bridge is installed) are left."""
        for _round in range(max_rounds):
            jobs = [job for job in trap.enqueued_jobs if job.method_name.startswith("_emag")]
            trap.enqueued_jobs = [job for job in trap.enqueued_jobs if job not in jobs]
            if not jobs:
                return
            for job in sorted(jobs, key=lambda j: j.priority):
                try:
                    with self.env.cr.savepoint():
                        job.perform()
                except RetryableJobError:
                    trap.enqueued_jobs.append(job)
        self.fail(f"jobs still queued after {max_rounds} rounds: {trap.enqueued_jobs}")

    def shipped_order(self, lines, finalize=True, voucher=False, shipping_tax="0", **options):
        """An order imported, delivered, invoiced and (by default) finalized on
        eMAG; ``options`` go to the simulator's ``create_order``."""
        order = self.create_order(
            lines=lines, voucher=voucher, shipping_tax=shipping_tax, **options
        )
        self.poll()
        binding = self.binding(order)
        sale_order = binding.sale_order_id
        with trap_jobs() as trap:
            delivery = sale_order.picking_ids
            for move in delivery.move_ids:
                move.quantity = move.product_uom_qty
            delivery.move_ids.picked = True
            delivery._action_done()
            invoice = sale_order._create_invoices()
            invoice.action_post()
            self.run_emag_jobs(trap)
        if finalize:
            self.sim.set_order_status(USERNAME, order["id"], 4)
            self.poll()
        self.env.invalidate_all()
        return self.sim_order(order), sale_order, invoice

    def open_return(self, order, quantities, **options):
        """A customer return on the simulator: ``quantities`` maps offer id -> quantity."""
        by_offer = {line["product_id"]: line["id"] for line in order["products"]}
        lines = [
            {"order_line_id": by_offer[offer], "quantity": quantity}
            for offer, quantity in quantities.items()
        ]
        return self.sim.create_return(USERNAME, order["id"], lines=lines, **options)

    def read_returns(self):
        """One returns poll and every job it leads to; returns the bindings."""
        with trap_jobs() as trap:
            self.account._emag_poll_returns()
            self.run_emag_jobs(trap)
        self.env.invalidate_all()
        return self.env["emag.rma"].search([("account_id", "=", self.account.id)])

    def rma(self, sim_rma):
        return self.env["emag.rma"].search(
            [("account_id", "=", self.account.id), ("emag_id", "=", str(sim_rma["emag_id"]))]
        )

    def receive(self, rma, quantities=None, user=None):
        """Validate the return picking (``quantities``: product -> received
        quantity, all by default; as ``user`` when given) and run what follows."""
        self.validate(rma.return_picking_ids, quantities, user)

    def ship_replacement(self, rma):
        """The warehouse validates the replacement delivery of an exchange."""
        self.validate(rma.replacement_picking_ids)

    def validate(self, pickings, quantities=None, user=None):
        with trap_jobs() as trap:
            picking = pickings.filtered(lambda p: p.state not in ("done", "cancel"))
            for move in picking.move_ids:
                move.quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
            picking.move_ids.picked = True
            if user:
                picking = picking.with_user(user)
            picking.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
            self.run_emag_jobs(trap)
        self.env.invalidate_all()

    def return_asking_too_much(self):
        """A unit shipped and already returned, and a second return of it
        (eMAG lets the customer open one): it waits in exception."""
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        self.open_return(order, {1001: 1})
        self.receive(self.read_returns())
        again = self.open_return(order, {1001: 1})
        self.read_returns()
        return again

    def sim_rma(self, sim_rma):
        return self.sim.get_return(USERNAME, sim_rma["emag_id"])

    def stock(self, product):
        return product.with_context(warehouse_id=self.warehouse.id).qty_available
