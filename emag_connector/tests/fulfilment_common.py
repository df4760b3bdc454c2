"""Fixtures of the fulfilment tests: an account with its courier and pickup
address read from the simulator, and helpers that import an order, validate
its delivery and run the pipeline's jobs."""

from odoo.addons.queue_job.tests.common import trap_jobs

from .order_common import USERNAME, EmagOrderCase

PIPELINE_STEPS = (
    "read_order",
    "prepared",
    "awb",
    "label",
    "invoice",
    "efactura",
    "attach",
    "finalize",
)


class EmagFulfilmentCase(EmagOrderCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"name": "SHOP SRL", "phone": "0744000333"})
        cls.account.write({"pickup_contact": "Andrei Vasile", "awb_label_format": "A6"})
        if "efactura_submit" in cls.account._fields:
            # The e-Factura bridge is installed: its tests cover invoices held for ANAF.
            cls.account.efactura_submit = False

    def setUp(self):
        super().setUp()
        with trap_jobs() as trap:
            self.account.action_fetch_shipping_setup()
            trap.assert_jobs_count(1, only=self.account._emag_fetch_shipping_setup)
            trap.perform_enqueued_jobs()

    # ---------------------------------------------------------------- helpers

    def imported_order(self, **options):
        """An order created on eMAG, imported and acknowledged (status 2)."""
        options.setdefault("lines", [{"product_id": 1001, "quantity": 1}])
        options.setdefault("payment_mode_id", 1)
        options.setdefault("voucher", False)
        options.setdefault("b2b", False)
        order = self.create_order(**options)
        binding = self.import_payload(order)
        self.acknowledge()
        self.assertEqual(binding.state, "imported", binding.message)
        return order, binding

    def delivery(self, binding):
        return binding.sale_order_id.picking_ids.filtered(
            lambda p: p.picking_type_code == "outgoing" and p.state not in ("done", "cancel")
        )

    def validate(self, picking, pack_each_move=False):
        """Validate as the warehouse does (inside a ``trap_jobs()`` block):
        everything picked, optionally each product line in a package of its own."""
        calls_before = len(self.sim.received())
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        if pack_each_move:
            for move in picking.move_ids:
                move.move_line_ids.action_put_in_pack()
        result = picking.button_validate()
        self.assertIs(result, True, "the delivery validates in one click")
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            len(self.sim.received()), calls_before, "no eMAG call inside the Validate click"
        )
        return picking.emag_fulfilment_id

    def fulfil(self, picking, **options):
        """Validate the delivery and run every job it leads to."""
        with trap_jobs() as trap:
            fulfilment = self.validate(picking, **options)
            self.assertTrue(fulfilment, "validating an eMAG delivery starts its pipeline")
            self.run_jobs(trap)
        self.env.invalidate_all()
        return fulfilment

    def run_one_step(self, trap):
        """Run the queued jobs that are not the pipeline's, then its one queued step."""
        steps = [job for job in trap.enqueued_jobs if job.method_name == "_emag_run_step"]
        others = [job for job in trap.enqueued_jobs if job not in steps]
        trap.enqueued_jobs = []
        for job in others:
            job.perform()
        self.assertEqual(len(steps), 1, "one queued step per pipeline")
        steps[0].perform()
        self.env.invalidate_all()
        return steps[0]

    def step_states(self, fulfilment):
        return {step.code: step.state for step in fulfilment.step_ids}

    def sim_awbs(self, order):
        account = self.sim.state.account(USERNAME)
        return [awb for awb in account.awbs.values() if awb["order_id"] == order["id"]]

    def calls(self, route):
        return len(self.sim.received(route=route))
