# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""eMAG returns with e-Factura: the credit note of what came back goes to the
ANAF simulator, and reaches the eMAG order only once ANAF accepted it; the
eMAG order is updated on the simulator (returned, or a partial storno)."""

from lxml import etree

from odoo.tests import tagged

from odoo.addons.emag_connector.services.returns import status as rma_status
from odoo.addons.emag_connector.tests.rma_common import EmagRmaCase
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.tests.common import trap_jobs

from .common import EfacturaBridgeCase
from .emag_common import EmagSellerGroupsMixin


@tagged("post_install", "-at_install")
class TestEmagReturnCreditNote(EmagSellerGroupsMixin, EmagRmaCase, EfacturaBridgeCase):
    def shipped_and_accepted(self, lines):
        """An order shipped and invoiced, its invoice accepted by ANAF; from
        then on the account sends to ANAF on posting and attaches to eMAG
        only what ANAF accepted."""
        self.account.write({"efactura_submit": False, "efactura_attach_policy": "posted"})
        order, sale_order, invoice = self.shipped_order(lines)
        self._send(invoice)
        self._assert_accepted(invoice)
        self.account.write({"efactura_submit": True, "efactura_attach_policy": "accepted"})
        return order, sale_order, invoice

    def run_connector_jobs(self, trap, rounds=10):
        """The connector's jobs only, as long as they make progress (a credit
        note waiting for ANAF keeps its attachment job retrying)."""
        for _round in range(rounds):
            jobs = [job for job in trap.enqueued_jobs if job.method_name.startswith("_emag")]
            if not jobs:
                return
            trap.enqueued_jobs = [job for job in trap.enqueued_jobs if job not in jobs]
            for job in jobs:
                try:
                    with self.env.cr.savepoint():
                        job.perform()
                except RetryableJobError:
                    trap.enqueued_jobs.append(job)
            self.env.invalidate_all()

    def run_all_jobs(self, trap, rounds=20):
        """Every queued job (connector's and e-Factura's) until none is left."""
        for _round in range(rounds):
            jobs, trap.enqueued_jobs = trap.enqueued_jobs, []
            if not jobs:
                return
            for job in jobs:
                try:
                    with self.env.cr.savepoint():
                        job.perform()
                except RetryableJobError:
                    trap.enqueued_jobs.append(job)
            self.simulator.wait_idle()
            self.env.invalidate_all()
        self.fail(f"jobs still queued after {rounds} rounds: {trap.enqueued_jobs}")

    def validate_return(self, rma):
        picking = rma.return_picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()

    def credit_note_attachments(self, order, credit_note):
        return [
            a
            for a in self.sim_order(order)["attachments"]
            if a["type"] == 1 and credit_note.name in a["name"]
        ]

    def test_full_return_credit_note_accepted_then_attached(self):
        order, sale_order, invoice = self.shipped_and_accepted(
            [{"product_id": 1001, "quantity": 2}]
        )
        sim_rma = self.open_return(order, {1001: 2})
        rma = self.read_returns()
        self.assertEqual(rma.state, "imported", rma.message)

        with trap_jobs() as trap:
            self.validate_return(rma)
            self.run_connector_jobs(trap)
            credit_note = rma.credit_note_id
            self.assertEqual(credit_note.state, "posted")
            self.assertEqual(credit_note.l10n_ro_efb_state, "to_send", "queued for ANAF on posting")
            self.assertFalse(rma.credit_note_attached)
            self.assertFalse(
                self.credit_note_attachments(order, credit_note), "held until ANAF accepts"
            )
            # The eMAG side does not wait for ANAF: the order is returned, the return closed.
            self.assertEqual(self.sim_order(order)["status"], 5)
            self.assertEqual(rma.order_update, "returned")

            self.run_all_jobs(trap)

        self._assert_accepted(credit_note)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertAlmostEqual(credit_note.amount_total, invoice.amount_total, places=2)
        xml = self._uploaded_xml(credit_note)
        self.assertEqual(etree.QName(xml).localname, "CreditNote")
        self.assertEqual(
            self._text(xml, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
            invoice.name,
        )
        attached = self.credit_note_attachments(order, credit_note)
        self.assertEqual(len(attached), 1)
        self.assertTrue(rma.credit_note_attached)
        token = attached[0]["url"].rsplit("/", 1)[1].removesuffix(".pdf")
        link = self.env["emag.document.link"]._resolve(token)
        self.assertEqual(link.attachment_id.res_id, credit_note.id)
        self.assertEqual(self.sim_rma(sim_rma)["request_status"], rma_status.FINALIZED)
        self.assertEqual(sale_order.emag_order_id.emag_status, "5")

    def test_partial_return_storno_and_credit_note_accepted(self):
        order, _sale_order, invoice = self.shipped_and_accepted(
            [{"product_id": 1001, "quantity": 2}, {"product_id": 1002, "quantity": 1}]
        )
        self.open_return(order, {1001: 1})
        rma = self.read_returns()
        with trap_jobs() as trap:
            self.validate_return(rma)
            self.run_all_jobs(trap)

        credit_note = rma.credit_note_id
        self._assert_accepted(credit_note)
        kettle = self.products["KT-1700-INOX"]
        self.assertEqual(credit_note.invoice_line_ids.product_id, kettle)
        self.assertEqual(credit_note.invoice_line_ids.quantity, 1)
        xml = self._uploaded_xml(credit_note)
        self.assertEqual(float(self._text(xml, "cac:CreditNoteLine/cbc:CreditedQuantity")), 1)
        # The simulator validated and applied the storno: one unit less, flagged storno.
        emag_order = self.sim_order(order)
        self.assertEqual(emag_order["status"], 4)
        self.assertTrue(emag_order["is_storno"])
        lines = {line["product_id"]: line for line in emag_order["products"]}
        self.assertEqual((lines[1001]["quantity"], lines[1001]["storno_qty"]), (1, 1))
        self.assertEqual(lines[1002]["quantity"], 1)
        self.assertEqual(rma.order_update, "storno")
        self.assertEqual(len(self.credit_note_attachments(order, credit_note)), 1)
        self.assertLess(credit_note.amount_total, invoice.amount_total)
