import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..services.returns import status as rma_status
from .common import install_language
from .order_common import USERNAME
from .rma_common import EmagRmaCase


@tagged("post_install", "-at_install")
class TestRmaFlow(EmagRmaCase):
    def test_full_return(self):
        """Everything comes back: the stock is back, a posted credit note
        cancels the invoice, the eMAG order is returned (5) and the return
        closed on eMAG with the credit note attached to the order."""
        order, sale_order, invoice = self.shipped_order([{"product_id": 1001, "quantity": 2}])
        product = self.products["KT-1700-INOX"]
        stock_before = self.stock(product)
        sim_rma = self.open_return(order, {1001: 2})

        rma = self.read_returns()
        self.assertEqual(rma.state, "imported", rma.message)
        self.assertEqual(rma.sale_order_id, sale_order)
        self.assertEqual(
            rma.delivery_picking_ids,
            sale_order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing"),
        )
        self.assertEqual(rma.line_ids.product_id, product)
        self.assertEqual(rma.return_reason_label, "Defective or incomplete product")
        picking = rma.return_picking_ids
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(picking.move_ids.product_uom_qty, 2)
        self.assertEqual(picking.emag_return_reason, "Defective or incomplete product")
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.ACKNOWLEDGED)
        self.assertEqual(sale_order.emag_rma_count, 1)

        self.receive(rma)
        self.assertEqual(self.stock(product), stock_before + 2)
        credit_note = rma.credit_note_id
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.ref, f"eMAG return {rma.emag_id}: refund")
        self.assertAlmostEqual(credit_note.amount_total, invoice.amount_total, places=2)
        emag_order = self.sim_order(order)
        self.assertEqual(emag_order["status"], 5)
        self.assertEqual(rma.order_update, "returned")
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)
        self.assertEqual(rma.emag_status, str(rma_status.FINALIZED))
        self.assertTrue(rma.credit_note_attached)
        attached = [
            a for a in emag_order["attachments"] if a["type"] == 1 and credit_note.name in a["name"]
        ]
        self.assertEqual(len(attached), 1)
        self.assertIn("/emag/document/", attached[0]["url"])
        self.assertEqual(sale_order.order_line.filtered("emag_line_id").qty_delivered, 0)

    def test_partial_return(self):
        """One of two lines comes back in part: a credit note for that quantity
        only, and a partial storno the simulator accepts (quantity reduced,
        is_storno) on the finalized order."""
        order, sale_order, invoice = self.shipped_order(
            [{"product_id": 1001, "quantity": 2}, {"product_id": 1002, "quantity": 1}]
        )
        sim_rma = self.open_return(order, {1001: 1})
        rma = self.read_returns()
        self.receive(rma)

        credit_note = rma.credit_note_id
        self.assertEqual(credit_note.state, "posted")
        kettle = self.products["KT-1700-INOX"]
        self.assertEqual(credit_note.invoice_line_ids.product_id, kettle)
        self.assertEqual(credit_note.invoice_line_ids.quantity, 1)
        kettle_line = invoice.invoice_line_ids.filtered(lambda line: line.product_id == kettle)
        self.assertAlmostEqual(credit_note.amount_total, kettle_line.price_total / 2, places=2)
        emag_order = self.sim_order(order)
        self.assertEqual(emag_order["status"], 4)
        self.assertTrue(emag_order["is_storno"])
        lines = {line["product_id"]: line for line in emag_order["products"]}
        self.assertEqual((lines[1001]["quantity"], lines[1001]["storno_qty"]), (1, 1))
        self.assertEqual(lines[1002]["quantity"], 1)
        self.assertEqual(rma.order_update, "storno")
        storno_calls = [
            r for r in self.sim.received(route="order/save") if r.body["data"][0].get("is_storno")
        ]
        self.assertEqual(len(storno_calls), 1)
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)

        # Our own storno is a return, not an edit of a shipped order: the next
        # poll reads the lowered quantity and leaves the order as it is.
        self.poll()
        binding = sale_order.emag_order_id
        self.assertEqual(binding.state, "imported", binding.message)
        self.assertEqual(
            sale_order.order_line.filtered("emag_line_id").mapped("product_uom_qty"), [2.0, 1.0]
        )

    def test_two_returns_on_one_order(self):
        """Two returns take the whole order back: the first is a storno, the
        second marks the order returned, and the two credit notes add up to
        the invoice."""
        order, sale_order, invoice = self.shipped_order(
            [{"product_id": 1001, "quantity": 1}, {"product_id": 1002, "quantity": 1}]
        )
        first = self.open_return(order, {1001: 1})
        self.receive(self.read_returns())
        self.assertEqual(self.sim_order(order)["status"], 4)

        second = self.open_return(order, {1002: 1})
        self.read_returns()
        rma = self.rma(second)
        self.assertEqual(rma.state, "imported", rma.message)
        self.receive(rma)

        rmas = self.rma(first) | rma
        self.assertEqual(rmas.mapped("order_update"), ["storno", "returned"])
        self.assertEqual(self.sim_order(order)["status"], 5)
        credited = sum(rmas.credit_note_id.mapped("amount_total"))
        self.assertAlmostEqual(credited, invoice.amount_total, places=2)
        for sim_rma in (first, second):
            self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)

    def test_returns_with_voucher_and_shipping_leave_nothing_to_invoice(self):
        """A voucher and a shipping fee are shared by the credit notes (the
        voucher in proportion, the shipping with the last one) without making
        the sale order "to invoice" again: they were invoiced once, for good."""
        order, sale_order, invoice = self.shipped_order(
            [{"product_id": 1001, "quantity": 2}, {"product_id": 1002, "quantity": 1}],
            voucher=True,
            shipping_tax="15.99",
        )
        self.assertTrue(invoice.invoice_line_ids.sale_line_ids.filtered("emag_voucher_key"))
        self.assertEqual(sale_order.invoice_status, "invoiced")

        first = self.open_return(order, {1001: 1})
        self.receive(self.read_returns())
        self.env.invalidate_all()
        self.assertNothingToInvoice(sale_order)
        first_note = self.rma(first).credit_note_id
        self.assertEqual(first_note.state, "posted")
        kettle = self.products["KT-1700-INOX"]
        kettle_line = invoice.invoice_line_ids.filtered(lambda line: line.product_id == kettle)
        # The customer paid less thanks to the voucher. eMAG put all of it on
        # the kettles' line (product_voucher_split): one of the two kettles
        # takes half of it back, not a share of all the goods (100 of 250).
        split = [
            part
            for line in order["products"]
            for part in line["product_voucher_split"]
            if line["product_id"] == 1001
        ]
        self.assertTrue(split, "the simulator splits the voucher onto the first line")
        voucher = invoice.invoice_line_ids.filtered(lambda line: line.price_total < 0)
        self.assertAlmostEqual(
            first_note.amount_total,
            kettle_line.price_total / 2 + voucher.price_total / 2,
            places=2,
        )

        second = self.open_return(order, {1001: 1, 1002: 1})
        self.read_returns()
        self.receive(self.rma(second))
        self.env.invalidate_all()
        self.assertNothingToInvoice(sale_order)
        notes = (self.rma(first) | self.rma(second)).credit_note_id
        self.assertAlmostEqual(sum(notes.mapped("amount_total")), invoice.amount_total, places=2)

    def test_voucher_of_another_line_is_not_refunded(self):
        """eMAG split the voucher onto the kettles' line only: returning the
        filter credits the filter, none of the voucher."""
        order, _sale_order, invoice = self.shipped_order(
            [{"product_id": 1001, "quantity": 2}, {"product_id": 1002, "quantity": 1}],
            voucher=True,
        )
        sim_rma = self.open_return(order, {1002: 1})
        self.read_returns()
        self.receive(self.rma(sim_rma))
        credit_note = self.rma(sim_rma).credit_note_id
        filter_line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.products["FLT-AC-2"]
        )
        self.assertEqual(credit_note.invoice_line_ids.product_id, self.products["FLT-AC-2"])
        self.assertAlmostEqual(credit_note.amount_total, filter_line.price_total, places=2)

    def assertNothingToInvoice(self, sale_order):
        self.assertNotEqual(sale_order.invoice_status, "to invoice")
        self.assertEqual(sale_order.order_line.mapped("qty_to_invoice"), [0.0] * 4)

    def test_quantity_above_delivered_waits_in_exception(self):
        again = self.return_asking_too_much()
        rma = self.rma(again)
        self.assertEqual(rma.state, "exception")
        self.assertIn("only 0 were delivered and not already returned", rma.message)
        self.assertFalse(rma.return_picking_ids)
        self.assertEqual(self.sim_rma(again)["request_status"], rma_status.NEW)

        # Retry reads the return again: eMAG still asks for more than was
        # delivered, so it stays in exception with its message (it used to go
        # back to "imported" with nothing done).
        with trap_jobs() as trap:
            rma.action_retry()
            self.assertEqual(rma.state, "exception", "the click itself changes nothing")
            self.run_emag_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(rma.state, "exception")
        self.assertIn("only 0 were delivered and not already returned", rma.message)
        self.assertFalse(rma.return_picking_ids)

    def test_receipt_exception_leaves_once_the_step_passes(self):
        """The credit note cannot be made without a posted invoice: the return
        waits in exception through polls and retries, and leaves it when Retry
        finds the invoice posted again."""
        order, _sale_order, invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        sim_rma = self.open_return(order, {1001: 1})
        rma = self.read_returns()
        invoice.button_draft()
        self.receive(rma)
        self.assertEqual(rma.state, "exception")
        self.assertIn("No posted invoice", rma.message)
        self.read_returns()  # a return in exception is read again: that fixes nothing
        self.assertEqual(rma.state, "exception")
        self.assertIn("No posted invoice", rma.message)
        with trap_jobs() as trap:
            rma.action_retry()
            self.run_emag_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(rma.state, "exception", "still no posted invoice")

        invoice.action_post()
        with trap_jobs() as trap:
            rma.action_retry()
            self.run_emag_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(rma.state, "imported", rma.message)
        self.assertFalse(rma.message)
        self.assertEqual(rma.credit_note_id.state, "posted")
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)

    def test_problem_and_reason_read_in_the_reader_language(self):
        """The return is read by a job in English; a Romanian user reads it in Romanian."""
        install_language(self.env, "ro_RO")
        rma = self.rma(self.return_asking_too_much())
        self.assertEqual(rma.state, "exception")
        english, romanian = rma.with_context(lang="en_US"), rma.with_context(lang="ro_RO")
        self.assertIn("but only 0 were delivered and not already returned", english.message)
        self.assertIn("dar doar 0 au fost livrate și nu au fost deja returnate", romanian.message)
        self.assertEqual(english.return_reason_label, "Defective or incomplete product")
        self.assertEqual(romanian.return_reason_label, "Produs defect sau incomplet")
        self.assertEqual(romanian.line_ids.return_reason_label, "Produs defect sau incomplet")
        # Next action's own words replace the problem in every language.
        rma.write({"message": "Read again."})
        self.assertEqual(romanian.message, "Read again.")

    def test_unknown_order_waits_in_exception_then_retries(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}], voucher=False)
        self.sim.set_order_status(USERNAME, order["id"], 4)
        sim_rma = self.open_return(self.sim_order(order), {1001: 1})
        with trap_jobs() as trap:
            self.account._emag_import_rma(str(sim_rma["emag_id"]))
            queued = [job.method_name for job in trap.enqueued_jobs]
        rma = self.rma(sim_rma)
        self.assertEqual(rma.state, "exception")
        self.assertIn(f"eMAG order {order['id']} of this return is not in Odoo", rma.message)
        self.assertIn("_emag_import_order", queued)

    def test_fbe_return_is_information_only(self):
        self.account.fbe_warehouse_id = self.fbe_warehouse
        order = self.create_order(
            lines=[{"product_id": 1001, "quantity": 1}], order_type=2, voucher=False
        )
        self.sim.set_order_status(USERNAME, order["id"], 4)
        self.open_return(self.sim_order(order), {1001: 1})
        self.sim.clear_received()
        rma = self.read_returns()
        self.assertEqual(rma.rma_type, "fbe")
        self.assertEqual(rma.state, "imported")
        self.assertFalse(rma.return_picking_ids)
        self.assertFalse(self.sim.received(route="rma/save"))

    def test_import_is_idempotent(self):
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 2}])
        sim_rma = self.open_return(order, {1001: 2})
        self.read_returns()
        self.read_returns()  # the acknowledgement changed the return on eMAG
        with trap_jobs() as trap:
            self.account._emag_poll_returns()
            self.assertFalse(trap.enqueued_jobs, "an unchanged return is not imported again")
            self.account._emag_import_rma(str(sim_rma["emag_id"]))
            self.account._emag_import_rma(str(sim_rma["emag_id"]))
        rma = self.rma(sim_rma)
        self.assertEqual(len(rma), 1)
        self.assertEqual(len(rma.return_picking_ids), 1)

    def test_canceled_on_emag_cancels_the_return_picking(self):
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        sim_rma = self.open_return(order, {1001: 1})
        rma = self.read_returns()
        self.sim.set_return_status(USERNAME, sim_rma["emag_id"], rma_status.CANCELED)
        self.read_returns()
        self.assertEqual(rma.emag_status, str(rma_status.CANCELED))
        self.assertEqual(rma.return_picking_ids.state, "cancel")

    def test_unknown_finalization_time_is_declined_not_a_crash(self):
        """eMAG shows the finalized order without its finalization time: the
        4 -> 5 window cannot be checked, so the order is not marked returned
        and a person is told why; the return itself reaches its end."""
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        self.sim.forget_finalization_date(USERNAME, order["id"])
        self.poll()
        sim_rma = self.open_return(order, {1001: 1})
        rma = self.read_returns()
        self.assertFalse(rma.emag_order_id.emag_finalized_at)
        self.receive(rma)
        self.assertEqual(rma.state, "imported", rma.message)
        self.assertEqual(rma.order_update, "flagged")
        self.assertIn("finalization time of the order is unknown", rma.activity_ids.note)
        self.assertEqual(self.sim_order(order)["status"], 4)
        self.assertEqual(rma.credit_note_id.state, "posted")
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)

    def test_finalization_time_is_read_again_from_emag(self):
        """Odoo lost the finalization time but eMAG has it: the order step
        reads it with the order and marks the order returned."""
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        self.open_return(order, {1001: 1})
        rma = self.read_returns()
        rma.emag_order_id.emag_finalized_at = False
        self.receive(rma)
        self.assertEqual(rma.order_update, "returned")
        self.assertTrue(rma.emag_order_id.emag_finalized_at)
        self.assertEqual(self.sim_order(order)["status"], 5)

    def test_stock_user_without_emag_rights_receives_a_return(self):
        """Warehouse staff validate return pickings without any eMAG right;
        the returns flow goes on as the connector."""
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        sim_rma = self.open_return(order, {1001: 1})
        rma = self.read_returns()
        storekeeper = new_test_user(
            self.env, login="rma_storekeeper", groups="base.group_user,stock.group_stock_user"
        )
        self.assertFalse(storekeeper.has_group("emag_connector.group_emag_user"))
        self.receive(rma, user=storekeeper)
        self.assertEqual(rma.return_picking_ids.state, "done")
        self.assertEqual(rma.state, "imported", rma.message)
        self.assertEqual(rma.credit_note_id.state, "posted")
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)

    def test_returned_window_passed_is_flagged(self):
        """Everything came back after eMAG's return window: the order is not
        touched on eMAG, a person is asked to settle it; the return is closed."""
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        sim_rma = self.open_return(order, {1001: 1})
        rma = self.read_returns()
        rma.emag_order_id.emag_finalized_at = rma.emag_order_id.emag_finalized_at.replace(
            year=rma.emag_order_id.emag_finalized_at.year - 1
        )
        self.receive(rma)
        self.assertEqual(rma.order_update, "flagged")
        self.assertEqual(self.sim_order(order)["status"], 4)
        self.assertTrue(rma.activity_ids)
        self.assertEqual(rma.credit_note_id.state, "posted")
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)


