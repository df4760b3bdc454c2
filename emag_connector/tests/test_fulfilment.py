from datetime import timedelta
from decimal import Decimal

from odoo import fields
from odoo.tests import tagged

from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.emag_simulator import gross_total
from ..services.fulfilment import pipeline as fulfilment_pipeline
from .common import install_language
from .fulfilment_common import PIPELINE_STEPS, EmagFulfilmentCase
from .order_common import USERNAME


@tagged("post_install", "-at_install")
class TestFulfilmentPipeline(EmagFulfilmentCase):
    def test_shipping_setup_read_from_emag(self):
        self.assertEqual(self.account.courier_account_id.emag_id, 5186)
        self.assertEqual(self.account.courier_account_id.courier_name, "SAMEDAY")
        self.assertEqual(self.account.pickup_address_id.emag_id, "102", "the default pickup one")
        self.assertTrue(self.account.pickup_address_id.locality_id)

    def test_step_messages_read_in_the_reader_language(self):
        """A step run by a job (in English) reads in Romanian to a Romanian user."""
        install_language(self.env, "ro_RO")
        _order, binding = self.imported_order()
        picking = self.delivery(binding)
        with trap_jobs() as trap:
            fulfilment = self.validate(picking)
            self.run_one_step(trap)  # read_order
        read_order = fulfilment.step_ids.filtered(lambda step: step.code == "read_order")
        self.assertEqual(read_order.with_context(lang="en_US").message, "eMAG status: In progress")
        self.assertEqual(read_order.with_context(lang="ro_RO").message, "Stare eMAG: În curs")

    def test_invoice_lines_named_once_in_the_customer_language(self):
        """The job runs in English; the Romanian buyer's invoice names the
        shipping line once, in Romanian."""
        install_language(self.env, "ro_RO")
        _order, binding = self.imported_order(shipping_tax="19.99")
        fulfilment = self.fulfil(self.delivery(binding))
        shipping = fulfilment.invoice_id.invoice_line_ids.filtered(
            lambda line: line.product_id == self.env.ref("emag_connector.product_emag_shipping")
        )
        self.assertEqual(shipping.name, "[EMAG-SHIPPING] Transport eMAG")

    def test_happy_path(self):
        order, binding = self.imported_order(
            lines=[{"product_id": 1001, "quantity": 2}, {"product_id": 1002, "quantity": 1}]
        )
        picking = self.delivery(binding)
        self.sim.clear_received()
        with trap_jobs() as trap:
            fulfilment = self.validate(picking)
            self.assertEqual(fulfilment.state, "running")
            self.assertEqual(self.step_states(fulfilment)["read_order"], "pending")
            trap.assert_jobs_count(1, only=fulfilment._emag_run_step)
            self.assertEqual(trap.enqueued_jobs[-1].channel, "root.emag.pipeline")
            self.run_jobs(trap)
        self.env.invalidate_all()

        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        self.assertEqual(set(self.step_states(fulfilment).values()), {"done"})
        awbs = self.sim_awbs(order)
        self.assertEqual(len(awbs), 1)
        number = awbs[0]["awb"][0]["awb_number"]
        self.assertEqual(picking.carrier_tracking_ref, number)
        self.assertEqual(picking.emag_awb_number, number)
        self.assertEqual(awbs[0]["courier"]["courier_account_id"], 5186)
        self.assertEqual(
            awbs[0]["receiver"]["locality_id"], order["customer"]["shipping_locality_id"]
        )
        self.assertEqual(awbs[0]["sender"]["contact"], "Andrei Vasile")
        self.assertAlmostEqual(awbs[0]["cod"], float(gross_total(order)))
        self.assertIsNone(awbs[0]["locker_id"])
        # The label, printable from the picking.
        self.assertTrue(picking.emag_label_id.raw.startswith(b"%PDF"))
        self.assertEqual(picking.emag_label_id.res_id, picking.id)
        action = picking.action_emag_print_label()
        self.assertIn(f"/web/content/{picking.emag_label_id.id}", action["url"])
        # The invoice, posted, for what was delivered.
        invoice = fulfilment.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_line_ids.sale_line_ids.order_id, binding.sale_order_id)
        self.assertAlmostEqual(invoice.amount_total, float(gross_total(order)))
        # Attached on eMAG as an invoice, through a live public link to its PDF.
        sim_order = self.sim_order(order)
        invoices = [a for a in sim_order["attachments"] if a["type"] == 1]
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices[0]["name"], invoice.name)
        token = invoices[0]["url"].rsplit("/", 1)[1].removesuffix(".pdf")
        link = self.env["emag.document.link"]._resolve(token)
        self.assertEqual(link.attachment_id.res_id, invoice.id)
        # Finalized on eMAG (by the AWB), prepared before it.
        self.assertEqual(sim_order["status"], 4)
        self.assertTrue(fulfilment.finalized_at)
        statuses = [r.body["data"][0]["status"] for r in self.sim.received(route="order/save")]
        self.assertEqual(statuses, [3], "prepared once, never pushed back after the AWB")
        # Few calls: read, prepared, AWB, label, attachment, final read.
        self.assertLessEqual(len(self.sim.received()), 6)

    def test_cod_counts_vouchers_and_card_payments(self):
        order, binding = self.imported_order(voucher=True, payment_mode_id=1)
        with_voucher = sum(
            Decimal(line["sale_price"]) * line["quantity"] * (1 + Decimal(line["vat"]))
            for line in order["products"]
        )
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        cod = self.sim_awbs(order)[0]["cod"]
        self.assertAlmostEqual(cod, float(gross_total(order)))
        self.assertLess(cod, float(with_voucher), "the voucher lowers what the courier collects")
        self.assertAlmostEqual(fulfilment.awb_cod, cod)

        card_order, card_binding = self.imported_order(payment_mode_id=3)
        self.fulfil(self.delivery(card_binding))
        self.assertEqual(
            self.sim_awbs(card_order)[0]["cod"], 0.0, "paid by card: nothing to collect"
        )

    def test_locker_delivery(self):
        order, binding = self.imported_order(locker=True)
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        awb = self.sim_awbs(order)[0]
        self.assertEqual(awb["locker_id"], order["details"]["locker_id"])

    def test_one_parcel_per_package(self):
        self.products["KT-1700-INOX"].weight = 1.5
        self.products["FLT-AC-2"].weight = 0.25
        order, binding = self.imported_order(
            lines=[{"product_id": 1001, "quantity": 1}, {"product_id": 1002, "quantity": 2}]
        )
        fulfilment = self.fulfil(self.delivery(binding), pack_each_move=True)
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        request = self.sim.received(route="awb/save")[0].body["data"][0]
        self.assertEqual(request["parcel_number"], 2)
        self.assertAlmostEqual(request["weight"], 2.0)
        self.assertEqual(fulfilment.awb_parcels, 2)

    def test_cancellation_just_before_validation(self):
        order, binding = self.imported_order()
        self.sim.customer_cancel(USERNAME, order["id"])  # not polled yet
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertEqual(fulfilment.state, "stopped")
        self.assertEqual(self.step_states(fulfilment)["read_order"], "stopped")
        self.assertIn("do not ship", fulfilment.message)
        self.assertFalse(self.calls("awb/save"), "no AWB for a canceled order")
        self.assertFalse(fulfilment.invoice_id)
        self.assertEqual(binding.state, "exception")
        self.assertTrue(binding.sale_order_id.activity_ids, "someone is told to stop the parcel")

    def test_awb_timeout_where_emag_issued_it(self):
        order, binding = self.imported_order()
        self.sim.add_fault("commit_then_timeout", route="awb/save", times=1)
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        self.assertEqual(self.calls("awb/save"), 1, "never asked twice")
        awbs = self.sim_awbs(order)
        self.assertEqual(len(awbs), 1)
        self.assertEqual(fulfilment.awb_number, awbs[0]["awb"][0]["awb_number"])
        self.assertTrue(fulfilment.label_attachment_id)
        self.assertTrue(self.calls("awb/read"), "reconciled through awb/read")

    def test_awb_timeout_where_emag_did_not_issue_it(self):
        order, binding = self.imported_order()
        self.sim.add_fault("timeout", route="awb/save", times=1, delay=0)
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        self.assertEqual(len(self.sim_awbs(order)), 1)
        self.assertEqual(self.calls("awb/save"), 2, "asked again only after looking it up")

    def test_awb_refused_then_retried_after_fixing(self):
        self.account.pickup_phone = "12"
        order, binding = self.imported_order()
        picking = self.delivery(binding)
        fulfilment = self.fulfil(picking)
        self.assertEqual(fulfilment.state, "failed")
        self.assertEqual(self.step_states(fulfilment)["awb"], "failed")
        self.assertIn("phone1 must have 8 to 11 digits", fulfilment.message)
        self.assertEqual(picking.emag_fulfilment_message, fulfilment.message)
        activity = picking.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("AWB", activity.summary)
        self.assertFalse(self.sim_awbs(order))

        self.account.pickup_phone = "0744000333"
        with trap_jobs() as trap:
            picking.action_emag_fulfilment_retry()
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        self.assertEqual(len(self.sim_awbs(order)), 1)
        self.assertFalse(picking.activity_ids, "the to-do is closed by the retry")

    def test_awb_refused_for_a_stale_pickup_address_then_retried(self):
        """The pickup address chosen on the account was deleted on eMAG: eMAG
        refuses the AWB in its words, the warehouse is told, the address is
        fixed on the account and Retry issues the AWB."""
        stale = self.env["emag.pickup.address"].create(
            {
                "account_id": self.account.id,
                "emag_id": "999",
                "address_type": "2",
                "locality_id": self.account.pickup_address_id.locality_id,
                "street": "Depozit vechi 3",
            }
        )
        valid = self.account.pickup_address_id
        self.account.pickup_address_id = stale
        order, binding = self.imported_order()
        picking = self.delivery(binding)
        fulfilment = self.fulfil(picking)
        self.assertEqual(fulfilment.state, "failed")
        self.assertEqual(self.step_states(fulfilment)["awb"], "failed")
        self.assertIn(
            "sender.address_id 999 is not one of your saved addresses", fulfilment.message
        )
        self.assertEqual(len(picking.activity_ids), 1)
        self.assertFalse(self.sim_awbs(order))

        self.account.pickup_address_id = valid
        with trap_jobs() as trap:
            picking.action_emag_fulfilment_retry()
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        awbs = self.sim_awbs(order)
        self.assertEqual(len(awbs), 1)
        self.assertEqual(awbs[0]["sender"]["address_id"], valid.emag_id)
        self.assertEqual(picking.carrier_tracking_ref, awbs[0]["awb"][0]["awb_number"])

    def test_awb_found_after_a_worker_died_mid_call(self):
        """The request left, eMAG issued the AWB, the worker died before it
        could store the answer: the intent is all that remains."""
        order, binding = self.imported_order()
        picking = self.delivery(binding)
        with trap_jobs() as trap:
            fulfilment = self.validate(picking)
            self.run_one_step(trap)  # read_order
            self.run_one_step(trap)  # prepared
            lost = self.account._get_client().save_awb(
                {
                    "order_id": order["id"],
                    "sender": {"name": "SHOP SRL", "contact": "A V", "phone1": "0744000333",
                               "locality_id": self.account.pickup_address_id.locality_id,
                               "street": "Depozit 7"},
                    "receiver": {"name": "Client", "contact": "Client", "phone1": "0722000111",
                                 "locality_id": order["customer"]["shipping_locality_id"],
                                 "street": "Str. Client 1"},
                    "is_oversize": 0, "envelope_number": 0, "parcel_number": 1, "cod": 0,
                }
            )  # fmt: skip
            self.env["emag.awb.intent"].create({"fulfilment_id": fulfilment.id, "request": "{}"})
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        self.assertEqual(len(self.sim_awbs(order)), 1)
        self.assertEqual(fulfilment.awb_number, lost["awb"][0]["awb_number"])
        self.assertEqual(self.step_states(fulfilment)["awb"], "done")

    def test_resumes_after_interruption_without_repeating(self):
        """Each step is a job: a lost job is resumed by the watchdog, a job
        run twice does nothing twice."""
        order, binding = self.imported_order()
        picking = self.delivery(binding)
        self.sim.clear_received()
        with trap_jobs() as trap:
            fulfilment = self.validate(picking)
            for step in PIPELINE_STEPS:
                job = self.run_one_step(trap)
                self.assertEqual(self.step_states(fulfilment)[step], "done")
                if step == PIPELINE_STEPS[-1]:
                    break
                # The worker died between two steps and the queued one was lost.
                trap.enqueued_jobs.clear()
                self.env.cr.execute(
                    "UPDATE emag_fulfilment SET write_date = %s WHERE id = %s",
                    [fields.Datetime.now() - timedelta(hours=1), fulfilment.id],
                )
                self.env.invalidate_all()
                self.env["emag.fulfilment"]._cron_watch()
                self.assertEqual(len(trap.enqueued_jobs), 1, f"resumed after {step}")
            calls = len(self.sim.received())
            job.perform()  # the last job, run again by a worker that died before its end
            self.assertEqual(len(self.sim.received()), calls)
        self.env.invalidate_all()
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        for route in ("awb/save", "awb/read_pdf", "order/attachments/save"):
            self.assertEqual(self.calls(route), 1, route)
        self.assertEqual(len(fulfilment.invoice_id), 1)
        self.assertEqual(len(binding.sale_order_id.invoice_ids), 1)
        self.assertEqual(self.sim_order(order)["status"], 4)

    def test_step_that_lost_the_database_resumes(self):
        """PostgreSQL restarted under a running step (found by `make soak`): the
        job fails with a lost connection, nothing of it committed. queue_job's
        on-fail hook queues the step again, and so does the watchdog, instead of
        marking the delivery failed for a person; another error still stops it."""
        order, binding = self.imported_order()
        picking = self.delivery(binding)
        with trap_jobs() as trap:
            fulfilment = self.validate(picking)
            trap.enqueued_jobs.clear()
            fulfilment._emag_on_step_failed(exc_name="ValueError", exc_message="a bug")
            self.assertFalse(trap.enqueued_jobs, "a real error waits for a person")
            fulfilment._emag_on_step_failed(
                exc_name="psycopg2.OperationalError", exc_message="server closed the connection"
            )
            self.assertEqual(len(trap.enqueued_jobs), 1, "queued again by the on-fail hook")
            trap.enqueued_jobs.clear()
        lost = Job(fulfilment._emag_run_step, identity_key=f"emag-fulfilment:{fulfilment.id}")
        lost.set_failed(exc_name="psycopg2.InterfaceError", exc_message="cursor already closed")
        lost.store()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE emag_fulfilment SET write_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=1), fulfilment.id],
        )
        self.env.invalidate_all()
        with trap_jobs() as trap:
            self.env["emag.fulfilment"]._cron_watch()
            self.assertEqual(len(trap.enqueued_jobs), 1, "resumed by the watchdog")
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        self.assertEqual(self.sim_order(order)["status"], 4)

    def test_partial_delivery_invoices_what_it_shipped(self):
        """A split delivery gives one invoice per parcel, for what that parcel
        carried, whatever the products' invoicing policy; the voucher is
        shared by value, the shipping fee billed once, and the invoices add
        up to the order to the cent."""
        kettle, filters = self.products["KT-1700-INOX"], self.products["FLT-AC-2"]
        kettle.invoice_policy = "order"
        filters.invoice_policy = "delivery"
        order, binding = self.imported_order(
            lines=[{"product_id": 1001, "quantity": 3}, {"product_id": 1002, "quantity": 2}],
            voucher=True,
            shipping_tax="19.99",
        )
        sale_order = binding.sale_order_id
        voucher_line = sale_order.order_line.filtered(
            lambda line: (line.emag_voucher_key or "").startswith("product")
        )
        self.assertTrue(voucher_line, "the order carries a product voucher")
        picking = self.delivery(binding)
        with trap_jobs() as trap:
            for move in picking.move_ids:
                move.quantity = 2 if move.product_id == kettle else 1
            picking.move_ids.picked = True
            picking.with_context(skip_backorder=True).button_validate()
            first = picking.emag_fulfilment_id
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(first.state, "done", first.message)

        def quantities(invoice):
            return {
                line.product_id: line.quantity
                for line in invoice.invoice_line_ids
                if line.product_id in (kettle | filters)
            }

        first_invoice = first.invoice_id
        self.assertEqual(quantities(first_invoice), {kettle: 2, filters: 1})
        shipping = first_invoice.invoice_line_ids.filtered(
            lambda line: line.sale_line_ids.emag_voucher_key == "shipping"
        )
        self.assertEqual(len(shipping), 1, "the shipping fee goes with the first parcel")

        backorder = self.delivery(binding)
        self.assertEqual(backorder.backorder_id, picking)
        second = self.fulfil(backorder)
        self.assertEqual(second.state, "done", second.message)
        second_invoice = second.invoice_id
        self.assertNotEqual(second_invoice, first_invoice, "the backorder gets its own invoice")
        self.assertEqual(second_invoice.state, "posted")
        self.assertEqual(quantities(second_invoice), {kettle: 1, filters: 1})
        self.assertFalse(
            second_invoice.invoice_line_ids.filtered(
                lambda line: line.sale_line_ids.emag_voucher_key == "shipping"
            )
        )
        for invoice in first_invoice | second_invoice:
            voucher = invoice.invoice_line_ids.filtered(lambda x: x.sale_line_ids == voucher_line)
            self.assertLess(voucher.price_subtotal, 0, f"{invoice.name} carries its voucher share")
        self.assertAlmostEqual(
            first_invoice.amount_total + second_invoice.amount_total,
            float(gross_total(order)),
            places=2,
        )
        self.assertEqual(sale_order.invoice_status, "invoiced")
        self.assertEqual(voucher_line.qty_invoiced, 1)
        attached = [a["name"] for a in self.sim_order(order)["attachments"] if a["type"] == 1]
        self.assertEqual(sorted(attached), sorted([first_invoice.name, second_invoice.name]))
        awbs = self.sim_awbs(order)
        self.assertEqual(len(awbs), 2, "one AWB per parcel")
        self.assertEqual(
            sorted(awb["cod"] for awb in awbs),
            [0.0, float(gross_total(order))],
            "the first parcel collects what is owed, the second nothing more",
        )

    def test_step_runs_are_counted_once_per_step(self):
        _order, binding = self.imported_order()
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertEqual(set(fulfilment.step_ids.mapped("runs")), {1})
        self.assertEqual(fulfilment.step_ids.mapped("code"), list(fulfilment_pipeline.STEP_CODES))


@tagged("post_install", "-at_install")
class TestFulfilmentFbe(EmagFulfilmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account.fbe_warehouse_id = cls.fbe_warehouse

    def test_fbe_order_is_invoiced_and_attached_only(self):
        order, binding = self.imported_order(order_type=2, status=2)
        self.assertEqual(binding.order_type, "fbe")
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        states = self.step_states(fulfilment)
        for skipped in ("prepared", "awb", "label", "finalize"):
            self.assertEqual(states[skipped], "skipped")
        self.assertFalse(self.calls("awb/save"))
        self.assertFalse(self.calls("order/save"))
        self.assertEqual(fulfilment.invoice_id.state, "posted")
        attachments = [a for a in self.sim_order(order)["attachments"] if a["type"] == 1]
        self.assertEqual(len(attachments), 1)
        request = self.sim.received(route="order/attachments/save")[0].body["data"][0]
        self.assertEqual(request["order_type"], 2)
