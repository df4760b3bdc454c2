# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import random
from datetime import timedelta

from odoo import api, fields, models

from ..lib.emag_api import PLATFORMS, EmagClient
from ..services.common.api_log import ApiCallRecorder
from ..services.common.connection import check_connection
from ..services.common.rate_limiter import PostgresLimiter

MANAGER_GROUP = "emag_connector.group_emag_manager"


class EmagAccount(models.Model):
    """A seller account on one eMAG platform, and the sales channel it feeds.

    Everything the connector does (offers, stock, orders, AWBs, returns) is
    scoped by account: credentials and rate limits are per account, and so are
    the warehouse its stock comes from and the sales team its orders carry.
    """

    _name = "emag.account"
    _description = "eMAG Account"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    platform = fields.Selection(
        selection=[(code, platform.name) for code, platform in PLATFORMS.items()],
        required=True,
        default="emag_ro",
        tracking=True,
    )
    api_url = fields.Char(
        string="API URL",
        compute="_compute_platform_defaults",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Base URL of the eMAG seller API for this platform. Change it only to "
        "point the account at a sandbox.",
    )
    api_username = fields.Char(
        string="API Username",
        groups=MANAGER_GROUP,
        help="The API user of the seller account (usually an e-mail address), with API "
        "rights enabled in the eMAG seller area.",
    )
    api_password = fields.Char(string="API Password", groups=MANAGER_GROUP, copy=False)
    fulfilment_type = fields.Selection(
        [("seller", "Seller-fulfilled"), ("fbe", "Fulfilled by eMAG")],
        required=True,
        default="seller",
        tracking=True,
        help="Seller-fulfilled: you ship from your warehouse and issue the AWB. Fulfilled by "
        "eMAG: eMAG ships from its own warehouse; you invoice.",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        help="Warehouse whose free quantity is offered and from which seller-fulfilled "
        "orders are delivered.",
    )
    fbe_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="FBE Warehouse",
        check_company=True,
        help="Warehouse that mirrors the stock held by eMAG for Fulfilled-by-eMAG orders. "
        "Keep it apart from your own warehouse so FBE stock is never offered twice.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_platform_defaults",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="Currency of prices and orders on this platform.",
    )
    lang = fields.Selection(
        "_lang_selection",
        string="Language",
        compute="_compute_platform_defaults",
        store=True,
        precompute=True,
        readonly=False,
        help="Locale of the texts sent to this platform.",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        check_company=True,
        help="Pricelist of the orders imported from this account and source of the offer "
        "prices. It must be in the platform currency.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        check_company=True,
        help="Sales channel the orders of this account are tagged with; reporting "
        "separates the platforms by it.",
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        check_company=True,
        help="Fiscal position of the orders imported from this account, e.g. an OSS "
        "position for the Bulgarian and Hungarian platforms. Empty: none. The order lines "
        "always carry the VAT eMAG charged; Odoo's automatic choice (such as an "
        "intra-community exemption for a foreign buyer) is never applied to them.",
    )
    handling_time = fields.Integer(
        default=1,
        help="Default number of working days between order and hand-over to the courier.",
    )
    order_poll_interval = fields.Integer(
        string="Order Poll Interval (min)",
        default=5,
        help="How often new and modified orders are read from eMAG.",
    )
    connection_state = fields.Selection(
        [
            ("unknown", "Not tested"),
            ("ok", "Connected"),
            ("auth", "Wrong credentials"),
            ("ip", "IP not whitelisted"),
            ("unreachable", "Unreachable"),
            ("unexpected", "Unexpected answer"),
        ],
        default="unknown",
        readonly=True,
        copy=False,
    )
    connection_message = fields.Char(readonly=True, copy=False)
    connection_checked_at = fields.Datetime(readonly=True, copy=False)
    api_calls_orders_last_minute = fields.Integer(
        compute="_compute_api_usage",
        help="Calls to eMAG's order routes in the last 60 seconds; eMAG allows 720.",
    )
    api_calls_other_last_minute = fields.Integer(
        compute="_compute_api_usage",
        help="Calls to all other eMAG routes together in the last 60 seconds; eMAG allows 180.",
    )

    _platform_company_username_unique = models.Constraint(
        "UNIQUE(company_id, platform, api_url, name)",
        "An eMAG account with this name already exists for this platform.",
    )
    _handling_time_positive = models.Constraint(
        "CHECK(handling_time >= 0)", "The handling time cannot be negative."
    )
    _poll_interval_positive = models.Constraint(
        "CHECK(order_poll_interval > 0)", "The order poll interval must be at least one minute."
    )

    @api.model
    def _lang_selection(self):
        # Every language Odoo knows, installed or not: the platform's language
        # is named even where nobody reads Odoo in it.
        languages = self.env["res.lang"].with_context(active_test=False).search([])
        return [(language.code, language.name) for language in languages]

    @api.depends("platform")
    def _compute_platform_defaults(self):
        for account in self:
            platform = PLATFORMS.get(account.platform)
            if not platform:
                continue
            account.api_url = platform.api_url
            account.lang = platform.lang
            account.currency_id = (
                self.env["res.currency"]
                .with_context(active_test=False)
                .search([("name", "=", platform.currency)], limit=1)
            )

    def _compute_api_usage(self):
        since = fields.Datetime.now() - timedelta(seconds=60)
        base = [("account_id", "in", self.ids), ("create_date", ">=", since)]
        Log = self.env["emag.api.log"].sudo()
        order_calls = dict(
            Log._read_group(base + [("route", "=like", "order/%")], ["account_id"], ["__count"])
        )
        other_routes = base + ["!", ("route", "=like", "order/%")]
        other_calls = dict(Log._read_group(other_routes, ["account_id"], ["__count"]))
        for account in self:
            account.api_calls_orders_last_minute = order_calls.get(account, 0)
            account.api_calls_other_last_minute = other_calls.get(account, 0)

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        for account in accounts:
            account._ensure_sales_channel()
        return accounts

    def _ensure_sales_channel(self):
        """Give the account its own sales team and pricelist when none was chosen.

        Each account is a channel of its own: its orders carry its team, and its
        prices live in a pricelist of the platform currency.
        """
        self.ensure_one()
        if not self.currency_id.active:
            self.currency_id.sudo().active = True
        if not self.team_id:
            self.team_id = self.env["crm.team"].create(
                {"name": self.name, "company_id": self.company_id.id}
            )
        if not self.pricelist_id:
            self.pricelist_id = self.env["product.pricelist"].create(
                {
                    "name": self.name,
                    "currency_id": self.currency_id.id,
                    "company_id": self.company_id.id,
                }
            )

    def _emag_sync_cron(self, cron_field, interval_field, method, name):
        """Keep one cron of each account in line with it: calling ``method`` on
        that account every ``interval_field`` minutes, active with it, named by
        ``name(account)``. Each account keeps its own pace and can be paused
        alone. A new cron's first run falls on an off-round second: eMAG asks
        integrators not to call at round clock times, when everyone else does.
        """
        model = self.env["ir.model"]._get_id("emag.account")
        for account in self.sudo():
            interval = account[interval_field]
            values = {
                "name": name(account),
                "interval_number": interval,
                "interval_type": "minutes",
                "active": account.active,
            }
            if account[cron_field]:
                account[cron_field].write(values)
                continue
            start = fields.Datetime.now() + timedelta(minutes=interval)
            values.update(
                model_id=model,
                state="code",
                code=f"model.browse({account.id}).{method}()",
                nextcall=start.replace(second=random.randint(7, 53)),
            )
            account[cron_field] = self.env["ir.cron"].create(values)

    def _get_client(self, **options):
        """The eMAG API client of this account.

        Credentials are read as superuser: jobs started by eMAG users need them,
        while only managers may see them on screen. Requests are paced by a
        limiter shared by every worker of the database, and every call is
        recorded in the API log.
        """
        self.ensure_one()
        account = self.sudo()
        options.setdefault("limiter", PostgresLimiter(self.env.registry))
        options.setdefault("call_hook", ApiCallRecorder(self))
        return EmagClient(
            account.api_url,
            account.api_username or "",
            account.api_password or "",
            platform=account.platform,
            **options,
        )

    def action_open_api_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("emag_connector.emag_api_log_action")
        action["domain"] = [("account_id", "=", self.id)]
        return action

    def action_test_connection(self):
        """Check the credentials and IP whitelisting with one cheap call.

        The call is short (a few seconds at most) so the form never hangs; the
        outcome is kept on the account and shown as a notification.
        """
        self.ensure_one()
        state, message = check_connection(self.env, self._get_client())
        self.write(
            {
                "connection_state": state,
                "connection_message": message,
                "connection_checked_at": fields.Datetime.now(),
            }
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("eMAG connection: %(account)s", account=self.name),
                "message": message,
                "type": "success" if state == "ok" else "danger",
                "sticky": state != "ok",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
