"""eMAG's payments on the books: what eMAG cashed becomes payments on the
order's invoices through the account's clearing journal, refunds become
refund payments on its credit notes, and money that does not come shows in
the exception report. Everything goes through the order poll, over loopback
HTTP to the simulator."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..services.operations import exception_report
from .money_common import KETTLE, EmagMoneyCase
from .order_common import USERNAME

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - the shared virtualenv has it
    given = None


@tagged("post_install", "-at_install")
class TestMoneyPayments(EmagMoneyCase):
    # ------------------------------------------------------------------ cards

    def test_card_order_is_paid_through_the_clearing_journal_once(self):
        order, binding, invoice = self.order(payment_mode_id=3)
        self.assertEqual(binding.emag_payment_mode, "card")
        self.assertTrue(binding.emag_paid)
        self.assertAlmostEqual(binding.emag_cashed, invoice.amount_total)
        payment = self.payments(binding)
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.journal_id, self.account.money_journal_id)
        self.assertEqual(payment.emag_document_id, invoice)
        self.assertAlmostEqual(payment.amount, invoice.amount_total)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # The money now sits on what eMAG owes the seller.
        clearing = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == self.account.money_clearing_account_id
        )
        self.assertAlmostEqual(clearing.debit, invoice.amount_total)
        self.assertIn("clearing", self.account.money_journal_id.name)
        # The same order read again (another change on eMAG) registers nothing twice.
        self.sim.set_order_status(USERNAME, order["id"], 4)
        self.poll()
        self.assertEqual(self.payments(binding), payment)
        self.assertEqual(len(binding.emag_payment_ids), 1)

    def test_payment_reported_before_the_invoice_is_registered_when_it_is_posted(self):
        order = self.create_order(lines=KETTLE, payment_mode_id=3, shipping_tax=0, voucher=False)
        self.poll()
        binding = self.binding(order)
        self.assertFalse(binding.emag_payment_ids)
        sale_order = binding.sale_order_id
        with trap_jobs() as trap:
            delivery = sale_order.picking_ids
            delivery.move_ids.quantity = 2
            delivery.move_ids.picked = True
            delivery._action_done()
            invoice = sale_order._create_invoices()
            invoice.action_post()
            self.run_emag_jobs(trap)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))

    # -------------------------------------------------------------------- COD

    def test_cod_partial_stays_partial_and_a_changed_amount_is_corrected(self):
        order, binding, invoice = self.order(payment_mode_id=1)
        self.assertEqual(binding.emag_payment_mode, "cod")
        self.assertFalse(binding.emag_payment_ids)
        self.assertAlmostEqual(invoice.amount_residual, 200.0)

        self.paid_on_emag(order, amount=120.0)
        self.assertAlmostEqual(invoice.amount_residual, 80.0)
        self.assertEqual(invoice.payment_state, "partial")
        first = self.payments(binding)
        self.assertAlmostEqual(first.amount, 120.0)

        self.paid_on_emag(order, amount=200.0)
        current = self.payments(binding)
        self.assertEqual(len(current), 1, "corrected, not added to")
        self.assertAlmostEqual(current.amount, 200.0)
        self.assertEqual(first.state, "canceled")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertAlmostEqual(binding.money_registered_cashed, 200.0)

    def test_cod_cashed_as_time_goes_by_on_emag(self):
        order, binding, invoice = self.order(payment_mode_id=1)
        self.sim.set_order_status(USERNAME, order["id"], 4)
        # The courier has not handed the cash over yet.
        self.assertEqual(self.sim.settle_money(USERNAME, cod_after_days=1), [])
        # It has: only the finalized order is cashed, and its ``modified`` moves.
        before = self.sim_order(order)["modified"]
        waiting = self.create_order(lines=KETTLE, payment_mode_id=1)  # not delivered yet
        changed = self.sim.settle_money(USERNAME, cod_after_days=0)
        self.assertIn(order["id"], changed)
        self.assertNotIn(waiting["id"], changed)
        self.assertGreaterEqual(self.sim_order(order)["modified"], before)
        self.poll()
        self.assertTrue(binding.emag_paid)
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertFalse(self.binding(waiting).emag_paid)

    # ---------------------------------------------------------------- refunds

    def test_refund_is_a_refund_payment_on_the_credit_note(self):
        order, binding, invoice = self.order(payment_mode_id=3)
        self.sim.set_order_status(USERNAME, order["id"], 4)
        self.poll()
        rma_order = self.sim_order(order)
        self.open_return(rma_order, {1001: 1})
        rma = self.read_returns()
        self.receive(rma)
        credit_note = rma.credit_note_id
        self.assertEqual(credit_note.state, "posted")
        # eMAG pays the customer back: the refund waits for no credit note now.
        self.sim.refund_order(USERNAME, order["id"], credit_note.amount_total)
        self.poll()
        refund = self.payments(binding, "refund")
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.payment_type, "outbound")
        self.assertEqual(refund.emag_document_id, credit_note)
        self.assertTrue(credit_note.currency_id.is_zero(credit_note.amount_residual))
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.poll()
        self.assertEqual(self.payments(binding, "refund"), refund)

    # ------------------------------------------------------ exception report

    def test_money_that_never_comes_is_in_the_exception_report_with_its_age(self):
        order, binding, _invoice = self.order(payment_mode_id=1)
        self.sim.set_order_status(USERNAME, order["id"], 4)
        self.poll()
        finalized = binding.emag_finalized_at
        self.assertTrue(finalized)

        def uncashed(now):
            return [
                line
                for line in exception_report.collect(self.env, self.account, now=now)
                if line.kind == "money_uncashed" and line.record == binding
            ]

        self.assertFalse(uncashed(finalized + timedelta(days=9)))
        [line] = uncashed(finalized + timedelta(days=12))
        self.assertIn("12 days", line.message)
        self.assertEqual(line.since, finalized)
        self.paid_on_emag(order)
        self.assertFalse(uncashed(finalized + timedelta(days=12)))

    def test_card_order_not_paid_is_reported(self):
        order = self.create_order(lines=KETTLE, payment_mode_id=3)
        # The card was not charged: eMAG shows the order unpaid.
        raw = dict(self.sim_order(order), payment_status=0, cashed_co=None)
        binding = self.import_payload(raw)
        self.assertFalse(binding.emag_paid)
        lines = exception_report.collect(
            self.env, self.account, now=fields.Datetime.now() + timedelta(days=3)
        )
        self.assertIn(binding, [line.record for line in lines if line.kind == "money_uncashed"])

    # ------------------------------------------------------------- generated

    def test_any_sequence_of_payment_changes_ends_with_the_last_figure(self):
        if given is None:
            self.skipTest("hypothesis not available")

        @settings(
            max_examples=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(st.lists(st.integers(min_value=0, max_value=250), min_size=1, max_size=3))
        def check(amounts):
            with self.env.cr.savepoint() as savepoint:
                order, binding, invoice = self.order(payment_mode_id=1)
                for amount in amounts:
                    self.paid_on_emag(order, amount=amount)
                # More than the invoice stays with eMAG's figure, not on the invoice.
                registered = min(amounts[-1], invoice.amount_total)
                self.assertAlmostEqual(invoice.amount_residual, invoice.amount_total - registered)
                self.assertAlmostEqual(sum(self.payments(binding).mapped("amount")), registered)
                self.assertEqual(len(self.payments(binding)), 1 if registered else 0)
                savepoint.rollback()
            self.env.invalidate_all()

        check()
