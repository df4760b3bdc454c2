from odoo.tests import HttpCase, new_test_user, tagged

from .common import LoopbackHttpMixin


@tagged("post_install", "-at_install")
class TestDashboardTour(LoopbackHttpMixin, HttpCase):
    def test_emag_user_follows_a_figure_and_the_health_badge(self):
        new_test_user(
            self.env,
            login="emag_dashboard_user",
            groups="emag_connector.group_emag_user",
            company_id=self.env.company.id,
        )
        Account = self.env["emag.account"]
        account = Account.create({"name": "Tour RO", "platform": "emag_ro"})
        Account.create({"name": "Tour BG", "platform": "emag_bg"})
        Order = self.env["emag.order"]
        Order.create({"account_id": account.id, "emag_id": "TOUR-NEW", "emag_status": "1"})
        Order.create(
            {
                "account_id": account.id,
                "emag_id": "TOUR-BROKEN",
                "emag_status": "2",
                "state": "exception",
                "message": "Unknown product in the order.",
            }
        )
        self.start_tour(
            "/odoo/action-emag_connector.emag_dashboard_action",
            "emag_dashboard_figures",
            login="emag_dashboard_user",
        )


@tagged("post_install", "-at_install")
class TestReadableTour(LoopbackHttpMixin, HttpCase):
    def test_badge_and_exception_columns_are_not_cut(self):
        new_test_user(
            self.env,
            login="emag_readable_user",
            groups="emag_connector.group_emag_user",
            company_id=self.env.company.id,
        )
        Account = self.env["emag.account"]
        account = Account.create({"name": "Tour RO", "platform": "emag_ro"})
        Account.create({"name": "Tour BG, the shop of a long name", "platform": "emag_bg"})
        self.env["emag.order"].create(
            {
                "account_id": account.id,
                "emag_id": "TOUR-BROKEN-0001",
                "emag_status": "2",
                "state": "exception",
                "message": "No product is offered on this account with the part number "
                "MUG-450-HAND, KT-1700-INOX-2, CBL-USBC-2M-BRAIDED. Create the offer (or set the "
                "product's internal reference), then press Retry." * 2,
            }
        )
        self.start_tour(
            "/odoo/action-emag_connector.emag_dashboard_action",
            "emag_readable_dashboard",
            login="emag_readable_user",
        )

    def test_pushed_price_shows_its_currency(self):
        new_test_user(
            self.env,
            login="emag_price_user",
            groups="emag_connector.group_emag_user",
            company_id=self.env.company.id,
        )
        account = self.env["emag.account"].create({"name": "Tour RO", "platform": "emag_ro"})
        product = self.env["product.product"].create({"name": "Tour kettle", "type": "consu"})
        offer = self.env["emag.offer"].create(
            {"account_id": account.id, "product_id": product.id, "part_number": "TOUR-KETTLE"}
        )
        offer.pushed_values = {"sale_price": 40.0248, "stock": 3}
        self.assertEqual(offer.currency_id.name, "RON")
        self.start_tour(
            "/odoo/action-emag_connector.emag_offer_action",
            "emag_offer_prices",
            login="emag_price_user",
        )