@tagged("post_install", "-at_install")
class TestRmaPolling(EmagRmaCase):
    def test_each_account_has_its_returns_cron(self):
        cron = self.account.rma_cron_id
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (30, "minutes"))
        self.account.rma_poll_interval = 120
        self.assertEqual(cron.interval_number, 120)
        other = self.env["emag.account"].create({"name": "eMAG HU test", "platform": "emag_hu"})
        self.assertNotEqual(other.rma_cron_id, cron)
        other.active = False
        self.assertFalse(other.rma_cron_id.active)
        self.assertTrue(cron.active, "pausing one account leaves the others polling")
        with trap_jobs() as trap:
            cron.ir_actions_server_id.run()
            trap.assert_jobs_count(1, only=self.account._emag_poll_returns)
            self.assertEqual(trap.enqueued_jobs[0].recordset, self.account)

    def test_upgrade_replaces_the_former_global_returns_cron(self):
        """A database installed before the returns cron of each account: the
        global one goes, every account gets its own."""
        former = self.env["ir.cron"].create(
            {
                "name": "eMAG: read returns",
                "model_id": self.env["ir.model"]._get_id("emag.account"),
                "state": "code",
                "code": "model._cron_poll_returns()",
                "interval_number": 30,
                "interval_type": "minutes",
            }
        )
        self.env["ir.model.data"].create(
            {
                "module": "emag_connector",
                "name": "ir_cron_emag_poll_returns",
                "model": "ir.cron",
                "res_id": former.id,
                "noupdate": True,
            }
        )
        own = self.account.rma_cron_id
        self.account.rma_cron_id = False
        own.unlink()
        path = Path(__file__).parents[1] / "migrations" / "19.0.1.1.0" / "post-migration.py"
        spec = importlib.util.spec_from_file_location("emag_post_migration_19_0_1_1_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "19.0.1.0.0")
        self.env.invalidate_all()
        self.assertFalse(former.exists())
        self.assertFalse(self.env.ref("emag_connector.ir_cron_emag_poll_returns", False))
        self.assertTrue(self.account.rma_cron_id.active)
        self.assertIn(f"browse({self.account.id})", self.account.rma_cron_id.code)

    def test_poll_reads_back_to_the_checkpoint_after_an_outage(self):
        """A poll moves the account's checkpoint; after an outage longer than
        the look-back period the next one reads back to it."""
        now = fields.Datetime.now()
        self.account.rma_checkpoint = now - timedelta(days=90)
        self.sim.clear_received()
        self.read_returns()
        starts = sorted(r.body["date_start"] for r in self.sim.received(route="rma/read"))
        self.assertTrue(starts)
        self.assertLessEqual(starts[0], fields.Datetime.to_string(now - timedelta(days=89)))
        self.assertGreaterEqual(self.account.rma_checkpoint, now)

        self.sim.clear_received()
        self.read_returns()
        starts = sorted(r.body["date_start"] for r in self.sim.received(route="rma/read"))
        lookback = now - timedelta(days=self.account.rma_lookback_days + 1)
        self.assertGreaterEqual(starts[0], fields.Datetime.to_string(lookback))


@tagged("post_install", "-at_install")
class TestRmaExchange(EmagRmaCase):
    """Return types 1 and 2: the customer gets goods, not money."""

    def assertNothingRefunded(self, order, rma, sale_order):
        self.assertFalse(rma.credit_note_id)
        self.assertFalse(sale_order.invoice_ids.filtered(lambda m: m.move_type == "out_refund"))
        self.assertFalse(rma.order_update)
        emag_order = self.sim_order(order)
        self.assertEqual(emag_order["status"], 4, "not returned (5): eMAG would refund")
        self.assertFalse(emag_order.get("is_storno"))
        self.assertFalse(
            [
                r
                for r in self.sim.received(route="order/save")
                if r.body["data"][0]["id"] == order["id"]
            ]
        )

    def assertShippedWithTheReturn(self, rma, sim_rma):
        replacement = rma.replacement_picking_ids
        self.assertEqual(replacement.state, "done")
        self.assertFalse(replacement.emag_fulfilment_id, "no invoice, no order AWB")
        self.assertTrue(rma.replacement_awb_number)
        self.assertEqual(replacement.carrier_tracking_ref, rma.replacement_awb_number)
        requests = [r.body["data"][0] for r in self.sim.received(route="awb/save")]
        ours = [r for r in requests if r.get("rma_id") == int(rma.emag_id)]
        self.assertEqual(len(ours), 1, "one AWB, under the return")
        self.assertEqual(ours[0]["receiver"]["name"], rma.customer_name)
        self.assertEqual(ours[0]["sender"]["address_id"], self.account.pickup_address_id.emag_id)
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)
        self.assertEqual(rma.state, "imported", rma.message)

    def test_exchange_for_the_same_product(self):
        order, sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 2}])
        self.sim.clear_received()
        kettle = self.products["KT-1700-INOX"]
        sim_rma = self.open_return(order, {1001: 1}, return_type=1)
        rma = self.read_returns()
        self.assertEqual(rma.return_type, "1")
        stock_before = self.stock(kettle)

        self.receive(rma)
        self.assertEqual(self.stock(kettle), stock_before + 1)
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.RECEIVED)
        replacement = rma.replacement_picking_ids
        self.assertEqual(replacement.picking_type_code, "outgoing")
        self.assertEqual(replacement.move_ids.product_id, kettle)
        self.assertEqual(replacement.move_ids.product_uom_qty, 1)
        self.assertEqual(replacement.partner_id, sale_order.partner_shipping_id)
        self.assertNothingRefunded(order, rma, sale_order)

        self.ship_replacement(rma)
        self.assertShippedWithTheReturn(rma, sim_rma)
        self.assertNothingRefunded(order, rma, sale_order)
        self.assertEqual(self.stock(kettle), stock_before)
        kettle_line = sale_order.order_line.filtered("emag_line_id")
        self.assertEqual(kettle_line.qty_delivered, 2, "delivered again, invoiced once")
        self.assertEqual(kettle_line.qty_to_invoice, 0)

    def test_exchange_for_another_product(self):
        order, sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        self.sim.clear_received()
        filter_product = self.products["FLT-AC-2"]
        offer = self.env["emag.offer"].create(
            {"account_id": self.account.id, "product_id": filter_product.id}
        )
        offer.seller_product_id = 1002
        sim_rma = self.open_return(
            order, {1001: 1}, return_type=2, replacement={"product_id": 1002, "quantity": 2}
        )
        rma = self.read_returns()
        self.assertEqual((rma.replacement_offer_id, rma.replacement_quantity), ("1002", 2))

        self.receive(rma)
        replacement = rma.replacement_picking_ids
        self.assertEqual(replacement.move_ids.product_id, filter_product)
        self.assertEqual(replacement.move_ids.product_uom_qty, 2)
        self.ship_replacement(rma)
        self.assertShippedWithTheReturn(rma, sim_rma)
        self.assertNothingRefunded(order, rma, sale_order)

    def test_unknown_replacement_product_waits_in_exception(self):
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        sim_rma = self.open_return(
            order, {1001: 1}, return_type=2, replacement={"product_id": 1003, "quantity": 1}
        )
        rma = self.read_returns()
        self.receive(rma)
        self.assertEqual(rma.state, "exception")
        self.assertIn("eMAG offer 1003", rma.message)
        self.assertFalse(rma.replacement_picking_ids)
        self.assertFalse(rma.credit_note_id)
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.RECEIVED)
