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
