# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..services.anaf_connection import AnafConnection

ANAF_SECRETS = (
    "l10n_ro_edi_client_secret",
    "l10n_ro_edi_access_token",
    "l10n_ro_edi_refresh_token",
)


@tagged("post_install", "-at_install")
class TestDashboardEfactura(TransactionCase):
    """The e-Factura figures of the account cards, against hand-counted documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Account = cls.env["emag.account"]
        cls.account = Account.create({"name": "e-Factura RO", "platform": "emag_ro"})
        cls.other = Account.create({"name": "e-Factura RO 2", "platform": "emag_ro"})
        cls.partner = cls.env["res.partner"].create({"name": "Client Exemplu"})
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        # One invoice per bridge state on the first account's deliveries.
        cls.invoices = {}
        states = ("to_send", "sent", "waiting", "accepted", "rejected", "invalid", "unauthorized")
        for state in (*states, False):
            invoice = cls._document("out_invoice", state)
            cls._fulfilment(cls.account, invoice)
            cls.invoices[state] = invoice
        # An invoice split over two deliveries counts once.
        cls._fulfilment(cls.account, cls.invoices["sent"])
        # A return's credit note ANAF rejected.
        cls.credit_note = cls._document("out_refund", "rejected")
        cls.env["emag.rma"].create(
            {
                "account_id": cls.account.id,
                "emag_id": "RMA-1",
                "credit_note_id": cls.credit_note.id,
            }
        )
        cls.other_invoice = cls._document("out_invoice", "waiting")
        cls._fulfilment(cls.other, cls.other_invoice)

    @classmethod
    def _document(cls, move_type, state):
        move = cls.env["account.move"].create(
            {"move_type": move_type, "partner_id": cls.partner.id}
        )
        move.l10n_ro_efb_state = state
        return move

    @classmethod
    def _fulfilment(cls, account, invoice):
        count = cls.env["emag.order"].search_count([])
        binding = cls.env["emag.order"].create(
            {"account_id": account.id, "emag_id": f"EF-{count}", "emag_status": "4"}
        )
        picking = cls.env["stock.picking"].create(
            {"picking_type_id": cls.warehouse.out_type_id.id, "partner_id": cls.partner.id}
        )
        return cls.env["emag.fulfilment"].create(
            {"picking_id": picking.id, "emag_order_id": binding.id, "invoice_id": invoice.id}
        )

    def _open(self, account, figure):
        action = account.with_context(dashboard_figure=figure).action_open_dashboard_figure()
        self.assertEqual(action["res_model"], "account.move")
        return self.env["account.move"].search(action["domain"])

    def test_waiting_and_rejected_documents(self):
        self.assertEqual(self.account.dashboard_efactura_waiting, 3, "to send, sent, waiting")
        self.assertEqual(
            self.account.dashboard_efactura_rejected, 2, "rejected by ANAF: invoice, credit note"
        )
        # Our own checks' stop and the company's authorisation are not ANAF's rejections.
        self.assertEqual(self.account.dashboard_efactura_to_fix, 1)
        self.assertEqual(self.account.dashboard_efactura_blocked, 1)
        self.assertEqual(
            (self.other.dashboard_efactura_waiting, self.other.dashboard_efactura_rejected), (1, 0)
        )

    def test_each_figure_opens_its_documents(self):
        invoices = self.invoices
        self.assertEqual(
            self._open(self.account, "efactura_waiting"),
            invoices["to_send"] | invoices["sent"] | invoices["waiting"],
        )
        self.assertEqual(
            self._open(self.account, "efactura_rejected"), invoices["rejected"] | self.credit_note
        )
        self.assertEqual(self._open(self.account, "efactura_to_fix"), invoices["invalid"])
        self.assertEqual(self._open(self.account, "efactura_blocked"), invoices["unauthorized"])
        self.assertEqual(self._open(self.other, "efactura_waiting"), self.other_invoice)

    def test_connector_figures_still_open(self):
        action = self.account.with_context(
            dashboard_figure="orders_waiting_ack"
        ).action_open_dashboard_figure()
        self.assertEqual(action["res_model"], "emag.order")

    def test_an_emag_user_without_accounting_rights_sees_the_figures(self):
        user = new_test_user(self.env, "efb_dash_user", groups="emag_connector.group_emag_user")
        self.assertFalse(user.has_group("account.group_account_invoice"))
        account = self.account.with_user(user)
        self.assertEqual(
            (account.dashboard_efactura_waiting, account.dashboard_efactura_rejected), (3, 2)
        )


@tagged("post_install", "-at_install")
class TestAnafSecrets(TransactionCase):
    """The company's ANAF OAuth secret and tokens are for the settings' administrators."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write(
            {
                "l10n_ro_edi_client_id": "client-id",
                "l10n_ro_edi_client_secret": "client-secret-value",
                "l10n_ro_edi_access_token": "access-token-value",
                "l10n_ro_edi_refresh_token": "refresh-token-value",
                "l10n_ro_edi_access_expiry_date": fields.Date.today() + timedelta(days=30),
            }
        )

    def test_users_without_settings_rights_cannot_read_them(self):
        users = {
            "internal": new_test_user(self.env, "anaf_internal", groups="base.group_user"),
            "emag manager": new_test_user(
                self.env, "anaf_emag_manager", groups="emag_connector.group_emag_manager"
            ),
            "accountant": new_test_user(
                self.env, "anaf_accountant", groups="account.group_account_manager"
            ),
        }
        for who, user in users.items():
            company = self.company.with_user(user)
            for field in ANAF_SECRETS:
                with self.subTest(user=who, field=field), self.assertRaises(AccessError):
                    company.read([field])
                self.assertNotIn(field, company.fields_get(), "not even offered to the web client")
            with self.subTest(user=who), self.assertRaises(AccessError):
                company.search([("l10n_ro_edi_refresh_token", "=", "refresh-token-value")])

    def test_the_administrator_reads_them(self):
        admin = new_test_user(self.env, "anaf_admin", groups="base.group_system")
        self.assertEqual(
            self.company.with_user(admin).l10n_ro_edi_access_token, "access-token-value"
        )

    def test_sending_still_works_for_the_accountant(self):
        """The bridge reads the tokens as superuser for whoever sends."""
        accountant = new_test_user(self.env, "anaf_sender", groups="account.group_account_invoice")
        client = AnafConnection(self.company.with_user(accountant)).client()
        self.assertEqual(client.access_token, "access-token-value")
