from datetime import datetime, timedelta

from lxml import etree

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..services.operations.dashboard import day_start


@tagged("post_install", "-at_install")
class TestAccountDashboard(TransactionCase):
    """The figures of the dashboard cards, against fixtures counted by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, tz="Europe/Bucharest")
        )
        Account = cls.env["emag.account"]
        cls.account = Account.create({"name": "Dashboard RO", "platform": "emag_ro"})
        cls.other = Account.create({"name": "Dashboard BG", "platform": "emag_bg"})
        cls.partner = cls.env["res.partner"].create({"name": "Client Exemplu"})
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        now = fields.Datetime.now()
        today = day_start(now, cls.env)
        week_start = day_start(now, cls.env, days_back=6)
        orders = [
            # name, account, type, status, placed on, acknowledged
            ("new-today", cls.account, "seller", "1", today, False),
            ("progress-today", cls.account, "seller", "2", today, True),
            ("fbe-today", cls.account, "fbe", "1", today, False),
            (
                "new-yesterday-evening",
                cls.account,
                "seller",
                "1",
                today - timedelta(seconds=1),
                False,
            ),
            ("prepared-with-awb", cls.account, "seller", "3", week_start + timedelta(days=3), True),
            ("prepared-week-start", cls.account, "seller", "3", week_start, True),
            (
                "progress-8-days",
                cls.account,
                "seller",
                "2",
                week_start - timedelta(seconds=1),
                True,
            ),
            ("finalized-old", cls.account, "seller", "4", now - timedelta(days=10), True),
            ("other-new-today", cls.other, "seller", "1", today, False),
        ]
        cls.orders = {}
        for name, account, order_type, status, placed, acknowledged in orders:
            cls.orders[name] = cls.env["emag.order"].create(
                {
                    "account_id": account.id,
                    "emag_id": name,
                    "order_type": order_type,
                    "emag_status": status,
                    "emag_date": placed,
                    "acknowledged_at": placed if acknowledged else False,
                }
            )
        cls.fulfilment_with_awb = cls._fulfilment(cls.orders["prepared-with-awb"], awb="AWB1")

    @classmethod
    def _fulfilment(cls, binding, awb=False, invoice=False, attached=False):
        sale_order = cls.env["sale.order"].create(
            {"partner_id": cls.partner.id, "emag_account_id": binding.account_id.id}
        )
        binding.sale_order_id = sale_order
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.warehouse.out_type_id.id,
                "partner_id": cls.partner.id,
                "sale_id": sale_order.id,
            }
        )
        return cls.env["emag.fulfilment"].create(
            {
                "picking_id": picking.id,
                "emag_order_id": binding.id,
                "awb_number": awb,
                "invoice_id": invoice and invoice.id,
                "invoice_attached_at": attached and fields.Datetime.now(),
            }
        )

    def _invoice(self):
        return self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.partner.id}
        )

    def _open(self, account, figure):
        action = account.with_context(dashboard_figure=figure).action_open_dashboard_figure()
        return self.env[action["res_model"]].search(action["domain"])

    def test_order_figures(self):
        account = self.account
        self.assertEqual(account.dashboard_orders_today, 3, "today in Bucharest, FBE included")
        self.assertEqual(account.dashboard_orders_week, 6, "today and the 6 days before")
        self.assertEqual(account.dashboard_orders_waiting_ack, 2, "seller orders still new")
        self.assertEqual(account.dashboard_orders_waiting_awb, 3, "accepted, without an AWB")
        self.assertEqual(
            (self.other.dashboard_orders_today, self.other.dashboard_orders_waiting_ack), (1, 1)
        )

    def test_each_figure_opens_the_records_it_counts(self):
        orders = self.orders
        expected = {
            "orders_today": {"new-today", "progress-today", "fbe-today"},
            "orders_waiting_ack": {"new-today", "new-yesterday-evening"},
            "orders_waiting_awb": {"progress-today", "prepared-week-start", "progress-8-days"},
        }
        for figure, names in expected.items():
            with self.subTest(figure=figure):
                self.assertEqual(
                    self._open(self.account, figure),
                    self.env["emag.order"].union(*(orders[name] for name in names)),
                )
        self.assertEqual(self._open(self.other, "orders_today"), orders["other-new-today"])

    def test_the_day_is_the_users_day(self):
        """At 00:30 in Bucharest it is still yesterday in UTC: the day is the user's."""
        late_evening_utc = datetime(2026, 1, 14, 22, 30)  # 00:30 on the 15th in Bucharest
        self.assertEqual(day_start(late_evening_utc, self.env), datetime(2026, 1, 14, 22, 0))
        in_utc = self.env(context=dict(self.env.context, tz="UTC"))
        self.assertEqual(day_start(late_evening_utc, in_utc), datetime(2026, 1, 14, 0, 0))
        self.assertEqual(
            day_start(late_evening_utc, self.env, days_back=6), datetime(2026, 1, 8, 22, 0)
        )

    def test_offers_by_state(self):
        products = self.env["product.product"].create(
            [{"name": f"Produs {index}", "default_code": f"DASH-{index}"} for index in range(6)]
        )
        states = ["published", "published", "pending", "attention", "rejected", "draft"]
        offers = self.env["emag.offer"].create(
            [{"account_id": self.account.id, "product_id": product.id} for product in products]
        )
        for offer, state in zip(offers, states, strict=True):
            offer.state = state
        self.env["emag.offer"].create(
            {"account_id": self.other.id, "product_id": products[0].id}
        ).state = "rejected"
        account = self.account
        self.assertEqual(
            (
                account.dashboard_offers_published,
                account.dashboard_offers_pending,
                account.dashboard_offers_attention,
                account.dashboard_offers_rejected,
                account.dashboard_offers_draft,
                account.dashboard_offers_inactive,
            ),
            (2, 1, 1, 1, 1, 0),
        )
        self.assertEqual(self._open(account, "offers_rejected"), offers[4])
        self.assertEqual(self.other.dashboard_offers_rejected, 1)

    def test_invoice_attachment_rate_over_30_days(self):
        self.assertEqual(self.account.dashboard_invoice_count, 0)
        attached = [
            self._fulfilment(self.orders[name], invoice=self._invoice(), attached=True)
            for name in ("new-today", "progress-today", "fbe-today")
        ]
        unattached = self._fulfilment(self.orders["new-yesterday-evening"], invoice=self._invoice())
        old = self._fulfilment(self.orders["finalized-old"], invoice=self._invoice())
        self.env.cr.execute(
            "UPDATE emag_fulfilment SET create_date = now() - interval '31 days' WHERE id = %s",
            [old.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self.account.dashboard_invoice_count, 4, "the old one is out")
        self.assertAlmostEqual(self.account.dashboard_attachment_rate, 75.0)
        self.assertEqual(self.account.dashboard_invoices_unattached, 1)
        self.assertEqual(self._open(self.account, "invoices_unattached"), unattached)
        self.assertEqual(len(attached), 3)

    def test_last_stock_push_is_the_last_successful_stock_call(self):
        Log = self.env["emag.api.log"]
        base = {"account_id": self.account.id, "method": "POST"}
        Log.create({**base, "route": "offer/save", "outcome": "ok"})
        Log.create({**base, "route": "order/read", "outcome": "ok"})
        Log.create({**base, "route": "offer/save", "outcome": "EmagTransientError"})
        logs = Log.search([("account_id", "=", self.account.id)])
        self.env.cr.execute(
            "UPDATE emag_api_log SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=2), logs.filtered("success")[-1].id],
        )
        self.env.invalidate_all()
        pushed = Log.search(
            [
                ("account_id", "=", self.account.id),
                ("route", "=", "offer/save"),
                ("success", "=", True),
            ]
        )
        self.assertEqual(self.account.dashboard_last_stock_push, pushed.create_date)
        self.assertFalse(self.other.dashboard_last_stock_push)

    def test_figures_cost_the_same_queries_for_one_account_or_many(self):
        self.env["emag.account"].create(
            [{"name": f"Dashboard {index}", "platform": "emag_ro"} for index in range(5)]
        )
        figures = [
            name
            for name in self.account._fields
            if name.startswith("dashboard_") and "health" not in name
        ]
        queries = []
        for accounts in (self.account, self.env["emag.account"].search([])):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            accounts.read(figures)
            queries.append(self.cr.sql_log_count - before)
        self.assertEqual(queries[0], queries[1], "one query per figure, whatever the accounts")

    def test_health_follows_the_problems(self):
        """The exception report's lines make the badge; so do a failing
        connection and order polls that stopped succeeding."""
        other = self.other
        self.assertEqual(
            (other.dashboard_health, other.dashboard_health_summary), ("healthy", "Healthy")
        )
        product = self.env["product.product"].create({"name": "Produs", "default_code": "H-1"})
        offer = self.env["emag.offer"].create({"account_id": other.id, "product_id": product.id})
        offer.write({"state": "attention", "state_reason": "No EAN."})
        self.env.invalidate_all()  # the card is read again, as the web client does
        self.assertEqual(
            (other.dashboard_health, other.dashboard_health_summary), ("warnings", "Warnings: 1")
        )
        self.orders["other-new-today"].write({"state": "exception", "message": "Unknown product."})
        self.env.invalidate_all()
        self.assertEqual(other.dashboard_health, "errors")
        self.assertEqual(other.dashboard_health_summary, "Errors: 1 · Warnings: 1")

        fresh = self.env["emag.account"].create({"name": "Dashboard HU", "platform": "emag_hu"})
        self.assertEqual(fresh.dashboard_health, "healthy")
        fresh.order_checkpoint = fields.Datetime.now() - timedelta(hours=2)
        self.env.invalidate_all()
        self.assertEqual(fresh.dashboard_health, "warnings", "order polls stopped succeeding")
        fresh.connection_state = "auth"
        self.env.invalidate_all()
        self.assertEqual(
            fresh.dashboard_health_summary, "Errors: 1 · Warnings: 1", "wrong credentials"
        )

    def test_an_emag_user_sees_the_figures_and_their_lists(self):
        user = new_test_user(self.env, "dash_user", groups="emag_connector.group_emag_user")
        account = self.account.with_user(user)
        self.assertEqual(
            (account.dashboard_orders_today, account.dashboard_orders_waiting_awb), (3, 3)
        )
        self.assertIn(account.dashboard_health, ("healthy", "warnings", "errors"))
        action = account.with_context(
            dashboard_figure="orders_today"
        ).action_open_dashboard_figure()
        self.assertEqual(self.env["emag.order"].with_user(user).search_count(action["domain"]), 3)

    def test_every_figure_on_the_card_opens_a_list(self):
        """Each clickable figure of the kanban card names a figure that opens its list."""
        view = self.env.ref("emag_connector.emag_account_view_dashboard_kanban")
        arch = etree.fromstring(self.env["emag.account"].get_view(view.id, "kanban")["arch"])
        links = arch.xpath("//a[@name='action_open_dashboard_figure']")
        self.assertGreaterEqual(len(links), 11)
        for link in links:
            context = safe_eval(link.get("context"))
            with self.subTest(figure=context["dashboard_figure"]):
                action = self.account.with_context(**context).action_open_dashboard_figure()
                self.assertEqual(action["type"], "ir.actions.act_window")
                self.env[action["res_model"]].search(action["domain"])

    def test_the_emag_menu_opens_on_the_dashboard(self):
        root = self.env.ref("emag_connector.menu_emag_root")
        first = root.child_id.filtered("action").sorted("sequence")[:1]
        self.assertEqual(first.action, self.env.ref("emag_connector.emag_dashboard_action"))
