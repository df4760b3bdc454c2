"""The payout: cashed by eMAG − refunds − eMAG's invoices, with the documents
behind each figure, and eMAG's bank transfer reconciled with it in one click,
to the cent, or refused with the difference."""

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .money_common import EmagMoneyCase
from .order_common import USERNAME

COMMISSION = [
    {"product_name": "Comision vanzari", "quantity": 1, "unit_price": 33.33, "vat_rate": 21}
]


@tagged("post_install", "-at_install")
class TestMoneyPayout(EmagMoneyCase):
    def setUp(self):
        super().setUp()
        self.bank = self.env["account.journal"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("type", "=", "bank"),
                ("code", "not like", "EM%"),
            ],
            limit=1,
        )

    def bank_line(self, amount, label="eMAG payout"):
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank.id,
                "date": fields.Date.today(),
                "payment_ref": label,
                "amount": amount,
            }
        )

    def marketplace_day(self):
        """Card and COD orders, a return refunded, a COD not cashed yet, and
        eMAG's commission invoice with a storno of part of it."""
        card, _b, card_invoice = self.order(payment_mode_id=3)
        self.order(payment_mode_id=3, lines=[{"product_id": 1002, "quantity": 3}])
        cod, _b, _i = self.order(payment_mode_id=1)
        self.paid_on_emag(cod, amount=150.0)  # partly cashed so far
        self.order(payment_mode_id=1)  # not cashed at all
        self.sim.set_order_status(USERNAME, card["id"], 4)
        self.poll()
        self.open_return(self.sim_order(card), {1001: 1})
        rma = self.read_returns()
        self.receive(rma)
        self.sim.refund_order(USERNAME, card["id"], rma.credit_note_id.amount_total)
        self.poll()
        commission = self.sim.issue_invoice(USERNAME, "FC", COMMISSION)
        self.sim.storno_invoice(
            USERNAME,
            commission["number"],
            lines=[{"product_name": "Corectie", "quantity": 1, "unit_price": 3.33, "vat_rate": 21}],
        )
        self.read_invoices()
        return card_invoice, rma.credit_note_id

    def test_payout_figures_and_one_click_reconciliation_to_the_cent(self):
        card_invoice, credit_note = self.marketplace_day()
        wizard = self.env["emag.payout"].create({"account_id": self.account.id})
        cashed = card_invoice.amount_total + 3 * 50.0 + 150.0
        self.assertAlmostEqual(wizard.cashed, cashed)
        self.assertAlmostEqual(wizard.refunds, credit_note.amount_total)
        self.assertAlmostEqual(wizard.invoices, round(33.33 * 1.21, 2) - round(3.33 * 1.21, 2))
        expected = round(cashed - credit_note.amount_total - wizard.invoices, 2)
        self.assertAlmostEqual(wizard.expected, expected)
        self.assertAlmostEqual(wizard.open_balance, expected)
        self.assertEqual(len(wizard.cashed_payment_ids), 3)
        self.assertEqual(wizard.refund_payment_ids.emag_document_id, credit_note)
        self.assertEqual(len(wizard.invoice_payment_ids), 2)

        # A transfer a cent short is refused, saying by how much; nothing moves.
        short = self.bank_line(expected - 0.01)
        with self.assertRaisesRegex(UserError, "No eMAG account owes exactly"):
            short.action_emag_reconcile_payout()
        self.assertFalse(short.is_reconciled)

        line = self.bank_line(expected)
        line.action_emag_reconcile_payout()
        self.assertTrue(line.is_reconciled)
        self.assertFalse(
            self.env["account.move.line"].search(
                [
                    ("account_id", "=", self.account.money_clearing_account_id.id),
                    ("reconciled", "=", False),
                    ("parent_state", "=", "posted"),
                    ("move_id", "!=", short.move_id.id),
                ]
            ),
            "eMAG owes nothing more",
        )
        self.assertEqual(card_invoice.payment_state, "paid")
        self.assertAlmostEqual(
            self.env["emag.payout"].create({"account_id": self.account.id}).open_balance, 0.0
        )

    def test_reconciliation_model_for_the_bank_widget(self):
        self.account.action_setup_money()
        model = self.env["account.reconcile.model"].search(
            [("line_ids.account_id", "=", self.account.money_clearing_account_id.id)]
        )
        self.assertEqual(len(model), 1)
        self.assertEqual(model.match_label_param, "eMAG")
        self.assertEqual(model.line_ids.amount_string, "100")
        self.account.action_setup_money()
        self.assertEqual(
            self.env["account.reconcile.model"].search_count(
                [("line_ids.account_id", "=", self.account.money_clearing_account_id.id)]
            ),
            1,
        )
