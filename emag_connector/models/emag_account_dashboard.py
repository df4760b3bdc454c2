# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..services.operations import dashboard, exception_report

# The figures counted by their domain alone (see ``services/operations/dashboard.py``).
COUNTED_FIGURES = (
    "orders_today",
    "orders_week",
    "orders_waiting_ack",
    "orders_waiting_awb",
    "invoices_unattached",
)


class EmagAccount(models.Model):
    """The dashboard card of an account: its figures, its health, and their lists."""

    _inherit = "emag.account"

    dashboard_orders_today = fields.Integer(string="Orders Today", compute="_compute_dashboard")
    dashboard_orders_week = fields.Integer(
        string="Orders in 7 Days",
        compute="_compute_dashboard",
        help="Orders placed today and in the 6 days before.",
    )
    dashboard_orders_waiting_ack = fields.Integer(
        string="Waiting Acknowledgement", compute="_compute_dashboard"
    )
    dashboard_orders_waiting_awb = fields.Integer(
        string="Waiting AWB",
        compute="_compute_dashboard",
        help="Seller-fulfilled orders in progress or prepared, without an AWB yet.",
    )
    dashboard_offers_draft = fields.Integer(string="Draft Offers", compute="_compute_dashboard")
    dashboard_offers_attention = fields.Integer(
        string="Offers Needing Attention", compute="_compute_dashboard"
    )
    dashboard_offers_pending = fields.Integer(string="Pending Offers", compute="_compute_dashboard")
    dashboard_offers_published = fields.Integer(
        string="Published Offers", compute="_compute_dashboard"
    )
    dashboard_offers_rejected = fields.Integer(
        string="Rejected Offers", compute="_compute_dashboard"
    )
    dashboard_offers_inactive = fields.Integer(
        string="Inactive Offers", compute="_compute_dashboard"
    )
    dashboard_invoice_count = fields.Integer(
        string="Invoices (30 Days)",
        compute="_compute_dashboard",
        help="Invoices of the eMAG deliveries of the last 30 days.",
    )
    dashboard_invoices_unattached = fields.Integer(
        string="Invoices Not on eMAG", compute="_compute_dashboard"
    )
    dashboard_attachment_rate = fields.Float(
        string="Invoice Attachment Rate (%)",
        compute="_compute_dashboard",
        digits=(5, 1),
        help="Share of the last 30 days' invoices already attached to their eMAG order.",
    )
    dashboard_last_stock_push = fields.Datetime(
        string="Last Stock Push",
        compute="_compute_dashboard",
        help="Last successful call that sent offer stock to eMAG (kept 30 days).",
    )
    dashboard_health = fields.Selection(
        [
            (dashboard.HEALTHY, "Healthy"),
            (dashboard.WARNINGS, "Warnings"),
            (dashboard.ERRORS, "Errors"),
        ],
        string="Health",
        compute="_compute_dashboard_health",
    )
    dashboard_health_summary = fields.Char(
        string="Health Summary", compute="_compute_dashboard_health"
    )

    def _compute_dashboard(self):
        now = fields.Datetime.now()
        accounts = self.filtered("id")
        counts = {key: dashboard.count(accounts, key, now) for key in COUNTED_FIGURES}
        offers = dashboard.offer_states(accounts)
        invoices = dashboard.invoice_counts(accounts, now)
        pushes = dashboard.last_stock_pushes(accounts)
        for account in self:
            key = account.id
            for figure, per_account in counts.items():
                account[f"dashboard_{figure}"] = per_account.get(key, 0)
            for state in dashboard.OFFER_STATES:
                account[f"dashboard_offers_{state}"] = offers.get(key, {}).get(state, 0)
            total, attached = invoices.get(key, (0, 0))
            account.dashboard_invoice_count = total
            account.dashboard_attachment_rate = 100.0 * attached / total if total else 0.0
            account.dashboard_last_stock_push = pushes.get(key, False)

    def _compute_dashboard_health(self):
        now = fields.Datetime.now()
        accounts = self.filtered("id")
        problems = {account.id: [] for account in accounts}
        for line in exception_report.collect(self.env, accounts, now=now):
            problems.setdefault(line.account.id, []).append(line)
        for account in self:
            account.dashboard_health, account.dashboard_health_summary = dashboard.health(
                account, problems.get(account.id, []), now
            )

    def action_open_dashboard_figure(self):
        """Open the list behind the figure named by the ``dashboard_figure`` context key."""
        self.ensure_one()
        return dashboard.action(self, self.env.context["dashboard_figure"])


class EmagOrder(models.Model):
    _inherit = "emag.order"

    fulfilment_ids = fields.One2many(
        "emag.fulfilment",
        "emag_order_id",
        string="Fulfilments",
        readonly=True,
        help="The validated deliveries of the order and their pipelines.",
    )
